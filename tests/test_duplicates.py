"""Duplicate detection (space, time, actors, event type) and merging two records."""

from __future__ import annotations

from itertools import combinations
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from geo.cli import main
from geo.distance import distance_km
from geo.duplicates import distinct_pairs, duplicates_of, find_duplicates, merge
from geo.frame import records_to_frame
from geo.roundtrip import Document
from geo.schema import PRECISION_RADIUS_KM, TIME_PRECISION_DAYS
from geo.stores.yaml_store import YamlStore
from geo.validation import validate_incident

SAMPLE = Path(__file__).parent / "data" / "curation" / "sample.yaml"
KM_PER_DEGREE_LAT = 111.2

BASE = {
    "id": "dez-2023-03-01-001",
    "date": "2023-03-01",
    "event_type": "Explosions/Remote violence",
    "sub_event_type": "Air/drone strike",
    "actor1": {"name": "International Coalition"},
    "actor2": {"name": "Kata'ib Hezbollah"},
    "place": "البوكمال",
    "lat": 34.45,
    "lon": 40.92,
    "geo_precision": "site",
    "sources": [{"publisher": "SY24", "url": "https://example.org/1", "quote": "الخبر الأول"}],
    "status": "weak",
}


def _frame(*raws: dict):
    records = []
    for raw in raws:
        record, problems = validate_incident(raw, "test.yaml")
        assert record is not None, [str(p) for p in problems]
        records.append(record)
    return records_to_frame(records)


def _other(**changes: object) -> dict:
    other = {**BASE, "id": "dez-2023-03-01-002",
             "sources": [{"publisher": "Deir Ezzor 24", "url": "https://example.org/2", "quote": "الخبر الثاني"}]}
    north_km = changes.pop("north_km", 0.0)
    other["lat"] = BASE["lat"] + north_km / KM_PER_DEGREE_LAT
    other.update(changes)
    return other


CASES = [
    ("same place and day", _other(), True),
    ("4 km apart, site precision", _other(north_km=4), True),
    ("7 km apart, site precision", _other(north_km=7), False),
    ("7 km apart, town precision", _other(north_km=7, geo_precision="town"), True),
    ("2 days apart", _other(date="2023-03-03"), True),
    ("3 days apart", _other(date="2023-03-04"), False),
    ("5 days apart, known to the week", _other(date="2023-03-06", time_precision="week"), True),
    ("6 days apart, known to the week", _other(date="2023-03-07", time_precision="week"), False),
    ("span ending near", _other(date="2023-02-20", date_end="2023-02-28"), True),
    ("other event type", _other(event_type="Battles", sub_event_type="Armed clash"), False),
    ("no actor in common", _other(actor1={"name": "ISIS"}, actor2={"name": "SDF"}), False),
    ("actor in the other role", _other(actor1={"name": "Kata'ib Hezbollah"}, actor2={"name": "SDF"}), True),
    ("associated actor", _other(actor1={"name": "ISIS"}, actor2=None, assoc_actor2=["International Coalition"]),
     True),
    ("one report split by place", _other(sources=BASE["sources"], gazetteer_id="al-hiri"), False),
    ("one report split by place name", _other(sources=BASE["sources"], place="الهري"), False),
    ("one report entered twice", _other(sources=BASE["sources"]), True),
]


@pytest.mark.parametrize(("other", "flagged"), [(o, f) for _, o, f in CASES], ids=[name for name, _, _ in CASES])
def test_pairs_are_flagged_by_space_time_actor_and_type(other: dict, flagged: bool) -> None:
    base = {**BASE, "gazetteer_id": "bukamal"} if other.get("gazetteer_id") else BASE
    pairs = find_duplicates(_frame(base, other))
    assert bool(pairs) is flagged
    if flagged:
        assert (pairs[0].first_id, pairs[0].second_id) == ("dez-2023-03-01-001", "dez-2023-03-01-002")


def test_the_reason_names_distance_days_type_and_actors() -> None:
    (pair,) = find_duplicates(_frame(BASE, _other(north_km=4, date="2023-03-02")))
    assert pair.reason.startswith("4.0 km apart (limit 6.0 km with the precision radii), 1 day(s) apart,")
    assert "both Explosions/Remote violence" in pair.reason
    assert "shared actors International Coalition, Kata'ib Hezbollah" in pair.reason


