// Protected assets with their risk (recent incidents near them, time-decayed) and its trend,
// on a map and in a table. Risk comes from /risk; assets from /assets.
import * as L from "leaflet";
import { ApiError, describe, get, getAll } from "../api.js";
import { append, h, notice } from "../dom.js";
import { createMap } from "../map.js";
import { caseHref } from "../tables.js";

/**
 * The trend of a risk score (incidents per day recently / in the baseline window before) as
 * words: "↑ ×1.80", "↓ ×0.50", "new" (nothing in the baseline to compare with) or "–".
 */
export function trendText(r) {
  if (!r) return "–";
  if (r.trend === null || r.trend === undefined) return r.recent ? "new" : "–";
  const t = Number(r.trend);
  const arrow = t > 1.05 ? "↑" : t < 0.95 ? "↓" : "→";
  return `${arrow} ×${t.toFixed(2)}`;
}

function contributors(r) {
  const top = (r && r.contributors) || [];
  return h("ul", { className: "plain" }, top.slice(0, 3).map((c) => h("li", {},
    h("a", { href: caseHref(c.incident_id) }, c.title || c.incident_id),
    h("span", { className: "muted" }, ` ${c.date || ""} · ${Math.round((c.share || 0) * 100)}%`))));
}

const SERIES_POINTS = 12; // monthly scores drawn as each asset's sparkline
const DAY_MS = 86400000;

/**
 * A small SVG line of scores (built with DOM calls, no markup strings), oldest first, on a
 * scale shared by every asset (`max`) so that lines compare.
 */
export function sparkline(values, title, max) {
  const ns = "http://www.w3.org/2000/svg";
  const w = 100, ht = 24;
  const pts = values.map((v, i) => `${((i / (values.length - 1)) * w).toFixed(1)},${(ht - 1 - (v / max) * (ht - 2)).toFixed(1)}`);
  const svg = document.createElementNS(ns, "svg");
  svg.setAttribute("viewBox", `0 0 ${w} ${ht}`);
  svg.setAttribute("class", "spark");
  const t = document.createElementNS(ns, "title");
  t.textContent = title;
  const line = document.createElementNS(ns, "polyline");
  line.setAttribute("points", pts.join(" "));
  svg.append(t, line);
  return svg;
}

/** Every asset's score at monthly steps up to `day` ({asset_id: [scores]}), a few requests at a time. */
async function riskSeries(day, signal) {
  const end = Date.parse(`${day}T00:00:00Z`);
  const days = Array.from({ length: SERIES_POINTS }, (_, i) => new Date(end - (SERIES_POINTS - 1 - i) * 30 * DAY_MS)
    .toISOString().slice(0, 10));
  const out = {};
  for (let i = 0; i < days.length; i += 4) {
    const pages = await Promise.all(days.slice(i, i + 4).map((d) => get("/risk", { as_of: d, limit: 1000 }, { signal })));
    pages.forEach((p, j) => {
      for (const x of riskItems(p)) {
        const id = x.key ?? x.asset_id;
        (out[id] = out[id] || new Array(days.length).fill(0))[i + j] = x.score;
      }
    });
  }
  return { days, series: out };
}

