"""Headline figures, timeline and area counts beside the map."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import geo
from geo.summaries import area_counts, headline, timeline_counts

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def seed():
    return geo.load_incidents(REPO / "incidents.yaml", strict=True)


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
