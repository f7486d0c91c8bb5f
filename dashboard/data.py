"""Where the dashboard's record comes from, and its cached loading."""

from __future__ import annotations

import argparse
import hashlib
import os
import sys
import uuid
from pathlib import Path

import pandas as pd
import streamlit as st

from geo import (
    Facets,
    GeoError,
    IncidentFilter,
    MapView,
    Problem,
    apply_filter,
    build_map,
    district_choropleth,
    facets,
    open_store,
    read_incidents,
)

REPO_ROOT = Path(__file__).resolve().parents[1]


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(add_help=False)
    parser.add_argument("--file")
    parser.add_argument("--db")
    args, _ = parser.parse_known_args(sys.argv[1:])
    return args


def record_path() -> Path:
    """The incident file: `-- --file PATH`, else $INCIDENTS_FILE, else the bundled incidents.yaml."""
    chosen = _arguments().file or os.environ.get("INCIDENTS_FILE")
    return Path(chosen) if chosen else REPO_ROOT / "incidents.yaml"


def database_url() -> str | None:
    """The PostgreSQL store when configured: `-- --db URL` or $INCIDENTS_DB_URL."""
    return _arguments().db or os.environ.get("INCIDENTS_DB_URL") or None


def store_for(url_or_path: str | Path):
    """The store to read and save through; a database store lives as long as the browser session.

    Each PostgisStore holds one connection: opening a store per rerun would
    connect (and authenticate) again on every click.
    """
    if database_url() is None or str(url_or_path) != database_url():
        return open_store(url_or_path)  # a YAML store holds no connection
    stores = st.session_state.setdefault("_stores", {})
    if url_or_path not in stores:
        stores[url_or_path] = open_store(url_or_path)
    return stores[url_or_path]


# How long a query's rows are reused across reruns (a click in the table, a
# tab, the export form) before the database is asked again: another curator's
# edit shows within this; this session's own edits show at once.
DATABASE_ROWS_TTL_S = 30


def load_from_database(url: str, flt: IncidentFilter):
    """Only the incidents matching the filter leave the database (the filter runs in SQL)."""
    return _database_rows(url, flt)


@st.cache_resource(ttl=DATABASE_ROWS_TTL_S, max_entries=8, show_spinner="Querying the incident database…")
def _database_rows(url: str, flt: IncidentFilter):
    frame, problems = store_for(url).load(flt)
    frame.attrs["read"] = uuid.uuid4().hex  # names this read, for the map drawn from it (see database_map)
    return frame, problems


def database_changed() -> None:
    """Forget the rows read from the database: an edit was just written there."""
    _database_rows.clear()


def file_signature(path: Path) -> tuple[str, int, int]:
    """Part of the cache key: st.cache_* hashes a path as a string, blind to edits."""
    try:
        stat = path.stat()
    except FileNotFoundError as err:
        raise GeoError(f"{path}: no such file — check the path given with --file or INCIDENTS_FILE") from err
    return str(path.resolve()), stat.st_mtime_ns, stat.st_size


@st.cache_resource(max_entries=4, show_spinner="Loading the incident record…")
def _load(signature: tuple[str, int, int]):
    frame, problems = read_incidents(signature[0])
    return frame, problems


def load_record(path: Path) -> tuple[object, list[Problem]]:
    """The validated frame and its problems, reloaded only when the file changes."""
    return _load(file_signature(path))


@st.cache_resource(max_entries=8, show_spinner=False)
def _record_facets(signature: tuple[str, int, int]) -> Facets:
    return facets(_load(signature)[0])


def record_facets(path: Path) -> Facets:
    """Date span and admin areas of the file, once per file version."""
    return _record_facets(file_signature(path))


@st.cache_data(ttl=60, show_spinner=False)
def database_facets(url: str) -> Facets:
    """Date span and admin areas of the whole database (refreshed every minute, not on every rerun)."""
    return store_for(url).facets()


@st.cache_resource(max_entries=8, show_spinner=False)
def _filtered(signature: tuple[str, int, int], flt: IncidentFilter):
    return apply_filter(_load(signature)[0], flt)


def filtered_record(path: Path, flt: IncidentFilter):
    """The incidents matching a filter, computed once per file version and filter (not on every rerun)."""
    return _filtered(file_signature(path), flt)


@st.cache_resource(max_entries=8, show_spinner="Drawing the map…")
def _map(rows_key: tuple, view: MapView, drafts_key: str, _shown: pd.DataFrame, _drafts: pd.DataFrame | None):
    return build_map(_shown, view, drafts=_drafts, choropleth=district_choropleth(_shown))


def record_map(path: Path, flt: IncidentFilter, view: MapView, drafts: pd.DataFrame | None = None):
    """The map of the filtered record and the drafts under review, built once per version of each and view.

    At 100k incidents a build takes about half a second; reruns caused by other
    widgets (the table, tabs, the export form, the review of one draft) reuse it.
    """
    signature = file_signature(path)
    return _map((signature, flt), view, drafts_key(drafts), _filtered(signature, flt), drafts)


def database_map(shown: pd.DataFrame, view: MapView, drafts: pd.DataFrame | None = None):
    """The map of rows from `load_from_database` and the drafts, built once per read of the rows and view."""
    return _map(("database", shown.attrs["read"]), view, drafts_key(drafts), shown, drafts)


def drafts_key(drafts: pd.DataFrame | None) -> str:
    """What the drafts on a map are, for a cache key (Streamlit cannot hash their list columns)."""
    if drafts is None:
        return ""
    return hashlib.sha256(drafts.drop(columns="geometry").to_json(date_format="iso", default_handler=str).encode()).hexdigest()
