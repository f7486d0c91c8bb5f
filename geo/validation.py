"""Validation of raw incidents read from YAML into clean, typed records.

Every problem is collected, never raised one at a time: a curator fixing a file
wants the whole list. A record with an error is left out of the load and named
in a problem; warnings keep the record.
"""

from __future__ import annotations

import datetime as dt
import difflib
import math
import re
from collections.abc import Iterable, Iterator
from functools import lru_cache
from urllib.parse import urlparse

from geo.actors import ActorRegistry, registry
from geo.errors import Problem
from geo.schema import attributions, event_types, fields, quantity_qualifiers, region, required_fields, source_fields

_ID = re.compile(r"^[a-z0-9][a-z0-9-]{2,80}$")
_TIME = re.compile(r"^([01][0-9]|2[0-3]):[0-5][0-9]$")
_LANG = re.compile(r"^[a-z]{2,3}$")
_FIELD_PARTS = re.compile(r"\[\d+\]|[^.\[\]]+")
_EMPTY = (None, "", [])
# PostgreSQL cannot store this character in text; refused here, a whole push or
# import would otherwise fail at the database without naming the incident.
_NUL = "\x00"
_TEXT_FIELDS = ("place", "gazetteer_id", "governorate", "district", "description", "notes", "last_edited_by")


class _Checker:
    """Collects the problems of one incident while turning it into a record."""

    def __init__(self, raw: dict, path: str, actors: ActorRegistry) -> None:
        self.raw = raw
        self.path = path
        self.actors = actors
        self.problems: list[Problem] = []
        self.ident = raw.get("id") if isinstance(raw.get("id"), str) else None
        self.failed = False

    def line(self, key: str | None = None) -> int | None:
        """The line of the field a problem is about ("fatalities.min", "sources[2].url"), else the incident's."""
        found = None
        for container, step, _ in field_steps(self.raw, key):
            if isinstance(step, int):
                found = (getattr(container, "item_lines", None) or [None] * len(container))[step] or found
            else:
                found = getattr(container, "key_lines", {}).get(step) or found
        return found or getattr(self.raw, "line", None)

    def error(self, key: str | None, message: str, hint: str = "") -> None:
        self.failed = True
        self.problems.append(Problem(self.path, self.line(key), self.ident, key, message, hint))

    def warn(self, key: str | None, message: str, hint: str = "") -> None:
        self.problems.append(Problem(self.path, self.line(key), self.ident, key, message, hint, "warning"))


def field_steps(raw: object, field: str | None) -> Iterator[tuple[object, str | int, object]]:
    """(container, key or index from 0, value) at each step of a problem's field ("sources[2].url"), while there is one."""
    node = raw
    for part in _FIELD_PARTS.findall(field or ""):
        if part.startswith("["):  # problem labels number list items from 1
            step: str | int = int(part[1:-1]) - 1
            if not isinstance(node, list) or not 0 <= step < len(node):
                return
        else:
            step = part
            if not isinstance(node, dict) or step not in node:
                return
        yield node, step, node[step]
        node = node[step]


def field_value(raw: object, field: str | None) -> object:
    """The value a problem's field names inside a raw entry; None when the entry does not hold it."""
    steps = list(field_steps(raw, field))
    return steps[-1][2] if steps and len(steps) == len(_FIELD_PARTS.findall(field or "")) else None


def _suggest(value: str, choices: Iterable[str]) -> str:
    close = difflib.get_close_matches(value, list(choices), n=3, cutoff=0.4)
    return f"did you mean {' or '.join(repr(c) for c in close)}?" if close else ""


def _parse_date(value: object) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            return None
    return None


@lru_cache(maxsize=4096)  # an import's rows share few edit times
def _iso_timestamp(text: str) -> str:
    return dt.datetime.fromisoformat(text).isoformat()


