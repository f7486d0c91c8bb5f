"""Data exports of the filtered incidents: GeoJSON, CSV, KML and GeoPackage.

All four share one flat table (`flat_table`): one row per incident, actors and
sources flattened into readable text columns, the same field names everywhere
(documented in the README, "Briefing exports").
"""

from __future__ import annotations

import html
import json
import math
import re
from pathlib import Path
from xml.sax.saxutils import escape

import geopandas as gpd
import numpy as np
import pandas as pd

from geo.actors import registry
from geo.export.caption import caption
from geo.export.options import ExportOptions, ProgressReporter
from geo.schema import PRECISION_RADIUS_KM
from geo.summaries import quantity_text
from geo.validation import is_http_url

# Order of the columns in every data export; the README documents each one.
DATA_FIELDS = (
    "id", "date", "date_end", "time_precision", "time", "event_type", "sub_event_type",
    "actor1", "actor1_attribution", "side1", "actor2", "actor2_attribution", "side2",
    "assoc_actor1", "assoc_actor2", "place", "gazetteer_id", "lat", "lon", "geo_precision",
    "precision_km", "governorate", "district", "fatalities", "fatalities_max", "fatalities_qualifier",
    "injuries", "injuries_max", "injuries_qualifier", "description", "sources", "source_quotes",
    "status", "tags", "notes", "coarsen_km",
)
LIST_SEPARATOR = "; "
QUOTE_SEPARATOR = " | "
CHUNK = 5000
_XML_INVALID = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")
# A spreadsheet runs a cell that starts with one of these as a formula (OWASP "CSV injection").
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def flat_table(frame: gpd.GeoDataFrame, options: ExportOptions) -> pd.DataFrame:
    """The incidents as one flat table of `DATA_FIELDS`, text and numbers only.

    Parameters
    ----------
    frame : geopandas.GeoDataFrame
        Filtered (and, when asked, already coarsened) incidents.
    options : ExportOptions
        Supplies ``coarsen_km``, recorded on every row.

    Returns
    -------
    pandas.DataFrame
        ``sources`` reads ``"SY24 <https://…>; Reuters"``, ``source_quotes``
        ``"[1] quote | [2] quote"``; list columns are joined with ``"; "``.
    """
    table = pd.DataFrame(index=frame.index)
    for column in DATA_FIELDS:
        if column in ("date", "date_end"):
            table[column] = frame[column].dt.strftime("%Y-%m-%d").astype("object")
        elif column in ("assoc_actor1", "assoc_actor2", "tags"):
            table[column] = [LIST_SEPARATOR.join(map(str, items or ())) for items in frame[column]]
        elif column == "sources":
            table[column] = [_sources_text(items) for items in frame["sources"]]
        elif column == "source_quotes":
            table[column] = [_quotes_text(items) for items in frame["sources"]]
        elif column == "precision_km":
            table[column] = frame["geo_precision"].map(PRECISION_RADIUS_KM).astype("float64")
        elif column == "coarsen_km":
            table[column] = np.full(len(frame), np.nan if options.coarsen_km is None else options.coarsen_km)
        elif column == "gazetteer_id" and options.coarsen_km is not None:
            # A gazetteer id is a key to the exact coordinates that coarsening hides.
            table[column] = None
        else:
            table[column] = frame[column]
    return table.reset_index(drop=True)


def _sources_text(sources: object) -> str:
    parts = []
    for source in sources if isinstance(sources, list | tuple) else []:
        text = str(source.get("publisher") or "")
        url = source.get("url")
        if url:
            text += f" <{url}>"
        parts.append(text.strip())
    return LIST_SEPARATOR.join(parts)


def _quotes_text(sources: object) -> str:
    parts = []
    for number, source in enumerate(sources if isinstance(sources, list | tuple) else [], start=1):
        quote = " ".join(str(source.get("quote") or "").split())
        if quote:
            parts.append(f"[{number}] {quote}")
    return QUOTE_SEPARATOR.join(parts)


