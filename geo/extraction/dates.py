"""Dates in article text, resolved against the publication date.

Explicit dates in either script ("٧ آذار/مارس", "March 27", "22 April, 2024"),
relative days ("أمس", "last night", "this morning"), weekday names (the last
such day on or before publication) and "the next day". The precision is
honest: a resolved day is ``day``; "last week" is ``week``; a sentence without
any date cue inherits the article's running date at ``week`` precision.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

from geo.extraction.cues import PhraseSet, cues, labelled_set, phrase_set, word_set
from geo.extraction.sentences import Token
from geo.textnorm import is_arabic, normalise


@dataclass(frozen=True)
class DateCue:
    """A date found in a sentence, how precise it is, and how it was found."""

    date: dt.date
    precision: str  # day | week | month
    how: str        # explicit | relative | weekday | next_day | inherited


@cache
def _sets() -> dict[str, PhraseSet]:
    """Month and weekday names labelled by number, relative days labelled (days back, precision)."""
    relative_phrases, relative_labels = [], []
    for entry in cues()["dates"]["relative"]:
        for phrase in (*entry.get("ar", ()), *entry.get("en", ())):
            relative_phrases.append(phrase)
            relative_labels.append((entry["days"], entry.get("precision", "day")))
    return {
        "months": labelled_set("dates", "months"),
        "weekdays": labelled_set("dates", "weekdays"),
        "relative": PhraseSet(relative_phrases, relative_labels),
        "next_day": phrase_set("dates", "next_day"),
        "this_month": phrase_set("dates", "this_month"),
        "day_alone_after": phrase_set("dates", "day_alone_after"),
    }


_ORDINAL_DIGITS = re.compile(r"^(\d{1,2})(?:st|nd|rd|th)$")


def _number(token: Token) -> int | None:
    """A number written in digits ("12", "١٢", "12th") or an ordinal day word ("الثالث", "third")."""
    if token.norm.isdigit() and len(token.norm) <= 4:
        return int(token.norm)
    ordinal = _ORDINAL_DIGITS.match(token.norm)
    if ordinal:
        return int(ordinal.group(1))
    return _ordinal_words().get(token.norm)


@cache
def _ordinal_words() -> dict[str, int]:
    ordinals = cues()["dates"]["ordinals"]
    return {normalise(str(word)): int(number) for script in ("ar", "en") for word, number in ordinals[script].items()}


def _day_before(tokens: Sequence[Token], index: int) -> int | None:
    """The day written before a month at ``index``: "12 March", "١٠ من آذار", "the 12th of this month"."""
    if index > 0 and (number := _number(tokens[index - 1])) is not None:
        return number
    if index > 1 and tokens[index - 1].norm in word_set("dates", "day_of"):
        return _number(tokens[index - 2])
    return None


def _is_month_use(token: Token) -> bool:
    """An English month name counts only capitalised: "12 may have died" is no date, "12 May" is."""
    return token.is_capitalised or is_arabic(token.norm)


def _explicit(tokens: Sequence[Token], published: dt.date | None) -> dt.date | None:
    months, this_month = _sets()["months"], _sets()["this_month"]
    for index in range(len(tokens)):
        hit = months.match_at(tokens, index)
        if hit and not _is_month_use(tokens[index]):
            continue
        if not hit and published is not None and (current := this_month.match_at(tokens, index)):
            hit = current[0], published.month  # "الشهر الجاري", "this month": a day before it is needed
            if _day_before(tokens, index) is None:
                continue
        if not hit:
            continue
        length, month = hit
        day = year = None
        before = _day_before(tokens, index)
        after = _number(tokens[index + length]) if index + length < len(tokens) else None
        if before is not None and 1 <= before <= 31:
            day = before
            if after is not None and after > 1900:
                year = after
        elif after is not None and 1 <= after <= 31:
            day = after
            later = index + length + 1
            while later < len(tokens) and tokens[later].is_punct:
                later += 1
            if later < len(tokens) and (_number(tokens[later]) or 0) > 1900:
                year = _number(tokens[later])
        if day is None:
            continue
        # "٧ آذار/مارس": the second month name of a pair is skipped by the day check above
        if year is None:
            if published is None:
                continue
            year = published.year
            if dt.date(year, month, min(day, 28)) > published + dt.timedelta(days=1):
                year -= 1
        try:
            return dt.date(year, month, day)
        except ValueError:
            continue
    return None


def _month_only(tokens: Sequence[Token], published: dt.date | None) -> dt.date | None:
    """"في شباط الماضي", "in June", "last April": a month without a day, dated mid-month."""
    if published is None:
        return None
    months = _sets()["months"]
    for index in range(len(tokens)):
        hit = months.match_at(tokens, index)
        if not hit:
            continue
        if not _is_month_use(tokens[index]):
            continue
        before = tokens[index - 1].norm if index else ""
        after = tokens[index + hit[0]].norm if index + hit[0] < len(tokens) else ""
        if _marks_month_only(before, after):
            year = published.year if hit[1] <= published.month else published.year - 1
            return dt.date(year, int(hit[1]), 15)
    return None


def _marks_month_only(before: str, after: str) -> bool:
    """The words next to a month name (normalised, "" at the sentence's edge) make it the event's month."""
    arabic, english = ("dates", "month_only", "ar"), ("dates", "month_only", "en")
    return after in word_set(*arabic, "after") or before in word_set(*english, "before") or \
        (before in word_set(*arabic, "before") and after not in ("", ","))


def find_date(tokens: Sequence[Token], published: dt.date | None, previous: DateCue | None) -> DateCue | None:
    """The date a sentence gives for its event, or None when it gives none.

    Parameters
    ----------
    tokens : sequence of Token
        The sentence.
    published : date, optional
        Publication date; relative dates need it.
    previous : DateCue, optional
        The date of the previous dated sentence ("the next day" counts from it).
    """
    explicit = _explicit(tokens, published)
    if explicit:
        return DateCue(explicit, "day", "explicit")
    month = _month_only(tokens, published)
    if month:
        return DateCue(month, "month", "explicit")
    sets = _sets()
    if previous and sets["next_day"].any_in(tokens):
        return DateCue(previous.date + dt.timedelta(days=1), previous.precision, "next_day")
    if published is None:
        return None
    relative = list(sets["relative"].find(tokens))
    weekday_hits = [hit for hit in sets["weekdays"].find(tokens) if _is_weekday_use(tokens, hit[0])]
    if weekday_hits:
        weekday = weekday_hits[0][2]
        back = (published.weekday() - weekday) % 7
        # "yesterday, Sunday" and "on Sunday" agree; a weekday is never in the future
        return DateCue(published - dt.timedelta(days=back), "day", "weekday")
    if relative:
        days, precision = max((label for _, _, label in relative), key=lambda label: label[0])
        return DateCue(published - dt.timedelta(days=days), precision, "relative")
    day = _day_of_this_month(tokens, published)
    if day is not None:
        return DateCue(day, "day", "explicit")
    year = _earlier_year(tokens, published)
    if year is not None:
        return DateCue(dt.date(year, 7, 1), "month", "explicit")
    return None


def _day_of_this_month(tokens: Sequence[Token], published: dt.date) -> dt.date | None:
    """"on the evening of the 5th": a day in digits and st/nd/rd/th, no month, no name after it."""
    cue = _sets()["day_alone_after"]
    for index in range(2, len(tokens)):
        ordinal = _ORDINAL_DIGITS.match(tokens[index].norm)
        if not ordinal or (cue.match_at(tokens, index - 2) or (0,))[0] != 2:
            continue
        if index + 1 < len(tokens) and tokens[index + 1].is_capitalised:
            continue  # "the 4th Division", "of the 17th Brigade"
        day = int(ordinal.group(1))
        month = published if day <= published.day else published.replace(day=1) - dt.timedelta(days=1)
        try:
            return month.replace(day=day)
        except ValueError:
            return None
    return None


def _earlier_year(tokens: Sequence[Token], published: dt.date) -> int | None:
    """A year before the publication's, named as one ("صيف عام 2022", "in 2019")."""
    marks = word_set("dates", "year_before")
    for index in range(1, len(tokens)):
        year = _number(tokens[index])
        if year is not None and 1900 < year < published.year and tokens[index - 1].norm in marks:
            return year
    return None


def _is_weekday_use(tokens: Sequence[Token], index: int) -> bool:
    """English short weekday names ("Sun", "Mon") count only capitalised, not as ordinary words."""
    token = tokens[index]
    if token.norm in word_set("dates", "short_weekdays"):
        return token.text[:1].isupper()
    return True
