"""What a quick script would do for each export format, as the baseline of bench.export.

Each writes the same incidents in the same format the obvious way: one
matplotlib artist or folium marker per incident, the whole document built in
memory, one library call for the whole table. None of them carries a caption,
legend or escaping the real exports have; they only set the cost to beat.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections.abc import Callable
from html import escape
from pathlib import Path

import geopandas as gpd

from geo.actors import registry

SCALAR_COLUMNS = ("id", "date", "event_type", "sub_event_type", "actor1", "side1", "actor2", "side2", "place",
                  "lat", "lon", "geo_precision", "fatalities", "description", "status")


def _scalars(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    table = frame[[*SCALAR_COLUMNS, "geometry"]].copy()
    table["date"] = table["date"].dt.strftime("%Y-%m-%d")
    return table


def _figure(frame: gpd.GeoDataFrame, path: Path) -> None:
    """One ax.plot call per incident, coloured by side."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    actors = registry()
    fig, ax = plt.subplots(figsize=(13.33, 7.5))
    for lon, lat, side in zip(frame["lon"], frame["lat"], frame["side1"], strict=True):
        ax.plot(lon, lat, "o", color=actors.colour_of_side(side), markersize=4)
    ax.set_title("Benchmark")
    fig.savefig(path, dpi=150)
    plt.close(fig)


def _html(frame: gpd.GeoDataFrame, path: Path) -> None:
    """A folium map with one marker and popup per incident."""
    import folium

    fmap = folium.Map(location=[35.0, 40.0], zoom_start=7)
    for lat, lon, description in zip(frame["lat"], frame["lon"], frame["description"], strict=True):
        folium.CircleMarker([lat, lon], radius=4, popup=escape(description or "")).add_to(fmap)
    fmap.save(str(path))


def _geojson(frame: gpd.GeoDataFrame, path: Path) -> None:
    """The whole FeatureCollection as one string."""
    path.write_text(_scalars(frame).to_json(default=str), encoding="utf-8")


def _csv(frame: gpd.GeoDataFrame, path: Path) -> None:
    frame.drop(columns=["geometry"]).to_csv(path, index=False)


def _kml(frame: gpd.GeoDataFrame, path: Path) -> None:
    """The whole document as an element tree, then written."""
    root = ET.Element("kml", xmlns="http://www.opengis.net/kml/2.2")
    document = ET.SubElement(root, "Document")
    for row in frame[list(SCALAR_COLUMNS)].to_dict("records"):
        placemark = ET.SubElement(document, "Placemark")
        ET.SubElement(placemark, "name").text = str(row["place"])
        ET.SubElement(placemark, "description").text = json.dumps(row, default=str, ensure_ascii=False)
        point = ET.SubElement(placemark, "Point")
        ET.SubElement(point, "coordinates").text = f"{row['lon']},{row['lat']}"
    ET.ElementTree(root).write(path, encoding="utf-8", xml_declaration=True)


def _gpkg(frame: gpd.GeoDataFrame, path: Path) -> None:
    _scalars(frame).to_file(path, driver="GPKG", layer="incidents")


NAIVE: dict[str, Callable[[gpd.GeoDataFrame, Path], None]] = {
    "png": _figure, "pdf": _figure, "html": _html,
    "geojson": _geojson, "csv": _csv, "kml": _kml, "gpkg": _gpkg,
}
# One artist or marker per incident takes minutes beyond this many.
PER_INCIDENT_LIMIT = {"png": 10_000, "pdf": 10_000, "html": 10_000}
