"""The animated GIF of the timeline."""

from __future__ import annotations

import datetime as dt

import imageio.v3 as iio
import numpy as np
import pytest

from geo.errors import ExportError
from geo.export import export
from geo.export.animation import MAX_FRAMES, frame_starts
from geo.filters import IncidentFilter
from geo.records import read_incidents
from tests.paths import SEED_RECORD

AUGUST = IncidentFilter(date_from=dt.date(2022, 8, 22), date_to=dt.date(2022, 8, 27))


@pytest.fixture(scope="module")
def seed():
    frame, _ = read_incidents(SEED_RECORD, use_cache=False)
    return frame


def test_gif_has_a_frame_per_day_with_the_date(seed, tmp_path):
    calls = []
    path = export(seed, "gif", tmp_path / "t.gif", flt=AUGUST, step="day", basemap="offline",
                  progress=lambda done, total: calls.append((done, total)))
    frames = iio.imread(path, index=None)
    assert frames.shape[0] >= 5  # six days; Pillow merges identical neighbours (the empty last days)
    assert frames.shape[1:] == (600, 1066, 3)
    assert calls[-1] == (6, 6)
    # The date box at the map's top-left changes from frame to frame.
    corner = frames[:, 120:160, 30:170].astype(int)
    assert np.abs(corner[0] - corner[1]).sum() > 0
    # Incidents appear on the 24th and 25th (frames 2, 3) and not on the 22nd (frame 0).
    red = (np.abs(frames.astype(int) - (0xD6, 0x27, 0x28)).sum(axis=3) < 60).sum(axis=(1, 2))
    assert red[2] > red[0] + 20 and red[3] > red[0] + 20


def test_cumulative_window_keeps_earlier_incidents(seed, tmp_path):
    moving = iio.imread(export(seed, "gif", tmp_path / "m.gif", flt=AUGUST, step="day", basemap="offline"), index=None)
    cumulative = iio.imread(export(seed, "gif", tmp_path / "c.gif", flt=AUGUST, step="day", window="cumulative",
                                   basemap="offline"), index=None)
    blue = (0x1F, 0x6F, 0xD1)

    def count(frame):
        return (np.abs(frame.astype(int) - blue).sum(axis=2) < 60).sum()

    assert count(cumulative[-1]) > count(moving[-1]) + 20


def test_empty_selection_still_animates(seed, tmp_path):
    path = export(seed, "gif", tmp_path / "e.gif", flt=AUGUST.with_changes(sides=("Russia",)), basemap="offline")
    assert iio.imread(path, index=None).shape[0] >= 1


def test_frame_starts_by_step():
    assert frame_starts(dt.date(2022, 8, 1), dt.date(2022, 8, 3), "day") == [dt.date(2022, 8, d) for d in (1, 2, 3)]
    assert frame_starts(dt.date(2022, 8, 1), dt.date(2022, 8, 20), "week") == [dt.date(2022, 8, d) for d in (1, 8, 15)]
    assert frame_starts(dt.date(2022, 1, 15), dt.date(2022, 3, 2), "month") == [
        dt.date(2022, 1, 1), dt.date(2022, 2, 1), dt.date(2022, 3, 1)]
    assert len(frame_starts(dt.date(2016, 1, 1), dt.date(2025, 12, 31), "auto")) <= MAX_FRAMES


@pytest.mark.parametrize(("kwargs", "match"), [
    ({"step": "hour"}, "step was 'hour'"),
    ({"window": "sliding"}, "window was 'sliding'"),
    ({"step": "day", "flt": IncidentFilter(date_from=dt.date(2016, 1, 1), date_to=dt.date(2022, 8, 30))},
     "choose a coarser step"),
], ids=["step", "window", "too-many-frames"])
def test_bad_animation_requests(seed, tmp_path, kwargs, match):
    with pytest.raises(ExportError, match=match):
        export(seed, "gif", tmp_path / "x.gif", basemap="offline", **kwargs)


def test_mp4_plays_the_same_timeline(seed, tmp_path):
    import imageio_ffmpeg

    path = export(seed, "mp4", tmp_path / "t.mp4", flt=AUGUST, step="day", basemap="offline")
    assert path.read_bytes()[4:8] == b"ftyp"
    reader = imageio_ffmpeg.read_frames(str(path))
    meta = next(reader)
    frames = [np.frombuffer(chunk, dtype=np.uint8).reshape(meta["size"][1], meta["size"][0], 3) for chunk in reader]
    assert len(frames) == 6 + 2  # six days, the last held three times
    assert meta["size"][0] % 2 == 0 and meta["size"][1] % 2 == 0
    red = [(np.abs(frame.astype(int) - (0xD6, 0x27, 0x28)).sum(axis=2) < 80).sum() for frame in frames]
    assert red[2] > red[0] + 20 and red[3] > red[0] + 20
