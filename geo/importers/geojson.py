"""A GeoJSON FeatureCollection of points whose properties use our field names, streamed.

``json.load`` would hold the whole file, and a million features with it; this
reader walks the top-level object key by key with ``JSONDecoder.raw_decode``
and decodes the ``features`` array one feature at a time from a sliding
buffer, so memory stays at one feature plus one read chunk.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from pathlib import Path

from geo.errors import GeoError, Problem
from geo.importers import ImportReport, RowProblem, imported_records, open_counted, unreadable_as_errors, validated
from geo.validation import field_value

CHUNK = 1 << 20
_WHITESPACE = " \t\r\n"
MAX_VALUE_CHARS = 16 * CHUNK  # one feature larger than this is taken as broken JSON


class _Stream:
    """A text buffer over a file that refills when a value runs past its end."""

    def __init__(self, handle, path: str) -> None:
        self.handle = handle
        self.path = path
        self.buffer = ""
        self.pos = 0
        self.eof = False
        self.lines_before = 0  # newlines in the text already dropped from the buffer
        self.decoder = json.JSONDecoder()

    def _fill(self) -> bool:
        if self.eof:
            return False
        chunk = self.handle.read(CHUNK)
        if not chunk:
            self.eof = True
            return False
        self.lines_before += self.buffer.count("\n", 0, self.pos)
        self.buffer = self.buffer[self.pos:] + chunk
        self.pos = 0
        return True

    def line_at(self, pos: int) -> int:
        """The file's line number of a position in the buffer."""
        return self.lines_before + self.buffer.count("\n", 0, pos) + 1

    def peek(self) -> str:
        """The next non-blank character ('' at the end of the file)."""
        while True:
            while self.pos < len(self.buffer) and self.buffer[self.pos] in _WHITESPACE:
                self.pos += 1
            if self.pos < len(self.buffer):
                return self.buffer[self.pos]
            if not self._fill():
                return ""

    def expect(self, char: str) -> None:
        found = self.peek()
        if found != char:
            raise GeoError(f"{self.path}: expected {char!r} in the GeoJSON, found {found or 'the end of file'!r} — "
                           "the file must be one FeatureCollection object")
        self.pos += 1

    def value(self) -> object:
        """Decode the next JSON value, reading more of the file until it is complete."""
        self.peek()
        while True:
            try:
                found, end = self.decoder.raw_decode(self.buffer, self.pos)
            except json.JSONDecodeError as err:
                # An unfinished value reads on; a broken one stops here instead of pulling in the whole file.
                if len(self.buffer) - self.pos < MAX_VALUE_CHARS and self._fill():
                    continue
                raise GeoError(f"{self.path}: line {self.line_at(err.pos)}: invalid JSON ({err.msg}) — fix the "
                               "feature there, or check that the file is complete GeoJSON") from None
            # A number at the very end of the buffer may continue in the next chunk.
            if end == len(self.buffer) and not self.eof and isinstance(found, (int, float)) and self._fill():
                continue
            self.pos = end
            return found


def iter_features(path: str | Path, stream: _Stream) -> Iterator[dict]:
    """The features of a FeatureCollection, one at a time."""
    stream.expect("{")
    seen_features = False
    while stream.peek() not in ("}", ""):
        key = stream.value()
        stream.expect(":")
        if key != "features":
            stream.value()  # type, crs, name...: read and ignored
        else:
            seen_features = True
            stream.expect("[")
            while stream.peek() != "]":
                yield stream.value()
                if stream.peek() == ",":
                    stream.pos += 1
            stream.expect("]")
        if stream.peek() == ",":
            stream.pos += 1
    stream.expect("}")
    if not seen_features:
        raise GeoError(f"{path}: no `features` array — expected a GeoJSON FeatureCollection")


def read_geojson(path: str | Path, report: ImportReport, progress: bool = True) -> Iterator[dict]:
    """Validated incident records from a GeoJSON FeatureCollection of points.

    Parameters
    ----------
    path : str or Path
        Features with Point geometries ([lon, lat]) and properties named as in
        incidents.yaml (``id``, ``date``, ``actor1``, ``sources``...). The
        geometry wins over ``lat``/``lon`` properties; the feature's ``id`` is
        used when the properties have none.
    report : ImportReport
        Filled with refused features (numbered from 1) and their reasons.
    progress : bool
        Show a tqdm progress bar (bytes of the file) on stderr.
    """
    text, counter, size = open_counted(path)
    with text, unreadable_as_errors(path):
        features = enumerate(iter_features(path, _Stream(text, str(path))), start=1)
        yield from imported_records(features, counter, size, "GeoJSON import", progress, report,
                                    lambda feature, number: _import_feature(feature, number, report, str(path)))


def _import_feature(feature: object, number: int, report: ImportReport, path: str) -> dict | None:
    raw, problem = feature_to_raw(feature, number)
    if raw is None:
        report.skip(problem)
        return None

    def where(found: Problem) -> tuple[str, object]:
        return (f"properties.{found.field}" if found.field else "properties"), field_value(raw, found.field)

    return validated(raw, number, report, path, where)


def feature_to_raw(feature: object, number: int) -> tuple[dict | None, RowProblem | None]:
    """A feature's properties as an incident entry, with lat/lon from its point."""
    if not isinstance(feature, dict) or feature.get("type") != "Feature":
        return None, RowProblem(number, "type", str(feature)[:80], "not a GeoJSON Feature")
    properties = feature.get("properties") or {}
    if not isinstance(properties, dict):
        return None, RowProblem(number, "properties", str(properties)[:80], "properties must be an object")
    raw = dict(properties)
    geometry = feature.get("geometry")
    if geometry is not None:
        coordinates = geometry.get("coordinates") if isinstance(geometry, dict) else None
        if not isinstance(geometry, dict) or geometry.get("type") != "Point" or not _is_position(coordinates):
            return None, RowProblem(number, "geometry", json.dumps(geometry)[:80],
                                    "only Point geometries [lon, lat] can be imported")
        raw["lon"], raw["lat"] = coordinates[0], coordinates[1]
    if "id" not in raw and isinstance(feature.get("id"), str):
        raw["id"] = feature["id"]
    return raw, None


def _is_position(value: object) -> bool:
    return (isinstance(value, list) and len(value) >= 2
            and all(isinstance(item, (int, float)) and not isinstance(item, bool) and math.isfinite(item)
                    for item in value[:2]))
