"""Gazetteer commands: look a name up, import a GeoNames dump."""

from __future__ import annotations

import sys
from pathlib import Path

from geo.cli import add_command
from geo.progress import add_quiet_option


def register(subparsers) -> None:
    parser = subparsers.add_parser("gazetteer", help="Look up places; import GeoNames.",
                                   description="Look up places by any spelling; import a GeoNames dump.")
    commands = parser.add_subparsers(dest="gazetteer_command", metavar="SUBCOMMAND")
    parser.set_defaults(handler=lambda args: parser.print_help() or 2)
    lookup = add_command(commands, "lookup", _lookup, "Print the places matching a name, best first.",
                         "  python -m geo gazetteer lookup \"Deir al-Zour\"\n"
                         "  python -m geo gazetteer lookup بالبوكمال\n"
                         "  python -m geo gazetteer lookup الصالحية     (ambiguous: every candidate)\n"
                         "exit status: 0 when something matched, 1 otherwise\n")
    lookup.add_argument("name", nargs="+", help="place name in Arabic or English (any spelling)")
    lookup.add_argument("--limit", type=int, default=10, help="most candidates shown (default 10)")
    lookup.add_argument("--no-fuzzy", action="store_true", help="do not fall back to fuzzy matching")
    imp = add_command(commands, "import-geonames", _import, "Merge a GeoNames country dump into a gazetteer file.",
                      "  python -m geo gazetteer import-geonames SY.txt\n"
                      "  python -m geo gazetteer import-geonames SY.txt -o /tmp/sy_places.yaml\n"
                      "curated places in geo/data/gazetteer.yaml are never changed: GeoNames places\n"
                      "matching one by name within a few km add their spellings as variants\n")
    imp.add_argument("file", help="GeoNames dump: 19 tab-separated columns, UTF-8 (e.g. SY.txt)")
    imp.add_argument("-o", "--output", default=None,
                     help="import file to write (default: geo/data/gazetteer_geonames.yaml)")
    add_quiet_option(imp)


def _lookup(args) -> int:
    from geo.gazetteer import lookup

    name = " ".join(args.name)
    matches = lookup(name, limit=args.limit, fuzzy=not args.no_fuzzy)
    if not matches:
        print(f"no place matches {name!r} — try another spelling, or add it to geo/data/gazetteer.yaml",
              file=sys.stderr)
        return 1
    if len({match.place.id for match in matches}) > 1 and matches[0].score == matches[1].score:
        print(f"{name!r} is ambiguous: {len(matches)} candidates", file=sys.stderr)
    print("score  how         id                          lat       lon       type / precision          "
          "admin  —  names")
    for match in matches:
        place = match.place
        kind = f"{place.feature} / {place.precision}"
        print(f"{match.score:<5.2f}  {match.how:<10}  {place.id:<26}  {place.lat:<8.4f}  {place.lon:<8.4f}  "
              f"{kind:<24}  {place.admin or '-'}  —  {place.name_en} | {place.name_ar}"
              + (f"  (matched {match.matched_name!r})" if match.how == "fuzzy" else ""))
    return 0


def _import(args) -> int:
    from geo.files import write_yaml
    from geo.gazetteer import CURATED_FILE, GEONAMES_FILE, load_gazetteer
    from geo.geonames import HEADER, import_geonames

    output = Path(args.output) if args.output else GEONAMES_FILE
    if output.resolve() == CURATED_FILE.resolve():
        print(f"error: {output} is the curated gazetteer; write the import to its own file (-o)", file=sys.stderr)
        return 1
    curated = load_gazetteer(CURATED_FILE)
    document, report = import_geonames(args.file, curated, existing=output, progress=not args.quiet)
    write_yaml(document, output, HEADER)
    print(report.summary())
    print(f"wrote {output}")
    return 0
