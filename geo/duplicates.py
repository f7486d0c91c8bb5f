"""Incidents that may be one event recorded twice, and merging them.

Two incidents are flagged when, like the XSub project's merge of conflict
datasets (1–5 km, 1–2 days), they are close in space and time, share an actor
in either role and have the same event type:

- space: the points are at most ``max_km`` apart plus both precision radii
  (a town-precision point may be anywhere within 5 km of where it is drawn);
- time: their date ranges, widened by their time precision (± 3 days for
  ``week``, ± 15 for ``month``) and ``date_end``, are at most ``max_days`` apart.

Not flagged: a pair a curator marked distinct with a comment anywhere in the
file, ``# distinct: ID ID [ID ...]`` (every pair among the ids), and one report
split on purpose: two incidents quoting the same sentence but placed at
different places (different gazetteer ids, or place names when either has none).

Candidates come from a grid join (one pandas merge per pair of precision
classes) rather than comparing every pair, so 100k incidents take seconds.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import re
from dataclasses import dataclass
from itertools import combinations

import numpy as np
import pandas as pd

from geo.distance import EARTH_RADIUS_KM, distances_km
from geo.errors import Problem
from geo.filters import IncidentFilter, apply_filter
from geo.frame import records_to_frame
from geo.schema import PRECISION_RADIUS_KM, TIME_PRECISION_DAYS
from geo.validation import validate_incident

DEFAULT_MAX_KM = 5.0
DEFAULT_MAX_DAYS = 2
_DISTINCT = re.compile(r"^\s*#\s*distinct:\s*(.+)$", re.MULTILINE)
_ACTOR_COLUMNS = ("actor1", "actor2", "assoc_actor1", "assoc_actor2")


@dataclass(frozen=True)
class DuplicatePair:
    """Two incidents that may be the same event, and why they were flagged."""

    first_id: str
    second_id: str
    first_line: int | None
    second_line: int | None
    distance_km: float
    days_apart: int
    reason: str

    def problem(self, path: str) -> Problem:
        """The pair as a validation warning on the first incident."""
        where = f" (line {self.second_line})" if self.second_line else ""
        return Problem(
            path, self.first_line, self.first_id, None,
            f"may be the same event as {self.second_id}{where}: {self.reason}",
            f"merge them in the editor, or if they are distinct add the comment"
            f" `# distinct: {self.first_id} {self.second_id}` to the file",
            "warning",
        )


def distinct_pairs(text: str) -> set[frozenset[str]]:
    """Pairs marked as distinct events by ``# distinct: ID ID ...`` comments in a file's text."""
    pairs: set[frozenset[str]] = set()
    for match in _DISTINCT.finditer(text):
        ids = re.findall(r"[a-z0-9][a-z0-9-]{2,80}", match.group(1).split("(")[0])
        pairs.update(frozenset(pair) for pair in combinations(ids, 2))
    return pairs


def find_duplicates(frame: pd.DataFrame, max_km: float = DEFAULT_MAX_KM, max_days: int = DEFAULT_MAX_DAYS,
                    distinct: set[frozenset[str]] | None = None) -> list[DuplicatePair]:
    """Every pair of incidents in a frame that may be the same event.

    Parameters
    ----------
    frame : DataFrame
        Incidents as loaded by `geo.records.read_incidents` (one row each).
    max_km : float
        Greatest distance between the precision circles of the two points.
    max_days : int
        Greatest gap in days between their (precision-widened) date ranges.
    distinct : set of frozenset, optional
        Pairs of ids known to be different events (see `distinct_pairs`).

    Returns
    -------
    list of DuplicatePair
        In the frame's order of the first incident.
    """
    if len(frame) < 2:
        return []
    data = _Arrays(frame)
    first, second = _candidates(data, max_km, max_days)
    return _confirmed(data, first, second, max_km, max_days, distinct or set())


