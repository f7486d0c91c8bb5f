"""Pausing or relaxing Python's cyclic garbage collector around bulk object creation.

Building a frame of 100k incidents, or decoding one large JSON document,
creates millions of objects; the cyclic GC then rescans them all again and
again (a quarter to three quarters of the time, measured). Nothing built there
forms cycles that need collecting before the work ends.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic GC: building a large result's objects makes it rescan them all many times over."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@contextmanager
def gc_relaxed(young: int = 50_000) -> Iterator[None]:
    """Collect cycles less often while streaming: a full pass rescans every loaded module's objects.

    The default (700 allocations) made the cyclic GC a quarter of an import's
    Python time; garbage is still collected, so memory stays bounded.
    """
    thresholds = gc.get_threshold()
    gc.set_threshold(max(young, thresholds[0]), *thresholds[1:])
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)
