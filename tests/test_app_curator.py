"""Curator mode through AppTest: off without a secret, and a full add through the editor."""

from __future__ import annotations

import datetime as dt
import difflib
import shutil
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.paths import REPO, SEED_RECORD

APP = str(REPO / "dashboard" / "app.py")
SECRET = "correct horse battery staple"


@pytest.fixture
def record(monkeypatch, tmp_path) -> Path:
    path = tmp_path / "incidents.yaml"
    shutil.copy(SEED_RECORD, path)
    monkeypatch.setenv("INCIDENTS_FILE", str(path))
    monkeypatch.setenv("GEO_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("INCIDENT_CURATOR_SECRET", raising=False)
    return path


def button(test: AppTest, label: str):
    return next(item for item in test.button if item.label == label)


def tab_labels(test: AppTest) -> list[str]:
    return [tab.label for tab in test.tabs]


def signed_in(monkeypatch, name: str = "Alice") -> AppTest:
    monkeypatch.setenv("INCIDENT_CURATOR_SECRET", SECRET)
    test = AppTest.from_file(APP, default_timeout=60).run()
    test.text_input(key="sign_in_name").input(name)
    test.text_input(key="sign_in_secret").input(SECRET)
    button(test, "Sign in").click().run()
    assert not test.exception, test.exception
    return test


def test_read_only_without_a_secret(record):
    test = AppTest.from_file(APP, default_timeout=60).run()
    assert not test.exception
    assert tab_labels(test) == ["Incidents", "Export"]
    assert not any(item.label == "Sign in" for item in test.button)
    assert not [w for w in test.text_input if w.key and w.key.startswith("f_")]


def test_wrong_secret_keeps_it_read_only(record, monkeypatch):
    monkeypatch.setenv("INCIDENT_CURATOR_SECRET", SECRET)
    test = AppTest.from_file(APP, default_timeout=60).run()
    test.text_input(key="sign_in_name").input("Mallory")
    test.text_input(key="sign_in_secret").input("guess")
    button(test, "Sign in").click().run()
    assert "Wrong secret." in [e.value for e in test.error]
    assert "Edit" not in tab_labels(test)


def test_curator_adds_an_incident_and_the_diff_is_exactly_it(record, monkeypatch):
    before = record.read_text("utf-8")
    test = signed_in(monkeypatch)
    assert tab_labels(test) == ["Incidents", "Export", "Edit", "Review drafts"]
    test.text_input(key="gaz_query").input("الشعفة").run()
    button(test, "New incident at this place").click().run()
    test.selectbox(key="f_event_type").set_value("Battles")
    test.selectbox(key="f_sub_event_type").set_value("Armed clash")
    test.selectbox(key="f_actor1_name").set_value("SDF")
    test.selectbox(key="f_actor2_name").set_value("ISIS")
    test.text_area(key="f_description").input("SDF fighters clashed with an ISIS cell.")
    test.text_input(key="f_source0_publisher").input("Deir Ezzor 24")
    test.text_input(key="f_source0_url").input("https://example.org/shaafa")
    test.text_area(key="f_source0_quote").input("اشتباكات بين قسد وخلايا التنظيم في الشعفة")
    button(test, "Save").click().run()
    assert not test.exception, test.exception
    assert not test.error, [e.value for e in test.error]
    after = record.read_text("utf-8")
    added = [line[1:] for line in difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=0)
             if line.startswith("+") and not line.startswith("+++")]
    removed = [line for line in difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=0)
               if line.startswith("-") and not line.startswith("---")]
    assert removed == []
    text = "\n".join(added)
    assert [line for line in added if line.strip()][0].startswith("- id: dez-") and "name: SDF" in text and "name: ISIS" in text
    assert "gazetteer_id:" in text and "https://example.org/shaafa" in text
    assert any("last_edited_by: Alice" in line for line in added)
    assert sum(line.startswith("- id:") for line in added) == 1


