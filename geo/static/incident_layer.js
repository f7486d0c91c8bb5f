/*
 * Incident layer: draws incidents sent once as compact columns, clusters them
 * client-side, builds popups in the browser with DOM text nodes (so untrusted
 * text never becomes markup), and plays the timeline without a server round trip.
 * Written for this project; Leaflet and its plugins are loaded separately.
 */
(function () {
  "use strict";

  var DAY = 86400000;
  // While Streamlit sizes the map's frame, each resize re-applies the initial
  // view for this long (ms); later resizes are the user's and are left alone.
  var FIRST_RESIZE_HOLD_MS = 3000;

  function isHttp(url) {
    return typeof url === "string" && /^https?:\/\/[^\s]+$/i.test(url.trim());
  }

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) {
      if (key === "text") node.textContent = attrs[key];
      else if (key === "cls") node.className = attrs[key];
      else node.setAttribute(key, attrs[key]);
    });
    (children || []).forEach(function (child) { if (child) node.appendChild(child); });
    return node;
  }

  function hasArabic(text) { return /[\u0600-\u06ff]/.test(text || ""); }

  /* Canvas shapes: one symbol per event type, drawn by Leaflet's canvas renderer. */
  L.Canvas.include({
    _updateIncidentShape: function (layer) {
      if (!this._drawing || layer._empty()) return;
      var p = layer._point, ctx = this._ctx, r = Math.max(layer._radius, 1), shape = layer.options.shape;
      ctx.beginPath();
      if (shape === "square") {
        ctx.rect(p.x - r, p.y - r, 2 * r, 2 * r);
      } else if (shape === "triangle") {
        ctx.moveTo(p.x, p.y - r * 1.2); ctx.lineTo(p.x + r * 1.1, p.y + r * 0.9); ctx.lineTo(p.x - r * 1.1, p.y + r * 0.9); ctx.closePath();
      } else if (shape === "diamond") {
        ctx.moveTo(p.x, p.y - r * 1.3); ctx.lineTo(p.x + r, p.y); ctx.lineTo(p.x, p.y + r * 1.3); ctx.lineTo(p.x - r, p.y); ctx.closePath();
      } else if (shape === "star") {
        for (var i = 0; i < 10; i++) {
          var rad = i % 2 ? r * 0.5 : r * 1.3, ang = Math.PI / 5 * i - Math.PI / 2;
          ctx[i ? "lineTo" : "moveTo"](p.x + rad * Math.cos(ang), p.y + rad * Math.sin(ang));
        }
        ctx.closePath();
      } else if (shape === "cross") {
        var w = r * 0.45;
        ctx.moveTo(p.x - w, p.y - r); ctx.lineTo(p.x + w, p.y - r); ctx.lineTo(p.x + w, p.y - w); ctx.lineTo(p.x + r, p.y - w);
        ctx.lineTo(p.x + r, p.y + w); ctx.lineTo(p.x + w, p.y + w); ctx.lineTo(p.x + w, p.y + r); ctx.lineTo(p.x - w, p.y + r);
        ctx.lineTo(p.x - w, p.y + w); ctx.lineTo(p.x - r, p.y + w); ctx.lineTo(p.x - r, p.y - w); ctx.lineTo(p.x - w, p.y - w); ctx.closePath();
      } else {
        ctx.arc(p.x, p.y, r, 0, Math.PI * 2, false);
      }
      this._fillStroke(ctx, layer);
    }
  });
  L.IncidentMarker = L.CircleMarker.extend({
    _updatePath: function () { this._renderer._updateIncidentShape(this); }
  });

  /* Columns come as lists, or as {row: value} objects when mostly empty; column[i] reads both. */
  function Incidents(payload) {
    var self = this;
    this.p = payload;
    this.n = payload.lat.length;
    this.dates = payload.day.map(function (d) { return d * DAY; });
    /* The last day of each incident (its date when it has no date_end), for time windows. */
    this.ends = this.dates.map(function (start, i) { var end = self.get("day_end", i); return end === null ? start : end * DAY; });
    /* Small vocabularies arrive packed as bit fields of one number per incident. */
    this.codes = {};
    this.vocab = {};
    payload.layout.forEach(function (spec) {
      var codes = new Uint8Array(self.n), mask = (1 << spec.bits) - 1;
      for (var i = 0; i < self.n; i++) codes[i] = Math.floor(payload.flags[i] / Math.pow(2, spec.shift)) & mask;
      self.codes[spec.key] = codes;
      self.vocab[spec.key] = spec.values;
    });
    /* Ids like dez-2022-08-25-004 arrive as [prefix code, serial] and are rebuilt from the date. */
    this.ids = payload.id.map(function (value, i) {
      if (typeof value === "string") return value;
      return payload.id_prefixes[value[0]] + "-" + new Date(payload.day[i] * DAY).toISOString().slice(0, 10) + "-" + value[1];
    });
  }
  Incidents.prototype.code = function (key, i) { return this.codes[key][i]; };
  Incidents.prototype.enumValue = function (key, i) { return this.vocab[key][this.codes[key][i]]; };
  Incidents.prototype.get = function (column, i) {
    var values = this.p[column];
    if (!values) return null;
    var value = values[i];
    return value === undefined ? null : value;
  };
  Incidents.prototype.str = function (column, i) {
    var value = this.get(column, i);
    return value === null ? null : this.p.strings[value];
  };
  Incidents.prototype.day = function (column, i) {
    var value = this.get(column, i);
    return value === null ? null : new Date(value * DAY).toISOString().slice(0, 10);
  };

  function quantity(low, high, qualifier) {
    if (low === null || low === undefined) return null;
    var words = { more_than: "more than ", at_least: "at least ", about: "about ", dozens: "dozens (", several: "several (", up_to: "up to " };
    // "more than 20" is stored as min 21 (the least it can be); say it as the source did.
    var text = (words[qualifier] || "") + (qualifier === "more_than" ? low - 1 : low);
    if (qualifier === "dozens" || qualifier === "several") text += ")";
    if (high !== null && high !== undefined && high !== low) text += "–" + high;
    return text;
  }

  function buildPopup(data, i) {
    var p = data.p, box = el("div", { cls: "incident-popup", "data-id": data.ids[i] });
    var kind = data.enumValue("type", i), sub = data.str("subtype", i);
    var end = data.day("day_end", i), precision = data.enumValue("time_precision", i);
    box.appendChild(el("div", { cls: "ip-title", text: data.day("day", i) + (end ? " – " + end : "") +
      (precision && precision !== "day" ? " (± " + precision + ")" : "") }));
    box.appendChild(el("div", { cls: "ip-type", text: kind + (sub ? " › " + sub : "") }));
    var rows = [];
    var a1 = data.str("actor1", i), a2 = data.str("actor2", i);
    var attr1 = data.enumValue("attr1", i), attr2 = data.enumValue("attr2", i);
    if (a1) rows.push(["Acted", a1 + (attr1 && attr1 !== "reported" ? " (" + attr1 + ")" : "")]);
    if (a2) rows.push(["Targeted", a2 + (attr2 && attr2 !== "reported" ? " (" + attr2 + ")" : "")]);
    rows.push(["Place", (data.str("place", i) || "") + " · " + precisionLabel(data.enumValue("precision", i)) +
      (p.coarsen_km ? " · position rounded to a " + p.coarsen_km + " km grid" : "")]);
    var admin = [data.str("district", i), data.str("governorate", i)].filter(Boolean).join(", ");
    if (admin) rows.push(["Area", admin]);
    var killed = quantity(data.get("fat", i), data.get("fat_max", i), data.enumValue("fat_q", i));
    var hurt = quantity(data.get("inj", i), data.get("inj_max", i), data.enumValue("inj_q", i));
    rows.push(["Fatalities", killed === null ? "unknown" : killed]);
    rows.push(["Injuries", hurt === null ? "unknown" : hurt]);
    rows.push(["Status", data.enumValue("status", i)]);
    var table = el("table", { cls: "ip-fields" });
    rows.forEach(function (row) {
      var value = el("td", { text: row[1] });
      if (hasArabic(row[1])) value.setAttribute("dir", "auto");
      table.appendChild(el("tr", {}, [el("th", { text: row[0] }), value]));
    });
    box.appendChild(table);
    if (p.description && p.description[i]) {
      box.appendChild(el("p", { cls: "ip-description", text: p.description[i], dir: "auto" }));
    }
    var sources = p.sources ? p.sources[i] : null;
    if (sources && sources.length) {
      var list = el("ol", { cls: "ip-sources" });
      sources.forEach(function (source) {
        var item = el("li", {});
        var label = source[0] || "source";
        if (isHttp(source[1])) {
          item.appendChild(el("a", { href: source[1].trim(), target: "_blank", rel: "noopener noreferrer", text: label }));
        } else {
          item.appendChild(el("span", { text: label }));
        }
        if (source[4]) item.appendChild(el("span", { cls: "ip-published", text: " · " + source[4] }));
        if (source[2]) {
          var quote = el("blockquote", { cls: "ip-quote", text: source[2], dir: hasArabic(source[2]) ? "rtl" : "auto" });
          if (source[3]) quote.setAttribute("lang", source[3]);
          item.appendChild(quote);
        }
        list.appendChild(item);
      });
      box.appendChild(list);
    } else if (p.publishers) {
      box.appendChild(el("div", { cls: "ip-sources-short", text: "Sources: " + (data.str("publishers", i) || "—") +
        " (select the incident in the table for links and quotes)" }));
    }
    box.appendChild(el("div", { cls: "ip-id", text: data.ids[i] }));
    return box;
  }

  function precisionLabel(precision) {
    return { site: "exact site", village: "village / neighbourhood", town: "town", district: "district or wider" }[precision] || precision || "";
  }

  function legendControl(payload, counts) {
    var control = L.control({ position: "bottomright" });
    control.onAdd = function () {
      var box = el("div", { cls: "incident-legend leaflet-bar" });
      box.appendChild(el("div", { cls: "il-title", text: payload.drafts ? "Sides (drafts dashed)" : "Sides" }));
      payload.sides.forEach(function (side, index) {
        if (!counts.sides[index]) return;
        var swatch = el("span", { cls: "il-swatch" });
        swatch.style.background = side.colour;
        box.appendChild(el("div", { cls: "il-row" }, [swatch, el("span", { text: side.name + " (" + counts.sides[index] + ")" })]));
      });
      box.appendChild(el("div", { cls: "il-title", text: "Event types" }));
      payload.types.forEach(function (type, index) {
        if (!counts.types[index]) return;
        box.appendChild(el("div", { cls: "il-row" }, [el("span", { cls: "il-shape il-" + payload.shapes[index] }), el("span", { text: type })]));
      });
      box.appendChild(el("div", { cls: "il-note", text: "Faint circles: location uncertainty" }));
      L.DomEvent.disableClickPropagation(box);
      return box;
    };
    return control;
  }

  function playControl(layer) {
    var control = L.control({ position: "bottomleft" });
    control.onAdd = function () {
      var box = el("div", { cls: "incident-play leaflet-bar" });
      var button = el("button", { type: "button", cls: "ip-play", title: "Play the timeline", text: "▶" });
      var step = el("select", { cls: "ip-step", title: "Step" }, [el("option", { value: "1", text: "day" }), el("option", { value: "7", text: "week" })]);
      var mode = el("select", { cls: "ip-mode", title: "Window" }, [el("option", { value: "moving", text: "moving" }), el("option", { value: "cumulative", text: "cumulative" })]);
      var speed = el("select", { cls: "ip-speed", title: "Speed" }, ["0.5", "1", "2", "4"].map(function (s) { return el("option", { value: s, text: s + "×" }); }));
      speed.value = "1";
      var label = el("span", { cls: "ip-date", text: "all dates" });
      var reset = el("button", { type: "button", cls: "ip-reset", title: "Show all dates", text: "⟲" });
      [button, step, mode, speed, reset, label].forEach(function (node) { box.appendChild(node); });
      var timer = null, cursor = null;
      function show() {
        var days = +step.value, end = cursor + days * DAY, start = mode.value === "cumulative" ? -Infinity : cursor;
        layer.showRange(start, end);
        label.textContent = new Date(cursor).toISOString().slice(0, 10) + " → " + new Date(end - DAY).toISOString().slice(0, 10) +
          " (" + layer.visibleCount + ")";
      }
      function tick() {
        cursor += +step.value * DAY;
        if (cursor > layer.maxDate) { stop(); return; }
        show();
      }
      function stop() { clearInterval(timer); timer = null; button.textContent = "▶"; }
      button.onclick = function () {
        if (timer) { stop(); return; }
        if (cursor === null || cursor > layer.maxDate) cursor = layer.minDate;
        show();
        button.textContent = "⏸";
        timer = setInterval(tick, 1000 / +speed.value);
      };
      speed.onchange = function () { if (timer) { clearInterval(timer); timer = setInterval(tick, 1000 / +speed.value); } };
      reset.onclick = function () { stop(); cursor = null; layer.showRange(-Infinity, Infinity); label.textContent = "all dates"; };
      L.DomEvent.disableClickPropagation(box);
      return box;
    };
    return control;
  }

  function linkControl() {
    var control = L.control({ position: "topright" });
    control.onAdd = function () {
      var box = el("div", { cls: "incident-link leaflet-bar" });
      var button = el("button", { type: "button", cls: "ip-copy-link", title: "Copy a link to this view", text: "Copy link" });
      var field = el("input", { type: "text", cls: "ip-link-field", readonly: "readonly" });
      field.style.display = "none";
      button.onclick = function () {
        var url = currentUrl();
        field.value = url;
        field.style.display = "block";
        field.select();
        var done = function () { button.textContent = "Link copied"; setTimeout(function () { button.textContent = "Copy link"; }, 2000); };
        if (navigator.clipboard && navigator.clipboard.writeText) navigator.clipboard.writeText(url).then(done, function () {});
        else { try { document.execCommand("copy"); done(); } catch (e) { /* the field stays visible to copy by hand */ } }
      };
      box.appendChild(button);
      box.appendChild(field);
      L.DomEvent.disableClickPropagation(box);
      return box;
    };
    return control;
  }

  function topWindow() {
    try { if (window.parent && window.parent !== window && window.parent.location.href) return window.parent; } catch (e) { /* cross-origin */ }
    return window;
  }

  function currentUrl() { return topWindow().location.href; }

  /* The view the page URL holds (a shared link, or the view before a redraw), or null. */
  function urlView() {
    var win = topWindow();
    try {
      var params = new URL(win.location.href).searchParams;
      var lat = parseFloat(params.get("lat")), lon = parseFloat(params.get("lon")), zoom = parseInt(params.get("zoom"), 10);
      if (isFinite(lat) && isFinite(lon) && Math.abs(lat) <= 90 && Math.abs(lon) <= 180) {
        return { center: [lat, lon], zoom: isFinite(zoom) && zoom >= 1 && zoom <= 19 ? zoom : null };
      }
    } catch (e) { /* no readable URL */ }
    return null;
  }

  /* Start from the selected incident, else the URL's view, else fit the incidents; hold it while the
     host sizes the frame. */
  function initialView(map, options, layer) {
    var fromUrl = options.syncUrl !== false ? urlView() : null;
    function apply() {
      if (options.selected && layer.data.ids.indexOf(options.selected) >= 0) {
        // after the cluster group has taken its markers (it does so once it is on the map)
        setTimeout(function () { layer.select(options.selected); }, 100);
        return;
      }
      if (fromUrl) map.setView(fromUrl.center, fromUrl.zoom || map.getZoom(), { animate: false });
      else if (options.fit) {
        var bounds = L.latLngBounds(options.fit);
        if (bounds.getNorth() - bounds.getSouth() < 0.01 && bounds.getEast() - bounds.getWest() < 0.01) {
          map.setView(bounds.getCenter(), 12, { animate: false });
        } else {
          map.fitBounds(bounds, { padding: [20, 20], maxZoom: 12, animate: false });
        }
      }
    }
    apply();
    var settleUntil = Date.now() + FIRST_RESIZE_HOLD_MS;
    map.on("resize", function () { if (Date.now() < settleUntil) apply(); });
  }

  /* Keep the map's centre, zoom and base layer in the page URL so a copied link restores them. */
  function syncView(map, baseLayers) {
    var win = topWindow();
    if (win === window && !/^https?:/.test(window.location.protocol)) return;
    function write(extra) {
      try {
        var url = new URL(win.location.href), c = map.getCenter();
        url.searchParams.set("lat", c.lat.toFixed(5));
        url.searchParams.set("lon", c.lng.toFixed(5));
        url.searchParams.set("zoom", String(map.getZoom()));
        Object.keys(extra || {}).forEach(function (key) { url.searchParams.set(key, extra[key]); });
        win.history.replaceState(win.history.state, "", url.toString());
      } catch (e) { /* a sandboxed frame without access keeps working, only without URL sync */ }
    }
    map.on("moveend", function () { write(); });
    map.on("baselayerchange", function (event) {
      var key = Object.keys(baseLayers).filter(function (k) { return baseLayers[k] === event.layer; })[0];
      if (key) write({ basemap: key });
    });
  }

  function IncidentLayer(map, payload, options) {
    var data = new Incidents(payload), self = this;
    this.map = map;
    this.data = data;
    this.renderer = L.canvas({ padding: 0.5 });
    this.markers = new Array(data.n);
    this.cluster = options.cluster && L.markerClusterGroup ? L.markerClusterGroup({
      chunkedLoading: true, showCoverageOnHover: false, maxClusterRadius: 45, disableClusteringAtZoom: 13,
      iconCreateFunction: function (cluster) {
        var children = cluster.getAllChildMarkers(), tally = {}, best = null;
        children.forEach(function (m) { tally[m.options.color] = (tally[m.options.color] || 0) + 1; });
        Object.keys(tally).forEach(function (c) { if (best === null || tally[c] > tally[best]) best = c; });
        var size = children.length < 10 ? 30 : children.length < 100 ? 36 : children.length < 1000 ? 42 : 50;
        var node = el("div", { cls: "incident-cluster", text: String(children.length) });
        node.style.borderColor = best;
        return L.divIcon({ html: node.outerHTML, className: "incident-cluster-icon", iconSize: L.point(size, size) });
      }
    }) : L.featureGroup();
    this.precisionLayer = L.layerGroup();
    this.circles = [];
    var counts = { sides: payload.sides.map(function () { return 0; }), types: payload.types.map(function () { return 0; }) };
    this.minDate = Infinity; this.maxDate = -Infinity;
    for (var i = 0; i < data.n; i++) {
      var sideCode = data.code("side", i), typeCode = data.code("type", i);
      var side = payload.sides[sideCode] || payload.sides[payload.sides.length - 1];
      var style = {
        renderer: this.renderer, radius: options.radius || 6, shape: payload.shapes[typeCode], color: side.colour,
        fillColor: side.colour, fillOpacity: payload.drafts ? 0.15 : 0.85, weight: payload.drafts ? 2 : 1,
        dashArray: payload.drafts ? "3 3" : null, incidentIndex: i
      };
      var marker = new L.IncidentMarker([payload.lat[i], payload.lon[i]], style);
      marker.bindPopup((function (index) { return function () { return buildPopup(data, index); }; })(i), { maxWidth: 360, minWidth: 260 });
      this.markers[i] = marker;
      counts.sides[sideCode] += 1;
      counts.types[typeCode] += 1;
      var t = data.dates[i];
      if (t < this.minDate) this.minDate = t;
      if (t > this.maxDate) this.maxDate = t;
      var radius = payload.radius_m[data.code("precision", i)];
      if (radius && options.precisionCircles) {
        var look = options.circleStyle || {};
        this.circles[i] = L.circle([payload.lat[i], payload.lon[i]], {
          renderer: this.renderer, radius: radius, color: side.colour, weight: 1, opacity: look.opacity,
          dashArray: look.dash, fillOpacity: look.fill_opacity, interactive: false
        });
        this.precisionLayer.addLayer(this.circles[i]);
      }
    }
    this.visibleCount = data.n;
    if (this.cluster.addLayers) this.cluster.addLayers(this.markers); else this.markers.forEach(function (m) { self.cluster.addLayer(m); });
    this.counts = counts;
    this.heat = (options.heatAvailable && L.heatLayer) ? L.heatLayer(payload.lat.map(function (lat, k) { return [lat, payload.lon[k], 1]; }), { radius: 18, blur: 22, minOpacity: 0.3 }) : null;
  }

  /* Show the incidents whose days overlap [start, end), as the GIF export picks its frames:
     markers, their uncertainty circles and the heat layer alike. */
  IncidentLayer.prototype.showRange = function (start, end) {
    var keep = [], circles = [], points = [], dates = this.data.dates, ends = this.data.ends, p = this.data.p;
    for (var i = 0; i < this.markers.length; i++) {
      if (dates[i] < end && ends[i] >= start) {
        keep.push(this.markers[i]);
        if (this.circles[i]) circles.push(this.circles[i]);
        points.push([p.lat[i], p.lon[i], 1]);
      }
    }
    this.cluster.clearLayers();
    if (this.cluster.addLayers) this.cluster.addLayers(keep); else keep.forEach(function (m) { this.cluster.addLayer(m); }, this);
    this.precisionLayer.clearLayers();
    circles.forEach(function (circle) { this.precisionLayer.addLayer(circle); }, this);
    if (this.heat) this.heat.setLatLngs(points);
    this.visibleCount = keep.length;
  };

  IncidentLayer.prototype.select = function (id) {
    var index = this.data.ids.indexOf(id);
    if (index < 0) return false;
    var marker = this.markers[index], map = this.map;
    var opened = false;
    var open = function () { if (!opened) { opened = true; marker.openPopup(); } };
    // zoomToShowLayer skips its callback when the marker needs no zoom change; open it anyway.
    if (this.cluster.zoomToShowLayer) { this.cluster.zoomToShowLayer(marker, open); setTimeout(open, 700); }
    else { map.setView(marker.getLatLng(), Math.max(map.getZoom(), 12)); open(); }
    return true;
  };

  /* Entry point used by the map's generated script. */
  window.geoIncidentMap = function (map, payload, options) {
    var layer = new IncidentLayer(map, payload, options);
    layer.cluster.addTo(map);
    if (options.precisionCircles) layer.precisionLayer.addTo(map);
    var overlays = {};
    overlays[payload.drafts ? "Draft incidents" : "Incidents"] = layer.cluster;
    if (options.precisionCircles) overlays["Location uncertainty"] = layer.precisionLayer;
    if (layer.heat) {
      overlays["Heat map"] = layer.heat;
      if (options.heat) layer.heat.addTo(map);
    }
    if (options.drafts) {
      var drafts = new IncidentLayer(map, options.drafts, { cluster: false, precisionCircles: false });
      drafts.cluster.addTo(map);
      overlays["Draft incidents"] = drafts.cluster;
      layer.drafts = drafts;
    }
    (options.extraOverlays || []).forEach(function (entry) { overlays[entry[0]] = entry[1]; });
    L.control.layers(options.baseLayers || {}, overlays, { collapsed: true, position: "topright" }).addTo(map);
    if (options.legend !== false) legendControl(payload, layer.counts).addTo(map);
    if (options.timeline !== false && layer.data.n > 0) playControl(layer).addTo(map);
    if (options.copyLink !== false) linkControl().addTo(map);
    initialView(map, options, layer);
    if (options.syncUrl !== false) syncView(map, options.baseLayerKeys || {});
    map.getContainer().setAttribute("data-incident-count", String(layer.data.n));
    window.incidentLayer = layer;
    return layer;
  };
})();
