"""Saving the incident file so that nothing a curator typed, or anyone else saved, is lost.

A save is refused, and nothing is written, when the file changed on disk since
the editor read it (another curator, a ``git pull``) or when the new text would
add validation errors. Otherwise the previous file is copied to ``.backups/``
and the new text replaces it atomically: written to a temporary file in the
same folder, flushed and fsynced, renamed over the old one with ``os.replace``,
and the folder fsynced. A crash at any moment leaves the old file or the new
one, whole.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import difflib
import fcntl
import hashlib
import os
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from geo.errors import ConflictError, Problem, RecordError, StoreError
from geo.files import BEFORE_REPLACE, atomic_write  # noqa: F401 - BEFORE_REPLACE is the crash test's seam
from geo.records import parse_incidents

BACKUP_DIR = ".backups"
KEEP_BACKUPS = 100



@dataclass(frozen=True)
class Snapshot:
    """The file as an editor read it: its text and its version (the hash of its bytes)."""

    path: Path
    text: str
    version: str


def content_version(content: bytes) -> str:
    """The version of a file's content: its SHA-256 in hex."""
    return hashlib.sha256(content).hexdigest()


def read_snapshot(path: str | Path) -> Snapshot:
    """Read the file an editor is about to change, remembering its version.

    A missing file reads as empty, so the first incident can be added to a new record.
    """
    path = Path(path)
    try:
        content = path.read_bytes()
    except FileNotFoundError:
        content = b""
    except OSError as err:
        raise StoreError(f"{path}: cannot be read ({err.strerror}) — check its permissions") from err
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise StoreError(f"{path}: is not UTF-8 text (byte {err.start}) — save it as UTF-8 first") from err
    return Snapshot(path, text, content_version(content))


def stamp(record: dict, editor: str, when: dt.datetime | None = None) -> dict:
    """A copy of the record with ``last_edited_by`` and ``last_edited_at`` (UTC, ISO 8601) set."""
    if not isinstance(editor, str) or not editor.strip():
        raise StoreError("an edit needs the curator's name (last_edited_by) — sign in or give --editor")
    when = (when or dt.datetime.now(dt.UTC)).astimezone(dt.UTC)
    return {**record, "last_edited_by": editor.strip(), "last_edited_at": when.isoformat(timespec="seconds")}


def save_text(path: str | Path, new_text: str, base: Snapshot, validate: bool = True) -> Snapshot:
    """Replace the file with ``new_text`` if it still holds what ``base`` read; return the new snapshot.

    Parameters
    ----------
    path : str or Path
        The incident file.
    new_text : str
        The whole new content.
    base : Snapshot
        The file as the editor read it before making the change.
    validate : bool
        Refuse text that has validation errors the base did not have.

    Raises
    ------
    ConflictError
        The file changed on disk since ``base`` was read; ``diff`` shows how.
    RecordError
        The new text adds validation errors; ``problems`` lists them.
    """
    path = Path(path).resolve()  # a symlinked record is updated where it lives
    if validate:
        added = new_errors(base.text, new_text, str(base.path))
        if added:
            raise RecordError(added)
    with file_lock(path):
        current = read_snapshot(path)
        if current.version != base.version:
            raise conflict(path, base.text, current.text)
        data = new_text.encode("utf-8")
        if path.exists():
            backup(path, path.read_bytes())
        atomic_write(path, data)
    return Snapshot(base.path, new_text, content_version(data))


def conflict(path: Path, loaded: str | None, on_disk: str) -> ConflictError:
    """The error for a file that changed since it was loaded, with a unified diff of the change."""
    if loaded is None:
        diff = ""
        shown = "(the version you started from is no longer known, so no diff can be shown)"
    else:
        diff = "".join(difflib.unified_diff(
            loaded.splitlines(keepends=True), on_disk.splitlines(keepends=True),
            fromfile=f"{path.name} (as you loaded it)", tofile=f"{path.name} (on disk now)",
        ))
        shown = "see the diff below"
    return ConflictError(
        f"{path}: the file changed on disk since you loaded it (another curator saved, or a git pull);"
        f" nothing was written and your edit is kept — reload, apply your edit again and save. {shown}",
        diff,
    )


def new_errors(old_text: str, new_text: str, path: str) -> list[Problem]:
    """Validation errors in the new text that the old text did not have."""
    _, old = parse_incidents(old_text.encode("utf-8"), path)
    _, new = parse_incidents(new_text.encode("utf-8"), path)
    known = Counter(_signature(problem) for problem in old if problem.severity == "error")
    added = []
    for problem in new:
        if problem.severity != "error":
            continue
        signature = _signature(problem)
        if known[signature]:
            known[signature] -= 1
        else:
            added.append(problem)
    return added


def _signature(problem: Problem) -> tuple:
    # Line numbers shift with any edit above them; the same fault is the same error.
    return (problem.incident_id, problem.field, re.sub(r"line \d+", "line N", problem.message))


def backup(path: Path, content: bytes) -> Path:
    """Keep a copy of the file's previous content in .backups/, pruning the oldest beyond KEEP_BACKUPS."""
    folder = path.parent / BACKUP_DIR
    try:
        folder.mkdir(exist_ok=True)
        when = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S.%fZ")
        target = folder / f"{path.name}.{when}"
        atomic_write(target, content)
    except OSError as err:
        raise StoreError(f"{folder}: cannot keep a backup ({err.strerror}); nothing was saved"
                         " — check the folder's permissions and free space") from err
    for old in backups_of(path)[:-KEEP_BACKUPS]:
        with contextlib.suppress(OSError):
            old.unlink()
    return target


def backups_of(path: str | Path) -> list[Path]:
    """The backups of a file, oldest first."""
    path = Path(path)
    folder = path.parent / BACKUP_DIR
    if not folder.is_dir():
        return []
    return sorted(item for item in folder.glob(f"{path.name}.*") if not item.name.endswith(".tmp"))


@contextlib.contextmanager
def file_lock(path: Path) -> Iterator[None]:
    """Hold an exclusive lock beside the file while checking and replacing it."""
    lock_path = path.parent / f".{path.name}.lock"
    try:
        handle = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o666)
    except OSError as err:
        raise StoreError(f"{path.parent}: cannot create the lock file ({err.strerror})"
                         " — the folder must be writable to save") from err
    try:
        fcntl.flock(handle, fcntl.LOCK_EX)
        _remove_stale_temps(path)
        yield
    finally:
        fcntl.flock(handle, fcntl.LOCK_UN)
        os.close(handle)


def _remove_stale_temps(path: Path) -> None:
    """Temporary files left by a save that crashed (we hold the lock, so none is in use)."""
    for temp in path.parent.glob(f".{path.name}.*.tmp"):
        with contextlib.suppress(OSError):
            temp.unlink()
