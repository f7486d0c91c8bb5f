"""Helpers for the real-browser suite: a Streamlit server and headless Chromium."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
ARTIFACTS = REPO / "artifacts"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--no-first-run", "--disable-sync", "--disable-dev-shm-usage"]


def require_browser() -> None:
    """Skip locally without Chromium; in CI a missing browser is a failure."""
    if CHROMIUM.exists():
        return
    reason = f"no Chromium at {CHROMIUM} (apt-get install chromium)"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"CI needs a browser: {reason}", pytrace=False)
    pytest.skip(reason)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def streamlit_server(record: Path, env: dict[str, str] | None = None):
    """`streamlit run dashboard/app.py` on a free local port; yields its base URL."""
    port = free_port()
    log = open(record.parent / f"streamlit-{port}.log", "w")
    process = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(REPO / "dashboard" / "app.py"), "--server.headless", "true",
         "--server.port", str(port), "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false",
         "--server.fileWatcherType", "none", "--", "--file", str(record)],
        cwd=REPO, stdout=log, stderr=subprocess.STDOUT, env={**os.environ, **(env or {})},
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                time.sleep(0.3)
        else:
            raise RuntimeError(f"streamlit did not start: {(record.parent / f'streamlit-{port}.log').read_text()}")
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


@contextmanager
def chromium_page(width: int = 1400, height: int = 1000):
    """A fresh page in headless Chromium with no network beyond localhost."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": width, "height": height})
        # No internet: tiles and any stray CDN request fail fast instead of hanging.
        context.route("**/*", lambda route: route.continue_() if route.request.url.startswith(
            ("http://127.0.0.1", "http://localhost", "data:", "blob:", "about:", "file:")) else route.abort())
        page = context.new_page()
        page.js_errors = []
        page.on("pageerror", lambda error: page.js_errors.append(str(error)))
        try:
            yield page
        finally:
            browser.close()


# Every document on the page, the iframes' too (Streamlit's component frames share its origin), and
# the incident counts the maps in them show.
_SHOWN_COUNTS = """() => {
  const docs = [document];
  for (let i = 0; i < docs.length; i++) {
    for (const iframe of docs[i].querySelectorAll('iframe')) {
      try { if (iframe.contentDocument) docs.push(iframe.contentDocument); } catch (e) { /* another origin */ }
    }
  }
  return docs.map(d => d.querySelector('[data-incident-count]')).filter(Boolean)
    .map(node => node.getAttribute('data-incident-count'));
}"""


def _frame_showing(page, expected: str | None, timeout_ms: int):
    """The frame whose map shows ``expected`` incidents (any number if None), or None at the deadline."""
    from playwright.sync_api import Error
    from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

    test = f"const shown = ({_SHOWN_COUNTS})(); return expected === null ? shown.length > 0 : shown.includes(expected);"
    selector = "[data-incident-count]" if expected is None else f"[data-incident-count='{expected}']"
    deadline = time.monotonic() + timeout_ms / 1000
    while (left_ms := (deadline - time.monotonic()) * 1000) > 0:
        try:
            page.wait_for_function(f"expected => {{ {test} }}", arg=expected, timeout=left_ms)
        except PlaywrightTimeoutError:
            return None
        except Error:  # the page's context replaced under the wait (a navigation): wait again
            continue
        for frame in page.frames:
            try:
                if frame.locator(selector).count():
                    return frame
            except Error:  # the frame went away between the page's answer and this look: wait again
                continue
    return None


def map_frame(page, timeout_ms: int = 30000):
    """The frame holding the Leaflet map, once the incident layer has drawn."""
    frame = _frame_showing(page, None, timeout_ms)
    if frame is None:
        raise AssertionError("the map never rendered its incidents")
    return frame


def wait_for_count(page, expected: int, timeout_ms: int = 30000):
    """Wait until the map shows `expected` incidents; returns the frame."""
    frame = _frame_showing(page, str(expected), timeout_ms)
    if frame is None:
        shown = page.evaluate(_SHOWN_COUNTS)
        raise AssertionError(f"the map shows {', '.join(shown) if shown else 'no'} incidents, expected {expected}")
    return frame


