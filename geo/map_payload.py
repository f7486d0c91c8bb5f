"""The compact form in which the browser receives incidents: columns, codes and bit fields.

At 100k incidents a marker-per-incident map is ~80 MB of HTML; these columns
are ~7 MB. Strings are factorised into one shared table, small vocabularies
(side, type, precision, status…) are packed as bit fields into one number per
incident, ids like ``dez-2022-08-25-004`` are rebuilt from their date, and
mostly-empty columns travel as {row: value}. ``geo/static/incident_layer.js``
decodes the same layout; `payload_ids` and `payload_field` decode it here, for tests.
"""

from __future__ import annotations

from functools import cache

import geopandas as gpd
import numpy as np
import orjson
import pandas as pd

from geo.actors import registry
from geo.schema import PRECISION_RADIUS_KM, attributions, event_types, fields, quantity_qualifiers, read_data_file

PRECISIONS = tuple(PRECISION_RADIUS_KM)
# Above this many incidents, popups carry the summary fields only; the full
# description, links and quotes of one incident are in the dashboard's table.
DETAIL_LIMIT = 5000


# Past this many incidents the uncertainty circles are a grey fog, not information: the map and
# the snapshots both leave them out.
CIRCLE_LIMIT = 5000


@cache
def map_style() -> dict:
    return read_data_file("map_style.yaml")


def _factorise(columns: list[pd.Series]) -> tuple[list[str], list[list[int]]]:
    """Codes (-1 for missing) of several string columns into one shared table of distinct strings."""
    stacked = pd.concat([column.astype(object) for column in columns], ignore_index=True)
    codes, uniques = pd.factorize(stacked, use_na_sentinel=True)
    table = [str(value) for value in uniques]
    out, start = [], 0
    for column in columns:
        out.append(codes[start:start + len(column)])
        start += len(column)
    return table, out


def _compact(values: np.ndarray, missing: np.ndarray) -> list | dict:
    """A column as a list (null where missing), or as {row: value} when mostly missing.

    The browser reads both as ``column[i]``.
    """
    if missing.sum() * 2 <= len(values):
        listed = values.tolist()
        for index in np.flatnonzero(missing).tolist():
            listed[index] = None
        return listed
    present = np.flatnonzero(~missing)
    return dict(zip(map(str, present.tolist()), values[present].tolist(), strict=True))


def _codes(codes: np.ndarray) -> list | dict:
    return _compact(codes, codes < 0)


def _counts(series: pd.Series) -> list | dict:
    values = series.astype("float64").to_numpy()
    missing = np.isnan(values)
    return _compact(np.where(missing, 0, values).astype(np.int64), missing)


def _optional_strings(series: pd.Series) -> list[str | None]:
    return [value if isinstance(value, str) else None for value in series.tolist()]