def test_invalid_edit_is_refused_with_the_validator_message(record, monkeypatch):
    before = record.read_text("utf-8")
    test = signed_in(monkeypatch)
    test.selectbox(key="editor_pick").set_value("dez-2022-08-24-001").run()
    button(test, "Load for editing").click().run()
    test.text_input(key="f_source0_url").input("javascript:alert(1)")
    button(test, "Save").click().run()
    assert any("not an http(s) link" in e.value.replace("\\", "") for e in test.error)  # shown with Markdown escaped
    assert record.read_text("utf-8") == before
    assert test.text_input(key="f_source0_url").value == "javascript:alert(1)"  # the edit is kept


def test_conflict_keeps_the_curators_edit(record, monkeypatch):
    test = signed_in(monkeypatch)
    test.selectbox(key="editor_pick").set_value("dez-2022-08-24-001").run()
    button(test, "Load for editing").click().run()
    test.text_area(key="f_description").input("My careful rewording.")
    other = record.read_text("utf-8").replace("according to a coalition statement", "per a coalition statement", 1)
    record.write_text(other, "utf-8")  # another curator saved meanwhile
    button(test, "Save").click().run()
    assert any("Not saved" in e.value for e in test.error)
    assert record.read_text("utf-8") == other
    assert test.text_area(key="f_description").value == "My careful rewording."


ARTICLE = (REPO / "tests" / "data" / "articles" / "000_sy24_seed.txt").read_text("utf-8")


def extracted(test: AppTest) -> AppTest:
    test.text_area(key="review_text").input(ARTICLE)
    test.text_input(key="review_publisher").input("SY24")
    test.date_input(key="review_published").set_value(dt.date(2022, 8, 26))
    button(test, "Extract drafts").click().run()
    assert not test.exception, test.exception
    return test


def test_review_extracts_drafts_and_flags_duplicates(record, monkeypatch):
    test = extracted(signed_in(monkeypatch))
    drafts = test.session_state["drafts"]
    assert len(drafts) >= 10 and all(draft["status"] == "draft" for draft in drafts)
    table = test.dataframe[-1].value
    assert len(table) == len(drafts)
    # The seed record already holds these events: most drafts point at the incident they repeat.
    assert (table["duplicate of"].str.startswith("dez-")).sum() >= len(drafts) // 2


def test_review_reject_and_accept(record, monkeypatch):
    test = extracted(signed_in(monkeypatch))
    count = len(test.session_state["drafts"])
    button(test, "Reject").click().run()
    assert len(test.session_state["drafts"]) == count - 1
    button(test, "Accept (edit first)").click().run()
    assert len(test.session_state["drafts"]) == count - 1  # dropped once the incident is saved
    assert test.session_state["editor_loaded"] and test.selectbox(key="f_status").value == "weak"
    assert test.text_input(key="f_source0_publisher").value == "SY24"


def test_accepting_a_second_draft_before_saving_the_first(record, monkeypatch):
    test = extracted(signed_in(monkeypatch))
    drafts = test.session_state["drafts"]
    button(test, "Accept (edit first)").click().run()
    test.selectbox(key="review_pick").set_value(1).run()
    button(test, "Accept (edit first)").click().run()
    assert not test.exception, test.exception
    assert test.text_input(key="f_place").value == drafts[1]["place"]
    assert test.session_state["editor_draft"] == drafts[1]["id"]
    test.checkbox(key="f_allow_duplicate").check()
    button(test, "Save").click().run()
    assert not test.exception and not test.error, [e.value for e in test.error]
    assert [draft["id"] for draft in test.session_state["drafts"]] == [d["id"] for d in drafts if d is not drafts[1]]


