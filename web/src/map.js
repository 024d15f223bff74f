// The map: country outlines drawn from the bundled Natural Earth TopoJSON (no tile server
// needed, nothing fetched from elsewhere), plus an optional tile layer when the server is
// configured with one (EVENTWATCH_TILE_URL). Markers are circles sized by mentions and
// coloured by QuadClass.
import * as L from "leaflet";
import { feature } from "topojson-client";
import { h, QUAD_COLORS, QUAD_NAMES, NO_QUAD_COLOR } from "./dom.js";

let outlines = null; // the GeoJSON of the countries, loaded once per page
let config = null;

async function loadOutlines() {
  if (!outlines) {
    outlines = fetch("countries-50m.json", { cache: "force-cache" })
      .then((r) => (r.ok ? r.json() : Promise.reject(new Error(`HTTP ${r.status}`))))
      .then((topo) => {
        const geo = feature(topo, topo.objects.countries);
        // Antarctica's ring runs along the pole, which Web Mercator draws as a line across the map
        geo.features = geo.features.filter((f) => f.id !== "010").map(unwrapFeature);
        return geo;
      });
  }
  return outlines;
}

/**
 * Rings that cross the antimeridian (Russia, Fiji) jump from +180 to -180; Leaflet would draw
 * that jump as a band across the whole map. Keep each ring continuous instead (longitudes past
 * 180 are fine for Leaflet).
 */
function unwrapRing(ring) {
  let offset = 0;
  let prev = ring[0][0];
  return ring.map(([x, y], i) => {
    if (i) {
      const d = x - prev;
      if (d > 180) offset -= 360;
      else if (d < -180) offset += 360;
    }
    prev = x;
    return [x + offset, y];
  });
}

function unwrapFeature(f) {
  const g = f.geometry;
  if (!g) return f;
  const polys = g.type === "Polygon" ? [g.coordinates] : g.type === "MultiPolygon" ? g.coordinates : null;
  if (!polys) return f;
  const fixed = polys.map((rings) => rings.map(unwrapRing));
  return { ...f, geometry: { type: g.type, coordinates: g.type === "Polygon" ? fixed[0] : fixed } };
}

async function loadConfig() {
  if (!config) {
    config = fetch("config.json", { cache: "no-store" })
      .then((r) => (r.ok ? r.json() : {}))
      .catch(() => ({}));
  }
  return config;
}

// Leaflet's attribution control takes markup; the configured attribution is shown as text.
function escapeText(s) {
  return String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Radius in pixels for a marker standing for `n` mentions: area grows with n. */
export function radius(n) {
  return Math.min(28, 4 + 3.2 * Math.sqrt(Math.max(1, n)));
}

/**
 * Create the map in `el`. Returns {setMarkers(list), destroy()} where each marker is
 * {lat, lon, count, quad, popup: () => Node, label}.
 */
export function createMap(el) {
  const map = L.map(el, { worldCopyJump: true, minZoom: 1, maxZoom: 12, zoomSnap: 0.5, preferCanvas: false })
    .setView([25, 60], 2);
  map.attributionControl.setPrefix(false);
  // outlines arrive after the markers: their own pane keeps them under the markers (and over tiles)
  map.createPane("outlines").style.zIndex = "250";
  const base = L.layerGroup().addTo(map);
  const markers = L.layerGroup().addTo(map);
  loadConfig().then((cfg) => {
    if (cfg && cfg.tile_url) {
      L.tileLayer(cfg.tile_url, { attribution: escapeText(cfg.tile_attribution || ""), maxZoom: 18 }).addTo(base);
    }
  });
  loadOutlines().then((geo) => {
    L.geoJSON(geo, {
      interactive: false,
      pane: "outlines",
      style: { color: "#8a94a3", weight: 0.6, fillColor: "#eef0f3", fillOpacity: 1, className: "ew-country" },
    }).addTo(base);
    map.attributionControl.addAttribution("Outlines: Natural Earth");
  }).catch((e) => console.warn("country outlines unavailable", e));

  let bounds = null;
  return {
    map,
    setMarkers(list, { fit = true } = {}) {
      markers.clearLayers();
      // big circles first so small ones stay clickable on top of them
      const sorted = [...list].sort((a, b) => b.count - a.count);
      const pts = [];
      for (const m of sorted) {
        const color = QUAD_COLORS[m.quad] || NO_QUAD_COLOR;
        const c = L.circleMarker([m.lat, m.lon], {
          radius: radius(m.count), color: "#222", weight: 1, fillColor: color, fillOpacity: 0.75,
          className: `ew-marker quad-${m.quad || 0}`,
        });
        // Leaflet puts string content in as HTML: tooltips and popups get DOM nodes instead
        c.bindTooltip(h("span", {}, m.label), { direction: "top" });
        c.bindPopup(() => m.popup(), { maxWidth: 360 });
        c.addTo(markers);
        pts.push([m.lat, m.lon]);
      }
      bounds = pts.length ? L.latLngBounds(pts) : null;
      // no animation: a view left mid-animation would make Leaflet act on a removed map
      if (fit && bounds) map.fitBounds(bounds.pad(0.3), { maxZoom: 6, animate: false });
    },
    destroy() {
      map.stop();
      map.remove();
    },
  };
}

/** The QuadClass legend shown under the map. */
export function legend() {
  return h("div", { className: "legend" },
    Object.entries(QUAD_NAMES).map(([q, name]) => h("span", { className: "legend-item" },
      h("span", { className: `swatch quad-bg-${q}` }), name)),
    h("span", { className: "legend-item muted" }, "circle area: number of mentions"));
}
