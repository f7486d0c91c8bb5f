"""The gazetteer: places with Arabic and English names, looked up by any spelling.

Places live in ``geo/data/gazetteer.yaml`` (curated) and, when a desk has
imported one, ``geo/data/gazetteer_geonames.yaml`` (see `geo.geonames`). A lookup
tries, in order: the name as written (``exact``), the name under
`geo.textnorm` keys — Arabic letter variants, articles, attached prefixes,
spacing, English transliteration skeletons (``normalised``) — and, only when
neither finds anything, a fuzzy match scored by rapidfuzz (``fuzzy``). Names
shared by several places return every candidate, ranked, with its admin areas.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from rapidfuzz import fuzz, process

from geo.errors import GeoError
from geo.schema import DATA_DIR, read_data_file
from geo.textnorm import is_arabic, latin_skeleton, normalise, query_forms, word_keys

CURATED_FILE = DATA_DIR / "gazetteer.yaml"
GEONAMES_FILE = DATA_DIR / "gazetteer_geonames.yaml"
PRECISIONS = ("site", "village", "town", "district")
# Populated places first when a name is shared: a reader who writes "الصالحية"
# more often means a village than a bridge of that name.
_FEATURE_RANK = {"city": 0, "town": 1, "village": 2, "neighbourhood": 3}
_SCORES = {"exact": 1.0, "normalised": 0.9, "skeleton": 0.8}
FUZZY_CUTOFF = 82.0


class GazetteerError(GeoError):
    """A gazetteer file is missing, malformed or holds an invalid place."""


@dataclass(frozen=True)
class Place:
    """One gazetteer entry."""

    id: str
    name_en: str
    name_ar: str
    lat: float
    lon: float
    feature: str
    precision: str
    variants: tuple[str, ...] = ()
    governorate: str | None = None
    district: str | None = None
    subdistrict: str | None = None
    parent: str | None = None
    bank: str | None = None
    note: str | None = None
    source: str = "curated"

    @property
    def names(self) -> tuple[str, ...]:
        """Every name of the place: English, Arabic, then the variants."""
        return tuple(name for name in (self.name_en, self.name_ar, *self.variants) if name)

    @property
    def admin(self) -> str:
        """Admin areas as one line, e.g. ``Deir ez-Zor / Al-Mayadin / Dhiban``."""
        return " / ".join(part for part in (self.governorate, self.district, self.subdistrict) if part)

    def to_dict(self) -> dict:
        """The entry as written in gazetteer YAML (empty fields left out)."""
        out = {"id": self.id, "name_en": self.name_en, "name_ar": self.name_ar,
               "variants": list(self.variants), "lat": self.lat, "lon": self.lon,
               "feature": self.feature, "precision": self.precision}
        for key in ("governorate", "district", "subdistrict", "parent", "bank", "note"):
            value = getattr(self, key)
            if value:
                out[key] = value
        return out


@dataclass(frozen=True)
class Match:
    """A candidate place for a name: how it matched and how sure the match is (0-1)."""

    place: Place
    score: float
    how: str  # exact | normalised | fuzzy
    matched_name: str = ""

    @property
    def is_fuzzy(self) -> bool:
        return self.how == "fuzzy"


def place_from_dict(spec: dict, path: str, index: int, source: str = "curated") -> Place:
    """Build a `Place` from one YAML mapping, raising `GazetteerError` naming the entry and field."""
    where = f"{path}: place #{index}" + (f" ({spec.get('id')})" if isinstance(spec, dict) and spec.get("id") else "")
    if not isinstance(spec, dict):
        raise GazetteerError(f"{where}: expected a mapping with id, name_en, name_ar, lat, lon, got {spec!r}")
    for key in ("id", "lat", "lon", "feature", "precision"):
        if spec.get(key) in (None, ""):
            raise GazetteerError(f"{where}: field `{key}` is missing — every place needs id, lat, lon, "
                                 "feature and precision")
    if not (spec.get("name_en") or spec.get("name_ar")):
        raise GazetteerError(f"{where}: give at least one of `name_en` and `name_ar`")
    try:
        lat, lon = float(spec["lat"]), float(spec["lon"])
    except (TypeError, ValueError) as err:
        raise GazetteerError(f"{where}: lat/lon must be decimal degrees, got {spec['lat']!r}, {spec['lon']!r}") from err
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise GazetteerError(f"{where}: ({lat}, {lon}) is out of range — check the digits and the order lat, lon")
    if spec["precision"] not in PRECISIONS:
        raise GazetteerError(f"{where}: precision {spec['precision']!r} is not one of {', '.join(PRECISIONS)}")
    variants = spec.get("variants") or []
    if not isinstance(variants, list):
        raise GazetteerError(f"{where}: `variants` must be a list, e.g. [Mayadeen, ميادين]")
    return Place(
        id=str(spec["id"]), name_en=str(spec.get("name_en") or ""), name_ar=str(spec.get("name_ar") or ""),
        lat=lat, lon=lon, feature=str(spec["feature"]), precision=spec["precision"],
        variants=tuple(str(name) for name in variants if name),
        governorate=spec.get("governorate"), district=spec.get("district"),
        subdistrict=spec.get("subdistrict"), parent=spec.get("parent"), bank=spec.get("bank"),
        note=spec.get("note"), source=source,
    )


@dataclass
class Gazetteer:
    """Places indexed by every normalised form of every name."""

    places: dict[str, Place]
    _exact: dict[str, list[str]] = field(default_factory=dict, repr=False)
    _keys: dict[str, list[str]] = field(default_factory=dict, repr=False)
    _skeletons: dict[str, list[str]] = field(default_factory=dict, repr=False)
    _key_names: dict[tuple[str, str], str] = field(default_factory=dict, repr=False)
    name_words: set[str] = field(default_factory=set, repr=False)

    def __post_init__(self) -> None:
        for place in self.places.values():
            self._index(place)
        self._fuzzy_choices = list(self._keys)

    def _index(self, place: Place) -> None:
        for name in place.names:
            text = normalise(name)
            for word in text.split():
                self.name_words.add(word)
                self.name_words.add(word[2:] if word.startswith("ال") and len(word) > 3 else word)
            _add(self._exact, text, place.id)
            for key in word_keys(text.split()):
                _add(self._keys, key, place.id)
                self._key_names.setdefault((key, place.id), name)
                if not is_arabic(key):
                    skeleton = latin_skeleton(key)
                    if len(skeleton) >= 3:
                        _add(self._skeletons, skeleton, place.id)

    @classmethod
    def from_places(cls, places: Iterable[Place]) -> Gazetteer:
        return cls({place.id: place for place in places})

    def __len__(self) -> int:
        return len(self.places)

    def get(self, place_id: str) -> Place | None:
        return self.places.get(place_id)

    def skeleton_matches(self, key: str, min_length: int = 3) -> tuple[str, ...]:
        """Place ids whose English name has the consonant skeleton of ``key`` (at least ``min_length`` long)."""
        skeleton = latin_skeleton(key)
        return tuple(self._skeletons.get(skeleton, ())) if len(skeleton) >= min_length else ()

    def key_matches(self, words: list[str]) -> list[tuple[str, str]]:
        """Place ids whose keys equal those of normalised ``words``, as (id, how); no fuzzy step.

        The extractor calls this on every phrase of an article, so it does only
        dictionary look-ups.
        """
        found: list[tuple[str, str]] = []
        seen: set[str] = set()
        text = " ".join(words)
        for place_id in self._exact.get(text, ()):
            seen.add(place_id)
            found.append((place_id, "exact"))
        for form in query_forms(words):
            for key in word_keys(form):
                for place_id in self._keys.get(key, ()):
                    if place_id not in seen:
                        seen.add(place_id)
                        found.append((place_id, "normalised"))
        return found

    def direct_matches(self, words: list[str]) -> list[str]:
        """Place ids matching the words as written (no prepositions or clitics removed)."""
        found = list(self._exact.get(" ".join(words), ()))
        for key in word_keys(words):
            found.extend(place_id for place_id in self._keys.get(key, ()) if place_id not in found)
        return found

    def lookup(self, name: str, limit: int = 10, fuzzy: bool = True) -> list[Match]:
        """Candidate places for a name in any spelling, best first.

        Parameters
        ----------
        name : str
            A place name in Arabic or English, with or without article,
            prepositions, attached clitics, diacritics or hyphens.
        limit : int
            Most candidates returned.
        fuzzy : bool
            Fall back to fuzzy matching when no normalised form matches.

        Returns
        -------
        list of Match
            Ranked by score, then by populated places first; several entries
            when the name is shared (each with its admin areas in ``place``).
        """
        text = normalise(name)
        if not text:
            return []
        words = text.split()
        scored: dict[str, Match] = {}
        for place_id, how in self.key_matches(words):
            score = _SCORES[how]
            scored[place_id] = Match(self.places[place_id], score, how, self._display_name(place_id, words))
        if not scored:
            for form in query_forms(words):
                for key in word_keys(form):
                    if is_arabic(key):
                        continue
                    for place_id in self.skeleton_matches(key):
                        scored.setdefault(place_id, Match(self.places[place_id], _SCORES["skeleton"],
                                                          "normalised", self.places[place_id].name_en))
        if not scored and fuzzy:
            scored = self._fuzzy(words)
        ranked = sorted(scored.values(), key=lambda match: (-match.score, _rank(match.place), match.place.id))
        return ranked[:limit]

    def _fuzzy(self, words: list[str]) -> dict[str, Match]:
        scored: dict[str, Match] = {}
        keys = {key for form in query_forms(words) for key in word_keys(form)}
        for key in keys:
            if len(key) < 4:
                continue
            for choice, ratio, _ in process.extract(key, self._fuzzy_choices, scorer=fuzz.ratio,
                                                    score_cutoff=FUZZY_CUTOFF, limit=10):
                for place_id in self._keys[choice]:
                    score = round(ratio / 100 * 0.85, 3)
                    if place_id not in scored or scored[place_id].score < score:
                        name = self._key_names.get((choice, place_id), choice)
                        scored[place_id] = Match(self.places[place_id], score, "fuzzy", name)
        return scored

    def _display_name(self, place_id: str, words: list[str]) -> str:
        for form in query_forms(words):
            for key in word_keys(form):
                name = self._key_names.get((key, place_id))
                if name:
                    return name
        return self.places[place_id].name_en

    def children(self, place_id: str) -> list[Place]:
        """Places whose parent is ``place_id``."""
        return [place for place in self.places.values() if place.parent == place_id]


def _add(index: dict[str, list[str]], key: str, place_id: str) -> None:
    if not key:
        return
    ids = index.setdefault(key, [])
    if place_id not in ids:
        ids.append(place_id)


def _rank(place: Place) -> int:
    return _FEATURE_RANK.get(place.feature, 4)


def read_places(path: str | Path, source: str = "curated") -> list[Place]:
    """Read the places of one gazetteer YAML file (``places:`` list), checking each entry."""
    return places_from(read_gazetteer_file(path), path, source)


def read_gazetteer_file(path: str | Path) -> dict:
    """A gazetteer file's top-level mapping (``places:`` and, in imports, ``variants:``), or {} when empty."""
    from geo.yamlread import read_yaml

    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as err:
        raise GazetteerError(f"{path}: no such gazetteer file — check the path") from err
    except UnicodeDecodeError as err:
        raise GazetteerError(f"{path}: not UTF-8 text (byte {err.start}) — save it as UTF-8") from err
    # The project's reader: malformed YAML, a key given twice, tags and alias bombs, each with its line.
    data, problems = read_yaml(text, str(path))
    errors = [problem for problem in problems if problem.severity == "error"]
    if errors:
        raise GazetteerError("\n".join(str(problem) for problem in errors))
    if data is None:
        return {}
    if not isinstance(data, dict) or not isinstance(data.get("places"), list):
        raise GazetteerError(f"{path}: expected a mapping with a `places:` list at the top")
    return data


