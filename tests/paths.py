"""The incident records the tests read: the live, curated one and a frozen copy of it.

Curators edit incidents.yaml every day. A test that depends on the record's
content (counts, ids, particular incidents, a copy handed to the dashboard)
reads SEED_RECORD, a frozen copy, so that curating never turns the suite red.
Only the tests of what every curated record must be read LIVE_RECORD: it loads
strictly without problems, it is in canonical form and survives a round trip
byte for byte, and it holds every incident the seed article reports.
"""

from __future__ import annotations

from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
LIVE_RECORD = REPO / "incidents.yaml"
SEED_RECORD = REPO / "tests" / "data" / "seed.yaml"
