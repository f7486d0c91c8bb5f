"""Command-line filter options, shared by every command that selects incidents.

`add_filter_arguments` adds the options, `filter_from_args` turns them into the
same `IncidentFilter` the dashboard builds, so a selection made on the command
line and one made in the sidebar are the same selection.
"""

from __future__ import annotations

import argparse
import datetime as dt

from geo.actors import registry
from geo.errors import GeoError
from geo.filters import ROLES, IncidentFilter
from geo.schema import event_types


def add_filter_arguments(parser: argparse.ArgumentParser) -> None:
    """Add --from, --to, --actor, --side, --role, --type, --sub-type, --status, --text and --bbox."""
    group = parser.add_argument_group("filters (all combine; repeat an option for OR)")
    group.add_argument("--from", dest="date_from", metavar="DATE", help="first day, YYYY-MM-DD")
    group.add_argument("--to", dest="date_to", metavar="DATE", help="last day, YYYY-MM-DD")
    group.add_argument("--actor", action="append", default=[], metavar="NAME",
                       help="actor name or alias (e.g. IRGC, قسد)")
    group.add_argument("--side", action="append", default=[], metavar="NAME", help="side, e.g. 'SDF'")
    group.add_argument("--role", choices=ROLES, default="any", help="actors/sides as the one who acted or was targeted")
    group.add_argument("--type", dest="event_type", action="append", default=[], metavar="TYPE",
                       help="ACLED event type, e.g. 'Battles'")
    group.add_argument("--sub-type", dest="sub_event_type", action="append", default=[], metavar="TYPE",
                       help="ACLED sub-event type, e.g. 'Air/drone strike'")
    group.add_argument("--status", action="append", default=[], metavar="STATUS", help="e.g. confirmed")
    group.add_argument("--text", default="", help="words to find in description, place and sources")
    group.add_argument("--bbox", metavar="W,S,E,N", help="area: west,south,east,north in degrees")


def filter_from_args(args: argparse.Namespace) -> IncidentFilter:
    """The `IncidentFilter` the parsed options describe; a `GeoError` names any bad value."""
    actors = registry()
    return IncidentFilter(
        date_from=_date(args.date_from, "--from"),
        date_to=_date(args.date_to, "--to"),
        actors=tuple(_actor(name, actors) for name in args.actor),
        sides=tuple(_side(name, actors) for name in args.side),
        role=args.role,
        event_types=tuple(_event_type(name) for name in args.event_type),
        sub_event_types=tuple(args.sub_event_type),
        statuses=tuple(args.status),
        text=args.text or "",
        bbox=_bbox(args.bbox),
    )


def _date(text: str | None, option: str) -> dt.date | None:
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError as err:
        raise GeoError(f"{option} {text!r} is not a date — write it as YYYY-MM-DD, e.g. 2022-08-25") from err


def _actor(name: str, actors) -> str:
    canonical = actors.resolve(name)
    if canonical is None:
        hint = ", ".join(actors.suggest(name)) or "see geo/data/actors.yaml"
        raise GeoError(f"--actor {name!r} is not a known actor — did you mean: {hint}?")
    return canonical


def _side(name: str, actors) -> str:
    for side in actors.sides:
        if side.casefold() == name.casefold():
            return side
    raise GeoError(f"--side {name!r} is not a side — choose one of: {', '.join(actors.sides)}")


def _event_type(name: str) -> str:
    for kind in event_types():
        if kind.casefold() == name.casefold():
            return kind
    raise GeoError(f"--type {name!r} is not an ACLED event type — choose one of: {', '.join(event_types())}")


def _bbox(text: str | None) -> tuple[float, float, float, float] | None:
    if not text:
        return None
    try:
        west, south, east, north = (float(part) for part in text.split(","))
    except ValueError as err:
        raise GeoError(f"--bbox {text!r} must be four numbers west,south,east,north, "
                       "e.g. 39.5,34.2,41.3,35.9") from err
    if not (west < east and south < north):
        raise GeoError(f"--bbox {text!r}: west must be less than east and south less than north")
    return (west, south, east, north)
