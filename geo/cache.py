"""A disk cache of validated incident frames, keyed by the file's content.

Parsing and validating 100k incidents of YAML takes seconds; reading the same
frame back from GeoParquet takes a fraction of one. The key is the hash of the
file's bytes plus the project's data files, so any edit or any registry change
rebuilds it, and a stale entry can never be served.
"""

from __future__ import annotations

import hashlib
import json
import os
from functools import cache
from pathlib import Path

import geopandas as gpd
import orjson
import pandas as pd
from shapely import points

from geo.errors import Problem
from geo.files import atomic_write, replacing
from geo.frame import LIST_COLUMNS, REPEATED_TEXT_COLUMNS, unify_string_columns
from geo.gctools import gc_paused
from geo.schema import data_fingerprint

CACHE_VERSION = "5"
_SUFFIXES = (".parquet", ".lists.json", ".problems.json")


def cache_dir_for(path: Path) -> Path:
    """The cache folder: $GEO_CACHE_DIR, else .geo-cache beside the file (git-ignored)."""
    configured = os.environ.get("GEO_CACHE_DIR")
    return Path(configured) if configured else path.parent / ".geo-cache"


def cache_key(content: bytes) -> str:
    digest = hashlib.sha256(content)
    digest.update(f"|{data_fingerprint()}|{code_fingerprint()}|{CACHE_VERSION}".encode())
    return digest.hexdigest()[:32]


@cache
def code_fingerprint() -> str:
    """Hash of the loader's own code: an upgraded validator must never serve old findings."""
    digest = hashlib.sha256()
    for path in sorted(Path(__file__).parent.glob("*.py")):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def read_cached(folder: Path, key: str) -> tuple[gpd.GeoDataFrame, list[Problem]] | None:
    """The cached frame and problems for a key, or None when absent or unreadable."""
    with gc_paused():
        return _read_entry(folder, key)


def _read_entry(folder: Path, key: str) -> tuple[gpd.GeoDataFrame, list[Problem]] | None:
    paths = [folder / f"{key}{suffix}" for suffix in _SUFFIXES]
    if not all(path.exists() for path in paths):
        return None
    frame_path, lists_path, problems_path = paths
    try:
        # Repeated text read as dictionaries: each value becomes one shared object (see geo.frame._shared).
        table = pd.read_parquet(frame_path, read_dictionary=list(REPEATED_TEXT_COLUMNS))
        # One JSON document per entry, not one per cell: 400k small json.loads calls took seconds.
        lists = orjson.loads(lists_path.read_bytes())
        problems = [Problem(**item) for item in json.loads(problems_path.read_text("utf-8"))]
        for column in LIST_COLUMNS:
            table[column] = pd.Series(lists[column], index=table.index, dtype="object")
        # Points rebuilt from lat/lon are several times faster than decoding stored WKB.
        frame = gpd.GeoDataFrame(table, geometry=points(table["lon"].to_numpy(), table["lat"].to_numpy()),
                                 crs="EPSG:4326")
    except Exception:  # noqa: BLE001 - a corrupt or stale cache entry is rebuilt, never fatal
        return None
    for column in ("date", "date_end"):
        frame[column] = frame[column].astype("datetime64[ns]")
    return unify_string_columns(frame[lists["columns"]]), problems


def write_cached(folder: Path, key: str, frame: gpd.GeoDataFrame, problems: list[Problem]) -> None:
    """Store an entry atomically; a read-only or full disk only costs speed."""
    frame_path, lists_path, problems_path = (folder / f"{key}{suffix}" for suffix in _SUFFIXES)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        lists = json.dumps({"columns": list(frame.columns), **{column: frame[column].tolist() for column in LIST_COLUMNS}},
                           ensure_ascii=False)
        scalars = pd.DataFrame(frame.drop(columns=[*LIST_COLUMNS, "geometry"]))
        payload = json.dumps([problem.__dict__ for problem in problems], ensure_ascii=False)
        atomic_write(lists_path, lists.encode("utf-8"))
        atomic_write(problems_path, payload.encode("utf-8"))
        with replacing(frame_path) as temp:  # last: its presence marks the entry whole
            scalars.to_parquet(temp, index=False)
    except OSError:
        return
