"""Spotting gazetteer places in a sentence and deciding which are event places.

A phrase of up to six words is a place when its normalised keys meet a
gazetteer name (so prefixes, articles and spellings do not matter). The words
around it then decide its role: "شرق مدينة الميادين" and "in Deir ez-Zor
province" only anchor the place before them; "from", "باتجاه" and "taken to
hospital" mark places where nothing happened; "بادية"/"desert" and "near" lower
the precision; "between X and Y" is one place half-way.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import cache

from geo.distance import distance_km
from geo.extraction.cues import area_set, cues, phrase_set, place_words, prefixes, word_set, written_with_article
from geo.extraction.events import trigger_set
from geo.extraction.sentences import Sentence, Token
from geo.gazetteer import Gazetteer, Place
from geo.textnorm import EN_ARTICLES, is_arabic, normalise, word_keys

MAX_WORDS = 6
# Gazetteer feature types (the vocabulary of gazetteer.yaml, not words of the text) of administrative
# areas: their points are nominal, so they do not place the article's events.
ADMIN_AREA_FEATURES = frozenset({"governorate", "district", "subdistrict"})
# Feature types that only set context, never an event place.
ADMIN_FEATURES = ADMIN_AREA_FEATURES | {"river"}
NEIGHBOURHOOD_FEATURES = frozenset({"neighbourhood"})


@cache
def _name_links() -> frozenset[str]:
    """Lower-case words inside an English name that are not its content: "Deir ez-Zor", "the town of al-Susah"."""
    return EN_ARTICLES | word_set("place_names", "links")


@dataclass(frozen=True)
class PlaceMention:
    """A place named in a sentence, with the words around it that set its role."""

    start: int
    end: int
    candidates: tuple[str, ...]
    how: str
    text: str
    near: bool = False
    area: bool = False
    anchor: bool = False
    compass: bool = False  # the anchor is a compass word's ("west of X")
    origin: bool = False
    destination: bool = False
    aside: bool = False
    between: bool = False
    locative: bool = False
    countryside: bool = False
    place: Place | None = None
    lat: float | None = None
    lon: float | None = None
    precision: str | None = None


def _starts_with_and(token: Token) -> bool:
    """The token starts with "and" written onto it ("ودير الزور"), or with a word's own و (callers rule those out)."""
    return token.norm.startswith(prefixes("conjunctions", "attached"))


def _has(name: str, tokens: Sequence[Token], start: int, end: int) -> bool:
    return phrase_set(name).any_in(tokens, start, end)


def _named_with_article(gaz: Gazetteer, found: list[tuple[str, str]]) -> bool:
    """Every candidate's own Arabic name ends in a word written with the article ("الميادين", "حقل العمر")."""
    names = [normalise(gaz.places[place_id].name_ar).split() for place_id, _ in found]
    return all(len(words) >= 1 and words[-1].startswith(prefixes("prefixes", "article")) for words in names)


def _place_cue_before(tokens: Sequence[Token], index: int) -> bool:
    """A word before it that says a place follows: "في", "قرب", "بلدة", "ريف", a compass word, or "في" written on it."""
    token = tokens[index]
    if token.norm.startswith(prefixes("prefixes", "locative")):
        return True
    before = tokens[max(0, index - 2):index]
    return any(phrase_set(name).any_in(before) for name in ("locative", "generic", "near", "direction")) or \
        area_set("countryside").any_in(before)


def _is_cue_verb(tokens: Sequence[Token], index: int) -> bool:
    """The word is one the cue file reads as a verb of the report (a claim, a strike, an arrest).

    A word written with the article is a noun: "التبني" is the town.
    """
    if written_with_article(tokens[index]):
        return False
    return bool(phrase_set("roles", "claimed").match_at(tokens, index) or trigger_set().match_at(tokens, index))


def _destination_before(tokens: Sequence[Token], before_start: int, start: int) -> bool:
    """A destination word ("إلى", "to") before the place, with no "in" nearer to it.

    "إلى منزله في قرية الجزرة": the place after "in" is where he was, not where he went.
    """
    destinations, locative = phrase_set("destination"), word_set("locative")
    last_to = max((k for k in range(before_start, start) if destinations.match_at(tokens, k)), default=None)
    if last_to is None:
        return False
    return not any(token.norm in locative for token in tokens[last_to + 1:start + 1])


def _compass_before(tokens: Sequence[Token], start: int) -> bool:
    """A compass word just before the place: "شرق البوكمال", "east of Hajin" locate another place by it.

    Written with the article it is an adjective of the word before it and
    names a part of this place instead ("المدخل الشمالي لمدينة البصيرة").
    """
    directions = phrase_set("direction")
    last = _word_before(tokens, start)
    return any(directions.match_at(tokens, k) and not written_with_article(tokens[k])
               for k in range(max(0, last - 1), last + 1))


