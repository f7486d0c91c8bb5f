"""The words every export carries: period, filters, count, sources, coarsening, time made."""

from __future__ import annotations

from collections import Counter

import pandas as pd

from geo.export.options import ExportOptions
from geo.filters import describe

NO_MATCH = "no incidents match"


def period_text(frame: pd.DataFrame, options: ExportOptions) -> str:
    """The period shown: the filter's dates where set, else the span of the incidents."""
    flt = options.flt
    start = flt.date_from.isoformat() if flt.date_from else None
    end = flt.date_to.isoformat() if flt.date_to else None
    if len(frame):
        ends = frame["date_end"].fillna(frame["date"])
        start = start or frame["date"].min().date().isoformat()
        end = end or ends.max().date().isoformat()
    if not start and not end:
        return "all dates"
    if start == end:
        return str(start)
    return f"{start or '…'} to {end or '…'}"


def filters_text(options: ExportOptions) -> str:
    """The active filters in words, without the dates (the period is stated beside them)."""
    return describe(options.flt.with_changes(date_from=None, date_to=None))


def publishers(frame: pd.DataFrame) -> list[str]:
    """Publishers of the incidents' sources, most cited first."""
    counts: Counter[str] = Counter()
    for sources in frame["sources"]:
        for source in sources if isinstance(sources, list | tuple) else []:
            name = source.get("publisher") if isinstance(source, dict) else None
            if name:
                counts[str(name)] += 1
    return [name for name, _ in sorted(counts.items(), key=lambda item: (-item[1], item[0]))]


def count_text(count: int) -> str:
    if count == 0:
        return NO_MATCH
    return f"{count:,} incident{'s' if count != 1 else ''} shown"


def coarsening_text(options: ExportOptions) -> str:
    """What coarsening did, or an empty string when coordinates are exact."""
    if options.coarsen_km is None:
        return ""
    km = f"{options.coarsen_km:g}"
    return f"Locations coarsened to a {km} km grid for public release"


def made_text(options: ExportOptions) -> str:
    return "Made " + options.made_at.strftime("%Y-%m-%d %H:%M UTC")


def caption(frame: pd.DataFrame, options: ExportOptions) -> dict[str, object]:
    """Every caption field as plain values: the metadata block of data exports and the HTML caption."""
    return {
        "title": options.title,
        "subtitle": options.subtitle,
        "period": period_text(frame, options),
        "filters": describe(options.flt),
        "count": len(frame),
        "count_text": count_text(len(frame)),
        "sources": publishers(frame),
        "coarsen_km": options.coarsen_km,
        "coarsening": coarsening_text(options),
        "made_at": options.made_at.isoformat().replace("+00:00", "Z"),
    }
