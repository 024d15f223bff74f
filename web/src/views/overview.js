// Map and timeline: incidents (or events, while no incidents are built) on the map, their
// counts per day/week/month, the filters, and the list under them.
import { ApiError, describe, get, getAll } from "../api.js";
import { bucketRange, autoInterval, timelineChart } from "../charts.js";
import { actorLabel, append, h, notice, placeLabel, plural, quadBadge } from "../dom.js";
import { apiFilters, filterBar } from "../filters.js";
import { createMap, legend } from "../map.js";
import { articleHref, caseHref, eventsTable, incidentsTable, orderSelect, pager } from "../tables.js";

const MAP_MAX = 2000; // items drawn on the map and counted in the timeline (the latest ones)
const PAGE = 50;

const go = (query) => { location.hash = makeQuery(query); };

function makeQuery(query) {
  const q = new URLSearchParams(Object.entries(query).filter(([, v]) => v !== "" && v != null)).toString();
  return `#/${q ? `?${q}` : ""}`;
}

/** Which list feeds the map: incidents when this server has any, else events. */
async function chooseSource(query, signal) {
  if (query.show === "events") return { kind: "events", why: null };
  try {
    const any = await get("/incidents", { limit: 1 }, { signal });
    if ((any.total ?? any.items.length) > 0) return { kind: "incidents", why: null };
    return { kind: "events", why: "No incidents have been built on this server yet: showing events." };
  } catch (e) {
    if (e instanceof ApiError && e.unavailable) {
      return { kind: "events", why: "Incidents are not available on this server: showing events." };
    }
    throw e;
  }
}

function incidentMarkers(items) {
  return items.filter((i) => i.location && i.location.lat != null && i.location.lon != null).map((inc) => ({
    lat: inc.location.lat, lon: inc.location.lon, count: inc.num_mentions || 1, quad: inc.quad_class,
    label: `${inc.title || inc.code_name || inc.code} (${plural(inc.num_mentions || 1, "mention")})`,
    popup: () => h("div", { className: "popup" },
      h("strong", {}, inc.title || inc.code_name || inc.code), h("br"),
      quadBadge(inc.quad_class), " ", inc.date || inc.first_seen || "", h("br"),
      `${actorLabel(inc.source)} → ${actorLabel(inc.target)}`, h("br"),
      placeLabel(inc.location), h("br"),
      `${plural(inc.num_mentions, "mention")}, ${plural(inc.num_sources, "source")}, status ${inc.status}`, h("br"),
      h("a", { href: caseHref(inc.incident_id) }, "Open the case →")),
  }));
}

/** Events at the same place and of the same QuadClass share one marker. */
function eventMarkers(items) {
  const groups = new Map();
  for (const ev of items) {
    const p = ev.location;
    if (!p || p.lat == null || p.lon == null) continue;
    const key = `${p.lat.toFixed(3)},${p.lon.toFixed(3)},${ev.quad_class || 0}`;
    if (!groups.has(key)) groups.set(key, { lat: p.lat, lon: p.lon, quad: ev.quad_class, events: [], place: p });
    groups.get(key).events.push(ev);
  }
  return [...groups.values()].map((g) => ({
    lat: g.lat, lon: g.lon, quad: g.quad, count: g.events.length,
    label: `${placeLabel(g.place)}: ${g.events.length} event${g.events.length > 1 ? "s" : ""}`,
    popup: () => h("div", { className: "popup" },
      h("strong", {}, placeLabel(g.place)), " ", quadBadge(g.quad),
      h("ul", {}, g.events.slice(0, 8).map((ev) => h("li", {},
        `${ev.date || ev.published || "?"} ${actorLabel(ev.source)} `,
        h("span", { className: "code" }, ev.code), ` ${ev.code_name || ""} → ${actorLabel(ev.target)} `,
        h("a", { href: articleHref(ev) }, "evidence")))),
      g.events.length > 8 ? h("div", { className: "muted" }, `and ${g.events.length - 8} more`) : null),
  }));
}

