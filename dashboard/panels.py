"""Panels around the map: headline figures, timeline, area counts, table, problems."""

from __future__ import annotations

import hashlib

import altair as alt
import pandas as pd
import streamlit as st

from geo import Problem, area_counts, headline, registry, timeline_counts

TABLE_COLUMNS = ["id", "date", "event_type", "sub_event_type", "actor1", "actor2", "place", "geo_precision",
                 "district", "fatalities", "injuries", "status", "description"]


def problems_panel(problems: list[Problem], path: str) -> None:
    """Validator findings, visible but never in the way of the map."""
    if not problems:
        return
    errors = [problem for problem in problems if problem.severity == "error"]
    label = f"{len(errors)} errors, {len(problems) - len(errors)} warnings in {path}: incidents with errors are not shown"
    with st.expander(label, expanded=bool(errors)):
        st.code("\n".join(str(problem) for problem in problems), language=None, wrap_lines=True)
        st.caption("Fix them in the file (or run `python -m geo validate`), then reload the page.")


def headline_panel(frame: pd.DataFrame) -> None:
    figures = headline(frame)
    cols = st.columns([1, 1.4, 2, 1])
    cols[0].metric("Incidents", f"{figures['incidents']:,}")
    cols[1].metric("Fatalities (reported minimum)", f"{figures['fatalities']:,}",
                   help=f"{figures['unknown_fatalities']} incidents with unknown figures are not counted as 0.")
    cols[2].metric("Period", figures["period"])
    cols[3].metric("Places", f"{figures['places']:,}")


def timeline_panel(frame: pd.DataFrame) -> None:
    """Incidents per day or week, stacked by the side that acted."""
    counts, unit = timeline_counts(frame)
    if counts.empty:
        st.caption("No incidents in the selection.")
        return
    sides = registry().sides
    domain = [name for name in sides if name in set(counts["side"])]
    counts = counts.assign(label=counts["period"].dt.strftime("%Y-%m-%d"))
    chart = (
        alt.Chart(counts)
        .mark_bar()
        .encode(
            x=alt.X("label:O", title=f"Incidents per {unit}", sort="ascending",
                    axis=alt.Axis(labelAngle=0, labelOverlap=True)),
            y=alt.Y("sum(count):Q", title="Incidents", stack="zero"),
            color=alt.Color("side:N", scale=alt.Scale(domain=domain, range=[sides[name].colour for name in domain]),
                            legend=alt.Legend(orient="top", title=None)),
            tooltip=[alt.Tooltip("label:O", title=unit), "side:N", alt.Tooltip("count:Q", title="incidents")],
        )
    )
    # The height holds the legend, axes and the theme's padding too (~150 px): the bars get the rest.
    st.altair_chart(chart, width="stretch", height=380)


def area_panel(frame: pd.DataFrame) -> None:
    counts = area_counts(frame)
    if counts.empty:
        return
    st.dataframe(counts, hide_index=True, width="stretch", height=min(35 * (len(counts) + 1) + 3, 300))


def table_panel(frame: pd.DataFrame, limit: int = 5000) -> str | None:
    """The filtered incidents, sortable; returns the id of the row the user chose."""
    shown = frame[TABLE_COLUMNS].head(limit).copy()
    shown["date"] = shown["date"].dt.date
    if len(frame) > limit:
        st.caption(f"Showing the first {limit:,} of {len(frame):,} incidents: narrow the filters to see the rest.")
    # Streamlit keeps a selection as a row position: a key of its own for each set of rows makes a
    # selection end when the rows change (a filter, an edit), instead of pointing at another incident.
    rows_digest = hashlib.sha1("\n".join(shown["id"].astype(str)).encode("utf-8")).hexdigest()[:16]
    event = st.dataframe(
        shown, hide_index=True, width="stretch", height=320, key=f"incident_table-{rows_digest}",
        on_select="rerun", selection_mode="single-row",
        column_config={"description": st.column_config.TextColumn(width="large")},
    )
    rows = event.selection.rows if event and event.selection else []
    return str(shown.iloc[rows[0]]["id"]) if rows else None