def places_from(data: dict, path: str | Path, source: str = "curated") -> list[Place]:
    """The checked places of a gazetteer file's mapping (see `read_gazetteer_file`)."""
    places = [place_from_dict(spec, str(path), index, source) for index, spec in enumerate(data.get("places", []), 1)]
    seen: set[str] = set()
    for place in places:
        if place.id in seen:
            raise GazetteerError(f"{path}: place id {place.id!r} is used twice — ids must be unique")
        seen.add(place.id)
    return places


def load_gazetteer(*paths: str | Path) -> Gazetteer:
    """A gazetteer from a curated file and any import files (see `geo.geonames`).

    Import files add places and variants; they never replace a place of an
    earlier file.
    """
    from dataclasses import replace

    from geo.geonames import load_import

    places: dict[str, Place] = {}
    for index, path in enumerate(paths):
        if index == 0:
            extra, variants = read_places(path), {}
        else:
            extra, variants = load_import(path)
        for place in extra:
            places.setdefault(place.id, place)
        for place_id, names in variants.items():
            if place_id in places:
                place = places[place_id]
                places[place_id] = replace(place, variants=(*place.variants, *names))
    return Gazetteer(places)


@cache
def gazetteer() -> Gazetteer:
    """The shipped gazetteer: curated places plus the GeoNames import when one exists."""
    paths: list[Path] = [CURATED_FILE]
    if GEONAMES_FILE.exists():
        paths.append(GEONAMES_FILE)
    return load_gazetteer(*paths)


def lookup(name: str, limit: int = 10, fuzzy: bool = True) -> list[Match]:
    """Look a name up in the shipped gazetteer (see `Gazetteer.lookup`)."""
    return gazetteer().lookup(name, limit=limit, fuzzy=fuzzy)


__all__ = ["Gazetteer", "GazetteerError", "Match", "Place", "gazetteer", "load_gazetteer", "lookup",
           "read_data_file"]