def _word_before(tokens: Sequence[Token], start: int) -> int:
    """The index of the word before a place, past English links ("east of the town of X", "countryside of X")."""
    before = start - 1
    while before > 0 and tokens[before].norm in _name_links():
        before -= 1
    return before


def _match_phrase(gaz: Gazetteer, tokens: Sequence[Token], start: int, length: int) -> list[tuple[str, str]]:
    """Places a phrase spells, with or without its generic words ("منطقة", "village")."""
    words = [token.norm for token in tokens[start:start + length]]
    generic = phrase_set("generic")
    found = gaz.key_matches(words)
    if not found:
        kept = [word for offset, word in enumerate(words)
                if not generic.match_at(tokens, start + offset)]
        if kept and len(kept) < len(words) and not generic.match_at(tokens, start + len(words) - 1):
            found = gaz.key_matches(kept)
    return found


def _skeleton_phrase(gaz: Gazetteer, tokens: Sequence[Token], start: int, length: int) -> list[tuple[str, str]]:
    """Places whose English consonant skeleton a Latin phrase has (a last resort: "Mayadeen")."""
    words = [token.norm for token in tokens[start:start + length]]
    if is_arabic(" ".join(words)):
        return []
    for key in word_keys([word for word in words if word != "the"]):
        found = [(place_id, "normalised") for place_id in gaz.skeleton_matches(key, min_length=4)]
        if found:
            return found
    return []


def spot_places(sentence: Sentence, gaz: Gazetteer) -> list[PlaceMention]:
    """Every place named in the sentence, longest phrase first, with its context flags."""
    tokens = sentence.tokens
    generic = phrase_set("generic")
    outlets, not_places = phrase_set("outlets"), phrase_set("not_places")
    mentions: list[PlaceMention] = []
    index = 0
    while index < len(tokens):
        token = tokens[index]
        outlet = outlets.match_at(tokens, index) or not_places.match_at(tokens, index)
        if outlet:
            index += outlet[0]  # "شبكة دير الزور 24" is a news outlet, "من العمر" an age
            continue
        if token.is_punct or generic.match_at(tokens, index) and not _starts_name(tokens, index, gaz):
            index += 1
            continue
        if not (token.is_capitalised and not is_arabic(token.norm)) and \
                not any(form in gaz.name_words for form in token.forms) and not generic.match_at(tokens, index):
            index += 1  # no place name starts with this word: skip the phrase look-ups
            continue
        hit = None
        # spellings first, consonant skeletons only when no phrase here matches otherwise
        # ("Ma'adan desert" is Ma'adan in the desert, not the skeleton of "Mayadin desert")
        lengths = [length for length in range(min(MAX_WORDS, len(tokens) - index), 0, -1)
                   if not any(tokens[index + k].is_punct for k in range(length))]
        spelled: dict[int, list[tuple[str, str]]] = {}
        for length in lengths:
            spelled[length] = found = _match_phrase(gaz, tokens, index, length)
            if found and _acceptable(tokens, index, length, found, gaz):
                hit = (length, found)
                break
        if hit is None and not is_arabic(token.norm):
            for length in lengths:  # each phrase's spelling look-up is kept from the first pass
                found = spelled[length] or _skeleton_phrase(gaz, tokens, index, length)
                if found and _acceptable(tokens, index, length, found, gaz):
                    hit = (length, found)
                    break
        if hit is None:
            index += 1
            continue
        length, found = hit
        if not is_arabic(token.norm) and index + length < len(tokens):
            admin = _admin_area_named(gaz, found, tokens[index + length].norm)
            if admin is not None:
                length, found = length + 1, [(admin, "normalised")]
        mentions.append(_with_context(tokens, index, index + length, found, sentence.text))
        index += length
    return mentions


def _admin_area_named(gaz: Gazetteer, found: list[tuple[str, str]], word: str) -> str | None:
    """The admin area a place's name and an admin word name ("Deir Ezzor" + "province"), if the gazetteer has it."""
    feature = cues()["place_names"]["admin_words"].get(word)
    if feature is None:
        return None
    for place_id, _ in found:
        base = normalise(gaz.places[place_id].name_en) + " "
        for place in gaz.places.values():
            if place.feature == feature and normalise(place.name_en).startswith(base):
                return place.id
    return None


def _starts_name(tokens: Sequence[Token], index: int, gaz: Gazetteer) -> bool:
    """A generic word that begins a gazetteer name ("منطقة دير الزور", "حي الجمعيات")."""
    for length in range(min(MAX_WORDS, len(tokens) - index), 1, -1):
        if gaz.key_matches([token.norm for token in tokens[index:index + length]]):
            return True
    return False


