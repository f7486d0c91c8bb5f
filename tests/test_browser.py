"""The real dashboard in headless Chromium, served by `streamlit run`, with no internet."""

from __future__ import annotations

import re
import shutil

import pytest

from geo.records import parse_incidents
from tests.browser import (
    ARTIFACTS,
    REPO,
    chromium_page,
    dashboard_popup,
    headline,
    map_frame,
    open_popup,
    require_browser,
    settle,
    streamlit_server,
    wait_for_app_idle,
    wait_for_count,
    wait_for_map_still,
    wait_for_page_drawn,
)
from tests.paths import SEED_RECORD

pytestmark = pytest.mark.browser

HOSTILE = """
- id: dez-2022-08-26-001
  date: 2022-08-26
  event_type: Explosions/Remote violence
  sub_event_type: Air/drone strike
  actor1: International Coalition
  actor2: ISIS
  place: <b>Hajin</b>
  lat: 34.6906
  lon: 40.8326
  geo_precision: town
  description: <script>window.__xss = 1</script><img src=x onerror="window.__xss = 2">
  sources:
    - publisher: <img src=x onerror="window.__xss = 3">
      url: https://example.org/report?a=1&b=<2>
      language: ar
      quote: "نص <script>window.__xss = 4</script>"
  status: weak
"""


# What the unfiltered map shows: the frozen seed record plus the hostile incident.
SHOWN = len(parse_incidents(SEED_RECORD.read_bytes(), str(SEED_RECORD))[0]) + 1

# An image that fails to load, like the hostile markup's `<img src=x>`: once its error handler has run in a
# document, an `onerror` the page had let through there would have run too. False if it never fires.
FAILED_IMAGE = """() => new Promise(resolve => {
  const img = document.createElement('img');
  img.onerror = () => { img.remove(); resolve(true); };
  setTimeout(() => resolve(false), 15000);
  img.src = 'x';
  document.body.appendChild(img);
})"""


def first_resize_hold_ms() -> int:
    """How long the map re-applies its initial view while its host sizes the frame (incident_layer.js)."""
    source = (REPO / "geo" / "static" / "incident_layer.js").read_text("utf-8")
    match = re.search(r"var FIRST_RESIZE_HOLD_MS = (\d+);", source)
    assert match, "incident_layer.js no longer holds the initial view for a set time: revisit this test"
    return int(match.group(1))


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    require_browser()
    folder = tmp_path_factory.mktemp("record")
    record = folder / "incidents.yaml"
    shutil.copy(SEED_RECORD, record)
    with open(record, "a", encoding="utf-8") as handle:
        handle.write(HOSTILE)
    with streamlit_server(record, env={"GEO_CACHE_DIR": str(folder / "cache")}) as url:
        yield url


def test_map_renders_with_markers_and_screenshot(server):
    with chromium_page() as page:
        page.goto(server)
        frame = wait_for_count(page, SHOWN)
        assert frame.locator("canvas").count() >= 1
        assert frame.locator(".incident-legend").inner_text().count("(") >= 2
        assert headline(page, "Incidents") == str(SHOWN)
        ARTIFACTS.mkdir(exist_ok=True)
        wait_for_page_drawn(page)
        page.screenshot(path=str(ARTIFACTS / "dashboard.png"))
        assert not page.js_errors, page.js_errors


def test_actor_filter_changes_count_and_map(server):
    with chromium_page() as page:
        page.goto(server)
        wait_for_count(page, SHOWN)
        page.locator("[data-testid=stMultiSelect]", has_text="Actors").locator("input").fill("IRGC")
        page.keyboard.press("Enter")
        wait_for_count(page, 8)
        page.wait_for_function("() => document.body.innerText.includes('actors: IRGC')")
        assert headline(page, "Incidents") == "8"
        assert "actor=IRGC" in page.url


def test_date_filter_changes_count_and_map(server):
    with chromium_page() as page:
        page.goto(server + "/?period=Custom")
        wait_for_count(page, SHOWN)
        page.locator("[data-testid=stRadio]", has_text="Period").get_by_text("Last 7 days").click()
        wait_for_count(page, 0)  # the seed incidents are from 2022
        assert headline(page, "Incidents") == "0"
        page.locator("[data-testid=stRadio]", has_text="Period").get_by_text("All", exact=True).click()
        wait_for_count(page, SHOWN)


def test_popup_shows_sources_and_arabic_quote(server):
    with dashboard_popup(server, "dez-2022-08-24-002", SHOWN) as (_, _, popup):
        assert "SY24" in popup.inner_text()
        quote = popup.locator("blockquote.ip-quote").first
        assert "حقل كونيكو للغاز" in quote.inner_text()
        assert quote.get_attribute("dir") == "rtl"
        assert "Explosions/Remote violence › Shelling/artillery/missile attack" in popup.inner_text()
        assert "Fatalities\tunknown" in popup.inner_text() or "Fatalities unknown" in popup.inner_text()


