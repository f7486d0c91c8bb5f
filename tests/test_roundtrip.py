"""Round-trip editing of incident files: untouched bytes, comments and anchors survive."""

from __future__ import annotations

from pathlib import Path

import pytest

from geo.errors import RecordError
from geo.records import parse_incidents
from geo.roundtrip import Document, format_text, to_plain
from tests.paths import LIVE_RECORD

SAMPLE = Path(__file__).parent / "data" / "curation" / "sample.yaml"
QUOTE_START = "عمليات القصف التي استمرت"


@pytest.fixture
def sample(tmp_path: Path) -> Path:
    path = tmp_path / "incidents.yaml"
    path.write_bytes(SAMPLE.read_bytes())
    return path


def _block(text: str, incident_id: str) -> tuple[int, int]:
    """Character offsets of one incident's block, found independently of geo.roundtrip."""
    start = text.index(f"- id: {incident_id}\n")
    ends = [pos for pos in (text.find("\n\n", start),) if pos != -1]
    return start, (ends[0] + 1 if ends else len(text))


def _valid(text: str) -> list[dict]:
    records, problems = parse_incidents(text.encode(), "edited.yaml")
    assert [str(p) for p in problems if p.severity == "error"] == []
    return records


# incidents.yaml is the live record: whatever curators put in it must survive a round trip.
@pytest.mark.parametrize("path", [SAMPLE, LIVE_RECORD], ids=["sample", "incidents.yaml"])
def test_load_and_write_back_is_byte_identical(path: Path) -> None:
    text = path.read_text("utf-8")
    assert Document(text, str(path)).to_text() == text


def test_replace_keeps_every_byte_outside_the_incident(sample: Path) -> None:
    text = sample.read_text("utf-8")
    document = Document(text, str(sample))
    record = document.get("dez-2022-08-25-001")
    record["status"] = "fair"
    record["fatalities"] = {"min": 3, "qualifier": "at_least"}
    document.replace(record)
    edited = document.to_text()

    start, end = _block(text, "dez-2022-08-25-001")
    assert edited.startswith(text[:start])
    assert edited.endswith(text[end:])
    new_block = edited[start:len(edited) - len(text) + end]
    assert "  status: fair\n" in new_block
    assert "  fatalities: {min: 3, qualifier: at_least}\n" in new_block
    # the incident's own comment and anchor are kept, in schema order
    assert "  # the desert south-west of the town\n" in new_block
    assert "quote: &bukamal-quote >-" in new_block
    assert new_block.index("geo_precision") < new_block.index("fatalities") < new_block.index("description")
    _valid(edited)


def test_replace_with_nothing_changed_changes_nothing(sample: Path) -> None:
    text = sample.read_text("utf-8")
    document = Document(text)
    for incident_id in document.ids():
        document.replace(document.get(incident_id))
    assert document.to_text() == text


def test_editing_the_anchor_definition_keeps_the_aliases_working(sample: Path) -> None:
    document = Document(sample.read_text("utf-8"))
    old_quote = document.get("dez-2022-08-25-002")["sources"][0]["quote"]
    record = document.get("dez-2022-08-25-001")
    record["sources"][0]["quote"] = "A different sentence."
    document.replace(record)
    edited = document.to_text()

    records = {r["id"]: r for r in _valid(edited)}
    assert records["dez-2022-08-25-001"]["sources"][0]["quote"] == "A different sentence."
    assert records["dez-2022-08-25-002"]["sources"][0]["quote"] == old_quote
    assert records["dez-2022-08-25-003"]["sources"][0]["quote"] == old_quote
    # the next user now defines the anchor; the one after it keeps the alias
    block_2 = edited[slice(*_block(edited, "dez-2022-08-25-002"))]
    block_3 = edited[slice(*_block(edited, "dez-2022-08-25-003"))]
    assert "quote: &bukamal-quote >-" in block_2 and QUOTE_START in block_2
    assert "quote: *bukamal-quote" in block_3


def test_deleting_the_anchor_definition_expands_it_in_the_next_user(sample: Path) -> None:
    document = Document(sample.read_text("utf-8"))
    old_quote = document.get("dez-2022-08-25-002")["sources"][0]["quote"]
    removed = document.delete("dez-2022-08-25-001", "duplicate of dez-2022-08-25-002")
    edited = document.to_text()

    assert removed["id"] == "dez-2022-08-25-001"
    records = {r["id"]: r for r in _valid(edited)}
    assert set(records) == {"dez-2022-08-24-001", "dez-2022-08-25-002", "dez-2022-08-25-003"}
    assert records["dez-2022-08-25-003"]["sources"][0]["quote"] == old_quote
    assert "# --- 25 August 2022: coalition strikes ---\n\n- id: dez-2022-08-25-002" in edited
    assert edited.endswith("# retired id: dez-2022-08-25-001 (duplicate of dez-2022-08-25-002)\n")
    assert Document(edited).retired_ids() == ["dez-2022-08-25-001"]