def test_pairs_marked_distinct_are_not_flagged() -> None:
    text = "# distinct: dez-2023-03-01-001 dez-2023-03-01-002 (two strikes that night)\n"
    assert distinct_pairs(text) == {frozenset({"dez-2023-03-01-001", "dez-2023-03-01-002"})}
    assert find_duplicates(_frame(BASE, _other()), distinct=distinct_pairs(text)) == []


def test_duplicates_of_a_draft_before_it_is_saved() -> None:
    frame = _frame(BASE, _other(north_km=30, id="dez-2023-03-01-003"))
    draft = _other(id="dez-2023-03-01-009", north_km=1)
    (pair,) = duplicates_of(draft, frame)
    assert (pair.first_id, pair.second_id, pair.first_line) == ("dez-2023-03-01-009", "dez-2023-03-01-001", None)
    # an edit of an incident already in the frame is not its own duplicate
    assert duplicates_of(BASE, frame) == []
    assert duplicates_of({"id": "x"}, frame) == []  # not valid yet: nothing to compare


def _synthetic(count: int, seed: int, span_days: int, area_deg: float) -> pd.DataFrame:
    """Random incidents with just the columns duplicate detection reads."""
    rng = np.random.default_rng(seed)
    actors = np.array(["IRGC", "ISIS", "SDF", "International Coalition", "Liwa Fatemiyoun", "Civilians"])
    dates = pd.Timestamp("2020-01-01") + pd.to_timedelta(rng.integers(0, span_days, count), unit="D")
    ends = dates + pd.to_timedelta(rng.integers(0, 3, count), unit="D")
    return pd.DataFrame({
        "id": [f"syn-{n:06d}" for n in range(count)],
        "line": np.arange(count) * 20 + 1,
        "lat": 34.5 + rng.random(count) * area_deg,
        "lon": 40.0 + rng.random(count) * area_deg,
        "geo_precision": rng.choice(list(PRECISION_RADIUS_KM), count, p=[0.4, 0.4, 0.15, 0.05]),
        "time_precision": rng.choice(list(TIME_PRECISION_DAYS), count, p=[0.8, 0.15, 0.05]),
        "date": dates,
        "date_end": ends.where(rng.random(count) < 0.1),
        "event_type": rng.choice(["Battles", "Explosions/Remote violence", "Strategic developments"], count),
        "actor1": rng.choice(actors, count),
        "actor2": rng.choice(actors, count),
        "assoc_actor1": [[] for _ in range(count)],
        "assoc_actor2": [[str(a)] if k % 7 == 0 else [] for k, a in enumerate(rng.choice(actors, count))],
        "sources": [[{"quote": f"q{n}"}] for n in range(count)],
        "gazetteer_id": None,
    })


def _brute_force(frame: pd.DataFrame, max_km: float = 5.0, max_days: int = 2) -> set[tuple[str, str]]:
    """The definition, pair by pair, to check the grid join against."""
    rows = frame.to_dict("records")
    found = set()
    for a, b in combinations(rows, 2):
        if a["event_type"] != b["event_type"]:
            continue
        actors_a = {a["actor1"], a["actor2"], *a["assoc_actor1"], *a["assoc_actor2"]}
        actors_b = {b["actor1"], b["actor2"], *b["assoc_actor1"], *b["assoc_actor2"]}
        if not actors_a & actors_b:
            continue
        limit = max_km + PRECISION_RADIUS_KM[a["geo_precision"]] + PRECISION_RADIUS_KM[b["geo_precision"]]
        if distance_km(a["lat"], a["lon"], b["lat"], b["lon"]) > limit:  # the scalar formula, tested on its own
            continue
        spans = []
        for row in (a, b):
            widen = pd.Timedelta(days=TIME_PRECISION_DAYS[row["time_precision"]])
            end = row["date_end"] if not pd.isna(row["date_end"]) else row["date"]
            spans.append((row["date"] - widen, end + widen))
        gap = (max(spans[0][0], spans[1][0]) - min(spans[0][1], spans[1][1])).days
        if gap <= max_days:
            found.add((a["id"], b["id"]))
    return found


def test_the_grid_join_finds_exactly_what_comparing_every_pair_finds() -> None:
    frame = _synthetic(700, seed=7, span_days=60, area_deg=0.4)
    expected = _brute_force(frame)
    assert len(expected) > 50  # the sample is dense enough to test something
    assert {(p.first_id, p.second_id) for p in find_duplicates(frame)} == expected


