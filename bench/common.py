"""Shared helpers for the benchmarks: timing, peak memory and table printing."""

from __future__ import annotations

import argparse
import time
import tracemalloc
from collections.abc import Callable


def timed(action: Callable[[], object]) -> tuple[float, object]:
    """Seconds and result of one call, untraced (tracing memory slows Python code several-fold)."""
    start = time.perf_counter()
    result = action()
    return time.perf_counter() - start, result


def peak_memory(action: Callable[[], object]) -> float:
    """Peak memory (MB) Python allocated during one call, from a separate traced run."""
    tracemalloc.start()
    action()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / 1e6


def print_table(headers: list[str], rows: list[list[object]]) -> None:
    """A plain aligned table on stdout."""
    text = [[str(cell) for cell in row] for row in [headers, *rows]]
    widths = [max(len(row[i]) for row in text) for i in range(len(headers))]
    for index, row in enumerate(text):
        print("  ".join(cell.rjust(width) for cell, width in zip(row, widths, strict=True)))
        if index == 0:
            print("  ".join("-" * width for width in widths))


def sizes_argument(description: str, default: str = "1000,10000,100000") -> list[int]:
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--sizes", default=default, help=f"comma-separated incident counts (default {default})")
    return [int(size) for size in parser.parse_args().sizes.split(",")]
