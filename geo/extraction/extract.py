"""From one article to draft incidents in the schema of incidents.yaml.

One draft per reported event and place: a list of places struck gives one draft
per place. Every draft carries the verbatim sentence as its source quote and,
in ``notes``, a confidence (0-1) per field; whatever the text does not say is
left out (an unnamed perpetrator is recorded as "Unidentified armed group" with
confidence 0, as ACLED does, so that the draft validates).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field

from geo.extraction.actors import ActorMention, assign_roles, spot_actors
from geo.extraction.cues import phrase_set, prefixes, word_set, written_with_article
from geo.extraction.dates import DateCue, find_date
from geo.extraction.events import (
    classify,
    family_of,
    find_triggers,
    find_weapons,
    happens_at_destination,
    has_victim,
    needs_doer,
)
from geo.extraction.numbers import find_casualties
from geo.extraction.places import ADMIN_AREA_FEATURES, PlaceMention, event_places, resolve, spot_places
from geo.extraction.sentences import Sentence, Token, split_sentences
from geo.gazetteer import Gazetteer, gazetteer
from geo.textnorm import is_arabic

UNKNOWN_ACTOR = "Unidentified armed group"
# Events dated this many days before publication are background, not news.
PAST_DAYS = 10


@dataclass
class Draft:
    """A draft incident with the confidence of each field and the spans it came from."""

    record: dict
    confidence: dict[str, float] = field(default_factory=dict)
    sentence: int = 0
    key: tuple = ()
    summary: bool = False  # from a sentence about events already named ("the strikes")


def _clauses(tokens: tuple[Token, ...]) -> list[int]:
    """Clause number of each token."""
    breaks = phrase_set("clause_breaks")
    numbers, clause, index = [0] * len(tokens), 0, 0
    while index < len(tokens):
        hit = breaks.match_at(tokens, index)
        if hit:
            clause += 1
            for offset in range(hit[0]):
                numbers[index + offset] = clause
            index += hit[0]
            continue
        numbers[index] = clause
        index += 1
    return numbers


def _parse_published(published: str | dt.date | None) -> dt.date | None:
    if published is None or isinstance(published, dt.date):
        return published
    try:
        return dt.date.fromisoformat(str(published).strip()[:10])
    except ValueError:
        return None


def extract_drafts(text: str, published: str | dt.date | None = None, source_url: str | None = None,
                   publisher: str | None = None, gaz: Gazetteer | None = None) -> list[Draft]:
    """Drafts with their per-field confidence (see `extract_article` for the records alone)."""
    gaz = gaz or gazetteer()
    published_date = _parse_published(published)
    sentences = split_sentences(text)
    spotted = [spot_places(sentence, gaz) for sentence in sentences]
    context_ids = {ids[0] for mentions in spotted for m in mentions if len(ids := m.candidates) == 1}
    points = [(gaz.places[i].lat, gaz.places[i].lon) for i in context_ids
              if gaz.places[i].feature not in ADMIN_AREA_FEATURES]
    centre = (sum(p[0] for p in points) / len(points), sum(p[1] for p in points) / len(points)) if points else None
    background = phrase_set("background")
    drafts: list[Draft] = []
    running: DateCue | None = None
    last_actors: dict[str, tuple[ActorMention | None, ActorMention | None]] = {}
    last_paragraph = -1
    victims = phrase_set("roles", "victims")
    tallies = phrase_set("tallies")
    seen: set[tuple] = set()
    for sentence, mentions in zip(sentences, spotted, strict=True):
        tokens = sentence.tokens
        cue = find_date(tokens, published_date, running)
        if cue and published_date and (published_date - cue.date).days > PAST_DAYS:
            continue  # an earlier event recalled in passing ("in June", "شباط الماضي")
        if cue:
            running = cue
        triggers = find_triggers(tokens)
        if background.any_in(tokens) or not triggers:
            continue
        if _is_headline(sentence):
            continue  # a headline restates the events reported below it
        clauses = _clauses(tokens)
        actors = assign_roles(tokens, spot_actors(tokens), triggers[0][0])
        resolved = [resolve(m, gaz, context_ids, centre, _named_next(mentions, k))
                    for k, m in enumerate(mentions)]
        places = event_places(resolved, tokens)
        tally = tallies.any_in(tokens)
        summary = _refers_back(tokens, triggers[0])
        sentence_drafts: list[Draft] = []
        reuse_for_casualties: Draft | None = None
        for mention in places:
            trigger = _trigger_for(mention, triggers, clauses)
            if trigger is None:
                continue
            kind = trigger[2]
            if mention.origin or (mention.aside and kind != "protest") or \
                    (mention.destination and not happens_at_destination(kind)):
                continue
            if _overlaps_actor(mention, actors) and not mention.locative:
                continue
            family = family_of(kind)
            clause = clauses[mention.start]
            agent, agent_how = _actor_for(actors, clauses, clause, mention, "agent")
            target, _ = _actor_for(actors, clauses, clause, mention, "target", tokens)
            if not has_victim(family) and agent is None and target is not None and \
                    (not target.explicit or needs_doer(family)):
                # who moves or protests is the doer ("Fatemiyoun fighters moved": fighters name its people)
                agent, agent_how, target = target, "clause", None
            carried_agent, carried_target = last_actors.get(family, (None, None))
            if not actors and (sentence.paragraph == last_paragraph or _refers_back(tokens, triggers[0])):
                # "The strikes targeted ...": the actors of the last event of this kind carry over
                if agent is None and carried_agent is not None:
                    agent, agent_how = carried_agent, "carried"
                if target is None and carried_target is not None and not victims.any_in(tokens):
                    target = carried_target
            elif agent is None and carried_agent is not None and sentence.paragraph == last_paragraph and \
                    carried_agent.name not in {a.name for a in actors}:
                agent, agent_how = carried_agent, "carried"
            elif target is None and agent is not None and carried_agent is not None and \
                    carried_target is not None and agent.name == carried_agent.name and not victims.any_in(tokens):
                target = carried_target  # the same doer again: the same target as before
            if target is None and has_victim(family) and victims.any_in(tokens):
                target = ActorMention("Civilians", 0, 0, "target", False)
            if agent is not None and target is not None and agent.name == target.name:
                if agent_how == "carried":
                    agent, agent_how = None, ""
                else:
                    target = None
            if agent is None and needs_doer(family):
                continue  # goods moved, a transfer by nobody named: no event to code
            clause_range = [k for k, number in enumerate(clauses) if number == clause]
            weapons = find_weapons(tokens, clause_range[0], clause_range[-1] + 1) or find_weapons(tokens)
            event_type, sub_type, type_conf = classify(kind, weapons, agent.name if agent else None,
                                                       target.name if target else None)
            key = (mention.place.id, family, (cue or running).date if (cue or running) else None)
            if key in seen or tally and family == "violence":
                if key not in seen:
                    # a running total names the place: its figures go to the draft already made there
                    key = next((d.key for d in drafts if d.key[0] == mention.place.id), key)
                duplicate = next((d for d in drafts + sentence_drafts if d.key == key), None)
                if duplicate is not None and sentence_drafts == []:
                    reuse_for_casualties = duplicate
                continue
            seen.add(key)
            draft = _draft(sentence, mention, cue, running, published_date, event_type, sub_type, type_conf,
                           agent, agent_how, target, source_url, publisher)
            draft.key = key
            draft.summary = summary
            sentence_drafts.append(draft)
        target_draft = sentence_drafts[0] if sentence_drafts else reuse_for_casualties
        if target_draft is not None:
            casualties = find_casualties(tokens)
            first = target_draft
            if any(name in first.record for name in casualties):
                casualties = {}
            for name, value in casualties.items():
                first.record[name] = value
                first.confidence[name] = 0.7
        drafts.extend(sentence_drafts)
        if actors:
            family = family_of(triggers[0][2])
            agents = [a for a in actors if a.role == "agent"]
            targets = [a for a in actors if a.role == "target"]
            if agents or targets:
                last_actors[family] = (agents[0] if agents else None, targets[0] if targets else None)
                last_paragraph = sentence.paragraph
    # "القصف تركز على ... مدينة الميادين": a sentence about "the strikes" naming a
    # town where the article reports strikes on places inside it sums them up
    drafts = [draft for draft in drafts if not (draft.summary and _contains_drafted(draft, drafts, gaz))]
    for number, draft in enumerate(drafts, 1):
        draft.record["id"] = _draft_id(draft, number, text, source_url)
        draft.record["notes"] = _notes(draft)
    return drafts


def _named_next(mentions: list[PlaceMention], index: int) -> frozenset[str]:
    """Candidates of the place named right after this one (at most two words between)."""
    if index + 1 >= len(mentions) or mentions[index + 1].start - mentions[index].end > 2:
        return frozenset()
    return frozenset(mentions[index + 1].candidates)


def _contains_drafted(summary: Draft, drafts: list[Draft], gaz: Gazetteer) -> bool:
    """Another draft of the same kind lies inside this draft's place (its parent is this place)."""
    place_id, family = summary.key[0], summary.key[1]
    return any(draft.key[1] == family and not draft.summary and gaz.places[draft.key[0]].parent == place_id
               for draft in drafts)


