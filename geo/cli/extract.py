"""The extract command: articles to draft incidents for review."""

from __future__ import annotations

import sys
from pathlib import Path

from geo.cli import add_command
from geo.progress import add_quiet_option, progress_bar


def register(subparsers) -> None:
    parser = add_command(
        subparsers, "extract", _extract, "Turn news articles into draft incidents (status: draft) for review.",
        "  python -m geo extract article.txt --published 2024-03-06 --publisher SOHR -o drafts.yaml\n"
        "  python -m geo extract page.html -o drafts.yaml\n"
        "  cat article.txt | python -m geo extract - --published 2024-03-06\n"
        "  python -m geo extract reports/ -o drafts.yaml      (every .txt/.html in the folder)\n"
        "then: python -m geo validate drafts.yaml\n")
    parser.add_argument("article", help="a .txt or .html file, a folder of them, or - for standard input")
    parser.add_argument("--published", help="publication date YYYY-MM-DD (resolves 'yesterday', weekdays)")
    parser.add_argument("--source-url", help="link recorded in each draft's source")
    parser.add_argument("--publisher", help="publisher recorded in each draft's source")
    parser.add_argument("-o", "--output", help="YAML file to write (default: print to standard output)")
    add_quiet_option(parser)


def _extract(args) -> int:
    import datetime as dt

    import yaml

    from geo.errors import GeoError
    from geo.extraction import ArticleError, article_files, extract_article, read_article
    from geo.files import write_yaml

    if args.published:
        try:
            dt.date.fromisoformat(args.published)
        except ValueError as err:
            raise GeoError(f"--published {args.published!r} is not a date — write YYYY-MM-DD, e.g. 2024-03-06") from err
    target = Path(args.article)
    if args.article != "-" and target.is_dir():
        paths = article_files(target)
        if not paths:
            raise GeoError(f"{target}: no .txt or .html articles in this folder")
    else:
        paths = [args.article]
    drafts: list[dict] = []
    failed: list[str] = []
    progress = progress_bar(paths, unit="article", shown=not args.quiet and len(paths) > 1)
    for path in progress:
        try:
            article = read_article(path)
        except ArticleError as err:
            failed.append(str(err))
            progress.write(f"skipped: {err}", file=sys.stderr)
            continue
        drafts.extend(extract_article(article.text, args.published or article.published, args.source_url,
                                      args.publisher))
    undated = sum("date" not in draft for draft in drafts)
    header = "# Draft incidents extracted by `python -m geo extract`; review each before it enters the record.\n"
    if args.output:
        write_yaml(drafts, args.output, header)
    else:
        sys.stdout.write(yaml.safe_dump(drafts, allow_unicode=True, sort_keys=False, width=100))
    summary = f"{len(paths) - len(failed)} of {len(paths)} articles read, {len(drafts)} drafts"
    if args.output:
        summary += f" written to {args.output}"
    if failed:
        summary += f"; {len(failed)} skipped (see messages above)"
    print(summary, file=sys.stderr)
    if undated:
        print(f"warning: {undated} drafts have no date (the text gives none): pass --published YYYY-MM-DD",
              file=sys.stderr)
    return 1 if failed and len(failed) == len(paths) else 0
