// Protected assets with their risk (recent incidents near them, time-decayed) and its trend,
// on a map and in a table. Risk comes from /risk; assets from /assets.
import * as L from "leaflet";
import { ApiError, describe, get, getAll } from "../api.js";
import { h, notice } from "../dom.js";
import { createMap } from "../map.js";
import { caseHref } from "../tables.js";

const LEVEL_COLORS = { low: "#009e73", medium: "#e69f00", elevated: "#e69f00", high: "#d55e00", critical: "#cc0000" };

/** A number or null from the usual risk field names. */
const scoreOf = (r) => (r ? (r.score ?? r.risk ?? r.value ?? null) : null);

/** The trend as an arrow and words: a string ("rising"), a number (change), or a series. */
function trendOf(r) {
  if (!r) return null;
  const t = r.trend ?? r.change ?? null;
  if (typeof t === "string") return t;
  if (typeof t === "number") return t > 0 ? `↑ +${t.toFixed(2)}` : t < 0 ? `↓ ${t.toFixed(2)}` : "→ 0";
  return null;
}

/** A small SVG line of a numeric series (built with DOM calls, no markup strings). */
function sparkline(series) {
  const vals = (series || []).map((p) => (typeof p === "number" ? p : scoreOf(p) ?? p.count ?? 0));
  if (vals.length < 2) return null;
  const ns = "http://www.w3.org/2000/svg";
  const w = 100, hgt = 24, max = Math.max(...vals, 1e-9), min = Math.min(...vals, 0);
  const pts = vals.map((v, i) => `${(i / (vals.length - 1)) * w},${hgt - ((v - min) / (max - min || 1)) * (hgt - 2) - 1}`);
  const svg = document.createElementNS(ns, "svg");
  svg.setAttribute("viewBox", `0 0 ${w} ${hgt}`);
  svg.setAttribute("class", "spark");
  const line = document.createElementNS(ns, "polyline");
  line.setAttribute("points", pts.join(" "));
  svg.appendChild(line);
  return svg;
}

function assetPoint(a) {
  const g = a.geometry;
  if (!g) return null;
  if (g.type === "Point") return [g.coordinates[1], g.coordinates[0]];
  try {
    const c = L.geoJSON(g).getBounds().getCenter();
    return [c.lat, c.lng];
  } catch {
    return null;
  }
}

export async function render(main, { signal, onCleanup }) {
  main.append(h("h1", {}, "Assets"));
  let assets;
  try {
    assets = (await getAll("/assets", {}, { max: 5000, signal })).items;
  } catch (e) {
    if (e instanceof ApiError && e.unavailable) {
      main.appendChild(notice("info", "Assets are not available on this server (GET /api/v1/assets is not served)."));
      return;
    }
    throw e;
  }
  let risk = new Map();
  let riskNote = null;
  try {
    const r = await get("/risk", {}, { signal });
    const items = Array.isArray(r) ? r : r.items || r.assets || [];
    risk = new Map(items.map((x) => [x.asset_id, x]));
  } catch (e) {
    if (e.name === "AbortError") return;
    riskNote = e instanceof ApiError && e.unavailable
      ? notice("info", "Risk scores are not available on this server.") : notice("error", describe(e));
  }
  if (!assets.length) {
    main.appendChild(notice("info", "No assets are registered. Add them with `eventwatch assets add` or POST /api/v1/assets."));
    return;
  }
  const mapEl = h("div", { id: "assets-map", className: "map small" });
  main.append(mapEl, riskNote);
  const map = createMap(mapEl);
  onCleanup(() => map.destroy());
  const layer = L.layerGroup().addTo(map.map);
  const pts = [];
  for (const a of assets) {
    const p = assetPoint(a);
    if (!p) continue;
    const r = risk.get(a.asset_id);
    const color = LEVEL_COLORS[r && r.level] || "#0072b2";
    if (a.geometry.type !== "Point") L.geoJSON(a.geometry, { style: { color, weight: 2, fillOpacity: 0.15 } }).addTo(layer);
    if (a.radius_km) L.circle(p, { radius: a.radius_km * 1000, color, weight: 1, fillOpacity: 0.08, interactive: false }).addTo(layer);
    L.circleMarker(p, { radius: 6, color: "#222", weight: 1, fillColor: color, fillOpacity: 0.9, className: "ew-asset" })
      .bindTooltip(h("span", {}, a.name)).addTo(layer);
    pts.push(p);
  }
  if (pts.length) map.map.fitBounds(L.latLngBounds(pts).pad(0.5), { maxZoom: 8 });

  const rows = [...assets].sort((x, y) => (scoreOf(risk.get(y.asset_id)) ?? -1) - (scoreOf(risk.get(x.asset_id)) ?? -1));
  main.append(h("table", { className: "list assets" },
    h("thead", {}, h("tr", {}, ["Asset", "Kind", "Country", "Protects", "Radius", "Risk", "Trend", "Top incidents"].map((t) => h("th", {}, t)))),
    h("tbody", {}, rows.map((a) => {
      const r = risk.get(a.asset_id);
      const s = scoreOf(r);
      const top = (r && (r.top || r.incidents || r.top_incidents)) || [];
      return h("tr", { dataset: { asset: a.asset_id } },
        h("td", {}, h("strong", {}, a.name), h("div", { className: "muted" }, a.asset_id)),
        h("td", {}, a.kind),
        h("td", {}, a.country || ""),
        h("td", {}, (a.covers || []).join(", ")),
        h("td", { className: "num" }, a.radius_km ? `${a.radius_km} km` : ""),
        h("td", { className: "num" }, s == null ? "–" : Number(s).toFixed(2),
          r && r.level ? [" ", h("span", { className: `level level-${r.level}` }, r.level)] : null),
        h("td", {}, trendOf(r) || "", sparkline(r && (r.series || r.history || (Array.isArray(r.trend) ? r.trend : null)))),
        h("td", {}, h("ul", { className: "plain" }, top.slice(0, 3).map((i) => h("li", {},
          i.incident_id ? h("a", { href: caseHref(i.incident_id) }, i.title || i.incident_id) : String(i.title || i))))));
    }))));
}
