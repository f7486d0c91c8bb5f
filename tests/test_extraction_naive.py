"""The naive keyword geoparser that bench.extraction compares the extractor with."""

from bench.extraction import FIELDS, main
from bench.extraction_naive import naive_drafts


def test_every_named_place_is_one_draft_typed_by_the_first_trigger():
    text = "Clashes broke out in Hajin; later a drone struck al-Mayadin. هجوم في الميادين"
    drafts = naive_drafts(text, "2024-04-22")
    assert sorted(draft.record["gazetteer_id"] for draft in drafts) == ["hajin", "mayadin"]
    assert {draft.record["event_type"] for draft in drafts} == {"Battles"}  # "Clashes" comes first
    assert {draft.record["date"] for draft in drafts} == {"2024-04-22"}
    assert not any("actor1" in draft.record or "fatalities" in draft.record for draft in drafts)


def test_without_trigger_or_publication_date_neither_is_given():
    drafts = naive_drafts("Bread prices rose in Hajin.")
    assert [draft.record["gazetteer_id"] for draft in drafts] == ["hajin"]
    assert "event_type" not in drafts[0].record and "date" not in drafts[0].record


def test_bench_prints_extractor_and_naive_rows(capsys):
    assert main([]) == 0
    out = capsys.readouterr().out
    rows = {tuple(line.split()[:2]) for line in out.splitlines() if line.strip()}
    assert {(name, method) for name in FIELDS for method in ("extractor", "naive")} <= rows
    assert "articles/s" in out