def duplicates_of(record: dict, frame: pd.DataFrame, max_km: float = DEFAULT_MAX_KM,
                  max_days: int = DEFAULT_MAX_DAYS, distinct: set[frozenset[str]] | None = None) -> list[DuplicatePair]:
    """The incidents of a frame that one draft or edited incident may duplicate, before it is saved.

    ``record`` is an incident as written in the file (a plain dict); one that
    does not validate yet has no duplicates. Its own id in the frame is ignored.
    """
    clean, _ = validate_incident(record, "<draft>")
    if clean is None or len(frame) == 0:
        return []
    # Only incidents of the same type near in time can pair: the window's rows first, not the whole record.
    others = apply_filter(frame, duplicate_window(clean, max_days))
    others = others[(others["id"] != clean["id"]).to_numpy()]
    if len(others) == 0:
        return []
    combined = pd.concat([records_to_frame([clean]), others], ignore_index=True)
    data = _Arrays(combined)
    second = np.arange(1, len(combined))
    first = np.zeros(len(second), dtype=np.int64)
    return _confirmed(data, first, second, max_km, max_days, distinct or set())


def duplicate_window(record: dict, max_days: int = DEFAULT_MAX_DAYS) -> IncidentFilter:
    """A filter holding every incident `duplicates_of` could pair with a validated record.

    Same event type, and dates within ``max_days`` after both sides are
    widened by their time precision (the record's own, and the widest any
    other may have). A database store loads just this to check an edit.
    """
    widest = max(TIME_PRECISION_DAYS.values())
    own = TIME_PRECISION_DAYS.get(record.get("time_precision") or "day", 0)
    reach = dt.timedelta(days=max_days + widest + own)
    first = dt.date.fromisoformat(str(record["date"])[:10])
    last = dt.date.fromisoformat(str(record.get("date_end") or record["date"])[:10])
    return IncidentFilter(date_from=first - reach, date_to=last + reach, event_types=(record["event_type"],))


class _Arrays:
    """The columns duplicate detection needs, as numpy arrays."""

    def __init__(self, frame: pd.DataFrame) -> None:
        self.ids = frame["id"].astype(str).to_numpy()
        self.lines = frame["line"].to_numpy() if "line" in frame else np.full(len(frame), None)
        self.lat = frame["lat"].to_numpy(dtype=float)
        self.lon = frame["lon"].to_numpy(dtype=float)
        self.y_km = self.lat * np.pi / 180 * EARTH_RADIUS_KM
        # One east-west scale for all points, taken at the latitude farthest from the equator, so
        # grid distances never exceed true ones and no candidate pair falls outside its cells.
        widest = np.nanmax(np.abs(self.lat)) if np.isfinite(self.lat).any() else 0.0
        scale = max(np.cos(np.radians(min(widest, 89.0))), 0.01)
        self.x_km = self.lon * np.pi / 180 * EARTH_RADIUS_KM * scale
        self.radius = frame["geo_precision"].map(PRECISION_RADIUS_KM).fillna(0.0).to_numpy(dtype=float)
        widen = frame["time_precision"].map(TIME_PRECISION_DAYS).fillna(0).to_numpy(dtype=np.int64)
        start = pd.to_datetime(frame["date"]).to_numpy("datetime64[D]").astype(np.int64)
        end = pd.to_datetime(frame["date_end"].fillna(frame["date"])).to_numpy("datetime64[D]").astype(np.int64)
        self.widen = widen
        self.low, self.high = start - widen, np.maximum(end, start) + widen
        self.event_type = frame["event_type"].to_numpy()
        self.type_code = pd.factorize(frame["event_type"])[0]
        self.actors, self.actor_names = _code_sets(frame, _ACTOR_COLUMNS)
        self.quotes, _ = _code_sets(frame, ("sources",), key="quote")
        # Where an incident is said to be: its gazetteer id, else the place as the source names it.
        place = frame["place"] if "place" in frame else pd.Series([None] * len(frame), index=frame.index)
        gazetteer = frame["gazetteer_id"] if "gazetteer_id" in frame else place
        both = gazetteer.notna().to_numpy()
        self.gazetteer = gazetteer.to_numpy()
        self.place = place.to_numpy()
        self.has_gazetteer = both


