"""ACLED's CSV export mapped onto the incident schema, streamed row by row.

The mapping (also in the README's database section):

- ``event_id_cnty`` → ``id`` as ``acled-<event_id_cnty lowercased>``: the same
  event always gets the same id, so importing a file again updates in place.
- ``event_date`` → ``date``; ``time_precision`` 1/2/3 → day/week/month.
- ``event_type``/``sub_event_type`` as they are (our taxonomy is ACLED's).
- ``actor1``/``actor2``/``assoc_actor_1``/``assoc_actor_2`` → registry names via
  `ActorRegistry.resolve`, after dropping ACLED's "(Syria)"/"(2000-)" suffixes
  and through `ACLED_NAMES` for ACLED's own spellings. A name the registry does
  not know is never lost: actor1/actor2 fall back to "Unidentified armed group",
  an unknown associated actor is left out of the list, and every such name is
  written into the incident's ``notes`` and counted in the report's new actors.
  ACLED's actor1/actor2 carry no direction; they are kept in ACLED's order.
- ``location`` → ``place``; ``admin1``/``admin2`` → ``governorate``/``district``
  (ACLED spellings of governorates folded onto ours); ``latitude``/``longitude``
  → ``lat``/``lon``; ``geo_precision`` 1/2/3 → village/town/district.
- ``fatalities`` → ``fatalities`` as an exact figure. ACLED writes 0 both for
  "none reported" and for "unknown"; it is kept as 0 exact, since the file
  cannot tell them apart and inventing "unknown" would drop real zeros.
- ``notes`` → ``description`` and the quote of an "ACLED" source; ``source``
  (``;``-separated) → one source per publisher; ``status`` is fair with two or
  more publishers, else weak.
- ``tags`` (``;``-separated) → ``tags``, plus ``acled`` and, when
  ``civilian_targeting`` is set, ``civilian-targeting``.
- ``timestamp`` → ``last_edited_at`` (UTC) with ``last_edited_by: ACLED import``.
- ``disorder_type``, ``interaction``, ``admin3``, ``source_scale`` go into
  ``notes``; ``year``, ``inter1``, ``iso``, ``region`` and ``country`` are
  implied by other fields and dropped.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path

from geo.actors import registry
from geo.errors import GeoError, Problem
from geo.importers import ImportReport, RowProblem, field_of, imported_records, open_counted, unreadable_as_errors, validated

COLUMNS = (
    "event_id_cnty", "event_date", "year", "time_precision", "disorder_type", "event_type", "sub_event_type",
    "actor1", "assoc_actor_1", "inter1", "actor2", "assoc_actor_2", "interaction", "civilian_targeting",
    "iso", "region", "country", "admin1", "admin2", "admin3", "location", "latitude", "longitude",
    "geo_precision", "source", "source_scale", "notes", "fatalities", "tags", "timestamp",
)
REQUIRED = ("event_id_cnty", "event_date", "event_type", "sub_event_type", "actor1", "latitude", "longitude")
TIME_PRECISION = {"1": "day", "2": "week", "3": "month"}
GEO_PRECISION = {"1": "village", "2": "town", "3": "district"}
FALLBACK_ACTOR = "Unidentified armed group"
EDITOR = "ACLED import"

# ACLED's own names for actors in the registry (after the suffixes are dropped).
ACLED_NAMES = {
    "Military Forces of Syria": "Syrian government forces",
    "Police Forces of Syria": "Syrian government forces",
    "Military Forces of the United States": "United States",
    "Military Forces of Russia": "Russia",
    "Military Forces of Israel": "Israel",
    "Military Forces of Iran": "IRGC",
    "Islamic State": "ISIS",
    "SDF: Syrian Democratic Forces": "SDF",
    "Syrian Democratic Forces": "SDF",
    "NDF: National Defense Forces": "National Defence Forces",
    "Unidentified Armed Group": "Unidentified armed group",
    "Deir-ez-Zor Military Council": "Deir ez-Zor Military Council",
    "Civilians": "Civilians",
    "Protesters": "Civilians",
}
GOVERNORATES = {"Deir-ez-Zor": "Deir ez-Zor", "Deir ez Zor": "Deir ez-Zor", "Al Hasakeh": "Al-Hasakah",
                "Al-Hasakeh": "Al-Hasakah", "Hasakeh": "Al-Hasakah", "Ar-Raqqa": "Raqqa", "Ar Raqqa": "Raqqa"}
# Which ACLED column a schema field came from, to name it in the report.
FIELD_COLUMNS = {
    "id": "event_id_cnty", "date": "event_date", "time_precision": "time_precision",
    "event_type": "event_type", "sub_event_type": "sub_event_type", "actor1": "actor1", "actor2": "actor2",
    "assoc_actor1": "assoc_actor_1", "assoc_actor2": "assoc_actor_2", "place": "location",
    "lat": "latitude", "lon": "longitude", "geo_precision": "geo_precision", "governorate": "admin1",
    "district": "admin2", "fatalities": "fatalities", "description": "notes", "tags": "tags",
    "last_edited_at": "timestamp",
}
_SUFFIX = re.compile(r"\s*\([^()]*\)\s*$")
_DATE_FORMATS = ("%Y-%m-%d", "%d %B %Y", "%d-%B-%Y", "%d-%b-%Y", "%d %b %Y", "%m/%d/%Y")


class _RowError(Exception):
    def __init__(self, column: str, reason: str) -> None:
        self.column = column
        self.reason = reason


@lru_cache(maxsize=4096)  # an export names few actors, each on many rows
def resolve_actor(name: str) -> str | None:
    """The registry's canonical name for an ACLED actor name, or None when it is not there."""
    actors = registry()
    found = actors.resolve(name)
    bare = name
    while found is None and _SUFFIX.search(bare):
        bare = _SUFFIX.sub("", bare)
        found = actors.resolve(bare) or ACLED_NAMES.get(bare)
    return found or ACLED_NAMES.get(name)


