// The dyad view: how two countries deal with each other over time. The chart counts their
// events per period by QuadClass (both directions) with the mean Goldstein score; the
// relations endpoint (/dyads/{a}/{b}) adds its figures where the server has it.
import { ApiError, describe, get, getAll } from "../api.js";
import { autoInterval, dyadChart } from "../charts.js";
import { h, notice } from "../dom.js";
import { eventsTable } from "../tables.js";

const MAX = 5000;

function pickForm(a = "", b = "") {
  const ia = h("input", { name: "a", value: a, placeholder: "CHN", size: 4, maxLength: 3, "aria-label": "first country" });
  const ib = h("input", { name: "b", value: b, placeholder: "PAK", size: 4, maxLength: 3, "aria-label": "second country" });
  const form = h("form", { className: "filters" }, h("span", {}, "Dyad "), ia, " – ", ib, h("button", { type: "submit" }, "Show"));
  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    const x = ia.value.trim().toUpperCase(), y = ib.value.trim().toUpperCase();
    if (x && y) location.hash = `#/dyad/${encodeURIComponent(x)}/${encodeURIComponent(y)}`;
  });
  return form;
}

async function topDyads(main, signal) {
  let s;
  try {
    s = await get("/summary", {}, { signal });
  } catch (e) {
    main.appendChild(notice("error", describe(e)));
    return;
  }
  const dyads = s.top_dyads || [];
  main.append(h("h2", {}, "Most reported dyads"),
    dyads.length ? h("table", { className: "list" },
      h("thead", {}, h("tr", {}, h("th", {}, "Source"), h("th", {}, "Target"), h("th", {}, "Events"))),
      h("tbody", {}, dyads.map((d) => h("tr", {},
        h("td", {}, h("a", { href: `#/dyad/${encodeURIComponent(d.source_country)}/${encodeURIComponent(d.target_country)}` }, d.source_country)),
        h("td", {}, d.target_country), h("td", { className: "num" }, d.count)))))
      : notice("info", "No events between two countries are stored yet."));
}

/** Figures of the relations endpoint, shown as a definition list of its scalar fields. */
function relationFacts(rel) {
  const rows = Object.entries(rel).filter(([, v]) => v === null || ["string", "number", "boolean"].includes(typeof v));
  return h("dl", { className: "facts" }, rows.map(([k, v]) => [h("dt", {}, k.replace(/_/g, " ")), h("dd", {}, v === null ? "–" : String(v))]));
}

export async function render(main, { args, query, signal, onCleanup }) {
  const [a, b] = args.map((x) => (x || "").toUpperCase());
  main.append(h("div", { className: "toolbar" }, pickForm(a, b)));
  if (!a || !b) {
    await topDyads(main, signal);
    return;
  }
  main.append(h("h1", {}, `${a} ↔ ${b}`));
  const relBox = h("section", { className: "relations" });
  const canvas = h("canvas", { id: "dyad-chart", "aria-label": "dyad chart" });
  const interval = h("select", { name: "interval", "aria-label": "interval" },
    ["auto", "day", "week", "month"].map((v) => h("option", { value: v, selected: (query.interval || "auto") === v }, v)));
  interval.addEventListener("change", () => {
    location.hash = `#/dyad/${encodeURIComponent(a)}/${encodeURIComponent(b)}${interval.value === "auto" ? "" : `?interval=${interval.value}`}`;
  });
  const listBox = h("section", {});
  main.append(relBox,
    h("section", { className: "timeline-box" },
      h("div", { className: "section-head" }, h("h2", {}, "Events per period (both directions)"), h("label", {}, "per ", interval)),
      h("div", { className: "chart" }, canvas)),
    listBox);

  get(`/dyads/${encodeURIComponent(a)}/${encodeURIComponent(b)}`, {}, { signal }).then((rel) => {
    relBox.append(h("h2", {}, "Relation"), relationFacts(rel));
  }).catch((e) => {
    if (e.name === "AbortError") return;
    relBox.append(e instanceof ApiError && e.unavailable
      ? notice("info", "Relation scores are not available on this server; the chart below is computed from the events.")
      : notice("error", describe(e)));
  });

  const all = await getAll("/events", { dyad: `${a},${b}` }, { max: MAX, signal });
  const rows = all.items.map((ev) => ({ date: ev.date || ev.published, quad: ev.quad_class, goldstein: ev.goldstein }));
  const iv = query.interval || autoInterval(rows.map((r) => r.date).filter(Boolean));
  const chart = dyadChart(canvas, rows, iv);
  onCleanup(() => chart.destroy());
  const ab = all.items.filter((ev) => ev.source && ev.source.country === a).length;
  listBox.append(
    h("h2", {}, `Events (${all.total})`),
    h("p", { className: "muted" }, `${ab} from ${a} to ${b}, ${all.items.length - ab} from ${b} to ${a}`
      + (all.total > all.items.length ? ` (the first ${all.items.length} shown)` : "")),
    all.items.length ? eventsTable(all.items) : notice("info", `No events between ${a} and ${b} are stored.`));
}
