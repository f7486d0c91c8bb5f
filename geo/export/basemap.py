"""The map under the incidents: extent, web tiles or the offline context, scale bar and north arrow.

Snapshots are drawn in Web Mercator (EPSG:3857), the projection of web tiles,
so online and offline maps line up. Offline, or when tiles cannot be fetched
within a few seconds, the map shows the project's own context layer
(geo/data/context.geojson: borders, the Euphrates and Khabur, towns) and
district outlines (geo/data/admin_areas.geojson): never a blank map.
"""

from __future__ import annotations

import math
import socket
import warnings
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from urllib.parse import urlsplit

import geopandas as gpd
import numpy as np
from matplotlib.axes import Axes
from matplotlib.patches import FancyArrow

from geo.schema import DATA_DIR, region

EARTH_RADIUS_M = 6378137.0
MIN_SPAN_KM = 40.0  # a single incident still shows the towns around it
TILE_TIMEOUT_S = 4
OFFLINE_ATTRIBUTION = "Borders, rivers, towns and districts: incident-map project (approximate)"
LAND, OUTSIDE, WATER = "#f4f1ea", "#e4e8ec", "#9cc3e0"


@dataclass(frozen=True)
class Basemap:
    """What was drawn under the incidents and the attribution it needs."""

    kind: str  # "tiles" or "offline"
    attribution: str