def read_acled(path: str | Path, report: ImportReport, progress: bool = True) -> Iterator[dict]:
    """Validated incident records from an ACLED CSV export, one row at a time.

    Parameters
    ----------
    path : str or Path
        A CSV in ACLED's export layout (the header names the columns; extra
        columns are ignored, missing optional ones read as empty).
    report : ImportReport
        Filled as rows are read: refused rows and unknown actor names.
    progress : bool
        Show a tqdm progress bar (bytes of the file) on stderr.

    Yields
    ------
    dict
        One validated record per mappable row, in file order.
    """
    text, counter, size = open_counted(path)
    reader = csv.reader(text)
    with text, unreadable_as_errors(path, lambda: reader.line_num):
        header = next(reader, [])
        missing = [column for column in REQUIRED if column not in header]
        if missing:
            raise GeoError(f"{path}: not an ACLED export — the header lacks {', '.join(missing)} "
                           f"(expected ACLED's columns: {', '.join(COLUMNS)})")
        yield from imported_records(_numbered_rows(reader, header), counter, size, "ACLED import", progress, report,
                                    lambda row, number: _import_row(row, number, report, str(path)))


def _numbered_rows(reader: Iterator[list[str]], header: list[str]) -> Iterator[tuple[int, dict]]:
    """Each non-blank row as {column: stripped text} over COLUMNS ("" when absent), numbered as in a spreadsheet."""
    positions = [(column, header.index(column)) for column in COLUMNS if column in header]
    absent = dict.fromkeys((column for column in COLUMNS if column not in header), "")
    width = max(position for _, position in positions) + 1
    for number, row in enumerate(reader, start=2):  # the header is row 1
        if not row:
            continue
        if len(row) < width:  # a row cut short: its missing cells read as empty
            row = row + [""] * (width - len(row))
        cells = {column: row[position].strip() for column, position in positions}
        if absent:
            cells.update(absent)
        yield number, cells


def _import_row(row: dict, number: int, report: ImportReport, path: str) -> dict | None:
    try:
        raw = _cells_to_raw(row, report)
    except _RowError as err:
        report.skip(RowProblem(number, err.column, str(row.get(err.column) or ""), err.reason))
        return None

    def where(problem: Problem) -> tuple[str, object]:
        column = FIELD_COLUMNS.get(field_of(problem), problem.field or "")
        return column, row.get(column)

    return validated(raw, number, report, path, where)


def acled_row_to_raw(row: dict, report: ImportReport | None = None) -> dict:
    """One ACLED row as an incident entry (the shape of incidents.yaml), before validation."""
    raw = _cells_to_raw({key: (row.get(key) or "").strip() for key in COLUMNS}, report)
    return {key: item for key, item in raw.items() if item not in (None, [])}


