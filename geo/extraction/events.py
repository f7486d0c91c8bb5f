"""Event type and sub-type (ACLED) from trigger words, weapons and the actors involved."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache

from geo.extraction.cues import cues, labelled_set
from geo.extraction.sentences import Token

_FIXED = {
    "arrest": ("Strategic developments", "Arrests"),
    "disrupt": ("Strategic developments", "Disrupted weapons use"),
    "relocate": ("Strategic developments", "Change to group/activity"),
    "base": ("Strategic developments", "Headquarters or base established"),
    "protest": ("Protests", "Peaceful protest"),
}
_REMOTE = "Explosions/Remote violence"
_SUB_BY_WEAPON = {"explosive": "Remote explosive/landmine/IED", "air": "Air/drone strike",
                  "artillery": "Shelling/artillery/missile attack"}


@cache
def _air_actors() -> frozenset[str]:
    return frozenset(cues()["air_actors"])


def find_triggers(tokens: Sequence[Token]) -> list[tuple[int, int, str]]:
    """(start, end, kind) of every event trigger word in the tokens."""
    return [(start, end, str(kind)) for start, end, kind in labelled_set("triggers").find(tokens)]


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
    if kind in _FIXED:
        event_type, sub = _FIXED[kind]
        return event_type, sub, 0.8
    if kind == "attack" and not weapons:
        if actor2 == "Civilians":
            return "Violence against civilians", "Attack", 0.6
        return "Battles", "Armed clash", 0.6
    if kind == "killing":
        if actor2 == "Civilians" or actor2 is None:
            return "Violence against civilians", "Attack", 0.6
        return "Battles", "Armed clash", 0.6
    for family in ("explosive", "air", "artillery"):
        if family in weapons:
            return _REMOTE, _SUB_BY_WEAPON[family], 0.8
    if kind == "explosion":
        return _REMOTE, _SUB_BY_WEAPON["explosive"], 0.5
    if actor1 in _air_actors():
        return _REMOTE, "Air/drone strike", 0.6
    return _REMOTE, "Shelling/artillery/missile attack", 0.5
