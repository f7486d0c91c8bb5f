"""The self-contained HTML export: no outside requests, escaped caption, markers drawn in Chromium."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from geo.export import export
from geo.filters import IncidentFilter
from geo.records import read_incidents
from tests.browser import chromium_page, open_popup, require_browser
from tests.paths import SEED_RECORD

XSS = '<img src=x onerror="window.__xss=1"><script>window.__xss=2</script>'


@pytest.fixture(scope="module")
def seed():
    frame, _ = read_incidents(SEED_RECORD, use_cache=False)
    return frame


@pytest.fixture
def hostile(seed):
    frame = seed.copy()
    first = frame.index[0]
    frame.at[first, "description"] = XSS
    frame.at[first, "place"] = "حي المزارع " + XSS
    frame.at[first, "sources"] = [{"publisher": "Evil" + XSS, "url": "javascript:window.__xss=3", "quote": XSS},
                                  {"publisher": "Good", "url": "https://example.org/a"}]
    return frame


def test_html_loads_nothing_from_outside(seed, tmp_path):
    text = export(seed, "html", tmp_path / "map.html", title="Strikes & moves").read_text(encoding="utf-8")
    assert not re.findall(r"""<(?:script|link|img)[^>]+(?:src|href)=["']https?://""", text)
    assert "<title>Strikes &amp; moves</title>" in text
    assert 'id="export-caption"' in text and "18 incidents shown" in text


def test_html_caption_escapes_filter_text(seed, tmp_path):
    flt = IncidentFilter(text="<b>x</b>")
    text = export(seed, "html", tmp_path / "map.html", flt=flt).read_text(encoding="utf-8")
    caption = re.search(r'<div class="export-caption".*?</div>', text, re.S).group(0)
    assert "&lt;b&gt;x&lt;/b&gt;" in caption and "<b>x</b>" not in caption


@pytest.mark.parametrize("text", ["{{ 7*7 }}", "{% if %}", "{{ lipsum.__globals__ }}"],
                         ids=["expression", "broken-tag", "globals"])
def test_html_caption_text_is_never_run_as_a_template(seed, tmp_path, text):
    frame = seed.copy()
    frame.at[frame.index[0], "sources"] = [{"publisher": f"Pub {text}"}]
    page = export(frame, "html", tmp_path / "map.html", title=f"Title {text}").read_text(encoding="utf-8")
    caption = re.search(r'<div class="export-caption".*?</div>', page, re.S).group(0)
    assert f"Title {text}" in caption and f"Pub {text}" in caption
    # what evaluating it would have written in its place (the caption also holds a clock time, which may read 49)
    assert "Title 49" not in caption and "Pub 49" not in caption and "<module" not in caption


DRAWN = """() => window.incidentLayer.cluster._featureGroup.getLayers()
    .reduce((sum, item) => sum + (item.getChildCount ? item.getChildCount() : 1), 0)"""


def wait_for_drawn_markers(page, expected: int) -> None:
    """Wait until MarkerCluster shows `expected` incidents (clusters count their children); fail otherwise.

    Right after loading, markers are added in chunks and clustered, so the count
    passes through other values before it settles.
    """
    try:
        page.wait_for_function(f"() => ({DRAWN})() === {expected}", timeout=15000)
    except Exception as err:  # noqa: BLE001 - report what was drawn instead of a bare timeout
        raise AssertionError(f"map shows {page.evaluate(DRAWN)} incidents, expected {expected}") from err


def test_html_opens_offline_in_chromium_with_every_marker(hostile, tmp_path):
    require_browser()
    path = export(hostile, "html", tmp_path / "map.html", title="Offline check", coarsen_km=None)
    with chromium_page() as page:
        page.goto(path.as_uri())
        page.wait_for_selector("[data-incident-count]", timeout=30000)
        assert page.get_attribute("[data-incident-count]", "data-incident-count") == str(len(hostile))
        wait_for_drawn_markers(page, len(hostile))
        assert "Offline check" in page.inner_text("#export-caption")
        assert page.locator(".incident-legend").count() == 1
        # Open the hostile incident's popup: its text shows, nothing runs, no javascript: link.
        open_popup(page, page.main_frame, hostile["id"].iloc[0])
        popup = page.inner_text(".leaflet-popup-content")
        assert "onerror" in popup  # shown as text
        assert page.evaluate("() => window.__xss") is None
        assert page.locator(".leaflet-popup-content script, .leaflet-popup-content img").count() == 0
        assert page.locator('a[href^="javascript"]').count() == 0
        assert page.locator('.leaflet-popup-content a[href="https://example.org/a"]').count() == 1
        assert page.js_errors == []
        page.screenshot(path=str(tmp_path / "html-export.png"))


