"""Gazetteer lookup by any spelling, ambiguity, fuzziness and the GeoNames import."""

from pathlib import Path

import pytest
import yaml

from geo.cli import main
from geo.errors import GeoError
from geo.gazetteer import GazetteerError, Place, load_gazetteer, lookup, place_from_dict, read_places
from geo.geonames import import_geonames, parse_line

SAMPLE = Path(__file__).parent / "data" / "geonames_sample.txt"
CURATED = Path(__file__).parents[1] / "geo" / "data" / "gazetteer.yaml"


@pytest.mark.parametrize(("name", "place_id"), [
    ("دير الزور", "deir-ez-zor"),
    ("ديرالزور", "deir-ez-zor"),
    ("بدير الزور", "deir-ez-zor"),
    ("في ديرالزور", "deir-ez-zor"),
    ("Deir ez-Zor", "deir-ez-zor"),
    ("Deir al-Zour", "deir-ez-zor"),
    ("Dayr az Zawr", "deir-ez-zor"),
    ("deir EZ-ZOR", "deir-ez-zor"),
    ("البوكمال", "bukamal"),
    ("وبالبوكمال", "bukamal"),
    ("أبو كمال", "bukamal"),
    ("Abu Kamal", "bukamal"),
    ("Albu Kamal", "bukamal"),
    ("al-Bukamal", "bukamal"),
    ("الميادين", "mayadin"),
    ("والميادين", "mayadin"),
    ("الميادين", "mayadin"),
    ("Mayadeen", "mayadin"),
    ("el-Mayadin", "mayadin"),
    ("الطيانه", "tayyana"),
    ("الطيَّانة", "tayyana"),
], ids=lambda value: value if isinstance(value, str) else "")
def test_lookup_finds_every_spelling(name, place_id):
    matches = lookup(name)
    assert matches, name
    assert matches[0].place.id == place_id
    assert matches[0].how in ("exact", "normalised")


def test_exact_name_ranks_above_normalised():
    assert lookup("Deir ez-Zor")[0].how == "exact"
    assert lookup("بدير الزور")[0].how == "normalised"


def test_ambiguous_name_returns_ranked_candidates_with_admin():
    matches = lookup("الصالحية")
    ids = {match.place.id for match in matches}
    assert {"salihiyah-jazira", "salihiyah-bukamal"} <= ids
    districts = {match.place.district for match in matches if match.place.id.startswith("salihiyah")}
    assert districts == {"Deir ez-Zor", "Al-Bukamal"}


def test_transliteration_skeleton_is_normalised_not_exact():
    match = lookup("Deir Ezor")[0]
    assert match.place.id == "deir-ez-zor"
    assert match.how == "normalised"
    assert match.score < 1


def test_misspelling_is_marked_fuzzy_with_a_score():
    matches = lookup("الميادينن")
    assert matches[0].place.id == "mayadin"
    assert matches[0].how == "fuzzy" and matches[0].is_fuzzy
    assert 0 < matches[0].score < 0.9


def test_fuzzy_can_be_turned_off():
    assert lookup("الميادينن", fuzzy=False) == []


def test_unknown_name_matches_nothing():
    assert lookup("Xyzzyville") == []


def test_bad_entry_names_the_field():
    with pytest.raises(GazetteerError, match="precision 'exact' is not one of"):
        place_from_dict({"id": "x", "name_en": "X", "lat": 35, "lon": 40, "feature": "town",
                         "precision": "exact"}, "g.yaml", 3)
    with pytest.raises(GazetteerError, match=r"g.yaml: place #2 \(y\): field `lat` is missing"):
        place_from_dict({"id": "y", "name_en": "Y", "lon": 40, "feature": "town", "precision": "town"},
                        "g.yaml", 2)


def test_duplicate_ids_are_refused(tmp_path):
    path = tmp_path / "g.yaml"
    entry = {"id": "a", "name_en": "A", "lat": 35.0, "lon": 40.0, "feature": "village", "precision": "village"}
    path.write_text(yaml.safe_dump({"places": [entry, entry]}), encoding="utf-8")
    with pytest.raises(GazetteerError, match="used twice"):
        read_places(path)


