"""Curator mode: sign-in, the incident editor and the review of extracted drafts.

Off unless a curator secret is configured (`INCIDENT_CURATOR_SECRET` or
`curator_secret` in Streamlit secrets). Without it none of these widgets is
drawn, so no request can reach an edit; every write also re-checks the session.
"""

from __future__ import annotations

import datetime as dt
import hmac
import os
from functools import partial
from pathlib import Path

import pandas as pd
import streamlit as st

from dashboard.data import database_changed, file_signature, load_from_database, store_for
from dashboard.markdown import escape_markdown
from geo import (
    ConflictError,
    GeoError,
    RecordError,
    attributions,
    decode_article,
    distinct_pairs,
    duplicates_of,
    event_types,
    extract_article,
    fields,
    form_from_record,
    lookup,
    merge,
    quantity_qualifiers,
    record_from_form,
    records_to_frame,
    registry,
    validate_incidents,
)
from geo.duplicates import duplicate_window
from geo.stores.yaml_store import YamlStore

MAX_SOURCES = 5
PICK_LIMIT = 5000  # a picker with 100k options would be sent to the browser on every rerun


def curator_secret() -> str | None:
    secret = os.environ.get("INCIDENT_CURATOR_SECRET")
    if secret:
        return secret
    try:
        return st.secrets.get("curator_secret")
    except (FileNotFoundError, KeyError, st.errors.StreamlitSecretNotFoundError):
        return None


def curator_name() -> str | None:
    """The signed-in curator's name, or None (read-only)."""
    if not curator_secret():
        return None
    return st.session_state.get("curator")


def sign_in_panel() -> None:
    """Sidebar sign-in; drawn only when a curator secret is configured."""
    secret = curator_secret()
    if not secret:
        return
    with st.sidebar:
        st.subheader("Curator")
        if st.session_state.get("curator"):
            name = escape_markdown(st.session_state["curator"])
            st.caption(f"Signed in as **{name}**; edits are recorded under this name.")
            if st.button("Sign out", key="sign_out"):
                st.session_state.pop("curator")
                st.rerun()
            return
        with st.form("sign_in"):
            name = st.text_input("Your name", key="sign_in_name")
            given = st.text_input("Curator secret", type="password", key="sign_in_secret")
            if st.form_submit_button("Sign in"):
                if not name.strip():
                    st.error("Give your name: it is recorded on every edit.")
                elif hmac.compare_digest(given.encode(), secret.encode()):
                    st.session_state["curator"] = name.strip()
                    st.rerun()
                else:
                    st.error("Wrong secret.")


def _require_curator() -> str:
    name = curator_name()
    if not name:
        raise PermissionError("editing needs a signed-in curator")
    return name


def widget_state(values: dict) -> dict[str, object]:
    """The editor widgets' ``f_*`` session values for flat form values (as `form_from_record` gives them)."""
    spec = fields()
    defaults = {
        "date": dt.date.today(), "time_precision": "day", "event_type": next(iter(event_types())),
        "geo_precision": "village", "status": "weak", "actor1_attribution": "reported",
        "actor2_attribution": "reported", "fatalities_qualifier": "exact", "injuries_qualifier": "exact",
    }
    merged = {**defaults, **{key: value for key, value in values.items() if value is not None}}
    state: dict[str, object] = {}
    for name in ("id", "place", "gazetteer_id", "governorate", "district", "description", "notes", "tags",
                 "actor1_name", "actor2_name", "time"):
        state[f"f_{name}"] = str(merged.get(name) or "")
    for name in ("date", "time_precision", "event_type", "sub_event_type", "geo_precision", "status",
                 "actor1_attribution", "actor2_attribution", "fatalities_qualifier", "injuries_qualifier"):
        state[f"f_{name}"] = merged.get(name)
    if state["f_status"] not in spec["status"].values:
        state["f_status"] = "weak"
    for name in ("lat", "lon"):
        state[f"f_{name}"] = float(merged[name]) if merged.get(name) is not None else None
    for name in ("fatalities_min", "fatalities_max", "injuries_min", "injuries_max"):
        value = merged.get(name)
        state[f"f_{name}"] = int(value) if value is not None else None
    sources = list(merged.get("sources") or [])
    for index in range(MAX_SOURCES):
        source = sources[index] if index < len(sources) else {}
        for key in ("publisher", "url", "published", "language", "quote"):
            state[f"f_source{index}_{key}"] = str(source.get(key) or "")
    return state


