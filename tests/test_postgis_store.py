"""The PostgreSQL/PostGIS store against a real server (see the pg_url fixture in conftest.py)."""

from __future__ import annotations

import datetime as dt
import random
import string
from pathlib import Path

import pandas as pd
import psycopg
import pytest
from geopandas.testing import assert_geodataframe_equal
from psycopg import sql

from bench.synthetic import SYRIA, generate
from geo.cli import main
from geo.errors import ConflictError, RecordError, StoreError
from geo.filters import IncidentFilter, apply_filter
from geo.frame import records_to_frame
from geo.records import fill_admin_areas, parse_incidents, read_incidents
from geo.stores import pg_sql
from geo.stores.postgis import PostgisStore
from geo.validation import validate_incidents

pytestmark = pytest.mark.postgres

SEED = Path(__file__).resolve().parent / "data" / "seed.yaml"  # tests.paths.SEED_RECORD: the frozen copy of incidents.yaml
INJECTIONS = ["'; DROP TABLE incidents; --", "x' OR '1'='1", "%", "_", "\\", "$$; DELETE FROM incidents; $$"]


def _seed_records() -> list[dict]:
    records, problems = parse_incidents(SEED.read_bytes(), str(SEED))
    assert not [problem for problem in problems if problem.severity == "error"]
    return records


def _extra_raw() -> list[dict]:
    """Hand-made incidents for the edges: spans, associated actors, Arabic text, odd figures."""
    base = {"event_type": "Battles", "sub_event_type": "Armed clash", "geo_precision": "town",
            "status": "fair", "sources": [{"publisher": "Test", "url": "https://example.org/a"}]}
    return [
        {**base, "id": "edge-span-001", "date": "2020-01-28", "date_end": "2020-02-03",
         "actor1": "SDF", "assoc_actor1": ["Deir ez-Zor Military Council"], "actor2": "ISIS",
         "place": "الشَّحَيْل", "lat": 35.12, "lon": 40.40, "fatalities": {"min": 20, "qualifier": "more_than"},
         "description": "اشتباكات عنيفة في بلدة الشحيل", "tags": ["edge", "span"], "governorate": "Deir ez-Zor"},
        {**base, "id": "edge-assoc-002", "date": "2020-02-01", "actor1": "ISIS", "actor2": "SDF",
         "assoc_actor2": ["Arab tribal fighters"], "place": "Hajin", "lat": 34.69, "lon": 40.83,
         "fatalities": {"qualifier": "dozens"}, "injuries": {"max": 5, "qualifier": "up_to"},
         "description": "Clashes with 100% certainty_of_wildcards near HAJIN", "district": "Al-Bukamal"},
        {**base, "id": "edge-notarget-003", "date": "2020-03-15", "time": "22:30", "actor1": "Unidentified armed group",
         "place": "Al-Bukamal edge", "lat": 34.40, "lon": 40.95, "fatalities": 0, "time_precision": "month",
         "notes": "Quote ' and \\ backslash kept verbatim", "status": "draft"},
    ]


@pytest.fixture(scope="module")
def sample() -> list[dict]:
    raws = _extra_raw() + generate(400, seed=7, bbox=SYRIA)
    records, problems = validate_incidents(raws, "sample")
    assert not [problem for problem in problems if problem.severity == "error"], problems[:3]
    return _seed_records() + records


@pytest.fixture
def store(pg_url: str) -> PostgisStore:
    db = PostgisStore(pg_url)
    db.init()
    yield db
    db.close()


@pytest.fixture
def filled(store: PostgisStore, sample: list[dict]) -> PostgisStore:
    store.upsert(sample)
    return store


def test_init_is_idempotent(store, sample):
    store.upsert(sample[:5])
    store.init()
    store.init()
    assert store.count() == 5


def test_load_gives_the_same_frame_as_the_yaml_loader(store):
    store.upsert(_seed_records())
    from_db, problems = store.load()
    from_yaml, _ = read_incidents(SEED, use_cache=False)
    expected = from_yaml.sort_values(["date", "id"]).reset_index(drop=True)
    expected["line"] = pd.array([None] * len(expected), dtype="Int64")  # a database has no line numbers
    assert problems == []
    assert list(from_db.columns) == list(from_yaml.columns)
    assert_geodataframe_equal(from_db.reset_index(drop=True), expected)


def test_empty_result_has_the_frame_columns(filled):
    frame, _ = filled.load(IncidentFilter(actors=("nobody at all",)))
    assert len(frame) == 0
    assert list(frame.columns) == list(records_to_frame([]).columns)


