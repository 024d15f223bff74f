// The case list: incidents with their status, filtered like the map.
import { ApiError, describe, get } from "../api.js";
import { append, h, notice } from "../dom.js";
import { apiFilters, filterBar } from "../filters.js";
import { incidentsTable, orderSelect, pager } from "../tables.js";

const PAGE = 50;
const STATUSES = ["", "open", "arrested", "charged", "convicted"];

function hashOf(query) {
  const q = new URLSearchParams(Object.entries(query).filter(([, v]) => v !== "" && v != null)).toString();
  return `#/cases${q ? `?${q}` : ""}`;
}

export async function render(main, { query, signal }) {
  const filters = apiFilters(query);
  if (query.status) filters.status = query.status;
  const offset = Math.max(0, parseInt(query.offset || "0", 10) || 0);
  const status = h("select", { name: "status", "aria-label": "status" },
    STATUSES.map((s) => h("option", { value: s, selected: (query.status || "") === s }, s || "any status")));
  status.addEventListener("change", () => { location.hash = hashOf({ ...query, status: status.value, offset: "" }); });
  append(main, h("div", { className: "toolbar" },
    filterBar(query, (q) => { location.hash = hashOf({ ...q, status: query.status, order: query.order }); }), status));
  let page;
  try {
    page = await get("/incidents", { ...filters, limit: PAGE, offset, order: query.order || "-date" }, { signal });
  } catch (e) {
    if (e instanceof ApiError && e.unavailable) {
      main.appendChild(notice("info", "Incidents and cases are not available on this server (GET /api/v1/incidents is not served)."));
      return;
    }
    main.appendChild(notice("error", describe(e)));
    return;
  }
  append(main,
    h("div", { className: "section-head" }, h("h1", {}, `Cases (${page.total})`),
      orderSelect("incidents", query.order || "-date", (o) => { location.hash = hashOf({ ...query, order: o === "-date" ? "" : o, offset: "" }); })),
    page.items.length ? incidentsTable(page.items)
      : notice("info", "No incidents match. Incidents are built at ingest (or with `eventwatch rebuild-incidents`)."),
    pager({ total: page.total, limit: PAGE, offset }, (o) => { location.hash = hashOf({ ...query, offset: o || "" }); }),
  );
}
