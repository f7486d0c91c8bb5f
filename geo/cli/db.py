"""The PostgreSQL/PostGIS store from the command line: db init, push, pull."""

from __future__ import annotations

import datetime as dt
import os
import sys
from collections.abc import Iterable
from pathlib import Path

from geo.cli import add_command
from geo.errors import GeoError, RecordError
from geo.progress import add_quiet_option, progress_bar
from geo.rawrecord import record_to_raw, write_incidents
from geo.records import parse_incidents
from geo.roundtrip import RETIRED_HEADER, retired_ids, retired_line

DEFAULT_FILE = "incidents.yaml"
ENV_URL = "INCIDENTS_DB_URL"


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "db", help="Create, fill and export the PostgreSQL/PostGIS incident database.",
        description="Create, fill and export the PostgreSQL/PostGIS incident database. "
                    f"The database URL comes from --db or ${ENV_URL}.",
    )
    parser.set_defaults(handler=lambda args: parser.print_help() or 2)
    commands = parser.add_subparsers(dest="db_command", metavar="ACTION")
    init = add_command(commands, "init", _init, "Create the tables and indexes (safe to run again).",
                       "  python -m geo db init --db postgresql://curator@localhost/incidents\n"
                       f"  {ENV_URL}=postgresql://... python -m geo db init\n")
    push = add_command(commands, "push", _push, "Copy a YAML record into the database (add or update by id).",
                       "  python -m geo db push --db postgresql://curator@localhost/incidents\n"
                       "  python -m geo db push --file drafts.yaml\n"
                       "refuses a file with errors: run `python -m geo validate` first\n")
    pull = add_command(commands, "pull", _pull, "Write the whole database to a YAML file, ordered by date.",
                       "  python -m geo db pull --db postgresql://curator@localhost/incidents\n"
                       "  python -m geo db pull --file snapshot.yaml\n"
                       "the file is replaced atomically: it is never left half-written\n")
    for command in (init, push, pull):
        add_db_argument(command)
    for command in (push, pull):
        command.add_argument("--file", default=DEFAULT_FILE, help="incident file (default: incidents.yaml)")
        add_quiet_option(command)


def add_db_argument(parser) -> None:
    """The --db option, defaulting to $INCIDENTS_DB_URL."""
    parser.add_argument("--db", default=None, metavar="URL",
                        help=f"postgresql:// URL of the database (default: ${ENV_URL})")


def database_url(args) -> str:
    """The URL from --db or the environment, or a clear error."""
    url = args.db or os.environ.get(ENV_URL)
    if not url:
        raise GeoError(f"no database given — pass --db postgresql://USER@HOST/DBNAME or set {ENV_URL}")
    return url


def open_database(args):
    """A PostgisStore for --db/$INCIDENTS_DB_URL (imported late: psycopg only when needed)."""
    from geo.stores.postgis import PostgisStore

    return PostgisStore(database_url(args))


def _init(args) -> int:
    store = open_database(args)
    store.init()
    print(f"{store.safe_url}: schema ready")
    return 0


def _push(args) -> int:
    path = Path(args.file)
    try:
        content = path.read_bytes()
    except OSError as err:
        raise GeoError(f"{path}: cannot be read ({err.strerror}) — check the path") from err
    records, problems = parse_incidents(content, str(path))
    errors = [problem for problem in problems if problem.severity == "error"]
    if errors:
        # A partial push would silently drop the broken incidents from the team's record.
        raise RecordError(errors)
    store = open_database(args)
    retired = store.retire(retired_ids(content.decode("utf-8", errors="replace")), "db push")
    counts = store.upsert(_progress(records, len(records), "push", args))
    print(f"{path} → {store.safe_url}: {counts}" + (f", {retired} retired ids kept from reuse" if retired else ""))
    return 0


def _pull(args) -> int:
    store = open_database(args)
    total = store.count()  # reaches the server before the output file is touched
    stamp = dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()
    header = (f"The incident record, pulled from {store.safe_url} at {stamp}.\n"
              "Field reference: README.md, \"Data format\". Check: python -m geo validate")
    records = _progress(store.iter_records(), total, "pull", args)
    deleted = store.deleted_ids()
    # The file keeps the database's deleted ids, so an editor working on it never hands them out again.
    footer = (RETIRED_HEADER + "".join(retired_line(ident, reason) for ident, reason in deleted)) if deleted else ""
    count = write_incidents(args.file, (record_to_raw(record) for record in records), header, footer)
    print(f"{store.safe_url} → {args.file}: {count} incidents", file=sys.stderr)
    if count != total:
        print(f"note: {count - total:+d} incidents changed in the database while pulling", file=sys.stderr)
    return 0


def _progress(items: Iterable[dict], total: int, desc: str, args) -> Iterable[dict]:
    """The items, counted on a progress bar on stderr unless --quiet."""
    return progress_bar(items, total=total, desc=desc, unit=" incidents", shown=not args.quiet)
