"""Casualty figures: fatalities and injuries with digits in either script, words and qualifiers."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache

from geo.extraction.cues import PhraseSet, cues, labelled_set, phrase_set, prefixes, word_set
from geo.extraction.sentences import Token
from geo.textnorm import normalise


@cache
def _words() -> dict[str, int]:
    spec = cues()["numbers"]
    return {normalise(str(key)): int(value) for language in ("ar", "en") for key, value in spec[language].items()}


def _qualifiers() -> PhraseSet:
    """Words that qualify a figure, labelled more_than, at_least or about."""
    return labelled_set("numbers", "qualifiers")


@cache
def _dual_nouns() -> frozenset[str]:
    """Dual nouns that count as 2 ("عنصرين", "شخصان"), normalised once."""
    return frozenset(normalise(word) for word in cues()["numbers"]["dual_nouns"])


def number_at(tokens: Sequence[Token], index: int) -> int | str | None:
    """The count a token stands for: digits, a number word, a dual noun (2), or "dozens"."""
    token = tokens[index]
    norm = token.norm
    if norm.isdigit() and len(norm) <= 5:
        return int(norm)
    words = _words()
    for form in token.forms:
        if form in words:
            return words[form]
    if norm in _dual_nouns():
        return 2
    if phrase_set("numbers", "dozens").match_at(tokens, index):
        return "dozens"
    return None


def quantity(value: int | str, qualifier: str | None) -> int | dict:
    """A figure in the schema's shape: a plain number, or {min, qualifier}."""
    if value == "dozens":
        return {"min": 24, "qualifier": "dozens"}
    if qualifier == "more_than":
        return {"min": int(value) + 1, "qualifier": "more_than"}
    if qualifier in ("at_least", "about"):
        return {"min": int(value), "qualifier": qualifier}
    return int(value)


def find_casualties(tokens: Sequence[Token], start: int = 0, end: int | None = None) -> dict[str, int | dict]:
    """Fatalities and injuries reported in ``tokens[start:end]``, as schema quantities.

    A figure counts when it sits within a few tokens of a kill or injury word
    ("مقتل 3 عناصر", "قُتل ١٢ شخصاً", "five soldiers ... were killed", "killing 2");
    a singular noun right after a kill word means one ("قُتل مواطن", "a fighter was
    killed"). Nothing is reported as 0: an unknown figure stays out.
    """
    end = len(tokens) if end is None else end
    window = int(cues()["casualties"]["window"])
    found: dict[str, int | dict] = {}
    used: set[int] = set()
    qualifiers = _qualifiers()
    singular = phrase_set("casualties", "singular")
    conjunctions = word_set("conjunctions", "and")
    attached, not_attached = prefixes("conjunctions", "attached"), word_set("conjunctions", "not_attached", "casualties")
    for field, key in (("fatalities", "killed"), ("injuries", "injured")):
        words = phrase_set("casualties", key)
        for index in range(start, end):
            if not words.match_at(tokens, index) or field in found:
                continue
            best = None
            for distance in range(1, window + 1):
                for position in (index + distance, index - distance):
                    if start <= position < end and position not in used and best is None:
                        between = tokens[min(position, index) + 1:max(position, index)]
                        if any(t.is_punct or t.norm in conjunctions or t.norm.startswith(attached) and len(t.norm) > 2
                               and t.norm not in not_attached for t in between):
                            continue
                        value = number_at(tokens, position)
                        if value is not None and not _is_year_or_time(tokens, position):
                            best = (position, value)
                if best:
                    break
            if best is None:
                for position in (index + 1, index - 1, index - 2):
                    if start <= position < end and singular.match_at(tokens, position):
                        best = (position, 1)
                        break
            if best is None:
                continue
            position, value = best
            used.add(position)
            qualifier = None
            for back in range(max(start, position - 4), position):
                hit = qualifiers.match_at(tokens, back)
                if hit:
                    qualifier = hit[1]
            if position + 1 < end and qualifiers.match_at(tokens, position + 1) and \
                    qualifiers.match_at(tokens, position + 1)[1] == "at_least":
                qualifier = "at_least"
            if position + 2 < end and qualifiers.match_at(tokens, position + 2) and \
                    qualifiers.match_at(tokens, position + 2)[1] == "at_least":
                qualifier = "at_least"
            found[field] = quantity(value, qualifier)
    return found


def _is_year_or_time(tokens: Sequence[Token], index: int) -> bool:
    norm = tokens[index].norm
    if norm.isdigit() and (len(norm) == 4 or (index + 1 < len(tokens) and tokens[index + 1].text == ":")):
        return True
    return index > 0 and tokens[index - 1].text == ":"
