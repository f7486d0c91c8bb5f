"""Admin areas (governorates and districts): polygons, names, and filling incidents' areas.

An incident's governorate and district come, in order, from what the curator
wrote, from its gazetteer place, and from the boundaries in
``geo/data/admin_areas.geojson`` by point in polygon. The dashboard's area
filter and choropleth use the same polygons through `admin_areas`.
"""

from __future__ import annotations

from functools import cache

import geopandas as gpd
import numpy as np
import pandas as pd

from geo.errors import GeoError
from geo.schema import DATA_DIR

ADMIN_FILE = DATA_DIR / "admin_areas.geojson"
LEVELS = ("governorate", "district")


@cache
def _read_admin_areas() -> gpd.GeoDataFrame:
    try:
        frame = gpd.read_file(ADMIN_FILE)
    except Exception as err:  # pyogrio raises several types for unreadable files
        raise GeoError(f"{ADMIN_FILE}: cannot read the admin boundaries ({err}) — "
                       "restore the file from git or replace it with valid GeoJSON") from err
    missing = {"level", "name_en", "governorate"} - set(frame.columns)
    if missing:
        raise GeoError(f"{ADMIN_FILE}: features lack properties {sorted(missing)} — "
                       "each needs level (governorate|district), name_en and governorate")
    bad = sorted(set(frame["level"]) - set(LEVELS))
    if bad:
        raise GeoError(f"{ADMIN_FILE}: unknown level {bad} — use governorate or district")
    frame = frame.to_crs("EPSG:4326") if frame.crs else frame.set_crs("EPSG:4326")
    frame["geometry"] = frame.geometry.make_valid()
    return frame


def admin_areas(level: str | None = None) -> gpd.GeoDataFrame:
    """The admin polygons (EPSG:4326): columns level, name_en, name_ar, governorate, geometry.

    Parameters
    ----------
    level : {"governorate", "district"}, optional
        Only the areas of this level; all of them when omitted.
    """
    frame = _read_admin_areas()
    if level is not None:
        if level not in LEVELS:
            raise ValueError(f"level was {level!r} but is expected to be one of {LEVELS}")
        frame = frame[frame["level"] == level]
    return frame.copy()


def area_names(level: str = "district") -> list[str]:
    """Sorted names of the governorates or districts that have boundaries."""
    return sorted(admin_areas(level)["name_en"].dropna().unique())


def assign_admin_areas(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Fill missing ``governorate``/``district`` from the gazetteer place, else by point in polygon.

    Values a curator wrote are kept. Points outside every polygon stay empty.

    Parameters
    ----------
    frame : GeoDataFrame
        Incidents with point geometry in EPSG:4326 and optional ``gazetteer_id``,
        ``governorate`` and ``district`` columns.

    Returns
    -------
    GeoDataFrame
        A new frame (the input is left unchanged) with the two columns filled where they could be.
    """
    if len(frame) == 0:
        return frame
    # Shallow (a deep copy cost a tenth of a large load): the level columns are replaced by new arrays, never
    # written into, and pandas' copy-on-write keeps later edits of the result's other columns off the input.
    frame = frame.copy(deep=False)
    for column in LEVELS:
        if column not in frame.columns:
            frame[column] = None
        frame[column] = _text_or_none(frame[column])
    missing = frame["governorate"].isna() | frame["district"].isna()
    if missing.any() and "gazetteer_id" in frame.columns:
        _fill_from_gazetteer(frame, missing)
        missing = frame["governorate"].isna() | frame["district"].isna()
    if missing.any() and frame.geometry is not None:
        _fill_from_polygons(frame, missing)
    for column in LEVELS:
        frame[column] = _text_or_none(frame[column])
    return frame


def _text_or_none(values: pd.Series) -> pd.Series:
    """An object column with None for every missing value (NaN, NA or None)."""
    return values.astype("object").where(values.notna(), None)


def _fill_from_gazetteer(frame: gpd.GeoDataFrame, missing: pd.Series) -> None:
    from geo.gazetteer import gazetteer

    # Only rows lacking an area and naming a place: looking up every row cost a tenth of a large load.
    places = gazetteer().places
    ids = frame["gazetteer_id"].to_numpy()
    rows = [row for row in np.flatnonzero(missing.to_numpy()) if isinstance(ids[row], str)]
    for column in LEVELS:
        values = frame[column].to_numpy(copy=True)
        for row in rows:
            if values[row] is None:
                values[row] = getattr(places.get(ids[row]), column, None)
        frame[column] = pd.Series(values, index=frame.index, dtype="object")


def _fill_from_polygons(frame: gpd.GeoDataFrame, missing: pd.Series) -> None:
    points = frame.loc[missing, ["geometry"]]
    points = points[~points.geometry.is_empty & points.geometry.notna()]
    if points.empty:
        return
    if points.crs is None:
        points = points.set_crs("EPSG:4326")
    for level in LEVELS:
        areas = admin_areas(level)[["name_en", "governorate", "geometry"]]
        # Points on a shared border fall in two polygons; keep the first match.
        joined = gpd.sjoin(points.to_crs(areas.crs), areas, how="left", predicate="within")
        joined = joined[~joined.index.duplicated(keep="first")]
        current = frame.loc[joined.index, level]
        frame.loc[joined.index, level] = current.where(current.notna(), joined["name_en"])
        if level == "district":
            gov = frame.loc[joined.index, "governorate"]
            frame.loc[joined.index, "governorate"] = gov.where(gov.notna(), joined["governorate"])