def settle(target, predicate: str, arg=None, timeout_ms: int = 30000) -> bool:
    """Wait until the JS ``predicate`` holds in ``target`` (a page or a frame), as Playwright's ``expect``
    retries: False at the deadline, so the caller's own assertion then says what the page shows instead."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

    try:
        target.wait_for_function(predicate, arg=arg, timeout=timeout_ms)
    except PlaywrightTimeoutError:
        return False
    return True


# Streamlit marks its root with the state of the script run: "running" while a rerun is under way.
_APP_IDLE = "() => document.querySelector('[data-testid=stApp]')?.getAttribute('data-test-script-state') === 'notRunning'"


def wait_for_app_idle(page, timeout_ms: int = 30000) -> None:
    """Wait until no Streamlit script run is in progress (the "Running..." status widget is gone)."""
    page.wait_for_function(_APP_IDLE, timeout=timeout_ms)


def wait_for_page_drawn(page, timeout_ms: int = 30000) -> None:
    """Wait until the run has finished and every element has drawn: no loading skeleton left,
    each chart and table holding its canvas."""
    page.wait_for_function(
        "() => (" + _APP_IDLE + ")() && !document.querySelector('[data-testid=stSkeleton]')"
        " && [...document.querySelectorAll('[data-testid=stVegaLiteChart]')].every(c => c.querySelector('canvas, svg'))"
        " && [...document.querySelectorAll('[data-testid=stDataFrame]')].every(t => t.querySelector('canvas'))",
        timeout=timeout_ms,
    )


def wait_for_map_still(frame, timeout_ms: int = 10000) -> None:
    """Wait until Leaflet.markercluster has finished animating a zoom (it marks the map pane with
    ``leaflet-cluster-anim`` until the old clusters, fading out but still clickable, are removed)."""
    frame.wait_for_function("() => !window.incidentLayer.map.getPane('mapPane').classList.contains('leaflet-cluster-anim')",
                            timeout=timeout_ms)


def headline(page, label: str) -> str:
    """The value of a headline metric on the page."""
    metric = page.locator("[data-testid=stMetric]", has_text=label).first
    return metric.locator("[data-testid=stMetricValue]").inner_text().strip()


def open_popup(page, frame, incident_id: str) -> None:
    """Zoom to an incident and click its marker like a user would."""
    frame.evaluate("id => { const l = window.incidentLayer; const i = l.data.ids.indexOf(id);"
                   " l.map.setView([l.data.p.lat[i], l.data.p.lon[i]], 15, {animate: false}); }", incident_id)
    # Clicked while the clusters still animate, the point could land on a fading cluster, not the marker.
    frame.wait_for_function("id => { const l = window.incidentLayer; return l.map.hasLayer(l.markers[l.data.ids.indexOf(id)]); }",
                            arg=incident_id, timeout=10000)
    wait_for_map_still(frame)
    point = frame.evaluate("id => { const l = window.incidentLayer; const i = l.data.ids.indexOf(id);"
                           " const p = l.map.latLngToContainerPoint([l.data.p.lat[i], l.data.p.lon[i]]);"
                           " const r = l.map.getContainer().getBoundingClientRect(); return [p.x + r.left, p.y + r.top]; }",
                           incident_id)
    box = frame.frame_element().bounding_box() if frame != page.main_frame else {"x": 0, "y": 0}
    page.mouse.click(box["x"] + point[0], box["y"] + point[1])
    frame.wait_for_selector(f".incident-popup[data-id='{incident_id}']", timeout=10000)


@contextmanager
def dashboard_popup(url: str, incident_id: str, count: int):
    """(page, map frame, popup) of one incident on the dashboard at ``url``, once the map shows ``count``."""
    with chromium_page() as page:
        page.goto(url)
        frame = wait_for_count(page, count)
        open_popup(page, frame, incident_id)
        yield page, frame, frame.locator(".incident-popup")