def to_mercator(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """EPSG:4326 lon/lat to EPSG:3857 x/y in metres."""
    lon = np.asarray(lon, dtype="float64")
    lat = np.clip(np.asarray(lat, dtype="float64"), -85.0, 85.0)
    x = np.radians(lon) * EARTH_RADIUS_M
    y = np.log(np.tan(np.pi / 4 + np.radians(lat) / 2)) * EARTH_RADIUS_M
    return x, y


def mercator_scale(lat: float) -> float:
    """Mercator metres per ground metre at a latitude."""
    return 1.0 / math.cos(math.radians(lat))


def map_extent(frame: gpd.GeoDataFrame, extent: tuple[float, float, float, float] | None,
               aspect: float) -> tuple[float, float, float, float]:
    """West, south, east, north to show: the given extent, else the incidents padded, else the region.

    The box is widened to at least `MIN_SPAN_KM` and to the map's width/height
    ``aspect`` so nothing is stretched.
    """
    if extent is None and len(frame):
        west, south, east, north = frame["lon"].min(), frame["lat"].min(), frame["lon"].max(), frame["lat"].max()
        pad_x, pad_y = max((east - west) * 0.12, 0.15), max((north - south) * 0.12, 0.12)  # ~15 km: room for circles
        west, south, east, north = west - pad_x, south - pad_y, east + pad_x, north + pad_y
    elif extent is None:
        box = region()["bbox"]
        west, south, east, north = box["west"], box["south"], box["east"], box["north"]
    else:
        west, south, east, north = extent
    mid_lat = (south + north) / 2
    min_lat_span = MIN_SPAN_KM / 110.574
    min_lon_span = MIN_SPAN_KM / (111.320 * math.cos(math.radians(mid_lat)))
    west, east = _widen(west, east, min_lon_span)
    south, north = _widen(south, north, min_lat_span)
    (x0, x1), (y0, y1) = to_mercator(np.array([west, east]), np.array([south, north]))
    width, height = x1 - x0, y1 - y0
    if width / height < aspect:
        x0, x1 = _widen(x0, x1, height * aspect)
    else:
        y0, y1 = _widen(y0, y1, width / aspect)
    return float(x0), float(y0), float(x1), float(y1)


def _widen(low: float, high: float, span: float) -> tuple[float, float]:
    if high - low >= span:
        return low, high
    middle = (low + high) / 2
    return middle - span / 2, middle + span / 2


def draw_basemap(ax: Axes, bounds: tuple[float, float, float, float], mode: str, *, labels: bool = True,
                 avoid: np.ndarray | None = None) -> Basemap:
    """Draw tiles (mode "tiles", or "auto" when reachable) or the offline context into ``ax``.

    ``avoid`` holds Web Mercator x, y of incidents that place labels should not cover.
    """
    if mode in ("auto", "tiles") and _tiles_reachable(_tile_source()):
        drawn = _draw_tiles(ax, bounds)
        if drawn is not None:
            _draw_admin(ax, labels=False)
            return drawn
    if mode == "tiles":
        warnings.warn("web tiles could not be fetched: using the offline context map", stacklevel=2)
    _draw_context(ax, bounds, labels=labels, avoid=avoid)
    return Basemap("offline", OFFLINE_ATTRIBUTION)


def tile_cache_dir() -> Path:
    """Where fetched tiles are kept: the project's cache folder ($GEO_CACHE_DIR, else .geo-cache), wherever the process runs."""
    from geo.cache import cache_dir_for

    return cache_dir_for(DATA_DIR.parents[1] / "incidents.yaml") / "tiles"


def _tile_source():
    import xyzservices.providers as providers

    return providers.CartoDB.Positron


def _tiles_reachable(source) -> bool:
    """A quick connection test to the tile server itself, so an offline machine does not wait for timeouts."""
    host = urlsplit(source["url"]).hostname.replace("{s}", source.get("subdomains", "a")[0])
    try:
        with socket.create_connection((host, 443), timeout=1.5):
            return True
    except OSError:
        return False


def _draw_tiles(ax: Axes, bounds: tuple[float, float, float, float]) -> Basemap | None:
    try:
        import contextily

        tiles = tile_cache_dir()
        tiles.mkdir(parents=True, exist_ok=True)
        contextily.set_cache_dir(str(tiles))
        source = _tile_source()
        west, south, east, north = bounds
        ax.set_xlim(west, east)
        ax.set_ylim(south, north)
        contextily.add_basemap(ax, source=source, crs="EPSG:3857", attribution=False,
                               timeout=TILE_TIMEOUT_S, reset_extent=True)
        return Basemap("tiles", source.get("attribution", "© OpenStreetMap contributors © CARTO"))
    except Exception as err:  # noqa: BLE001 - any tile failure falls back to the offline map
        warnings.warn(f"web tiles failed ({err}); using the offline context map", stacklevel=2)
        for image in list(ax.images):
            image.remove()
        return None


@cache
def _context() -> gpd.GeoDataFrame | None:
    return _read_layer(DATA_DIR / "context.geojson")


@cache
def _admin() -> gpd.GeoDataFrame | None:
    return _read_layer(DATA_DIR / "admin_areas.geojson")


def _read_layer(path: Path) -> gpd.GeoDataFrame | None:
    if not path.exists():
        warnings.warn(f"{path} is missing: the offline map has no context", stacklevel=3)
        return None
    return gpd.read_file(path).to_crs("EPSG:3857")


def _draw_context(ax: Axes, bounds: tuple[float, float, float, float], *, labels: bool,
                  avoid: np.ndarray | None) -> None:
    ax.set_facecolor(OUTSIDE)
    context = _context()
    if context is not None:
        kind = context["kind"]
        countries = context[kind == "country"]
        countries.plot(ax=ax, facecolor=LAND, edgecolor="#8a8178", linewidth=1.1, zorder=1)
        context[kind == "lake"].plot(ax=ax, facecolor=WATER, edgecolor=WATER, linewidth=0.5, zorder=2)
        context[kind == "river"].plot(ax=ax, color=WATER, linewidth=2.0, zorder=2)
    _draw_admin(ax, labels=labels)
    if context is not None and labels:
        placer = LabelPlacer(ax, avoid)
        _draw_towns(ax, context[context["kind"] == "town"], bounds, placer)
        _label_rivers(context[context["kind"] == "river"], bounds, placer)


def _draw_admin(ax: Axes, *, labels: bool) -> None:
    admin = _admin()
    if admin is None:
        return
    districts = admin[admin["level"] == "district"]
    governorates = admin[admin["level"] == "governorate"]
    governorates.boundary.plot(ax=ax, color="#b9aea0", linewidth=0.9, linestyle="-", zorder=2)
    districts.boundary.plot(ax=ax, color="#b9aea0", linewidth=0.7, linestyle=(0, (4, 3)), zorder=2)
    if not labels:
        return
    x0, x1 = ax.get_xlim()
    for row in districts.itertuples():
        point = row.geometry.representative_point()
        if x0 <= point.x <= x1:
            ax.annotate(f"{row.name_en} district", (point.x, point.y), ha="center", va="center", fontsize=7,
                        color="#a3978a", style="italic", zorder=3, annotation_clip=True)


def _draw_towns(ax: Axes, towns: gpd.GeoDataFrame, bounds: tuple[float, float, float, float],
                placer: LabelPlacer) -> None:
    """Town dots and bilingual labels, fewer and bigger towns on wider maps."""
    west, south, east, north = bounds
    span_km = (east - west) / 1000 / mercator_scale(_mid_lat(south, north))
    max_rank = 3 if span_km < 450 else 2 if span_km < 900 else 1
    inside = towns[(towns.geometry.x > west) & (towns.geometry.x < east)
                   & (towns.geometry.y > south) & (towns.geometry.y < north)
                   & (towns["rank"].fillna(3) <= max_rank)].sort_values("rank")
    ax.scatter(inside.geometry.x, inside.geometry.y, s=14, c="#4a4a4a", marker="s", zorder=3, linewidths=0)
    for row in inside.itertuples():
        name = f"{row.name_en}  {row.name_ar}" if isinstance(row.name_ar, str) and row.name_ar else row.name_en
        placer.place(name, row.geometry.x, row.geometry.y, fontsize=9 if row.rank <= 1 else 8, color="#333333",
                     zorder=6, bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none", "alpha": 0.6})


def _label_rivers(rivers: gpd.GeoDataFrame, bounds: tuple[float, float, float, float], placer: LabelPlacer) -> None:
    west, south, east, north = bounds
    for row in rivers.itertuples():
        line = row.geometry
        points = [line.interpolate(fraction, normalized=True) for fraction in np.linspace(0.05, 0.95, 37)]
        inside = [point for point in points if west < point.x < east and south < point.y < north]
        # Try the middle of the visible stretch first, then further along, until a spot is free.
        order = sorted(range(len(inside)), key=lambda index: abs(index - len(inside) // 2))
        for index in order[::3]:
            point = inside[index]
            if placer.place(f"{row.name_en}  {row.name_ar}", point.x, point.y, fontsize=8, color="#2f6f9f",
                            style="italic", zorder=3, required=False, dot=False):
                break


class LabelPlacer:
    """Puts labels beside their point where they overlap no earlier label and no incident."""

    OFFSETS = ((5, 4, "left", "bottom"), (-5, 4, "right", "bottom"), (5, -4, "left", "top"),
               (-5, -4, "right", "top"))

    def __init__(self, ax: Axes, avoid: np.ndarray | None) -> None:
        from matplotlib.backends.backend_agg import FigureCanvasAgg

        self.ax = ax
        figure = ax.get_figure()
        if not isinstance(figure.canvas, FigureCanvasAgg):
            FigureCanvasAgg(figure)
        self.renderer = figure.canvas.get_renderer()
        self.placed: list = []
        points = np.empty((0, 2)) if avoid is None or len(avoid) == 0 else np.asarray(avoid)
        self.avoid = ax.transData.transform(points) if len(points) else points
        self.margin = 7 * figure.dpi / 72  # about a marker's radius

    def place(self, text: str, x: float, y: float, *, required: bool = True, dot: bool = True,
              **style: object) -> bool:
        """Add the label at the first free offset; returns False when none was free and it was not required."""
        best, best_hits = None, None
        for dx, dy, ha, va in self.OFFSETS if dot else ((0, 2, "center", "bottom"),):
            label = self.ax.annotate(text, (x, y), xytext=(dx, dy), textcoords="offset points", ha=ha, va=va,
                                     annotation_clip=True, **style)
            box = label.get_window_extent(self.renderer).expanded(1.04, 1.1)
            if any(box.overlaps(other) for other in self.placed):
                label.remove()
                continue
            hits = self._incident_hits(box)
            if hits == 0:
                self.placed.append(box)
                if best is not None:
                    best.remove()
                return True
            if best_hits is None or hits < best_hits:
                if best is not None:
                    best.remove()
                best, best_hits, best_box = label, hits, box
            else:
                label.remove()
        if best is not None and required:
            self.placed.append(best_box)
            return True
        if best is not None:
            best.remove()
        return False

    def _incident_hits(self, box) -> int:
        if not len(self.avoid):
            return 0
        inside = ((self.avoid[:, 0] > box.x0 - self.margin) & (self.avoid[:, 0] < box.x1 + self.margin)
                  & (self.avoid[:, 1] > box.y0 - self.margin) & (self.avoid[:, 1] < box.y1 + self.margin))
        return int(inside.sum())


def _mid_lat(south_y: float, north_y: float) -> float:
    """Latitude of the middle of a Mercator y-range."""
    y = (south_y + north_y) / 2
    return math.degrees(2 * math.atan(math.exp(y / EARTH_RADIUS_M)) - math.pi / 2)


def draw_scale_bar(ax: Axes, bounds: tuple[float, float, float, float]) -> float:
    """A scale bar of a round length (~1/5 of the map) at the lower left; returns its length in km."""
    west, south, east, north = bounds
    scale = mercator_scale(_mid_lat(south, north))
    width_km = (east - west) / 1000 / scale
    target = width_km / 5
    length_km = max(value for value in (0.5, 1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000) if value <= max(target, 0.5))
    length = length_km * 1000 * scale
    x = west + (east - west) * 0.04
    y = south + (north - south) * 0.05
    height = (north - south) * 0.012
    for index, colour in enumerate(("#222222", "white")):
        ax.add_patch(_rect(x + index * length / 2, y, length / 2, height, colour))
    label = f"{length_km:g} km"
    ax.text(x + length / 2, y + height * 1.8, label, ha="center", va="bottom", fontsize=9, zorder=9,
            bbox={"boxstyle": "round,pad=0.2", "fc": "white", "ec": "none", "alpha": 0.7})
    ax.text(x, y + height * 1.8, "0", ha="center", va="bottom", fontsize=8, zorder=9)
    return length_km


def _rect(x: float, y: float, width: float, height: float, colour: str):
    from matplotlib.patches import Rectangle

    return Rectangle((x, y), width, height, facecolor=colour, edgecolor="#222222", linewidth=0.8, zorder=9)


def draw_north_arrow(ax: Axes) -> None:
    """An arrow and "N" at the upper right; Web Mercator keeps north straight up."""
    ax.add_patch(FancyArrow(0.955, 0.83, 0, 0.09, width=0.012, head_width=0.035, head_length=0.04,
                            length_includes_head=True, transform=ax.transAxes, color="#222222", zorder=9))
    ax.text(0.955, 0.80, "N", transform=ax.transAxes, ha="center", va="top", fontsize=13,
            fontweight="bold", zorder=9)
