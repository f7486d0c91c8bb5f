"""ACLED CSV and GeoJSON import, into YAML and into a real PostGIS database."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from geo.cli import main
from geo.errors import GeoError
from geo.importers import ImportReport
from geo.importers import geojson as geojson_module
from geo.importers.acled import FALLBACK_ACTOR, read_acled, resolve_actor
from geo.importers.geojson import read_geojson
from geo.records import parse_incidents
from geo.stores.postgis import PostgisStore
from tests.paths import SEED_RECORD

SAMPLE = Path(__file__).parent / "data" / "acled_sample.csv"
SEED = SEED_RECORD


def _acled() -> tuple[dict[str, dict], ImportReport]:
    report = ImportReport(str(SAMPLE))
    records = {record["id"]: record for record in read_acled(SAMPLE, report, progress=False)}
    return records, report


@pytest.mark.parametrize(("name", "canonical"), [
    ("Military Forces of Syria (2000-)", "Syrian government forces"),
    ("Military Forces of the United States (2021-)", "United States"),
    ("Islamic State (Syria)", "ISIS"),
    ("Kataib Hezbollah", "Kata'ib Hezbollah"),
    ("Civilians (Syria)", "Civilians"),
    ("Tribal Militia of Al Bu Kamal (Syria)", None),
], ids=["period-suffix", "us", "country-suffix", "registry-alias", "civilians", "unknown"])
def test_acled_actor_names_resolve_onto_the_registry(name, canonical):
    assert resolve_actor(name) == canonical


def test_acled_rows_map_onto_the_schema():
    records, report = _acled()
    strike = records["acled-syr100001"]
    assert (strike["date"], strike["time_precision"], strike["geo_precision"]) == ("2022-08-25", "day", "village")
    assert (strike["actor1"], strike["actor2"], strike["side1"]) == ("United States", "Kata'ib Hezbollah",
                                                                     "International Coalition")
    assert (strike["lat"], strike["lon"], strike["governorate"]) == (35.0196, 40.4513, "Deir ez-Zor")
    assert [source["publisher"] for source in strike["sources"]] == ["ACLED", "CENTCOM", "SOHR"]
    assert strike["status"] == "fair" and strike["fatalities"] == 3
    zero = records["acled-syr100002"]
    assert (zero["fatalities"], zero["fatalities_max"], zero["fatalities_qualifier"]) == (0, 0, "exact")
    assert zero["geo_precision"] == "town" and zero["status"] == "weak"
    assert records["acled-syr100003"]["time_precision"] == "week"
    assert records["acled-syr100003"]["assoc_actor1"] == ["Deir ez-Zor Military Council"]
    assert records["acled-syr100005"]["time_precision"] == "month"
    protest = records["acled-syr100009"]
    assert protest["date"] == "2023-07-21"
    assert "crowd size=no report" in protest["tags"] and "\n" in protest["description"]
    assert report.rows == 9 and report.imported == 6 and report.skipped == 3


def test_unknown_acled_actors_are_kept_for_review():
    records, report = _acled()
    militia = records["acled-syr100004"]
    assert militia["actor1"] == FALLBACK_ACTOR
    assert "'Tribal Militia of Al Bu Kamal (Syria)' is not in the actor registry" in militia["notes"]
    assert "civilian-targeting" in militia["tags"]
    headquarters = records["acled-syr100005"]
    assert headquarters["assoc_actor1"] == ["Liwa Zainebiyoun"]
    assert "Fake Brigade (Syria)" in headquarters["notes"]
    assert set(report.new_actors) == {"Tribal Militia of Al Bu Kamal (Syria)", "Fake Brigade (Syria)"}


def test_unmapped_acled_rows_are_reported_with_row_column_and_value():
    _, report = _acled()
    found = [(problem.row, problem.column, problem.value) for problem in report.problems]
    assert found == [(7, "event_date", "not a date"), (8, "latitude", "north"), (9, "event_type", "Air strikes")]
    assert "unknown event type" in report.problems[2].reason


def test_acled_import_to_yaml_validates_and_is_idempotent(tmp_path, capsys):
    out, report_csv = tmp_path / "acled.yaml", tmp_path / "report.csv"
    argv = ["import", "acled", str(SAMPLE), "-o", str(out), "--report", str(report_csv), "--no-progress"]
    assert main(argv) == 0
    first = out.read_bytes()
    records, problems = parse_incidents(first, str(out))
    assert len(records) == 6 and problems == []
    assert main(argv) == 0
    assert out.read_bytes() == first
    lines = report_csv.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "kind,row,column,value,reason" and len(lines) == 1 + 3 + 2
    captured = capsys.readouterr()
    assert "row 8: latitude = 'north'" in captured.err
    assert "Fake Brigade (Syria)" in captured.out


def test_acled_rows_short_of_columns_and_blank_lines_read_as_empty_cells(tmp_path):
    header, *rows = SAMPLE.read_text(encoding="utf-8").splitlines()
    columns = header.split(",")
    keep = [columns.index(name) for name in ("event_id_cnty", "event_date", "event_type", "sub_event_type",
                                              "actor1", "latitude", "longitude", "geo_precision", "location")]
    first = next(csv.reader([rows[0]]))
    lines = [",".join(columns[i] for i in keep), ",".join(first[i] for i in keep), "",
             ",".join(first[i] for i in keep[:-1])]  # no optional columns; a blank line; a row cut short
    cut = tmp_path / "cut.csv"
    cut.write_text("\n".join(lines) + "\n", encoding="utf-8")
    report = ImportReport(str(cut))
    records = list(read_acled(cut, report, progress=False))
    assert report.rows == 2 and len(records) == 1
    assert records[0]["place"] == first[columns.index("location")]
    assert records[0]["fatalities"] is None and records[0]["tags"] == ["acled"]
    # The cut row lost its location (a required place): refused, numbered as its line in the file.
    assert [(problem.row, problem.column) for problem in report.problems] == [(4, "location")]


def test_not_an_acled_file_is_a_clear_error(tmp_path):
    other = tmp_path / "other.csv"
    other.write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(GeoError, match="not an ACLED export — the header lacks event_id_cnty"):
        list(read_acled(other, ImportReport("x"), progress=False))


def _feature_collection(tmp_path: Path) -> Path:
    records, _ = parse_incidents(SEED.read_bytes(), str(SEED))
    features = []
    for number, record in enumerate(records[:4]):
        properties = {"id": f"gj-{record['id']}", "date": record["date"], "event_type": record["event_type"],
                      "sub_event_type": record["sub_event_type"], "actor1": {"name": record["actor1"]},
                      "place": record["place"], "geo_precision": record["geo_precision"],
                      "sources": [{"publisher": "Test", "quote": "نص عربي"}], "status": "weak",
                      "fatalities": {"min": 20, "qualifier": "more_than"} if number == 0 else None}
        features.append({"type": "Feature", "properties": properties,
                         "geometry": {"type": "Point", "coordinates": [record["lon"], record["lat"]]}})
    features.append({"type": "Feature", "properties": {"id": "gj-line"},
                     "geometry": {"type": "LineString", "coordinates": [[40, 35], [41, 35]]}})
    features.append({"type": "Feature", "properties": {**features[0]["properties"], "id": "gj-bad-date",
                                                       "date": "yesterday"},
                     "geometry": features[0]["geometry"]})
    path = tmp_path / "in.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "name": "test", "features": features,
                                "crs": {"type": "name", "properties": {"name": "EPSG:4326"}}},
                               ensure_ascii=False, indent=1), encoding="utf-8")
    return path


@pytest.mark.parametrize("chunk", [7, 1 << 20], ids=["tiny-chunks", "one-chunk"])
def test_geojson_import_streams_features(tmp_path, monkeypatch, chunk):
    monkeypatch.setattr(geojson_module, "CHUNK", chunk)  # values split across reads must still decode
    report = ImportReport("in")
    records = list(read_geojson(_feature_collection(tmp_path), report, progress=False))
    assert [record["id"] for record in records] == [f"gj-{suffix}" for suffix in
                                                     ("dez-2022-08-24-001", "dez-2022-08-24-002",
                                                      "dez-2022-08-25-001", "dez-2022-08-25-002")]
    assert records[0]["fatalities_qualifier"] == "more_than" and records[0]["sources"][0]["quote"] == "نص عربي"
    assert [(problem.row, problem.column) for problem in report.problems] == [(5, "geometry"),
                                                                              (6, "properties.date")]


def test_geojson_that_is_not_a_feature_collection_is_a_clear_error(tmp_path):
    path = tmp_path / "list.geojson"
    path.write_text("[1, 2]", encoding="utf-8")
    with pytest.raises(GeoError, match="expected '\\{'"):
        list(read_geojson(path, ImportReport("x"), progress=False))


@pytest.mark.postgres
def test_acled_and_geojson_import_into_the_database(pg_url, tmp_path, capsys):
    assert main(["db", "init", "--db", pg_url]) == 0
    argv = ["import", "acled", str(SAMPLE), "--db", pg_url, "--no-progress"]
    assert main(argv) == 0
    assert "6 added" in capsys.readouterr().out
    store = PostgisStore(pg_url)
    versions = {ident: store.get(ident)[1] for ident in store.ids()}
    assert main(argv) == 0
    assert "0 added, 0 updated, 6 unchanged" in capsys.readouterr().out
    assert {ident: store.get(ident)[1] for ident in store.ids()} == versions
    frame, _ = store.load()
    assert frame.loc[frame["id"] == "acled-syr100002", "fatalities"].item() == 0
    assert main(["import", "geojson", str(_feature_collection(tmp_path)), "--db", pg_url, "--no-progress"]) == 0
    assert store.count() == 10
    store.close()


def test_a_nul_character_is_refused_by_row_before_the_database_sees_it(pg_url, tmp_path, capsys):
    """PostgreSQL cannot store NUL in text: one such feature must not fail the whole import unnamed."""
    path = _feature_collection(tmp_path)
    collection = json.loads(path.read_text(encoding="utf-8"))
    collection["features"][1]["properties"]["sources"] = [{"publisher": "Test", "quote": "broken \u0000 export"}]
    path.write_text(json.dumps(collection), encoding="utf-8")
    assert main(["db", "init", "--db", pg_url]) == 0
    assert main(["import", "geojson", str(path), "--db", pg_url, "--no-progress"]) == 0
    captured = capsys.readouterr()
    assert "(3 added" in captured.out
    assert "row 2: properties.sources[1].quote = 'broken \\x00 export': holds a NUL character" in captured.err
    store = PostgisStore(pg_url)
    assert sorted(store.ids()) == sorted(f"gj-{record['id']}" for index, record in
                                         enumerate(parse_incidents(SEED.read_bytes(), str(SEED))[0][:4]) if index != 1)
    store.close()


@pytest.mark.parametrize("chunk", [1 << 20, 7, 2], ids=["one-block", "small-blocks", "cut-characters"])
def test_a_file_that_is_not_utf8_names_its_line_and_byte(tmp_path, chunk, monkeypatch):
    import geo.importers as importers

    good = SAMPLE.read_bytes()
    bad = tmp_path / "latin1.csv"
    lines = good.splitlines(keepends=True)
    # Arabic (two bytes a letter) before the bad byte: a block may end inside a character.
    before = b"".join(lines[:3]) + "# دير الزور\n".encode()
    bad.write_bytes(before + "Caf\u00e9,".encode("latin-1") + b"".join(lines[3:]))
    offset = len(before) + 3
    assert importers.first_non_utf8(bad, chunk=chunk) == (5, offset, 0xE9)
    with pytest.raises(GeoError, match=rf"latin1.csv: line 5: not UTF-8 text \(byte 0xe9 at offset {offset:,}\)"):
        list(read_acled(bad, ImportReport(str(bad)), progress=False))
    geojson = tmp_path / "latin1.geojson"
    content = b'{"type": "FeatureCollection",\n"features": ["caf\xe9"]}'
    geojson.write_bytes(content)
    with pytest.raises(GeoError, match=rf"latin1.geojson: line 2: not UTF-8 text \(byte 0xe9 at offset "
                                       rf"{content.index(0xE9)}\)"):
        list(read_geojson(geojson, ImportReport(str(geojson)), progress=False))
    assert importers.first_non_utf8(SAMPLE) == (0, -1, 0)


def test_a_csv_field_over_the_limit_is_a_clear_error(tmp_path):
    header = SAMPLE.read_text(encoding="utf-8").splitlines()[0]
    huge = tmp_path / "huge.csv"
    huge.write_text(header + "\n" + '"' + "x" * 200_000 + '"\n', encoding="utf-8")
    with pytest.raises(GeoError, match=r"huge.csv: line 2: not readable as CSV"):
        list(read_acled(huge, ImportReport(str(huge)), progress=False))


def test_an_import_without_a_target_says_how_and_keeps_an_earlier_report(tmp_path, monkeypatch, capsys):
    monkeypatch.delenv("INCIDENTS_DB_URL", raising=False)
    report = tmp_path / "report.csv"
    report.write_text("kind,row,column,value,reason\nnot imported,7,event_date,x,y\n", encoding="utf-8")
    before = report.read_bytes()
    assert main(["import", "acled", str(SAMPLE), "--report", str(report), "--no-progress"]) != 0
    assert "nowhere to import into — give -o OUT.yaml, or --db URL" in capsys.readouterr().err
    assert report.read_bytes() == before


def test_a_broken_geojson_feature_names_its_line_and_stops_reading(tmp_path, monkeypatch):
    monkeypatch.setattr(geojson_module, "CHUNK", 64)  # small reads, so the broken feature is met mid-file
    monkeypatch.setattr(geojson_module, "MAX_VALUE_CHARS", 1024)
    good = '{"type": "Feature", "geometry": {"type": "Point", "coordinates": [40.1, 35.3]}, "properties": {}}'
    lines = ['{"type": "FeatureCollection", "features": [', good + ",", good + ",",
             '{"type": "Feature", "geometry": {"type": "Point", "coordinates": [40.1, }},',
             *[good + "," for _ in range(2000)], good, "]}"]
    path = tmp_path / "broken.geojson"
    path.write_text("\n".join(lines), encoding="utf-8")
    with pytest.raises(GeoError, match=r"broken.geojson: line 4: invalid JSON \(Expecting value\)"):
        list(read_geojson(path, ImportReport(str(path)), progress=False))


def test_the_actor_name_cache_is_bounded():
    """A file naming millions of distinct actors must not grow the import's memory without end."""
    for number in range(5000):
        resolve_actor(f"Local militia number {number} (Syria)")
    info = resolve_actor.cache_info()
    assert info.maxsize is not None and info.currsize <= info.maxsize
