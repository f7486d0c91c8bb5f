"""Briefing exports of the filtered incidents: map snapshots, animation, HTML and data files.

One entry point, `export`, for the CLI and `export_bytes` for the dashboard's
download buttons. Each format lives in its own module, imported only when
asked for (matplotlib and folium are slow to import and a CSV needs neither).
"""

from __future__ import annotations

import importlib
import tempfile
from pathlib import Path

import geopandas as gpd

from geo.errors import ExportError
from geo.export.coarsen import coarsen_frame
from geo.export.options import ExportOptions, Progress, check_output
from geo.files import replacing
from geo.filters import IncidentFilter, apply_filter, describe

# format -> (module, function): every writer is `write(frame, path, options)`.
WRITERS = {
    "png": ("geo.export.snapshot", "write_png"),
    "pdf": ("geo.export.snapshot", "write_pdf"),
    "html": ("geo.export.html", "write_html"),
    "screenshot": ("geo.export.browser", "write_screenshot"),
    "gif": ("geo.export.animation", "write_gif"),
    "mp4": ("geo.export.animation", "write_mp4"),
    "geojson": ("geo.export.data", "write_geojson"),
    "csv": ("geo.export.data", "write_csv"),
    "kml": ("geo.export.data", "write_kml"),
    "gpkg": ("geo.export.data", "write_gpkg"),
}
FORMATS = tuple(WRITERS)
DATA_FORMATS = ("geojson", "csv", "kml", "gpkg")
MEDIA_TYPES = {
    "png": "image/png", "pdf": "application/pdf", "html": "text/html", "gif": "image/gif", "mp4": "video/mp4",
    "screenshot": "image/png",
    "geojson": "application/geo+json", "csv": "text/csv", "kml": "application/vnd.google-earth.kml+xml",
    "gpkg": "application/geopackage+sqlite3",
}

__all__ = ["DATA_FORMATS", "FORMATS", "MEDIA_TYPES", "ExportOptions", "Progress", "export", "export_bytes"]


def export(frame: gpd.GeoDataFrame, fmt: str, out: str | Path, *, flt: IncidentFilter | None = None,
           title: str | None = None, subtitle: str | None = None, layout: str = "slide", dpi: int = 150,
           coarsen_km: float | None = None, progress: Progress | None = None, basemap: str = "auto",
           extent: tuple[float, float, float, float] | None = None, view: object | None = None,
           step: str = "auto", window: str = "moving") -> Path:
    """Write the incidents that match a filter to a file in one of `FORMATS`.

    Parameters
    ----------
    frame : geopandas.GeoDataFrame
        Incidents as loaded by `geo.records.read_incidents`; the filter is
        applied here (re-applying it to an already filtered frame is harmless).
    fmt : str
        One of `FORMATS`: png, pdf, html, screenshot (browser-exact PNG, needs Chromium), gif, mp4,
        geojson, csv, kml, gpkg.
    out : str or Path
        The file to write; written to a temporary file first and moved into
        place, so a failed export never leaves half a file.
    flt : IncidentFilter, optional
        What to show; its description goes into every caption.
    title, subtitle : str, optional
        Plain text (markup is refused). The title defaults to "Incidents".
    layout : {"slide", "a4"}
        16:9 slide or A4 landscape, for png, pdf, gif and mp4.
    dpi : int
        Resolution of png/pdf raster parts (150 for slides, 300 for print).
    coarsen_km : float, optional
        Snap every coordinate to a grid of this many km (public release), stated in the caption.
    progress : callable, optional
        ``progress(done, total)``; see `geo.export.options`.
    basemap : {"auto", "tiles", "offline"}
        Map background: web tiles when reachable ("auto"), or the project's offline context only.
    extent : tuple of float, optional
        West, south, east, north of the map; default: the filter's bbox, else the incidents.
    view : geo.mapping.MapView, optional
        The dashboard's current view (basemap, centre, zoom, layers) for the HTML export.
    step : {"auto", "day", "week", "month"}
        GIF: one frame per step over the period.
    window : {"moving", "cumulative"}
        GIF: each frame shows that step's incidents, or all incidents up to it.

    Returns
    -------
    Path
        The written file.

    Raises
    ------
    ExportError
        Unknown format, bad option, a title with markup, an unwritable path,
        or an empty selection for a data format.
    """
    options = ExportOptions(flt=flt or IncidentFilter(), title="Incidents" if title is None else title,
                            subtitle=subtitle or "", layout=layout, dpi=dpi, coarsen_km=coarsen_km,
                            progress=progress, basemap=basemap, extent=extent, view=view,
                            step=step, window=window)
    writer = _writer(fmt)
    path = check_output(out)
    selected = coarsen_frame(apply_filter(frame, options.flt), options.coarsen_km)
    if len(selected) == 0 and fmt in DATA_FORMATS:
        raise ExportError(f"no incidents match the filters ({describe(options.flt)}): a {fmt} file would be "
                          "empty — widen the filters, or export a map (png, pdf, html) to show the empty view")
    try:
        with replacing(path, suffix=f".part.{fmt.lower()}") as temp:
            temp.unlink()  # writers create their file; GeoPackage refuses to open an empty one
            writer(selected, temp, options)
    except OSError as err:
        raise ExportError(f"{path}: could not be written ({err.strerror or err}) — check the disk and the path") from err
    return path


def export_bytes(frame: gpd.GeoDataFrame, fmt: str, **options: object) -> bytes:
    """The bytes `export` would write, for a download button; same keyword options."""
    _writer(fmt)
    with tempfile.TemporaryDirectory(prefix="geo-export-") as folder:
        path = export(frame, fmt, Path(folder) / f"export.{fmt}", **options)
        return path.read_bytes()


def _writer(fmt: str):
    """The writer function for a format, or a clear error naming the allowed ones."""
    if not isinstance(fmt, str) or fmt.lower() not in WRITERS:
        raise ExportError(f"format was {fmt!r} but is expected to be one of {', '.join(FORMATS)}")
    module, name = WRITERS[fmt.lower()]
    return getattr(importlib.import_module(module), name)
