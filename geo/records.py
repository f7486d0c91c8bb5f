"""Loading the incident record from YAML into a validated GeoDataFrame."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd

from geo.cache import cache_dir_for, cache_key, read_cached, write_cached
from geo.errors import GeoError, Problem, RecordError
from geo.frame import empty_frame, records_to_frame
from geo.validation import validate_incidents
from geo.yamlread import read_yaml


def parse_incidents(content: bytes, path: str) -> tuple[list[dict], list[Problem]]:
    """Parse and validate the bytes of an incident file into clean records and problems."""
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        return [], [Problem(path, None, None, None,
                            f"the file is not UTF-8 text (byte {err.start})",
                            "save it as UTF-8 in your editor")]
    root, problems = read_yaml(text, path)
    records, found = validate_incidents(root, path)
    return records, problems + found


def read_incidents(path: str | Path, use_cache: bool = True) -> tuple[gpd.GeoDataFrame, list[Problem]]:
    """Load an incident file: the valid incidents as a frame, and every problem found.

    Parameters
    ----------
    path : str or Path
        The YAML file, a list of incidents.
    use_cache : bool
        Read and write the content-keyed GeoParquet cache (see ``geo.cache``).
    """
    path = Path(path)
    try:
        content = path.read_bytes()
    except FileNotFoundError as err:
        raise GeoError(f"{path}: no such file — check the path, or create it with `python -m geo fmt`") from err
    except OSError as err:
        raise GeoError(f"{path}: cannot be read ({err.strerror}) — check its permissions") from err
    key = cache_key(content)
    folder = cache_dir_for(path)
    if use_cache:
        cached = read_cached(folder, key)
        if cached is not None:
            return cached
    records, problems = parse_incidents(content, str(path))
    frame = records_to_frame(records) if records else empty_frame()
    frame = fill_admin_areas(frame)
    if use_cache:
        write_cached(folder, key, frame, problems)
    return frame, problems


def load_incidents(path: str | Path, strict: bool = False) -> gpd.GeoDataFrame:
    """Load an incident file as a GeoDataFrame in EPSG:4326, one row per valid incident.

    The lenient load keeps the valid incidents and puts the problems in
    ``frame.attrs["problems"]``; ``strict=True`` raises one `RecordError`
    listing them all instead.
    """
    frame, problems = read_incidents(path)
    errors = [problem for problem in problems if problem.severity == "error"]
    if strict and errors:
        raise RecordError(errors)
    frame.attrs["problems"] = problems
    return frame


def fill_admin_areas(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Fill missing governorate/district from the gazetteer or the loaded boundaries."""
    from geo.admin import assign_admin_areas

    return assign_admin_areas(frame)
