"""The dashboard's widgets and their wiring to the filters, through Streamlit's AppTest."""

from __future__ import annotations

import re
import shutil

import pytest
from streamlit.testing.v1 import AppTest

from tests.paths import REPO, SEED_RECORD

APP = str(REPO / "dashboard" / "app.py")


def app_on_a_copy(monkeypatch, tmp_path, query: dict[str, str] | None = None) -> AppTest:
    """The dashboard run once on a copy of the frozen seed record, with the URL's query parameters."""
    record = tmp_path / "incidents.yaml"
    shutil.copy(SEED_RECORD, record)
    monkeypatch.setenv("INCIDENTS_FILE", str(record))
    monkeypatch.setenv("GEO_CACHE_DIR", str(tmp_path / "cache"))
    test = AppTest.from_file(APP, default_timeout=60)
    test.query_params.update(query or {})
    test.run()
    assert not test.exception, test.exception
    return test


@pytest.fixture
def app(monkeypatch, tmp_path):
    return app_on_a_copy(monkeypatch, tmp_path)


def metric(test: AppTest, label: str) -> str:
    return next(m.value for m in test.metric if m.label.startswith(label))


def incident_table(test: AppTest):
    """The incident table; its key changes with the rows it shows."""
    return next(frame for frame in test.dataframe if (frame.key or "").startswith("incident_table"))


def choose_row(test: AppTest, row: int) -> AppTest:
    test.session_state[incident_table(test).key] = {"selection": {"rows": [row], "columns": [], "cells": []}}
    return test.run()


def test_headline_counts_all_incidents(app):
    assert metric(app, "Incidents") == "18"
    assert metric(app, "Fatalities") == "21"


def test_actor_filter_changes_the_count(app):
    app.multiselect(key="actor").select("IRGC").run()
    assert metric(app, "Incidents") == "8"
    assert r"actors\: IRGC" in app.caption[0].value  # Markdown-escaped


def test_side_and_role_filter(app):
    app.multiselect(key="side").select("International Coalition").run()
    app.radio(key="role").set_value("targeted").run()
    assert metric(app, "Incidents") == "2"


def test_text_search_folds_arabic_variants(app):
    app.text_input(key="q").input("قلعة الرحبة").run()
    exact = metric(app, "Incidents")
    app.text_input(key="q").input("قلعه الرحبه").run()
    assert metric(app, "Incidents") == exact != "0"


def test_custom_dates_filter(app):
    import datetime as dt

    app.radio(key="period").set_value("Custom").run()
    app.slider(key="dates").set_value((dt.date(2022, 8, 24), dt.date(2022, 8, 24))).run()
    assert metric(app, "Incidents") == "2"


def test_no_match_says_so(app):
    app.text_input(key="q").input("no such words anywhere").run()
    assert metric(app, "Incidents") == "0"
    assert any("No incidents match" in info.value for info in app.info)


def test_bad_record_shows_problems_not_a_traceback(monkeypatch, tmp_path):
    record = tmp_path / "broken.yaml"
    # the first incident's latitude, whatever its value
    text = re.sub(r"^  lat: .*$", "  lat: north", SEED_RECORD.read_text("utf-8"), count=1, flags=re.M)
    record.write_text(text, "utf-8")
    monkeypatch.setenv("INCIDENTS_FILE", str(record))
    monkeypatch.setenv("GEO_CACHE_DIR", str(tmp_path / "cache"))
    test = AppTest.from_file(APP, default_timeout=60).run()
    assert not test.exception
    assert metric(test, "Incidents") == "17"
    assert any("broken.yaml" in e.label and "1 errors" in e.label for e in test.expander)


def test_missing_file_is_an_error_message(monkeypatch, tmp_path):
    monkeypatch.setenv("INCIDENTS_FILE", str(tmp_path / "nope.yaml"))
    test = AppTest.from_file(APP, default_timeout=60).run()
    assert not test.exception
    assert "no such file" in test.error[0].value


@pytest.mark.parametrize(("fmt", "magic"), [("csv", b"\xef\xbb\xbfid,"), ("geojson", b"{"), ("png", b"\x89PNG")])
def test_export_panel_prepares_the_filtered_view(app, fmt, magic):
    app.multiselect(key="actor").select("IRGC").run()
    app.selectbox(key="export_format").set_value(fmt).run()
    app.selectbox(key="export_basemap").set_value("offline").run()  # no tile fetch, online or not
    next(button for button in app.button if button.label == "Prepare").click().run()
    assert not app.exception, app.exception
    inputs, data = app.session_state["export_ready"]
    assert inputs[0] == fmt and data.startswith(magic)
    if fmt == "csv":
        assert data.decode("utf-8-sig").count("\ndez-") == 8  # only the filtered incidents


def test_the_snapshot_basemap_chosen_is_the_one_exported(app, monkeypatch):
    import dashboard.export_panel as panel

    asked = []
    real = panel.export_bytes
    monkeypatch.setattr(panel, "export_bytes", lambda *args, **options: asked.append(options["basemap"])
                        or real(*args, **options))
    app.selectbox(key="export_format").set_value("csv").run()
    app.selectbox(key="export_basemap").set_value("offline").run()
    next(button for button in app.button if button.label == "Prepare").click().run()
    assert not app.exception, app.exception
    assert asked == ["offline"]
    app.selectbox(key="export_basemap").set_value("auto").run()
    assert any("changed since the file was prepared" in caption.value for caption in app.caption)


def test_a_prepared_file_is_not_offered_once_the_selection_changes(app):
    app.selectbox(key="export_format").set_value("csv").run()
    next(button for button in app.button if button.label == "Prepare").click().run()
    assert app.get("download_button")  # offered for the view it was made from
    app.multiselect(key="actor").select("IRGC").run()
    assert not app.exception, app.exception
    assert not app.get("download_button")
    assert any("changed since the file was prepared" in caption.value for caption in app.caption)


def test_selection_ends_when_a_filter_changes_the_rows(app):
    first = incident_table(app).value["id"].iloc[0]
    choose_row(app, 0)
    assert app.session_state["selected_incident"] == first
    app.multiselect(key="actor").select("IRGC").run()
    assert not app.exception, app.exception
    assert app.session_state["selected_incident"] is None  # not whichever incident is now in row 0


def test_search_text_in_the_caption_is_shown_not_rendered(monkeypatch, tmp_path):
    test = app_on_a_copy(monkeypatch, tmp_path, {"q": "![x](https://attacker.example/p.png) **bold**"})
    caption = test.caption[0].value
    assert "![x](" not in caption and "**bold**" not in caption and "https://" not in caption
    assert r"\!\[x\]\(https\:\/\/attacker\.example\/p\.png\) \*\*bold\*\*" in caption


def test_error_messages_show_untrusted_text_literally(monkeypatch, tmp_path):
    monkeypatch.setenv("INCIDENTS_FILE", str(tmp_path / "![x](https:attacker.example) **bold**.yaml"))
    test = AppTest.from_file(APP, default_timeout=60).run()
    assert not test.exception
    message = test.error[0].value
    assert "no such file" in message and "![x](" not in message and "\\!\\[x\\]" in message