export async function render(main, { query, signal, onCleanup }) {
  const filters = apiFilters(query);
  const source = await chooseSource(query, signal);
  const kind = source.kind;

  const showToggle = h("div", { className: "segmented", role: "group", "aria-label": "Show" },
    ["incidents", "events"].map((k) => h("a", {
      href: makeQuery({ ...query, show: k === "incidents" ? "" : "events", offset: "", order: "" }),
      className: k === kind ? "active" : "", "aria-current": k === kind ? "true" : null,
    }, k === "incidents" ? "Incidents" : "Events")));
  const interval = h("select", { name: "interval", "aria-label": "Timeline interval" },
    ["auto", "day", "week", "month"].map((v) => h("option", { value: v, selected: (query.interval || "auto") === v }, v)));
  interval.addEventListener("change", () => go({ ...query, interval: interval.value === "auto" ? "" : interval.value }));

  const mapEl = h("div", { id: "map", className: "map", "aria-label": "map" });
  const status = h("div", { className: "map-status", role: "status" }, "Loading…");
  const canvas = h("canvas", { id: "timeline", "aria-label": "timeline" });
  const listBox = h("section", { className: "listbox" });
  append(main,
    h("div", { className: "toolbar" }, filterBar(query, (q) => go({ ...q, show: query.show, interval: query.interval, order: query.order }),
      { keep: ["show", "interval", "order"] }), showToggle),
    source.why ? notice("info", source.why) : null,
    mapEl, h("div", { className: "under-map" }, legend(), status),
    h("section", { className: "timeline-box" },
      h("div", { className: "section-head" }, h("h2", {}, `${kind === "incidents" ? "Incidents" : "Events"} over time`),
        h("label", {}, "per ", interval)),
      h("div", { className: "chart" }, canvas)),
    listBox,
  );

  const map = createMap(mapEl);
  onCleanup(() => map.destroy());

  const path = kind === "incidents" ? "/incidents" : "/events";
  let all;
  try {
    // newest first: over a large store the map and timeline show the latest MAP_MAX
    all = await getAll(path, { ...filters, order: "-date" }, { max: MAP_MAX, signal });
  } catch (e) {
    if (e.name === "AbortError") return;
    status.textContent = "";
    status.appendChild(notice("error", describe(e)));
    return;
  }
  const markers = kind === "incidents" ? incidentMarkers(all.items) : eventMarkers(all.items);
  map.setMarkers(markers);
  const placed = kind === "incidents" ? markers.length : markers.reduce((n, m) => n + m.count, 0);
  status.textContent = `${all.total} ${kind}` + (all.total > all.items.length ? ` (the latest ${all.items.length} drawn and counted below)` : "")
    + `; ${all.items.length - placed} without coordinates are not on the map.`;

  const rows = all.items.map((x) => (kind === "incidents"
    ? { date: x.date || x.first_seen, quad: x.quad_class }
    : { date: x.date || x.published, quad: x.quad_class }));
  const iv = query.interval || autoInterval(rows.map((r) => r.date).filter(Boolean));
  const chart = timelineChart(canvas, rows, iv, {
    yLabel: kind,
    onPick: (label) => {
      const [since, until] = bucketRange(label, iv);
      go({ ...query, since, until, offset: "" });
    },
  });
  onCleanup(() => chart.destroy());

  // the list: one page from the server
  const offset = Math.max(0, parseInt(query.offset || "0", 10) || 0);
  try {
    const order = query.order || "-date";
    const page = await get(path, { ...filters, limit: PAGE, offset, order }, { signal });
    append(listBox,
      h("div", { className: "section-head" },
        h("h2", {}, `${kind === "incidents" ? "Incidents" : "Events"} (${page.total})`),
        orderSelect(kind, order, (o) => go({ ...query, order: o === "-date" ? "" : o, offset: "" }))),
      page.items.length ? (kind === "incidents" ? incidentsTable(page.items) : eventsTable(page.items))
        : notice("info", Object.keys(filters).length ? "Nothing matches these filters."
          : `No ${kind} are stored yet: ingest articles with \`eventwatch ingest FILES --db DB\` (or POST /api/v1/ingest).`),
      pager({ total: page.total, limit: PAGE, offset }, (o) => go({ ...query, offset: o || "" })),
    );
  } catch (e) {
    if (e.name !== "AbortError") listBox.appendChild(notice("error", describe(e)));
  }
}
