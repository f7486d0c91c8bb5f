"""Event type and sub-type (ACLED) from trigger words, weapons and the actors involved."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache

from geo.extraction.cues import PhraseSet, cues, labelled_set, phrase_set
from geo.extraction.sentences import Token


@cache
def _events() -> dict:
    """The ``events`` section of the cue file (checked against the taxonomy when the cues load)."""
    return cues()["events"]


@cache
def _air_actors() -> frozenset[str]:
    return frozenset(cues()["air_actors"])


def _pair(spec: dict) -> tuple[str, str]:
    return spec["event_type"], spec["sub_event_type"]


@cache
def family_of(kind: str) -> str:
    """The event family of a trigger kind ("strike" -> "violence"): one family at one place and date is one event."""
    return str(_events()["families"][kind])


@cache
def has_victim(family: str) -> bool:
    """Events of the family hit someone (not a move, a base or a protest, whose named actor is the doer)."""
    return family not in _events()["no_victim"]


@cache
def needs_doer(family: str) -> bool:
    """Events of the family are only events when someone named does them (a move, a new base)."""
    return family in (_events().get("needs_doer") or [])


@cache
def happens_at_destination(kind: str) -> bool:
    """An event of the trigger kind may take place where something went: a move or a new base, not a strike."""
    return kind in _events()["at_destination"]


@cache
def trigger_set() -> PhraseSet:
    """The trigger words of every kind, labelled by kind; Arabic ones also with an object pronoun on them."""
    return labelled_set("triggers", suffixes=tuple(cues()["trigger_suffixes"]))


def find_triggers(tokens: Sequence[Token]) -> list[tuple[int, int, str]]:
    """(start, end, kind) of every event trigger word in the tokens, but those that move the dead or wounded."""
    found = [(start, end, str(kind)) for start, end, kind in trigger_set().find(tokens)
             if not _moves_casualties(tokens, start, end, str(kind))]
    weak, window = phrase_set("weak_triggers"), int(cues()["weak_triggers"]["window"])
    return [trigger for number, trigger in enumerate(found)
            if not (weak.match_at(tokens, trigger[0]) and number > 0 and trigger[0] - found[number - 1][1] < window)]


def _moves_casualties(tokens: Sequence[Token], start: int, end: int, kind: str) -> bool:
    """The trigger moves the dead or the wounded ("نقلت جثث القتلى", "the wounded were evacuated")."""
    spec = cues()["moved_casualties"]
    if kind not in spec["kinds"]:
        return False
    window = int(spec["window"])
    return phrase_set("moved_casualties").any_in(tokens, start - window, end + window)


def find_weapons(tokens: Sequence[Token], start: int = 0, end: int | None = None) -> list[str]:
    """Weapon families named in ``tokens[start:end]``, in order of appearance."""
    end = len(tokens) if end is None else end
    return [str(kind) for first, _, kind in labelled_set("weapons").find(tokens) if start <= first < end]


def classify(kind: str, weapons: list[str], actor1: str | None, actor2: str | None) -> tuple[str, str, float]:
    """(event_type, sub_event_type, confidence) for a trigger kind, the weapons named and the actors.

    Remote violence takes its sub-type from the weapon (explosive before air
    before artillery); without one, strikes by air forces are air strikes and
    others shelling. An attack with a remote weapon is remote violence; without
    one it is a clash, or an attack on civilians when only civilians are hit.
    """
    events = _events()
    if kind in events["fixed"]:
        event_type, sub = _pair(events["fixed"][kind])
        return event_type, sub, 0.8
    if kind == "attack" and not weapons:
        if actor2 == "Civilians":
            return (*_pair(events["on_civilians"]), 0.6)
        return (*_pair(events["clash"]), 0.6)
    if kind == "killing":
        if actor2 == "Civilians" or actor2 is None:
            return (*_pair(events["on_civilians"]), 0.6)
        return (*_pair(events["clash"]), 0.6)
    remote, by_weapon = events["remote"]["event_type"], events["remote"]["by_weapon"]
    for family, sub in by_weapon.items():  # the file's order is the precedence
        if family in weapons:
            return remote, sub, 0.8
    if kind == "explosion":
        return remote, by_weapon["explosive"], 0.5
    if actor1 in _air_actors():
        return remote, by_weapon["air"], 0.6
    return remote, by_weapon["artillery"], 0.5
