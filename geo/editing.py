"""Turning an editor's form values into an incident record, and back."""

from __future__ import annotations

import datetime as dt

from geo.schema import fields


def _text(value: object) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def _quantity(low: object, high: object, qualifier: object) -> int | dict | None:
    """A figure as the schema writes it: a bare number when exact, else {min, max, qualifier}.

    A qualifier alone (``{qualifier: dozens}``) is kept, and a minimum without a maximum stays
    open-ended (``{min: 5}``): only min == max with qualifier exact becomes a bare number.
    """
    low = None if low in (None, "") else int(low)
    high = None if high in (None, "") else int(high)
    qualifier = _text(qualifier) or "exact"
    if low is not None and low == high and qualifier == "exact":
        return low
    value: dict = {}
    if low is not None:
        value["min"] = low
    if high is not None:
        value["max"] = high
    if qualifier != "exact":
        value["qualifier"] = qualifier
    return value or None


def _actor(name: object, attribution: object) -> dict | None:
    name = _text(name)
    if not name:
        return None
    return {"name": name, "attribution": _text(attribution) or "reported"}


SOURCE_KEYS = ("publisher", "url", "published", "language", "quote")


def _source(source: dict) -> dict:
    """A source's form fields, without empty ones."""
    cleaned = {key: _text(source.get(key)) for key in SOURCE_KEYS}
    return {key: value for key, value in cleaned.items() if value is not None}


def _shown_fields(values: dict) -> dict:
    """The fields the editor form shows, from its flat values; None where the form is empty."""
    built: dict = {}
    for name in ("id", "place", "gazetteer_id", "governorate", "district", "description", "notes",
                 "event_type", "sub_event_type", "time_precision", "geo_precision", "status", "time"):
        built[name] = _text(values.get(name))
    value = values.get("date")
    built["date"] = value.isoformat() if isinstance(value, dt.date) else _text(value)
    for name in ("lat", "lon"):
        value = values.get(name)
        built[name] = None if value in (None, "") else round(float(value), 6)
    for role in ("actor1", "actor2"):
        built[role] = _actor(values.get(f"{role}_name"), values.get(f"{role}_attribution"))
    for key in ("fatalities", "injuries"):
        built[key] = _quantity(values.get(f"{key}_min"), values.get(f"{key}_max"), values.get(f"{key}_qualifier"))
    tags = values.get("tags") or ""
    built["tags"] = [tag.strip() for tag in (tags.split(",") if isinstance(tags, str) else tags) if tag.strip()] or None
    return built


def _merged_sources(shown: list[dict], originals: list) -> list:
    """The form's source slots over the original sources; sources past the last slot are kept as they are."""
    sources = []
    for index, source in enumerate(shown):
        cleaned = _source(source)
        old = originals[index] if index < len(originals) and isinstance(originals[index], dict) else None
        if old is not None and _source(old) == cleaned:
            sources.append(old)  # unchanged: kept exactly as written
        elif cleaned:
            extra = {key: value for key, value in (old or {}).items() if key not in SOURCE_KEYS}
            sources.append({**cleaned, **extra})
    return sources + list(originals[len(shown):])


def record_from_form(values: dict, original: dict | None = None) -> dict:
    """A record in schema order: the original incident with the fields the form shows overwritten.

    ``values`` holds the schema's scalar fields plus ``actor1_name``/``actor1_attribution``
    (same for actor2), ``fatalities_min``/``_max``/``_qualifier`` (same for injuries),
    ``tags`` as comma-separated text and ``sources`` as a list of dicts (the form's source slots).
    ``original`` is the incident as the store returned it: fields the form does not show
    (``date_end``, ``assoc_actor1``/``2``, sources past the last slot, unknown keys) are kept,
    and a shown field whose value did not change keeps the original's spelling (a bare actor
    name, a default left out). Empty fields are left out, never written as 0.
    """
    original = original or {}
    spec = fields()
    record = dict(original)
    before = _shown_fields(form_from_record(original)) if original else {}
    for name, value in _shown_fields(values).items():
        default = spec[name].default
        if original and (value if value is not None else default) == (
                before.get(name) if before.get(name) is not None else default):
            continue
        if value is None:
            record.pop(name, None)
        else:
            record[name] = value
    sources = _merged_sources(values.get("sources") or [], list(original.get("sources") or []))
    if sources:
        record["sources"] = sources
    else:
        record.pop("sources", None)
    ordered = {name: record[name] for name in spec if name in record}
    return {**ordered, **{key: value for key, value in record.items() if key not in spec}}


def form_from_record(record: dict) -> dict:
    """Flat form values for a record as written in the file (the inverse of `record_from_form`)."""
    values = {key: value for key, value in record.items() if not isinstance(value, (dict, list))}
    for role in ("actor1", "actor2"):
        actor = record.get(role)
        if isinstance(actor, dict):
            values[f"{role}_name"], values[f"{role}_attribution"] = actor.get("name"), actor.get("attribution")
        elif actor:
            values[f"{role}_name"], values[f"{role}_attribution"] = actor, "reported"
    for key in ("fatalities", "injuries"):
        figure = record.get(key)
        if isinstance(figure, dict):
            values[f"{key}_min"], values[f"{key}_max"] = figure.get("min"), figure.get("max")
            values[f"{key}_qualifier"] = figure.get("qualifier", "exact")
        elif figure is not None:
            values[f"{key}_min"], values[f"{key}_max"], values[f"{key}_qualifier"] = figure, figure, "exact"
    values["tags"] = ", ".join(str(tag) for tag in record.get("tags") or [])
    values["sources"] = [dict(source) for source in record.get("sources") or []]
    for key in ("assoc_actor1", "assoc_actor2"):
        values[key] = [item["name"] if isinstance(item, dict) else item for item in record.get(key) or []]
    for name in ("date", "date_end"):
        if isinstance(values.get(name), str):
            try:
                values[name] = dt.date.fromisoformat(values[name])
            except ValueError:
                pass
    return values