def test_popup_says_figures_as_reported(server):
    with dashboard_popup(server, "dez-2022-08-25-004", SHOWN) as (_, _, popup):
        text = popup.inner_text()
        assert "more than 20" in text and "more than 30" in text  # stored as min 21 / 31


def test_hostile_text_is_shown_as_text_and_runs_nothing(server):
    with dashboard_popup(server, "dez-2022-08-26-001", SHOWN) as (page, frame, popup):
        text = popup.inner_text()
        assert "<script>window.__xss = 1</script>" in text and 'onerror="window.__xss = 2"' in text
        assert "<b>Hajin</b>" in text
        assert popup.locator("img, script, b").count() == 0
        link = popup.locator("a")
        assert link.count() == 1 and link.get_attribute("href") == "https://example.org/report?a=1&b=<2>"
        # Injected markup's <script> runs as it is inserted or never; its `onerror` only once the image has
        # failed to load: wait until an image of ours has failed, in the map's frame and in the page.
        assert frame.evaluate(FAILED_IMAGE) and page.evaluate(FAILED_IMAGE)
        assert frame.evaluate("() => window.__xss") is None and page.evaluate("() => window.__xss") is None


def test_javascript_url_never_becomes_a_link(tmp_path):
    require_browser()
    import geo
    from geo.mapping import MapView, build_map, map_html

    frame = geo.load_incidents(SEED_RECORD).head(1).copy()
    # A store other than the validated YAML (a database row, an import) could hold such a URL.
    frame.at[frame.index[0], "sources"] = [{"publisher": "Evil", "url": "javascript:window.__xss=5", "quote": "q"}]
    page_path = tmp_path / "map.html"
    page_path.write_text(map_html(build_map(frame, MapView(sync_url=False))), "utf-8")
    with chromium_page() as page:
        page.goto(page_path.as_uri())
        frame_ = map_frame(page)
        open_popup(page, frame_, frame.iloc[0]["id"])
        popup = page.locator(".incident-popup")
        assert "Evil" in popup.inner_text()
        assert popup.locator("a").count() == 0
        assert page.evaluate("() => window.__xss") is None


def test_shared_url_restores_the_view(server):
    with chromium_page() as page:
        page.goto(server + "/?actor=IRGC&role=acted&lat=35.33000&lon=40.14000&zoom=11&basemap=dark")
        frame = wait_for_count(page, 8)
        settle(frame, "() => { const m = window.incidentLayer.map, c = m.getCenter();"
                      " return Math.abs(c.lat - 35.33) < 0.01 && Math.abs(c.lng - 40.14) < 0.01 && m.getZoom() === 11; }")
        view = frame.evaluate("() => { const m = window.incidentLayer.map; const c = m.getCenter();"
                              " return [c.lat, c.lng, m.getZoom()]; }")
        assert abs(view[0] - 35.33) < 0.01 and abs(view[1] - 40.14) < 0.01 and view[2] == 11
        dark_on = frame.evaluate("() => Object.values(window.incidentLayer.map._layers)"
                                 ".some(l => l._url && l._url.includes('dark_all'))")
        assert dark_on
        assert page.locator("[data-testid=stMultiSelect]", has_text="Actors").inner_text().count("IRGC") >= 1


def test_read_only_app_offers_no_editing(server):
    with chromium_page() as page:
        page.goto(server)
        wait_for_count(page, SHOWN)
        page.get_by_role("tab", name="Export").wait_for()
        tabs = [text.strip() for text in page.get_by_role("tab").all_inner_texts()]
        assert tabs == ["Incidents", "Export"]
        body = page.locator("body").inner_text()
        assert "Sign in" not in body and "Curator secret" not in body and "Save" not in body


def _choose(page, label: str, value: str) -> None:
    """Pick a value in a Streamlit selectbox by typing it, as a user would."""
    box = page.locator("[data-testid=stSelectbox]", has_text=label).first
    box.click()
    page.keyboard.type(value)
    page.keyboard.press("Enter")