def test_add_inserts_in_date_order_with_schema_key_order_and_folded_text(sample: Path) -> None:
    text = sample.read_text("utf-8")
    document = Document(text)
    long_text = " ".join(["The strike hit a house on the edge of the village at night."] * 3)
    document.add({
        "notes": "Added by a test.",
        "status": "weak",
        "sources": [{"quote": "نص", "publisher": "SY24", "url": "https://example.org/a"}],
        "description": long_text,
        "geo_precision": "village",
        "lon": 40.45, "lat": 35.02,
        "place": "الميادين",
        "actor2": {"name": "Liwa Fatemiyoun"},
        "actor1": {"attribution": "reported", "name": "International Coalition"},
        "sub_event_type": "Air/drone strike",
        "event_type": "Explosions/Remote violence",
        "time": "22:30",
        "date": "2022-08-24",
        "id": "dez-2022-08-24-002",
    })
    edited = document.to_text()
    start, end = _block(edited, "dez-2022-08-24-002")
    block = edited[start:end]
    # only lines were added, right after the other incident of that day
    assert edited[:start] + edited[end + 1:] == text
    assert edited[start - len("Dated from CENTCOM's account.\n\n"):start].startswith("Dated from")
    keys = [line.split(":")[0].strip() for line in block.splitlines() if line.startswith("  ") and not line.startswith("   ")]
    assert keys == ["date", "time", "event_type", "sub_event_type", "actor1", "actor2", "place", "lat", "lon",
                    "geo_precision", "description", "sources", "status", "notes"]
    assert "- id: dez-2022-08-24-002\n  date: 2022-08-24\n  time: \"22:30\"\n" in block
    assert "  actor1: {name: International Coalition, attribution: reported}\n" in block
    assert "  description: >-\n    The strike" in block
    assert max(len(line) for line in block.splitlines()) <= 80
    assert "    - publisher: SY24\n      url: https://example.org/a\n      quote: نص\n" in block
    records = {r["id"]: r for r in _valid(edited)}
    assert records["dez-2022-08-24-002"]["description"] == long_text


def test_a_changed_date_moves_the_incident_to_its_place(sample: Path) -> None:
    document = Document(sample.read_text("utf-8"))
    record = document.get("dez-2022-08-24-001")
    record["date"] = "2022-08-26"
    document.replace(record)
    assert document.ids() == ["dez-2022-08-25-001", "dez-2022-08-25-002", "dez-2022-08-25-003",
                              "dez-2022-08-24-001"]
    edited = document.to_text()
    assert edited.startswith(SAMPLE.read_text("utf-8").split("- id:")[0])
    assert "# end of the sample" in edited
    _valid(edited)


def test_add_to_an_empty_file_and_duplicate_ids_refused() -> None:
    document = Document("# nothing yet\n")
    record = {"id": "dez-2022-01-01-001", "date": "2022-01-01", "status": "draft"}
    document.add(record)
    assert document.to_text() == "# nothing yet\n\n- id: dez-2022-01-01-001\n  date: 2022-01-01\n  status: draft\n"
    with pytest.raises(KeyError, match="already exists"):
        document.add(record)
    assert Document("[]\n").ids() == []


def test_malformed_yaml_names_the_line() -> None:
    with pytest.raises(RecordError, match=r"broken.yaml:\d+: malformed YAML"):
        Document("- id: a\n  date: 2022-01-01\n  x: [unclosed\n", "broken.yaml")


def test_format_sorts_and_orders_keys_without_losing_comments() -> None:
    text = (
        "# header\n\n"
        "- date: 2022-08-25  # late\n  id: b\n  status: weak\n\n"
        "# --- earlier ---\n"
        "- id: a\n  status: weak\n  date: 2022-08-24\n  tags:\n    - x\n"
    )
    formatted = format_text(text)
    assert formatted == (
        "# header\n\n"
        "# --- earlier ---\n"
        "- id: a\n  date: 2022-08-24\n  status: weak\n  tags: [x]\n\n"
        "- id: b\n  date: 2022-08-25 # late\n  status: weak\n"
    )
    assert format_text(formatted) == formatted
    assert to_plain(Document(formatted).items[0].node) == {"id": "a", "date": "2022-08-24", "status": "weak",
                                                           "tags": ["x"]}