def form_values(state) -> dict:
    """Flat form values (for `record_from_form`) from the editor widgets' ``f_*`` session values."""
    values = {name[2:]: state.get(name) for name in list(state.keys()) if isinstance(name, str) and name.startswith("f_")
              and not name.startswith("f_source")}
    values["sources"] = [
        {key: state.get(f"f_source{index}_{key}") for key in ("publisher", "url", "published", "language", "quote")}
        for index in range(MAX_SOURCES)
    ]
    return values


def _load_into_form(values: dict, base_version: str | None, editing_id: str | None,
                    original: dict | None = None, draft_id: str | None = None) -> None:
    """Put a record's values into the editor's widgets (before they are drawn).

    ``original`` is the incident as the store gave it: a save overwrites only the fields
    the form shows and keeps the rest of it. ``draft_id`` names the accepted draft that
    is dropped from the review once the incident is saved.
    """
    for key, value in widget_state(values).items():
        st.session_state[key] = value
    # Ticks given for the previous incident must not carry over to this one.
    st.session_state["f_allow_duplicate"] = False
    st.session_state["confirm_delete"] = False
    st.session_state["editor_original"] = original
    st.session_state["editor_draft"] = draft_id
    st.session_state["editor_base_version"] = base_version
    st.session_state["editor_id"] = editing_id
    st.session_state["editor_loaded"] = True


def editor_panel(store_url: str, frame: pd.DataFrame, shown: pd.DataFrame, selected: str | None,
                 clicked: dict | None) -> None:
    """Add, edit or delete one incident; validated, duplicate-checked, conflict-safe saves.

    ``frame`` is the whole record (for duplicate checks), ``shown`` the filtered
    incidents offered for editing, ``selected`` the table's chosen row.
    """
    curator = _require_curator()
    store = store_for(store_url)
    start_cols = st.columns(3)
    with start_cols[0]:
        choices = [""] + shown["id"].head(PICK_LIMIT).tolist()
        if selected != st.session_state.get("editor_pick_followed"):
            # A row chosen in the table becomes the incident to edit.
            st.session_state["editor_pick_followed"] = selected
            if selected in choices:
                st.session_state["editor_pick"] = selected
        choice = st.selectbox("Edit incident", choices, key="editor_pick",
                              help=f"The filtered incidents (first {PICK_LIMIT:,}); or choose a row in the table.")
        if st.button("Load for editing", key="editor_load", disabled=not choice):
            found = store.get(choice)
            if found is None:
                st.error(f"{escape_markdown(choice)} is no longer in the record: reload the page.")
            else:
                _load_into_form(form_from_record(found[0]), found[1], choice, found[0])
                st.rerun()
    with start_cols[1]:
        if clicked:
            st.caption(f"Map click: {clicked['lat']:.5f}, {clicked['lng']:.5f}")
        if st.button("New incident at the clicked point", key="editor_new_click", disabled=not clicked):
            _load_into_form({"lat": round(clicked["lat"], 5), "lon": round(clicked["lng"], 5)}, None, None)
            st.rerun()
    with start_cols[2]:
        _gazetteer_start()
    if not st.session_state.get("editor_loaded"):
        st.info("Click the map, search the gazetteer, or choose an incident to start.")
        return
    _incident_form(store, frame, curator, _distinct(store_url))


def _gazetteer_start() -> None:
    query = st.text_input("Find a place (Arabic or English)", key="gaz_query")
    if not query.strip():
        return
    matches = lookup(query, limit=8)
    if not matches:
        st.caption("No place by that name in the gazetteer.")
        return
    labels = [f"{m.place.name_en} · {m.place.name_ar} ({m.place.district or m.place.governorate or '?'}; "
              f"{m.place.feature}; {m.how}{' ' + format(m.score, '.2f') if m.is_fuzzy else ''})" for m in matches]
    index = st.selectbox("Matches", range(len(matches)), format_func=labels.__getitem__, key="gaz_pick")
    if st.button("New incident at this place", key="editor_new_place"):
        place = matches[index].place
        _load_into_form({"lat": place.lat, "lon": place.lon, "place": place.name_ar or place.name_en,
                         "gazetteer_id": place.id, "geo_precision": place.precision,
                         "governorate": place.governorate, "district": place.district}, None, None)
        st.rerun()


