"""The Export panel: what the briefer sees, as a slide, a page or data files."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from dashboard.markdown import escape_markdown
from geo import FORMATS, MEDIA_TYPES, ExportError, IncidentFilter, MapView, export_bytes
from geo.export.options import BASEMAPS

LABELS = {
    "png": "PNG snapshot", "pdf": "PDF snapshot", "html": "Interactive HTML", "screenshot": "Browser-exact PNG",
    "gif": "Timeline GIF", "mp4": "Timeline MP4", "geojson": "GeoJSON", "csv": "CSV", "kml": "KML (Google Earth)",
    "gpkg": "GeoPackage",
}
EXTENSIONS = {"screenshot": "png"}
BASEMAP_LABELS = {"auto": "Web tiles when reachable", "tiles": "Web tiles", "offline": "Offline context map"}


def export_panel(frame: pd.DataFrame, flt: IncidentFilter, view: MapView) -> None:
    """Title, layout and options, one button to prepare a format, then its download."""
    cols = st.columns([2, 2, 1, 1, 1])
    title = cols[0].text_input("Title", value="Incidents in Deir ez-Zor", key="export_title")
    subtitle = cols[1].text_input("Subtitle", key="export_subtitle")
    layout = cols[2].radio("Layout", ["slide", "a4"], format_func={"slide": "16:9 slide", "a4": "A4"}.get,
                           key="export_layout")
    dpi = cols[3].selectbox("DPI", [150, 300], key="export_dpi")
    coarsen = cols[4].number_input("Coarsen to km grid", min_value=0.0, step=1.0, key="export_coarsen",
                                   help="For public release: round every coordinate to a grid of N km "
                                        "(stated in the caption). 0 keeps exact coordinates.")
    cols = st.columns([2, 2, 1, 3])
    fmt = cols[0].selectbox("Format", FORMATS, format_func=LABELS.get, key="export_format")
    basemap = cols[1].selectbox("Snapshot basemap", BASEMAPS, format_func=BASEMAP_LABELS.get, key="export_basemap",
                                help="PNG, PDF, GIF and MP4: web map tiles, or the project's own context map "
                                     "(borders, rivers, towns), which needs no internet")
    # What the file was made from: a download is offered only while all of it still holds.
    inputs = (fmt, flt, title, subtitle, layout, dpi, coarsen, basemap, view, _content_signature(frame))
    if cols[2].button("Prepare", key="export_prepare", type="primary"):
        bar = st.progress(0.0, text=f"Preparing {LABELS[fmt]}…")

        def progress(done: int, total: int) -> None:
            bar.progress(min(done / total, 1.0) if total else 1.0, text=f"{LABELS[fmt]}: {done:,} of {total:,}")

        try:
            data = export_bytes(frame, fmt, flt=flt, title=title, subtitle=subtitle, layout=layout, dpi=dpi,
                                coarsen_km=coarsen or None, progress=progress, view=view, basemap=basemap)
        except ExportError as err:
            bar.empty()
            st.error(escape_markdown(err))
            return
        bar.empty()
        st.session_state["export_ready"] = (inputs, data)
    ready = st.session_state.get("export_ready")
    if ready and ready[0] != inputs:
        cols[3].caption("The selection or the options changed since the file was prepared: prepare it again.")
    elif ready:
        ready_fmt, data = ready[0][0], ready[1]
        stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%d-%H%M")
        cols[3].download_button(f"Download {LABELS[ready_fmt]} ({len(data) / 1e6:.1f} MB)", data,
                                file_name=f"incidents-{stamp}.{EXTENSIONS.get(ready_fmt, ready_fmt)}",
                                mime=MEDIA_TYPES[ready_fmt], key="export_download")


def _content_signature(frame: pd.DataFrame) -> tuple[int, int]:
    """Which incidents, in which version, a file was made from (cheap enough for every rerun)."""
    columns = [column for column in ("id", "last_edited_at") if column in frame.columns]
    return len(frame), int(pd.util.hash_pandas_object(frame[columns], index=False).sum()) if len(frame) else 0