def _check_text(check: _Checker, key: str, value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        check.error(key, f"expected text, got {type(value).__name__} {value!r}",
                    "write the value as plain text (quote it if it contains a colon)")
        return None
    text = str(value)
    if _NUL in text:
        _nul_error(check, key, text)
        return None
    return text


def _nul_error(check: _Checker, key: str, text: str) -> None:
    check.error(key, f"holds a NUL character (\\0) at position {text.index(_NUL) + 1}",
                "delete it (a broken copy or export leaves it; no database can store it)")


def _check_actor(check: _Checker, key: str, value: object) -> tuple[str | None, str | None]:
    if value is None:
        return None, None
    attribution = "reported"
    if isinstance(value, dict):
        unknown = set(value) - {"name", "attribution"}
        if unknown:
            check.error(key, f"unknown keys {sorted(unknown)} in the actor entry",
                        "an actor entry holds only `name` and `attribution`")
        name = value.get("name")
        attribution = value.get("attribution") or "reported"
        if attribution not in attributions():
            check.error(key, f"attribution {attribution!r} is not one of {', '.join(attributions())}",
                        _suggest(str(attribution), attributions()))
    else:
        name = value
    if not isinstance(name, str) or not name.strip():
        check.error(key, f"expected an actor name, got {name!r}",
                    "give a canonical name from geo/data/actors.yaml")
        return None, None
    canonical = check.actors.resolve(name)
    if canonical is None:
        suggestions = check.actors.suggest(name)
        hint = (f"closest known: {', '.join(suggestions)}; " if suggestions else "") + \
            "or add the actor to geo/data/actors.yaml"
        check.error(key, f"unknown actor {name!r}", hint)
        return None, None
    if canonical != name:
        check.warn(key, f"{name!r} is an alias of {canonical!r}", "write the canonical name")
    return canonical, attribution


def _check_actor_list(check: _Checker, key: str, value: object) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list):
        value = [value]
    names = []
    for item in value:
        name, _ = _check_actor(check, key, item)
        if name:
            names.append(name)
    return names


def _check_quantity(check: _Checker, key: str, value: object) -> tuple[int | None, int | None, str | None]:
    """A reported figure as (min, max, qualifier); unknown stays None, never 0."""
    if value is None:
        return None, None, None
    if isinstance(value, bool):
        check.error(key, f"expected a number, got {value!r}", "write a whole number or {min, max, qualifier}")
        return None, None, None
    if isinstance(value, int):
        if value < 0:
            check.error(key, f"a count cannot be negative ({value})", "write the reported number")
            return None, None, None
        return value, value, "exact"
    if isinstance(value, dict):
        unknown = set(value) - {"min", "max", "qualifier"}
        if unknown:
            check.error(key, f"unknown keys {sorted(unknown)}", "use min, max and qualifier")
        low, high, qualifier = value.get("min"), value.get("max"), value.get("qualifier") or "exact"
        for bound_name, bound in (("min", low), ("max", high)):
            if bound is not None and (isinstance(bound, bool) or not isinstance(bound, int) or bound < 0):
                check.error(f"{key}.{bound_name}", f"expected a whole number ≥ 0, got {bound!r}",
                            "write digits only, e.g. 20")
                return None, None, None
        if low is None and high is None and qualifier not in ("dozens", "several"):
            check.error(key, "neither min nor max is given", "give min, max or both; omit the field when unknown")
            return None, None, None
        if low is not None and high is not None and low > high:
            check.error(key, f"min {low} is greater than max {high}", "swap them")
        if qualifier not in quantity_qualifiers():
            check.error(f"{key}.qualifier", f"{qualifier!r} is not a known qualifier",
                        f"use one of {', '.join(quantity_qualifiers())}")
        if qualifier == "dozens" and low is None:
            low = 24
        if qualifier == "several" and low is None:
            low = 3
        return low, high, qualifier
    check.error(key, f"expected a number or {{min, max, qualifier}}, got {value!r}",
                "e.g. `fatalities: 3` or `fatalities: {min: 20, qualifier: more_than}`")
    return None, None, None


def is_http_url(url: object) -> bool:
    """True for an absolute http(s) URL with a host; nothing else may become a link."""
    if not isinstance(url, str):
        return False
    parsed = urlparse(url.strip())
    return parsed.scheme in ("http", "https") and bool(parsed.netloc)


def _check_sources(check: _Checker, key: str, value: object) -> list[dict]:
    if not isinstance(value, list) or not value:
        check.error(key, "at least one source is required",
                    "add `sources: [{publisher: ..., url: ..., quote: ...}]`")
        return []
    order = source_fields()
    empty = dict.fromkeys(order)
    sources = []
    for index, item in enumerate(value, 1):
        if isinstance(item, dict) and item.keys() <= order.keys():
            source = {**empty, **item}
            if _plain(source):  # nothing to check further or convert: most sources of an import
                sources.append(source)
                continue
        source = _check_source(check, f"{key}[{index}]", item, order)
        if source is not None:
            sources.append(source)
    return sources


def _plain(source: dict) -> bool:
    """A source with a publisher, maybe a quote, and no link, date or language to check."""
    publisher, quote = source["publisher"], source["quote"]
    return (type(publisher) is str and publisher != "" and _NUL not in publisher
            and (quote is None or type(quote) is str and _NUL not in quote)
            and source["url"] is None and source["published"] is None and source["language"] is None)


