"""Admin areas: polygons, names and filling incidents' governorate and district."""

import geopandas as gpd
import pytest
from geopandas.testing import assert_geodataframe_equal
from shapely.geometry import Point

from geo.admin import admin_areas, area_names, assign_admin_areas
from geo.records import read_incidents


def _frame(rows):
    return gpd.GeoDataFrame(rows, geometry=[Point(row.pop("lon"), row.pop("lat")) for row in rows],
                            crs="EPSG:4326")


def test_admin_areas_have_levels_names_and_crs():
    areas = admin_areas()
    assert areas.crs.to_epsg() == 4326
    assert set(areas["level"]) == {"governorate", "district"}
    assert {"Deir ez-Zor", "Al-Mayadin", "Al-Bukamal"} <= set(area_names("district"))
    assert "Deir ez-Zor" in area_names("governorate")


def test_unknown_level_is_refused():
    with pytest.raises(ValueError, match="expected to be one of"):
        admin_areas("county")


def test_fills_from_gazetteer_then_polygons_and_keeps_curated_values():
    frame = _frame([
        {"id": "a", "gazetteer_id": "hajin", "governorate": None, "district": None, "lat": 35.0, "lon": 40.0},
        {"id": "b", "gazetteer_id": None, "governorate": None, "district": None, "lat": 34.45, "lon": 40.93},
        {"id": "c", "gazetteer_id": None, "governorate": "Deir ez-Zor", "district": "Custom", "lat": 34.45,
         "lon": 40.93},
        {"id": "d", "gazetteer_id": None, "governorate": None, "district": None, "lat": 10.0, "lon": 10.0},
    ])
    out = assign_admin_areas(frame).set_index("id")
    # a: the gazetteer wins over the (deliberately wrong) point
    assert (out.loc["a", "governorate"], out.loc["a", "district"]) == ("Deir ez-Zor", "Al-Bukamal")
    # b: al-Bukamal town by point in polygon
    assert (out.loc["b", "governorate"], out.loc["b", "district"]) == ("Deir ez-Zor", "Al-Bukamal")
    assert out.loc["c", "district"] == "Custom"
    assert out.loc["d", "governorate"] is None and out.loc["d", "district"] is None



def test_input_frame_is_left_unchanged():
    rows = [{"id": "a", "gazetteer_id": "hajin", "governorate": None, "district": None, "lat": 35.0, "lon": 40.0},
            {"id": "b", "gazetteer_id": None, "governorate": None, "district": None, "lat": 34.45, "lon": 40.93}]
    frame = _frame(rows)
    before = frame.copy()
    out = assign_admin_areas(frame)
    out.loc[0, "id"] = "changed later"
    assert_geodataframe_equal(frame, before)
    assert out["district"].tolist() == ["Al-Bukamal", "Al-Bukamal"]

def test_empty_frame_passes_through():
    frame = gpd.GeoDataFrame({"id": []}, geometry=[], crs="EPSG:4326")
    assert len(assign_admin_areas(frame)) == 0


def test_loading_the_record_fills_admin_areas(tmp_path):
    source = tmp_path / "incidents.yaml"
    source.write_text("""
- id: t-2024-01-01-001
  date: 2024-01-01
  event_type: Battles
  sub_event_type: Armed clash
  actor1: ISIS
  place: Hajin
  lat: 34.695
  lon: 40.829
  geo_precision: town
  sources: [{publisher: X}]
  status: weak
""", encoding="utf-8")
    frame, problems = read_incidents(source, use_cache=False)
    assert not [problem for problem in problems if problem.severity == "error"]
    assert frame.iloc[0]["district"] == "Al-Bukamal"
    assert frame.iloc[0]["governorate"] == "Deir ez-Zor"
