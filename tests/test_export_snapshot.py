"""PNG and PDF snapshots: size, DPI, content, a tolerant golden image, PDF text, Arabic shaping."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from pypdf import PdfReader

from geo.export import export
from geo.export.options import ExportOptions
from geo.export.snapshot import draw_page, write_png
from geo.export.style import arabic_font, rc_params
from geo.filters import IncidentFilter
from geo.records import read_incidents
from tests.paths import SEED_RECORD

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = ROOT / "tests" / "data" / "golden" / "seed_slide.png"
MADE_AT = dt.datetime(2024, 1, 1, 12, 0, tzinfo=dt.UTC)
TITLE = "Coalition strikes and IRGC moves, Deir ez-Zor"


@pytest.fixture(scope="module")
def seed():
    frame, _ = read_incidents(SEED_RECORD, use_cache=False)
    return frame


def need_arabic_font() -> None:
    if arabic_font() is None:
        if os.environ.get("CI") == "true":
            pytest.fail("no Arabic font: .ci/run must install fonts-noto-core")
        pytest.skip("no font with Arabic glyphs; apt-get install fonts-noto-core")


def grey(path_or_image, size=(320, 180)) -> np.ndarray:
    image = path_or_image if isinstance(path_or_image, Image.Image) else Image.open(path_or_image)
    return np.asarray(image.convert("L").resize(size, Image.Resampling.BOX), dtype="float64")


@pytest.mark.parametrize(("layout", "dpi", "size"), [("slide", 150, (2000, 1125)), ("a4", 300, (3507, 2480))],
                         ids=["slide-150", "a4-300"])
def test_png_size_dpi_and_content(seed, tmp_path, layout, dpi, size):
    path = export(seed, "png", tmp_path / "map.png", title=TITLE, layout=layout, dpi=dpi, basemap="offline")
    image = Image.open(path)
    assert image.size == size
    assert image.info["dpi"] == pytest.approx((dpi, dpi), abs=0.1)
    pixels = np.asarray(image.convert("RGB"))
    assert pixels.std() > 20  # not blank
    # The side colours of the seed are on the map: coalition blue and militia red.
    for colour in ((0x1F, 0x6F, 0xD1), (0xD6, 0x27, 0x28)):
        near = np.abs(pixels.astype(int) - colour).sum(axis=2) < 30
        assert near.sum() > 50, f"colour {colour} missing from the map"


def test_png_matches_golden_within_tolerance(seed, tmp_path):
    options = ExportOptions(title=TITLE, subtitle="24–25 August 2022", basemap="offline", dpi=72, made_at=MADE_AT)
    out = tmp_path / "seed.png"
    write_png(seed, out, options)
    if os.environ.get("GEO_UPDATE_GOLDEN") == "1" or not GOLDEN.exists():
        GOLDEN.parent.mkdir(parents=True, exist_ok=True)
        GOLDEN.write_bytes(out.read_bytes())
        if os.environ.get("GEO_UPDATE_GOLDEN") != "1":
            pytest.fail(f"golden image was missing; wrote {GOLDEN} — check it by eye and commit it")
    golden = grey(GOLDEN)
    difference = np.abs(grey(out) - golden).mean()
    # Fonts and antialiasing move a few pixels (well under 3 grey levels on average);
    # a blank page, a missing basemap or markers elsewhere move far more (checked below).
    assert difference < 3.0, f"snapshot differs from {GOLDEN.name} by {difference:.2f} grey levels on average"


def test_golden_tolerance_catches_wrong_maps(seed, tmp_path):
    golden = grey(GOLDEN) if GOLDEN.exists() else pytest.skip("no golden image yet")
    blank = np.full_like(golden, 255.0)
    assert np.abs(blank - golden).mean() > 3.0
    options = ExportOptions(title=TITLE, subtitle="24–25 August 2022", basemap="offline", dpi=72, made_at=MADE_AT)
    swapped = seed.copy()
    swapped["lat"], swapped["lon"] = seed["lon"] - 5.3, seed["lat"] + 5.3  # a lat/lon swap, shifted into view
    write_png(swapped, tmp_path / "wrong.png", options)
    assert np.abs(grey(tmp_path / "wrong.png") - golden).mean() > 3.0


@pytest.mark.parametrize(("layout", "points"), [("slide", (960, 540)), ("a4", (841.9, 595.3))], ids=["slide", "a4"])
def test_pdf_page_size_and_text(seed, tmp_path, layout, points):
    flt = IncidentFilter(date_from=dt.date(2022, 8, 25), date_to=dt.date(2022, 8, 25), actors=("IRGC",))
    path = export(seed, "pdf", tmp_path / "map.pdf", title=TITLE, subtitle="IRGC relocation", flt=flt,
                  layout=layout, basemap="offline")
    reader = PdfReader(path)
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert (float(box.width), float(box.height)) == pytest.approx(points, abs=1)
    text = reader.pages[0].extract_text()
    for expected in (TITLE, "IRGC relocation", "2022-08-25", "actors: IRGC", "8 incidents shown", "Sources: SY24"):
        assert expected in text, f"{expected!r} not in the PDF text"
    assert reader.metadata.title == TITLE


def test_empty_selection_is_a_captioned_map(seed, tmp_path):
    flt = IncidentFilter(sides=("Russia",))
    png = export(seed, "png", tmp_path / "empty.png", flt=flt, basemap="offline")
    assert np.asarray(Image.open(png).convert("L")).std() > 20  # the basemap is there
    text = PdfReader(export(seed, "pdf", tmp_path / "empty.pdf", flt=flt, basemap="offline")).pages[0].extract_text()
    assert "No incidents match" in text and "sides: Russia" in text


def test_coarsening_is_stated_on_the_map(seed, tmp_path):
    text = PdfReader(export(seed, "pdf", tmp_path / "c.pdf", coarsen_km=10, basemap="offline")).pages[0].extract_text()
    assert "coarsened to a 10 km grid" in text


def test_dollar_signs_and_percent_are_text_not_maths(seed, tmp_path):
    path = export(seed, "pdf", tmp_path / "m.pdf", title="Costs $5 and $10 at 50%", basemap="offline")
    assert "Costs $5 and $10 at 50%" in PdfReader(path).pages[0].extract_text()


@pytest.mark.parametrize("fmt", ["png", "pdf"])
def test_progress_is_reported_and_never_goes_back(seed, tmp_path, fmt):
    calls = []
    export(seed, fmt, tmp_path / f"p.{fmt}", basemap="offline", progress=lambda done, total: calls.append((done, total)))
    done = [step for step, _ in calls]
    assert calls[0][0] == 0 and calls[-1][0] == calls[-1][1]
    assert done == sorted(done), f"progress went backwards: {calls}"
    assert len({total for _, total in calls}) == 1


def test_screenshot_reports_start_and_finish(seed, tmp_path):
    from tests.browser import require_browser

    require_browser()  # the real headless Chromium, as the export runs it
    calls = []
    path = export(seed, "screenshot", tmp_path / "shot.png", basemap="offline",
                  progress=lambda done, total: calls.append((done, total)))
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    done = [step for step, _ in calls]
    assert calls and calls[0][0] == 0 and calls[-1][0] == calls[-1][1] > 0
    assert done == sorted(done)


# Arabic: matplotlib shapes and orders Arabic itself. These tests fail when
# shaping breaks (letters in isolated forms) or when text is reordered twice
# (as when arabic-reshaper + python-bidi are applied on top).


def ink(text: str) -> np.ndarray:
    """Dark pixels of `text` rendered alone with the snapshot's font settings."""
    import matplotlib.pyplot as plt
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    with plt.rc_context(rc_params()):
        figure = Figure(figsize=(3, 1), dpi=100)
        FigureCanvasAgg(figure)
        figure.text(0.5, 0.5, text, fontsize=40, ha="center", va="center")
        figure.canvas.draw()
        return np.asarray(figure.canvas.buffer_rgba())[..., 0] < 128