def test_curator_adds_an_incident_by_clicking_the_map(tmp_path):
    require_browser()
    import difflib

    record = tmp_path / "incidents.yaml"
    shutil.copy(SEED_RECORD, record)
    before = record.read_text("utf-8")
    env = {"GEO_CACHE_DIR": str(tmp_path / "cache"), "INCIDENT_CURATOR_SECRET": "s3cret-for-tests"}
    with streamlit_server(record, env=env) as url, chromium_page() as page:
        page.goto(url)
        read_only_map = wait_for_count(page, SHOWN - 1).frame_element()
        page.get_by_label("Your name").fill("Curator Browser")
        page.get_by_label("Curator secret").fill("s3cret-for-tests")
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_function("() => document.body.innerText.includes('Signed in as')")
        page.get_by_role("tab", name="Edit").wait_for()
        # Signed in, the map gets a new key so that it returns clicks: Streamlit drops the read-only map's
        # frame and mounts another.
        page.wait_for_function("iframe => !iframe.isConnected", arg=read_only_map, timeout=30000)
        frame = wait_for_count(page, SHOWN - 1)
        wait_for_app_idle(page)
        # An empty spot of desert south of al-Mayadin, in the map's own coordinates.
        frame.evaluate("() => window.incidentLayer.map.setView([34.80, 40.60], 11, {animate: false})")
        wait_for_map_still(frame)
        point = frame.evaluate("() => { const m = window.incidentLayer.map; const p = m.latLngToContainerPoint([34.80, 40.60]);"
                               " const r = m.getContainer().getBoundingClientRect(); return [p.x + r.left, p.y + r.top]; }")
        box = frame.frame_element().bounding_box()
        page.mouse.click(box["x"] + point[0], box["y"] + point[1])
        # The click reaches the script (a rerun), which notes it in the Edit tab, drawn while still hidden.
        page.wait_for_function("() => document.body.textContent.includes('Map click: 34.8')", timeout=30000)
        wait_for_app_idle(page)
        page.screenshot(path=str(ARTIFACTS / "curator-click.png"), full_page=True)
        page.get_by_role("tab", name="Edit").click()
        page.wait_for_function("() => document.body.innerText.includes('Map click: 34.8')", timeout=20000)
        page.get_by_role("button", name="New incident at the clicked point").click()
        page.wait_for_selector("text=New incident", timeout=20000)
        _choose(page, "Event type", "Battles")
        _choose(page, "Sub-event type", "Armed clash")
        _choose(page, "Actor 1 (acted)", "SDF")
        page.get_by_label("Place (as the source names it)").fill("بادية الميادين")
        page.get_by_label("Description").fill("Clash in the desert south of al-Mayadin.")
        page.get_by_label("Publisher").first.fill("Browser Test")
        page.get_by_role("button", name="Save").click()
        page.wait_for_function("() => document.body.innerText.includes('Saved')", timeout=30000)
        page.screenshot(path=str(ARTIFACTS / "curator-saved.png"))
    after = record.read_text("utf-8")
    diff = list(difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=0))
    removed = [line for line in diff if line.startswith("-") and not line.startswith("---")]
    added = [line[1:] for line in diff if line.startswith("+") and not line.startswith("+++")]
    assert removed == []
    assert sum(line.startswith("- id:") for line in added) == 1
    text = "\n".join(added)
    import re

    lat = float(re.search(r"^  lat: ([\d.]+)$", text, re.M).group(1))
    lon = float(re.search(r"^  lon: ([\d.]+)$", text, re.M).group(1))
    assert abs(lat - 34.80) < 0.01 and abs(lon - 40.60) < 0.01, (lat, lon)
    assert "name: SDF" in text and "بادية الميادين" in text
    assert "last_edited_by: Curator Browser" in text


def test_selected_incident_is_centred_with_its_popup_open(tmp_path):
    require_browser()
    import geo
    from geo.mapping import MapView, build_map, map_html

    frame = geo.load_incidents(SEED_RECORD)
    page_path = tmp_path / "map.html"
    chosen = "dez-2022-08-25-012"
    page_path.write_text(map_html(build_map(frame, MapView(selected_id=chosen, sync_url=False))), "utf-8")
    with chromium_page() as page:
        page.goto(page_path.as_uri())
        page.wait_for_selector(f".incident-popup[data-id='{chosen}']", timeout=15000)
        # A real timing requirement, not a wait for an event: while the host sizes the frame the map re-applies
        # its initial view on each resize, for a hold that starts before the popup can open; once that hold is
        # over, the selection must still stand. The hold's length is the map's own; 500 ms more for late timers.
        page.wait_for_timeout(first_resize_hold_ms() + 500)
        assert page.locator(f".incident-popup[data-id='{chosen}']").count() == 1
        centre = page.evaluate("() => { const c = window.incidentLayer.map.getCenter(); return [c.lat, c.lng]; }")
        row = frame.set_index("id").loc[chosen]
        assert abs(centre[0] - row["lat"]) < 0.05 and abs(centre[1] - row["lon"]) < 0.05


def test_large_selection_draws_without_errors(tmp_path):
    require_browser()
    from bench.synthetic import generate
    from geo.frame import records_to_frame
    from geo.mapping import MapView, build_map, map_html
    from geo.validation import validate_incidents

    records, _ = validate_incidents(generate(30_000), "synthetic")
    page_path = tmp_path / "big.html"
    page_path.write_text(map_html(build_map(records_to_frame(records), MapView(sync_url=False))), "utf-8")
    with chromium_page() as page:
        page.goto(page_path.as_uri())
        page.wait_for_function("() => window.incidentLayer && window.incidentLayer.visibleCount === 30000",
                               timeout=60000)
        # Clustering runs on in chunks after the first paint; the last chunk draws the clusters.
        page.wait_for_function("() => window.incidentLayer.cluster.getLayers().length === window.incidentLayer.visibleCount",
                               polling=100, timeout=60000)
        assert page.locator(".incident-cluster").count() > 0
        assert not page.js_errors, page.js_errors
