"""The record kept in a YAML file (incidents.yaml), edited one incident at a time.

Every edit reads the file, checks it is still the version the curator started
from, changes one incident with `geo.roundtrip` (so ``git diff`` shows just
that incident), validates, keeps a backup and replaces the file atomically
(`geo.saving`). The version is the SHA-256 of the file's bytes: any change to
the file, by another curator or a ``git pull``, makes an older version stale.

Ids are never reused. A deleted incident's id is kept in a ``# retired id:``
comment at the end of the file (so the list travels with the record in git),
and `YamlStore.next_id` also skips every id found in the backups.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

import geopandas as gpd

from geo.errors import ConflictError, Problem, StoreError
from geo.filters import IncidentFilter, apply_filter
from geo.records import read_incidents
from geo.roundtrip import Document, retired_ids
from geo.saving import Snapshot, backups_of, conflict, read_snapshot, save_text, stamp
from geo.stores.base import DEFAULT_ID_PREFIX, new_id

_ID = re.compile(r"\b([a-z][a-z0-9]*(?:-[a-z][a-z0-9]*)*)-(\d{4}-\d{2}-\d{2})-(\d{3,})\b")
_REMEMBERED_VERSIONS = 16


class YamlStore:
    """An `IncidentStore` on a YAML incident file.

    Parameters
    ----------
    path : str or Path
        The incident file; created by the first `add` when missing.
    """

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        # Texts of versions handed out, so that a conflict can show what changed since.
        self._texts: dict[str, str] = {}

    def __repr__(self) -> str:
        return f"YamlStore({str(self.path)!r})"

    @property
    def version(self) -> str:
        """The version of the file on disk now."""
        return self._read().version

    def load(self, flt: IncidentFilter | None = None) -> tuple[gpd.GeoDataFrame, list[Problem]]:
        """The incidents matching the filter and the file's problems; ``frame.attrs["version"]`` is set."""
        for _ in range(3):  # the file may change between reading its version and its content
            before = self._read()
            frame, problems = read_incidents(self.path)
            if self._read().version == before.version:
                break
        frame = apply_filter(frame, flt) if flt else frame
        frame.attrs["version"] = before.version
        return frame, problems

    def get(self, incident_id: str) -> tuple[dict, str] | None:
        """One incident as written in the file (plain data) and the file's version, or None."""
        snapshot = self._read()
        try:
            return Document(snapshot.text, str(self.path)).get(incident_id), snapshot.version
        except KeyError:
            return None

    def save(self, record: dict, base_version: str | None, editor: str) -> str:
        """Add the record (its id is new) or replace the incident with its id; returns the new version."""
        snapshot, document = self._parsed()
        if record.get("id") not in document.ids():
            return self._add(record, editor, base_version, snapshot, document)
        if base_version is None:
            raise ConflictError(f"{self.path}: an incident with id {record['id']!r} already exists"
                                " — take a new id from next_id(), or edit that incident instead")
        return self._edit(base_version, lambda document: document.replace(stamp(record, editor)), snapshot, document)

    def add(self, record: dict, editor: str, base_version: str | None = None) -> str:
        """Insert a new incident in date order; returns the new version.

        With ``base_version`` the add is refused when the file changed since;
        without it the incident is added to the file as it is now.
        """
        return self._add(record, editor, base_version, *self._parsed())

    def _add(self, record: dict, editor: str, base_version: str | None, snapshot: Snapshot,
             document: Document) -> str:
        record = dict(record)
        if not record.get("id"):
            record["id"] = self._next_id(str(record.get("date") or ""), snapshot.text)
        elif record["id"] in retired_ids(snapshot.text):
            raise StoreError(f"{self.path}: incident {record['id']}: id: this id belonged to a deleted incident"
                             f" and is never reused — use {self._next_id(str(record.get('date') or ''), snapshot.text)}")
        return self._edit(base_version, lambda document: document.add(stamp(record, editor)), snapshot, document)

    def update(self, record: dict, base_version: str, editor: str) -> str:
        """Replace the incident with the record's id; returns the new version."""
        return self._edit(base_version, lambda document: document.replace(stamp(record, editor)))

    def delete(self, incident_id: str, base_version: str, editor: str, reason: str = "") -> str:
        """Remove an incident and retire its id; returns the new version."""
        stamp({}, editor)  # a deletion needs a name like any other edit
        why = f"deleted by {editor.strip()}" + (f": {reason}" if reason else "")
        return self._edit(base_version, lambda document: document.delete(incident_id, why))

    def merge(self, keep_id: str, other_id: str, base_version: str, editor: str) -> str:
        """Merge ``other_id`` into ``keep_id`` (see `geo.duplicates.merge`) and retire ``other_id``."""
        from geo.duplicates import merge

        def change(document: Document) -> None:
            merged = merge(document.get(keep_id), document.get(other_id))
            document.replace(stamp(merged, editor))
            document.delete(other_id, f"merged into {keep_id} by {editor.strip()}")

        return self._edit(base_version, change)

    def next_id(self, date: str) -> str:
        """A new id for an incident on ``date`` (YYYY-MM-DD): ``PREFIX-YYYY-MM-DD-NNN``, never used before."""
        new_id("x", date, [])  # the date is checked before any file is read
        return self._next_id(date, self._read().text)

    def _next_id(self, date: str, text: str) -> str:
        """`next_id` for the file's text as already read."""
        used = self._used_ids(text)
        prefixes = Counter(prefix for prefix, _, _ in used)
        prefix = prefixes.most_common(1)[0][0] if prefixes else DEFAULT_ID_PREFIX
        return new_id(prefix, date, (int(number) for _, day, number in used if day == date))

    def retired_ids(self) -> list[str]:
        return retired_ids(self._read().text)  # comment lines: no need to parse the incidents

    def _used_ids(self, text: str) -> set[tuple[str, str, str]]:
        """Every id in the file's text, its retired list and its backups."""
        used = {match.groups() for match in _ID.finditer(text)}
        for backup in backups_of(self.path):
            stat = backup.stat()
            used |= _ids_in_backup(str(backup), stat.st_mtime_ns, stat.st_size)
        return used

    def _parsed(self) -> tuple[Snapshot, Document]:
        snapshot = self._read()
        return snapshot, Document(snapshot.text, str(self.path))

    def _edit(self, base_version: str | None, change: Callable[[Document], None], snapshot: Snapshot | None = None,
              document: Document | None = None) -> str:
        """Apply a change to the file (as read and parsed by the caller, else now) and save it atomically."""
        if snapshot is None or document is None:
            snapshot, document = self._parsed()
        if base_version is not None and base_version != snapshot.version:
            raise conflict(self.path, self._texts.get(base_version), snapshot.text)
        try:
            change(document)
        except KeyError as err:
            raise StoreError(f"{err.args[0]} — reload the record; it may have been deleted") from err
        saved = save_text(self.path, document.to_text(), snapshot)
        self._remember(saved)
        return saved.version

    def _read(self) -> Snapshot:
        snapshot = read_snapshot(self.path)
        self._remember(snapshot)
        return snapshot

    def _remember(self, snapshot: Snapshot) -> None:
        self._texts[snapshot.version] = snapshot.text
        while len(self._texts) > _REMEMBERED_VERSIONS:
            self._texts.pop(next(iter(self._texts)))


@lru_cache(maxsize=512)
def _ids_in_backup(path: str, mtime_ns: int, size: int) -> frozenset[tuple[str, str, str]]:
    """The ids a backup holds; a backup never changes, so each is read once (keyed on its stat too)."""
    text = Path(path).read_text("utf-8", errors="replace")
    return frozenset(match.groups() for match in _ID.finditer(text))
