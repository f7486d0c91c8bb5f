"""Building the interactive incident map (folium/Leaflet), fast at 100k incidents.

A map with one Python ``folium.Marker`` per incident takes over a minute and
~80 MB of HTML at 100k incidents. Here the filtered incidents are sent once as
compact columns (strings factorised into a shared table) and drawn, clustered
and given popups by ``geo/static/incident_layer.js`` in the browser.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache

import folium
import folium.plugins
import geopandas as gpd
import numpy as np
import orjson
import pandas as pd
from folium.elements import JSCSSMixin
from jinja2 import Template

from geo.actors import registry
from geo.offline import make_offline, markercluster_uri, own_asset_uri, trim_map_assets
from geo.schema import (
    DATA_DIR,
    PRECISION_RADIUS_KM,
    attributions,
    event_types,
    fields,
    quantity_qualifiers,
    read_data_file,
    region,
)

PRECISIONS = tuple(PRECISION_RADIUS_KM)
# Above this many incidents, popups carry the summary fields only; the full
# description, links and quotes of one incident are in the dashboard's table.
DETAIL_LIMIT = 5000
# Drawing a faint uncertainty circle per incident is only worth it when they can be seen.
CIRCLE_LIMIT = 5000


@dataclass(frozen=True)
class MapView:
    """What the map shows besides the incidents: basemap, position, layers."""

    basemap: str = "streets"
    center: tuple[float, float] | None = None  # (lat, lon)
    zoom: int | None = None
    heat: bool = False
    cluster: bool = True
    selected_id: str | None = None
    timeline: bool = True
    draw: bool = False
    sync_url: bool = True
    height: int = 640


@cache
def map_style() -> dict:
    return read_data_file("map_style.yaml")


def basemaps() -> dict[str, dict]:
    """Basemap key -> {name, url, attribution, max_zoom}."""
    return map_style()["basemaps"]


@cache
def context_geojson() -> dict | None:
    """Borders, rivers and towns drawn when online tiles are unavailable."""
    path = DATA_DIR / "context.geojson"
    if not path.exists():
        return None
    return json.loads(path.read_text("utf-8"))


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
        "radius_m": [0 if name == "site" else PRECISION_RADIUS_KM[name] * 1000 for name in PRECISIONS],
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


def script_json(value: object) -> str:
    """JSON that is safe inside a <script> element: no tag, comment or line-separator escapes."""
    text = orjson.dumps(value).decode("utf-8")
    return (text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


class IncidentLayer(JSCSSMixin):
    """The incidents, legend, timeline player and layer control, drawn by incident_layer.js."""

    _template = Template("""
{% macro script(this, kwargs) %}
(function () {
  var map = {{ this._parent.get_name() }};
  var payload = {{ this.payload }};
  var options = {{ this.options }};
  var bases = {}, keyed = {}, chosen = null;
  options.basemaps.forEach(function (b) {
    var layer = b.url ? L.tileLayer(b.url, {attribution: b.attribution, maxZoom: b.max_zoom}) : L.layerGroup();
    if (!b.url) { layer.getAttribution = function () { return b.attribution; }; }
    bases[b.name] = layer; keyed[b.key] = layer;
    if (b.key === options.basemap) chosen = layer;
  });
  (chosen || bases[Object.keys(bases)[0]]).addTo(map);
  map.getContainer().classList.add("plain-basemap");
  options.baseLayers = bases; options.baseLayerKeys = keyed; options.extraOverlays = [];
  if (options.context) {
    var context = L.geoJSON(options.context, {
      interactive: false,
      style: function (f) {
        var kind = f.properties.kind;
        if (kind === "river" || kind === "lake") {
          return {color: "#4a90c8", weight: kind === "river" ? 2 : 1, fillColor: "#9cc6e8", fillOpacity: 0.6};
        }
        return {color: "#777", weight: 1.2, dashArray: "5 3", fill: false};
      },
      pointToLayer: function (f, latlng) {
        var marker = L.circleMarker(latlng, {radius: 2.5, color: "#333", weight: 1, fillOpacity: 1, interactive: false});
        if ((f.properties.rank || 3) <= 2) {
          var name = document.createElement("span");
          name.textContent = f.properties.name_en || "";
          marker.bindTooltip(name, {permanent: true, direction: "right", className: "context-label", offset: [4, 0]});
        }
        return marker;
      }
    });
    context.addTo(map);
    options.extraOverlays.push(["Borders, rivers, towns (offline)", context]);
  }
  if (options.choropleth) {
    var counts = options.choropleth.features.map(function (f) { return f.properties.count; });
    var maxCount = Math.max.apply(null, counts.concat([1]));
    var choro = L.geoJSON(options.choropleth, {
      style: function (f) {
        var share = f.properties.count / maxCount;
        return {color: "#555", weight: 1, fillColor: "#b30000", fillOpacity: 0.05 + 0.55 * share};
      },
      onEachFeature: function (f, layer) {
        var label = document.createElement("span");  // text node: boundary files may come from elsewhere
        label.textContent = f.properties.name + ": " + f.properties.count + " incidents";
        layer.bindTooltip(label);
      }
    });
    options.extraOverlays.push(["Incidents per district", choro]);
  }
  window.geoIncidentMap(map, payload, options);
})();
{% endmacro %}
""")

    default_js = [
        ("leaflet_heat", "https://cdn.jsdelivr.net/gh/python-visualization/folium@main/folium/templates/leaflet_heat.min.js"),
    ]
    default_css: list = []

    def __init__(self, payload: dict, options: dict) -> None:
        super().__init__()
        self._name = "IncidentLayer"
        self.payload = script_json(payload)
        self.options = script_json(options)
        # Our own script and styles, as data: URIs so they load with no server and no internet.
        self.default_js = [("leaflet_markercluster", markercluster_uri("leaflet.markercluster.js")), *self.default_js,
                           ("incident_layer_js", own_asset_uri("incident_layer.js"))]
        self.default_css = [("markerclustercss", markercluster_uri("MarkerCluster.css")),
                            ("incident_layer_css", own_asset_uri("incident_layer.css"))]


def build_map(frame: gpd.GeoDataFrame, view: MapView | None = None, *, drafts: gpd.GeoDataFrame | None = None,
              choropleth: dict | None = None, offline: bool = True) -> folium.Map:
    """The interactive map of the given incidents.

    Parameters
    ----------
    frame : GeoDataFrame
        Incidents as loaded by `geo.load_incidents` (already filtered).
    view : MapView
        Basemap, centre/zoom (default: the data's extent, else the region's),
        heat map, clustering, the incident to select, drawing tools.
    drafts : GeoDataFrame, optional
        Draft incidents to show in their own dashed style.
    choropleth : dict, optional
        A GeoJSON FeatureCollection of areas with ``name`` and ``count`` properties.
    offline : bool
        Inline every script and stylesheet (no CDN); the default.
    """
    view = view or MapView()
    reg = region()
    fmap = folium.Map(
        location=list(view.center) if view.center else [reg["center"]["lat"], reg["center"]["lon"]],
        zoom_start=view.zoom or reg["zoom"],
        tiles=None,
        control_scale=True,
        prefer_canvas=True,
        height="100%",
    )
    trim_map_assets(fmap)
    fit = None
    if view.center is None and len(frame):
        west, south, east, north = (float(value) for value in frame.total_bounds)
        fit = [[south, west], [north, east]]
    folium.plugins.Fullscreen(position="topleft").add_to(fmap)
    folium.plugins.MeasureControl(position="topleft", primary_length_unit="kilometers",
                                  secondary_length_unit="meters", primary_area_unit="sqkilometers").add_to(fmap)
    if view.draw:
        folium.plugins.Draw(
            export=False, position="topleft",
            draw_options={"polyline": False, "circle": False, "marker": False, "circlemarker": False},
        ).add_to(fmap)
    options = {
        "basemap": view.basemap if view.basemap in basemaps() else "streets",
        "basemaps": [{"key": key, **spec} for key, spec in basemaps().items()],
        "cluster": view.cluster,
        "heat": view.heat,
        "heatAvailable": True,
        "timeline": view.timeline,
        "selected": view.selected_id,
        "precisionCircles": len(frame) <= CIRCLE_LIMIT,
        "syncUrl": view.sync_url,
        "fit": fit,
        "context": context_geojson(),
        "choropleth": choropleth,
        "drafts": map_payload(drafts, drafts=True) if drafts is not None and len(drafts) else None,
    }
    IncidentLayer(map_payload(frame), options).add_to(fmap)
    if offline:
        make_offline(fmap)
    return fmap


def map_html(fmap: folium.Map) -> str:
    """The whole map as one standalone HTML page."""
    return fmap.get_root().render()


def district_choropleth(frame: gpd.GeoDataFrame) -> dict | None:
    """District polygons with the number of incidents in each, as GeoJSON, or None without boundaries."""
    from geo.admin import admin_areas

    try:
        districts = admin_areas("district")
    except Exception:  # noqa: BLE001 - missing boundaries only drop this layer
        return None
    if districts.empty:
        return None
    counts = frame["district"].value_counts() if len(frame) else pd.Series(dtype="int64")
    features = []
    for name, geometry in zip(districts["name_en"], districts.geometry, strict=True):
        simple = geometry.simplify(0.01, preserve_topology=True)
        features.append({"type": "Feature", "geometry": simple.__geo_interface__,
                         "properties": {"name": name, "count": int(counts.get(name, 0))}})
    return {"type": "FeatureCollection", "features": features}
