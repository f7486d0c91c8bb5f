"""Dashboard redraw on a filter change: the PostGIS store vs the in-memory frame, at 1M incidents.

    python -m bench.dashboard                 # 1M incidents, throw-away cluster
    python -m bench.dashboard --n 100000      # quicker
    python -m bench.dashboard --db postgresql://...   # an existing server (uses schema bench_dashboard)

A rerun after a filter change does, with the database store,
``PostgisStore(url).load(flt)`` then the map (``build_map`` with the district
choropleth, and ``map_html`` standing in for st_folium's render); with the
YAML store the whole record is already loaded and cached, so it does
``apply_filter(frame, flt)`` then the same map. Filters combine a time window,
two sides and a map box, chosen to match about 1k, 10k and 100k incidents.
Each step is timed as the median of --repeat runs.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
from contextlib import ExitStack

from bench.common import print_table, timed
from bench.synthetic import SYRIA, generate
from geo.filters import IncidentFilter, apply_filter

TARGETS = (1_000, 10_000, 100_000)
SIDES = ("Syrian government", "SDF")
SPANS = (7, 14, 30, 60, 90, 180, 365, 730, 1095, 1825, 3650)
BOX_DEGREES = (0.5, 1.0, 1.5, 2.0, 3.0, 4.0, 6.0)


def _filter(span: int, box: float) -> IncidentFilter:
    """A time window from mid-2020 and a square box around the centre of the synthetic area."""
    west, south, east, north = SYRIA
    lon, lat = (west + east) / 2, (south + north) / 2
    start = dt.date(2021, 1, 1) - dt.timedelta(days=span // 2)
    return IncidentFilter(date_from=start, date_to=start + dt.timedelta(days=span), sides=SIDES,
                          bbox=(lon - box / 2, lat - box / 2, lon + box / 2, lat + box / 2))


def calibrated_filters(frame, targets: tuple[int, ...]) -> list[tuple[int, IncidentFilter]]:
    """For each target, the (matches, filter) of the grid whose match count is nearest on a log scale."""
    import math

    candidates = [(len(apply_filter(frame, flt)), flt) for flt in
                  (_filter(span, box) for span in SPANS for box in BOX_DEGREES)]
    chosen = []
    for target in targets:
        if target > len(frame):
            continue
        matches, flt = min(candidates, key=lambda item: abs(math.log(max(item[0], 1) / target)))
        chosen.append((matches, flt))
    return chosen


def _median(action, repeat: int):
    results = [timed(action) for _ in range(repeat)]
    return statistics.median(seconds for seconds, _ in results), results[-1][1]


def _map_seconds(shown, repeat: int) -> tuple[float, float]:
    from geo.mapping import build_map, district_choropleth, map_html

    build_s, fmap = _median(lambda: build_map(shown, choropleth=district_choropleth(shown)), repeat)
    html_s, _ = _median(lambda: map_html(fmap), repeat)
    return build_s, html_s


def run(n: int, url: str | None, repeat: int) -> None:
    from geo.frame import records_to_frame
    from geo.stores.postgis import PostgisStore
    from geo.validation import validate_incidents

    with ExitStack() as stack:
        if url is None:
            from tests.pgcluster import TempCluster

            url = stack.enter_context(TempCluster()).url
        print(f"generating and validating {n:,} incidents…", file=sys.stderr)
        records, _ = validate_incidents(generate(n, seed=5, bbox=SYRIA), "synthetic")
        frame = records_to_frame(records)
        print("writing them to PostGIS…", file=sys.stderr)
        from bench.postgis import _fresh_schema

        store = PostgisStore(_fresh_schema(url, "bench_dashboard"))
        store.init()
        store.upsert(records)
        del records
        store._connection().execute("VACUUM ANALYZE incidents")
        rows = []
        for matches, flt in calibrated_filters(frame, TARGETS):
            print(f"measuring a filter matching {matches:,}…", file=sys.stderr)
            db_s, (loaded, _) = _median(lambda flt=flt: store.load(flt), repeat)
            memory_s, shown = _median(lambda flt=flt: apply_filter(frame, flt), repeat)
            if sorted(loaded["id"]) != sorted(shown["id"]):
                raise SystemExit(f"the stores disagree on {flt}")
            build_s, html_s = _map_seconds(loaded, repeat)
            memory_build_s, memory_html_s = _map_seconds(shown, repeat)
            rows.append([f"{matches:,}", f"{db_s:.2f}", f"{build_s + html_s:.2f}", f"{db_s + build_s + html_s:.2f}",
                         f"{memory_s:.2f}", f"{memory_build_s + memory_html_s:.2f}",
                         f"{memory_s + memory_build_s + memory_html_s:.2f}"])
        store.close()
    print(f"\nDashboard redraw after a filter change, {n:,} incidents, median of {repeat} (seconds)\n")
    print_table(["matches", "PostGIS load", "map", "redraw (PostGIS)", "apply_filter", "map",
                 "redraw (in memory)"], rows)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.dashboard", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=1_000_000, help="incidents (default 1,000,000)")
    parser.add_argument("--repeat", type=int, default=3, help="runs per step; the median is shown (default 3)")
    parser.add_argument("--db", help="an existing server (default: start a throw-away cluster)")
    args = parser.parse_args(argv)
    run(args.n, args.db, args.repeat)


if __name__ == "__main__":
    main()