def ink_runs(pixels: np.ndarray) -> int:
    """Separate horizontal stretches of ink: one for a joined word, one per letter when unjoined."""
    columns = pixels.any(axis=0).astype(int)
    return int((np.diff(columns) == 1).sum() + columns[0])


def tallest_stroke_position(pixels: np.ndarray) -> float:
    """Where the tallest ink column sits, 0 = left edge of the text, 1 = right edge."""
    columns = np.flatnonzero(pixels.any(axis=0))
    return (np.argmax(pixels.sum(axis=0)) - columns.min()) / (columns.max() - columns.min())


def test_arabic_letters_join():
    need_arabic_font()
    assert ink_runs(ink("سلم")) == 1  # sīn, lām, mīm join into one stroke
    # Control: the same letters kept apart by zero-width non-joiners are three shapes,
    # which is what unshaped text looks like; the measure tells the two apart.
    assert ink_runs(ink("س\u200cل\u200cم")) == 3


def test_arabic_reads_right_to_left():
    need_arabic_font()
    assert tallest_stroke_position(ink("اب")) > 0.7  # alef, the first letter, is on the right
    assert tallest_stroke_position(ink("با")) < 0.3


def test_place_labels_pass_arabic_through_unchanged(seed):
    need_arabic_font()
    page = draw_page(seed, ExportOptions(basemap="offline", dpi=72))
    labels = [text.get_text() for text in page.ax.texts]
    assert "Deir ez-Zor  دير الزور" in labels


def test_fetched_tiles_are_kept_in_the_project_cache(monkeypatch, tmp_path):
    from geo.export.basemap import tile_cache_dir

    monkeypatch.chdir(tmp_path)  # not relative to where the process happens to run
    monkeypatch.delenv("GEO_CACHE_DIR", raising=False)
    assert tile_cache_dir() == Path(__file__).resolve().parents[1] / ".geo-cache" / "tiles"
    monkeypatch.setenv("GEO_CACHE_DIR", str(tmp_path / "cache"))
    assert tile_cache_dir() == tmp_path / "cache" / "tiles"
