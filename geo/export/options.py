"""What an export was asked for: options, their checks, and the progress convention.

Every exporter takes one `ExportOptions` and reports progress the same way:
``progress(done, total)`` with ``0 <= done <= total``, called once with
``done == 0`` before the work starts and once with ``done == total`` when it
ends, and in between at most about a hundred times, so a dashboard can hand
``st.progress`` a callback without flooding it.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from geo.errors import ExportError
from geo.filters import IncidentFilter

Progress = Callable[[int, int], None]

LAYOUTS = ("slide", "a4")
BASEMAPS = ("auto", "tiles", "offline")
STEPS = ("auto", "day", "week", "month")
WINDOWS = ("moving", "cumulative")
MAX_TITLE_CHARS = 160
MIN_DPI, MAX_DPI = 72, 600
# Tags, entities and script-ish schemes are markup; a briefing title never needs them.
_MARKUP = re.compile(r"<[^>]*>|&[#\w]+;|javascript:|<|>", re.IGNORECASE)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@dataclass(frozen=True)
class ExportOptions:
    """Everything an exporter needs besides the incidents themselves."""

    flt: IncidentFilter = field(default_factory=IncidentFilter)
    title: str = "Incidents"
    subtitle: str = ""
    layout: str = "slide"
    dpi: int = 150
    coarsen_km: float | None = None
    progress: Progress | None = None
    basemap: str = "auto"
    extent: tuple[float, float, float, float] | None = None  # west, south, east, north
    view: object | None = None  # the dashboard's geo.mapping.MapView, for the HTML export
    step: str = "auto"  # animation: one frame per day, week or month
    window: str = "moving"  # animation: that step's incidents, or "cumulative"
    made_at: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.UTC).replace(microsecond=0))

    def __post_init__(self) -> None:
        check_text("title", self.title)
        check_text("subtitle", self.subtitle)
        if self.layout not in LAYOUTS:
            raise ExportError(f"layout was {self.layout!r} but is expected to be one of {LAYOUTS}")
        if self.basemap not in BASEMAPS:
            raise ExportError(f"basemap was {self.basemap!r} but is expected to be one of {BASEMAPS}")
        if self.step not in STEPS:
            raise ExportError(f"step was {self.step!r} but is expected to be one of {STEPS}")
        if self.window not in WINDOWS:
            raise ExportError(f"window was {self.window!r} but is expected to be one of {WINDOWS}")
        if not isinstance(self.dpi, int) or not MIN_DPI <= self.dpi <= MAX_DPI:
            raise ExportError(f"dpi was {self.dpi!r} but must be a whole number from {MIN_DPI} to {MAX_DPI} "
                              "(150 for slides, 300 for print)")
        if self.coarsen_km is not None and not (0 < float(self.coarsen_km) <= 500):
            raise ExportError(f"coarsen_km was {self.coarsen_km!r} but must be a grid size in km, "
                              "more than 0 and at most 500 (e.g. 5 or 10)")
        if self.extent is not None:
            west, south, east, north = self.extent
            if not (west < east and south < north):
                raise ExportError(f"extent {self.extent} must be west,south,east,north with west<east, south<north")


def check_text(name: str, text: str) -> None:
    """Refuse a title or subtitle that holds markup, control characters or is too long."""
    if not isinstance(text, str):
        raise ExportError(f"{name} must be text, got {type(text).__name__}")
    found = _MARKUP.search(text)
    if found:
        raise ExportError(f"{name} {text!r} contains markup ({found.group(0)!r}); "
                          "titles are plain text — remove the <, > or & entity")
    if _CONTROL.search(text):
        raise ExportError(f"{name} {text!r} contains control characters — type it as plain text")
    if len(text) > MAX_TITLE_CHARS:
        raise ExportError(f"{name} is {len(text)} characters long; at most {MAX_TITLE_CHARS} fit on a slide")


def check_output(out: str | Path) -> Path:
    """The output path, after checking its folder exists and can be written."""
    path = Path(out)
    if path.is_dir():
        raise ExportError(f"{path}: is a folder — give a file name, e.g. {path / 'briefing.png'}")
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise ExportError(f"{path}: folder {folder} does not exist — create it or choose another path")
    if not os.access(folder, os.W_OK) or (path.exists() and not os.access(path, os.W_OK)):
        raise ExportError(f"{path}: cannot write there (permission denied) — choose a folder you can write to")
    return path


class ProgressReporter:
    """Calls ``progress(done, total)`` at the start, about every 1 %, and at the end."""

    def __init__(self, progress: Progress | None, total: int) -> None:
        self.progress = progress
        self.total = max(int(total), 0)
        self.step = max(self.total // 100, 1)
        self.last = -1
        self.update(0)

    def update(self, done: int) -> None:
        """Report ``done`` units finished, skipping calls closer than a step to the last one."""
        if self.progress is None:
            return
        done = min(done, self.total)
        if done == self.last:
            return
        if done in (0, self.total) or done - self.last >= self.step:
            self.last = done
            self.progress(done, self.total)

    def finish(self) -> None:
        self.update(self.total)