def _code_sets(frame: pd.DataFrame, columns: tuple[str, ...], key: str | None = None) -> tuple[np.ndarray, list]:
    """Each row's set of names (from text or list columns) as a padded matrix of integer codes, -1 = none."""
    parts = []
    for column in columns:
        values = frame[column].reset_index(drop=True)
        if key:
            values = values.map(lambda items: [item.get(key) for item in items if isinstance(item, dict)]
                                if isinstance(items, (list, tuple, np.ndarray)) else [])
        parts.append(values.explode())
    names = pd.concat(parts)
    names = names[names.map(lambda name: isinstance(name, str) and name != "")]
    codes, vocabulary = pd.factorize(names)
    rows = names.index.to_numpy()
    slots = pd.Series(codes).groupby(rows).cumcount().to_numpy() if len(codes) else np.array([], dtype=np.int64)
    matrix = np.full((len(frame), int(slots.max()) + 1 if len(slots) else 1), -1, dtype=np.int64)
    matrix[rows, slots] = codes
    return matrix, list(vocabulary)


def _candidates(data: _Arrays, max_km: float, max_days: int) -> tuple[np.ndarray, np.ndarray]:
    """Pairs (i < j) sharing a grid cell in space, time and event type: a superset of the duplicates."""
    valid = (data.type_code >= 0) & np.isfinite(data.x_km) & np.isfinite(data.y_km)
    classes = pd.factorize(pd.Series(list(zip(data.radius, data.widen, strict=True))))[0]
    found = []
    for class_a in np.unique(classes[valid]):
        for class_b in np.unique(classes[valid]):
            if class_b < class_a:
                continue
            rows_a = np.flatnonzero(valid & (classes == class_a))
            rows_b = np.flatnonzero(valid & (classes == class_b))
            reach = 1.01 * (max_km + data.radius[rows_a[0]] + data.radius[rows_b[0]])  # 1%: flat-grid slack
            width = max_days + int(data.widen[rows_a[0]] + data.widen[rows_b[0]]) + 1
            near_rows, near_keys = _cells(data, rows_a, reach, width, max_days, neighbours=True)
            own_rows, own_keys = _cells(data, rows_b, reach, width, 0, neighbours=False)
            row_a, row_b = _join(near_rows, near_keys, own_rows, own_keys)
            first, second = np.minimum(row_a, row_b), np.maximum(row_a, row_b)
            keep = first != second
            found.append(first[keep] * len(data.ids) + second[keep])
    if not found:
        return np.array([], dtype=np.int64), np.array([], dtype=np.int64)
    unique = np.unique(np.concatenate(found))
    return unique // len(data.ids), unique % len(data.ids)


def _cells(data: _Arrays, rows: np.ndarray, reach: float, width: int, pad_days: int,
           neighbours: bool) -> tuple[np.ndarray, np.ndarray]:
    """(incident, cell key) for every grid cell of (event type, x, y, time) an incident may match in."""
    first_cell = (data.low[rows] - pad_days) // width
    last_cell = (data.high[rows] + pad_days) // width
    counts = (last_cell - first_cell + 1).astype(np.int64)
    repeated = np.repeat(rows, counts)
    time_cell = np.repeat(first_cell, counts) + _ranks(counts)
    cx = np.floor(data.x_km[repeated] / reach).astype(np.int64)
    cy = np.floor(data.y_km[repeated] / reach).astype(np.int64)
    shifts = [(dx, dy) for dx in (-1, 0, 1) for dy in (-1, 0, 1)] if neighbours else [(0, 0)]
    keys = [_cell_key(data.type_code[repeated], cx + dx, cy + dy, time_cell) for dx, dy in shifts]
    return np.tile(repeated, len(shifts)), np.concatenate(keys)


