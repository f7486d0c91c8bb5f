"""Incident map dashboard: `streamlit run dashboard/app.py [-- --file PATH]`."""

from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path

import streamlit as st
from streamlit_folium import st_folium

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from any folder without installing

from dashboard import curator  # noqa: E402
from dashboard.data import (  # noqa: E402
    database_facets,
    database_map,
    database_url,
    filtered_record,
    load_from_database,
    load_record,
    record_facets,
    record_map,
    record_path,
)
from dashboard.export_panel import export_panel  # noqa: E402
from dashboard.markdown import escape_markdown  # noqa: E402
from dashboard.panels import area_panel, headline_panel, problems_panel, table_panel, timeline_panel  # noqa: E402
from dashboard.sidebar import set_area_from_drawing, sidebar_filter  # noqa: E402
from geo import (
    GeoError,
    MapView,
    basemaps,
    describe,
    redact,
)  # noqa: E402

MAP_HEIGHT = 620


def view_from_url(selected_id: str | None) -> MapView:
    """Basemap, centre and zoom as the map last wrote them into the URL."""
    params = st.query_params
    center, zoom = None, None
    try:
        if "lat" in params and "lon" in params:
            lat, lon = float(params["lat"]), float(params["lon"])
            if -90 <= lat <= 90 and -180 <= lon <= 180:
                center = (lat, lon)
        zoom = int(params["zoom"]) if "zoom" in params else None
    except ValueError:
        center, zoom = None, None
    basemap = params.get("basemap", "streets")
    return MapView(
        basemap=basemap if basemap in basemaps() else "streets",
        center=center,
        zoom=zoom if zoom is None or 1 <= zoom <= 19 else None,
        heat=bool(st.session_state.get("heat", False)),
        cluster=bool(st.session_state.get("cluster", True)),
        selected_id=selected_id,
        draw=True,
        height=MAP_HEIGHT,
    )


def load(db_url: str | None, path: Path):
    """The filter, the whole record (YAML) or the filtered rows (database), and load problems."""
    try:
        if db_url:
            flt = sidebar_filter(database_facets(db_url))
            shown, problems = load_from_database(db_url, flt)
            return flt, shown, shown, problems
        frame, problems = load_record(path)
    except (GeoError, OSError) as err:
        st.error(f"The incident record could not be loaded: {escape_markdown(err)}")
        st.stop()
    flt = sidebar_filter(record_facets(path))
    return flt, frame, filtered_record(path, flt), problems


def main() -> None:
    st.set_page_config(page_title="Incident map", layout="wide")
    db_url, path = database_url(), record_path()
    source = redact(db_url) if db_url else path.name
    curator.sign_in_panel()
    editor = curator.curator_name()
    flt, frame, shown, problems = load(db_url, path)

    st.title("Incident map")
    # describe() holds the search text from the URL: shown literally, it can load no image or link.
    st.caption(escape_markdown(f"{source} · {describe(flt)}" + (f" · curator: {editor}" if editor else "")))
    if "flash" in st.session_state:
        st.success(escape_markdown(st.session_state.pop("flash")))
    problems_panel(problems, source)
    headline_panel(shown)
    if len(shown) == 0:
        st.info("No incidents match these filters. Widen the period or clear some filters in the sidebar.")

    selected = st.session_state.get("selected_incident")
    view = view_from_url(selected)
    drafts = curator.drafts_frame() if editor else None
    # Centre and zoom stay out of the map's script and st_folium's arguments: either changing
    # would remount the map and drop a click in flight. The map reads them from the URL itself.
    map_view = replace(view, center=None, zoom=None)
    if db_url:
        fmap = database_map(shown, map_view, drafts)
    else:
        fmap = record_map(path, flt, map_view, drafts)
    returned = ["last_active_drawing"] + (["last_clicked"] if editor else [])
    # A new key when curator mode changes: the component reads returned_objects only when it mounts.
    result = st_folium(fmap, key="incident_map_curator" if editor else "incident_map", height=MAP_HEIGHT,
                       use_container_width=True, returned_objects=returned)
    if result and set_area_from_drawing(result.get("last_active_drawing")):
        st.rerun()

    st.subheader("Timeline")
    timeline_panel(shown)
    names = ["Incidents", "Export"] + (["Edit", "Review drafts"] if editor else [])
    tabs = dict(zip(names, st.tabs(names), strict=True))
    with tabs["Incidents"]:
        left, right = st.columns([3, 1])
        with left:
            chosen = table_panel(shown)
            if chosen != selected:
                st.session_state["selected_incident"] = chosen
                st.rerun()
        with right:
            st.markdown("**By area**")
            area_panel(shown)
    with tabs["Export"]:
        export_panel(frame, flt, view)
    if editor:
        store_url = db_url or str(path)
        with tabs["Edit"]:
            curator.editor_panel(store_url, frame, shown, st.session_state.get("selected_incident"),
                                 (result or {}).get("last_clicked"))
        with tabs["Review drafts"]:
            curator.review_panel(store_url, frame)


main()