def _check_source(check: _Checker, label: str, item: object, order: dict) -> dict | None:
    """One source checked field by field, as its schema fields in order; None when it is not a mapping."""
    if not isinstance(item, dict):
        check.error(label, f"expected a mapping with publisher/url/quote, got {item!r}",
                    "write each source as `- publisher: ...` with its fields indented below")
        return None
    unknown = sorted(key for key in item if key not in order)
    if unknown:
        suggestion = _suggest(unknown[0], order)
        check.error(label, f"unknown keys {unknown}",
                    f"allowed: {', '.join(order)}" + (f"; {suggestion}" if suggestion else ""))
    source = {name: item.get(name) for name in order}
    if not source["publisher"]:
        check.error(f"{label}.publisher", "the publisher is missing", "name who published it")
    url = source["url"]
    if url is not None and not is_http_url(url):
        check.error(f"{label}.url", f"{url!r} is not an http(s) link",
                    "give the full address starting with https://, or leave url out")
    if source["published"] is not None:
        published = _parse_date(source["published"])
        if published is None:
            check.error(f"{label}.published", f"{source['published']!r} is not a date", "write YYYY-MM-DD")
        else:
            source["published"] = published.isoformat()
    language = source["language"]
    if language is not None and not (isinstance(language, str) and _LANG.match(language)):
        check.error(f"{label}.language", f"{language!r} is not a language code", "use ar, en, ...")
    for text_key in ("publisher", "quote"):
        if source[text_key] is not None and not isinstance(source[text_key], str):
            source[text_key] = str(source[text_key])
    for text_key in ("publisher", "quote", "url"):
        if isinstance(source[text_key], str) and _NUL in source[text_key]:
            _nul_error(check, f"{label}.{text_key}", source[text_key])
    return source


def _check_coordinates(check: _Checker, lat: object, lon: object) -> tuple[float | None, float | None]:
    box = region()["bbox"]
    if type(lat) is float and type(lon) is float and \
            box["south"] <= lat <= box["north"] and box["west"] <= lon <= box["east"]:
        return lat, lon  # the common case, settled by the last check below (NaN fails every comparison)
    values = {}
    for key, value, limit in (("lat", lat, 90), ("lon", lon, 180)):
        if value is None:
            return None, None  # reported once, by the required-field check
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            check.error(key, f"expected a decimal number, got {value!r}",
                        "write decimal degrees such as 35.3359, not degrees-minutes-seconds")
            return None, None
        if abs(value) > limit:
            check.error(key, f"{value} is out of range (−{limit} to {limit})", "check the digits and the sign")
            return None, None
        values[key] = float(value)
    lat_value, lon_value = values["lat"], values["lon"]

    def inside(y: float, x: float) -> bool:
        return box["south"] <= y <= box["north"] and box["west"] <= x <= box["east"]

    if not inside(lat_value, lon_value):
        if inside(lon_value, lat_value):
            check.error("lat", f"lat {lat_value}, lon {lon_value} look swapped",
                        f"write lat: {lon_value} and lon: {lat_value}")
            return None, None
        check.warn("lat", f"({lat_value}, {lon_value}) is far outside the region {region()['name']}",
                   "check the coordinates, or widen the bbox in geo/data/region.yaml")
    return lat_value, lon_value


