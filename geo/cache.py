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
import tempfile
from pathlib import Path

import geopandas as gpd

from geo.errors import Problem
from geo.frame import LIST_COLUMNS, unify_string_columns
from geo.schema import data_fingerprint

CACHE_VERSION = "3"


def cache_dir_for(path: Path) -> Path:
    """The cache folder: $GEO_CACHE_DIR, else .geo-cache beside the file (git-ignored)."""
    configured = os.environ.get("GEO_CACHE_DIR")
    return Path(configured) if configured else path.parent / ".geo-cache"


def cache_key(content: bytes) -> str:
    digest = hashlib.sha256(content)
    digest.update(f"|{data_fingerprint()}|{CACHE_VERSION}".encode())
    return digest.hexdigest()[:32]


def read_cached(folder: Path, key: str) -> tuple[gpd.GeoDataFrame, list[Problem]] | None:
    """The cached frame and problems for a key, or None when absent or unreadable."""
    frame_path, problems_path = folder / f"{key}.parquet", folder / f"{key}.problems.json"
    if not (frame_path.exists() and problems_path.exists()):
        return None
    try:
        frame = gpd.read_parquet(frame_path)
        problems = [Problem(**item) for item in json.loads(problems_path.read_text("utf-8"))]
    except Exception:  # noqa: BLE001 - a corrupt cache entry is rebuilt, never fatal
        return None
    for column in LIST_COLUMNS:
        frame[column] = [json.loads(value) for value in frame[column]]
    for column in ("date", "date_end"):
        frame[column] = frame[column].astype("datetime64[ns]")
    return unify_string_columns(frame), problems


def write_cached(folder: Path, key: str, frame: gpd.GeoDataFrame, problems: list[Problem]) -> None:
    """Store an entry atomically; a read-only or full disk only costs speed."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        stored = frame.copy()
        for column in LIST_COLUMNS:
            stored[column] = [json.dumps(value, ensure_ascii=False) for value in stored[column]]
        _atomic(folder / f"{key}.parquet", lambda target: stored.to_parquet(target, index=False))
        payload = json.dumps([problem.__dict__ for problem in problems], ensure_ascii=False)
        _atomic(folder / f"{key}.problems.json", lambda target: Path(target).write_text(payload, "utf-8"))
    except OSError:
        return


def _atomic(final: Path, write) -> None:
    handle, temp = tempfile.mkstemp(dir=final.parent, prefix=f".{final.name}.", suffix=".tmp")
    os.close(handle)
    try:
        write(temp)
        os.replace(temp, final)
    finally:
        if os.path.exists(temp):
            os.unlink(temp)
