"""Loading incidents.yaml into a validated GeoDataFrame, and every bad-input case."""

from __future__ import annotations

import textwrap
from pathlib import Path

import geopandas as gpd
import pytest
from geopandas.testing import assert_geodataframe_equal
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import geo
from geo.errors import InputTooLargeError, RecordError
from geo.records import parse_incidents, read_incidents
from tests.paths import LIVE_RECORD, SEED_RECORD

VALID = """\
- id: dez-2024-01-15-001
  date: 2024-01-15
  event_type: Explosions/Remote violence
  sub_event_type: Air/drone strike
  actor1: {name: International Coalition, attribution: claimed}
  actor2: Kata'ib Hezbollah
  place: البوكمال
  lat: 34.4537
  lon: 40.9187
  geo_precision: town
  fatalities: {min: 3, max: 5}
  description: A strike.
  sources:
    - publisher: Test
      url: https://example.org/a
      language: ar
      quote: قصف
  status: weak
"""


def write(tmp_path: Path, text: str, name: str = "incidents.yaml") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def with_field(line: str, replace: str | None = None) -> str:
    """The valid incident with one line replaced (or a line added)."""
    if replace is None:
        return VALID + line + "\n"
    assert replace in VALID
    return VALID.replace(replace, line)


def test_the_curated_record_loads_with_zero_problems():
    # The live incidents.yaml, whatever the curators have put in it: strict loading, no problem at all.
    frame = geo.load_incidents(LIVE_RECORD, strict=True)
    assert frame.attrs["problems"] == []
    assert len(frame) > 0
    assert frame.crs.to_epsg() == 4326
    for column in ("id", "date", "event_type", "sub_event_type", "actor1", "actor2", "fatalities", "geometry", "sources"):
        assert column in frame.columns
    assert frame["id"].is_unique
    assert all(sources and all(source["publisher"] for source in sources) for sources in frame["sources"])


def test_seed_record_loads_with_zero_problems():
    frame = geo.load_incidents(SEED_RECORD, strict=True)
    assert frame.attrs["problems"] == []
    assert len(frame) == 18
    assert frame.crs.to_epsg() == 4326
    assert frame["id"].is_unique
    assert all(source["publisher"] == "SY24" and source["quote"] for sources in frame["sources"] for source in sources)


def test_valid_incident_fields_and_geometry_order(tmp_path):
    frame = geo.load_incidents(write(tmp_path, VALID))
    row = frame.iloc[0]
    assert (row.geometry.x, row.geometry.y) == (40.9187, 34.4537)  # x is lon: a swap would fail here
    assert row["actor1"] == "International Coalition" and row["actor1_attribution"] == "claimed"
    assert row["actor2"] == "Kata'ib Hezbollah" and row["actor2_attribution"] == "reported"
    assert row["side1"] == "International Coalition" and row["side2"] == "Iran-backed militias"
    assert (row["fatalities"], row["fatalities_max"]) == (3, 5)
    assert str(row["date"].date()) == "2024-01-15"


def test_unknown_fatalities_stay_unknown(tmp_path):
    frame = geo.load_incidents(write(tmp_path, VALID.replace("  fatalities: {min: 3, max: 5}\n", "")))
    assert frame["fatalities"].isna().all()


def test_cached_load_equals_cold_load(tmp_path, monkeypatch):
    monkeypatch.setenv("GEO_CACHE_DIR", str(tmp_path / "cache"))
    path = write(tmp_path, VALID)
    cold, _ = read_incidents(path, use_cache=False)
    first, _ = read_incidents(path)
    warm, _ = read_incidents(path)
    assert list((tmp_path / "cache").glob("*.parquet"))
    assert_geodataframe_equal(cold.drop(columns=["sources", "tags", "assoc_actor1", "assoc_actor2"]),
                              warm.drop(columns=["sources", "tags", "assoc_actor1", "assoc_actor2"]))
    assert cold["sources"].tolist() == warm["sources"].tolist()


def test_a_cached_load_shares_repeated_text_like_a_cold_one(tmp_path, monkeypatch):
    from geo.frame import REPEATED_TEXT_COLUMNS

    monkeypatch.setenv("GEO_CACHE_DIR", str(tmp_path / "cache"))
    path = tmp_path / "incidents.yaml"
    path.write_bytes(SEED_RECORD.read_bytes())
    read_incidents(path)
    warm, _ = read_incidents(path)
    assert list((tmp_path / "cache").glob("*.parquet"))
    for column in REPEATED_TEXT_COLUMNS:
        values = [value for value in warm[column] if value is not None]
        assert len({id(value) for value in values}) == len(set(values)), column  # one object per value


def test_cache_notices_an_edit(tmp_path, monkeypatch):
    monkeypatch.setenv("GEO_CACHE_DIR", str(tmp_path / "cache"))
    path = write(tmp_path, VALID)
    read_incidents(path)
    path.write_text(VALID.replace("A strike.", "An edited strike."), encoding="utf-8")
    frame, _ = read_incidents(path)
    assert frame.iloc[0]["description"] == "An edited strike."


