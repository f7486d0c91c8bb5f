"""The dashboard on the PostgreSQL/PostGIS store: filters run in SQL, edits are versioned, outages are messages."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from geo.records import parse_incidents
from geo.stores.postgis import PostgisStore
from tests.paths import REPO, SEED_RECORD

pytestmark = pytest.mark.postgres

APP = str(REPO / "dashboard" / "app.py")


@pytest.fixture
def database(pg_url, monkeypatch):
    store = PostgisStore(pg_url)
    store.init()
    records, problems = parse_incidents(SEED_RECORD.read_bytes(), str(SEED_RECORD))
    assert not problems
    store.upsert(records)
    monkeypatch.setenv("INCIDENTS_DB_URL", pg_url)
    monkeypatch.delenv("INCIDENT_CURATOR_SECRET", raising=False)
    return store


def metric(test: AppTest, label: str) -> str:
    return next(m.value for m in test.metric if m.label.startswith(label))


def test_dashboard_reads_and_filters_the_database(database):
    test = AppTest.from_file(APP, default_timeout=60).run()
    assert not test.exception, test.exception
    assert metric(test, "Incidents") == "18"
    test.multiselect(key="actor").select("IRGC").run()
    assert metric(test, "Incidents") == "8"
    caption = test.caption[0].value.replace("\\", "")  # shown with Markdown escaped
    assert "postgresql://" in caption and "IRGC" in caption


def test_unreachable_database_is_a_message(monkeypatch):
    monkeypatch.setenv("INCIDENTS_DB_URL", "postgresql://nobody:secret@127.0.0.1:1/none")
    test = AppTest.from_file(APP, default_timeout=60).run()
    assert not test.exception
    message = test.error[0].value
    assert "cannot connect to the incident database" in message and "secret" not in message


def test_reruns_reuse_one_database_connection(database, pg_url):
    import psycopg

    def sessions(conn) -> int:
        return conn.execute("SELECT sessions FROM pg_stat_database WHERE datname = current_database()").fetchone()[0]

    with psycopg.connect(pg_url, autocommit=True) as conn:
        before = sessions(conn)
        test = AppTest.from_file(APP, default_timeout=60).run()
        for actor in ("IRGC", "ISIS", "SDF"):
            test.multiselect(key="actor").set_value([actor]).run()
        assert not test.exception, test.exception
        conn.execute("SELECT pg_stat_clear_snapshot()")
        assert sessions(conn) - before == 1  # one connection for the browser session, not one per rerun


def test_database_mode_offers_the_records_areas_and_dates(database):
    test = AppTest.from_file(APP, default_timeout=60).run()
    assert "Deir ez-Zor" in test.multiselect(key="gov").options
    assert "Al-Mayadin" in test.multiselect(key="district").options
    test.radio(key="period").set_value("Custom").run()
    assert not test.exception, test.exception
    low, high = test.slider(key="dates").value
    assert str(low) == "2022-08-24" and str(high) == "2022-08-25"
    test.multiselect(key="district").select("Al-Mayadin").run()
    assert metric(test, "Incidents") != "0"


def test_database_duplicate_checks_see_past_the_filters(database, monkeypatch):
    import datetime as dt

    from tests.test_app_curator import ARTICLE, SECRET, button

    monkeypatch.setenv("INCIDENT_CURATOR_SECRET", SECRET)
    test = AppTest.from_file(APP, default_timeout=60).run()
    test.text_input(key="sign_in_name").input("Alice")
    test.text_input(key="sign_in_secret").input(SECRET)
    button(test, "Sign in").click().run()
    test.radio(key="period").set_value("Last 7 days").run()  # the seed incidents are from 2022: none shown
    assert metric(test, "Incidents") == "0"
    test.text_area(key="review_text").input(ARTICLE)
    test.date_input(key="review_published").set_value(dt.date(2022, 8, 26))
    button(test, "Extract drafts").click().run()
    assert not test.exception, test.exception
    table = test.dataframe[-1].value
    # The database holds these events: drafts still point at them though the filter shows nothing.
    assert (table["duplicate of"].str.startswith("dez-")).sum() >= len(table) // 2
    # Choosing another draft reruns the page: the drafts' windows are not queried again.
    queries = []
    real_load = PostgisStore.load
    monkeypatch.setattr(PostgisStore, "load", lambda self, flt=None: queries.append(flt) or real_load(self, flt))
    test.selectbox(key="review_pick").set_value(1).run()
    assert not test.exception, test.exception
    assert queries == []
    assert test.dataframe[-1].value["duplicate of"].tolist() == table["duplicate of"].tolist()


def test_rows_are_reused_across_reruns_until_this_session_writes(database, pg_url):
    from dashboard.data import database_changed, load_from_database
    from geo.filters import IncidentFilter

    flt = IncidentFilter(actors=("IRGC",))
    first = load_from_database(pg_url, flt)
    assert load_from_database(pg_url, flt) is first  # a rerun for a click or a tab: no query
    ident = first[0]["id"].iloc[0]
    record, version = database.get(ident)
    database.save({**record, "description": "corrected by a curator"}, version, "tester")
    database_changed()  # as the curator panel does after every write
    fresh = load_from_database(pg_url, flt)
    assert fresh is not first
    assert fresh[0].set_index("id").loc[ident, "description"] == "corrected by a curator"


def test_the_database_map_is_drawn_once_per_read_of_the_rows(database, pg_url):
    from dashboard.data import database_changed, database_map, load_from_database
    from geo import MapView
    from geo.filters import IncidentFilter

    flt, view = IncidentFilter(actors=("IRGC",)), MapView()
    rows = load_from_database(pg_url, flt)[0]
    first = database_map(rows, view)
    assert database_map(load_from_database(pg_url, flt)[0], view) is first  # a rerun: not drawn again
    database_changed()
    assert database_map(load_from_database(pg_url, flt)[0], view) is not first  # new rows, new map
