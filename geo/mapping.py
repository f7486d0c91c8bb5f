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
import pandas as pd
from folium.elements import JSCSSMixin
from jinja2 import Template

from geo.map_payload import CIRCLE_LIMIT, map_payload, map_style, script_json
from geo.offline import make_offline, markercluster_uri, own_asset_uri, trim_map_assets
from geo.schema import DATA_DIR, region

# Drawing a faint uncertainty circle per incident is only worth it when they can be seen.


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


class IncidentLayer(JSCSSMixin):
    """The incidents, legend, timeline player and layer control, drawn by incident_layer.js."""

    _template = Template("""
{% macro script(this, kwargs) %}
(function () {
  var map = {{ this._parent.get_name() }};
  var payload = {{ this.payload }};
  var options = {{ this.options }};
  var bases = {}, keyed = {}, chosen = null;
  // The plain base is a layer group with no zoom range; without a map-wide one,
  // MarkerCluster refuses to start ("Map has no maxZoom specified").
  if (map.options.maxZoom === undefined) {
    map.options.maxZoom = Math.max.apply(null, options.basemaps.map(function (b) { return b.max_zoom || 19; }));
  }
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
        "circleStyle": map_style()["precision_circle"],  # the snapshots draw from the same entry
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
