"""The timeline animated, as a GIF or an MP4: the map frame by frame over the period, with the date shown.

The page (basemap, legend, header, footer) is drawn once and kept as a pixel
background; each frame only restores it and draws that frame's incidents and
date on top (matplotlib blitting), which is what keeps hundreds of frames fast.
`write_gif` writes the GIF with imageio; `write_mp4` the same frames as an
H.264 MP4, encoded by the ffmpeg binary that the imageio-ffmpeg package (a
project dependency, requirements.txt) ships.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
from PIL import Image

from geo.errors import ExportError
from geo.export.caption import NO_MATCH
from geo.export.options import STEPS, ExportOptions, ProgressReporter
from geo.export.snapshot import MAP_BOX, SIDEBAR_X, draw_incidents, draw_page

MAX_FRAMES = 240
GIF_MAX_DPI = 80  # a 16:9 GIF of 1067×600 px; more makes files too large to mail
FRAME_MS = 600
HOLD_FRAMES = 3  # the last frame stays up a little longer before the loop restarts


def frame_starts(start: dt.date, end: dt.date, step: str) -> list[dt.date]:
    """First day of every frame from start to end for a step of day, week or month ("auto" picks one).

    Raises
    ------
    ExportError
        When the period would need more than `MAX_FRAMES` frames at that step.
    """
    if step not in STEPS:
        raise ExportError(f"step was {step!r} but is expected to be one of {STEPS}")
    days = (end - start).days + 1
    if step == "auto":
        step = "day" if days <= 60 else "week" if days <= 7 * MAX_FRAMES // 2 else "month"
    if step == "month":
        starts = list(pd.date_range(start.replace(day=1), end, freq="MS").date)
    else:
        starts = list(pd.date_range(start, end, freq="D" if step == "day" else "7D").date)
    if len(starts) > MAX_FRAMES:
        raise ExportError(f"{start} to {end} is {len(starts)} frames by {step}; at most {MAX_FRAMES} make a "
                          "usable GIF — choose a coarser step (week or month) or a shorter period")
    return starts


def _next(start: dt.date, step: str) -> dt.date:
    if step == "month":
        return (pd.Timestamp(start) + pd.offsets.MonthBegin(1)).date()
    return start + dt.timedelta(days=1 if step == "day" else 7)


def _step_of(starts: list[dt.date]) -> str:
    if len(starts) < 2:
        return "day"
    gap = (starts[1] - starts[0]).days
    return "day" if gap == 1 else "week" if gap == 7 else "month"


def _label(start: dt.date, step: str) -> str:
    if step == "day":
        return start.isoformat()
    if step == "week":
        return f"week of {start.isoformat()}"
    return start.strftime("%B %Y")


def _period(frame: gpd.GeoDataFrame, options: ExportOptions) -> tuple[dt.date, dt.date] | None:
    start, end = options.flt.date_from, options.flt.date_to
    if len(frame):
        start = start or frame["date"].min().date()
        end = end or frame["date_end"].fillna(frame["date"]).max().date()
    if start is None or end is None:
        return None
    return start, end


def write_gif(frame: gpd.GeoDataFrame, path: Path, options: ExportOptions) -> None:
    """Write the timeline playback as a looping GIF.

    Parameters
    ----------
    frame : geopandas.GeoDataFrame
        Filtered incidents; the animation covers the filter's dates, else theirs.
    path : Path
        Where to write.
    options : ExportOptions
        ``step`` (day, week, month or auto) and ``window`` (moving: that step's
        incidents; cumulative: everything so far) choose the playback.
    """
    import imageio.v3 as iio

    playback = _playback(frame, options)
    palette = next(playback)
    with iio.imopen(path, "w", extension=".gif") as gif:
        for pixels, repeat in playback:
            indexed = np.asarray(Image.fromarray(pixels).quantize(palette=palette, dither=Image.Dither.NONE))
            for _ in range(repeat):
                gif.write(indexed, mode="P", palette=bytes(palette.getpalette()), duration=FRAME_MS, loop=0)


def write_mp4(frame: gpd.GeoDataFrame, path: Path, options: ExportOptions) -> None:
    """Write the timeline playback as an H.264 MP4 (slides play it; no 256-colour limit).

    The encoder is the ffmpeg binary that the imageio-ffmpeg package ships.
    """
    import imageio_ffmpeg

    playback = _playback(frame, options)
    next(playback)  # the GIF palette is not needed
    writer = None
    for pixels, repeat in playback:
        # yuv420p needs even sides: crop the odd last row or column.
        pixels = np.ascontiguousarray(pixels[: pixels.shape[0] // 2 * 2, : pixels.shape[1] // 2 * 2, :3])
        if writer is None:
            writer = imageio_ffmpeg.write_frames(str(path), (pixels.shape[1], pixels.shape[0]), fps=1000 / FRAME_MS,
                                                 codec="libx264", pix_fmt_out="yuv420p", macro_block_size=1,
                                                 output_params=["-movflags", "+faststart"])
            writer.send(None)
        for _ in range(repeat):
            writer.send(pixels)
    if writer is not None:
        writer.close()


def _playback(frame: gpd.GeoDataFrame, options: ExportOptions):
    """Yield the shared palette, then (RGB pixels, times to show) per step, reporting progress."""
    period = _period(frame, options)
    starts = frame_starts(*period, options.step) if period else []
    step = _step_of(starts)
    report = ProgressReporter(options.progress, max(len(starts), 1))
    page = draw_page(frame, options, dpi=min(options.dpi, GIF_MAX_DPI), count_label=False)
    canvas = page.figure.canvas
    canvas.draw()
    background = canvas.copy_from_bbox(page.figure.bbox)
    yield _shared_palette(page, background, frame, options)
    first = frame["date"].to_numpy()
    last = frame["date_end"].fillna(frame["date"]).to_numpy()
    for done, start in enumerate(starts or [None], start=1):
        if start is None:
            shown, label = frame.iloc[:0], "no dates"
        else:
            until = np.datetime64(_next(start, step))
            chosen = first < until
            if options.window == "moving":
                chosen &= last >= np.datetime64(start)
            shown, label = frame[chosen], _label(start, step)
        yield _draw_frame(page, background, shown, label, options), HOLD_FRAMES if done == max(len(starts), 1) else 1
        report.update(done)
    report.finish()


def _shared_palette(page, background, frame: gpd.GeoDataFrame, options: ExportOptions) -> Image.Image:
    """One 256-colour palette for every frame, from the page with all incidents drawn.

    Quantizing each frame on its own costs ~0.1 s a frame and makes colours
    flicker; mapping onto a shared palette costs ~1 ms.
    """
    pixels = _draw_frame(page, background, frame, "0000-00-00", options)
    return Image.fromarray(pixels).quantize(colors=256, method=Image.Quantize.FASTOCTREE)


def _draw_frame(page, background, shown: gpd.GeoDataFrame, label: str, options: ExportOptions) -> np.ndarray:
    """Restore the drawn page and draw one frame's incidents, date and count on top."""
    figure, canvas = page.figure, page.figure.canvas
    canvas.restore_region(background)
    artists = draw_incidents(page, shown, options.coarsen_km)
    top = MAP_BOX[1] + MAP_BOX[3]
    count = f"{len(shown):,} incident{'s' if len(shown) != 1 else ''}" if len(shown) else NO_MATCH
    artists.append(figure.text(SIDEBAR_X, top, count, fontsize=16, fontweight="bold", va="top", color="#111111"))
    artists.append(page.ax.text(0.02, 0.97, label, transform=page.ax.transAxes, fontsize=18, fontweight="bold",
                                va="top", zorder=10,
                                bbox={"boxstyle": "round,pad=0.3", "fc": "white", "ec": "#444444", "alpha": 0.9}))
    for artist in artists:
        artist.set_animated(True)
        figure.draw_artist(artist)
    pixels = np.asarray(canvas.buffer_rgba())[..., :3].copy()
    for artist in artists:
        artist.remove()
    return pixels