def test_html_of_empty_selection_opens(seed, tmp_path):
    require_browser()
    path = export(seed, "html", tmp_path / "empty.html", flt=IncidentFilter(sides=("Russia",)))
    with chromium_page() as page:
        page.goto(path.as_uri())
        page.wait_for_selector("[data-incident-count='0']", timeout=30000)
        assert "no incidents match" in page.inner_text("#export-caption")


def test_browser_exact_snapshot(tmp_path):
    from PIL import Image

    from geo.export import export
    from tests.browser import require_browser

    require_browser()
    frame, _ = read_incidents(SEED_RECORD, use_cache=False)
    # The plain basemap: a test must not depend on reaching a tile server.
    path = export(frame, "screenshot", tmp_path / "shot.png", title="Browser-exact snapshot", basemap="offline")
    image = Image.open(path)
    assert image.size == (1920, 1080)
    pixels = image.convert("RGB").getcolors(maxcolors=1_000_000)
    assert len(pixels) > 50  # a drawn map, not a blank page
    red = sum(count for count, (r, g, b) in pixels if r > 180 and g < 80 and b < 80)
    assert red > 30  # the militias' markers and circles are drawn


def test_playback_window_follows_spans_and_takes_circles_and_heat_along(seed, tmp_path):
    require_browser()
    frame = seed.copy()
    spanning = frame.index[frame["date"] == frame["date"].min()][0]
    frame.at[spanning, "date_end"] = frame.at[spanning, "date"] + pd.Timedelta(days=3)
    path = export(frame, "html", tmp_path / "map.html", basemap="offline")
    day = pd.Timedelta(days=1)
    later = frame["date"].max() + day  # a day after every start: only the spanning incident still runs
    expected = frame[(frame["date"] < later + day) & (frame["date_end"].fillna(frame["date"]) >= later)]
    assert list(expected.index) == [spanning]
    with chromium_page() as page:
        page.goto(path.as_uri())
        wait_for_drawn_markers(page, len(frame))
        ms = int(later.timestamp() * 1000)
        shown = page.evaluate(f"""() => {{
            const layer = window.incidentLayer;
            layer.showRange({ms}, {ms} + 86400000);
            return {{markers: layer.visibleCount, circles: layer.precisionLayer.getLayers().length,
                     all_circles: layer.circles.filter(Boolean).length,
                     heat: layer.heat ? layer.heat._latlngs.length : null}};
        }}""")
        circle = 1 if frame.at[spanning, "geo_precision"] != "site" else 0
        assert shown["markers"] == 1 and shown["circles"] == circle and shown["all_circles"] > circle
        assert shown["heat"] in (None, 1)
        assert page.js_errors == []


def test_coarsened_html_says_so_and_widens_every_circle(seed, tmp_path):
    import json

    from geo.export.coarsen import max_shift_km

    page = export(seed, "html", tmp_path / "map.html", coarsen_km=10, basemap="offline").read_text(encoding="utf-8")
    payload = json.loads(re.search(r"var payload = (\{.*?\});\n", page, re.S).group(1))
    assert payload["coarsen_km"] == 10
    assert min(payload["radius_m"]) >= max_shift_km(10) * 1000  # no point looks exact
    exact = json.loads(re.search(r"var payload = (\{.*?\});\n",
                                 export(seed, "html", tmp_path / "exact.html", basemap="offline")
                                 .read_text(encoding="utf-8"), re.S).group(1))
    assert exact["coarsen_km"] is None and min(exact["radius_m"]) == 0
    require_browser()
    with chromium_page() as browser_page:
        browser_page.goto((tmp_path / "map.html").as_uri())
        wait_for_drawn_markers(browser_page, len(seed))
        open_popup(browser_page, browser_page.main_frame, seed["id"].iloc[0])
        assert "position rounded to a 10 km grid" in browser_page.inner_text(".leaflet-popup-content")


def test_circles_on_the_map_take_their_look_from_map_style(seed, tmp_path, monkeypatch):
    import geo.mapping
    from geo.map_payload import map_style

    require_browser()
    edited = {**map_style(), "precision_circle": {"opacity": 0.3, "fill_opacity": 0.2, "dash": "2 6"}}
    monkeypatch.setattr(geo.mapping, "map_style", lambda: edited)  # as if map_style.yaml were edited
    path = export(seed, "html", tmp_path / "map.html", basemap="offline")
    with chromium_page() as page:
        page.goto(path.as_uri())
        wait_for_drawn_markers(page, len(seed))
        look = page.evaluate("""() => { const c = window.incidentLayer.circles.find(Boolean).options;
                                        return {opacity: c.opacity, fill_opacity: c.fillOpacity, dash: c.dashArray}; }""")
    assert look == edited["precision_circle"]
