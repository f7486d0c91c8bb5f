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


def map_frame(page, timeout_ms: int = 30000):
    """The frame holding the Leaflet map, once the incident layer has drawn."""
    deadline = time.time() + timeout_ms / 1000
    while time.time() < deadline:
        for frame in page.frames:
            try:
                if frame.locator("[data-incident-count]").count():
                    return frame
            except Exception:  # noqa: BLE001 - frames come and go while Streamlit rerenders
                continue
        page.wait_for_timeout(250)
    raise AssertionError("the map never rendered its incidents")


def wait_for_count(page, expected: int, timeout_ms: int = 30000):
    """Wait until the map shows `expected` incidents; returns the frame."""
    deadline = time.time() + timeout_ms / 1000
    last = None
    while time.time() < deadline:
        for frame in page.frames:
            try:
                node = frame.locator("[data-incident-count]")
                if node.count():
                    last = node.first.get_attribute("data-incident-count")
                    if last == str(expected):
                        return frame
            except Exception:  # noqa: BLE001
                continue
        page.wait_for_timeout(250)
    raise AssertionError(f"the map shows {last} incidents, expected {expected}")


def headline(page, label: str) -> str:
    """The value of a headline metric on the page."""
    metric = page.locator("[data-testid=stMetric]", has_text=label).first
    return metric.locator("[data-testid=stMetricValue]").inner_text().strip()


def open_popup(page, frame, incident_id: str) -> None:
    """Zoom to an incident and click its marker like a user would."""
    frame.evaluate("id => { const l = window.incidentLayer; const i = l.data.ids.indexOf(id);"
                   " l.map.setView([l.data.p.lat[i], l.data.p.lon[i]], 15, {animate: false}); }", incident_id)
    page.wait_for_timeout(800)
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
