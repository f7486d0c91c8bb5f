"""Long commands draw one kind of progress bar, which --quiet (or --no-progress) turns off."""

from pathlib import Path

import pytest

from geo.cli import main

SAMPLE = Path(__file__).parent / "data" / "acled_sample.csv"


def _import(tmp_path: Path, *flags: str) -> list[str]:
    return ["import", "acled", str(SAMPLE), "-o", str(tmp_path / "out.yaml"), *flags]


def test_an_import_shows_its_progress_on_stderr(tmp_path, capsys):
    assert main(_import(tmp_path)) == 0
    err = capsys.readouterr().err
    assert "ACLED import: 100%" in err and "B/s" in err


@pytest.mark.parametrize("flag", ["--quiet", "--no-progress"])
def test_quiet_and_no_progress_are_one_switch(tmp_path, capsys, flag):
    assert main(_import(tmp_path, flag)) == 0
    assert "100%" not in capsys.readouterr().err