def _incident_form(store, frame: pd.DataFrame, curator: str, distinct: set[frozenset[str]]) -> None:
    spec = fields()
    actors = [""] + list(registry().actors)
    editing = st.session_state.get("editor_id")
    st.markdown(f"**{'Editing ' + editing if editing else 'New incident'}**")
    with st.form("incident_form"):
        cols = st.columns(4)
        cols[0].text_input("id (empty: next free id)", key="f_id", disabled=bool(editing))
        cols[1].date_input("Date", key="f_date")
        cols[2].selectbox("Time precision", spec["time_precision"].values, key="f_time_precision")
        cols[3].text_input("Time (HH:MM)", key="f_time")
        cols = st.columns(2)
        cols[0].selectbox("Event type", list(event_types()), key="f_event_type")
        all_subtypes = [sub for subs in event_types().values() for sub in subs]
        cols[1].selectbox("Sub-event type", all_subtypes, key="f_sub_event_type")
        cols = st.columns(4)
        cols[0].selectbox("Actor 1 (acted)", actors, key="f_actor1_name")
        cols[1].selectbox("Attribution", attributions(), key="f_actor1_attribution")
        cols[2].selectbox("Actor 2 (targeted)", actors, key="f_actor2_name")
        cols[3].selectbox("Attribution ", attributions(), key="f_actor2_attribution")
        cols = st.columns(4)
        cols[0].text_input("Place (as the source names it)", key="f_place")
        cols[1].number_input("lat", min_value=-90.0, max_value=90.0, format="%.5f", key="f_lat")
        cols[2].number_input("lon", min_value=-180.0, max_value=180.0, format="%.5f", key="f_lon")
        cols[3].selectbox("Geo precision", spec["geo_precision"].values, key="f_geo_precision")
        cols = st.columns(3)
        cols[0].text_input("Gazetteer id", key="f_gazetteer_id")
        cols[1].text_input("Governorate", key="f_governorate")
        cols[2].text_input("District", key="f_district")
        cols = st.columns(6)
        cols[0].number_input("Fatalities min", min_value=0, step=1, key="f_fatalities_min")
        cols[1].number_input("max", min_value=0, step=1, key="f_fatalities_max")
        cols[2].selectbox("qualifier", quantity_qualifiers(), key="f_fatalities_qualifier")
        cols[3].number_input("Injuries min", min_value=0, step=1, key="f_injuries_min")
        cols[4].number_input("max ", min_value=0, step=1, key="f_injuries_max")
        cols[5].selectbox("qualifier ", quantity_qualifiers(), key="f_injuries_qualifier")
        st.text_area("Description", key="f_description", height=80)
        for index in range(MAX_SOURCES):
            with st.expander(f"Source {index + 1}", expanded=index == 0):
                cols = st.columns(4)
                cols[0].text_input("Publisher", key=f"f_source{index}_publisher")
                cols[1].text_input("URL (http/https)", key=f"f_source{index}_url")
                cols[2].text_input("Published (YYYY-MM-DD)", key=f"f_source{index}_published")
                cols[3].text_input("Language", key=f"f_source{index}_language")
                st.text_area("Quote (verbatim)", key=f"f_source{index}_quote", height=68)
        cols = st.columns(2)
        cols[0].selectbox("Status", spec["status"].values, key="f_status")
        cols[1].text_input("Tags (comma-separated)", key="f_tags")
        st.text_area("Notes", key="f_notes", height=68)
        allow_duplicate = st.checkbox("Save even if it looks like a duplicate", key="f_allow_duplicate")
        submitted = st.form_submit_button("Save", type="primary")
    if submitted:
        _save(store, frame, curator, allow_duplicate, distinct)
    if editing:
        with st.expander("Delete this incident"):
            sure = st.checkbox(f"Yes, delete {editing}; its id is retired, never reused", key="confirm_delete")
            if st.button("Delete", key="delete_incident", disabled=not sure):
                _delete(store, editing)


