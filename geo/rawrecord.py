"""Validated records back into the shape of incidents.yaml, and streamed atomic YAML writes.

A validated record is flat (``actor1`` plus ``actor1_attribution``, ``fatalities``
plus ``fatalities_max`` and ``fatalities_qualifier``); the file is nested. Stores
and importers use this one conversion so that "write, then read and validate"
gives back the same record.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from pathlib import Path

import yaml

from geo.errors import StoreError
from geo.files import replacing
from geo.schema import fields, source_fields

try:
    _Dumper = yaml.CSafeDumper
except AttributeError:  # libyaml missing: slower, same output
    _Dumper = yaml.SafeDumper

_ACTORS = ("actor1", "actor2")
_QUANTITIES = ("fatalities", "injuries")
_LISTS = ("assoc_actor1", "assoc_actor2", "tags")
_DATES = ("date", "date_end")


def record_to_raw(record: dict) -> dict:
    """One validated record as an incident entry of incidents.yaml (None and empty values left out).

    Parameters
    ----------
    record : dict
        A record as ``geo.validation.validate_incident`` returns it.

    Returns
    -------
    dict
        Keys in schema order; dates as ``datetime.date`` so YAML writes them unquoted.
    """
    raw: dict = {}
    for name, spec in fields().items():
        if name in _ACTORS:
            if record.get(name):
                raw[name] = {"name": record[name], "attribution": record.get(f"{name}_attribution") or "reported"}
        elif name in _QUANTITIES:
            value = _quantity(record.get(name), record.get(f"{name}_max"), record.get(f"{name}_qualifier"))
            if value is not None:
                raw[name] = value
        elif name in _LISTS:
            if record.get(name):
                raw[name] = [str(item) for item in record[name]]
        elif name == "sources":
            raw[name] = [_source(source) for source in record.get("sources") or []]
        elif name in _DATES:
            if record.get(name):
                raw[name] = dt.date.fromisoformat(str(record[name])[:10])
        elif record.get(name) is not None and record.get(name) != spec.default:
            # The default time precision is implied; writing it would only add noise.
            raw[name] = record[name]
    return raw


def _quantity(low: int | None, high: int | None, qualifier: str | None) -> int | dict | None:
    if low is None and high is None:
        return None
    if (qualifier or "exact") == "exact" and low == high:
        return int(low)
    parts = {"min": low, "max": high, "qualifier": qualifier}
    return {key: (int(value) if key != "qualifier" else value) for key, value in parts.items() if value is not None}


def _source(source: dict) -> dict:
    out = {}
    for key in source_fields():
        value = source.get(key)
        if value is None:
            continue
        out[key] = dt.date.fromisoformat(value) if key == "published" else value
    return out


def dump_incident(raw: dict) -> str:
    """One incident as a YAML list item, ending with a blank line between incidents."""
    return yaml.dump([raw], Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=100) + "\n"


def write_incidents(path: str | Path, raws: Iterable[dict], header: str = "", footer: str = "") -> int:
    """Write incidents to a YAML file atomically, streaming; return how many were written.

    ``footer`` is written as is after the incidents (e.g. the retired-id comments).

    The file is written to a temporary file beside the target and renamed over
    it only when complete, so a crash or a lost database connection halfway
    never leaves a truncated record behind.
    """
    path = Path(path)
    count = 0
    try:
        with replacing(path) as temp, open(temp, "w", encoding="utf-8") as handle:
            for line in header.splitlines():
                handle.write(f"# {line}\n".replace("# \n", "#\n"))
            if header:
                handle.write("\n")
            for raw in raws:
                handle.write(dump_incident(raw))
                count += 1
            if count == 0:
                handle.write("[]\n")
            handle.write(footer)
    except OSError as err:
        raise StoreError(f"{path}: cannot be written ({err.strerror or err}) — check the folder exists, "
                         "is writable and has free space") from err
    return count
