"""PostGIS at scale: filtered queries over 1M incidents and ACLED import throughput.

    python -m bench.postgis                 # 1M incidents, throw-away cluster
    python -m bench.postgis --n 100000      # quicker
    python -m bench.postgis --db postgresql://...   # an existing server (uses schemas bench_*)

Prints p50/p95 over varied queries (time window + side + map area) for the
PostGIS store, the in-memory GeoDataFrame (geo.filters.apply_filter) and a
naive Python loop over the records, and import rows/s with peak memory for
two file sizes against a naive import saving row by row (each import runs in
its own process, so its peak RSS is its own).
Generated files live in a temporary folder and are deleted.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path

from bench.acled_csv import write_acled_csv
from bench.synthetic import SYRIA
from geo.filters import IncidentFilter, apply_filter


def _schema_url(url: str, schema: str) -> str:
    joiner = "&" if "?" in url else "?"
    return f"{url}{joiner}options=-csearch_path%3D{schema},public"


def _fresh_schema(url: str, schema: str) -> str:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
        conn.execute(f"CREATE SCHEMA {schema}")
    return _schema_url(url, schema)


def import_once(csv_path: str, url: str, naive: bool = False) -> dict:
    """Import one ACLED CSV into the database; rows/s and this process's peak memory.

    ``naive`` saves row by row through `PostgisStore.save` (one INSERT and
    transaction per incident), as a script using the store's edit API would.
    """
    from geo.importers import ImportReport
    from geo.importers.acled import read_acled
    from geo.rawrecord import record_to_raw
    from geo.stores.postgis import PostgisStore

    store = PostgisStore(url)
    store.init()
    report = ImportReport(csv_path)
    start = time.perf_counter()
    if naive:
        for record in read_acled(csv_path, report, progress=False):
            store.save(record_to_raw(record), None, "bench")
        inserted = report.imported
    else:
        inserted = store.upsert(read_acled(csv_path, report, progress=False)).inserted
    seconds = time.perf_counter() - start
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"rows": report.rows, "inserted": inserted, "seconds": seconds,
            "rows_per_s": report.rows / seconds, "peak_mb": peak_mb}


def _import_in_subprocess(csv_path: Path, url: str, naive: bool = False) -> dict:
    command = [sys.executable, "-m", "bench.postgis", "--import-only", str(csv_path), "--db", url]
    done = subprocess.run([*command, "--naive"] if naive else command, capture_output=True, text=True, check=False)
    if done.returncode:
        raise SystemExit(f"import failed: {done.stderr[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def random_filters(count: int, seed: int = 3) -> list[IncidentFilter]:
    """Varied time + side + map-area queries; every fifth uses a drawn polygon instead of a box."""
    from geo.actors import registry

    rng = random.Random(seed)
    sides = [side for side in registry().sides if side != "Unidentified"]
    west, south, east, north = SYRIA
    filters = []
    for index in range(count):
        start = dt.date(2016, 1, 1) + dt.timedelta(days=rng.randrange(3650 - 400))
        span = rng.choice((7, 30, 90, 365))
        size = rng.uniform(0.3, 1.5)
        lon, lat = rng.uniform(west, east - size), rng.uniform(south, north - size)
        area = {}
        if index % 5 == 4:
            area["area_wkt"] = (f"POLYGON(({lon} {lat}, {lon + size} {lat}, {lon + size * 0.7} {lat + size}, "
                                f"{lon} {lat + size * 0.8}, {lon} {lat}))")
        else:
            area["bbox"] = (lon, lat, lon + size, lat + size)
        filters.append(IncidentFilter(date_from=start, date_to=start + dt.timedelta(days=span),
                                      sides=tuple(rng.sample(sides, rng.choice((1, 2)))),
                                      role=rng.choice(("any", "acted", "targeted")), **area))
    return filters


# "2019" is made only of digits, which the word index leaves out: LIKE alone searches for it.
TERMS = ("hajin", "thiban", "north press", "syr000123", "ajin", "centcom", "deir", "abu kamal", "tadmor", "2019")


def text_filters(count: int, seed: int = 4) -> list[IncidentFilter]:
    """Free-text queries (a word, part of a word, an event id prefix, two words) within a 90-day window."""
    rng = random.Random(seed)
    filters = []
    for index in range(count):
        start = dt.date(2016, 1, 1) + dt.timedelta(days=rng.randrange(3650 - 100))
        filters.append(IncidentFilter(date_from=start, date_to=start + dt.timedelta(days=90),
                                      text=TERMS[index % len(TERMS)]))
    return filters


def naive_text_ids(records: list[dict], flt: IncidentFilter) -> list[str]:
    """A time window and free text as a plain loop: each record's text normalised when it is searched."""
    from geo.filters import incident_search_text
    from geo.textnorm import normalise

    terms = normalise(flt.text).split()
    start, end = flt.date_from.isoformat(), flt.date_to.isoformat()
    found = []
    for record in records:
        if record["date"] > end or (record["date_end"] or record["date"]) < start:
            continue
        text = incident_search_text(record["description"], record["place"], record["notes"], record["sources"])
        if all(term in text for term in terms):
            found.append(record["id"])
    return found