def _days(series: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Dates as days since 1970-01-01 (5 digits instead of a 12-character string) and where missing."""
    missing = series.isna().to_numpy()
    days = series.to_numpy().astype("datetime64[D]").astype("int64")
    return np.where(missing, 0, days), missing


# Text columns sent as codes into one shared string table, fewest distinct values
# first so the common codes stay one or two digits long.
_CODED = {
    "subtype": "sub_event_type", "actor1": "actor1", "actor2": "actor2", "governorate": "governorate",
    "district": "district", "place": "place",
}
_COUNTS = {"fat": "fatalities", "fat_max": "fatalities_max", "inj": "injuries", "inj_max": "injuries_max"}
_ENUM_COLUMNS = {"side": "side1", "type": "event_type", "precision": "geo_precision",
                 "time_precision": "time_precision", "attr1": "actor1_attribution", "attr2": "actor2_attribution",
                 "status": "status", "fat_q": "fatalities_qualifier", "inj_q": "injuries_qualifier"}


def _enums() -> dict[str, list[str | None]]:
    """Small closed vocabularies, packed as bit fields into one number per incident."""
    spec = fields()
    return {
        "side": list(registry().sides),
        "type": list(event_types()),
        "precision": list(PRECISIONS),
        "time_precision": [None, *spec["time_precision"].values],
        "attr1": [None, *attributions()],
        "attr2": [None, *attributions()],
        "status": [None, *spec["status"].values],
        "fat_q": [None, *quantity_qualifiers()],
        "inj_q": [None, *quantity_qualifiers()],
    }


def _pack_enums(frame: pd.DataFrame) -> tuple[list[int], list[dict]]:
    """One integer per incident holding every small code, and the layout to unpack it."""
    packed = np.zeros(len(frame), dtype=np.int64)
    layout, shift = [], 0
    for key, values in _enums().items():
        known = [value for value in values if value is not None]
        codes = pd.Categorical(frame[_ENUM_COLUMNS[key]], categories=known).codes.astype(np.int64)
        if values[0] is None:
            codes = codes + 1  # -1 (missing or unknown) becomes 0, the None slot
        else:
            codes[codes < 0] = values.index("Unidentified") if "Unidentified" in values else 0
        bits = max(1, (len(values) - 1).bit_length())
        packed |= codes << shift
        layout.append({"key": key, "shift": shift, "bits": bits, "values": values})
        shift += bits
    return packed.tolist(), layout


def _compact_ids(frame: pd.DataFrame) -> tuple[list[str], list]:
    """Ids like ``dez-2022-08-25-004`` as [prefix code, serial] when their date is the incident's date."""
    dates = np.datetime_as_string(frame["date"].to_numpy().astype("datetime64[D]")).tolist()
    prefixes: dict[str, int] = {}
    out: list = []
    for ident, date in zip(frame["id"].tolist(), dates, strict=True):
        # Plain string slicing: several times faster than a regular expression over 100k ids.
        cut = ident.rfind("-")
        serial, head = ident[cut + 1:], ident[:cut]
        if cut > 11 and serial.isdigit() and head.endswith(date) and head[-11] == "-":
            code = prefixes.setdefault(head[:-11], len(prefixes))
            out.append([code, serial])
        else:
            out.append(ident)
    return list(prefixes), out


def map_payload(frame: gpd.GeoDataFrame, detail_limit: int = DETAIL_LIMIT, drafts: bool = False) -> dict:
    """The compact, JSON-ready columns the browser draws the incidents from."""
    types = list(event_types())
    detailed = len(frame) <= detail_limit
    coded = {key: frame[column] for key, column in _CODED.items()}
    if not detailed:
        coded["publishers"] = pd.Series(
            ["; ".join(dict.fromkeys(str(s.get("publisher") or "") for s in sources or []))
             for sources in frame["sources"]], index=frame.index, dtype="object")
        coded["place"] = coded.pop("place")  # most distinct values last
    strings, codes = _factorise(list(coded.values()))
    flags, layout = _pack_enums(frame)
    id_prefixes, ids = _compact_ids(frame)
    payload = {
        "drafts": drafts,
        "sides": [{"name": side.name, "colour": side.colour} for side in registry().sides.values()],
        "types": types,
        "shapes": [map_style()["event_type_shapes"].get(name, "circle") for name in types],
        "strings": strings,
        "radius_m": _radii_m(frame.attrs.get("coarsen_km")),
        "coarsen_km": float(frame.attrs["coarsen_km"]) if frame.attrs.get("coarsen_km") else None,
        "flags": flags,
        "layout": layout,
        "id_prefixes": id_prefixes,
        "id": ids,
        "lat": np.round(frame["lat"].to_numpy(), 5).tolist(),
        "lon": np.round(frame["lon"].to_numpy(), 5).tolist(),
        "day": _days(frame["date"])[0].tolist(),
        "day_end": _compact(*_days(frame["date_end"])),
    }
    for key, values in zip(coded, codes, strict=True):
        payload[key] = _codes(values)
    for key, column in _COUNTS.items():
        payload[key] = _counts(frame[column])
    if detailed:
        payload["description"] = _optional_strings(frame["description"])
        payload["sources"] = [
            [[s.get("publisher"), s.get("url"), s.get("quote"), s.get("language"), s.get("published")]
             for s in sources or []]
            for sources in frame["sources"]
        ]
    return payload


def payload_ids(payload: dict) -> list[str]:
    """The incident ids of a payload, rebuilt as the browser does."""
    out = []
    for value, day in zip(payload["id"], payload["day"], strict=True):
        if isinstance(value, list):
            date = str(np.datetime64(day, "D"))
            out.append(f"{payload['id_prefixes'][value[0]]}-{date}-{value[1]}")
        else:
            out.append(value)
    return out


def payload_field(payload: dict, key: str) -> list:
    """One packed field (side, type, status, ...) of every incident, decoded as the browser does."""
    spec = next(item for item in payload["layout"] if item["key"] == key)
    mask = (1 << spec["bits"]) - 1
    return [spec["values"][(flags >> spec["shift"]) & mask] for flags in payload["flags"]]


def _radii_m(coarsen_km: float | None) -> list[float]:
    """The uncertainty radius per precision; on a coarsened map at least how far a point may have moved."""
    shift = 0.0
    if coarsen_km:
        from geo.export.coarsen import max_shift_km

        shift = float(max_shift_km(coarsen_km)) * 1000
    return [max(0 if name == "site" else PRECISION_RADIUS_KM[name] * 1000, shift) for name in PRECISIONS]


def script_json(value: object) -> str:
    """JSON that is safe inside a <script> element and inside a branca template.

    No tag, comment or line-separator escapes; and no Jinja delimiter: branca
    compiles a macro's rendered script once more as a template, so a
    description holding "{{ ... }}" would otherwise run on the server. JSON
    never has "{{", "{%" or "{#" outside a string, and in a string the
    escaped brace reads the same in JavaScript.
    """
    text = orjson.dumps(value).decode("utf-8")
    return (text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
            .replace("{{", "{\\u007b").replace("{%", "\\u007b%").replace("{#", "\\u007b#"))
