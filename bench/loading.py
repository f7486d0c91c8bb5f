"""Cold parse+validate vs cached load of an incident YAML file, at several sizes.

Run: .venv/bin/python -m bench.loading [--sizes 1000,10000,100000]
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from bench.common import peak_memory, print_table, sizes_argument, timed
from bench.synthetic import generate, write_yaml
from geo.records import read_incidents


def main() -> None:
    sizes = sizes_argument(__doc__)
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        os.environ["GEO_CACHE_DIR"] = str(Path(folder) / "cache")
        for size in sizes:
            path = write_yaml(generate(size), Path(folder) / f"incidents-{size}.yaml")
            megabytes = path.stat().st_size / 1e6
            cold, (frame, _) = timed(lambda p=path: read_incidents(p, use_cache=False))
            read_incidents(path)  # fills the cache
            warm, (cached, _) = timed(lambda p=path: read_incidents(p))
            cold_peak = peak_memory(lambda p=path: read_incidents(p, use_cache=False))
            warm_peak = peak_memory(lambda p=path: read_incidents(p))
            assert len(frame) == len(cached) == size
            rows.append([f"{size:,}", f"{megabytes:.1f}", f"{cold:.2f}", f"{cold_peak:.0f}", f"{warm:.3f}",
                         f"{warm_peak:.0f}", f"{cold / warm:.0f}×"])
    print_table(["incidents", "file MB", "cold s", "cold peak MB", "cached s", "cached peak MB", "speed-up"], rows)
    print("\ncold = parse (libyaml events) + validate + build frame; cached = GeoParquet keyed by content hash. "
          "Target: cached 100k ≥ 20× faster than cold.")


if __name__ == "__main__":
    main()
