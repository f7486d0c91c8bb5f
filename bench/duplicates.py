"""Duplicate detection: the grid join of geo.duplicates against comparing every pair, same incidents.

    python -m bench.duplicates                    # 1k, 3k pairwise; grid alone up to 100k
    python -m bench.duplicates --sizes 1000,3000 --grid-only 100000

The pairwise loop is tests/test_duplicates.py's reference (the one the
exactness test checks the grid against); it grows with the square of the
record, so it runs on the smaller sizes only.
"""

from __future__ import annotations

import argparse

from bench.common import print_table, timed
from geo.duplicates import find_duplicates
from tests.test_duplicates import _brute_force, _synthetic


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1000,3000", help="sizes where the pairwise loop runs too")
    parser.add_argument("--grid-only", default="100000", help="sizes for the grid join alone")
    args = parser.parse_args()
    rows = []
    for size in [int(value) for value in args.sizes.split(",")]:
        frame = _synthetic(size, seed=3, span_days=5 * 365 * size // 100_000 + 30, area_deg=3.0)
        grid_s, pairs = timed(lambda frame=frame: find_duplicates(frame))
        naive_s, expected = timed(lambda frame=frame: _brute_force(frame))
        same = {(pair.first_id, pair.second_id) for pair in pairs} == expected
        rows.append([f"{size:,}", len(pairs), f"{grid_s:.2f}", f"{naive_s:.2f}", f"{naive_s / grid_s:.0f}×",
                     "yes" if same else "NO"])
    for size in [int(value) for value in args.grid_only.split(",") if value]:
        frame = _synthetic(size, seed=3, span_days=5 * 365, area_deg=3.0)
        grid_s, pairs = timed(lambda frame=frame: find_duplicates(frame))
        rows.append([f"{size:,}", len(pairs), f"{grid_s:.2f}", "-", "-", "-"])
    print_table(["incidents", "pairs", "grid s", "every pair s", "faster", "same pairs"], rows)


if __name__ == "__main__":
    main()
