"""Turning validated incident records into a GeoDataFrame and back."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
from shapely import points

from geo.filters import search_text

LIST_COLUMNS = ("assoc_actor1", "assoc_actor2", "sources", "tags")
COUNT_COLUMNS = ("fatalities", "fatalities_max", "injuries", "injuries_max")
COLUMNS = (
    "id", "date", "date_end", "time_precision", "time", "event_type", "sub_event_type",
    "actor1", "actor1_attribution", "side1", "actor2", "actor2_attribution", "side2",
    "assoc_actor1", "assoc_actor2", "place", "gazetteer_id", "lat", "lon", "geo_precision",
    "governorate", "district", "fatalities", "fatalities_max", "fatalities_qualifier",
    "injuries", "injuries_max", "injuries_qualifier", "description", "sources", "status",
    "tags", "notes", "last_edited_by", "last_edited_at", "line",
)


def records_to_frame(records: list[dict], search_texts: list[str] | None = None) -> gpd.GeoDataFrame:
    """One row per record, EPSG:4326 points built from lon/lat.

    ``search_texts`` are the records' normalised search texts when a store
    already holds them (see `geo.filters.search_text`); else they are computed.
    """
    frame = pd.DataFrame.from_records(records, columns=list(COLUMNS))
    return _typed(frame, search_texts)


def _typed(frame: pd.DataFrame, search_texts: list[str] | None = None) -> gpd.GeoDataFrame:
    for column in ("date", "date_end"):
        frame[column] = pd.to_datetime(frame[column], format="ISO8601").astype("datetime64[ns]")
    for column in COUNT_COLUMNS:
        frame[column] = pd.array(frame[column], dtype="Int64")
    frame["line"] = pd.array(frame["line"], dtype="Int64")
    frame["lat"] = frame["lat"].astype("float64")
    frame["lon"] = frame["lon"].astype("float64")
    geometry = points(frame["lon"].to_numpy(), frame["lat"].to_numpy())
    frame = gpd.GeoDataFrame(frame, geometry=geometry, crs="EPSG:4326")
    if search_texts is not None:
        frame["search_text"] = pd.Series(search_texts, index=frame.index, dtype="object")
    else:
        frame["search_text"] = search_text(frame) if len(frame) else pd.Series([], dtype="object")
    return unify_string_columns(frame)


def unify_string_columns(frame: pd.DataFrame) -> pd.DataFrame:
    """Text columns as object dtype with None for missing, however pandas inferred them."""
    for column in frame.columns:
        if isinstance(frame[column].dtype, pd.StringDtype):
            values = frame[column]
            frame[column] = values.astype(object).where(values.notna(), None)
    return frame


def empty_frame() -> gpd.GeoDataFrame:
    return records_to_frame([])


def frame_to_records(frame: pd.DataFrame) -> list[dict]:
    """Plain records (ISO date strings, None for missing) from a frame's rows."""
    out = []
    columns = [column for column in COLUMNS if column in frame.columns]
    for row in frame[columns].itertuples(index=False, name=None):
        record = {}
        for column, value in zip(columns, row, strict=True):
            if column in ("date", "date_end"):
                value = None if pd.isna(value) else value.date().isoformat()
            elif column in LIST_COLUMNS:
                value = list(value) if value is not None and not _is_missing(value) else []
            elif _is_missing(value):
                value = None
            elif column in COUNT_COLUMNS or column == "line":
                value = int(value)
            record[column] = value
        out.append(record)
    return out


def _is_missing(value: object) -> bool:
    if isinstance(value, (list, dict, tuple)):
        return False
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False
