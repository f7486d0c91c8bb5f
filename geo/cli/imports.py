"""``python -m geo import acled|geojson FILE``: bring outside data into YAML or the database."""

from __future__ import annotations

import csv
import os
import sys
from pathlib import Path

from geo.cli import add_command
from geo.cli.db import ENV_URL, add_db_argument, open_database
from geo.errors import GeoError
from geo.importers import ImportReport, RowProblem
from geo.progress import add_quiet_option
from geo.rawrecord import record_to_raw, write_incidents

SHOWN_PROBLEMS = 20


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "import", help="Import ACLED CSV or GeoJSON into a YAML file or the database.",
        description="Import ACLED CSV or GeoJSON into a YAML file (-o) or the database (--db or "
                    "$INCIDENTS_DB_URL). Rows that cannot be mapped are reported, not imported.",
    )
    parser.set_defaults(handler=lambda args: parser.print_help() or 2)
    kinds = parser.add_subparsers(dest="import_kind", metavar="FORMAT")
    acled = add_command(kinds, "acled", _import, "Import an ACLED CSV export.",
                        "  python -m geo import acled 2023-syria.csv -o acled.yaml\n"
                        "  python -m geo import acled 2023-syria.csv --db postgresql://curator@localhost/incidents\n"
                        "ids are acled-<event_id_cnty>: importing the same file again updates in place\n")
    geojson = add_command(kinds, "geojson", _import, "Import a GeoJSON FeatureCollection of points.",
                          "  python -m geo import geojson incidents.geojson -o imported.yaml\n"
                          "  python -m geo import geojson incidents.geojson --db postgresql://...\n"
                          "properties use the field names of incidents.yaml; the point gives lat/lon\n")
    for command in (acled, geojson):
        command.add_argument("file", help="the file to import")
        add_db_argument(command)
        command.add_argument("-o", "--output", metavar="OUT.yaml",
                             help="write a YAML incident file instead of the database (replaced atomically)")
        command.add_argument("--report", metavar="REPORT.csv",
                             help="write every row that could not be mapped, and the new actor names, as CSV")
        add_quiet_option(command)


def _reader(kind: str):
    if kind == "acled":
        from geo.importers.acled import read_acled

        return read_acled
    from geo.importers.geojson import read_geojson

    return read_geojson


def _import(args) -> int:
    if not args.output and not (args.db or os.environ.get(ENV_URL)):
        # Checked before anything is opened, so a mistyped command leaves an earlier --report intact.
        raise GeoError(f"nowhere to import into — give -o OUT.yaml, or --db URL (or set {ENV_URL})")
    report = ImportReport(source=args.file)
    records = _reader(args.import_kind)(args.file, report, progress=not args.quiet)
    with _ReportWriter(args.report) as writer:
        report.on_problem = writer.problem
        if args.output:
            header = f"Imported from {Path(args.file).name} by `python -m geo import {args.import_kind}`."
            write_incidents(args.output, (record_to_raw(record) for record in records), header)
            target = args.output
        else:
            store = open_database(args)
            counts = store.upsert(records)
            target = f"{store.safe_url} ({counts})"
        writer.actors(report)
    print(f"{report.summary()} → {target}")
    _print_problems(report)
    if report.new_actors:
        print("actor names not in the registry (kept in each incident's notes; add them to "
              "geo/data/actors.yaml if they should be mapped):")
        for name, count in report.new_actors.most_common():
            print(f"  {count:>7}  {name}")
    return 0


def _print_problems(report: ImportReport) -> None:
    if not report.skipped:
        return
    print(f"rows not imported ({report.skipped}):", file=sys.stderr)
    for problem in report.problems[:SHOWN_PROBLEMS]:
        print(f"  {problem}", file=sys.stderr)
    if report.skipped > SHOWN_PROBLEMS:
        print(f"  … and {report.skipped - SHOWN_PROBLEMS} more (use --report FILE.csv for all)", file=sys.stderr)


class _ReportWriter:
    """Streams refused rows to a CSV as they happen, then the new actor names."""

    def __init__(self, path: str | None) -> None:
        self.path = path
        self.handle = None
        self.writer = None

    def __enter__(self) -> _ReportWriter:
        if self.path:
            try:
                self.handle = open(self.path, "w", encoding="utf-8", newline="")  # noqa: SIM115
            except OSError as err:
                raise GeoError(f"{self.path}: cannot write the report ({err.strerror})") from err
            self.writer = csv.writer(self.handle)
            self.writer.writerow(["kind", "row", "column", "value", "reason"])
        return self

    def problem(self, problem: RowProblem) -> None:
        if self.writer:
            self.writer.writerow(["not imported", problem.row, problem.column, problem.value, problem.reason])

    def actors(self, report: ImportReport) -> None:
        if self.writer:
            for name, count in report.new_actors.most_common():
                self.writer.writerow(["new actor", "", "actor", name, f"in {count} rows; not in the registry"])

    def __exit__(self, *exc: object) -> None:
        if self.handle:
            self.handle.close()