def test_cache_key_follows_the_boundaries_that_fill_admin_areas(tmp_path, monkeypatch):
    import shutil

    from geo import schema

    data = tmp_path / "data"
    shutil.copytree(schema.DATA_DIR, data)
    monkeypatch.setattr(schema, "DATA_DIR", data)
    before = schema.data_fingerprint()
    boundaries = data / "admin_areas.geojson"
    boundaries.write_text(boundaries.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert schema.data_fingerprint() != before


BAD_CASES = [
    ("malformed", "- id: x\n  date: [2024\n", r"incidents\.yaml:\d+: malformed YAML, column \d+"),
    ("missing_field", VALID.replace("  event_type: Explosions/Remote violence\n", ""),
     r"incidents\.yaml:1: incident dez-2024-01-15-001: event_type: required field is missing"),
    ("bad_date", with_field("  date: 2024-13-45", replace="  date: 2024-01-15"),
     r":2: incident dez-2024-01-15-001: date: '2024-13-45' is not a date — write it as YYYY-MM-DD"),
    ("lat_range", with_field("  lat: 134.45", replace="  lat: 34.4537"), r":8: .*lat: 134.45 is out of range"),
    ("far_outside", with_field("  lat: 48.85", replace="  lat: 34.4537").replace("lon: 40.9187", "lon: 2.35"),
     r"lat: \(48.85, 2.35\) is far outside the region"),
    ("swapped", with_field("  lat: 40.9187", replace="  lat: 34.4537").replace("lon: 40.9187", "lon: 34.4537"),
     r"lat: lat 40.9187, lon 34.4537 look swapped — write lat: 34.4537 and lon: 40.9187"),
    ("duplicate_id", VALID + VALID, r":\d+: incident dez-2024-01-15-001: id: duplicate id \(first used on line 1\)"),
    ("unknown_actor", with_field("  actor2: Kataib Hezbolah", replace="  actor2: Kata'ib Hezbollah"),
     r"actor2: unknown actor 'Kataib Hezbolah' — closest known: Kata'ib Hezbollah"),
    ("unknown_event_type", with_field("  event_type: Explosion", replace="  event_type: Explosions/Remote violence"),
     r"event_type: unknown event type 'Explosion' — did you mean 'Explosions/Remote violence'"),
    ("bad_url", with_field("      url: javascript:alert(1)", replace="      url: https://example.org/a"),
     r"sources\[1\]\.url: 'javascript:alert\(1\)' is not an http\(s\) link"),
    ("wrong_type", with_field("  lat: north", replace="  lat: 34.4537"), r"lat: expected a decimal number, got 'north'"),
    ("key_twice", VALID.replace("  status: weak\n", "  status: weak\n  status: confirmed\n"),
     r":\d+: incident dez-2024-01-15-001: status: the key is given twice \(first on line \d+\)"),
    ("python_tag", VALID.replace("  status: weak", "  status: !!python/object/apply:os.system [ls]"),
     r"the tag 'tag:yaml.org,2002:python/object/apply:os.system' is not allowed"),
    ("unknown_field", with_field("  fatalites: 3"), r"fatalites: unknown field — did you mean 'fatalities'"),
    ("not_a_list", "id: x\n", r"the file must be a list of incidents"),
    ("negative_count", with_field("  fatalities: -2", replace="  fatalities: {min: 3, max: 5}"),
     r"fatalities: a count cannot be negative"),
    ("nul_in_text", VALID.replace("  description: A strike.", '  description: "A \\0strike."'),
     r":\d+: incident dez-2024-01-15-001: description: holds a NUL character \(\\0\) at position 3 — delete it"),
    ("nul_in_quote", VALID.replace("      quote: قصف", '      quote: "قصف\\0"'),
     r":\d+: incident dez-2024-01-15-001: sources\[1\]\.quote: holds a NUL character"),
    ("nul_in_tag", with_field('  tags: [ok, "b\\0ad"]'), r":\d+: incident dez-2024-01-15-001: tags\[2\]: holds a NUL character"),
    ("sub_type_elsewhere", with_field("  sub_event_type: Armed clash", replace="  sub_event_type: Air/drone strike"),
     r"'Armed clash' is not a sub-event type of 'Explosions/Remote violence' — it belongs under 'Battles'"),
]


@pytest.mark.parametrize(("text", "pattern"), [(text, pattern) for _, text, pattern in BAD_CASES],
                         ids=[name for name, _, _ in BAD_CASES])
def test_bad_input_is_reported_with_location_and_fix(tmp_path, text, pattern):
    path = write(tmp_path, text)
    frame, problems = read_incidents(path, use_cache=False)
    messages = [str(problem) for problem in problems]
    assert any(__import__("re").search(pattern, message) for message in messages), messages
    assert isinstance(frame, gpd.GeoDataFrame)


def test_strict_load_raises_one_error_listing_all(tmp_path):
    text = with_field("  lat: north", replace="  lat: 34.4537").replace("  date: 2024-01-15", "  date: soon")
    with pytest.raises(RecordError, match=r"2 problems found:\n.*date.*\n.*lat"):
        geo.load_incidents(write(tmp_path, text), strict=True)


def test_lenient_load_keeps_valid_incidents(tmp_path):
    broken = VALID.replace("dez-2024-01-15-001", "dez-2024-01-15-002").replace("  lat: 34.4537", "  lat: x")
    frame = geo.load_incidents(write(tmp_path, VALID + broken))
    assert frame["id"].tolist() == ["dez-2024-01-15-001"]
    assert any("dez-2024-01-15-002" in str(problem) for problem in frame.attrs["problems"])


def test_alias_bomb_is_refused():
    lines = ['a0: &a0 ["x","x","x","x","x","x","x","x","x","x"]']
    for level in range(1, 10):
        lines.append(f"a{level}: &a{level} [" + ",".join([f"*a{level - 1}"] * 10) + "]")
    with pytest.raises(InputTooLargeError, match="alias bomb"):
        parse_incidents("\n".join(lines).encode(), "bomb.yaml")


def test_deep_nesting_is_refused():
    with pytest.raises(InputTooLargeError, match="nesting is deeper"):
        parse_incidents(("[" * 500 + "]" * 500).encode(), "deep.yaml")


def test_huge_file_is_refused(monkeypatch):
    monkeypatch.setattr("geo.yamlread.MAX_BYTES", 1000)
    with pytest.raises(InputTooLargeError, match="over the 0 MB limit"):
        parse_incidents(b"- " + b"x" * 2000, "huge.yaml")


def test_not_utf8_is_reported():
    _, problems = parse_incidents(b"- id: \xff\xfe\n", "latin.yaml")
    assert "not UTF-8" in str(problems[0])


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(alphabet=st.sampled_from(list("- :{}[]&*!|>'\"#\n\t abc1.9أ%@`,?")), max_size=300))
def test_fuzz_loader_never_raises_unexpectedly(text):
    try:
        records, problems = parse_incidents(text.encode("utf-8"), "fuzz.yaml")
    except InputTooLargeError:
        return
    assert isinstance(records, list) and isinstance(problems, list)
    assert all(str(problem).startswith("fuzz.yaml") for problem in problems)  # every problem names the file


