"""The sidebar: every filter, each bound to the URL so a copied link restores it."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from geo import (
    PRECISION_RADIUS_KM,
    ROLES,
    Facets,
    IncidentFilter,
    decode_area,
    encode_area,
    event_types,
    fields,
    registry,
)

PERIODS = {"All": None, "Last 24 hours": 1, "Last 7 days": 7, "Last 30 days": 30, "Custom": "custom"}


def _date_bounds(facets: Facets) -> tuple[dt.date, dt.date]:
    if facets.first_day is None:
        today = dt.date.today()
        return today - dt.timedelta(days=365), today
    return facets.first_day, max(facets.last_day, facets.first_day + dt.timedelta(days=1))


def _sync_calendar() -> None:
    chosen = st.session_state.get("calendar")
    if isinstance(chosen, (tuple, list)) and len(chosen) == 2:
        st.session_state["dates"] = (chosen[0], chosen[1])


def _date_filter(facets: Facets) -> tuple[dt.date | None, dt.date | None]:
    period = st.radio("Period", list(PERIODS), horizontal=True, key="period", bind="query-params")
    days = PERIODS[period]
    if days is None:
        return None, None
    if days != "custom":
        today = dt.date.today()
        return today - dt.timedelta(days=days), today
    low, high = _date_bounds(facets)
    if "dates" in st.session_state:
        chosen = st.session_state["dates"]
        if not (isinstance(chosen, (tuple, list)) and len(chosen) == 2 and low <= chosen[0] <= chosen[1] <= high):
            st.session_state["dates"] = (low, high)
    start, end = st.slider("Dates", min_value=low, max_value=high, value=(low, high), key="dates",
                           bind="query-params", format="YYYY-MM-DD")
    st.date_input("Calendar", value=(start, end), min_value=low, max_value=high, key="calendar",
                  on_change=_sync_calendar)
    return start, end


def sidebar_filter(facets: Facets) -> IncidentFilter:
    """Draw the filters, offering the record's dates and areas, and return the IncidentFilter they describe."""
    actors = registry()
    with st.sidebar:
        st.header("Filters")
        date_from, date_to = _date_filter(facets)
        sides = st.multiselect("Sides", list(actors.sides), key="side", bind="query-params")
        actor_names = st.multiselect("Actors", list(actors.actors), key="actor", bind="query-params")
        role = st.radio("Actor role", ROLES, horizontal=True, key="role", bind="query-params",
                        help="Match sides/actors as the one who acted, the one targeted, or either.")
        types = st.multiselect("Event type", list(event_types()), key="type", bind="query-params")
        subtypes_available = [sub for kind, subs in event_types().items() if not types or kind in types for sub in subs]
        subtypes = st.multiselect("Sub-event type", subtypes_available, key="subtype", bind="query-params")
        statuses = st.multiselect("Status", list(fields()["status"].values), key="status", bind="query-params")
        precisions = st.multiselect("Geo precision", list(PRECISION_RADIUS_KM), key="precision", bind="query-params")
        min_fatalities = st.number_input("Minimum fatalities", min_value=0, step=1, value=0, key="minfat",
                                         bind="query-params")
        text = st.text_input("Search", key="q", bind="query-params",
                             help="Searches descriptions, places and sources; ignores Arabic diacritics and "
                                  "letter variants (أ/ا، ى/ي، ة/ه) and English case.")
        st.subheader("Area")
        governorates = st.multiselect("Governorate", list(facets.governorates), key="gov", bind="query-params")
        districts = st.multiselect("District", list(facets.districts), key="district", bind="query-params")
        area_wkt = _area_control()
        st.subheader("Map")
        st.checkbox("Heat map", key="heat", bind="query-params")
        st.checkbox("Cluster markers", value=True, key="cluster", bind="query-params")
    return IncidentFilter(
        date_from=date_from, date_to=date_to, actors=tuple(actor_names), sides=tuple(sides), role=role,
        event_types=tuple(types), sub_event_types=tuple(subtypes), statuses=tuple(statuses),
        precisions=tuple(precisions), min_fatalities=int(min_fatalities) or None, text=text or "",
        area_wkt=area_wkt, governorates=tuple(governorates), districts=tuple(districts),
    )


def _area_control() -> str | None:
    """The drawn area: kept in the session and in the URL (`area=`) as a compact ring."""
    encoded = st.query_params.get("area")
    area_wkt = decode_area(encoded) if encoded else None
    if area_wkt:
        st.caption("Filtering to the area drawn on the map.")
        if st.button("Clear drawn area", key="clear_area"):
            del st.query_params["area"]
            st.rerun()
    else:
        st.caption("Draw a rectangle or polygon on the map (tools at its top left) to filter by area.")
    return area_wkt


def set_area_from_drawing(drawing: dict | None) -> bool:
    """Store a drawn GeoJSON polygon as the area filter; True when it changed."""
    if not drawing or drawing.get("geometry", {}).get("type") != "Polygon":
        return False
    encoded = encode_area(drawing["geometry"]["coordinates"][0])
    if st.query_params.get("area") == encoded:
        return False
    st.query_params["area"] = encoded
    return True
