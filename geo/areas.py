"""Drawn map areas: a compact, URL-safe text form of a polygon and back."""

from __future__ import annotations

import shapely
from shapely.geometry import Polygon


def encode_area(ring: list[list[float]]) -> str:
    """A ring of GeoJSON [lon, lat] pairs as ``lon,lat;lon,lat;…`` with 5 decimals (~1 m)."""
    return ";".join(f"{lon:.5f},{lat:.5f}" for lon, lat in (point[:2] for point in ring))


def decode_area(text: str) -> str | None:
    """The WKT polygon of an encoded ring, or None when the text is not a valid area."""
    try:
        points = [tuple(float(part) for part in pair.split(",")) for pair in text.split(";") if pair]
        if len(points) < 3 or any(len(point) != 2 for point in points):
            return None
        if any(not (-180 <= lon <= 180 and -90 <= lat <= 90) for lon, lat in points):
            return None
        polygon = Polygon(points)
        if not polygon.is_valid:
            polygon = shapely.make_valid(polygon)
        return None if polygon.is_empty else polygon.wkt
    except ValueError:
        return None