def _refers_back(tokens: tuple[Token, ...], trigger: tuple[int, int, str]) -> bool:
    """The trigger is definite ("The strikes", "these strikes", "الغارات"): an event already reported."""
    start = trigger[0]
    if is_arabic(tokens[start].norm):
        return written_with_article(tokens[start])
    return start > 0 and tokens[start - 1].norm in word_set("definite")


def _is_headline(sentence: Sentence) -> bool:
    """A short line without a closing full stop, before the body: a title or a summary line."""
    return sentence.headline


def _trigger_for(mention: PlaceMention, triggers: list[tuple[int, int, str]],
                 clauses: list[int]) -> tuple[int, int, str] | None:
    clause = clauses[mention.start]
    same = [t for t in triggers if clauses[t[0]] == clause]
    before = [t for t in same if t[0] < mention.start]
    if before:
        return before[-1]
    if same:
        return same[0]
    earlier = [t for t in triggers if t[0] < mention.start]
    return earlier[-1] if earlier else triggers[0]


def _overlaps_actor(mention: PlaceMention, actors: list[ActorMention]) -> bool:
    return any(actor.start < mention.end and mention.start < actor.end for actor in actors)


def _actor_for(actors: list[ActorMention], clauses: list[int], clause: int, mention: PlaceMention,
               role: str, tokens: tuple[Token, ...] = ()) -> tuple[ActorMention | None, str]:
    candidates = [a for a in actors if a.role == role and not _overlaps(a, mention)]
    in_clause = [a for a in candidates if clauses[a.start] == clause]
    for group, how in ((in_clause, "clause"), (candidates, "sentence")):
        if group:
            explicit = [a for a in group if a.explicit]
            pool = explicit or group
            if role == "agent":
                return pool[0], how  # the subject comes first in both languages
            before = [a for a in pool if a.start < mention.start]
            if not before:
                return pool[0], how
            chosen = len(before) - 1
            # "مواقع لقوات النظام والميليشيات ..." / "U.S. and Coalition forces": the first of a pair
            while chosen > 0 and _coordinated(tokens, before[chosen - 1], before[chosen]):
                chosen -= 1
            return before[chosen], how
    return None, ""