def test_a_key_given_twice_in_a_gazetteer_entry_is_refused_with_its_line(tmp_path):
    path = tmp_path / "g.yaml"
    path.write_text("places:\n  - id: a\n    name_en: A\n    lat: 35.0\n    lat: 53.0\n    lon: 40.0\n"
                    "    feature: village\n    precision: village\n", encoding="utf-8")
    with pytest.raises(GazetteerError, match=r"g.yaml:5: .*lat.*given twice"):
        read_places(path)
    path.write_text("places:\n  - id: [a\n", encoding="utf-8")
    with pytest.raises(GazetteerError, match=r"g.yaml:\d+: .*malformed YAML"):
        read_places(path)


def test_geonames_line_must_have_19_columns():
    with pytest.raises(GeoError, match=r"x.txt:7: expected 19 tab-separated columns, found 3"):
        parse_line("1\tA\tB\n", "x.txt", 7)


@pytest.fixture(scope="module")
def imported():
    curated = load_gazetteer(CURATED)
    return import_geonames(SAMPLE, curated, progress=False), curated


def test_geonames_import_merges_without_moving_curated_places(imported):
    (document, report), curated = imported
    assert report.rows == 21 and len(report.bad_lines) == 1
    # Hajin is in the curated gazetteer: merged, its new spelling added as a variant
    assert "hajin" in report.merged and "Hadjin" in document["variants"]["hajin"]
    assert not any(entry["name_en"] == "Hajin" for entry in document["places"])
    assert "mayadin" in report.merged and "omar-field" in report.merged
    # An oil field covers kilometres: GeoNames' point 9 km from the curated one is the same field
    assert "Haql at Tanak" in document["variants"]["tanak-field"]
    assert not any(entry["name_en"] == "Haql at Tanak" for entry in document["places"])


def test_geonames_import_adds_new_places_with_mapped_features(imported):
    (document, report), _ = imported
    by_name = {entry["name_en"]: entry for entry in document["places"]}
    assert by_name["Buqayh"]["feature"] == "village" and by_name["Buqayh"]["precision"] == "village"
    assert by_name["Buqayh"]["governorate"] == "Deir ez-Zor"      # curated spelling of the ADM1
    assert by_name["Buqayh"]["district"] == "Al-Mayadin"
    assert by_name["Haql al Khurayjah"]["feature"] == "oil_field"
    assert by_name["Haql al Khurayjah"]["precision"] == "site"
    # same name as a curated village but 300 km away: added, not merged
    assert by_name["As Salihiyah"]["id"] == "gn-11260011"
    assert report.skipped_features == {"WAD": 1}


def test_geonames_import_file_extends_lookup(tmp_path):
    out = tmp_path / "gn.yaml"
    assert main(["gazetteer", "import-geonames", str(SAMPLE), "-o", str(out), "--quiet"]) == 0
    gaz = load_gazetteer(CURATED, out)
    assert gaz.lookup("Buqayh")[0].place.id == "gn-11260003"
    assert gaz.lookup("Hadjin")[0].place.id == "hajin"
    hajin = gaz.get("hajin")
    assert isinstance(hajin, Place) and (hajin.lat, hajin.lon) == (load_gazetteer(CURATED).get("hajin").lat,
                                                                  load_gazetteer(CURATED).get("hajin").lon)
    # re-importing is idempotent
    assert main(["gazetteer", "import-geonames", str(SAMPLE), "-o", str(out), "--quiet"]) == 0
    again = yaml.safe_load(out.read_text(encoding="utf-8"))
    assert len(again["variants"]["hajin"]) == len(set(again["variants"]["hajin"]))


def test_import_refuses_to_write_the_curated_file(capsys):
    assert main(["gazetteer", "import-geonames", str(SAMPLE), "-o", str(CURATED), "--quiet"]) == 1
    assert "curated gazetteer" in capsys.readouterr().err


def test_cli_lookup_prints_candidates(capsys):
    assert main(["gazetteer", "lookup", "Albu", "Kamal"]) == 0
    out = capsys.readouterr().out
    assert "bukamal" in out and "34.4" in out and "Al-Bukamal" in out


def test_cli_lookup_unknown_exits_1(capsys):
    assert main(["gazetteer", "lookup", "Xyzzyville"]) == 1
    assert "no place matches" in capsys.readouterr().err
