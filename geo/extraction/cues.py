"""Cue word lists from geo/data/extraction_cues.yaml and place_words.yaml, matched against tokens."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import cache

from geo.extraction.sentences import Token
from geo.schema import read_data_file
from geo.textnorm import normalise


class PhraseSet:
    """Multi-word phrases matched at a token position, Arabic clitics allowed on the first word."""

    def __init__(self, phrases: Iterable[str], labels: Iterable[object] | None = None) -> None:
        self._by_first: dict[str, list[tuple[tuple[str, ...], object]]] = {}
        phrases = list(phrases)
        labels = list(labels) if labels is not None else phrases
        for phrase, label in zip(phrases, labels, strict=True):
            words = tuple(word.replace(" ", "") for word in normalise(str(phrase)).split())
            if words:
                self._by_first.setdefault(words[0], []).append((words, label))
        for entries in self._by_first.values():
            entries.sort(key=lambda entry: -len(entry[0]))

    def match_at(self, tokens: Sequence[Token], index: int) -> tuple[int, object] | None:
        """(length, label) of the longest phrase starting at ``tokens[index]``, or None."""
        token = tokens[index]
        for form in token.forms:
            for words, label in self._by_first.get(form, ()):
                end = index + len(words)
                if end <= len(tokens) and all(tokens[index + k].norm == words[k] for k in range(1, len(words))):
                    return len(words), label
        return None

    def find(self, tokens: Sequence[Token]) -> list[tuple[int, int, object]]:
        """Every non-overlapping (start, end, label) in the tokens, longest first at each position."""
        found = []
        index = 0
        while index < len(tokens):
            hit = self.match_at(tokens, index)
            if hit:
                found.append((index, index + hit[0], hit[1]))
                index += hit[0]
            else:
                index += 1
        return found

    def any_in(self, tokens: Sequence[Token], start: int = 0, end: int | None = None) -> bool:
        end = len(tokens) if end is None else end
        return any(self.match_at(tokens, index) for index in range(max(0, start), min(end, len(tokens))))


def _both(spec: dict) -> list[str]:
    return [*(spec.get("ar") or []), *(spec.get("en") or [])]


def _phrases(node: dict | list) -> list[str]:
    """The phrases of an {ar, en} mapping, of a list of such mappings (their union), or of a plain list."""
    if isinstance(node, dict):
        return _both(node)
    return [phrase for item in node for phrase in (_both(item) if isinstance(item, dict) else [item])]


@cache
def cues() -> dict:
    """The raw cue data."""
    return read_data_file("extraction_cues.yaml")


@cache
def place_words() -> dict:
    return read_data_file("place_words.yaml")


@cache
def phrase_set(*path: str) -> PhraseSet:
    """The phrases at ``path`` in the cue files (both languages), e.g. ``("roles", "target_before")``.

    A list of {ar, en} mappings (place_words.yaml's ``area``) gives the union of their phrases.
    """
    source = place_words() if path[0] in place_words() else cues()
    node = source
    for key in path:
        node = node[key]
    return PhraseSet(_phrases(node))


@cache
def area_set(feature: str) -> PhraseSet:
    """The area words of one feature in place_words.yaml, e.g. ``"countryside"`` (ريف, countryside)."""
    return PhraseSet(_phrases([spec for spec in place_words()["area"] if spec.get("feature") == feature]))


@cache
def labelled_set(*path: str) -> PhraseSet:
    """Phrases labelled by their group, for a mapping of groups to {ar, en} lists."""
    node = cues()
    for key in path:
        node = node[key]
    phrases, labels = [], []
    for label, spec in node.items():
        words = _both(spec) if isinstance(spec, dict) else list(spec)
        phrases.extend(words)
        labels.extend([label] * len(words))
    return PhraseSet(phrases, labels)
