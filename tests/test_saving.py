"""Atomic, validated, conflict-checked saves of the incident file."""

from __future__ import annotations

import datetime as dt
import multiprocessing
import os
import signal
import tempfile
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from geo import saving
from geo.errors import ConflictError, RecordError, StoreError
from geo.records import parse_incidents
from geo.roundtrip import Document
from geo.saving import atomic_write, backups_of, read_snapshot, save_text, stamp
from geo.stores.yaml_store import YamlStore

SAMPLE = Path(__file__).parent / "data" / "curation" / "sample.yaml"


@pytest.fixture
def record_file(tmp_path: Path) -> Path:
    path = tmp_path / "incidents.yaml"
    path.write_bytes(SAMPLE.read_bytes())
    return path


def _edited(text: str, **changes: object) -> str:
    document = Document(text)
    record = document.get("dez-2022-08-25-002")
    record.update(changes)
    document.replace(record)
    return document.to_text()


def test_save_replaces_the_file_and_keeps_the_old_one_as_backup(record_file: Path) -> None:
    original = record_file.read_bytes()
    base = read_snapshot(record_file)
    new_text = _edited(base.text, status="fair")

    saved = save_text(record_file, new_text, base)

    assert record_file.read_text("utf-8") == new_text
    assert saved.version == read_snapshot(record_file).version != base.version
    backups = backups_of(record_file)
    assert len(backups) == 1 and backups[0].read_bytes() == original
    assert not list(record_file.parent.glob(".incidents.yaml.*.tmp"))


def test_save_refuses_when_the_file_changed_underneath(record_file: Path) -> None:
    base = read_snapshot(record_file)
    my_edit = _edited(base.text, status="fair")
    theirs = base.text.replace("Near an informal crossing.", "Near the informal al-Sikak crossing.")
    record_file.write_text(theirs, "utf-8")  # another curator saved, or a git pull

    with pytest.raises(ConflictError, match="changed on disk since you loaded it") as caught:
        save_text(record_file, my_edit, base)

    assert record_file.read_text("utf-8") == theirs
    assert "-  notes: Near an informal crossing." in caught.value.diff
    assert "+  notes: Near the informal al-Sikak crossing." in caught.value.diff
    assert "incidents.yaml (on disk now)" in caught.value.diff
    assert "status: fair" in my_edit  # the curator's edit is still in the caller's hands
    assert backups_of(record_file) == []


def test_save_refuses_an_edit_that_adds_validation_errors(record_file: Path) -> None:
    base = read_snapshot(record_file)
    bad = _edited(base.text, lat=200.0, status="rumour")

    with pytest.raises(RecordError) as caught:
        save_text(record_file, bad, base)

    messages = [str(problem) for problem in caught.value.problems]
    assert any("incident dez-2022-08-25-002: lat: 200.0 is out of range" in m for m in messages)
    assert any("status: 'rumour' is not one of" in m for m in messages)
    assert all(m.startswith(f"{record_file}:") for m in messages)
    assert record_file.read_bytes() == SAMPLE.read_bytes()


def test_existing_errors_do_not_block_an_unrelated_save(tmp_path: Path) -> None:
    path = tmp_path / "incidents.yaml"
    text = SAMPLE.read_text("utf-8").replace("status: weak\n  notes: Near", "status: maybe\n  notes: Near")
    path.write_text(text, "utf-8")
    base = read_snapshot(path)
    save_text(path, _edited(base.text, status="fair"), base)
    assert "status: fair" in path.read_text("utf-8")


def _save_and_pause(path: str, new_text: str, ready) -> None:
    """Child process: save, but stop between writing the temporary file and renaming it."""

    def pause(temp: Path, target: Path) -> None:
        if target == Path(path):  # not the backup, which is written the same way first
            ready.set()
            time.sleep(60)

    saving.BEFORE_REPLACE.append(pause)
    save_text(path, new_text, read_snapshot(path))


def test_a_save_killed_between_write_and_rename_leaves_the_original_intact(record_file: Path) -> None:
    original = record_file.read_bytes()
    new_text = _edited(original.decode(), status="fair")
    context = multiprocessing.get_context("fork")
    ready = context.Event()
    child = context.Process(target=_save_and_pause, args=(str(record_file), new_text, ready))
    child.start()
    assert ready.wait(30), "the child never reached the rename"
    temps = list(record_file.parent.glob(".incidents.yaml.*.tmp"))
    assert len(temps) == 1 and temps[0].read_text("utf-8") == new_text  # fully written, not yet renamed

    os.kill(child.pid, signal.SIGKILL)
    child.join(10)

    assert child.exitcode == -signal.SIGKILL
    assert record_file.read_bytes() == original
    Document(record_file.read_text("utf-8"))  # still whole and readable
    # the next save cleans up what the crash left and succeeds
    save_text(record_file, new_text, read_snapshot(record_file))
    assert record_file.read_text("utf-8") == new_text
    assert not list(record_file.parent.glob(".incidents.yaml.*.tmp"))


