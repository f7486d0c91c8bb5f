"""Filtering incidents: one implementation for the dashboard, the CLI, exports and tests."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, fields, replace

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo.textnorm import normalise, normalised_words

ROLES = ("any", "acted", "targeted")


@dataclass(frozen=True)
class IncidentFilter:
    """What to show. Empty values mean "no restriction"; all criteria combine with AND.

    Within one criterion the values combine with OR (actors A or B).
    ``role`` says whether ``actors``/``sides`` must be the one who acted
    (actor1), the one targeted (actor2) or either.
    """

    date_from: dt.date | None = None
    date_to: dt.date | None = None
    actors: tuple[str, ...] = ()
    sides: tuple[str, ...] = ()
    role: str = "any"
    event_types: tuple[str, ...] = ()
    sub_event_types: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()
    precisions: tuple[str, ...] = ()
    min_fatalities: int | None = None
    text: str = ""
    bbox: tuple[float, float, float, float] | None = None  # west, south, east, north
    area_wkt: str | None = None  # a drawn polygon, WKT in lon/lat
    governorates: tuple[str, ...] = ()
    districts: tuple[str, ...] = ()
    tags: tuple[str, ...] = field(default=())

    def __post_init__(self) -> None:
        if self.role not in ROLES:
            raise ValueError(f"role was {self.role!r} but is expected to be one of {ROLES}")
        if self.bbox is not None:
            west, south, east, north = self.bbox
            if not (west < east and south < north):
                raise ValueError(f"bbox {self.bbox} must be west,south,east,north with west<east and south<north")
        if self.area_wkt:
            shapely.from_wkt(self.area_wkt)  # raises on bad WKT before it reaches a query

    def is_empty(self) -> bool:
        return self == IncidentFilter()

    def with_changes(self, **changes: object) -> IncidentFilter:
        return replace(self, **changes)


def search_text(frame: pd.DataFrame) -> pd.Series:
    """The normalised text each incident is searched by: description, place, notes, sources."""
    parts = [incident_search_text(description, place, notes, sources) for description, place, notes, sources
             in zip(frame["description"], frame["place"], frame["notes"], frame["sources"], strict=True)]
    return pd.Series(parts, index=frame.index, dtype="object")


def incident_search_text(description: object, place: object, notes: object, sources: object) -> str:
    """One incident's normalised search text (see `search_text`)."""
    return normalise(_searched_parts(description, place, notes, sources))


def incident_search_words(description: object, place: object, notes: object, sources: object) -> list[str]:
    """The words of `incident_search_text`, in order: joined with spaces, they are that text."""
    return normalised_words(_searched_parts(description, place, notes, sources))


def _searched_parts(description: object, place: object, notes: object, sources: object) -> str:
    """The text an incident is searched by, before normalising.

    A source quote that repeats the description, place or notes (as ACLED's
    imports do) is left out: a search term holds no space, so no match spans
    two parts, and a repeated part can change no result while it doubles the
    text to normalise, keep and search.
    """
    own = [_text(description), _text(place), _text(notes)]
    words = own.copy()
    for source in sources if isinstance(sources, list) else ():
        quote = _text(source.get("quote"))
        words.append(_text(source.get("publisher")))
        words.append("" if quote in own else quote)
        words.append(_text(source.get("url")))
    return " ".join(words)


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""


