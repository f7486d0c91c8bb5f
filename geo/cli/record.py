"""Commands on the record itself: validate, stats, fmt."""

from __future__ import annotations

import difflib
import sys
from collections import Counter
from pathlib import Path

from geo.cli import add_command
from geo.records import read_incidents

DEFAULT_FILE = "incidents.yaml"


def register(subparsers) -> None:
    parser = add_command(subparsers, "validate", _validate, "Check an incident file and list every problem.",
                         "  python -m geo validate\n  python -m geo validate drafts.yaml\n"
                         "exit status: 0 when clean, 1 when any problem is found\n")
    parser.add_argument("file", nargs="?", default=DEFAULT_FILE, help="incident file (default: incidents.yaml)")
    parser = add_command(subparsers, "stats", _stats, "Count incidents by side, actor, event type and month.",
                         "  python -m geo stats\n  python -m geo stats other.yaml\n")
    parser.add_argument("file", nargs="?", default=DEFAULT_FILE, help="incident file (default: incidents.yaml)")
    parser = add_command(subparsers, "fmt", _fmt,
                         "Rewrite an incident file in canonical form, keeping every comment and value.",
                         "  python -m geo fmt                 sort by date then id, keys in schema order\n"
                         "  python -m geo fmt --check         for CI: print the diff, exit 1 if not canonical\n"
                         "  python -m geo fmt drafts.yaml\n")
    parser.add_argument("file", nargs="?", default=DEFAULT_FILE, help="incident file (default: incidents.yaml)")
    parser.add_argument("--check", action="store_true",
                        help="change nothing; show what fmt would change and exit 1 when it would change anything")


def _validate(args) -> int:
    frame, problems = read_incidents(args.file)
    problems = problems + _duplicate_warnings(args.file, frame)
    for problem in problems:
        print(problem)
    errors = sum(problem.severity == "error" for problem in problems)
    warnings = len(problems) - errors
    summary = f"{args.file}: {len(frame)} valid incidents, {errors} errors, {warnings} warnings"
    print(summary, file=sys.stderr)
    return 1 if problems else 0


def _duplicate_warnings(path: str, frame) -> list:
    """One warning per pair of incidents that may be the same event (see geo.duplicates)."""
    from geo.duplicates import distinct_pairs, find_duplicates

    text = Path(path).read_text("utf-8", errors="replace")
    return [pair.problem(path) for pair in find_duplicates(frame, distinct=distinct_pairs(text))]


def _stats(args) -> int:
    frame, problems = read_incidents(args.file)
    print(f"{args.file}: {len(frame)} incidents" + (f" ({len(problems)} problems: run validate)" if problems else ""))
    sides = Counter(frame["side1"].dropna())
    tables = {
        "by side (acting)": sides,
        "by side (targeted)": Counter(frame["side2"].dropna()),
        "by actor (acting)": Counter(frame["actor1"].dropna()),
        "by actor (targeted)": Counter(frame["actor2"].dropna()),
        "by event type": Counter(frame["event_type"].dropna()),
        "by sub-event type": Counter(frame["sub_event_type"].dropna()),
        "by month": Counter(frame["date"].dt.strftime("%Y-%m")) if len(frame) else Counter(),
    }
    for title, counts in tables.items():
        print(f"\n{title}")
        items = sorted(counts.items()) if title == "by month" else counts.most_common()
        for name, count in items:
            print(f"  {count:>7}  {name}")
    return 0


def _fmt(args) -> int:
    from geo.errors import GeoError
    from geo.roundtrip import format_text
    from geo.saving import read_snapshot, save_text

    path = Path(args.file)
    if not path.is_file():
        raise GeoError(f"{path}: no such file — check the path")
    snapshot = read_snapshot(path)
    formatted = format_text(snapshot.text, str(path))
    if formatted == snapshot.text:
        print(f"{path}: already in canonical form", file=sys.stderr)
        return 0
    if args.check:
        sys.stdout.writelines(difflib.unified_diff(
            snapshot.text.splitlines(keepends=True), formatted.splitlines(keepends=True),
            fromfile=str(path), tofile=f"{path} (after python -m geo fmt)"))
        print(f"{path}: not in canonical form — run `python -m geo fmt {path}` and review the diff", file=sys.stderr)
        return 1
    save_text(path, formatted, snapshot)  # atomic, with a backup; refused if the file changed meanwhile
    print(f"{path}: formatted (previous version in {path.parent / '.backups'})", file=sys.stderr)
    return 0