def _coordinated(tokens: tuple[Token, ...], first: ActorMention, second: ActorMention) -> bool:
    """Only "and"/"و" between two actors."""
    if not tokens:
        return False
    gap = tokens[first.end:second.start]
    if len(gap) > 1:
        return False
    if gap:
        return gap[0].norm in word_set("conjunctions", "and")
    if second.start >= len(tokens):
        return False
    norm = tokens[second.start].norm
    return norm.startswith(prefixes("conjunctions", "attached")) and is_arabic(norm)


def _overlaps(actor: ActorMention, mention: PlaceMention) -> bool:
    return actor.start < mention.end and mention.start < actor.end


def _draft(sentence: Sentence, mention: PlaceMention, cue: DateCue | None, running: DateCue | None,
           published: dt.date | None, event_type: str, sub_type: str, type_conf: float,
           agent: ActorMention | None, agent_how: str, target: ActorMention | None,
           source_url: str | None, publisher: str | None) -> Draft:
    place = mention.place
    confidence: dict[str, float] = {}
    record: dict = {"id": None}
    if cue is not None:
        record["date"], record["time_precision"] = cue.date.isoformat(), cue.precision
        confidence["date"] = 0.9 if cue.how == "explicit" else 0.8
    elif running is not None:
        record["date"], record["time_precision"] = running.date.isoformat(), "week"
        confidence["date"] = 0.4
    elif published is not None:
        record["date"], record["time_precision"] = published.isoformat(), "week"
        confidence["date"] = 0.3
    record["event_type"], record["sub_event_type"] = event_type, sub_type
    confidence["event_type"] = type_conf
    if agent is not None:
        record["actor1"] = {"name": agent.name, "attribution": agent.attribution}
        confidence["actor1"] = {"clause": 0.8, "sentence": 0.6, "carried": 0.4}.get(agent_how, 0.5)
    else:
        record["actor1"] = {"name": UNKNOWN_ACTOR, "attribution": "suspected"}
        confidence["actor1"] = 0.0
    if target is not None:
        record["actor2"] = {"name": target.name, "attribution": target.attribution}
        confidence["actor2"] = 0.7 if target.explicit else 0.5
    record["place"] = mention.text
    record["gazetteer_id"] = place.id
    record["lat"], record["lon"] = round(mention.lat, 4), round(mention.lon, 4)
    record["geo_precision"] = mention.precision
    ambiguous = len(mention.candidates) > 1
    confidence["place"] = round((0.9 if mention.how == "exact" else 0.75) - (0.2 if ambiguous else 0), 2)
    if place.governorate:
        record["governorate"] = place.governorate
    if place.district:
        record["district"] = place.district
    source = {"publisher": publisher or "unknown", "url": source_url, "published":
              published.isoformat() if published else None,
              "language": "ar" if sentence.is_arabic else "en", "quote": sentence.text}
    record["sources"] = [{key: value for key, value in source.items() if value is not None}]
    record["status"] = "draft"
    return Draft(record, confidence, sentence.index)