def _plain(value: object) -> object:
    """JSON-ready value: None for every kind of missing, Python ints and floats."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float | np.floating):
        return None if math.isnan(value) else float(value)
    if isinstance(value, np.integer):
        return int(value)
    return value


def write_geojson(frame: gpd.GeoDataFrame, path: Path, options: ExportOptions) -> None:
    """RFC 7946 FeatureCollection, [lon, lat] points; caption in a top-level "metadata" member."""
    table = flat_table(frame, options)
    columns = list(table.columns)
    report = ProgressReporter(options.progress, len(table))
    meta = json.dumps(caption(frame, options), ensure_ascii=False)
    with open(path, "w", encoding="utf-8") as handle:
        handle.write('{"type": "FeatureCollection", "metadata": ' + meta + ', "features": [\n')
        rows = table.itertuples(index=False, name=None)
        for done, row in enumerate(rows, start=1):
            properties = {column: _plain(value) for column, value in zip(columns, row, strict=True)}
            feature = {"type": "Feature", "id": properties["id"],
                       "geometry": {"type": "Point", "coordinates": [properties["lon"], properties["lat"]]},
                       "properties": properties}
            handle.write(("," if done > 1 else "") + json.dumps(feature, ensure_ascii=False) + "\n")
            if done % CHUNK == 0:
                report.update(done)
        handle.write("]}\n")
    report.finish()


def write_csv(frame: gpd.GeoDataFrame, path: Path, options: ExportOptions) -> None:
    """UTF-8 CSV with a byte-order mark so spreadsheet programs read Arabic correctly."""
    table = _defuse_formulas(flat_table(frame, options))
    report = ProgressReporter(options.progress, len(table))
    with open(path, "w", encoding="utf-8-sig", newline="") as handle:
        for start in range(0, max(len(table), 1), CHUNK):
            table.iloc[start:start + CHUNK].to_csv(handle, index=False, header=start == 0, lineterminator="\n")
            report.update(min(start + CHUNK, len(table)))
    report.finish()


def _defuse_formulas(table: pd.DataFrame) -> pd.DataFrame:
    """The table with a ``'`` before every text cell a spreadsheet would run as a formula."""
    table = table.copy()
    for column in table.columns:
        if pd.api.types.is_object_dtype(table[column]) or pd.api.types.is_string_dtype(table[column]):
            # Only text: numbers (a negative longitude) must stay numbers.
            table[column] = [f"'{value}" if isinstance(value, str) and value.startswith(_FORMULA_START) else value
                             for value in table[column]]
    return table


def write_gpkg(frame: gpd.GeoDataFrame, path: Path, options: ExportOptions) -> None:
    """GeoPackage layer "incidents" (EPSG:4326); the caption goes in the layer metadata."""
    import pyogrio

    table = flat_table(frame, options)
    for column in ("fatalities", "fatalities_max", "injuries", "injuries_max"):
        table[column] = table[column].astype("Int64")
    data = gpd.GeoDataFrame(table, geometry=gpd.points_from_xy(table["lon"], table["lat"]), crs="EPSG:4326")
    meta = {key: json.dumps(value, ensure_ascii=False) if isinstance(value, list) else str(value or "")
            for key, value in caption(frame, options).items()}
    report = ProgressReporter(options.progress, len(data))
    for start in range(0, len(data), CHUNK * 4):
        chunk = data.iloc[start:start + CHUNK * 4]
        pyogrio.write_dataframe(chunk, path, layer="incidents", driver="GPKG", append=start > 0,
                                layer_metadata=meta if start == 0 else None)
        report.update(start + len(chunk))
    report.finish()


def write_kml(frame: gpd.GeoDataFrame, path: Path, options: ExportOptions) -> None:
    """KML for Google Earth: one placemark per incident styled by the acting side's colour.

    Written as a stream, one placemark at a time: building the whole document in
    memory (as simplekml does) took 1.6 GB and 40 s at 100k incidents. Every
    untrusted string is HTML-escaped inside the balloon's HTML and the HTML is
    XML-escaped as text, so a description holding ``<script>`` shows as text.
    """
    table = flat_table(frame, options)
    info = caption(frame, options)
    sides = sorted(set(table["side1"].dropna()))
    style_ids = {side: f"side-{index}" for index, side in enumerate(sides)}
    report = ProgressReporter(options.progress, len(table))
    summary = f"{info['period']} — {info['filters']} — {info['count_text']}. {info['coarsening']} {info['made_at']}"
    with open(path, "w", encoding="utf-8") as out:
        out.write('<?xml version="1.0" encoding="UTF-8"?>\n<kml xmlns="http://www.opengis.net/kml/2.2"><Document>')
        out.write(f"<name>{_xml(options.title)}</name><description>{_xml(summary)}</description>")
        for side in [*sides, None]:
            out.write(_kml_style(style_ids.get(side, "side-unknown"), side))
        rows = zip(table.to_dict("records"), frame["sources"], strict=True)
        for done, (row, sources) in enumerate(rows, start=1):
            out.write(_kml_placemark(row, sources, style_ids.get(row["side1"], "side-unknown")))
            if done % CHUNK == 0:
                report.update(done)
        out.write("</Document></kml>\n")
    report.finish()


