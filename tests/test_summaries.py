"""Headline figures, timeline and area counts beside the map."""

from __future__ import annotations

import pandas as pd
import pytest

import geo
from geo.summaries import area_counts, headline, quantity_text, timeline_counts
from tests.paths import SEED_RECORD


@pytest.fixture(scope="module")
def seed():
    return geo.load_incidents(SEED_RECORD, strict=True)


def test_headline_counts_unknown_fatalities_apart(seed):
    figures = headline(seed)
    assert figures["incidents"] == len(seed)
    assert figures["fatalities"] == int(seed["fatalities"].sum())
    assert figures["unknown_fatalities"] == int(seed["fatalities"].isna().sum()) > 0
    assert figures["period"] == "24–25 Aug 2022"
    assert headline(seed.iloc[0:0])["period"] == "—"


def test_timeline_counts_by_day_and_side(seed):
    counts, unit = timeline_counts(seed)
    assert unit == "day" and counts["count"].sum() == len(seed)
    coalition = counts[(counts["side"] == "International Coalition")]
    assert coalition["count"].sum() == (seed["side1"] == "International Coalition").sum()


def test_long_spans_count_by_week(seed):
    spread = seed.copy()
    spread.loc[spread.index[0], "date"] = pd.Timestamp("2021-01-04")
    counts, unit = timeline_counts(spread)
    assert unit == "week" and counts["count"].sum() == len(seed)
    assert (counts["period"].dt.day_of_week == 0).all()  # weeks start on Monday


def test_area_counts(seed):
    table = area_counts(seed)
    assert table["incidents"].sum() == len(seed)
    assert table.iloc[0]["incidents"] == table["incidents"].max()


@pytest.mark.parametrize(
    ("low", "high", "qualifier", "text"),
    [
        (5, None, None, "5"),
        (5, None, "exact", "5"),
        (5, 5, "exact", "5"),
        (0, None, None, "0"),
        (3, 7, None, "3–7"),
        (21, None, "more_than", "more than 20"),  # stored as n + 1, said as the source did
        (21, 30, "more_than", "more than 20–30"),
        (10, None, "at_least", "at least 10"),
        (4, None, "about", "about 4"),
        (24, None, "dozens", "dozens (24)"),
        (24, 50, "dozens", "dozens (24)–50"),
        (3, None, "several", "several (3)"),
        (9, None, "up_to", "up to 9"),
        (None, None, None, "unknown"),
        (pd.NA, pd.NA, None, "unknown"),
        (float("nan"), None, "more_than", "unknown"),
    ],
    ids=["exact-bare", "exact", "exact-equal-max", "zero", "range", "more-than", "more-than-range",
         "at-least", "about", "dozens", "dozens-range", "several", "up-to", "unknown", "unknown-na", "unknown-nan"],
)
def test_quantity_text_says_figures_as_the_popup_does(low, high, qualifier, text):
    assert quantity_text(low, high, qualifier) == text


def test_facets_span_every_day_and_list_the_areas():
    import datetime as dt

    from geo import facets, load_incidents

    frame = load_incidents(SEED_RECORD)
    found = facets(frame)
    assert (found.first_day, found.last_day) == (dt.date(2022, 8, 24), dt.date(2022, 8, 25))
    assert found.governorates == ("Deir ez-Zor",) and "Al-Mayadin" in found.districts
    assert list(found.districts) == sorted(set(frame["district"].dropna()))
    spanning = frame.copy()
    spanning.loc[spanning.index[0], "date_end"] = pd.Timestamp("2022-09-03")
    assert facets(spanning).last_day == dt.date(2022, 9, 3)
    assert facets(frame.iloc[0:0]).first_day is None