def _tricky_raw() -> list[dict]:
    """Rows where a column-wise read could drift from the record loaders: sources, nulls, spans, lists, admin areas."""
    base = {"event_type": "Battles", "sub_event_type": "Armed clash", "geo_precision": "town", "status": "fair",
            "actor1": "SDF", "place": "Hajin", "lat": 34.69, "lon": 40.83, "sources": [{"publisher": "Only"}]}
    return [
        {**base, "id": "tricky-sources-001", "date": "2021-05-01", "date_end": "2021-05-09", "time": "05:00",
         "sources": [{"publisher": "A", "url": "https://a.example/x?q=1&r=\"2\"", "language": "en",
                      "published": "2021-05-02", "quote": "line1\nline2 \"quoted\" \\ back"},
                     {"publisher": "ب", "language": "ar", "quote": "اقتباس 🚀 \u2028 {\"json\": null}"},
                     {"publisher": "C"}],
         "assoc_actor1": ["IRGC", "Hezbollah"], "assoc_actor2": ["ISIS", "SDF"], "tags": ["a", "b", "c"],
         "injuries": {"min": 3, "max": 9, "qualifier": "about"}, "gazetteer_id": "green-village"},
        {**base, "id": "tricky-bare-002", "date": "2021-05-01"},
        {**base, "id": "tricky-curated-003", "date": "2021-05-03", "governorate": "Somewhere", "district": "Else",
         "fatalities": 0, "notes": "", "description": "Only"},
        {**base, "id": "tricky-outside-004", "date": "2021-04-30", "lat": 36.9, "lon": 36.1,
         "fatalities": {"min": 2, "max": 5, "qualifier": "up_to"}},
    ]


def _assert_same_frame(actual: pd.DataFrame, expected: pd.DataFrame) -> None:
    """Equal as assert_geodataframe_equal sees it, and in what it overlooks: dtypes, None vs NaN, dict key order."""
    assert list(actual.columns) == list(expected.columns)
    assert actual.dtypes.to_dict() == expected.dtypes.to_dict()
    assert_geodataframe_equal(actual, expected)
    for column in actual.select_dtypes("object").columns:
        assert actual[column].map(type).tolist() == expected[column].map(type).tolist(), column
    keys = [[list(source) for source in sources] for sources in actual["sources"]]
    assert keys == [[list(source) for source in sources] for sources in expected["sources"]]


def test_load_builds_the_frame_records_to_frame_builds_from_the_same_records(store, pg_url):
    records, problems = validate_incidents(_extra_raw() + _tricky_raw(), "tricky")
    assert not [problem for problem in problems if problem.severity == "error"], problems
    store.upsert(records)
    # A stored source may hold a field the schema has since dropped: it is left out, as validation would.
    with psycopg.connect(pg_url, autocommit=True) as conn:
        conn.execute("""UPDATE incidents SET sources = '[{"retired": 1, "publisher": "Only", "url": null}]'::jsonb """
                     "WHERE id = 'tricky-bare-002'")
        stored_texts = dict(conn.execute("SELECT id, search_text FROM incidents").fetchall())
    records = sorted(({**record, "line": None} for record in records), key=lambda record: (record["date"], record["id"]))
    expected = fill_admin_areas(records_to_frame(records, search_texts=[stored_texts[r["id"]] for r in records]))
    assert expected.loc[expected["id"] == "tricky-sources-001", "district"].item() == "Al-Mayadin"  # from the gazetteer

    frame, _ = store.load()
    _assert_same_frame(frame.reset_index(drop=True), expected)
    one, _ = store.load(IncidentFilter(bbox=(36.0, 36.8, 36.2, 37.0)))
    _assert_same_frame(one.reset_index(drop=True), expected[expected["id"] == "tricky-outside-004"].reset_index(drop=True))
    none, _ = store.load(IncidentFilter(actors=("nobody at all",)))
    _assert_same_frame(none, fill_admin_areas(records_to_frame([])))
    # Record by record too, as `db pull` reads them.
    pulled = list(store.iter_records())
    assert pulled == records
    assert [[list(source) for source in record["sources"]] for record in pulled] == [
        [list(source) for source in record["sources"]] for record in records]


