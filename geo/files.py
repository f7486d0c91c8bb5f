"""Replacing a file atomically: a crash at any moment leaves the old file or the new one, whole.

Every writer of the project's files (the record, backups, the load cache,
drafts, gazetteer imports, exports, database pulls) goes through `replacing`:
write a temporary file beside the target, fsync it, keep the target's
permissions, rename it over the target, fsync the folder.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

# Called with (temporary file, target) just before the temporary file replaces the target.
# A seam for the crash test (it pauses there and is killed); empty in normal use.
BEFORE_REPLACE: list[Callable[[Path, Path], None]] = []


@contextlib.contextmanager
def replacing(path: str | Path, suffix: str = ".tmp") -> Iterator[Path]:
    """A temporary path beside ``path`` that replaces it when the block ends without an error.

    The block may write the temporary file or remove it and create it anew
    (some writers refuse an existing empty file); on any error it is deleted
    and the target is left as it was.
    """
    path = Path(path)
    folder = path.parent if str(path.parent) else Path(".")
    mode = (path.stat().st_mode & 0o7777) if path.exists() else 0o644
    handle, name = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.", suffix=suffix)
    os.close(handle)
    temp = Path(name)
    try:
        yield temp
        with open(temp, "rb") as written:
            os.fsync(written.fileno())
        os.chmod(temp, mode)
        for hook in BEFORE_REPLACE:
            hook(temp, path)
        os.replace(temp, path)
    finally:
        with contextlib.suppress(OSError):
            temp.unlink()
    fsync_dir(folder)


def atomic_write(path: str | Path, data: bytes) -> None:
    """Write bytes to a file so that a crash leaves the old content or the new, never a mix."""
    with replacing(path) as temp:
        temp.write_bytes(data)


def write_yaml(document: object, path: str | Path, header: str = "") -> None:
    """Write a YAML document (drafts, gazetteer imports) atomically, creating its folder."""
    import yaml

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    text = header + yaml.safe_dump(document, allow_unicode=True, sort_keys=False, width=100)
    atomic_write(path, text.encode("utf-8"))


def fsync_dir(folder: Path) -> None:
    """Make a rename itself durable."""
    try:
        handle = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return
    try:
        os.fsync(handle)
    except OSError:
        pass
    finally:
        os.close(handle)