def _acceptable(tokens: Sequence[Token], index: int, length: int, found: list[tuple[str, str]],
                gaz: Gazetteer) -> bool:
    first = tokens[index]
    words = tokens[index:index + length]
    if not is_arabic(first.norm):
        # English place names are proper nouns: "made in" never means al-Mayadin.
        links, descriptors = _name_links(), word_set("place_names", "descriptors")
        content = [token for token in words if token.norm not in links]
        if not content or not (first.is_capitalised or first.text.startswith("#")):
            return False
        if not all(token.is_capitalised or token.norm in links or token.norm in descriptors for token in words):
            return False
        return len("".join(token.norm for token in content)) >= 3
    if length == 1 and _is_cue_verb(tokens, index):
        return False  # "وتبنّى التنظيم الهجوم" (claimed) is spelt like the town al-Tabni without its article
    if length == 1 and index > 0 and tokens[index - 1].norm in word_set("place_names", "person_before"):
        return False  # "أبو عمر" is a man, not the al-Omar field
    if length == 1 and not written_with_article(first) and _named_with_article(gaz, found) and \
            not _place_cue_before(tokens, index):
        return False  # "ميادين التدريب" (training grounds), "عمر": a bare word needs a cue to be al-Mayadin
    # ل/لل attached ("لفرع الأمن", "لميليشيا") means "belonging to", not a place where something happened
    belonging = first.norm.startswith(prefixes("prefixes", "belonging"))
    if belonging and not gaz.direct_matches([token.norm for token in words]):
        return False
    if length == 1 and all(gaz.places[place_id].feature in NEIGHBOURHOOD_FEATURES for place_id, _ in found):
        before = {form for token in tokens[max(0, index - 2):index] for form in token.forms}
        listed = index >= 2 and _starts_with_and(first)
        return bool(before & _neighbourhood_cues()) or listed and _previous_is_neighbourhood(tokens, index)
    return True


@cache
def _neighbourhood_cues() -> frozenset[str]:
    words = place_words()["neighbourhood"]
    return frozenset(normalise(word) for word in (*words["ar"], *words["en"]))


def _previous_is_neighbourhood(tokens: Sequence[Token], index: int) -> bool:
    for back in range(max(0, index - 4), index):
        before = {form for token in tokens[max(0, back - 2):back] for form in token.forms}
        if before & _neighbourhood_cues():
            return True
    return False


def _with_context(tokens: Sequence[Token], start: int, end: int, found: list[tuple[str, str]],
                  text: str) -> PlaceMention:
    before_start = max(0, start - 3)
    first_forms = tokens[start].forms
    near = _has("near", tokens, before_start, start) or any(
        form in word_set("near_in_name") for form in first_forms)
    # English may put the area word after the name ("Hajin desert", "Hajin countryside"); in Arabic
    # one after the name locates it in the next place ("حقل العمر بريف دير الزور")
    area_after = end < len(tokens) and not is_arabic(tokens[end].norm)
    area = _has("area", tokens, max(0, start - 2), start) or area_after and _has("area", tokens, end, end + 1)
    compass = _compass_before(tokens, start)
    anchor = compass or _has("description", tokens, max(0, start - 7),
                                                                         start)
    # a dateline ("DEIR EZ-ZOR, Syria (North Press) –") names where the report was filed
    dateline = start == 0 and all(token.text.isupper() for token in tokens[start:end] if token.text.isalpha())
    anchor = anchor or dateline and not is_arabic(tokens[start].norm)
    origin = _has("origin", tokens, before_start, start)
    destination = _destination_before(tokens, before_start, start)
    aside = _has("aside", tokens, max(0, start - 4), start)
    countryside_words = area_set("countryside")
    word_before = _word_before(tokens, start)
    countryside = countryside_words.any_in(tokens, word_before, word_before + 1) or \
        area_after and countryside_words.any_in(tokens, end, end + 1)
    between = any(token.norm in word_set("roles", "between") for token in tokens[before_start:start])
    locative = near or any(token.norm in word_set("locative") for token in tokens[max(0, start - 2):start]) \
        or tokens[start].norm.startswith(prefixes("prefixes", "locative"))
    span_start = start
    generic = phrase_set("generic")
    while span_start > 0 and (generic.match_at(tokens, span_start - 1) or _has("near", tokens, span_start - 1,
                                                                               span_start)) \
            and not tokens[span_start - 1].is_punct and start - span_start < 3:
        span_start -= 1
    end_char = tokens[end - 1].start + len(tokens[end - 1].text)
    surface = text[tokens[span_start].start:end_char] if tokens[span_start].start < len(text) else ""
    how = "exact" if any(how == "exact" for _, how in found) else "normalised"
    return PlaceMention(start, end, tuple(place_id for place_id, _ in found), how, surface or tokens[start].text,
                        near=near, area=area, anchor=anchor, compass=compass, origin=origin, destination=destination,
                        aside=aside,
                        between=between, locative=locative, countryside=countryside)