def _xml(value: object) -> str:
    value = _plain(value)
    return escape(_xml_text("" if value is None else str(value)))


def _kml_style(style_id: str, side: str | None) -> str:
    """One shared style per side (KML colours are aabbggrr)."""
    colour = registry().colour_of_side(side).lstrip("#")
    kml_colour = "ff" + colour[4:6] + colour[2:4] + colour[0:2]
    return (f'<Style id="{style_id}"><IconStyle><color>{kml_colour}</color><scale>0.9</scale><Icon>'
            "<href>http://maps.google.com/mapfiles/kml/shapes/placemark_circle.png</href></Icon></IconStyle></Style>")


def _kml_placemark(row: dict, sources: object, style_id: str) -> str:
    data = "".join(f'<Data name="{column}"><value>{_xml(row[column])}</value></Data>'
                   for column in ("id", "side1", "side2", "actor1", "actor2", "status", "geo_precision", "coarsen_km"))
    name = _xml(f"{row['date']} {row['sub_event_type']}")
    return (f"<Placemark><name>{name}</name>"
            f"<description>{escape(_kml_description(row, sources))}</description>"
            f"<TimeStamp><when>{_xml(row['date'])}</when></TimeStamp><styleUrl>#{style_id}</styleUrl>"
            f"<ExtendedData>{data}</ExtendedData>"
            f"<Point><coordinates>{float(row['lon'])!r},{float(row['lat'])!r}</coordinates></Point></Placemark>")


def _kml_description(row: dict, sources: object) -> str:
    """Balloon HTML of one incident; every value escaped, only http(s) URLs become links."""
    def esc(value: object) -> str:
        value = _plain(value)
        return html.escape(_xml_text("" if value is None else str(value)))

    lines = [
        f"<b>{esc(row['date'])}</b> — {esc(row['event_type'])} / {esc(row['sub_event_type'])}",
        f"Acted: {esc(row['actor1'])} ({esc(row['side1'])})",
        f"Targeted: {esc(row['actor2'])}" if _plain(row["actor2"]) else "",
        f"Place: <span dir=\"auto\">{esc(row['place'])}</span> ({esc(row['geo_precision'])},"
        f" ±{esc(row['precision_km'])} km)",
        f"Fatalities: {esc(_figure(row, 'fatalities'))}",
        f"Injuries: {esc(_figure(row, 'injuries'))}",
        f"<p>{esc(row['description'])}</p>",
        f"Status: {esc(row['status'])}",
    ]
    links = []
    for number, source in enumerate(sources if isinstance(sources, list | tuple) else [], start=1):
        name, url = source.get("publisher"), source.get("url")
        if url and is_http_url(url):
            links.append(f'[{number}] <a href="{html.escape(_xml_text(url), quote=True)}">{esc(name)}</a>')
        else:
            links.append(f"[{number}] {esc(name)}" + (f" ({esc(url)})" if url else ""))
    if links:
        lines.append("Sources: " + ", ".join(links))
    if _plain(row["source_quotes"]):
        lines.append(f"<p dir=\"auto\">{esc(row['source_quotes'])}</p>")
    return "<br/>".join(line for line in lines if line)


def _figure(row: dict, column: str) -> str:
    """Fatalities or injuries in words, as the map popup says them ("more than 20", "3–7", "unknown")."""
    return quantity_text(_plain(row[column]), _plain(row[f"{column}_max"]), _plain(row[f"{column}_qualifier"]))


def _xml_text(text: str) -> str:
    """Text without the control characters XML 1.0 forbids."""
    return _XML_INVALID.sub("", text)