def test_atomic_write_keeps_the_file_mode(tmp_path: Path) -> None:
    path = tmp_path / "x.yaml"
    path.write_text("old", "utf-8")
    path.chmod(0o640)
    atomic_write(path, b"new")
    assert path.read_bytes() == b"new" and (path.stat().st_mode & 0o777) == 0o640


def test_stamp_sets_editor_and_utc_time() -> None:
    when = dt.datetime(2024, 1, 15, 12, 30, tzinfo=dt.timezone(dt.timedelta(hours=2)))
    assert stamp({"id": "x"}, " alice ", when) == {
        "id": "x", "last_edited_by": "alice", "last_edited_at": "2024-01-15T10:30:00+00:00"}
    with pytest.raises(StoreError, match="curator's name"):
        stamp({}, " ")


def test_store_edits_record_last_edited_by_and_at(record_file: Path) -> None:
    store = YamlStore(record_file)
    record, version = store.get("dez-2022-08-25-003")
    record["status"] = "fair"
    before = dt.datetime.now(dt.UTC).replace(microsecond=0)
    store.update(record, version, "alice")

    saved, _ = store.get("dez-2022-08-25-003")
    assert saved["last_edited_by"] == "alice"
    edited_at = dt.datetime.fromisoformat(saved["last_edited_at"])
    assert edited_at.utcoffset() == dt.timedelta(0)
    assert before <= edited_at <= dt.datetime.now(dt.UTC)
    records, problems = parse_incidents(record_file.read_bytes(), str(record_file))
    assert problems == []
    assert next(r for r in records if r["id"] == "dez-2022-08-25-003")["last_edited_by"] == "alice"


# Random edits through the store, each saved and read back.

_words = st.text(alphabet=st.sampled_from("abcdefgh ijklm-'\"#:,.ابتثجحخدذرزسشص٣"), min_size=1, max_size=12)
_text = st.one_of(
    st.lists(_words.map(str.strip).filter(bool), min_size=1, max_size=40).map(" ".join),
    st.text(st.characters(blacklist_categories=("Cc", "Cs", "Co", "Cn", "Zl", "Zp")), min_size=1, max_size=150),
)
_edit = st.one_of(
    st.tuples(st.just("description"), _text),
    st.tuples(st.just("notes"), _text),
    st.tuples(st.just("status"), st.sampled_from(["confirmed", "fair", "weak", "contested"])),
    st.tuples(st.just("fatalities"), st.integers(0, 500)),
    st.tuples(st.just("tags"), st.lists(st.from_regex(r"[a-z][a-z0-9-]{0,10}", fullmatch=True), max_size=3)),
    st.tuples(st.just("quote"), _text),
    st.tuples(st.just("delete"), st.none()),
    st.tuples(st.just("add"), _text),
)


def _apply(expected: dict[str, dict], store: YamlStore, target: int, edit: tuple) -> None:
    field, value = edit
    ids = sorted(expected)
    incident_id = ids[target % len(ids)]
    version = store.version
    if field == "delete" and len(ids) > 1:
        store.delete(incident_id, version, "fuzz")
        del expected[incident_id]
        return
    if field in ("add", "delete"):
        record = {**expected[incident_id], "description": value or "x"}
        record["id"] = store.next_id(record["date"])
        store.add({k: v for k, v in record.items() if not k.startswith("last_edited")}, "fuzz", version)
        expected[record["id"]] = {**record, "last_edited_by": "fuzz"}
        return
    record = {key: value for key, value in expected[incident_id].items() if not key.startswith("last_edited")}
    if field == "quote":
        record["sources"] = [{**record["sources"][0], "quote": value}, *record["sources"][1:]]
    elif field == "tags" and not value:
        record.pop("tags", None)
    else:
        record[field] = value
    store.update(record, version, "fuzz")
    expected[incident_id] = {**record, "last_edited_by": "fuzz"}


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(edits=st.lists(st.tuples(st.integers(0, 10), _edit), min_size=1, max_size=4))
def test_random_edits_saved_and_reloaded_equal_what_was_asked(edits: list) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "incidents.yaml"
        path.write_bytes(SAMPLE.read_bytes())
        store = YamlStore(path)
        expected = {record["id"]: record for record in Document(path.read_text("utf-8")).records()}
        for target, edit in edits:
            _apply(expected, store, target, edit)
            reloaded = {r["id"]: r for r in Document(path.read_text("utf-8")).records()}
            for record in reloaded.values():
                assert record.pop("last_edited_at", "2000-01-01T00:00:00+00:00").endswith("+00:00")
            assert reloaded == {key: {k: v for k, v in record.items() if k != "last_edited_at"}
                                for key, record in expected.items()}
        records, problems = parse_incidents(path.read_bytes(), str(path))
        assert [p for p in problems if p.severity == "error"] == []
        assert {r["id"] for r in records} == set(expected)
