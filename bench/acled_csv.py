"""Synthetic ACLED-format CSV exports for the import and PostGIS benchmarks (streamed, never in git)."""

from __future__ import annotations

import csv
import datetime as dt
import random
from pathlib import Path

from bench.synthetic import SYRIA
from geo.importers.acled import COLUMNS
from geo.schema import event_types

# ACLED's spellings, each resolving onto a registry actor, plus one the registry lacks.
ACLED_ACTORS = (
    "Military Forces of Syria (2000-)", "Islamic State (Syria)", "SDF: Syrian Democratic Forces",
    "Military Forces of the United States (2021-)", "Military Forces of Russia (2000-)",
    "Military Forces of Israel (2022-)", "Civilians (Syria)", "Unidentified Armed Group (Syria)",
    "Hezbollah", "Liwa Fatemiyoun", "Kataib Hezbollah", "IRGC", "NDF: National Defense Forces",
    "Tribal Militia (Syria)",
)
PLACES = ("Al Mayadin", "Abu Kamal", "Deir-ez-Zor", "Hajin", "Thiban", "Sur", "Tadmor", "Raqqa", "Manbij")
PUBLISHERS = ("SOHR", "Deir Ezzor 24", "SANA", "North Press Agency", "Syria TV", "CENTCOM")


def acled_rows(n: int, seed: int = 1, start: dt.date = dt.date(2016, 1, 1), years: int = 10):
    """`n` ACLED export rows (dicts) over Syria and `years` years, reproducible for a seed."""
    rng = random.Random(seed)
    taxonomy = [(kind, sub) for kind, subs in event_types().items() for sub in subs]
    west, south, east, north = SYRIA
    days = years * 365
    for index in range(n):
        date = start + dt.timedelta(days=rng.randrange(days))
        kind, sub = rng.choice(taxonomy)
        place = rng.choice(PLACES)
        sources = rng.sample(PUBLISHERS, rng.choice((1, 1, 2, 3)))
        yield {
            "event_id_cnty": f"SYR{index:08d}", "event_date": date.isoformat(), "year": str(date.year),
            "time_precision": rng.choice("1112"), "disorder_type": "Political violence", "event_type": kind,
            "sub_event_type": sub, "actor1": rng.choice(ACLED_ACTORS),
            "assoc_actor_1": rng.choice(("", "", "", "Liwa Zainebiyoun")), "inter1": "1",
            "actor2": rng.choice(("", *ACLED_ACTORS)), "assoc_actor_2": "", "interaction": "12",
            "civilian_targeting": rng.choice(("", "", "", "Civilian targeting")), "iso": "760",
            "region": "Middle East", "country": "Syria", "admin1": "Deir-ez-Zor", "admin2": place,
            "admin3": place, "location": place, "latitude": f"{rng.uniform(south, north):.4f}",
            "longitude": f"{rng.uniform(west, east):.4f}", "geo_precision": rng.choice("1123"),
            "source": "; ".join(sources), "source_scale": "National",
            "notes": f"On {date:%d %B %Y}, synthetic event {index} near {place}; benchmark data, not real.",
            "fatalities": str(rng.choice((0, 0, 0, 1, 2, 3, 5, 12))), "tags": "",
            "timestamp": "1700000000",
        }


def write_acled_csv(path: Path, n: int, seed: int = 1) -> Path:
    """Write `n` synthetic rows in ACLED's export layout (streamed: memory does not grow with n)."""
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows(acled_rows(n, seed))
    return path
