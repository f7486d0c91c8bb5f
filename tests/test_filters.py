"""The one filter implementation: each criterion alone and combined."""

from __future__ import annotations

import datetime as dt

import pytest

import geo
from geo.areas import decode_area, encode_area
from geo.filters import IncidentFilter, apply_filter, describe
from tests.paths import SEED_RECORD


@pytest.fixture(scope="module")
def seed():
    return geo.load_incidents(SEED_RECORD, strict=True)


def ids(frame) -> set[str]:
    return set(frame["id"])


def test_empty_filter_keeps_everything(seed):
    assert len(apply_filter(seed, IncidentFilter())) == len(seed)


@pytest.mark.parametrize(("role", "expected_side"), [("acted", "side1"), ("targeted", "side2")])
def test_side_by_role(seed, role, expected_side):
    shown = apply_filter(seed, IncidentFilter(sides=("International Coalition",), role=role))
    assert len(shown) > 0
    assert (shown[expected_side] == "International Coalition").all()


def test_side_any_role_is_union(seed):
    acted = ids(apply_filter(seed, IncidentFilter(sides=("International Coalition",), role="acted")))
    targeted = ids(apply_filter(seed, IncidentFilter(sides=("International Coalition",), role="targeted")))
    either = ids(apply_filter(seed, IncidentFilter(sides=("International Coalition",))))
    assert either == acted | targeted and acted and targeted


def test_actor_filter_includes_associated_actors(seed):
    shown = apply_filter(seed, IncidentFilter(actors=("Civilians",), role="targeted"))
    assert ids(shown) == {"dez-2022-08-25-015"}


def test_date_range_overlaps_spans(seed):
    shown = apply_filter(seed, IncidentFilter(date_from=dt.date(2022, 8, 24), date_to=dt.date(2022, 8, 24)))
    assert ids(shown) == {"dez-2022-08-24-001", "dez-2022-08-24-002"}
    spanning = seed.copy()
    spanning.loc[spanning["id"] == "dez-2022-08-24-001", "date_end"] = spanning["date"].max() + dt.timedelta(days=3)
    later = apply_filter(spanning, IncidentFilter(date_from=dt.date(2022, 8, 27)))
    assert ids(later) == {"dez-2022-08-24-001"}


def test_text_search_ignores_arabic_variants_and_case(seed):
    plain = ids(apply_filter(seed, IncidentFilter(text="الميادين")))
    assert plain
    assert ids(apply_filter(seed, IncidentFilter(text="المَيادين"))) == plain  # diacritics
    def found(text: str) -> set[str]:
        return ids(apply_filter(seed, IncidentFilter(text=text)))

    assert found("قلعه الرحبه") == found("قلعة الرحبة")
    assert found("FATEMIYOUN") == found("fatemiyoun")
    assert not len(apply_filter(seed, IncidentFilter(text="Raqqa")))


def test_bbox_and_drawn_area(seed):
    bukamal_box = (40.5, 34.2, 41.2, 34.6)
    in_box = ids(apply_filter(seed, IncidentFilter(bbox=bukamal_box)))
    assert in_box and all(seed.set_index("id").loc[i, "district"] == "Al-Bukamal" for i in in_box)
    west, south, east, north = bukamal_box
    ring = [[west, south], [east, south], [east, north], [west, north], [west, south]]
    assert ids(apply_filter(seed, IncidentFilter(area_wkt=decode_area(encode_area(ring))))) == in_box


def test_combined_filters_are_and(seed):
    shown = apply_filter(seed, IncidentFilter(actors=("IRGC",), text="الرحبة"))
    assert ids(shown) == {"dez-2022-08-25-014"}


def test_min_fatalities_and_type_and_precision(seed):
    assert ids(apply_filter(seed, IncidentFilter(min_fatalities=20))) == {"dez-2022-08-25-004"}
    strategic = apply_filter(seed, IncidentFilter(event_types=("Strategic developments",)))
    assert (strategic["event_type"] == "Strategic developments").all() and len(strategic) >= 8
    assert (apply_filter(seed, IncidentFilter(precisions=("district",)))["geo_precision"] == "district").all()


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"role": "victim"}, "role was 'victim'"),
    ({"bbox": (41.0, 34.0, 40.0, 35.0)}, "west<east"),
])
def test_bad_filter_values_are_rejected(kwargs, message):
    with pytest.raises(ValueError, match=message):
        IncidentFilter(**kwargs)


def test_bad_area_text_is_ignored():
    assert decode_area("1,2;x") is None and decode_area("1,2;3,4") is None and decode_area("") is None


def test_describe_names_every_active_filter():
    text = describe(IncidentFilter(date_from=dt.date(2022, 8, 1), sides=("ISIS",), role="acted", text="mine"))
    assert "2022-08-01" in text and "ISIS (acting)" in text and "mine" in text
    assert describe(IncidentFilter()) == "all incidents"
