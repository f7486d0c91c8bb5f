"""Form values to records and back, as the dashboard's editor uses them."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from geo.editing import form_from_record, record_from_form
from geo.roundtrip import Document
from geo.validation import validate_incident

REPO = Path(__file__).resolve().parents[1]

FORM = {
    "id": "dez-2024-03-05-001", "date": dt.date(2024, 3, 5), "time_precision": "day",
    "event_type": "Explosions/Remote violence", "sub_event_type": "Air/drone strike",
    "actor1_name": "International Coalition", "actor1_attribution": "claimed",
    "actor2_name": "", "place": "  al-Hiri ", "lat": 34.4312, "lon": 40.9721, "geo_precision": "village",
    "fatalities_min": 20, "fatalities_max": None, "fatalities_qualifier": "more_than",
    "injuries_min": None, "injuries_max": None, "injuries_qualifier": "exact",
    "description": "A strike.", "status": "weak", "tags": "a, b ,",
    "sources": [{"publisher": "SY24", "url": "https://example.org/x", "quote": "نص", "language": "ar"},
                {"publisher": "", "url": "", "quote": ""}],
}


def test_form_becomes_a_valid_record_without_empty_fields():
    record = record_from_form(FORM)
    assert list(record)[:3] == ["id", "date", "time_precision"]
    assert record["place"] == "al-Hiri" and "actor2" not in record and "injuries" not in record
    assert record["fatalities"] == {"min": 20, "qualifier": "more_than"}
    assert record["tags"] == ["a", "b"] and len(record["sources"]) == 1
    clean, problems = validate_incident(record, "form")
    assert clean is not None and problems == []


def test_exact_figure_is_a_bare_number_and_zero_is_kept():
    record = record_from_form({**FORM, "fatalities_min": 0, "fatalities_qualifier": "exact"})
    assert record["fatalities"] == 0


def test_seed_incidents_survive_form_round_trip():
    document = Document((REPO / "incidents.yaml").read_text("utf-8"), "incidents.yaml")
    for incident_id in document.ids():
        original = document.get(incident_id)
        again = record_from_form(form_from_record(original))
        first, _ = validate_incident(original, "a")
        second, _ = validate_incident(again, "b")
        first.pop("line"), second.pop("line")
        assert first == second, incident_id
