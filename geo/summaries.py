"""Figures and counts shown beside the map and in exports."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd


@dataclass(frozen=True)
class Facets:
    """What the filters can offer for a whole record: its date span and its admin areas."""

    first_day: dt.date | None
    last_day: dt.date | None
    governorates: tuple[str, ...]
    districts: tuple[str, ...]


def facets(frame: pd.DataFrame) -> Facets:
    """The facets of a loaded record (a database computes the same with `PostgisStore.facets`)."""
    if len(frame) == 0:
        return Facets(None, None, (), ())
    return Facets(frame["date"].min().date(), frame["date_end"].fillna(frame["date"]).max().date(),
                  _distinct(frame["governorate"]), _distinct(frame["district"]))


def _distinct(values: pd.Series) -> tuple[str, ...]:
    return tuple(sorted(value for value in values.dropna().unique().tolist() if isinstance(value, str)))


def headline(frame: pd.DataFrame) -> dict:
    """Incidents, reported fatalities (minimum), period and distinct places."""
    if len(frame) == 0:
        return {"incidents": 0, "fatalities": 0, "unknown_fatalities": 0, "period": "—", "places": 0}
    start = frame["date"].min()
    end = frame["date_end"].fillna(frame["date"]).max()
    period = _period(start, end)
    return {
        "incidents": len(frame),
        "fatalities": int(frame["fatalities"].fillna(0).sum()),
        "unknown_fatalities": int(frame["fatalities"].isna().sum()),
        "period": period,
        "places": int(frame["place"].nunique()),
    }


_QUALIFIER_WORDS = {"more_than": "more than ", "at_least": "at least ", "about": "about ", "dozens": "dozens (",
                    "several": "several (", "up_to": "up to "}


def quantity_text(low: object, high: object, qualifier: str | None) -> str:
    """A reported figure in words, as the map popup says it (``quantity()`` in geo/static/incident_layer.js).

    Parameters
    ----------
    low : int or None
        The least the figure can be (``fatalities``); missing (None, NA, NaN) means not reported.
    high : int or None
        The most it can be (``fatalities_max``), for a range.
    qualifier : str or None
        One of the schema's ``quantity_qualifiers``; ``exact`` or None adds no word.

    Returns
    -------
    str
        ``"5"``, ``"3–7"``, ``"more than 20"``, ``"dozens (24)"`` or ``"unknown"``.
    """
    if _missing(low):
        return "unknown"
    low = int(low)
    # "more than 20" is stored as min 21 (the least it can be); say it as the source did.
    text = _QUALIFIER_WORDS.get(qualifier or "", "") + str(low - 1 if qualifier == "more_than" else low)
    if qualifier in ("dozens", "several"):
        text += ")"
    if not _missing(high) and int(high) != low:
        text += f"–{int(high)}"
    return text


def _missing(value: object) -> bool:
    """True for None, pandas NA and NaN."""
    return value is None or bool(pd.isna(value))


def _period(start: pd.Timestamp, end: pd.Timestamp) -> str:
    """A short period for a headline: 24–25 Aug 2022, 30 Aug – 2 Sep 2022, 3 Dec 2021 – 5 Jan 2022."""
    if start == end:
        return f"{start.day} {start:%b %Y}"
    if start.year != end.year:
        return f"{start.day} {start:%b %Y} – {end.day} {end:%b %Y}"
    if start.month != end.month:
        return f"{start.day} {start:%b} – {end.day} {end:%b %Y}"
    return f"{start.day}–{end.day} {end:%b %Y}"


def timeline_counts(frame: pd.DataFrame, unit: str | None = None) -> tuple[pd.DataFrame, str]:
    """Incidents per day (or week for long spans) and side, with the unit used."""
    if len(frame) == 0:
        return pd.DataFrame(columns=["period", "side", "count"]), unit or "day"
    span = (frame["date"].max() - frame["date"].min()).days
    unit = unit or ("day" if span <= 120 else "week")
    period = frame["date"].dt.to_period("W-SUN").dt.start_time if unit == "week" else frame["date"]
    counts = (
        pd.DataFrame({"period": period, "side": frame["side1"].fillna("Unidentified")})
        .groupby(["period", "side"]).size().rename("count").reset_index()
    )
    return counts, unit


def area_counts(frame: pd.DataFrame) -> pd.DataFrame:
    """Incidents and reported fatalities per governorate and district."""
    if len(frame) == 0:
        return pd.DataFrame(columns=["governorate", "district", "incidents", "fatalities"])
    grouped = (
        frame.assign(governorate=frame["governorate"].fillna("(unknown)"), district=frame["district"].fillna("(unknown)"))
        .groupby(["governorate", "district"])
        .agg(incidents=("id", "size"), fatalities=("fatalities", lambda s: int(s.fillna(0).sum())))
        .reset_index()
        .sort_values("incidents", ascending=False)
    )
    return grouped
