"""Cue word lists from geo/data/extraction_cues.yaml and place_words.yaml, matched against tokens."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import cache
from pathlib import Path

import yaml

from geo.errors import GeoError
from geo.extraction.sentences import Token
from geo.schema import DATA_DIR, event_types, read_data_file
from geo.textnorm import normalise

CUES_FILE = DATA_DIR / "extraction_cues.yaml"


class CueError(GeoError):
    """The cue file names an event type, trigger kind or weapon the extractor cannot use."""


class PhraseSet:
    """Multi-word phrases matched at a token position, Arabic clitics allowed on the first word.

    ``suffixes`` are endings a one-word phrase may also carry ("استهداف" in
    "استهدافهم"), provided three letters stay before them.
    """

    def __init__(self, phrases: Iterable[str], labels: Iterable[object] | None = None,
                 suffixes: Iterable[str] = ()) -> None:
        self._by_first: dict[str, list[tuple[tuple[str, ...], object]]] = {}
        self._suffixes = tuple(normalise(suffix) for suffix in suffixes)
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
        for form in token.forms:
            for suffix in self._suffixes:
                if form.endswith(suffix) and len(form) - len(suffix) >= 3:
                    for words, label in self._by_first.get(form[:-len(suffix)], ()):
                        if len(words) == 1:
                            return 1, label
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
    """The raw cue data of geo/data/extraction_cues.yaml, checked as `load_cues` does."""
    return load_cues(CUES_FILE)


def load_cues(path: str | Path) -> dict:
    """Read a cue file and check its ``events`` section; a CueError lists every problem at once."""
    with open(path, encoding="utf-8") as handle:
        data = yaml.safe_load(handle)
    problems = cue_problems(data)
    if problems:
        raise CueError("\n".join(f"{path}: {problem}" for problem in problems))
    return data


def cue_problems(data: dict) -> list[str]:
    """What is wrong with the ``events`` section of cue data, as "key: problem — fix" lines."""
    events = data.get("events") if isinstance(data, dict) else None
    if not isinstance(events, dict):
        return ["events: missing — the section mapping trigger kinds to event types is required"]
    problems = []
    for kind, spec in (events.get("fixed") or {}).items():
        problems += _pair_problems(f"events.fixed.{kind}", spec)
    for name in ("clash", "on_civilians"):
        problems += _pair_problems(f"events.{name}", events.get(name))
    remote = events.get("remote") or {}
    by_weapon = remote.get("by_weapon") or {}
    problems += _taxonomy_problems("events.remote", remote.get("event_type"),
                                   {f"events.remote.by_weapon.{weapon}": sub for weapon, sub in by_weapon.items()})
    problems += _kind_problems("events.at_destination", events.get("at_destination"), data.get("triggers") or {})
    problems += _kind_problems("moved_casualties.kinds", (data.get("moved_casualties") or {}).get("kinds"),
                               data.get("triggers") or {})
    families = events.get("families") or {}
    for kind in data.get("triggers") or {}:
        if kind not in families:
            problems.append(f"events.families: trigger kind {kind!r} has no family — add `{kind}: <family>`")
    for key in ("no_victim", "needs_doer"):
        for family in events.get(key) or []:
            if family not in families.values():
                problems.append(f"events.{key}: {family!r} is not a family (one of "
                                f"{', '.join(sorted(set(map(str, families.values()))))}) — use one of those")
    for weapon in data.get("weapons") or {}:
        if weapon not in by_weapon:
            problems.append(f"events.remote.by_weapon: weapon family {weapon!r} has no sub-event type — "
                            f"add `{weapon}: <sub-event type>`")
    return problems + _non_text_words(data, "")


def _kind_problems(key: str, kinds: object, triggers: dict) -> list[str]:
    """Problems of a list that must hold trigger kinds."""
    if not isinstance(kinds, list):
        return [f"{key}: expected a list of trigger kinds, got {kinds!r} — list kinds under `triggers`"]
    return [f"{key}: {kind!r} is not a trigger kind (one of {', '.join(map(str, triggers))}) — "
            "use a kind under `triggers`" for kind in kinds if kind not in triggers]


def _non_text_words(node: object, key: str) -> list[str]:
    """Words of the cue lists that YAML did not read as text (``on``, ``no``, ``yes`` read as true/false)."""
    if isinstance(node, dict):
        return [problem for name, child in node.items() for problem in _non_text_words(child, f"{key}.{name}".lstrip("."))]
    if isinstance(node, list):
        return [f"{key}: {item!r} is not text — quote it (YAML reads on/off/yes/no as true/false)"
                for item in node if not isinstance(item, (str, dict, list))] + \
            [problem for item in node if isinstance(item, (dict, list)) for problem in _non_text_words(item, key)]
    return []


def _pair_problems(key: str, spec: object) -> list[str]:
    """Problems of an {event_type, sub_event_type} mapping."""
    if not isinstance(spec, dict):
        return [f"{key}: expected {{event_type: ..., sub_event_type: ...}}, got {spec!r}"]
    return _taxonomy_problems(key, spec.get("event_type"), {f"{key}.sub_event_type": spec.get("sub_event_type")})


def _taxonomy_problems(key: str, event_type: object, subs: dict[str, object]) -> list[str]:
    """Problems of an event type and of its sub-event types (keyed by where each is given)."""
    taxonomy = event_types()
    fix = "use a name from geo/data/event_types.yaml"
    if not isinstance(event_type, str) or event_type not in taxonomy:
        return [f"{key}.event_type: {event_type!r} is not an event type (one of {', '.join(taxonomy)}) — {fix}"]
    allowed = taxonomy[event_type]
    return [f"{where}: {sub!r} is not a sub-event type of {event_type!r} (one of {', '.join(allowed)}) — {fix}"
            for where, sub in subs.items() if sub not in allowed]


def _at(data: dict, path: tuple[str, ...]) -> object:
    """The entry at a path of keys in a cue file's data."""
    for key in path:
        data = data[key]
    return data