def resolve(mention: PlaceMention, gaz: Gazetteer, context_ids: set[str],
            centre: tuple[float, float] | None, next_ids: frozenset[str] = frozenset()) -> PlaceMention:
    """Choose among a mention's candidates and set its coordinates and precision.

    A candidate whose parent is named right after it ("حي الجمعيات بمدينة
    البوكمال") wins; then one whose parent is named elsewhere in the article;
    then the one nearest the article's other places; then the gazetteer's order.
    """
    places = [gaz.places[place_id] for place_id in mention.candidates]

    def key(place: Place) -> tuple:
        parent_next = place.parent in next_ids if place.parent else False
        parent_named = place.parent in context_ids if place.parent else False
        distance = distance_km(place.lat, place.lon, *centre) if centre else 0.0
        return (not parent_next, not parent_named, distance)

    place = min(places, key=key) if len(places) > 1 else places[0]
    precision = place.precision
    if mention.area and place.feature != "desert":
        precision = "district"
    elif mention.near and precision == "site":
        precision = "village"
    return replace(mention, place=place, lat=place.lat, lon=place.lon, precision=precision)


def event_places(mentions: list[PlaceMention], tokens: Sequence[Token]) -> list[PlaceMention]:
    """The mentions that are places where something happened, each once.

    Admin areas and countryside only set context; a place after a compass word
    or right after another place (no "و"/"and" between) is that place's
    anchor; "between X and Y" becomes one place half-way at lower precision.
    """
    kept: list[PlaceMention] = []
    previous: PlaceMention | None = None
    previous_dropped = False
    for mention in mentions:
        place = mention.place
        is_admin = place is not None and (place.feature in ADMIN_FEATURES or mention.countryside)
        contained = previous is not None and _is_container_gap(tokens, previous.end, mention.start)
        # "بين محافظات الرقة ودير الزور وحمص": a list continuing an anchor is anchors too
        listed_anchor = previous_dropped and previous is not None and _is_list_gap(tokens, previous.end, mention.start)
        if mention.compass and previous is None and not is_admin and not contained:
            # "struck depots west of Boukamal": nothing else locates the event; it is near this place
            coarser = "district" if mention.precision == "district" else "town"
            mention = replace(mention, anchor=False, near=True, precision=coarser)
        if mention.anchor or contained or is_admin or listed_anchor:
            previous, previous_dropped = mention, True
            continue
        previous_dropped = False
        if kept and _joined_by_between(tokens, kept[-1], mention):
            first = kept.pop()
            lat = (first.lat + mention.lat) / 2
            lon = (first.lon + mention.lon) / 2
            distance = distance_km(first.lat, first.lon, mention.lat, mention.lon)
            precision = "town" if distance < 12 else "district"
            kept.append(replace(first, lat=lat, lon=lon, precision=precision,
                                text=first.text + " … " + mention.text, end=mention.end))
            previous = kept[-1]
            continue
        kept.append(mention)
        previous = mention
    return kept


def _is_container_gap(tokens: Sequence[Token], end: int, start: int) -> bool:
    """Only a few linking words between two places: the second contains or locates the first."""
    gap = tokens[end:start]
    if len(gap) > 4 or trigger_set().any_in(gap):
        return False  # a verb between reports another event ("..., استهدف منازل في قرية X")
    breaks, not_attached = word_set("place_gap_breaks"), word_set("conjunctions", "not_attached", "place_gap")
    for token in gap:
        if token.norm in breaks or (_starts_with_and(token) and is_arabic(token.norm)
                                    and len(token.norm) > 1 and token.norm not in not_attached):
            return False
    if _starts_with_and(tokens[start]) and is_arabic(tokens[start].norm):
        return False
    return True


def _is_list_gap(tokens: Sequence[Token], end: int, start: int) -> bool:
    gap = tokens[end:start]
    return len(gap) <= 2 and (all(t.is_punct or t.norm in word_set("conjunctions", "list") for t in gap)) and \
        (bool(gap) or _starts_with_and(tokens[start]))


def _joined_by_between(tokens: Sequence[Token], first: PlaceMention, second: PlaceMention) -> bool:
    if not first.between:
        return False
    gap = tokens[first.end:second.start]
    if any(token.norm in word_set("roles", "between") for token in gap):
        return False  # "between X and Y, and between Z and W": two pairs, not one
    conjunctions = word_set("conjunctions", "and")
    joined = any(token.norm in conjunctions for token in gap) or _starts_with_and(tokens[second.start])
    return joined and len(gap) <= 3