def mask(frame: gpd.GeoDataFrame, flt: IncidentFilter) -> np.ndarray:
    """Boolean mask of the rows that match the filter."""
    keep = np.ones(len(frame), dtype=bool)
    if len(frame) == 0:  # noqa: SIM102
        return keep
    if flt.date_from is not None or flt.date_to is not None:
        start = frame["date"]
        end = frame["date_end"].fillna(start)
        if flt.date_from is not None:
            keep &= (end >= pd.Timestamp(flt.date_from)).to_numpy()
        if flt.date_to is not None:
            keep &= (start <= pd.Timestamp(flt.date_to)).to_numpy()
    if flt.actors:
        keep &= _role_match(frame, "actor", flt.actors, flt.role)
    if flt.sides:
        keep &= _role_match(frame, "side", flt.sides, flt.role)
    for column, values in (("event_type", flt.event_types), ("sub_event_type", flt.sub_event_types),
                           ("status", flt.statuses), ("geo_precision", flt.precisions),
                           ("governorate", flt.governorates), ("district", flt.districts)):
        if values:
            keep &= frame[column].isin(values).to_numpy()
    if flt.min_fatalities is not None and flt.min_fatalities > 0:
        keep &= (frame["fatalities"].fillna(0) >= flt.min_fatalities).to_numpy()
    if flt.tags:
        wanted = set(flt.tags)
        keep &= np.fromiter((bool(wanted & set(tags or ())) for tags in frame["tags"]), bool, len(frame))
    if flt.bbox is not None:
        west, south, east, north = flt.bbox
        keep &= ((frame["lon"] >= west) & (frame["lon"] <= east)
                 & (frame["lat"] >= south) & (frame["lat"] <= north)).to_numpy()
    if flt.area_wkt:
        area = shapely.from_wkt(flt.area_wkt)
        shapely.prepare(area)
        candidates = np.flatnonzero(keep)
        inside = shapely.contains_xy(area, frame["lon"].to_numpy()[candidates], frame["lat"].to_numpy()[candidates])
        keep[candidates[~inside]] = False
    if flt.text.strip():
        query = normalise(flt.text)
        texts = frame["search_text"] if "search_text" in frame.columns else search_text(frame)
        candidates = np.flatnonzero(keep)
        hits = texts.to_numpy()[candidates]
        found = np.fromiter((all(term in text for term in query.split()) for text in hits), bool, len(hits))
        keep[candidates[~found]] = False
    return keep


def _role_match(frame: pd.DataFrame, prefix: str, values: tuple[str, ...], role: str) -> np.ndarray:
    acted = frame[f"{prefix}1"].isin(values).to_numpy().copy()
    targeted = frame[f"{prefix}2"].isin(values).to_numpy().copy()
    if prefix == "actor" and role != "acted":
        targeted |= np.fromiter((bool(set(v) & set(values)) for v in frame["assoc_actor2"]), bool, len(frame))
    if prefix == "actor" and role != "targeted":
        acted |= np.fromiter((bool(set(v) & set(values)) for v in frame["assoc_actor1"]), bool, len(frame))
    if role == "acted":
        return acted
    if role == "targeted":
        return targeted
    return acted | targeted


def apply_filter(frame: gpd.GeoDataFrame, flt: IncidentFilter) -> gpd.GeoDataFrame:
    """The rows of the frame that match the filter, in their original order."""
    if flt.is_empty():
        return frame
    return frame[mask(frame, flt)]


def describe(flt: IncidentFilter) -> str:
    """The active filters in words, for captions and exports."""
    parts = []
    if flt.date_from or flt.date_to:
        parts.append(f"{flt.date_from or '…'} to {flt.date_to or '…'}")
    role = {"any": "", "acted": " (acting)", "targeted": " (targeted)"}[flt.role]
    if flt.sides:
        parts.append("sides: " + ", ".join(flt.sides) + role)
    if flt.actors:
        parts.append("actors: " + ", ".join(flt.actors) + role)
    for label, values in (("types", flt.event_types), ("sub-types", flt.sub_event_types),
                          ("status", flt.statuses), ("precision", flt.precisions),
                          ("governorates", flt.governorates), ("districts", flt.districts),
                          ("tags", flt.tags)):
        if values:
            parts.append(f"{label}: " + ", ".join(values))
    if flt.min_fatalities:
        parts.append(f"≥{flt.min_fatalities} fatalities")
    if flt.text.strip():
        parts.append(f"text “{flt.text.strip()}”")
    if flt.bbox:
        parts.append("area: " + ",".join(f"{value:.3f}" for value in flt.bbox))
    if flt.area_wkt:
        parts.append("area: drawn polygon")
    return "; ".join(parts) if parts else "all incidents"


def filter_field_names() -> list[str]:
    return [item.name for item in fields(IncidentFilter)]
