"""Slide- and print-ready map snapshots (PNG, PDF) of the filtered incidents, drawn with matplotlib.

A snapshot carries what a briefing slide needs to stand on its own: title and
subtitle, the period and the filters in words, the count shown, a legend of the
sides and event types, scale bar, north arrow, town labels, sources, map-data
attribution, coarsening and when it was made. The animation reuses
`draw_page` (drawn once) and `draw_incidents` (per frame).
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import matplotlib
import numpy as np

matplotlib.use("Agg")  # exports run without a display, in the CLI, the dashboard and CI

import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.artist import Artist  # noqa: E402
from matplotlib.axes import Axes  # noqa: E402
from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: E402
from matplotlib.collections import EllipseCollection  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402

from geo.export import basemap  # noqa: E402
from geo.export.caption import (  # noqa: E402
    NO_MATCH,
    coarsening_text,
    count_text,
    filters_text,
    made_text,
    period_text,
    publishers,
)
from geo.export.coarsen import max_shift_km  # noqa: E402
from geo.export.options import ExportOptions, ProgressReporter  # noqa: E402
from geo.export.style import circle_radius_km, circle_style, colour_of, marker_of, rc_params  # noqa: E402
from geo.filters import describe  # noqa: E402
from geo.map_payload import CIRCLE_LIMIT  # noqa: E402

PAGE_INCHES = {"slide": (40 / 3, 7.5), "a4": (297 / 25.4, 210 / 25.4)}  # 16:9 at 13.33 in; A4 landscape
MAP_BOX = (0.02, 0.11, 0.70, 0.70)  # left, bottom, width, height as fractions of the page
SIDEBAR_X = 0.745
MAX_SOURCES = 12
STAR_SCALE = 1.8


@dataclass
class Page:
    """A drawn page: the figure, its map axes and the map's Web Mercator bounds."""

    figure: Figure
    ax: Axes
    bounds: tuple[float, float, float, float]
    attribution: str


def draw_page(frame: gpd.GeoDataFrame, options: ExportOptions, *, dpi: int | None = None,
              count_label: bool = True) -> Page:
    """A page with everything but the incidents: header, basemap, legend, scale, footer.

    Parameters
    ----------
    frame : geopandas.GeoDataFrame
        The incidents the page is about (their extent, sides, types and sources).
    options : ExportOptions
        Title, subtitle, layout, filter, coarsening, basemap mode and extent.
    dpi : int, optional
        Figure resolution, default ``options.dpi``.
    count_label : bool
        Write "N incidents shown" in the sidebar (the animation writes its own per frame).

    Returns
    -------
    Page
    """
    with plt.rc_context(rc_params()):
        width, height = PAGE_INCHES[options.layout]
        figure = Figure(figsize=(width, height), dpi=dpi or options.dpi)
        FigureCanvasAgg(figure)  # label placement measures text, which needs a renderer
        left, bottom, map_width, map_height = MAP_BOX
        ax = figure.add_axes((left, bottom, map_width, map_height))
        aspect = (map_width * width) / (map_height * height)
        x0, y0, x1, y1 = basemap.map_extent(frame, options.extent or options.flt.bbox, aspect)
        ax.set_xlim(x0, x1)
        ax.set_ylim(y0, y1)
        ax.set_aspect("equal", adjustable="datalim")
        incidents_xy = np.column_stack(basemap.to_mercator(frame["lon"].to_numpy(), frame["lat"].to_numpy()))
        drawn = basemap.draw_basemap(ax, (x0, y0, x1, y1), options.basemap, avoid=incidents_xy)
        ax.set_xlim(x0, x1)
        ax.set_ylim(y0, y1)
        ax.set_xticks([])
        ax.set_yticks([])
        ax.set_xlabel("")
        ax.set_ylabel("")
        for spine in ax.spines.values():
            spine.set_edgecolor("#666666")
        basemap.draw_scale_bar(ax, (x0, y0, x1, y1))
        basemap.draw_north_arrow(ax)
        _draw_header(figure, frame, options)
        _draw_sidebar(figure, frame, options, count_label=count_label)
        _draw_footer(figure, frame, options, drawn.attribution)
        if len(frame) == 0:
            _draw_no_match(ax, options)
        return Page(figure, ax, (x0, y0, x1, y1), drawn.attribution)