def _cells_to_raw(value: dict[str, str], report: ImportReport | None) -> dict:
    """`acled_row_to_raw` for a row already read into stripped text over every column.

    Fields the row leaves empty stay in the entry as None or [], which
    validation reads exactly as absent ones (no field given here has a default).
    """
    event_id = value["event_id_cnty"]
    if not event_id:
        raise _RowError("event_id_cnty", "empty event id — every ACLED row has one; is the row cut short?")
    notes = [f"Imported from ACLED event {event_id}."]
    for key in ("disorder_type", "interaction", "admin3", "source_scale"):
        if value[key]:
            notes.append(f"ACLED {key}: {value[key]}.")
    actor1 = _actor(value["actor1"], "actor1", notes, report) or FALLBACK_ACTOR
    actor2 = _actor(value["actor2"], "actor2", notes, report) if value["actor2"] else None
    publishers = _split(value["source"])
    sources = [{"publisher": "ACLED", "quote": value["notes"]} if value["notes"] else {"publisher": "ACLED"}]
    sources += [{"publisher": publisher} for publisher in publishers]
    tags = ["acled", *_split(value["tags"])]
    if value["civilian_targeting"]:
        tags.append("civilian-targeting")
    raw = {
        "id": f"acled-{event_id.lower()}",
        "date": _date(value["event_date"]),
        "time_precision": _code(value, "time_precision", TIME_PRECISION, "day"),
        "event_type": value["event_type"],
        "sub_event_type": value["sub_event_type"],
        "actor1": actor1,
        "actor2": actor2,
        "assoc_actor1": _assoc(value["assoc_actor_1"], "assoc_actor_1", notes, report),
        "assoc_actor2": _assoc(value["assoc_actor_2"], "assoc_actor_2", notes, report),
        "place": value["location"] or value["admin3"] or value["admin2"] or value["admin1"] or None,
        "lat": _number(value, "latitude"),
        "lon": _number(value, "longitude"),
        "geo_precision": _code(value, "geo_precision", GEO_PRECISION, None),
        "governorate": GOVERNORATES.get(value["admin1"], value["admin1"]) or None,
        "district": value["admin2"] or None,
        "fatalities": _fatalities(value["fatalities"]),
        "description": value["notes"] or None,
        "sources": sources,
        "status": "fair" if len(publishers) >= 2 else "weak",
        "tags": tags,
        "notes": " ".join(notes),
        "last_edited_by": EDITOR,
        "last_edited_at": _timestamp(value["timestamp"]),
    }
    return raw


def _actor(name: str, column: str, notes: list[str], report: ImportReport | None) -> str | None:
    if not name:
        return None
    canonical = resolve_actor(name)
    if canonical is None:
        fallback = f"; shown as {FALLBACK_ACTOR}" if column in ("actor1", "actor2") else ""
        notes.append(f"ACLED {column} {name!r} is not in the actor registry{fallback}.")
        if report is not None:
            report.new_actors[name] += 1
    return canonical


def _assoc(names: str, column: str, notes: list[str], report: ImportReport | None) -> list[str]:
    if not names:
        return []
    found = (_actor(name, column, notes, report) for name in _split(names))
    return list(dict.fromkeys(name for name in found if name))


def _split(text: str) -> list[str]:
    """The distinct non-empty parts of an ACLED ``;``-separated list, in order."""
    if not text:
        return []
    return list(dict.fromkeys(part.strip() for part in text.split(";") if part.strip()))


def _date(text: str) -> str:
    try:
        return dt.date.fromisoformat(text).isoformat()  # ACLED's current layout; strptime is 10x slower
    except ValueError:
        pass
    for layout in _DATE_FORMATS:
        try:
            return dt.datetime.strptime(text, layout).date().isoformat()
        except ValueError:
            continue
    raise _RowError("event_date", "not a date — ACLED writes YYYY-MM-DD or '24 August 2023'")


def _code(value: dict, column: str, codes: dict[str, str], default: str | None) -> str | None:
    if not value[column]:
        if default is None:
            raise _RowError(column, f"missing — expected one of {', '.join(codes)}")
        return default
    if value[column] not in codes:
        raise _RowError(column, f"unknown code — expected {', '.join(f'{k} ({v})' for k, v in codes.items())}")
    return codes[value[column]]


def _number(value: dict, column: str) -> float:
    try:
        return float(value[column])
    except ValueError:
        raise _RowError(column, "not a decimal number of degrees") from None


def _fatalities(text: str) -> int | None:
    if not text:
        return None  # absent is unknown; ACLED's 0 stays 0 (see the module docstring)
    try:
        count = int(text)
    except ValueError:
        raise _RowError("fatalities", "not a whole number") from None
    if count < 0:
        raise _RowError("fatalities", "a count cannot be negative")
    return count


@lru_cache(maxsize=4096)  # an export's rows share few upload times
def _timestamp(text: str) -> str | None:
    if not text:
        return None
    try:
        return dt.datetime.fromtimestamp(int(text), dt.UTC).isoformat()
    except (ValueError, OverflowError, OSError):
        raise _RowError("timestamp", "not a Unix timestamp (seconds)") from None
