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
    """A figure as the schema writes it: a bare number when exact, else {min, max, qualifier}."""
    low = None if low in (None, "") else int(low)
    high = None if high in (None, "") else int(high)
    qualifier = _text(qualifier) or "exact"
    if low is None and high is None:
        return None
    if qualifier == "exact" and (high is None or high == low) and low is not None:
        return low
    value: dict = {}
    if low is not None:
        value["min"] = low
    if high is not None:
        value["max"] = high
    if qualifier != "exact":
        value["qualifier"] = qualifier
    return value


def _actor(name: object, attribution: object) -> dict | None:
    name = _text(name)
    if not name:
        return None
    return {"name": name, "attribution": _text(attribution) or "reported"}


def record_from_form(values: dict) -> dict:
    """A record in schema order from flat form values; empty fields are left out, never written as 0.

    ``values`` holds the schema's scalar fields plus ``actor1_name``/``actor1_attribution``
    (same for actor2), ``fatalities_min``/``_max``/``_qualifier`` (same for injuries),
    ``tags`` as comma-separated text and ``sources`` as a list of dicts.
    """
    built: dict = {}
    for name in ("id", "place", "gazetteer_id", "governorate", "district", "description", "notes",
                 "event_type", "sub_event_type", "time_precision", "geo_precision", "status", "time"):
        built[name] = _text(values.get(name))
    for name in ("date", "date_end"):
        value = values.get(name)
        built[name] = value.isoformat() if isinstance(value, dt.date) else _text(value)
    for name in ("lat", "lon"):
        value = values.get(name)
        built[name] = None if value in (None, "") else round(float(value), 6)
    for role in ("actor1", "actor2"):
        built[role] = _actor(values.get(f"{role}_name"), values.get(f"{role}_attribution"))
    for key in ("fatalities", "injuries"):
        built[key] = _quantity(values.get(f"{key}_min"), values.get(f"{key}_max"), values.get(f"{key}_qualifier"))
    tags = values.get("tags") or ""
    built["tags"] = [tag.strip() for tag in (tags.split(",") if isinstance(tags, str) else tags) if tag.strip()] or None
    sources = []
    for source in values.get("sources") or []:
        cleaned = {key: _text(source.get(key)) for key in ("publisher", "url", "published", "language", "quote")}
        if any(cleaned.values()):
            sources.append({key: value for key, value in cleaned.items() if value is not None})
    built["sources"] = sources or None
    for key in ("assoc_actor1", "assoc_actor2"):
        names = [name for name in values.get(key) or [] if _text(name)]
        built[key] = names or None
    return {name: built[name] for name in fields() if built.get(name) not in (None, [], "")}


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
