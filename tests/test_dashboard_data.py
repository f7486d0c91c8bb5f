"""The dashboard's cached map: rebuilt when the record, filter, view or drafts change, reused otherwise."""

from __future__ import annotations

import shutil

from dashboard.data import record_map
from geo import IncidentFilter, MapView
from geo.frame import records_to_frame
from geo.validation import validate_incidents
from tests.paths import SEED_RECORD

RECORD = SEED_RECORD  # any valid record will do: the frozen copy, which curating never changes


def _drafts(description: str):
    raw = {"id": "draft-2024-03-06-001", "date": "2024-03-06", "event_type": "Explosions/Remote violence",
           "sub_event_type": "Air/drone strike", "actor1": "International Coalition", "place": "Al-Mayadin",
           "lat": 35.0163, "lon": 40.4531, "geo_precision": "town", "status": "draft", "description": description,
           "sources": [{"publisher": "SY24", "url": "https://example.org/a"}]}
    records, problems = validate_incidents([raw], "drafts")
    assert records, problems
    return records_to_frame(records)


def test_the_map_with_drafts_is_built_once_per_drafts(tmp_path):
    path = tmp_path / "incidents.yaml"
    shutil.copy(RECORD, path)
    flt, view = IncidentFilter(), MapView()
    first = record_map(path, flt, view, _drafts("strike on a depot"))
    assert record_map(path, flt, view, _drafts("strike on a depot")) is first  # an equal frame: reused
    changed = record_map(path, flt, view, _drafts("strike on a convoy"))
    assert changed is not first
    assert "strike on a convoy" in changed.get_root().render()
    assert record_map(path, flt, view) is not first  # without drafts: its own map