def validate_incident(raw: object, path: str, actors: ActorRegistry | None = None) -> tuple[dict | None, list[Problem]]:
    """Check one raw incident; return its clean record (None when it has errors) and its problems."""
    if not isinstance(raw, dict):
        line = getattr(raw, "line", None)
        return None, [Problem(path, line, None, None, f"expected an incident (a mapping), got {raw!r}",
                              "each list item starts with `- id: ...` followed by its fields")]
    check = _Checker(raw, path, actors or registry())
    spec = fields()
    if getattr(raw, "duplicate_keys", []):
        check.failed = True  # already reported by the reader, with both lines
    if not raw.keys() <= spec.keys():
        for key in [key for key in raw if key not in spec]:
            check.error(key, "unknown field", _suggest(key, spec) or "see the data format in README.md")
    for name in [name for name in required_fields() if not (value := raw.get(name)) and value in _EMPTY]:
        check.error(name, "required field is missing", f"add `{name}:` — {spec[name].doc}")

    record: dict = {"line": getattr(raw, "line", None)}
    ident = raw.get("id")
    if ident is not None and not (isinstance(ident, str) and _ID.match(ident)):
        check.error("id", f"{ident!r} is not a valid id",
                    "use lowercase letters, digits and hyphens, e.g. dez-2023-08-23-001")
    record["id"] = ident if isinstance(ident, str) else None

    date = _parse_date(raw.get("date"))
    if raw.get("date") is not None and date is None:
        check.error("date", f"{raw.get('date')!r} is not a date", "write it as YYYY-MM-DD, e.g. 2023-08-23")
    date_end = _parse_date(raw.get("date_end"))
    if raw.get("date_end") is not None and date_end is None:
        check.error("date_end", f"{raw.get('date_end')!r} is not a date", "write it as YYYY-MM-DD")
    if date and date_end and date_end < date:
        check.error("date_end", f"{date_end} is before date {date}", "date_end is the last day of the span")
    record["date"] = date.isoformat() if date else None
    record["date_end"] = date_end.isoformat() if date_end else None

    for key in ("time_precision", "geo_precision", "status"):
        value = raw.get(key, spec[key].default)
        if value is not None and (not isinstance(value, str) or value not in spec[key].values):
            check.error(key, f"{value!r} is not one of {', '.join(spec[key].values)}",
                        _suggest(str(value), spec[key].values))
        record[key] = value
    time = raw.get("time")
    if time is not None and not (isinstance(time, str) and _TIME.match(time)):
        check.error("time", f"{time!r} is not a time of day", "write HH:MM in quotes, e.g. \"22:30\"")
    record["time"] = time

    taxonomy = event_types()
    event_type, sub_type = raw.get("event_type"), raw.get("sub_event_type")
    if event_type is not None and not isinstance(event_type, str):
        check.error("event_type", f"expected text, got {event_type!r}", f"use one of {', '.join(taxonomy)}")
    elif sub_type is not None and not isinstance(sub_type, str):
        check.error("sub_event_type", f"expected text, got {sub_type!r}", "write the sub-event type as text")
    elif event_type is not None and event_type not in taxonomy:
        check.error("event_type", f"unknown event type {event_type!r}",
                    _suggest(str(event_type), taxonomy) or f"use one of {', '.join(taxonomy)}")
    elif sub_type is not None and event_type in taxonomy and sub_type not in taxonomy[event_type]:
        elsewhere = [name for name, subs in taxonomy.items() if sub_type in subs]
        hint = (f"it belongs under {elsewhere[0]!r}" if elsewhere else
                _suggest(str(sub_type), taxonomy[event_type]) or f"use one of {', '.join(taxonomy[event_type])}")
        check.error("sub_event_type", f"{sub_type!r} is not a sub-event type of {event_type!r}", hint)
    record["event_type"], record["sub_event_type"] = event_type, sub_type

    for role in ("actor1", "actor2"):
        name, attribution = _check_actor(check, role, raw.get(role))
        record[role], record[f"{role}_attribution"] = name, attribution
        record[f"side{role[-1]}"] = check.actors.side_of(name)
    for key in ("assoc_actor1", "assoc_actor2"):
        record[key] = _check_actor_list(check, key, raw.get(key))

    record["lat"], record["lon"] = _check_coordinates(check, raw.get("lat"), raw.get("lon"))
    for key in _TEXT_FIELDS:
        value = raw.get(key)
        record[key] = value if value is None or type(value) is str and _NUL not in value \
            else _check_text(check, key, value)
    stamp = raw.get("last_edited_at")
    if stamp is not None:
        try:
            stamp = _iso_timestamp(str(stamp))
        except ValueError:
            check.error("last_edited_at", f"{stamp!r} is not a timestamp", "write ISO 8601, e.g. 2024-01-15T10:30:00+00:00")
    record["last_edited_at"] = stamp

    for key in ("fatalities", "injuries"):
        low, high, qualifier = _check_quantity(check, key, raw.get(key))
        record[key], record[f"{key}_max"], record[f"{key}_qualifier"] = low, high, qualifier

    record["sources"] = _check_sources(check, "sources", raw.get("sources")) if "sources" in raw else []
    tags = raw.get("tags") or []
    if not isinstance(tags, list) or not all(isinstance(tag, (str, int)) for tag in tags):
        check.error("tags", f"expected a list of words, got {tags!r}", "write tags: [word, other-word]")
        tags = []
    record["tags"] = [str(tag) for tag in tags]
    for index, tag in enumerate(record["tags"], 1):
        if _NUL in tag:
            _nul_error(check, f"tags[{index}]", tag)
    return (None if check.failed else record), check.problems


def validate_incidents(root: object, path: str) -> tuple[list[dict], list[Problem]]:
    """Validate a whole parsed file: every incident, plus duplicate ids across incidents."""
    if root is None:
        return [], []
    if not isinstance(root, list):
        return [], [Problem(path, getattr(root, "line", 1), None, None,
                            "the file must be a list of incidents",
                            "start each incident with `- id: ...` at the left margin")]
    actors = registry()
    records: list[dict] = []
    problems: list[Problem] = []
    first_line: dict[str, int | None] = {}
    for raw in root:
        record, found = validate_incident(raw, path, actors)
        problems.extend(found)
        ident = raw.get("id") if isinstance(raw, dict) else None
        if isinstance(ident, str):
            if ident in first_line:
                problems.append(Problem(path, getattr(raw, "line", None), ident, "id",
                                        f"duplicate id (first used on line {first_line[ident]})",
                                        "give this incident a new id; ids are never reused"))
                continue
            first_line[ident] = getattr(raw, "line", None)
        if record is not None:
            records.append(record)
    return records, problems
