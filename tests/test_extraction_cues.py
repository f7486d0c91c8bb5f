"""The cue file: its event section checked against the ACLED taxonomy when it loads, its words matched as the text is."""

import datetime as dt

import pytest

from geo.extraction.cues import CUES_FILE, CueError, cue_problems, cues, load_cues
from geo.extraction.dates import DateCue, find_date
from geo.extraction.events import classify, family_of, happens_at_destination, has_victim
from geo.extraction.sentences import tokenise
from geo.schema import event_types


def test_shipped_cue_file_has_no_problems():
    assert cue_problems(cues()) == []


@pytest.mark.parametrize(("old", "new", "message"), [
    ("sub_event_type: Arrests}", "sub_event_type: Arests}",
     r"extraction_cues.yaml: events.fixed.arrest.sub_event_type: 'Arests' is not a sub-event type of "
     r"'Strategic developments' \(one of .*Arrests.*\) — use a name from geo/data/event_types.yaml"),
    ("event_type: Explosions/Remote violence", "event_type: Remote violence",
     r"extraction_cues.yaml: events.remote.event_type: 'Remote violence' is not an event type"),
    ("air: Air/drone strike", "air: Drone strike",
     r"extraction_cues.yaml: events.remote.by_weapon.air: 'Drone strike' is not a sub-event type"),
    ("clash: {event_type: Battles,", "clash: {event_type: Battle,",
     r"extraction_cues.yaml: events.clash.event_type: 'Battle' is not an event type"),
    ("base: relocate, protest: protest}", "base: relocate}",
     r"extraction_cues.yaml: events.families: trigger kind 'protest' has no family"),
    ("      artillery: Shelling/artillery/missile attack\n", "",
     r"extraction_cues.yaml: events.remote.by_weapon: weapon family 'artillery' has no sub-event type"),
    ("    en: [against, at, members of,", "    en: [on, against, at, members of,",
     r"extraction_cues.yaml: roles.target_before.en: True is not text — quote it"),
    ("at_destination: [relocate, base]", "at_destination: [relocate, bases]",
     r"extraction_cues.yaml: events.at_destination: 'bases' is not a trigger kind \(one of .*relocate.*\) — "
     r"use a kind under `triggers`"),
    ("  at_destination: [relocate, base]\n", "",
     r"extraction_cues.yaml: events.at_destination: expected a list of trigger kinds, got None"),
    ("  kinds: [relocate]\n", "  kinds: [relocation]\n",
     r"extraction_cues.yaml: moved_casualties.kinds: 'relocation' is not a trigger kind"),
    ("needs_doer: [relocate]", "needs_doer: [relocation]",
     r"extraction_cues.yaml: events.needs_doer: 'relocation' is not a family"),
], ids=["sub-event type", "event type", "weapon sub-event type", "clash", "kind without family",
        "weapon without sub-event type", "unquoted on", "destination kind", "no destination kinds",
        "moved casualties kind", "needs doer family"])
def test_a_broken_cue_file_names_file_key_and_value(tmp_path, old, new, message):
    text = CUES_FILE.read_text(encoding="utf-8")
    assert text.count(old) == 1
    broken = tmp_path / "extraction_cues.yaml"
    broken.write_text(text.replace(old, new), encoding="utf-8")
    with pytest.raises(CueError, match=message):
        load_cues(broken)


def test_every_problem_is_reported_at_once(tmp_path):
    text = CUES_FILE.read_text(encoding="utf-8")
    broken = tmp_path / "extraction_cues.yaml"
    broken.write_text(text.replace("sub_event_type: Arrests}", "sub_event_type: Arests}")
                      .replace("on_civilians: {event_type: Violence against civilians",
                               "on_civilians: {event_type: Violence"), encoding="utf-8")
    with pytest.raises(CueError) as caught:
        load_cues(broken)
    assert str(caught.value).count(str(broken)) == 2
    assert "'Arests'" in str(caught.value) and "'Violence'" in str(caught.value)


@pytest.mark.parametrize("kind", list(cues()["triggers"]))
def test_every_trigger_kind_classifies_into_the_taxonomy(kind):
    taxonomy = event_types()
    for weapons in ([], ["explosive"], ["air"], ["artillery"]):
        for actor2 in (None, "Civilians", "Syrian Democratic Forces"):
            event_type, sub, _ = classify(kind, weapons, "Russia", actor2)
            assert sub in taxonomy[event_type]
    assert isinstance(family_of(kind), str)


def test_only_moves_and_bases_happen_at_a_destination():
    assert happens_at_destination("relocate") and happens_at_destination("base")
    assert not any(happens_at_destination(kind) for kind in ("strike", "attack", "arrest", "protest"))


def test_moves_and_protests_have_no_victim():
    assert not has_victim(family_of("relocate")) and not has_victim(family_of("base"))
    assert not has_victim(family_of("protest")) and has_victim(family_of("strike"))


@pytest.mark.parametrize("marker", ["الماضي", "الفائت"])
def test_a_month_marker_with_hamza_matches_like_the_text(marker):
    # cue words are normalised as the text is: "الفائت" in the file meets "الفايت" in a token
    cue = find_date(tokenise(f"اعتقل شاب شباط {marker}."), dt.date(2024, 3, 6), None)
    assert cue == DateCue(dt.date(2024, 2, 15), "month", "explicit")
