"""`python -m geo fmt`: canonical order and layout, comments kept, --check for CI."""

from __future__ import annotations

from pathlib import Path

import pytest

from geo.cli import main
from geo.records import parse_incidents
from geo.saving import backups_of
from tests.paths import LIVE_RECORD

SAMPLE = Path(__file__).parent / "data" / "curation" / "sample.yaml"

UNTIDY = """\
# The record. Keep this header.

- id: dez-2022-08-25-002
  status: weak
  date: 2022-08-25
  event_type: Explosions/Remote violence
  sub_event_type: Air/drone strike
  actor1:
    attribution: reported
    name: International Coalition
  place: محيط منطقة الهري   # as the source spells it
  lat: 34.4312
  lon: 40.9721
  geo_precision: village
  sources:
  - quote: نص
    publisher: SY24
  tags:
    - b
    - a
# --- earlier ---
- id: dez-2022-08-24-001
  date: 2022-08-24
  event_type: Explosions/Remote violence
  sub_event_type: Air/drone strike
  actor1: {name: International Coalition}
  place: x
  lat: 34.4
  lon: 40.9
  geo_precision: town
  sources: [{publisher: SY24}]
  status: weak
"""

TIDY = """\
# The record. Keep this header.

# --- earlier ---
- id: dez-2022-08-24-001
  date: 2022-08-24
  event_type: Explosions/Remote violence
  sub_event_type: Air/drone strike
  actor1: {name: International Coalition}
  place: x
  lat: 34.4
  lon: 40.9
  geo_precision: town
  sources:
    - publisher: SY24
  status: weak

- id: dez-2022-08-25-002
  date: 2022-08-25
  event_type: Explosions/Remote violence
  sub_event_type: Air/drone strike
  actor1: {name: International Coalition, attribution: reported}
  place: محيط منطقة الهري # as the source spells it
  lat: 34.4312
  lon: 40.9721
  geo_precision: village
  sources:
    - publisher: SY24
      quote: نص
  status: weak
  tags: [b, a]
"""


def _records(path: Path) -> list[dict]:
    records, problems = parse_incidents(path.read_bytes(), str(path))
    assert [p for p in problems if p.severity == "error"] == []
    return sorted(({k: v for k, v in r.items() if k != "line"} for r in records), key=lambda r: r["id"])


def test_check_reports_the_diff_and_changes_nothing(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    path = tmp_path / "incidents.yaml"
    path.write_text(UNTIDY, "utf-8")
    assert main(["fmt", str(path), "--check"]) == 1
    out, err = capsys.readouterr()
    assert "+  tags: [b, a]" in out and "-    - b" in out
    assert "not in canonical form — run `python -m geo fmt" in err
    assert path.read_text("utf-8") == UNTIDY


def test_fmt_rewrites_to_canonical_form_keeping_comments_and_meaning(tmp_path: Path) -> None:
    path = tmp_path / "incidents.yaml"
    path.write_text(UNTIDY, "utf-8")
    before = _records(path)
    assert main(["fmt", str(path)]) == 0
    assert path.read_text("utf-8") == TIDY
    assert _records(path) == before
    assert backups_of(path)[0].read_text("utf-8") == UNTIDY
    assert main(["fmt", str(path), "--check"]) == 0


def test_fmt_keeps_shared_quotes_and_section_comments(tmp_path: Path) -> None:
    path = tmp_path / "incidents.yaml"
    path.write_bytes(SAMPLE.read_bytes())
    before = _records(path)
    assert main(["fmt", str(path)]) == 0
    text = path.read_text("utf-8")
    for comment in ("# A small incident file", "# --- 25 August 2022: coalition strikes ---",
                    "  # the desert south-west of the town", "# the compound, not the field",
                    "# end of the sample"):
        assert comment in text
    assert text.count("&bukamal-quote") == 1 and text.count("*bukamal-quote") == 2
    assert _records(path) == before


def test_the_repository_record_is_in_canonical_form(capsys: pytest.CaptureFixture) -> None:
    # The live incidents.yaml: every curated record must be in canonical form.
    assert main(["fmt", str(LIVE_RECORD), "--check"]) == 0, capsys.readouterr().out


def test_fmt_names_a_missing_file(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    assert main(["fmt", str(tmp_path / "nope.yaml")]) == 1
    assert "nope.yaml: no such file" in capsys.readouterr().err


def test_fmt_reports_malformed_yaml_with_its_line(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("- id: a\n  date: [2022\n", "utf-8")
    assert main(["fmt", str(path), "--check"]) == 1
    assert f"{path}:" in capsys.readouterr().err