def _save(store, frame: pd.DataFrame, curator: str, allow_duplicate: bool, distinct: set[frozenset[str]]) -> None:
    _require_curator()
    values = form_values(st.session_state)
    editing = st.session_state.get("editor_id")
    if editing:
        values["id"] = editing
    # Fields the form does not show (date_end, associated actors, further sources) come from the original.
    record = record_from_form(values, st.session_state.get("editor_original"))  # the store's validator judges it
    duplicates = _duplicates(store, frame, record, distinct)  # its own id is never its duplicate
    if duplicates and not allow_duplicate:
        st.warning("This looks like a duplicate of: " + "; ".join(
            escape_markdown(f"{pair.second_id} ({pair.distance_km:.1f} km, {pair.days_apart} days: {pair.reason})")
            for pair in duplicates)
                   + ". Merge it there, or tick “Save even if it looks like a duplicate”.")
        return
    base = st.session_state.get("editor_base_version")
    try:
        if not editing and not record.get("id"):
            record = {"id": store.next_id(str(record.get("date") or "")), **record}
        # New incidents are added to the record as it is now; edits must start from its current version.
        store.save(record, base if editing else None, curator)
    except ConflictError as err:
        st.error(f"Not saved: {escape_markdown(err)} Your edit is kept in this form; reload the record to see the "
                 "other change.")
        if err.diff:
            st.code(err.diff, language="diff")
        return
    except RecordError as err:
        st.error("Not saved: the validator found problems:\n\n"
                 + "\n".join(f"- {escape_markdown(p)}" for p in err.problems))
        return
    except GeoError as err:
        st.error(f"Not saved: {escape_markdown(err)}")
        return
    _drop_draft_id(st.session_state.pop("editor_draft", None))
    _written(f"Saved {record.get('id') or 'the new incident'} as {curator}.")


def _delete(store, incident_id: str) -> None:
    curator = _require_curator()
    try:
        store.delete(incident_id, st.session_state.get("editor_base_version"), curator)
    except GeoError as err:
        st.error(f"Not deleted: {escape_markdown(err)}")
        return
    _written(f"Deleted {incident_id}; its id is retired.")


def _written(message: str) -> None:
    """Close the editor and say what was written, on the next run's page."""
    database_changed()
    st.session_state["editor_loaded"] = False
    st.session_state["flash"] = message
    st.rerun()


def review_panel(store_url: str, frame: pd.DataFrame) -> None:
    """Paste or upload an article, extract drafts, then accept, merge or reject each."""
    curator = _require_curator()
    cols = st.columns([3, 1])
    with cols[0]:
        text = st.text_area("Paste an article (Arabic or English)", key="review_text", height=140)
        upload = st.file_uploader("…or upload a .txt / .html file", type=["txt", "html", "htm"], key="review_file")
    with cols[1]:
        published = st.date_input("Published", key="review_published", value=dt.date.today())
        publisher = st.text_input("Publisher", key="review_publisher")
        url = st.text_input("Source URL", key="review_url")
        if st.button("Extract drafts", key="review_extract", type="primary"):
            try:
                if upload is not None:
                    article = decode_article(upload.getvalue(), upload.name)
                    body = article.text
                else:
                    body = text
                drafts = extract_article(body, published=published, source_url=url or None, publisher=publisher or None)
            except GeoError as err:
                st.error(escape_markdown(err))
                drafts = None
            if drafts is not None:
                st.session_state["drafts"] = drafts
                if not drafts:
                    st.info("No incident found in this text.")
    drafts = st.session_state.get("drafts") or []
    if not drafts:
        return
    _, problems = validate_incidents(drafts, "drafts")
    rows, duplicate_ids = [], []
    distinct = _distinct(store_url)
    store = store_for(store_url)
    # Every rerun lists the drafts: their database windows come from the cached reads, not a query each.
    load = partial(load_from_database, store_url)
    for draft in drafts:
        duplicate_ids.append(_other_ids(_duplicates(store, frame, draft, distinct, load), draft.get("id")))
        rows.append({"id": draft.get("id"), "date": draft.get("date"), "type": draft.get("sub_event_type"),
                     "acted": (draft.get("actor1") or {}).get("name"), "targeted": (draft.get("actor2") or {}).get("name"),
                     "place": draft.get("place"), "duplicate of": ", ".join(duplicate_ids[-1])})
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")
    if problems:
        # Problems quote the article's text: shown literally.
        st.caption("Drafts need fixing before they can be saved: "
                   + escape_markdown("; ".join(str(p) for p in problems[:5])))
    index = st.selectbox("Draft", range(len(drafts)), key="review_pick",
                         format_func=lambda i: f"{rows[i]['date']} · {rows[i]['place']} · {rows[i]['type']}")
    draft = drafts[index]
    actions = st.columns(3)
    # A callback: it runs before this run draws the editor, whose widgets cannot be set once drawn.
    actions[0].button("Accept (edit first)", key="review_accept", on_click=_accept_draft, args=(draft,))
    targets = duplicate_ids[index]
    target = actions[1].selectbox("Merge into", targets or ["(no duplicate found)"], key="review_merge_target")
    if actions[1].button("Merge sources into it", key="review_merge", disabled=not targets):
        _merge_draft(store, target, draft, curator, index)
    if actions[2].button("Reject", key="review_reject"):
        _drop_draft(index)
        st.rerun()