function riskItems(r) {
  return Array.isArray(r) ? r : r.items || [];
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

/**
 * The date risk is computed for: the one asked for, else the latest report in the database
 * when that is older than today (an archive: "today" would find nothing recent), else today.
 */
async function riskDate(query, signal) {
  if (query.as_of) return { day: query.as_of, why: "chosen" };
  const today = new Date().toISOString().slice(0, 10);
  try {
    const s = await get("/summary", {}, { signal });
    const last = s.date_range && s.date_range[1];
    if (last && last < today) return { day: last, why: "the latest report in the database" };
  } catch (e) {
    if (e.name === "AbortError") throw e;
  }
  return { day: today, why: "today" };
}

export async function render(main, { query, signal, onCleanup }) {
  let assets;
  try {
    assets = (await getAll("/assets", {}, { max: 5000, signal })).items;
  } catch (e) {
    if (e instanceof ApiError && e.unavailable) {
      append(main, h("h1", {}, "Assets"),
        notice("info", "Assets are not available on this server (GET /api/v1/assets is not served)."));
      return;
    }
    throw e;
  }
  const { day, why } = await riskDate(query, signal);
  const asOf = h("input", { type: "date", name: "as_of", value: day, "aria-label": "risk as of" });
  asOf.addEventListener("change", () => { location.hash = `#/assets${asOf.value ? `?as_of=${asOf.value}` : ""}`; });
  append(main, h("div", { className: "toolbar" }, h("h1", {}, "Assets"),
    h("label", { className: "as-of" }, "Risk as of ", asOf, h("span", { className: "muted" }, ` (${why})`))));
  let risk = new Map();
  let riskNote = null;
  try {
    const r = await get("/risk", { as_of: day, limit: 1000 }, { signal });
    risk = new Map(riskItems(r).map((x) => [x.key ?? x.asset_id, x]));
  } catch (e) {
    if (e.name === "AbortError") return;
    riskNote = e instanceof ApiError && e.unavailable
      ? notice("info", "Risk scores are not available on this server.") : notice("error", `Risk: ${describe(e)}`);
  }
  if (!assets.length) {
    main.appendChild(notice("info", "No assets are registered. Add them with `eventwatch assets add` or POST /api/v1/assets."));
    return;
  }
  const mapEl = h("div", { id: "assets-map", className: "map small" });
  append(main, mapEl, riskNote);
  const map = createMap(mapEl);
  onCleanup(() => map.destroy());
  const layer = L.layerGroup().addTo(map.map);
  const pts = [];
  for (const a of assets) {
    const p = assetPoint(a);
    if (!p) continue;
    const r = risk.get(a.asset_id);
    const color = r && r.recent ? (r.trend === null || r.trend > 1.05 ? "#d55e00" : "#e69f00") : "#0072b2";
    if (a.geometry.type !== "Point") L.geoJSON(a.geometry, { style: { color, weight: 2, fillOpacity: 0.15 } }).addTo(layer);
    if (a.radius_km) L.circle(p, { radius: a.radius_km * 1000, color, weight: 1, fillOpacity: 0.08, interactive: false }).addTo(layer);
    L.circleMarker(p, { radius: 6, color: "#222", weight: 1, fillColor: color, fillOpacity: 0.9, className: "ew-asset" })
      .bindTooltip(h("span", {}, a.name)).addTo(layer);
    pts.push(p);
  }
  if (pts.length) map.map.fitBounds(L.latLngBounds(pts).pad(0.5), { maxZoom: 8, animate: false });

  const score = (id) => (risk.has(id) ? risk.get(id).score : -1);
  const rows = [...assets].sort((x, y) => score(y.asset_id) - score(x.asset_id) || x.name.localeCompare(y.name));
  append(main, h("h2", {}, "Risk by asset"), h("table", { className: "list assets" },
    h("thead", {}, h("tr", {}, ["Asset", "Kind", "Country", "Protects", "Radius", "Risk", "Trend", "Incidents (recent / before)", "Main contributors"]
      .map((t) => h("th", {}, t)))),
    h("tbody", {}, rows.map((a) => {
      const r = risk.get(a.asset_id);
      return h("tr", { dataset: { asset: a.asset_id } },
        h("td", {}, h("strong", {}, a.name), h("div", { className: "muted" }, a.asset_id)),
        h("td", {}, a.kind),
        h("td", {}, a.country || ""),
        h("td", {}, (a.covers || []).join(", ")),
        h("td", { className: "num" }, a.radius_km ? `${a.radius_km} km` : ""),
        h("td", { className: "num risk" }, r ? Number(r.score).toFixed(1) : "–"),
        h("td", { className: "trend nowrap", dataset: { asset: a.asset_id } }, trendText(r)),
        h("td", { className: "num" }, r ? `${r.incidents} (${r.recent} / ${r.baseline})` : ""),
        h("td", {}, contributors(r)));
    }))));

  // the score over the past year, one point a month, drawn in the trend column when it arrives
  if (risk.size) {
    riskSeries(day, signal).then(({ days, series }) => {
      const max = Math.max(1e-9, ...Object.values(series).flat());
      for (const cell of main.querySelectorAll("td.trend[data-asset]")) {
        const values = series[cell.dataset.asset];
        if (values && values.some((v) => v > 0)) {
          cell.appendChild(sparkline(values, `risk, monthly from ${days[0]} to ${days[days.length - 1]}: ${values.map((v) => v.toFixed(1)).join(", ")}`, max));
        }
      }
    }).catch(() => { /* the sparklines are extra: the table stands without them */ });
  }

  // districts: where incidents cluster regardless of assets
  try {
    const d = riskItems(await get("/risk", { districts: "true", as_of: day, limit: 15 }, { signal }));
    if (d.length) {
      append(main, h("h2", {}, "Risk by district"), h("table", { className: "list districts" },
        h("thead", {}, h("tr", {}, ["District", "Risk", "Trend", "Incidents (recent / before)", "Main contributors"].map((t) => h("th", {}, t)))),
        h("tbody", {}, d.slice(0, 15).map((r) => h("tr", {},
          h("td", {}, r.name), h("td", { className: "num" }, Number(r.score).toFixed(1)), h("td", { className: "nowrap" }, trendText(r)),
          h("td", { className: "num" }, `${r.incidents} (${r.recent} / ${r.baseline})`), h("td", {}, contributors(r)))))));
    }
  } catch (e) {
    if (e.name === "AbortError") return;
    /* districts are optional: the asset table above stands on its own */
  }
}
