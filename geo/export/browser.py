"""A browser-exact snapshot: the HTML export photographed by headless Chromium.

What the briefer saw on the dashboard, pixel for pixel (the same Leaflet map,
markers, clusters and caption), when a Chromium is installed; the matplotlib
PNG stays the export that works everywhere.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import geopandas as gpd

from geo.errors import ExportError
from geo.export.html import build_html
from geo.export.options import ExportOptions, ProgressReporter

SIZES = {"slide": (1920, 1080), "a4": (1754, 1240)}
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--virtual-time-budget=8000"]


def find_chromium() -> str | None:
    """$CHROMIUM, else the first Chromium or Chrome on the PATH."""
    configured = os.environ.get("CHROMIUM")
    if configured and Path(configured).exists():
        return configured
    for name in ("chromium", "chromium-browser", "google-chrome", "chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


def write_screenshot(frame: gpd.GeoDataFrame, path: Path, options: ExportOptions) -> None:
    """Render the interactive HTML export in headless Chromium and save the page as PNG."""
    browser = find_chromium()
    if browser is None:
        raise ExportError("the browser-exact snapshot needs Chromium (apt-get install chromium, or set CHROMIUM);"
                          " use --format png for the snapshot that needs no browser")
    width, height = SIZES.get(options.layout, SIZES["slide"])
    # One step: Chromium draws and saves in one call that says nothing until it ends.
    report = ProgressReporter(options.progress, 1)
    with tempfile.TemporaryDirectory(prefix="geo-shot-") as folder:
        page = Path(folder) / "map.html"
        page.write_text(build_html(frame, options), encoding="utf-8")
        shot = Path(folder) / "shot.png"  # Chromium picks the image type from the name
        command = [browser, *CHROMIUM_FLAGS, f"--user-data-dir={folder}/profile", f"--window-size={width},{height}",
                   f"--screenshot={shot}", page.as_uri()]
        try:
            done = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
        except subprocess.TimeoutExpired as err:
            raise ExportError("Chromium took over two minutes to draw the map — try fewer incidents") from err
        if not shot.exists() or shot.stat().st_size == 0:
            detail = (done.stderr or "").strip().splitlines()[-1:] or ["no output"]
            raise ExportError(f"Chromium did not write the snapshot ({detail[0]}) — check that {browser} runs headless")
        shutil.move(shot, path)
    report.finish()
