"""Form values to records and back, as the dashboard's editor uses them."""

from __future__ import annotations

import datetime as dt

import pytest

from dashboard.curator import form_values, widget_state
from geo.editing import form_from_record, record_from_form
from geo.roundtrip import Document
from geo.validation import validate_incident
from tests.paths import SEED_RECORD

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
    record = record_from_form({**FORM, "fatalities_min": 0, "fatalities_max": 0, "fatalities_qualifier": "exact"})
    assert record["fatalities"] == 0


@pytest.mark.parametrize(("low", "high", "qualifier", "expected"), [
    (3, 3, "exact", 3),
    (5, None, "exact", {"min": 5}),
    (5, None, "more_than", {"min": 5, "qualifier": "more_than"}),
    (None, None, "dozens", {"qualifier": "dozens"}),
    (None, None, "exact", None),
    (2, 4, "about", {"min": 2, "max": 4, "qualifier": "about"}),
], ids=["exact", "open-ended", "more-than", "qualifier-only", "unknown", "range"])
def test_figures_keep_their_shape(low, high, qualifier, expected):
    values = {**FORM, "fatalities_min": low, "fatalities_max": high, "fatalities_qualifier": qualifier}
    assert record_from_form(values).get("fatalities") == expected


def test_seed_incidents_survive_form_round_trip():
    document = Document(SEED_RECORD.read_text("utf-8"), str(SEED_RECORD))
    for incident_id in document.ids():
        original = document.get(incident_id)
        again = record_from_form(form_from_record(original), original)
        first, _ = validate_incident(original, "a")
        second, _ = validate_incident(again, "b")
        first.pop("line"), second.pop("line")
        assert first == second, incident_id


def _source(number: int) -> dict:
    return {"publisher": f"Outlet {number}", "url": f"https://example.org/{number}", "language": "ar",
            "quote": f"نص {number}"}


HAND_MADE = {
    "dez-2024-03-05-001": {
        "id": "dez-2024-03-05-001", "date": "2024-03-05", "date_end": "2024-03-07", "time_precision": "day",
        "event_type": "Battles", "sub_event_type": "Armed clash",
        "actor1": {"name": "SDF", "attribution": "claimed"}, "actor2": "ISIS",
        "assoc_actor1": [{"name": "International Coalition", "attribution": "suspected"}, "Asayish"],
        "assoc_actor2": ["Civilians"],
        "place": "الشعفة", "lat": 34.5, "lon": 40.9, "geo_precision": "village",
        "fatalities": {"qualifier": "dozens"}, "injuries": {"min": 5, "qualifier": "more_than"},
        "sources": [_source(number) for number in range(7)], "status": "fair", "tags": ["x"],
        "last_edited_by": "Bob", "last_edited_at": "2024-03-08T10:00:00+00:00",
    },
    "dez-2024-03-06-001": {
        "id": "dez-2024-03-06-001", "date": "2024-03-06", "event_type": "Battles", "sub_event_type": "Armed clash",
        "actor1": "SDF", "place": "هجين", "lat": 34.7, "lon": 40.8, "geo_precision": "town",
        "fatalities": {"min": 5}, "injuries": {"qualifier": "several"}, "sources": [_source(1)], "status": "weak",
    },
}


def _seed_and_hand_made() -> dict[str, dict]:
    document = Document(SEED_RECORD.read_text("utf-8"), str(SEED_RECORD))
    return {**{incident_id: document.get(incident_id) for incident_id in document.ids()}, **HAND_MADE}


def _as_the_dashboard_shows(original: dict) -> dict:
    """Form values as the editor has them after loading the incident: through its widgets' state."""
    values = form_values(widget_state(form_from_record(original)))
    values["id"] = original["id"]  # the editor saves under the id it loaded
    return values


@pytest.mark.parametrize(("incident_id", "original"), list(_seed_and_hand_made().items()),
                         ids=list(_seed_and_hand_made()))
def test_saving_an_unchanged_form_loses_nothing(incident_id, original):
    assert record_from_form(_as_the_dashboard_shows(original), original) == original


@pytest.mark.parametrize(("field", "value", "expected"), [
    ("description", "Rewritten.", {"description": "Rewritten."}),
    ("fatalities_max", 30, {"fatalities": {"max": 30, "qualifier": "dozens"}}),
    ("actor1_attribution", "reported", {"actor1": {"name": "SDF", "attribution": "reported"}}),
    ("tags", "x, y", {"tags": ["x", "y"]}),
], ids=["text", "figure", "actor", "tags"])
def test_a_changed_field_changes_only_that_field(field, value, expected):
    original = HAND_MADE["dez-2024-03-05-001"]
    values = {**_as_the_dashboard_shows(original), field: value}
    assert record_from_form(values, original) == {**original, **expected}


def test_a_changed_source_keeps_the_sources_the_form_does_not_show():
    original = HAND_MADE["dez-2024-03-05-001"]
    values = _as_the_dashboard_shows(original)
    values["sources"][1] = {**values["sources"][1], "quote": "نص آخر"}
    record = record_from_form(values, original)
    assert record["sources"][1] == {**original["sources"][1], "quote": "نص آخر"}
    assert record["sources"][:1] + record["sources"][2:] == original["sources"][:1] + original["sources"][2:]


def test_emptied_field_is_removed():
    original = HAND_MADE["dez-2024-03-05-001"]
    values = {**_as_the_dashboard_shows(original), "fatalities_qualifier": "exact"}
    record = record_from_form(values, original)
    assert "fatalities" not in record and record["date_end"] == "2024-03-07"
