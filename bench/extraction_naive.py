"""What a monitor's quick script would do with an article, as the baseline of bench.extraction.

Every gazetteer name (English, Arabic and the variants) found anywhere in the
text by plain case-insensitive substring search gives one draft at its place,
dated by the publication date when there is one, typed by the first trigger
word in the text (the extractor's own trigger list, found the same plain way).
No actors, no casualty figures, no sentences: the cost and accuracy to beat.
"""

from __future__ import annotations

import datetime as dt
from functools import cache

from geo.extraction import Draft
from geo.extraction.cues import cues
from geo.gazetteer import Place, gazetteer


@cache
def _names() -> tuple[tuple[Place, tuple[str, ...]], ...]:
    """Each place with its names folded once, as a script would before its loop."""
    return tuple((place, tuple(name.casefold() for name in place.names)) for place in gazetteer().places.values())


@cache
def _trigger_words() -> tuple[tuple[str, str], ...]:
    """(word, trigger kind) for every trigger word of extraction_cues.yaml, folded."""
    return tuple((str(word).casefold(), kind) for kind, spec in cues()["triggers"].items()
                 for word in (*(spec.get("ar") or []), *(spec.get("en") or [])))


def event_type_of(kind: str) -> str:
    """The event type a script would write for a trigger kind: the taxonomy's default for it."""
    events = cues()["events"]
    if kind in events["fixed"]:
        return events["fixed"][kind]["event_type"]
    default = {"attack": events["clash"], "killing": events["on_civilians"]}.get(kind, events["remote"])
    return default["event_type"]


def first_trigger(folded: str) -> str | None:
    """The kind of the trigger word that occurs first in the (case-folded) text, the longest at one position."""
    found = [(position, -len(word), kind) for word, kind in _trigger_words() if (position := folded.find(word)) >= 0]
    return min(found)[2] if found else None


def _published(published: str | None) -> str | None:
    try:
        return dt.date.fromisoformat(str(published).strip()[:10]).isoformat() if published else None
    except ValueError:
        return None


def naive_drafts(text: str, published: str | None = None, source_url: str | None = None,
                 publisher: str | None = None) -> list[Draft]:
    """One draft per gazetteer place whose name occurs in the text, in gazetteer order."""
    folded = text.casefold()
    kind = first_trigger(folded)
    event_type = event_type_of(kind) if kind else None
    date = _published(published)
    drafts = []
    for place, names in _names():
        if any(name in folded for name in names):
            record = {"place": place.name_en or place.name_ar, "gazetteer_id": place.id,
                      "lat": place.lat, "lon": place.lon, "geo_precision": place.precision,
                      "event_type": event_type, "date": date, "status": "draft",
                      "sources": [{"publisher": publisher or "unknown", "url": source_url}]}
            drafts.append(Draft({key: value for key, value in record.items() if value is not None}))
    return drafts