FILTERS = {
    "span": IncidentFilter(date_from=dt.date(2020, 2, 1), date_to=dt.date(2020, 2, 2)),
    "from-only": IncidentFilter(date_from=dt.date(2024, 6, 1)),
    "to-only": IncidentFilter(date_to=dt.date(2017, 1, 1)),
    "reversed-span": IncidentFilter(date_from=dt.date(2022, 1, 1), date_to=dt.date(2021, 1, 1)),
    "actor-any": IncidentFilter(actors=("Arab tribal fighters", "IRGC")),
    "actor-acted": IncidentFilter(actors=("Deir ez-Zor Military Council",), role="acted"),
    "actor-targeted": IncidentFilter(actors=("Arab tribal fighters", "Kata'ib Hezbollah"), role="targeted"),
    "side-any": IncidentFilter(sides=("ISIS",)),
    "side-acted": IncidentFilter(sides=("SDF", "Russia"), role="acted"),
    "side-targeted": IncidentFilter(sides=("Civilians",), role="targeted"),
    "event-type": IncidentFilter(event_types=("Battles", "Riots")),
    "sub-event-type": IncidentFilter(sub_event_types=("Air/drone strike",)),
    "status": IncidentFilter(statuses=("draft", "contested")),
    "precision": IncidentFilter(precisions=("site",)),
    "min-fatalities": IncidentFilter(min_fatalities=5),
    "min-fatalities-zero": IncidentFilter(min_fatalities=0),
    "text-arabic-diacritics": IncidentFilter(text="الشحيل"),
    "text-arabic-variants": IncidentFilter(text="البوكمال"),
    "text-case": IncidentFilter(text="hajin CLASHES"),
    "text-percent": IncidentFilter(text="100%"),
    "text-underscore": IncidentFilter(text="certainty_of"),
    "text-quote": IncidentFilter(text="quote '"),
    "text-inside-a-word": IncidentFilter(text="ajin"),
    "text-two-letters": IncidentFilter(text="ha"),
    "text-letters-and-digits": IncidentFilter(text="-001 ISIS"),
    "text-absent": IncidentFilter(text="zzyzx"),
    "bbox": IncidentFilter(bbox=(38.0, 34.0, 40.5, 35.5)),
    "polygon": IncidentFilter(area_wkt="POLYGON((39 33, 42 33, 42 36, 39 33))"),
    "governorate": IncidentFilter(governorates=("Deir ez-Zor",)),
    "district": IncidentFilter(districts=("Al-Bukamal", "Al-Mayadin")),
    "tags": IncidentFilter(tags=("span", "aug-2022-escalation")),
    "combined": IncidentFilter(date_from=dt.date(2018, 1, 1), date_to=dt.date(2023, 12, 31),
                               sides=("Iran-backed militias", "International Coalition"), role="acted",
                               bbox=(37.0, 33.0, 41.5, 36.5)),
}


@pytest.mark.parametrize("flt", FILTERS.values(), ids=FILTERS.keys())
def test_pushed_down_filter_matches_the_in_memory_filter(filled, sample, flt):
    # As read_incidents does: admin areas filled, then filtered.
    expected = sorted(apply_filter(fill_admin_areas(records_to_frame(sample)), flt)["id"])
    assert sorted(filled.ids(flt)) == expected
    frame, _ = filled.load(flt)
    assert sorted(frame["id"]) == expected


def test_every_filter_field_is_exercised():
    from geo.filters import filter_field_names

    used = {name for flt in FILTERS.values() for name in filter_field_names()
            if getattr(flt, name) != getattr(IncidentFilter(), name)}
    assert used == set(filter_field_names())


@pytest.mark.parametrize("value", INJECTIONS, ids=range(len(INJECTIONS)))
def test_malicious_filter_values_are_data(filled, sample, value):
    frame = records_to_frame(sample)
    before = filled.count()
    for flt in (IncidentFilter(text=value), IncidentFilter(actors=(value,)), IncidentFilter(sides=(value,)),
                IncidentFilter(event_types=(value,)), IncidentFilter(statuses=(value,)),
                IncidentFilter(governorates=(value,)), IncidentFilter(tags=(value,))):
        # Matched literally, as the in-memory filter does ("%" finds the "100%" text, nothing else).
        assert sorted(filled.ids(flt)) == sorted(apply_filter(frame, flt)["id"])
    assert filled.count() == before == len(sample)


def test_malicious_text_is_stored_verbatim(store, sample):
    raw = {**_extra_raw()[0], "description": INJECTIONS[0], "notes": INJECTIONS[-1]}
    version = store.save(raw, None, "mallory")
    stored, stored_version = store.get(raw["id"])
    assert stored_version == version
    assert (stored["description"], stored["notes"]) == (INJECTIONS[0], INJECTIONS[-1])
    assert store.ids(IncidentFilter(text="drop table")) == [raw["id"]]