def draw_incidents(page: Page, frame: gpd.GeoDataFrame, coarsen_km: float | None = None) -> list[Artist]:
    """Draw incidents onto a page's map: precision circles, then one marker per incident; returns the artists."""
    artists: list[Artist] = []
    if len(frame) == 0:
        return artists
    ax = page.ax
    x, y = basemap.to_mercator(frame["lon"].to_numpy(), frame["lat"].to_numpy())
    colours = np.array([colour_of(side) for side in frame["side1"]])
    with plt.rc_context(rc_params()):
        if len(frame) <= CIRCLE_LIMIT:
            artists.extend(_draw_circles(ax, frame, x, y, colours, coarsen_km))
        size = 80 if len(frame) <= 200 else 30 if len(frame) <= 5000 else 6
        edge = 0.9 if len(frame) <= 5000 else 0
        types = frame["event_type"].to_numpy()
        for event_type in sorted(set(types)):
            chosen = types == event_type
            marker = marker_of(event_type)
            scaled = size * STAR_SCALE if marker == "*" else size  # a star's ink is thinner than a disc's
            artists.append(ax.scatter(x[chosen], y[chosen], s=scaled, c=colours[chosen], marker=marker,
                                      edgecolors="white", linewidths=edge, zorder=7, alpha=0.95))
    return artists


def _draw_circles(ax: Axes, frame: gpd.GeoDataFrame, x: np.ndarray, y: np.ndarray, colours: np.ndarray,
                  coarsen_km: float | None) -> list[Artist]:
    """Faint circles of each incident's uncertainty radius (widened to cover coarsening)."""
    radius_km = np.array([circle_radius_km(precision) for precision in frame["geo_precision"]])
    if coarsen_km:
        radius_km = np.maximum(radius_km, max_shift_km(coarsen_km))
    keep = radius_km > 0
    if not keep.any():
        return []
    # Mercator stretches distances by 1/cos(lat): a circle of r km on the ground is r/cos(lat) map metres.
    diameter = 2 * radius_km[keep] * 1000 / np.cos(np.radians(frame["lat"].to_numpy()[keep]))
    style = circle_style()
    circles = EllipseCollection(diameter, diameter, np.zeros(keep.sum()), units="xy",
                                offsets=np.column_stack([x[keep], y[keep]]), offset_transform=ax.transData,
                                facecolors=[_rgba(colour, style["fill_opacity"]) for colour in colours[keep]],
                                edgecolors=[_rgba(colour, style["opacity"]) for colour in colours[keep]],
                                linewidths=0.8, linestyles="--", zorder=4)
    ax.add_collection(circles)
    return [circles]


def _rgba(colour: str, alpha: float) -> tuple[float, float, float, float]:
    red, green, blue, _ = matplotlib.colors.to_rgba(colour)
    return (red, green, blue, float(alpha))


def _draw_header(figure: Figure, frame: gpd.GeoDataFrame, options: ExportOptions) -> None:
    figure.text(0.02, 0.965, options.title, fontsize=24, fontweight="bold", va="top", color="#111111")
    line = 0.895
    if options.subtitle:
        figure.text(0.02, 0.905, options.subtitle, fontsize=14, va="top", color="#333333")
        line = 0.86
    summary = f"{period_text(frame, options)}  ·  {_shorten(filters_text(options), 150)}"
    figure.text(0.02, line, summary, fontsize=11, va="top", color="#555555")


def _draw_sidebar(figure: Figure, frame: gpd.GeoDataFrame, options: ExportOptions, *, count_label: bool) -> None:
    top = MAP_BOX[1] + MAP_BOX[3]
    if count_label:
        figure.text(SIDEBAR_X, top, count_text(len(frame)), fontsize=16, fontweight="bold", va="top",
                    color="#111111" if len(frame) else "#b03a2e")
    sides = [side for side in _ordered(frame["side1"]) if side]
    types = [kind for kind in _ordered(frame["event_type"]) if kind]
    entries: list[tuple[str, Line2D | None]] = []
    if sides:
        entries.append(("Acting side", None))
        entries += [(side, Line2D([], [], marker="o", color=colour_of(side), linestyle="")) for side in sides]
    if types:
        entries.append(("Event type", None))
        entries += [(kind, Line2D([], [], marker=marker_of(kind), color="#555555", linestyle="")) for kind in types]
    if len(frame):
        entries.append(("Location precision", None))
        entries.append(("dashed circle: uncertainty radius\n(village 2 km, town 5 km, district 25 km)",
                        Line2D([], [], marker="o", markerfacecolor="none", markeredgecolor="#777777",
                               linestyle="", markersize=11)))
    note = coarsening_text(options)
    if note:
        entries += [("Public release", None), (textwrap.fill(note, 34), None)]
    _draw_entries(figure, entries, top - 0.06)


