"""Progress bars for long work (imports, pushes, exports, batch extraction): one look, one switch."""

from __future__ import annotations

import sys
from collections.abc import Iterable
from typing import Any


def progress_bar(iterable: Iterable | None = None, *, total: float | None = None, desc: str | None = None,
                 unit: str = "it", byte_counts: bool = False, shown: bool | None = True, leave: bool = True) -> Any:
    """A tqdm bar on stderr; ``shown`` True always, False never, None only when stderr is a terminal."""
    from tqdm import tqdm  # on first use: the dashboard never draws one

    return tqdm(iterable, total=total, desc=desc, unit="B" if byte_counts else unit, unit_scale=byte_counts,
                disable=None if shown is None else not shown, leave=leave, mininterval=0.5, file=sys.stderr)


def add_quiet_option(parser: Any) -> None:
    """The ``--quiet`` switch of every command that draws a bar (``--no-progress`` is the same switch)."""
    parser.add_argument("--quiet", "--no-progress", dest="quiet", action="store_true", help="no progress bar")
