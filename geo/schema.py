"""The incident schema, the event taxonomy and the region, read from geo/data."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

DATA_DIR = Path(__file__).parent / "data"

PRECISION_RADIUS_KM = {"site": 0.5, "village": 2.0, "town": 5.0, "district": 25.0}
TIME_PRECISION_DAYS = {"day": 0, "week": 3, "month": 15}


def read_data_file(name: str) -> object:
    """Load one of the project's own data files from geo/data."""
    with open(DATA_DIR / name, encoding="utf-8") as handle:
        return yaml.safe_load(handle)


@dataclass(frozen=True)
class FieldSpec:
    """One schema field: its name, kind and documentation."""

    name: str
    type: str
    required: bool
    doc: str
    values: tuple[str, ...] = ()
    default: object = None


@cache
def schema() -> dict:
    return read_data_file("schema.yaml")


@cache
def fields() -> dict[str, FieldSpec]:
    """Every incident field, in the order incidents are written."""
    specs = {}
    for name, spec in schema()["fields"].items():
        specs[name] = FieldSpec(
            name=name,
            type=spec["type"],
            required=bool(spec.get("required", False)),
            doc=spec["doc"],
            values=tuple(spec.get("values", ())),
            default=spec.get("default"),
        )
    return specs


@cache
def required_fields() -> tuple[str, ...]:
    """The names of the fields every incident must give."""
    return tuple(name for name, spec in fields().items() if spec.required)


def source_fields() -> dict[str, dict]:
    return schema()["source_fields"]


def attributions() -> tuple[str, ...]:
    return tuple(schema()["actor_attributions"])


def quantity_qualifiers() -> tuple[str, ...]:
    return tuple(schema()["quantity_qualifiers"])


@cache
def event_types() -> dict[str, tuple[str, ...]]:
    """ACLED event types mapped to their sub-event types."""
    return {name: tuple(subs) for name, subs in read_data_file("event_types.yaml").items()}


@cache
def region() -> dict:
    """The monitored region: name, bounding box, default centre and zoom."""
    return read_data_file("region.yaml")


def data_fingerprint() -> str:
    """Hash of every data file that changes what a load produces (part of the cache key)."""
    import hashlib

    digest = hashlib.sha256()
    # The boundaries too: loading fills governorate/district from admin_areas.geojson.
    for path in sorted([*DATA_DIR.glob("*.y*ml"), *DATA_DIR.glob("*.geojson")]):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]