def test_merge_keeps_every_source_and_the_widest_figures() -> None:
    keep = {**BASE, "fatalities": 3, "injuries": {"min": 5, "qualifier": "more_than"},
            "tags": ["night"], "notes": "From SY24."}
    other = _other(date="2023-02-28", date_end="2023-03-02", fatalities={"min": 2, "max": 6},
                   tags=["night", "border"], notes="From Deir Ezzor 24.", time="23:00",
                   sources=[BASE["sources"][0], _other()["sources"][0]])
    merged = merge(keep, other)

    assert merged["id"] == BASE["id"]
    assert [s["url"] for s in merged["sources"]] == ["https://example.org/1", "https://example.org/2"]
    assert merged["fatalities"] == {"min": 2, "max": 6}
    assert merged["injuries"] == {"min": 5, "qualifier": "more_than"}
    assert (merged["date"], merged["date_end"]) == ("2023-02-28", "2023-03-02")
    assert merged["tags"] == ["night", "border"]
    assert merged["time"] == "23:00"  # a field only the other record had
    assert merged["notes"].startswith("From SY24. From Deir Ezzor 24. Fatalities reported as 3 and min 2, max 6")
    assert merged["notes"].endswith("Merged with dez-2023-03-01-002 (same event).")
    record, problems = validate_incident(merged, "merged.yaml")
    assert record is not None and [p for p in problems if p.severity == "error"] == []


def test_validate_warns_once_per_pair_naming_both_ids_and_lines(tmp_path: Path, capsys) -> None:
    path = tmp_path / "incidents.yaml"
    document = Document(SAMPLE.read_text("utf-8"))
    twin = document.get("dez-2022-08-24-001")
    twin.update(id="dez-2022-08-24-009", sources=[{"publisher": "Other", "quote": "خبر"}])
    document.add(twin)
    text = document.to_text()
    path.write_text(text, "utf-8")
    line_of = {ident: text[:text.index(f"- id: {ident}")].count("\n") + 1
               for ident in ("dez-2022-08-24-001", "dez-2022-08-24-009")}

    assert main(["validate", str(path)]) == 1
    out = capsys.readouterr().out
    warnings = [line for line in out.splitlines() if "may be the same event" in line]
    assert len(warnings) == 1
    assert warnings[0].startswith(f"{path}:{line_of['dez-2022-08-24-001']}: incident dez-2022-08-24-001:"
                                  " may be the same event as dez-2022-08-24-009"
                                  f" (line {line_of['dez-2022-08-24-009']}): 0.0 km apart")
    assert warnings[0].endswith("[warning]")

    path.write_text(text + "# distinct: dez-2022-08-24-001 dez-2022-08-24-009\n", "utf-8")
    assert main(["validate", str(path)]) == 0


def test_the_store_merges_two_incidents_and_retires_one(tmp_path: Path) -> None:
    path = tmp_path / "incidents.yaml"
    path.write_bytes(SAMPLE.read_bytes())
    store = YamlStore(path)
    store.merge("dez-2022-08-25-002", "dez-2022-08-25-003", store.version, "alice")

    merged, _ = store.get("dez-2022-08-25-002")
    assert store.get("dez-2022-08-25-003") is None
    assert "dez-2022-08-25-003" in store.retired_ids()
    assert len(merged["sources"]) == 1  # the same quote twice is one source
    assert merged["notes"] == "Near an informal crossing. Merged with dez-2022-08-25-003 (same event)."
    assert merged["last_edited_by"] == "alice"


def test_the_duplicate_window_holds_every_partner_the_full_search_finds() -> None:
    from geo.duplicates import duplicate_window
    from geo.filters import mask

    frame = _synthetic(700, seed=7, span_days=60, area_deg=0.4)
    rows = frame.set_index("id")
    pairs = find_duplicates(frame)
    assert len(pairs) > 50
    for pair in pairs:
        for one, other in ((pair.first_id, pair.second_id), (pair.second_id, pair.first_id)):
            row = rows.loc[one]
            record = {"date": row["date"].date().isoformat(), "event_type": row["event_type"],
                      "date_end": None if pd.isna(row["date_end"]) else row["date_end"].date().isoformat(),
                      "time_precision": row["time_precision"]}
            inside = frame[mask(frame, duplicate_window(record))]["id"]
            assert other in set(inside), (one, other)