@cache
def word_set(*path: str) -> frozenset[str]:
    """The normalised single words at ``path`` in the cue file, for a plain test of a token's ``norm``.

    Unlike a PhraseSet these match no clitics and no multi-word phrases.
    """
    return frozenset(normalise(str(word)) for word in _phrases(_at(cues(), path)))


@cache
def prefixes(*path: str) -> tuple[str, ...]:
    """The normalised words at ``path`` for ``str.startswith``: Arabic words written onto the next one (و, ب, ل)."""
    return tuple(sorted(word_set(*path)))


@cache
def place_words() -> dict:
    return read_data_file("place_words.yaml")


@cache
def phrase_set(*path: str) -> PhraseSet:
    """The phrases at ``path`` in the cue files (both languages), e.g. ``("roles", "target_before")``.

    A list of {ar, en} mappings (place_words.yaml's ``area``) gives the union of their phrases.
    """
    return PhraseSet(_phrases(_at(place_words() if path[0] in place_words() else cues(), path)))


@cache
def area_set(feature: str) -> PhraseSet:
    """The area words of one feature in place_words.yaml, e.g. ``"countryside"`` (ريف, countryside)."""
    return PhraseSet(_phrases([spec for spec in place_words()["area"] if spec.get("feature") == feature]))


@cache
def labelled_set(*path: str, suffixes: tuple[str, ...] = ()) -> PhraseSet:
    """Phrases labelled by their group, for a mapping of groups to {ar, en} lists."""
    node = _at(cues(), path)
    phrases, labels = [], []
    for label, spec in node.items():
        words = _both(spec) if isinstance(spec, dict) else list(spec)
        phrases.extend(words)
        labels.extend([label] * len(words))
    return PhraseSet(phrases, labels, suffixes)


def written_with_article(token: Token) -> bool:
    """An Arabic word written with the article ("الغارات", "والشمالي"), after any one-letter clitics."""
    clitics = "".join(prefixes("prefixes", "before_article"))  # one letter each, so any run of them
    return token.norm.lstrip(clitics).startswith(prefixes("prefixes", "article"))
