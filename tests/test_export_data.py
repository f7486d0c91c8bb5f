"""Data exports (GeoJSON, CSV, KML, GeoPackage) read back with the ids and coordinates put in."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import pytest

from geo.errors import ExportError
from geo.export import DATA_FORMATS, FORMATS, export, export_bytes
from geo.export.coarsen import coarsen_coordinates, max_shift_km
from geo.export.data import DATA_FIELDS
from geo.filters import IncidentFilter
from geo.records import read_incidents
from tests.paths import SEED_RECORD

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def seed() -> gpd.GeoDataFrame:
    frame, problems = read_incidents(SEED_RECORD, use_cache=False)
    assert not problems
    return frame


@pytest.fixture
def hostile(seed) -> gpd.GeoDataFrame:
    """The seed with untrusted text of the kind a scraped source could carry."""
    frame = seed.copy()
    frame.at[frame.index[0], "description"] = '<script>alert("x")</script> & <img src=x onerror=alert(1)>'
    frame.at[frame.index[0], "sources"] = [{"publisher": "Evil <b>", "url": "javascript:alert(1)", "quote": "q"},
                                           {"publisher": "Good", "url": "https://example.org/a?b=1&c=2"}]
    return frame


def read_back(path: Path, fmt: str) -> gpd.GeoDataFrame:
    if fmt == "csv":
        return pyogrio.read_dataframe(path, X_POSSIBLE_NAMES="lon", Y_POSSIBLE_NAMES="lat")
    return gpd.read_file(path)


@pytest.mark.parametrize("fmt", DATA_FORMATS)
def test_data_export_reads_back_same_ids_and_coordinates(seed, tmp_path, fmt):
    path = export(seed, fmt, tmp_path / f"out.{fmt}")
    back = read_back(path, fmt)
    assert list(back["id"]) == list(seed["id"])
    # Coordinates from the geometry, so a lat/lon swap in any writer fails here.
    np.testing.assert_allclose(back.geometry.x.to_numpy(), seed["lon"].to_numpy(), atol=1e-9)
    np.testing.assert_allclose(back.geometry.y.to_numpy(), seed["lat"].to_numpy(), atol=1e-9)


@pytest.mark.parametrize("fmt", ["geojson", "csv", "gpkg"])
def test_tabular_exports_have_every_documented_field(seed, tmp_path, fmt):
    back = read_back(export(seed, fmt, tmp_path / f"out.{fmt}"), fmt)
    assert [column for column in back.columns if column != "geometry"] == list(DATA_FIELDS)


def test_csv_flattens_actors_and_sources_readably(seed, tmp_path):
    table = pd.read_csv(export(seed, "csv", tmp_path / "out.csv"), encoding="utf-8-sig")
    row = table.set_index("id").loc["dez-2022-08-25-004"]
    assert row["actor1"] == "International Coalition"
    assert row["side2"] == "Iran-backed militias"
    assert row["sources"] == "SY24; SY24"
    assert row["source_quotes"].startswith("[1] في الوقت الذي") and " | [2] " in row["source_quotes"]
    assert row["fatalities"] == 21 and row["fatalities_qualifier"] == "more_than"
    assert row["date"] == "2022-08-25"


def test_csv_text_cells_cannot_run_as_spreadsheet_formulas(seed, tmp_path):
    frame = seed.copy()
    frame.at[frame.index[0], "description"] = '=HYPERLINK("http://x")'
    frame.at[frame.index[0], "notes"] = "@SUM(A1)"
    frame.at[frame.index[1], "description"] = "-1+2"
    frame.at[frame.index[1], "notes"] = "\tcmd"
    frame.at[frame.index[1], "lon"] = -1.5
    table = pd.read_csv(export(frame, "csv", tmp_path / "out.csv"), encoding="utf-8-sig")
    assert table.loc[0, "description"] == "'=HYPERLINK(\"http://x\")"
    assert table.loc[0, "notes"] == "'@SUM(A1)"
    assert table.loc[1, "description"] == "'-1+2"
    assert table.loc[1, "notes"] == "'\tcmd"
    assert table.loc[1, "lon"] == -1.5  # numbers stay numbers, negative or not
    assert table.loc[2, "description"] == frame.loc[frame.index[2], "description"]
    # Only the spreadsheet file is defused; GeoJSON keeps the text as it was.
    back = json.loads((export(frame, "geojson", tmp_path / "out.geojson")).read_text(encoding="utf-8"))
    assert back["features"][0]["properties"]["description"] == '=HYPERLINK("http://x")'


def test_geojson_is_rfc7946_with_caption_metadata(seed, tmp_path):
    flt = IncidentFilter(actors=("IRGC",))
    doc = json.loads(export(seed, "geojson", tmp_path / "out.geojson", flt=flt, title="IRGC moves").read_text())
    assert doc["type"] == "FeatureCollection"
    assert doc["metadata"]["title"] == "IRGC moves"
    assert doc["metadata"]["filters"] == "actors: IRGC"
    assert doc["metadata"]["count"] == len(doc["features"]) == 8
    first = doc["features"][0]
    assert first["geometry"]["coordinates"] == [first["properties"]["lon"], first["properties"]["lat"]]


def test_kml_escapes_descriptions_and_links_only_http(hostile, tmp_path):
    path = export(hostile, "kml", tmp_path / "out.kml")
    tree = ET.parse(path)  # well-formed XML despite the markup in the data
    ns = {"k": "http://www.opengis.net/kml/2.2"}
    balloon = tree.find(".//k:Placemark/k:description", ns).text
    # After XML parsing the balloon is HTML; the untrusted parts must be text in it.
    assert "<script" not in balloon and "<img" not in balloon
    assert "&lt;script&gt;" in balloon and "&lt;img src=x" in balloon
    links = re.findall(r'href="([^"]*)"', balloon)
    assert links and all(link.startswith(("http://", "https://")) for link in links)
    assert 'href="https://example.org/a?b=1&amp;c=2"' in balloon
    assert 'href="javascript' not in balloon
    assert "Evil &lt;b&gt;" in balloon


def test_kml_balloon_states_figures_with_their_qualifier(seed, tmp_path):
    frame = seed.copy()
    frame.at[frame.index[1], "fatalities"] = 3
    frame.at[frame.index[1], "fatalities_max"] = 7
    root = ET.parse(export(frame, "kml", tmp_path / "out.kml")).getroot()
    balloons = {mark.find(".//{*}Data[@name='id']/{*}value").text: mark.find("{*}description").text
                for mark in root.iter("{http://www.opengis.net/kml/2.2}Placemark")}
    more_than = balloons["dez-2022-08-25-004"]  # fatalities {min: 21, qualifier: more_than}: "more than 20"
    assert "Fatalities: more than 20" in more_than and "Fatalities: 21" not in more_than
    assert "Injuries: more than 30" in more_than
    ranged = balloons[frame.loc[frame.index[1], "id"]]
    assert "Fatalities: 3–7" in ranged
    assert "Fatalities: unknown" in balloons[frame.loc[frame.index[0], "id"]]


def test_kml_styles_placemarks_by_side_colour(seed, tmp_path):
    text = export(seed, "kml", tmp_path / "out.kml").read_text(encoding="utf-8")
    # International Coalition #1f6fd1 as KML aabbggrr.
    assert "<color>ffd16f1f</color>" in text


def test_gpkg_layer_metadata_states_filters(seed, tmp_path):
    path = export(seed, "gpkg", tmp_path / "out.gpkg", flt=IncidentFilter(sides=("Iran-backed militias",)))
    meta = pyogrio.read_info(path, layer="incidents")["layer_metadata"]
    assert meta["filters"] == "sides: Iran-backed militias"


def test_coarsen_helper_keeps_lat_and_lon_apart():
    lat, lon = coarsen_coordinates(np.array([35.3359]), np.array([40.1408]), 1.0)
    assert abs(lat[0] - 35.3359) < 0.01 and abs(lon[0] - 40.1408) < 0.01


@pytest.mark.parametrize("fmt", ["geojson", "csv", "gpkg", "kml"])
def test_coarsening_moves_points_onto_the_grid_and_says_so(seed, tmp_path, fmt):
    km = 10.0
    back = read_back(export(seed, fmt, tmp_path / f"out.{fmt}", coarsen_km=km), fmt)
    lat, lon = back.geometry.y.to_numpy(), back.geometry.x.to_numpy()
    again_lat, again_lon = coarsen_coordinates(lat, lon, km)
    np.testing.assert_allclose(again_lat, lat, atol=1e-6)  # already on the grid
    np.testing.assert_allclose(again_lon, lon, atol=1e-6)
    shift_km = np.hypot((lat - seed["lat"].to_numpy()) * 110.574,
                        (lon - seed["lon"].to_numpy()) * 111.32 * np.cos(np.radians(lat)))
    assert shift_km.max() <= max_shift_km(km) + 0.01
    assert shift_km.max() > 0.1  # something really moved
    assert not np.allclose(lon, seed["lon"].to_numpy())
    assert (back["coarsen_km"].astype(float) == km).all()
    if fmt != "kml":
        assert (back["gazetteer_id"].fillna("") == "").all()


def test_progress_reports_start_and_end(seed, tmp_path):
    calls: list[tuple[int, int]] = []
    export(seed, "geojson", tmp_path / "out.geojson", progress=lambda done, total: calls.append((done, total)))
    assert calls[0] == (0, len(seed)) and calls[-1] == (len(seed), len(seed))
    assert [done for done, _ in calls] == sorted(done for done, _ in calls)


def test_export_bytes_matches_file(seed, tmp_path):
    data = export_bytes(seed, "csv")
    assert data.startswith(b"\xef\xbb\xbfid,date,")
    assert data.count(b"\ndez-") == len(seed)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"fmt": "xlsx"}, "format was 'xlsx' but is expected to be one of png, pdf"),
        ({"fmt": "csv", "title": "<script>x</script>"}, "title .* contains markup"),
        ({"fmt": "csv", "title": "Strikes &amp; shelling"}, "contains markup"),
        ({"fmt": "csv", "flt": IncidentFilter(sides=("Russia",))}, "no incidents match the filters \\(sides: Russia\\)"),
        ({"fmt": "csv", "coarsen_km": -1}, "coarsen_km was -1"),
        ({"fmt": "png", "layout": "poster"}, "layout was 'poster'"),
        ({"fmt": "png", "dpi": 20}, "dpi was 20"),
    ],
    ids=["unknown-format", "title-tag", "title-entity", "empty-selection", "bad-coarsen", "bad-layout", "low-dpi"],
)
def test_bad_requests_get_clear_messages(seed, tmp_path, kwargs, match):
    fmt = kwargs.pop("fmt")
    with pytest.raises(ExportError, match=match):
        export(seed, fmt, tmp_path / "out.file", **kwargs)
    assert list(tmp_path.iterdir()) == []  # nothing half-written


@pytest.mark.parametrize("where", ["missing-folder", "is-a-folder", "parent-is-a-file"])
def test_unwritable_paths_are_refused(seed, tmp_path, where):
    (tmp_path / "file.txt").write_text("x")
    out = {"missing-folder": tmp_path / "nope" / "out.csv", "is-a-folder": tmp_path,
           "parent-is-a-file": tmp_path / "file.txt" / "out.csv"}[where]
    with pytest.raises(ExportError, match="does not exist|is a folder"):
        export(seed, "csv", out)


def test_plain_title_with_ampersand_is_fine(seed, tmp_path):
    title = "Strikes & shelling, $5 at 50%"
    doc = json.loads(export(seed, "geojson", tmp_path / "out.geojson", title=title).read_text(encoding="utf-8"))
    assert doc["metadata"]["title"] == title


def test_formats_tuple_lists_every_writer():
    assert set(DATA_FORMATS) < set(FORMATS)
    assert {"png", "pdf", "html", "gif"} <= set(FORMATS)


def test_every_data_field_is_documented_in_the_readme():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Briefing exports", 1)[-1].split("\n## ", 1)[0]
    missing = [name for name in DATA_FIELDS if f"`{name}`" not in section]
    assert not missing, f"README 'Briefing exports' does not document: {missing}"