def _cell_key(kind: np.ndarray, cx: np.ndarray, cy: np.ndarray, ct: np.ndarray) -> np.ndarray:
    """Pack a 4-part cell into one int64 (8 + 16 + 16 + 22 bits) so that a join is one sort."""
    return (((kind & 0xFF) << 54) | ((cx & 0xFFFF) << 38) | ((cy & 0xFFFF) << 22) | (ct & 0x3FFFFF))


def _ranks(counts: np.ndarray) -> np.ndarray:
    """0, 1, ..., count-1 for each count, concatenated."""
    return np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts)


def _join(rows_a: np.ndarray, keys_a: np.ndarray, rows_b: np.ndarray, keys_b: np.ndarray
          ) -> tuple[np.ndarray, np.ndarray]:
    """Every (row_a, row_b) whose keys are equal: a sort-merge join in numpy."""
    order = np.argsort(keys_b)
    sorted_keys, sorted_rows = keys_b[order], rows_b[order]
    query = np.argsort(keys_a)  # sorted queries make searchsorted many times faster
    keys_a, rows_a = keys_a[query], rows_a[query]
    left = np.searchsorted(sorted_keys, keys_a, "left")
    counts = np.searchsorted(sorted_keys, keys_a, "right") - left
    return np.repeat(rows_a, counts), sorted_rows[np.repeat(left, counts) + _ranks(counts)]


def _confirmed(data: _Arrays, first: np.ndarray, second: np.ndarray, max_km: float, max_days: int,
               distinct: set[frozenset[str]]) -> list[DuplicatePair]:
    """The candidate pairs that meet every condition, with their reasons."""
    distance = distances_km(data.lat[first], data.lon[first], data.lat[second], data.lon[second])
    limit = max_km + data.radius[first] + data.radius[second]
    gap = np.maximum(data.low[first], data.low[second]) - np.minimum(data.high[first], data.high[second])
    same_type = data.type_code[first] == data.type_code[second]
    same_type &= data.type_code[first] >= 0
    keep = same_type & (distance <= limit) & (gap <= max_days)
    keep &= _overlap(data.actors[first], data.actors[second])
    split = _overlap(data.quotes[first], data.quotes[second])
    by_gazetteer = data.has_gazetteer[first] & data.has_gazetteer[second]
    place_a = np.where(by_gazetteer, data.gazetteer[first], data.place[first])
    place_b = np.where(by_gazetteer, data.gazetteer[second], data.place[second])
    split &= np.array([bool(a) and bool(b) and a != b for a, b in zip(place_a, place_b, strict=True)], dtype=bool)
    keep &= ~split
    pairs = []
    for position in np.flatnonzero(keep):
        i, j = int(first[position]), int(second[position])
        if frozenset((data.ids[i], data.ids[j])) in distinct:
            continue
        shared = sorted({data.actor_names[c] for c in data.actors[i] if c >= 0} &
                        {data.actor_names[c] for c in data.actors[j] if c >= 0})
        days = max(int(gap[position]), 0)
        reason = (f"{distance[position]:.1f} km apart (limit {limit[position]:.1f} km with the precision radii),"
                  f" {'overlapping dates' if days == 0 else f'{days} day(s) apart'}, both"
                  f" {data.event_type[i]}, shared actor{'s' if len(shared) > 1 else ''} {', '.join(shared)}")
        pairs.append(DuplicatePair(data.ids[i], data.ids[j], _line(data.lines[i]), _line(data.lines[j]),
                                   round(float(distance[position]), 3), days, reason))
    return pairs