@settings(max_examples=60, deadline=None)
@given(st.dictionaries(st.sampled_from(["id", "date", "lat", "lon", "actor1", "sources", "fatalities", "status",
                                        "event_type", "tags", "time", "place"]),
                       st.one_of(st.none(), st.integers(), st.floats(allow_nan=True), st.text(max_size=8),
                                 st.lists(st.integers(), max_size=3),
                                 st.dictionaries(st.text(max_size=3), st.integers(), max_size=2)),
                       max_size=12))
def test_fuzz_validator_with_wrong_types(fields):
    import json

    text = "- " + json.dumps(fields, allow_nan=True).replace("NaN", ".nan").replace("Infinity", ".inf")
    records, problems = parse_incidents(text.encode(), "fuzz.yaml")
    assert all(str(problem).startswith("fuzz.yaml") for problem in problems)
    # One incident in the file: kept with its id, or left out with an error saying why.
    if records:
        assert len(records) == 1 and isinstance(records[0]["id"], str)
    else:
        assert any(problem.severity == "error" for problem in problems)


def test_problems_inside_a_field_name_their_own_line():
    text = VALID.replace("  fatalities: {min: 3, max: 5}\n", "  fatalities:\n    min: 3\n    max: -5\n").replace(
        "      quote: قصف\n", "      quote: قصف\n    - publisher: Other\n      url: javascript:alert(1)\n")
    lines = text.splitlines()
    _, problems = parse_incidents(text.encode(), "incidents.yaml")
    by_field = {problem.field: problem.line for problem in problems}
    assert by_field["fatalities.max"] == lines.index("    max: -5") + 1
    assert by_field["sources[2].url"] == lines.index("      url: javascript:alert(1)") + 1


def test_a_missing_coordinate_is_reported_once():
    _, problems = parse_incidents(VALID.replace("  lat: 34.4537\n", "").encode(), "incidents.yaml")
    assert [problem.field for problem in problems] == ["lat"]


def test_an_unknown_source_key_hint_ends_cleanly():
    text = VALID.replace("      quote: قصف\n", "      quote: قصف\n      zzzz: 1\n")
    _, problems = parse_incidents(text.encode(), "incidents.yaml")
    hint = next(problem.hint for problem in problems if problem.field == "sources[1]")
    assert hint.startswith("allowed: publisher") and not hint.rstrip().endswith(";")
