"""Distances on the ground between two WGS84 points."""

from __future__ import annotations

import math

import numpy as np

EARTH_RADIUS_KM = 6371.0088  # mean radius (IUGG)


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle (haversine) distance in kilometres.

    >>> round(distance_km(35.3359, 40.1408, 35.0186, 40.4517), 1)  # Deir ez-Zor to al-Mayadin
    45.2
    """
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi, dlmb = phi2 - phi1, math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlmb / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(min(1.0, a)))


def distances_km(lat1: np.ndarray, lon1: np.ndarray, lat2: np.ndarray, lon2: np.ndarray) -> np.ndarray:
    """`distance_km` row by row over arrays of points (the same formula, vectorised)."""
    lat1, lon1, lat2, lon2 = (np.radians(values) for values in (lat1, lon1, lat2, lon2))
    term = np.sin((lat2 - lat1) / 2) ** 2 + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(term, 0, 1)))
