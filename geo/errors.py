"""Errors the geo library raises; the CLI and the dashboard translate them at the edge."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input file, located precisely enough to fix."""

    file: str
    line: int | None
    incident_id: str | None
    field: str | None
    message: str
    hint: str = ""
    severity: str = "error"

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        parts = [where]
        if self.incident_id:
            parts.append(f"incident {self.incident_id}")
        if self.field:
            parts.append(self.field)
        text = ": ".join(parts) + f": {self.message}"
        if self.hint:
            text += f" — {self.hint}"
        if self.severity != "error":
            text = f"{text} [{self.severity}]"
        return text


class GeoError(Exception):
    """Base class of every error a user can cause."""


class RecordError(GeoError):
    """An incident file has problems; `problems` lists every one of them."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = list(problems)
        count = len(self.problems)
        lines = "\n".join(str(problem) for problem in self.problems)
        super().__init__(f"{count} problem{'s' if count != 1 else ''} found:\n{lines}")


class InputTooLargeError(GeoError):
    """A file is too large, too deep or expands too far to be read safely."""


class StoreError(GeoError):
    """A store could not read or write the record."""


class ConflictError(StoreError):
    """The record changed underneath an edit; nothing was overwritten."""

    def __init__(self, message: str, diff: str = "") -> None:
        self.diff = diff
        super().__init__(message)


class ExportError(GeoError):
    """An export could not be made as requested."""