def _draft_id(draft: Draft, number: int, text: str, source_url: str | None) -> str:
    digest = hashlib.sha1((source_url or text).encode("utf-8")).hexdigest()[:6]
    date = draft.record.get("date") or "undated"
    return f"draft-{date}-{digest}-{number:03d}"


def _notes(draft: Draft) -> str:
    parts = ", ".join(f"{name} {value:.1f}" for name, value in draft.confidence.items())
    note = f"Extracted automatically; review before accepting. Confidence: {parts}."
    if draft.confidence.get("actor1") == 0.0:
        note += " The text names no perpetrator: actor1 is a placeholder."
    if "date" not in draft.record:
        note += " The text gives no date and no publication date was given: add the date."
    return note


def extract_article(text: str, published: str | dt.date | None = None, source_url: str | None = None,
                    publisher: str | None = None) -> list[dict]:
    """Draft incidents reported in an article, in the schema of incidents.yaml.

    Parameters
    ----------
    text : str
        The article's text (see `geo.extraction.articles` for files and HTML).
    published : str or date, optional
        Publication date (YYYY-MM-DD); relative dates ("yesterday", "يوم
        الثلاثاء") are resolved against it.
    source_url, publisher : str, optional
        Recorded in each draft's source.

    Returns
    -------
    list of dict
        One draft per reported event and place, ``status: draft``, the
        sentence as the source quote, per-field confidence in ``notes``.
    """
    return [draft.record for draft in extract_drafts(text, published, source_url, publisher)]


def language_of(text: str) -> str:
    return "ar" if is_arabic(text[:2000]) else "en"
