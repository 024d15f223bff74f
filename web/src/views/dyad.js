// The dyad view: how two countries deal with each other over time. With the relations endpoint
// (/dyads/{a}/{b}) the chart shows each direction per week or month (QuadClass counts, mean
// Goldstein) and a table of meetings, pledges, demands and attacks; without it, the same counts
// are computed here from the events. The events themselves are listed under the chart.
import { ApiError, describe, get, getAll } from "../api.js";
import { autoInterval, dyadChart, relationsChart } from "../charts.js";
import { append, h, notice } from "../dom.js";
import { eventsTable } from "../tables.js";

const MAX = 5000;
const FIGURES = ["events", "verbal_cooperation", "material_cooperation", "verbal_conflict", "material_conflict",
  "goldstein_mean", "meetings", "pledges", "demands", "attacks"];

const dyadHash = (a, b, q = {}) => {
  const qs = new URLSearchParams(Object.entries(q).filter(([, v]) => v)).toString();
  return `#/dyad/${encodeURIComponent(a)}/${encodeURIComponent(b)}${qs ? `?${qs}` : ""}`;
};

function pickForm(a = "", b = "") {
  const ia = h("input", { name: "a", value: a, placeholder: "CHN", size: 4, maxLength: 3, "aria-label": "first country" });
  const ib = h("input", { name: "b", value: b, placeholder: "PAK", size: 4, maxLength: 3, "aria-label": "second country" });
  const form = h("form", { className: "filters" }, h("span", {}, "Dyad "), ia, " – ", ib, h("button", { type: "submit" }, "Show"));
  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    const x = ia.value.trim().toUpperCase(), y = ib.value.trim().toUpperCase();
    if (x && y) location.hash = dyadHash(x, y);
  });
  return form;
}

async function topDyads(main, signal) {
  const s = await get("/summary", {}, { signal });
  const dyads = s.top_dyads || [];
  append(main, h("h2", {}, "Most reported dyads"),
    dyads.length ? h("table", { className: "list" },
      h("thead", {}, h("tr", {}, h("th", {}, "Dyad"), h("th", {}, "Events"))),
      h("tbody", {}, dyads.map((d) => h("tr", {},
        h("td", {}, h("a", { href: dyadHash(d.source_country, d.target_country) }, `${d.source_country} → ${d.target_country}`)),
        h("td", { className: "num" }, d.count)))))
      : notice("info", "No events between two countries are stored yet."));
}

/** Totals per direction: events, QuadClass counts, mean Goldstein, meetings... */
function totalsTable(rep) {
  const dirs = [["a_to_b", `${rep.a} → ${rep.b}`], ["b_to_a", `${rep.b} → ${rep.a}`], ["both", "both"]];
  return h("table", { className: "list totals" },
    h("thead", {}, h("tr", {}, h("th", {}, ""), FIGURES.map((f) => h("th", { className: "num" }, f.replace(/_/g, " "))))),
    h("tbody", {}, dirs.map(([d, label]) => h("tr", {}, h("th", {}, label),
      FIGURES.map((f) => h("td", { className: "num" }, rep.totals[d][f] ?? "–"))))));
}

function intervalSelect(choices, value, onChange) {
  const sel = h("select", { name: "by", "aria-label": "per" }, choices.map((v) => h("option", { value: v, selected: value === v }, v)));
  sel.addEventListener("change", () => onChange(sel.value));
  return h("label", {}, "per ", sel);
}

export async function render(main, { args, query, signal, onCleanup }) {
  const [a, b] = args.map((x) => (x || "").toUpperCase());
  append(main, h("div", { className: "toolbar" }, pickForm(a, b)));
  if (!a || !b) {
    await topDyads(main, signal);
    return;
  }
  const title = h("h1", {}, `${a} ↔ ${b}`);
  const canvas = h("canvas", { id: "dyad-chart", "aria-label": "dyad chart" });
  const head = h("div", { className: "section-head" }, h("h2", {}, "Relations over time"));
  const chartBox = h("section", { className: "timeline-box" }, head, h("div", { className: "chart tall" }, canvas));
  const factsBox = h("section", {});
  const listBox = h("section", {});
  append(main, title, chartBox, factsBox, listBox);

  let rep = null;
  try {
    rep = await get(`/dyads/${encodeURIComponent(a)}/${encodeURIComponent(b)}`,
      { by: query.by || "month", since: query.since, until: query.until }, { signal });
  } catch (e) {
    if (!(e instanceof ApiError && e.unavailable)) throw e;
  }
  const all = await getAll("/events", { dyad: `${a},${b}`, since: query.since, until: query.until }, { max: MAX, signal });
  let chart;
  if (rep) {
    title.textContent = `${rep.a_name || a} ↔ ${rep.b_name || b}`;
    head.appendChild(intervalSelect(["week", "month"], rep.by, (by) => { location.hash = dyadHash(a, b, { ...query, by, period: "" }); }));
    chart = relationsChart(canvas, rep, {
      onPick: (period) => { location.hash = dyadHash(a, b, { ...query, period: period.period }); },
    });
    const excluded = Object.entries(rep.excluded || {}).filter(([, ids]) => ids.length);
    append(factsBox, h("h2", {}, `Totals ${rep.since || ""} to ${rep.until || ""}`), totalsTable(rep),
      excluded.length ? h("p", { className: "muted" }, "Not counted: ",
        excluded.map(([why, ids]) => `${ids.length} ${why}`).join(", ")) : null);
  } else {
    const rows = all.items.map((ev) => ({ date: ev.date || ev.published, quad: ev.quad_class, goldstein: ev.goldstein }));
    const iv = query.by || autoInterval(rows.map((r) => r.date).filter(Boolean));
    head.appendChild(intervalSelect(["day", "week", "month"], iv, (by) => { location.hash = dyadHash(a, b, { ...query, by, period: "" }); }));
    factsBox.appendChild(notice("info", "Relation figures are not available on this server: the chart counts the events below."));
    chart = dyadChart(canvas, rows, iv);
  }
  onCleanup(() => chart.destroy());
  // a clicked period of the relations chart lists exactly the events counted in it
  const period = rep && query.period ? rep.periods.find((p) => p.period === query.period) : null;
  let items = all.items;
  if (period) {
    const ids = new Set(period.both.event_ids.events || []);
    items = all.items.filter((ev) => ids.has(ev.event_id));
  }
  const ab = items.filter((ev) => ev.source && ev.source.country === a).length;
  append(listBox,
    h("div", { className: "section-head" },
      h("h2", {}, period ? `Events counted in ${period.period} (${items.length})` : `Events (${all.total})`),
      period ? h("a", { href: dyadHash(a, b, { ...query, period: "" }) }, "all periods") : null),
    h("p", { className: "muted" }, `${ab} from ${a} to ${b}, ${items.length - ab} from ${b} to ${a}`
      + (!period && all.total > all.items.length ? ` (the first ${all.items.length} shown)` : "")
      + (rep && !period ? "; click a period in the chart for the events counted in it" : "")),
    items.length ? eventsTable(items) : notice("info", `No events between ${a} and ${b} are stored.`));
}