def test_push_then_pull_gives_the_same_incidents(pg_url, tmp_path, capsys):
    pulled = tmp_path / "pulled.yaml"
    assert main(["db", "init", "--db", pg_url]) == 0
    assert main(["db", "push", "--db", pg_url, "--file", str(SEED)]) == 0
    assert main(["db", "pull", "--db", pg_url, "--file", str(pulled)]) == 0
    original = _seed_records()
    back, problems = parse_incidents(pulled.read_bytes(), str(pulled))
    assert problems == []
    assert [record["date"] for record in back] == sorted(record["date"] for record in back)
    by_id = {record["id"]: record for record in back}
    assert set(by_id) == {record["id"] for record in original}
    for record in original:
        for field, value in record.items():
            if field != "line":
                assert by_id[record["id"]][field] == value, (record["id"], field)


def test_push_and_pull_show_progress_unless_asked_not_to(pg_url, tmp_path, capsys):
    main(["db", "init", "--db", pg_url])
    capsys.readouterr()
    assert main(["db", "push", "--db", pg_url, "--file", str(SEED)]) == 0
    err = capsys.readouterr().err
    assert "push: 100%" in err and "18/18" in err
    assert main(["db", "pull", "--db", pg_url, "--file", str(tmp_path / "out.yaml")]) == 0
    assert "pull: 100%" in capsys.readouterr().err
    assert main(["db", "pull", "--db", pg_url, "--file", str(tmp_path / "out.yaml"), "--no-progress"]) == 0
    assert "pull:" not in capsys.readouterr().err


def test_push_is_idempotent(pg_url, capsys):
    main(["db", "init", "--db", pg_url])
    main(["db", "push", "--db", pg_url, "--file", str(SEED)])
    capsys.readouterr()
    assert main(["db", "push", "--db", pg_url, "--file", str(SEED)]) == 0
    assert "0 added, 0 updated, 18 unchanged" in capsys.readouterr().out


def test_push_refuses_a_file_with_errors(store, pg_url, tmp_path, capsys):
    broken = tmp_path / "broken.yaml"
    broken.write_text("- id: x\n  date: someday\n", encoding="utf-8")
    assert main(["db", "push", "--db", pg_url, "--file", str(broken)]) == 1
    assert "someday" in capsys.readouterr().err
    assert store.count() == 0


def test_second_curator_gets_a_conflict(filled, pg_url):
    other = PostgisStore(pg_url)
    raw, version = filled.get("edge-span-001")
    theirs, their_version = other.get("edge-span-001")
    raw["description"] = "first curator's words"
    theirs["description"] = "second curator's words"
    new_version = filled.save(raw, version, "ana")
    assert new_version != version
    with pytest.raises(ConflictError, match="edge-span-001.*someone else saved") as caught:
        other.save(theirs, their_version, "bob")
    assert "+  description: second curator's words" in caught.value.diff
    stored, _ = filled.get("edge-span-001")
    assert stored["description"] == "first curator's words"
    assert stored["last_edited_by"] == "ana"
    other.close()


def test_adding_an_existing_or_deleted_id_conflicts(filled):
    raw, version = filled.get("edge-assoc-002")
    with pytest.raises(ConflictError, match="already exists"):
        filled.save(raw, None, "ana")
    with pytest.raises(ConflictError, match="changed or deleted"):
        filled.delete("edge-assoc-002", str(int(version) + 1), "ana")
    filled.delete("edge-assoc-002", version, "ana")
    assert filled.get("edge-assoc-002") is None
    with pytest.raises(ConflictError, match="never reused"):
        filled.save(raw, None, "ana")
    assert filled.upsert([_seed_records()[0], *validate_incidents([raw], "x")[0]]).refused == 1


def test_invalid_edit_writes_nothing(filled):
    raw, version = filled.get("edge-span-001")
    raw["lat"] = "north of the river"
    with pytest.raises(RecordError, match="lat"):
        filled.save(raw, version, "ana")
    assert filled.get("edge-span-001")[1] == version


def test_failed_bulk_write_leaves_nothing_half_written(store, sample):
    bad = dict(sample[-1], id="bad-lat-999", lat=123.0)  # bypasses validation: the database still refuses
    with pytest.raises(StoreError, match="refused a value"):
        store.upsert([*sample[:50], bad], batch_size=10)
    assert store.count() == 0


