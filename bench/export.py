"""Export time, peak memory and file size per format at 1k / 10k / 100k synthetic incidents.

Run: .venv/bin/python -m bench.export [--sizes 1000,10000,100000] [--formats csv,png]
Each format is compared with the naive way to write it (bench/export_naive.py:
one artist or marker per incident, the whole document in memory); the naive
png/pdf/html run up to 10k incidents only, and animations and the browser
screenshot have no naive counterpart ("-"). Peak memory comes from a second,
traced run (tracemalloc slows Python code several-fold); it is skipped ("-")
when the untraced run took over a minute.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from bench.common import peak_memory, print_table, timed
from bench.export_naive import NAIVE, PER_INCIDENT_LIMIT
from bench.synthetic import generate
from geo.export import FORMATS, export
from geo.frame import records_to_frame
from geo.validation import validate_incidents

TRACE_LIMIT_S = 60.0


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1000,10000,100000", help="comma-separated incident counts")
    parser.add_argument("--formats", default=",".join(FORMATS), help=f"comma-separated, from {','.join(FORMATS)}")
    return parser.parse_args()


def main() -> None:
    args = arguments()
    sizes = [int(size) for size in args.sizes.split(",")]
    formats = args.formats.split(",")
    rows = []
    with tempfile.TemporaryDirectory(prefix="bench-export-") as folder:
        for size in sizes:
            records, _ = validate_incidents(generate(size), "synthetic")
            frame = records_to_frame(records)
            for fmt in formats:
                out = Path(folder) / f"out.{fmt}"

                def run(fmt=fmt, out=out, frame=frame):
                    # Offline basemap: the numbers measure the export, not the network.
                    return export(frame, fmt, out, basemap="offline", title="Benchmark")

                seconds, path = timed(run)
                megabytes = f"{path.stat().st_size / 1e6:.1f}"
                peak = f"{peak_memory(run):.0f}" if seconds < TRACE_LIMIT_S else "-"
                rows.append([f"{size:,}", fmt, f"{seconds:.2f}", peak, megabytes, *_naive(frame, fmt, size, out)])
                print(f"  {size:,} {fmt}: {seconds:.2f} s", flush=True)
    print()
    print_table(["incidents", "format", "seconds", "peak MB", "file MB", "naive s", "naive peak MB"], rows)


def _naive(frame, fmt: str, size: int, out: Path) -> list[str]:
    """Seconds and peak MB of the naive export of the same frame ("-" when there is none or it would take minutes)."""
    writer = NAIVE.get(fmt)
    if writer is None or size > PER_INCIDENT_LIMIT.get(fmt, size):
        return ["-", "-"]
    naive_out = out.with_name(f"naive-{out.name}")

    def run() -> None:
        naive_out.unlink(missing_ok=True)  # GeoPackage would append to an existing file
        writer(frame, naive_out)

    seconds, _ = timed(run)
    peak = f"{peak_memory(run):.0f}" if seconds < TRACE_LIMIT_S else "-"
    return [f"{seconds:.2f}", peak]


if __name__ == "__main__":
    main()