def _draw_entries(figure: Figure, entries: list[tuple[str, Line2D | None]], top: float) -> None:
    """Legend rows under each other: headings in bold, then a marker and a label per row."""
    y = top
    step = 0.031 if len(entries) <= 20 else 0.024
    for label, handle in entries:
        if handle is None and label in ("Acting side", "Event type", "Location precision", "Public release"):
            y -= step * 0.35
            figure.text(SIDEBAR_X, y, label, fontsize=11, fontweight="bold", va="top", color="#222222")
        elif handle is None:
            figure.text(SIDEBAR_X, y, label, fontsize=9, va="top", color="#8a3b12")
        else:
            size = 13 if handle.get_marker() == "*" else 9
            figure.add_artist(Line2D([SIDEBAR_X + 0.008], [y - 0.011], marker=handle.get_marker(),
                                     markersize=handle.get_markersize() if handle.get_markersize() > 9 else size,
                                     markerfacecolor=handle.get_markerfacecolor(),
                                     markeredgecolor=handle.get_markeredgecolor() if label.startswith("dashed")
                                     else "white", linestyle="", transform=figure.transFigure))
            figure.text(SIDEBAR_X + 0.022, y, label, fontsize=10 if "\n" not in label else 8.5, va="top",
                        color="#222222")
        y -= step * (1 + label.count("\n"))


def _draw_footer(figure: Figure, frame: gpd.GeoDataFrame, options: ExportOptions, attribution: str) -> None:
    names = publishers(frame)
    shown = ", ".join(names[:MAX_SOURCES]) + (f" and {len(names) - MAX_SOURCES} more" if len(names) > MAX_SOURCES
                                              else "")
    sources = f"Sources: {shown}" if names else "Sources: none in this selection"
    figure.text(0.02, 0.075, _shorten(sources, 190), fontsize=9, va="top", color="#333333")
    parts = [f"Map data: {_plain_attribution(attribution)}", made_text(options)]
    if options.coarsen_km:
        parts.append(coarsening_text(options))
    figure.text(0.02, 0.045, _shorten("  ·  ".join(parts), 190), fontsize=8, va="top", color="#666666")


def _draw_no_match(ax: Axes, options: ExportOptions) -> None:
    ax.text(0.5, 0.55, NO_MATCH.capitalize(), transform=ax.transAxes, ha="center", va="center", fontsize=22,
            fontweight="bold", color="#b03a2e", zorder=10,
            bbox={"boxstyle": "round,pad=0.5", "fc": "white", "ec": "#b03a2e", "alpha": 0.9})
    ax.text(0.5, 0.43, textwrap.fill(describe(options.flt), 70), transform=ax.transAxes, ha="center", va="top",
            fontsize=11, color="#333333", zorder=10,
            bbox={"boxstyle": "round,pad=0.3", "fc": "white", "ec": "none", "alpha": 0.8})


def _ordered(values) -> list:
    """Distinct values, most frequent first."""
    counts = values.value_counts()
    return list(counts.index)


def _shorten(text: str, width: int) -> str:
    return textwrap.shorten(text, width=width, placeholder=" …") if len(text) > width else text


def _plain_attribution(text: str) -> str:
    """Attribution without HTML (xyzservices gives some with links and entities)."""
    import html
    import re

    return html.unescape(re.sub(r"<[^>]+>", "", text))


# Progress of a snapshot: page drawn, incidents drawn, file saved.
RENDER_STEPS = 3


def render(frame: gpd.GeoDataFrame, options: ExportOptions, report: ProgressReporter | None = None) -> Figure:
    """The finished snapshot figure of the (filtered) incidents.

    ``report`` is the export's one reporter (of `RENDER_STEPS`), passed on so the
    saving step continues it; without one, render reports on its own.
    """
    report = report or ProgressReporter(options.progress, RENDER_STEPS)
    page = draw_page(frame, options)
    report.update(1)
    draw_incidents(page, frame, options.coarsen_km)
    report.update(2)
    return page.figure


def write_png(frame: gpd.GeoDataFrame, path: Path, options: ExportOptions) -> None:
    """PNG snapshot at ``options.dpi`` (the DPI is recorded in the file)."""
    _write_figure(frame, path, options, "png", "Software")


def write_pdf(frame: gpd.GeoDataFrame, path: Path, options: ExportOptions) -> None:
    """PDF snapshot: vector text and lines, one page of the chosen layout."""
    _write_figure(frame, path, options, "pdf", "Creator")


def _write_figure(frame: gpd.GeoDataFrame, path: Path, options: ExportOptions, fmt: str, tool_key: str) -> None:
    """Render and save under one progress report; formats name the producing program differently."""
    report = ProgressReporter(options.progress, RENDER_STEPS)
    figure = render(frame, options, report)
    with plt.rc_context(rc_params()):
        figure.savefig(path, format=fmt, dpi=options.dpi, metadata=_metadata(frame, options, tool_key))
    report.finish()


def _metadata(frame: gpd.GeoDataFrame, options: ExportOptions, tool_key: str) -> dict[str, str]:
    subject = f"{period_text(frame, options)}; {describe(options.flt)}; {count_text(len(frame))}"
    if options.coarsen_km:
        subject += f"; coarsen_km={options.coarsen_km:g}"
    return {"Title": options.title, "Subject" if tool_key == "Creator" else "Description": subject,
            tool_key: "incident-map geo.export"}