def _overlap(left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """Row-wise: do two padded code matrices share any code?"""
    equal = left[:, :, None] == right[:, None, :]
    return (equal & (left >= 0)[:, :, None]).any(axis=(1, 2))


def _line(value: object) -> int | None:
    return None if value is None or pd.isna(value) else int(value)


def merge(keep: dict, other: dict) -> dict:
    """One incident from two records of the same event, losing no source.

    ``keep`` gives the id and every field it has; ``other`` fills the gaps.
    Sources of both are kept (deduplicated by url and quote); fatalities and
    injuries take the widest range of the two, with a note; the dates span
    the earliest ``date`` to the latest ``date_end``; tags and associated
    actors are united; notes are joined. Both records are plain dicts in the
    shape of one incident in incidents.yaml.
    """
    merged = copy.deepcopy(keep)
    for key, value in other.items():
        if key not in merged or merged[key] in (None, "", [], {}):
            merged[key] = copy.deepcopy(value)
    merged["sources"] = _unique_sources([*keep.get("sources", []), *other.get("sources", [])])
    notes = [text for text in (keep.get("notes"), other.get("notes")) if text]
    notes = list(dict.fromkeys(notes))
    for key in ("fatalities", "injuries"):
        widest, note = _widest(key, keep.get(key), other.get(key))
        merged[key] = widest
        if note:
            notes.append(note)
    start = min(str(record["date"]) for record in (keep, other) if record.get("date"))
    end = max(str(record.get("date_end") or record["date"]) for record in (keep, other) if record.get("date"))
    merged["date"], merged["date_end"] = start, (end if end != start else None)
    order = list(TIME_PRECISION_DAYS)
    precisions = [record.get("time_precision") or "day" for record in (keep, other)]
    merged["time_precision"] = max(precisions, key=lambda name: order.index(name) if name in order else 0)
    for key in ("tags", "assoc_actor1", "assoc_actor2"):
        united = _union(keep.get(key) or [], other.get(key) or [])
        merged[key] = united or None
    notes.append(f"Merged with {other.get('id')} (same event).")
    merged["notes"] = " ".join(notes)
    for key in ("last_edited_by", "last_edited_at"):
        merged.pop(key, None)
    return {key: value for key, value in merged.items() if value is not None}


def _unique_sources(sources: list[dict]) -> list[dict]:
    seen, unique = set(), []
    for source in sources:
        key = ((source.get("url") or "").strip(), " ".join(str(source.get("quote") or "").split()))
        if key not in seen:
            seen.add(key)
            unique.append(copy.deepcopy(source))
    return unique


def _union(first: list, second: list) -> list:
    seen, united = set(), []
    for item in [*first, *second]:
        key = json.dumps(item, sort_keys=True, ensure_ascii=False, default=str)
        if key not in seen:
            seen.add(key)
            united.append(copy.deepcopy(item))
    return united


def _bounds(value: object) -> tuple[int | None, int | None, str | None] | None:
    """A reported figure as (min, max, qualifier); None when unknown."""
    if value is None:
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        return value, value, "exact"
    if isinstance(value, dict):
        return value.get("min"), value.get("max"), value.get("qualifier")
    return None


def _widest(key: str, first: object, second: object) -> tuple[object, str]:
    """The wider of two reported figures, or a new range covering both, and a note when they differ."""
    a, b = _bounds(first), _bounds(second)
    if a is None or b is None or first == second:
        return (first if a is not None else second), ""
    lows = [bound for bound in (a[0], b[0]) if bound is not None]
    low = min(lows) if lows else None
    high = None if a[1] is None or b[1] is None else max(a[1], b[1])
    note = f"{key.capitalize()} reported as {_said(first)} and {_said(second)}; the range covers both."
    for original, bounds in ((first, a), (second, b)):
        if (bounds[0], bounds[1]) == (low, high):
            return original, note
    if high is None:
        open_ended = a if a[1] is None else b
        return {"min": low, "qualifier": open_ended[2] or "at_least"}, note
    return {"min": low, "max": high}, note


def _said(value: object) -> str:
    if isinstance(value, dict):
        return ", ".join(f"{name} {value[name]}" for name in ("min", "max", "qualifier") if value.get(name) is not None)
    return str(value)