def _accept_draft(draft: dict) -> None:
    """Load a draft into the editor; it leaves the review when the incident is saved."""
    original = {key: value for key, value in draft.items() if key != "id"} | {"status": "weak"}
    _load_into_form(form_from_record(original), None, None, original, draft.get("id"))
    st.session_state["flash"] = "Draft loaded into the editor: check it, then save."


def _duplicates(store, frame: pd.DataFrame, record: dict, distinct: set[frozenset[str]], load=None) -> list:
    """What a record may duplicate in the whole record, whatever the filters show.

    With a database the dashboard holds only the filtered rows, so the
    incidents near the record's date and of its type are read instead, through
    ``load`` when given (the review panel's cached reads), else from the store.
    """
    if not isinstance(store, YamlStore):
        try:
            window = duplicate_window(record)
        except (KeyError, TypeError, ValueError):
            return []  # no date or type yet: the validator says so when it is saved
        frame = (load or store.load)(window)[0]
    return duplicates_of(record, frame, distinct=distinct)


def drafts_frame() -> pd.DataFrame | None:
    """The drafts under review, as a frame for the map (valid ones only)."""
    drafts = st.session_state.get("drafts") or []
    if not drafts:
        return None
    records, _ = validate_incidents(drafts, "drafts")
    return records_to_frame(records) if records else None


def _other_ids(pairs: list, own: str | None) -> list[str]:
    ids = []
    for pair in pairs:
        for value in (pair.first_id, pair.second_id):
            if value != own and value not in ids:
                ids.append(value)
    return ids


def _distinct(store_url: str) -> set[frozenset[str]]:
    """Pairs curators marked as distinct events (``# distinct:`` comments in the YAML record)."""
    path = Path(store_url)
    return _distinct_in(file_signature(path)) if path.is_file() else set()


@st.cache_data(max_entries=4, show_spinner=False)
def _distinct_in(signature: tuple[str, int, int]) -> set[frozenset[str]]:
    # Keyed by size and mtime: reading a large record on every rerun would slow every click.
    return distinct_pairs(Path(signature[0]).read_text("utf-8"))


def _drop_draft(index: int) -> None:
    drafts = list(st.session_state.get("drafts") or [])
    if 0 <= index < len(drafts):
        drafts.pop(index)
    st.session_state["drafts"] = drafts


def _drop_draft_id(draft_id: str | None) -> None:
    if draft_id is not None:
        st.session_state["drafts"] = [draft for draft in st.session_state.get("drafts") or []
                                      if draft.get("id") != draft_id]


def _merge_draft(store, target: str, draft: dict, curator: str, index: int) -> None:
    _require_curator()
    found = store.get(target)
    if found is None:
        st.error(f"{escape_markdown(target)} is no longer in the record.")
        return
    existing, version = found
    merged = {**merge(existing, draft), "id": target}
    try:
        store.save(merged, version, curator)
    except GeoError as err:
        st.error(f"Not merged: {escape_markdown(err)}")
        return
    _drop_draft(index)
    database_changed()
    st.session_state["flash"] = f"Draft's sources merged into {target}."
    st.rerun()