def test_unreachable_database_is_a_clear_error(capsys):
    url = "postgresql://ana:s3cret@127.0.0.1:1/incidents"
    with pytest.raises(StoreError, match=r"cannot connect .*ana:\*\*\*@127\.0\.0\.1:1/incidents.*check that") as caught:
        PostgisStore(url, connect_timeout=2).load()
    assert "s3cret" not in str(caught.value)
    assert main(["db", "pull", "--db", url, "--file", "/nonexistent/never-written.yaml"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: cannot connect") and "Traceback" not in err and "s3cret" not in err


def test_missing_schema_says_to_run_init(pg_url):
    with pytest.raises(StoreError, match="db init"):
        PostgisStore(pg_url).load()


def test_missing_url_says_how_to_give_one(monkeypatch, capsys):
    monkeypatch.delenv("INCIDENTS_DB_URL", raising=False)
    assert main(["db", "init"]) == 1
    assert "INCIDENTS_DB_URL" in capsys.readouterr().err


def test_open_store_serves_database_urls(store, pg_url):
    from geo.stores import open_store

    opened = open_store(pg_url)
    assert isinstance(opened, PostgisStore)
    assert len(opened.load()[0]) == 0


def test_error_while_reading_an_import_keeps_nothing(store, sample):
    def records():
        yield from sample[:25]
        raise ValueError("the input broke off")

    with pytest.raises(ValueError, match="broke off"):
        store.upsert(records(), batch_size=10)
    assert store.count() == 0


def _index_oids(store: PostgisStore) -> dict[str, int]:
    query = ("SELECT c.relname, c.oid FROM pg_class c JOIN pg_index i ON i.indexrelid = c.oid "
             "WHERE i.indrelid = 'incidents'::regclass")
    return dict(store._connection().execute(query).fetchall())


def test_bulk_load_keeps_the_indexes_and_they_serve_the_new_rows(store, sample):
    before = _index_oids(store)
    store.upsert(sample, batch_size=50)
    assert _index_oids(store) == before and set(pg_sql.INDEXES) < set(before)
    flt = IncidentFilter(text="hajin", sides=("SDF",))
    assert store.ids(flt) == apply_filter(records_to_frame(sample), flt).sort_values(["date", "id"])["id"].tolist()


def test_a_time_window_is_found_through_the_first_day_index(filled):
    flt = IncidentFilter(date_from=dt.date(2020, 2, 1), date_to=dt.date(2020, 2, 2))
    where, params = filled._where(flt)
    conn = filled._connection()
    with conn.transaction():
        conn.execute("SET LOCAL enable_seqscan = off")  # a small table would be scanned whatever the indexes
        plan = "\n".join(row[0] for row in conn.execute(
            sql.SQL("EXPLAIN SELECT id FROM incidents WHERE {}").format(where), params))
    assert "incidents_first_day_idx" in plan


def test_a_long_span_stored_later_widens_the_time_window(filled, sample):
    long = dict(sample[0], id="edge-long-span-009", date="2016-03-01", date_end="2021-06-30")
    filled.upsert([long])
    flt = IncidentFilter(date_from=dt.date(2021, 6, 30), date_to=dt.date(2021, 7, 1))
    assert "edge-long-span-009" in filled.ids(flt)
    assert "edge-long-span-009" not in filled.ids(IncidentFilter(date_from=dt.date(2021, 7, 1)))


def test_failed_bulk_load_keeps_the_indexes(store, sample):
    before = _index_oids(store)
    bad = dict(sample[-1], id="bad-lat-998", lat=123.0)
    with pytest.raises(StoreError, match="refused a value"):
        store.upsert([*sample[:120], bad], batch_size=50)
    assert _index_oids(store) == before and store.count() == 0


def _colliding_words() -> tuple[str, str]:
    """Two different words with the same 32-bit word hash (found by the birthday bound)."""
    from geo.stores.pg_search import word_hash

    rng = random.Random(5)
    seen: dict[int, str] = {}
    for _ in range(2_000_000):
        word = "".join(rng.choices(string.ascii_lowercase, k=10))
        other = seen.setdefault(word_hash(word), word)
        if other != word:
            return other, word
    raise AssertionError("no collision found")


def test_a_word_hash_collision_never_adds_a_match(store):
    first, second = _colliding_words()
    one = {**_extra_raw()[0], "id": "collide-one", "description": f"near {first}"}
    two = {**_extra_raw()[0], "id": "collide-two", "description": f"near {second}"}
    store.save(one, None, "tester")
    store.save(two, None, "tester")
    assert store.ids(IncidentFilter(text=second)) == ["collide-two"]
    assert store.ids(IncidentFilter(text=first)) == ["collide-one"]


def test_search_follows_edits_and_terms_held_by_many_words(store, sample, monkeypatch):
    from geo.stores import pg_search

    raw = {**_extra_raw()[0], "id": "search-edit-001", "description": "Qwertyuiop strike"}
    version = store.save(raw, None, "tester")
    assert store.ids(IncidentFilter(text="wertyu")) == [raw["id"]]
    store.save({**raw, "description": "another strike"}, version, "tester")
    assert store.ids(IncidentFilter(text="wertyu")) == []
    store.upsert(sample)
    frame = records_to_frame([*sample, validate_incidents([{**raw, "description": "another strike"}], "x")[0][0]])
    monkeypatch.setattr(pg_search, "MAX_TERM_WORDS", 3)  # "an" and "ing" now fall back to LIKE alone
    for text in ("ing", "an", "strike"):
        flt = IncidentFilter(text=text)
        assert sorted(store.ids(flt)) == sorted(apply_filter(frame, flt)["id"])


def test_init_brings_a_schema_1_database_up_to_date(store, sample):
    store.upsert(sample)
    versions = dict(store._connection().execute("SELECT id, version FROM incidents").fetchall())
    conn = store._connection()
    # The shape version 1 of the schema had: trigram-indexed text, no word index.
    conn.execute("DROP INDEX incidents_search_words_idx; ALTER TABLE incidents DROP COLUMN search_words; "
                 "DROP TABLE search_vocab; UPDATE geo_schema SET version = 1; "
                 "CREATE INDEX incidents_search_idx ON incidents USING gin (search_text gin_trgm_ops); "
                 "CREATE INDEX incidents_date_idx ON incidents (date)")
    store.init()
    assert conn.execute("SELECT max(version) FROM geo_schema").fetchone()[0] == pg_sql.SCHEMA_VERSION
    assert set(pg_sql.INDEXES) <= set(_index_oids(store))
    assert not set(pg_sql.RETIRED_INDEXES) & set(_index_oids(store))
    assert dict(conn.execute("SELECT id, version FROM incidents").fetchall()) == versions
    frame = records_to_frame(sample)
    for text in ("hajin", "ajin", "البوكمال", "strike"):
        flt = IncidentFilter(text=text)
        assert sorted(store.ids(flt)) == sorted(apply_filter(frame, flt)["id"])


ODD_WORDS = ['say "no"', "back\\slash", "{braces}", "a,b", "NULL", "", " spaced ", "قوات"]


def test_lists_with_odd_characters_round_trip(store):
    raw = {**_extra_raw()[0], "id": "odd-lists-001", "tags": ODD_WORDS}
    store.upsert(validate_incidents([raw], "odd")[0])
    assert store.get("odd-lists-001")[0]["tags"] == ODD_WORDS
    version = store.get("odd-lists-001")[1]
    store.save({**raw, "tags": list(reversed(ODD_WORDS))}, version, "tester")
    assert store.get("odd-lists-001")[0]["tags"] == list(reversed(ODD_WORDS))


@pytest.mark.parametrize("first_load", [True, False], ids=["first-load", "into-existing"])
def test_an_id_repeated_within_one_batch_keeps_the_last(store, sample, first_load):
    if not first_load:
        store.upsert(sample[20:22])
    changed = {**sample[3], "description": "the later row of the file"}
    counts = store.upsert([*sample[:8], changed, sample[8]], batch_size=50)
    assert (counts.inserted, counts.updated, counts.unchanged) == (9, 0, 0)
    assert store.count() == 9 + (0 if first_load else 2)
    assert store.get(sample[3]["id"])[0]["description"] == "the later row of the file"
    assert store.ids(IncidentFilter(text="later row")) == [sample[3]["id"]]
    assert [store.get(record["id"])[0]["description"] for record in sample[:3]] == \
        [record["description"] for record in sample[:3]]


def test_first_load_with_an_id_repeated_in_a_later_batch_keeps_the_last(store, sample):
    changed = {**sample[3], "description": "the later row of the file"}
    counts = store.upsert([*sample[:30], changed], batch_size=10)
    assert (counts.inserted, counts.updated, counts.unchanged) == (30, 1, 0)
    assert store.count() == 30
    assert store.get(sample[3]["id"])[0]["description"] == "the later row of the file"
    assert store.ids(IncidentFilter(text="later row")) == [sample[3]["id"]]


def test_init_without_the_right_to_add_extensions_says_what_a_superuser_must_do(pg_server_url):
    import uuid

    import psycopg
    from psycopg.conninfo import make_conninfo

    name = f"curator_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(pg_server_url, autocommit=True) as admin:
        try:
            admin.execute(f"CREATE ROLE {name} LOGIN")
        except psycopg.errors.InsufficientPrivilege:
            pytest.skip("the test server's user may not create roles")
        admin.execute(f"CREATE DATABASE {name} OWNER {name}")
    try:
        curator = PostgisStore(make_conninfo(pg_server_url, user=name, dbname=name))
        with pytest.raises(StoreError, match=r"may not add extensions .* have a superuser run `CREATE EXTENSION postgis"):
            curator.init()
        curator.close()
        with psycopg.connect(make_conninfo(pg_server_url, dbname=name), autocommit=True) as admin:
            admin.execute("CREATE EXTENSION postgis; CREATE EXTENSION pg_trgm")
        curator.init()  # the extensions exist: the owner of the database can do the rest
        curator.upsert(_seed_records())
        assert curator.count() == len(_seed_records())
        curator.close()
    finally:
        with psycopg.connect(pg_server_url, autocommit=True) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
            admin.execute(f"DROP ROLE IF EXISTS {name}")


@pytest.mark.parametrize("editor", ["", "   ", None])
def test_an_edit_without_the_curators_name_is_refused(filled, sample, editor):
    raw, version = filled.get(sample[0]["id"])
    with pytest.raises(StoreError, match="needs the curator's name"):
        filled.save({**raw, "notes": "changed"}, version, editor)
    with pytest.raises(StoreError, match="needs the curator's name"):
        filled.delete(sample[0]["id"], version, editor)
    assert filled.get(sample[0]["id"]) == (raw, version)


def test_deleted_ids_travel_with_pull_and_push(pg_url, tmp_path, capsys):
    from geo.stores.yaml_store import YamlStore

    main(["db", "init", "--db", pg_url])
    main(["db", "push", "--db", pg_url, "--file", str(SEED), "--no-progress"])
    store = PostgisStore(pg_url)
    last = max(_seed_records(), key=lambda record: record["id"])  # the highest serial of its day
    store.delete(last["id"], store.get(last["id"])[1], "tester")
    pulled = tmp_path / "pulled.yaml"
    assert main(["db", "pull", "--db", pg_url, "--file", str(pulled), "--no-progress"]) == 0
    assert f"# retired id: {last['id']} (deleted in the database by tester on " in pulled.read_text("utf-8")
    # An editor working on the pulled file never hands the deleted id out again.
    assert YamlStore(pulled).next_id(last["date"]) != last["id"]
    # Pushed into another database, the id stays retired there too.
    store.close()
    with psycopg_connection(pg_url) as conn:
        conn.execute("DROP TABLE incidents, deleted_incidents, search_vocab, geo_schema CASCADE")
    main(["db", "init", "--db", pg_url])
    capsys.readouterr()
    assert main(["db", "push", "--db", pg_url, "--file", str(pulled), "--no-progress"]) == 0
    assert "1 retired ids kept from reuse" in capsys.readouterr().out
    assert PostgisStore(pg_url).next_id(last["date"]) != last["id"]


def psycopg_connection(url: str):
    import psycopg

    return psycopg.connect(url, autocommit=True)


def test_pushing_an_older_copy_keeps_a_later_database_edit(pg_url, tmp_path, capsys):
    main(["db", "init", "--db", pg_url])
    main(["db", "push", "--db", pg_url, "--file", str(SEED), "--no-progress"])
    pulled = tmp_path / "pulled.yaml"
    main(["db", "pull", "--db", pg_url, "--file", str(pulled), "--no-progress"])
    store = PostgisStore(pg_url)
    first, second = sorted(record["id"] for record in _seed_records())[:2]
    raw, version = store.get(first)
    store.save({**raw, "notes": "corrected in the database"}, version, "curator B")
    # Curator A changed another incident in the pulled file, then pushes the whole file.
    from geo.roundtrip import Document

    document = Document(pulled.read_text("utf-8"), str(pulled))
    other = store.get(second)[0]
    document.replace({**other, "tags": [*other.get("tags", []), "checked-by-a"]})
    pulled.write_text(document.to_text(), "utf-8")
    capsys.readouterr()
    assert main(["db", "push", "--db", pg_url, "--file", str(pulled), "--no-progress"]) == 0
    out = capsys.readouterr().out
    assert "1 updated" in out and f"1 kept as they are in the database, edited there after this copy ({first})" in out
    assert store.get(first)[0]["notes"] == "corrected in the database"  # B's edit survives
    assert "checked-by-a" in store.get(second)[0]["tags"]  # A's edit lands


def test_database_facets_cover_the_whole_record(filled, sample):
    from geo.admin import area_names
    from geo.summaries import facets

    expected = facets(fill_admin_areas(records_to_frame(sample)))
    found = filled.facets()
    assert (found.first_day, found.last_day) == (expected.first_day, expected.last_day)
    assert set(expected.governorates) <= set(found.governorates)
    assert set(expected.districts) | set(area_names("district")) == set(found.districts)


def test_next_id_follows_the_days_serials_and_checks_the_date(store):
    store.upsert(_seed_records())
    day = "2022-08-25"
    serials = [int(record["id"].rsplit("-", 1)[1]) for record in _seed_records() if record["id"].startswith(f"dez-{day}")]
    assert store.next_id(day) == f"dez-{day}-{max(serials) + 1:03d}"
    assert store.next_id("2030-01-01") == "dez-2030-01-01-001"
    with pytest.raises(StoreError, match="is not YYYY-MM-DD"):
        store.next_id("25/08/2022")


def test_writing_an_incident_again_is_unchanged_however_its_words_are_listed(filled, sample):
    record = sample[5]
    conn = filled._connection()
    # As an earlier version stored them: each word once, in another order.
    conn.execute("UPDATE incidents SET search_words = ARRAY(SELECT DISTINCT unnest(search_words) ORDER BY 1 DESC) "
                 "WHERE id = %s", (record["id"],))
    version = filled.get(record["id"])[1]
    counts = filled.upsert([record])
    assert (counts.inserted, counts.updated, counts.unchanged) == (0, 0, 1)
    assert filled.get(record["id"])[1] == version
    assert filled.ids(IncidentFilter(text=record["place"].split()[0])).count(record["id"]) == 1


@pytest.mark.parametrize("text", ["100", "001", "12"])
def test_a_search_for_digits_finds_them_inside_words_too(filled, sample, text):
    expected = sorted(apply_filter(fill_admin_areas(records_to_frame(sample)), IncidentFilter(text=text))["id"])
    assert expected  # the sample holds these digits, in numbers and inside ids and words
    assert sorted(filled.ids(IncidentFilter(text=text))) == expected


def test_init_brings_a_schema_2_database_up_to_date(store, sample):
    store.upsert(sample[:20])
    conn = store._connection()
    # Version 2 checked ids with a bounded repetition, which cost bulk loads 4.5 µs per row.
    conn.execute("ALTER TABLE incidents DROP CONSTRAINT incidents_id_check, ADD CONSTRAINT incidents_id_check "
                 "CHECK (id ~ '^[a-z0-9][a-z0-9-]{2,80}$'); UPDATE geo_schema SET version = 2")
    store.init()
    assert conn.execute("SELECT max(version) FROM geo_schema").fetchone()[0] == pg_sql.SCHEMA_VERSION
    definition = conn.execute("SELECT pg_get_constraintdef(oid) FROM pg_constraint "
                              "WHERE conname = 'incidents_id_check'").fetchone()[0]
    assert "{2,80}" not in definition and "length(id)" in definition
    assert store.count() == 20


@pytest.mark.parametrize("ident", ["-starts-with-a-hyphen", "ab", "x" * 82, "Upper-case-001", "spaced id-001"])
def test_the_database_refuses_an_id_the_validator_refuses(store, sample, ident):
    from geo.validation import _ID

    assert not _ID.match(ident)
    row = {**sample[0], "id": ident}
    with pytest.raises(StoreError, match="refused a value"):
        store.upsert([row])
    assert store.count() == 0


@pytest.mark.parametrize("ident", ["abc", "a" * 81, "0-9-z"])
def test_the_database_takes_an_id_the_validator_takes(store, sample, ident):
    from geo.validation import _ID

    assert _ID.match(ident)
    store.upsert([{**sample[0], "id": ident}])
    assert store.ids() == [ident]


def test_a_first_load_over_leftover_search_words_indexes_every_word(store, sample):
    from geo.stores.pg_search import word_hash

    # Incidents deleted outside this program leave their words in the vocabulary:
    # the first load's COPY of new words meets them and must fall back, not fail.
    conn = store._connection()
    conn.execute("INSERT INTO search_vocab (word, hash) VALUES ('hajin', %s), ('clashes', %s)",
                 (word_hash("hajin"), word_hash("clashes")))
    store.upsert(sample, batch_size=50)
    frame = records_to_frame(sample)
    for text in ("hajin", "ajin", "clashes", "strike", "deir", "mayadin", "البوكمال"):
        flt = IncidentFilter(text=text)
        expected = sorted(apply_filter(frame, flt)["id"])
        assert expected and sorted(store.ids(flt)) == expected


def test_binary_copy_types_match_the_columns_of_the_schema(store):
    """The COPY data names each column's type itself: a type the table does not have would fail every bulk write."""
    from geo.stores import pg_copy, pg_sql

    conn = store._connection()
    declared = dict(conn.execute(
        "SELECT attname, atttypid::int FROM pg_attribute WHERE attrelid = 'incidents'::regclass AND attnum > 0 "
        "AND NOT attisdropped").fetchall())
    assert {column: declared[column] for column in pg_sql.WRITE_COLUMNS} == pg_copy.COLUMN_TYPES
    vocabulary = conn.execute("SELECT atttypid::int FROM pg_attribute WHERE attrelid = 'search_vocab'::regclass "
                              "AND attname IN ('word', 'hash') ORDER BY attnum").fetchall()
    assert tuple(row[0] for row in vocabulary) == pg_copy.VOCABULARY_TYPES
