"""Synthetic incidents for benchmarks: schema-valid, spread over a region and years.

Never mixed into incidents.yaml; benchmarks write their files to a temp folder.
"""

from __future__ import annotations

import datetime as dt
import json
import random
from pathlib import Path

from geo.actors import registry
from geo.schema import event_types

SYRIA = (36.0, 32.5, 42.0, 37.2)  # west, south, east, north
DEIR_EZ_ZOR = (39.5, 34.2, 41.3, 35.9)


def generate(n: int, seed: int = 1, bbox: tuple[float, float, float, float] = DEIR_EZ_ZOR,
             start: dt.date = dt.date(2016, 1, 1), years: int = 10) -> list[dict]:
    """`n` incident records in the shape of incidents.yaml, reproducible for a seed."""
    rng = random.Random(seed)
    actors = list(registry().actors)
    taxonomy = [(kind, sub) for kind, subs in event_types().items() for sub in subs]
    days = years * 365
    west, south, east, north = bbox
    records = []
    for index in range(n):
        date = start + dt.timedelta(days=rng.randrange(days))
        kind, sub = rng.choice(taxonomy)
        record = {
            "id": f"syn-{date.isoformat()}-{index:07d}",
            "date": date.isoformat(),
            "time_precision": rng.choice(["day", "day", "day", "week", "month"]),
            "event_type": kind,
            "sub_event_type": sub,
            "actor1": {"name": rng.choice(actors), "attribution": "reported"},
            "actor2": {"name": rng.choice(actors), "attribution": "reported"},
            "place": f"Place {index % 997}",
            "lat": round(rng.uniform(south, north), 5),
            "lon": round(rng.uniform(west, east), 5),
            "geo_precision": rng.choice(["site", "village", "town", "district"]),
            "fatalities": rng.choice([None, 0, 1, 2, 5, {"min": 10, "qualifier": "more_than"}]),
            "description": f"Synthetic incident {index} for benchmarks <b>not real</b>.",
            "sources": [{"publisher": "Bench", "url": f"https://example.org/{index}", "language": "en",
                         "quote": "synthetic"}],
            "status": rng.choice(["confirmed", "fair", "weak", "contested"]),
            "tags": ["synthetic"],
        }
        records.append({key: value for key, value in record.items() if value is not None})
    return records


def write_yaml(records: list[dict], path: Path) -> Path:
    """Write records as an incident YAML file (JSON flow style is valid YAML and fast to write)."""
    with open(path, "w", encoding="utf-8") as handle:
        for record in records:
            handle.write("- " + json.dumps(record, ensure_ascii=False) + "\n")
    return path
