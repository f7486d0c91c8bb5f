"""The YAML incident store: versions, add/update/delete, ids never reused, open_store."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from geo.errors import ConflictError, RecordError, StoreError
from geo.filters import IncidentFilter
from geo.roundtrip import Document
from geo.saving import backups_of
from geo.stores import YamlStore, open_store

SAMPLE = Path(__file__).parent / "data" / "curation" / "sample.yaml"

NEW = {
    "date": "2022-08-25",
    "time_precision": "day",
    "event_type": "Explosions/Remote violence",
    "sub_event_type": "Air/drone strike",
    "actor1": {"name": "International Coalition", "attribution": "reported"},
    "actor2": {"name": "Liwa Fatemiyoun", "attribution": "reported"},
    "place": "حي المزارع بمدينة الميادين",
    "lat": 35.0236,
    "lon": 40.4398,
    "geo_precision": "village",
    "sources": [{"publisher": "SY24", "url": "https://www.sy-24.com/news/1", "language": "ar", "quote": "نص"}],
    "status": "weak",
}


@pytest.fixture
def store(tmp_path: Path) -> YamlStore:
    path = tmp_path / "incidents.yaml"
    path.write_bytes(SAMPLE.read_bytes())
    return YamlStore(path)


def test_open_store_gives_the_yaml_store_for_a_path(tmp_path: Path) -> None:
    store = open_store(tmp_path / "incidents.yaml")
    assert isinstance(store, YamlStore) and store.path == tmp_path / "incidents.yaml"
    assert isinstance(open_store("incidents.yaml"), YamlStore)


def test_open_store_names_unknown_url_schemes() -> None:
    with pytest.raises(StoreError, match=r"ftp://x/y: no store for ftp:// URLs .* postgresql://"):
        open_store("ftp://x/y")


def test_version_is_the_hash_of_the_file(store: YamlStore) -> None:
    expected = hashlib.sha256(store.path.read_bytes()).hexdigest()
    record, version = store.get("dez-2022-08-25-002")
    assert version == store.version == expected
    assert record["place"] == "محيط منطقة الهري"
    assert store.get("dez-1999-01-01-001") is None
    frame, problems = store.load(IncidentFilter(event_types=("Explosions/Remote violence",)))
    assert problems == [] and len(frame) == 4 and frame.attrs["version"] == expected


def test_add_without_id_takes_the_next_id_and_keeps_date_order(store: YamlStore) -> None:
    version = store.add(NEW, "bashar")
    assert version == store.version
    ids = Document(store.path.read_text("utf-8")).ids()
    assert ids == ["dez-2022-08-24-001", "dez-2022-08-25-001", "dez-2022-08-25-002", "dez-2022-08-25-003",
                   "dez-2022-08-25-004"]
    record, _ = store.get("dez-2022-08-25-004")
    assert record["last_edited_by"] == "bashar"
    assert len(backups_of(store.path)) == 1


def test_update_from_a_stale_version_is_a_conflict_and_writes_nothing(store: YamlStore) -> None:
    record, version = store.get("dez-2022-08-25-002")
    other, _ = store.get("dez-2022-08-25-003")
    other["status"] = "fair"
    store.update(other, version, "curator-b")  # someone else saves first
    on_disk = store.path.read_bytes()

    record["status"] = "contested"
    with pytest.raises(ConflictError) as caught:
        store.update(record, version, "curator-a")

    assert store.path.read_bytes() == on_disk
    assert "+  status: fair" in caught.value.diff
    assert "+  last_edited_by: curator-b" in caught.value.diff
    assert record["status"] == "contested"


def test_save_follows_the_protocol(store: YamlStore) -> None:
    version = store.save({**NEW, "id": "dez-2022-08-26-001", "date": "2022-08-26"}, None, "a")
    with pytest.raises(ConflictError, match="already exists"):
        store.save({**NEW, "id": "dez-2022-08-26-001", "date": "2022-08-26"}, None, "a")
    record, _ = store.get("dez-2022-08-26-001")
    store.save({**record, "status": "fair"}, version, "b")
    assert store.get("dez-2022-08-26-001")[0]["status"] == "fair"


def test_invalid_records_are_refused_with_the_validator_message(store: YamlStore) -> None:
    with pytest.raises(RecordError, match=r"incident dez-2022-08-25-004: actor1: unknown actor 'Martians'"):
        store.add({**NEW, "actor1": {"name": "Martians"}}, "a")
    assert store.path.read_bytes() == SAMPLE.read_bytes()


def test_deleted_ids_are_retired_and_never_reused(store: YamlStore) -> None:
    version = store.delete("dez-2022-08-25-003", store.version, "alice", "a duplicate")
    assert store.retired_ids() == ["dez-2022-08-25-003"]
    assert "# retired id: dez-2022-08-25-003 (deleted by alice: a duplicate)\n" in store.path.read_text("utf-8")
    assert store.get("dez-2022-08-25-003") is None
    assert store.next_id("2022-08-25") == "dez-2022-08-25-004"
    with pytest.raises(StoreError, match="never reused — use dez-2022-08-25-004"):
        store.add({**NEW, "id": "dez-2022-08-25-003"}, "alice", version)


def test_next_id_skips_ids_found_only_in_backups(store: YamlStore) -> None:
    folder = store.path.parent / ".backups"
    folder.mkdir()
    (folder / "incidents.yaml.20240101T000000.000000Z").write_text("- id: dez-2022-08-25-007\n", "utf-8")
    assert store.next_id("2022-08-25") == "dez-2022-08-25-008"
    assert store.next_id("2023-01-02") == "dez-2023-01-02-001"
    with pytest.raises(StoreError, match="is not YYYY-MM-DD"):
        store.next_id("25/08/2022")


def test_delete_of_a_missing_incident_names_it(store: YamlStore) -> None:
    with pytest.raises(StoreError, match="no incident with id 'dez-2000-01-01-001'"):
        store.delete("dez-2000-01-01-001", store.version, "alice")


def test_first_add_creates_the_file(tmp_path: Path) -> None:
    store = YamlStore(tmp_path / "new.yaml")
    store.add(NEW, "alice")
    assert Document((tmp_path / "new.yaml").read_text("utf-8")).ids() == ["dez-2022-08-25-001"]


@pytest.mark.parametrize("how", ["save", "add"])
def test_adding_an_incident_parses_the_file_once(store: YamlStore, monkeypatch, how: str) -> None:
    import geo.stores.yaml_store as yaml_store

    parses = []

    class CountingDocument(Document):
        def __init__(self, *args, **kwargs) -> None:
            parses.append(args[1])
            super().__init__(*args, **kwargs)

    monkeypatch.setattr(yaml_store, "Document", CountingDocument)
    version = store.version
    if how == "save":
        store.save(dict(NEW), version, "tester")
    else:
        store.add(dict(NEW), "tester", version)
    assert parses == [str(store.path)]
    assert len(Document(store.path.read_text("utf-8"), "check").ids()) == len(Document(SAMPLE.read_text("utf-8"), "s").ids()) + 1
