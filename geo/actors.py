"""The actor registry: canonical actors, their sides, colours and aliases."""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from functools import cache

from geo.schema import read_data_file
from geo.textnorm import normalise


@dataclass(frozen=True)
class Actor:
    """A canonical actor and the side it fights on."""

    name: str
    side: str
    aliases_en: tuple[str, ...]
    aliases_ar: tuple[str, ...]


@dataclass(frozen=True)
class Side:
    """A side of the conflict, with its map colour."""

    name: str
    colour: str
    name_ar: str


class ActorRegistry:
    """Canonical actors, looked up by name or any alias in either language."""

    def __init__(self, sides: dict[str, Side], actors: dict[str, Actor]) -> None:
        self.sides = sides
        self.actors = actors
        self._by_alias: dict[str, str] = {}
        for actor in actors.values():
            for alias in (actor.name, *actor.aliases_en, *actor.aliases_ar):
                self._by_alias.setdefault(normalise(alias), actor.name)

    @classmethod
    def from_data(cls, data: dict) -> ActorRegistry:
        sides = {
            name: Side(name=name, colour=spec["colour"], name_ar=spec.get("name_ar", ""))
            for name, spec in data["sides"].items()
        }
        actors = {}
        for spec in data["actors"]:
            if spec["side"] not in sides:
                raise ValueError(f"actors.yaml: actor {spec['name']!r} has unknown side {spec['side']!r}")
            actors[spec["name"]] = Actor(
                name=spec["name"],
                side=spec["side"],
                aliases_en=tuple(spec.get("aliases_en", ())),
                aliases_ar=tuple(spec.get("aliases_ar", ())),
            )
        return cls(sides, actors)

    def resolve(self, name: str) -> str | None:
        """Canonical name for a name or alias, or None when unknown."""
        if name in self.actors:
            return name
        return self._by_alias.get(normalise(name))

    def side_of(self, name: str | None) -> str | None:
        actor = self.actors.get(name) if name else None
        return actor.side if actor else None

    def colour_of_side(self, side: str | None) -> str:
        found = self.sides.get(side) if side else None
        return found.colour if found else self.sides["Unidentified"].colour

    def suggest(self, name: str, limit: int = 3) -> list[str]:
        """Closest canonical names to a misspelt one."""
        keys = list(self._by_alias)
        close = difflib.get_close_matches(normalise(name), keys, n=limit * 3, cutoff=0.5)
        suggestions: list[str] = []
        for key in close:
            canonical = self._by_alias[key]
            if canonical not in suggestions:
                suggestions.append(canonical)
        return suggestions[:limit]

    def aliases(self) -> dict[str, str]:
        """Every normalised alias mapped to its canonical actor."""
        return dict(self._by_alias)


@cache
def registry() -> ActorRegistry:
    """The registry shipped in geo/data/actors.yaml."""
    return ActorRegistry.from_data(read_data_file("actors.yaml"))