def naive_ids(records: list[dict], flt: IncidentFilter) -> list[str]:
    """The same query as a plain loop over records: what a script without an index does."""
    import shapely

    area = shapely.from_wkt(flt.area_wkt) if flt.area_wkt else None
    start, end = flt.date_from.isoformat(), flt.date_to.isoformat()
    wanted = set(flt.sides)
    found = []
    for record in records:
        if record["date"] > end or (record["date_end"] or record["date"]) < start:
            continue
        acted, targeted = record["side1"] in wanted, record["side2"] in wanted
        if not {"any": acted or targeted, "acted": acted, "targeted": targeted}[flt.role]:
            continue
        if flt.bbox is not None:
            west, south, east, north = flt.bbox
            if not (west <= record["lon"] <= east and south <= record["lat"] <= north):
                continue
        if area is not None and not shapely.contains_xy(area, record["lon"], record["lat"]):
            continue
        found.append(record["id"])
    return found


def _timed(function, *args) -> tuple[float, object]:
    start = time.perf_counter()
    result = function(*args)
    return (time.perf_counter() - start) * 1000, result


def _percentiles(values: list[float]) -> tuple[float, float]:
    ordered = sorted(values)
    return statistics.median(ordered), ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def run(n: int, queries: int, url: str | None) -> None:
    from geo.frame import records_to_frame
    from geo.stores.postgis import PostgisStore

    with ExitStack() as stack:
        if url is None:
            from tests.pgcluster import TempCluster

            url = stack.enter_context(TempCluster()).url
        folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="geo-bench-")))
        small_n, naive_n = max(1000, n // 4), min(20_000, max(1000, n // 20))
        print(f"writing ACLED-format CSVs of {naive_n:,}, {small_n:,} and {n:,} rows…", file=sys.stderr)
        naive_csv = write_acled_csv(folder / "naive.csv", naive_n, seed=3)
        small_csv = write_acled_csv(folder / "small.csv", small_n, seed=2)
        big_csv = write_acled_csv(folder / "big.csv", n, seed=1)
        imports = []
        for label, path, schema in (("naive: save() per row", naive_csv, "bench_naive"),
                                    ("bulk: small file", small_csv, "bench_small"),
                                    ("bulk: large file", big_csv, "bench_main")):
            print(f"importing ({label})…", file=sys.stderr)
            result = _import_in_subprocess(path, _fresh_schema(url, schema), naive=label.startswith("naive"))
            result["size_mb"] = path.stat().st_size / 1e6
            imports.append((label, result))

        store = PostgisStore(_schema_url(url, "bench_main"))
        store._connection().execute("VACUUM ANALYZE incidents")
        print("reading records for the in-memory and loop baselines…", file=sys.stderr)
        records = list(store.iter_records())
        frame = records_to_frame(records)
        timings: dict[str, list[float]] = {"PostGIS ids()": [], "PostGIS load() frame": [],
                                           "in-memory apply_filter": [], "naive Python loop": []}
        sizes = []
        text_timings: dict[str, list[float]] = {"PostGIS ids() (word index)": [], "in-memory apply_filter": [],
                                                "naive Python loop": []}
        for flt in text_filters(max(10, queries // 2)):
            ms_ids, ids = _timed(store.ids, flt)
            ms_frame, matched = _timed(apply_filter, frame, flt)
            ms_loop, looped = _timed(naive_text_ids, records, flt)
            if not (sorted(ids) == sorted(matched["id"]) == sorted(looped)):
                raise SystemExit(f"stores disagree on {flt}")
            for key, value in zip(text_timings, (ms_ids, ms_frame, ms_loop), strict=True):
                text_timings[key].append(value)
        for flt in random_filters(queries):
            ms_ids, ids = _timed(store.ids, flt)
            ms_load, (loaded, _) = _timed(store.load, flt)
            ms_frame, matched = _timed(apply_filter, frame, flt)
            ms_loop, looped = _timed(naive_ids, records, flt)
            if not (sorted(ids) == sorted(matched["id"]) == sorted(looped) == sorted(loaded["id"])):
                raise SystemExit(f"stores disagree on {flt}")
            sizes.append(len(ids))
            for key, value in zip(timings, (ms_ids, ms_load, ms_frame, ms_loop), strict=True):
                timings[key].append(value)
        _print_tables(n, queries, sizes, timings, imports)
        print(f"\n{len(text_timings['in-memory apply_filter'])} free-text queries (a term in a 90-day window) "
              f"over {n:,} incidents\n")
        _print_timings(text_timings)


def _print_timings(timings: dict[str, list[float]]) -> None:
    print("| engine | p50 ms | p95 ms |\n|---|---:|---:|")
    for name, values in timings.items():
        p50, p95 = _percentiles(values)
        print(f"| {name} | {p50:.1f} | {p95:.1f} |")


def _print_tables(n, queries, sizes, timings, imports) -> None:
    print(f"\n{queries} queries (time window + side + map area) over {n:,} incidents; "
          f"matches per query: median {statistics.median(sizes):.0f}, max {max(sizes)}\n")
    _print_timings(timings)
    print("\n| ACLED import | rows | file MB | seconds | rows/s | peak RSS MB |\n|---|---:|---:|---:|---:|---:|")
    for label, result in imports:
        print(f"| {label} | {result['rows']:,} | {result['size_mb']:.0f} | {result['seconds']:.1f} | "
              f"{result['rows_per_s']:,.0f} | {result['peak_mb']:.0f} |")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.postgis", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=1_000_000, help="incidents (default 1,000,000)")
    parser.add_argument("--queries", type=int, default=50)
    parser.add_argument("--db", help="an existing server (default: start a throw-away cluster)")
    parser.add_argument("--import-only", metavar="CSV", help=argparse.SUPPRESS)
    parser.add_argument("--naive", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.import_only:
        print(json.dumps(import_once(args.import_only, args.db, args.naive)))
        return
    run(args.n, args.queries, args.db)


if __name__ == "__main__":
    main()
