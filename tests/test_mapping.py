"""The folium map, tested as data: what it holds and that it needs no network."""

from __future__ import annotations

import json
import re

import pytest

import geo
from geo.filters import IncidentFilter, apply_filter
from geo.map_payload import DETAIL_LIMIT, map_payload, payload_field, payload_ids, script_json
from geo.mapping import MapView, build_map, map_html
from tests.paths import SEED_RECORD


@pytest.fixture(scope="module")
def seed():
    return geo.load_incidents(SEED_RECORD, strict=True)


def payload_of(html: str) -> dict:
    match = re.search(r"var payload = (\{.*?\});\n", html, re.S)
    return json.loads(match.group(1))


def test_map_holds_every_incident_once(seed):
    html = map_html(build_map(seed))
    payload = payload_of(html)
    assert payload_ids(payload) == seed["id"].tolist()
    assert payload["lat"][0] == round(seed.iloc[0]["lat"], 5) and payload["lon"][0] == round(seed.iloc[0]["lon"], 5)
    assert payload_field(payload, "side") == seed["side1"].tolist()
    assert payload_field(payload, "status") == seed["status"].tolist()
    assert payload_field(payload, "fat_q") == [v if isinstance(v, str) else None for v in seed["fatalities_qualifier"]]


def test_filtered_map_holds_only_the_filtered(seed):
    shown = apply_filter(seed, IncidentFilter(actors=("IRGC",)))
    assert payload_ids(payload_of(map_html(build_map(shown)))) == shown["id"].tolist()


def inlined_assets(html: str) -> str:
    """The text of every data: URI script and stylesheet in the page."""
    import base64

    return "\n".join(base64.b64decode(blob).decode("utf-8")
                     for blob in re.findall(r"data:text/(?:javascript|css);charset=utf-8;base64,([A-Za-z0-9+/=]+)", html))


def test_map_needs_no_network(seed):
    html = map_html(build_map(seed, MapView(draw=True, heat=True)))
    assert not re.findall(r"""(?:src|href)=["']https?://""", html)
    assets = inlined_assets(html)
    for needed in ("L.markerClusterGroup", "L.heatLayer", "window.geoIncidentMap", "L.Control.Draw", "leaflet-measure"):
        assert needed in assets or needed in html, needed


def test_layers_and_controls(seed):
    html = map_html(build_map(seed, MapView(basemap="satellite", draw=True)))
    options = json.loads(re.search(r"var options = (\{\"basemap\".*?\});\n", html, re.S).group(1))
    assert options["basemap"] == "satellite"
    assert {b["key"] for b in options["basemaps"]} >= {"streets", "light", "dark", "satellite", "plain"}
    assert all(b["attribution"] for b in options["basemaps"])
    assert options["precisionCircles"] is True
    assert options["context"]["features"]
    assert "new L.Control.Draw" in html and "L.control.fullscreen" in html and "L.Control.Measure" in html


def test_popups_carry_sources_and_quotes(seed):
    payload = map_payload(seed)
    first = payload["sources"][0][0]
    assert first[0] == "SY24" and "القرية الخضراء" in first[2] and first[3] == "ar"


def test_large_sets_send_summaries_only(seed):
    import pandas as pd

    big = pd.concat([seed] * (DETAIL_LIMIT // len(seed) + 1), ignore_index=True)
    payload = map_payload(big)
    assert "sources" not in payload and "description" not in payload and len(payload["publishers"]) == len(big)
    assert payload_ids(payload) == big["id"].tolist()


def test_untrusted_text_cannot_close_the_script():
    text = script_json({"d": "</script><script>alert(1)</script>\u2028"})
    assert "</script" not in text and "<" not in text and "\u2028" not in text
    assert json.loads(text)["d"].startswith("</script>")


@pytest.mark.parametrize("text", ["{{ 7*7 }}", "{% if %}", "{# x", "{{{a}}}"])
def test_untrusted_text_is_never_run_as_a_template(seed, text):
    frame = seed.copy()
    first = frame.index[0]
    frame.at[first, "description"] = f"desc {text}"
    frame.at[first, "sources"] = [{"publisher": f"pub {text}"}]
    assert json.loads(script_json({"d": text}))["d"] == text
    payload = payload_of(map_html(build_map(frame)))  # a template would fail or print 49
    assert payload["description"][0] == f"desc {text}" and payload["sources"][0][0][0] == f"pub {text}"


def test_empty_selection_still_builds():
    empty = geo.load_incidents(SEED_RECORD).iloc[0:0]
    html = map_html(build_map(empty))
    assert payload_ids(payload_of(html)) == []


def test_district_choropleth_counts(seed):
    from geo.mapping import district_choropleth

    layer = district_choropleth(seed)
    counts = {f["properties"]["name"]: f["properties"]["count"] for f in layer["features"]}
    assert sum(counts.values()) == seed["district"].notna().sum()
    assert counts["Al-Mayadin"] == (seed["district"] == "Al-Mayadin").sum() > 0


def test_ids_that_do_not_follow_the_pattern_are_sent_whole(seed):
    odd = seed.head(3).copy()
    odd["id"] = ["acled-syr12345", "dez-2022-01-01-001", "x-y"]  # the second's date is not the incident's
    assert payload_ids(map_payload(odd)) == odd["id"].tolist()
