"""Coarsening coordinates for public release: snap every incident to a grid of N km.

Bellingcat and others publish conflict maps whose exact points could put people
at risk with their coordinates rounded. The grid is regular in kilometres: the
latitude step is N km of latitude; the longitude step is N km along the snapped
latitude's parallel, so cells stay about N × N km anywhere in the region.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
from shapely import points

KM_PER_DEGREE_LAT = 110.574
KM_PER_DEGREE_LON_EQUATOR = 111.320


def coarsen_coordinates(lat: np.ndarray, lon: np.ndarray, km: float) -> tuple[np.ndarray, np.ndarray]:
    """Latitudes and longitudes snapped to the nearest node of an N-km grid.

    Parameters
    ----------
    lat, lon : numpy.ndarray
        WGS84 decimal degrees.
    km : float
        Grid size in kilometres; a point moves at most about ``km * 0.71``.

    Returns
    -------
    tuple of numpy.ndarray
        The snapped ``(lat, lon)``.
    """
    lat = np.asarray(lat, dtype="float64")
    lon = np.asarray(lon, dtype="float64")
    lat_step = km / KM_PER_DEGREE_LAT
    snapped_lat = np.round(lat / lat_step) * lat_step
    # The parallel's length shrinks with cos(lat); use the snapped row so every
    # point of one row shares the same column spacing.
    lon_step = km / (KM_PER_DEGREE_LON_EQUATOR * np.cos(np.radians(snapped_lat)))
    snapped_lon = np.round(lon / lon_step) * lon_step
    return np.round(snapped_lat, 6), np.round(snapped_lon, 6)


def coarsen_frame(frame: gpd.GeoDataFrame, km: float | None) -> gpd.GeoDataFrame:
    """A copy of the frame with lat, lon and geometry snapped to an N-km grid (unchanged when km is None).

    The copy's ``attrs["coarsen_km"]`` records the grid so every caption and
    metadata block can state it.
    """
    if km is None:
        return frame
    out = frame.copy()
    lat, lon = coarsen_coordinates(out["lat"].to_numpy(), out["lon"].to_numpy(), float(km))
    out["lat"] = lat
    out["lon"] = lon
    out = out.set_geometry(points(lon, lat), crs=frame.crs or "EPSG:4326")
    out.attrs["coarsen_km"] = float(km)
    return out


def max_shift_km(km: float) -> float:
    """How far coarsening can move a point: half the cell's diagonal."""
    return km * np.sqrt(2) / 2