def test_review_merge_adds_the_drafts_source(record, monkeypatch):
    test = extracted(signed_in(monkeypatch))
    drafts = test.session_state["drafts"]
    index = next(i for i, row in enumerate(test.dataframe[-1].value["duplicate of"]) if row)
    test.selectbox(key="review_pick").set_value(index).run()
    target = test.selectbox(key="review_merge_target").value
    before = record.read_text("utf-8")
    button(test, "Merge sources into it").click().run()
    assert not test.error, [e.value for e in test.error]
    after = record.read_text("utf-8")
    assert after != before and len(test.session_state["drafts"]) == len(drafts) - 1
    from geo.roundtrip import Document

    merged = Document(after, "incidents.yaml").get(target)
    assert any(source.get("quote") == drafts[index]["sources"][0]["quote"] for source in merged["sources"])


def test_row_chosen_in_the_table_becomes_the_incident_to_edit(record, monkeypatch):
    test = signed_in(monkeypatch)
    row = test.dataframe[0].value["id"].tolist().index("dez-2022-08-25-014")
    table = next(frame for frame in test.dataframe if (frame.key or "").startswith("incident_table"))
    test.session_state[table.key] = {"selection": {"rows": [row], "columns": [], "cells": []}}
    test.run()
    assert test.selectbox(key="editor_pick").value == "dez-2022-08-25-014"
    test.multiselect(key="actor").select("IRGC").run()
    options = test.selectbox(key="editor_pick").options
    assert "dez-2022-08-25-014" in options and "dez-2022-08-25-001" not in options  # only filtered incidents


def test_editing_keeps_the_fields_the_form_does_not_show(record, monkeypatch):
    from geo.roundtrip import Document

    before = Document(record.read_text("utf-8"), "incidents.yaml").get("dez-2022-08-25-015")
    assert before["assoc_actor2"]
    test = signed_in(monkeypatch)
    test.selectbox(key="editor_pick").set_value("dez-2022-08-25-015").run()
    button(test, "Load for editing").click().run()
    test.text_area(key="f_description").input("Reworded.")
    button(test, "Save").click().run()
    assert not test.exception and not test.error, [e.value for e in test.error]
    after = Document(record.read_text("utf-8"), "incidents.yaml").get("dez-2022-08-25-015")
    assert {key: after[key] for key in before if key not in ("description", "last_edited_by", "last_edited_at")} == {
        key: before[key] for key in before if key not in ("description", "last_edited_by", "last_edited_at")}
    assert after["description"] == "Reworded."


def test_loading_another_incident_clears_the_duplicate_and_delete_ticks(record, monkeypatch):
    test = signed_in(monkeypatch)
    test.selectbox(key="editor_pick").set_value("dez-2022-08-24-001").run()
    button(test, "Load for editing").click().run()
    test.checkbox(key="f_allow_duplicate").check()
    test.text_input(key="f_source0_url").input("javascript:alert(1)")
    button(test, "Save").click().run()  # refused: the tick stays for the next try
    test.checkbox(key="confirm_delete").check().run()
    assert test.checkbox(key="f_allow_duplicate").value and test.checkbox(key="confirm_delete").value
    test.selectbox(key="editor_pick").set_value("dez-2022-08-24-002").run()
    button(test, "Load for editing").click().run()
    assert not test.exception, test.exception
    assert not test.checkbox(key="f_allow_duplicate").value
    assert not test.checkbox(key="confirm_delete").value
    assert not next(item for item in test.button if item.key == "delete_incident").value
    assert "**Editing dez-2022-08-24-002**" in [item.value for item in test.markdown]


def test_curator_name_is_shown_not_rendered(record, monkeypatch):
    test = signed_in(monkeypatch, "![x](https://attacker.example/p.png)")
    escaped = r"\!\[x\]\(https\:\/\/attacker\.example\/p\.png\)"
    captions = [caption.value for caption in test.caption]
    assert not any("![x](" in caption for caption in captions)
    assert any(f"Signed in as **{escaped}**" in caption for caption in captions)
    assert any(f"curator\\: {escaped}" in caption for caption in captions)  # the page's caption
