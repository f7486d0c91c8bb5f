"""Actors named in a sentence, resolved through the registry, and who acted on whom."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

from geo.actors import registry
from geo.extraction.cues import PhraseSet, labelled_set, phrase_set, prefixes, word_set
from geo.extraction.events import trigger_set
from geo.extraction.sentences import Token
from geo.textnorm import is_arabic

MAX_WORDS = 8


@dataclass(frozen=True)
class ActorMention:
    """An actor named in a sentence: canonical name, token span, role and attribution."""

    name: str
    start: int
    end: int
    role: str = ""         # agent | target | speaker | ""
    explicit: bool = False  # the role came from a cue word, not from word order
    attribution: str = "reported"


def _fold_plural(word: str) -> str:
    """English plural to singular for alias matching ("militia groups" meets "militias")."""
    if not is_arabic(word) and len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


@cache
def _aliases() -> dict[tuple[str, ...], str]:
    table: dict[tuple[str, ...], str] = {}
    for alias, canonical in registry().aliases().items():
        words = alias.split()
        # plural folding only for multi-word aliases: "locals" must not match "Local sources"
        key = tuple(_fold_plural(word) for word in words) if len(words) > 1 else tuple(words)
        table.setdefault(key, canonical)
    return table


@cache
def _first_words() -> frozenset[str]:
    return frozenset(key[0] for key in _aliases())



@cache
def _short_aliases() -> frozenset[str]:
    """Latin aliases of up to four letters ("IS", "KH", "SDF"): they count only in capitals."""
    return frozenset(key[0] for key in _aliases() if len(key) == 1 and len(key[0]) <= 4 and not is_arabic(key[0]))


def _adjectives() -> PhraseSet:
    """Nationality words labelled with the actor they name ("الروسية" -> Russia)."""
    return labelled_set("adjectives")


def spot_actors(tokens: Sequence[Token]) -> list[ActorMention]:
    """Every actor alias in the tokens (longest first), plus nationality words next to forces or weapons."""
    table = _aliases()
    short = _short_aliases()
    mentions: list[ActorMention] = []
    index = 0
    first_words = _first_words()
    while index < len(tokens):
        hit = None
        lengths = range(min(MAX_WORDS, len(tokens) - index), 0, -1)
        if not any(_fold_plural(form) in first_words or form in first_words for form in tokens[index].forms):
            lengths = range(0)  # no alias starts with this word
        for length in lengths:
            span = tokens[index:index + length]
            if any(token.is_punct for token in span):
                continue
            rest = tuple(_fold_plural(token.norm) for token in span[1:])
            for form in span[0].forms:
                words = (_fold_plural(form), *rest) if length > 1 else (form,)
                canonical = table.get(words)
                if canonical is None:
                    continue
                if length == 1 and words[0] in short and not re.fullmatch(r"#?[A-Z][A-Z.\-]*", span[0].text):
                    continue
                hit = (length, canonical)
                break
            if hit:
                break
        if hit:
            mentions.append(ActorMention(hit[1], index, index + hit[0]))
            index += hit[0]
            continue
        adjective = _adjectives().match_at(tokens, index)
        if adjective and _next_to_head(tokens, index, adjective[0]):
            if not (len(tokens[index].norm) <= 3 and not tokens[index].text.isupper() and not is_arabic(tokens[index].norm)):
                mentions.append(ActorMention(str(adjective[1]), index, index + adjective[0]))
            index += adjective[0]
            continue
        index += 1
    return mentions


def _next_to_head(tokens: Sequence[Token], index: int, length: int) -> bool:
    heads = phrase_set("adjective_heads")
    after = index + length + 2
    if index + length < len(tokens) and tokens[index + length].norm in word_set("conjunctions", "and"):
        after += 2  # "U.S. and Coalition forces"
    window = range(max(0, index - 2), min(len(tokens), after))
    return any(heads.match_at(tokens, position) for position in window if position != index)


def assign_roles(tokens: Sequence[Token], mentions: list[ActorMention], trigger: int | None) -> list[ActorMention]:
    """Mark each actor as agent, target or speaker from the words around it and the word order.

    Cue words decide first ("مواقع ميليشيا", "attack on", "by", "said"); without
    them an English actor before the trigger acts and one after it is targeted,
    and in Arabic the first actor acts and later ones are targeted.
    """
    target_before = phrase_set("roles", "target_before")
    target_after = phrase_set("roles", "target_after")
    agent_before = phrase_set("roles", "agent_before")
    speaker_after = phrase_set("roles", "speaker_after")
    claimed = phrase_set("roles", "claimed")
    suspected = phrase_set("roles", "suspected")
    member_nouns = phrase_set("roles", "member_nouns")
    associate_before = phrase_set("roles", "associate_before")
    belonging = prefixes("prefixes", "belonging")
    arabic = any(is_arabic(token.norm) for token in tokens[:8])
    pairs = _between_pairs(tokens, mentions)
    out: list[ActorMention] = []
    for mention in mentions:
        start, end = mention.start, mention.end
        role, explicit = "", False
        before = range(max(0, start - 3), start)
        if mention.start in pairs:
            role, explicit = pairs[mention.start], True
        elif _ends_cue(associate_before, tokens, start, single=True):
            role, explicit = "associate", True
        elif speaker_after.any_in(tokens, end, end + 3) and not any(
                target_before.match_at(tokens, k) for k in before):
            role, explicit = ("agent" if _speaks_of_own_act(tokens, end, trigger) else "speaker"), True
        elif arabic and _after_agent_verb(tokens, start):
            role, explicit = "agent", True
        elif not arabic and _ends_cue(member_nouns, tokens, start) and trigger is not None and end <= trigger \
                and not _is_passive(tokens, end, trigger):
            role, explicit = "agent", True  # "members of X arrested ...": the subject
        elif _ends_cue(target_before, tokens, start) or \
                (not arabic and _target_word_after(target_after, tokens, end)) or \
                (arabic and tokens[start].norm.startswith(belonging) and any(target_before.match_at(tokens, k)
                                                                             for k in range(max(0, start - 5), start))):
            role, explicit = "target", True
        elif agent_before.any_in(tokens, max(0, start - 2), start) or _relative_doer(tokens, end):
            role, explicit = "agent", True
        elif any(target_before.match_at(tokens, k) for k in before) or _passive_subject(tokens, start, end, trigger):
            role, explicit = "target", True
        attribution = "reported"
        if suspected.any_in(tokens, max(0, start - 6), min(len(tokens), end + 3)):
            attribution = "suspected"
        elif claimed.any_in(tokens, max(0, start - 4), min(len(tokens), end + 4)):
            attribution = "claimed"
        out.append(ActorMention(mention.name, start, end, role, explicit, attribution))
    # word order for the rest
    has_agent = any(m.role == "agent" for m in out)
    explicit_roles = {m.name: m.role for m in out if m.explicit and m.role in ("agent", "target")}
    result = []
    for mention in out:
        if not mention.role:
            if mention.name in explicit_roles:
                role = explicit_roles[mention.name]  # the same actor named again ("الأمن العسكري في قوات النظام")
            elif not arabic and trigger is not None:
                role = "agent" if mention.start < trigger else "target"
            else:
                role = "target" if has_agent else "agent"
            if mention.name == "Civilians" and role == "agent":
                role = "target"  # civilians are hit, not hitting, unless a cue says otherwise
            has_agent = has_agent or role == "agent"
            mention = ActorMention(mention.name, mention.start, mention.end, role, False, mention.attribution)
        result.append(mention)
    return result


def _speaks_of_own_act(tokens: Sequence[Token], end: int, trigger: int | None) -> bool:
    """The speaker reports its own act: "X said its jets struck", "X said they had defused"."""
    if trigger is None or trigger <= end:
        return False
    return phrase_set("roles", "speaker_own").any_in(tokens, end, trigger)


def _target_word_after(target_after: PhraseSet, tokens: Sequence[Token], end: int) -> bool:
    """A target word just after the actor ("ISIS positions", "an SDF military checkpoint"), with no verb between.

    In "US warplanes struck positions of X" the positions are X's.
    """
    for position in range(end, min(end + 2, len(tokens))):
        if trigger_set().match_at(tokens, position):
            return False
        if target_after.match_at(tokens, position):
            return True
    return False


def _is_determiner(token: Token) -> bool:
    """An article or a possessive ("the", "Iran's", "the regime's")."""
    return token.norm in word_set("roles", "determiners") or token.text.endswith(("'s", "’s"))


def _ends_cue(cues_set: PhraseSet, tokens: Sequence[Token], start: int, single: bool = False) -> bool:
    """A multi-word cue ending right before the actor ("used by", "members of the", "عناصر من").

    Single words count too with ``single``; an article or possessive may stand
    between cue and actor ("a fighter of the DMC").
    """
    gap_start = start
    while gap_start > 0 and _is_determiner(tokens[gap_start - 1]) and start - gap_start < 2:
        gap_start -= 1
    for back in range(max(0, gap_start - 4), gap_start):
        hit = cues_set.match_at(tokens, back)
        if hit and (hit[0] > 1 or single) and back + hit[0] == gap_start:
            return True
    return False


def _after_agent_verb(tokens: Sequence[Token], start: int) -> bool:
    """The actor's unit follows a verb like شنت/نفذت with nothing but its own words between."""
    verbs = phrase_set("roles", "agent_verbs")
    for back in range(max(0, start - 5), start):
        hit = verbs.match_at(tokens, back)
        if hit and not any(token.is_punct for token in tokens[back + hit[0]:start]):
            return True
    return False


def _is_passive(tokens: Sequence[Token], end: int, limit: int) -> bool:
    """A passive auxiliary right after the actor ("X was killed", "X were struck")."""
    return phrase_set("roles", "passive_after").any_in(tokens, end, min(limit + 1, end + 4))


def _passive_subject(tokens: Sequence[Token], start: int, end: int, trigger: int | None) -> bool:
    """The subject of a passive clause is acted on: "X was struck by Y", "تعرضت قاعدة X لقصف"."""
    if phrase_set("roles", "passive_before").any_in(tokens, max(0, start - 4), start):
        return True
    return not is_arabic(tokens[start].norm) and (trigger is None or start < trigger) and \
        _is_passive(tokens, end, end + 3)


def _between_pairs(tokens: Sequence[Token], mentions: list[ActorMention]) -> dict[int, str]:
    """"اشتباكات بين X و Y" / "clashes between X and Y": X acts, Y is acted on (by mention start)."""
    between = phrase_set("roles", "between")
    pairs: dict[int, str] = {}
    for index in range(len(tokens)):
        if not between.match_at(tokens, index):
            continue
        after = [m for m in mentions if index < m.start <= index + 4]
        if not after:
            continue
        first = after[0]
        rest = [m for m in mentions if first.end <= m.start <= first.end + 12 and m.name != first.name]
        if rest:
            pairs[first.start] = "agent"
            pairs[rest[0].start] = "target"
    return pairs


def _relative_doer(tokens: Sequence[Token], end: int) -> bool:
    """"X، التي أخلت ..." / "X, which struck ...": X did what the relative clause reports."""
    relative = phrase_set("roles", "agent_after")
    for position in (end, end + 1):
        if position < len(tokens) and relative.match_at(tokens, position):
            triggers = trigger_set()
            return any(triggers.match_at(tokens, k) for k in range(position + 1, min(len(tokens), position + 3)))
    return False
