// The filter bar shared by the map, the case list and the dyad view. Filter values live in
// the hash query (#/?country=PAK&root=18), so a filtered view can be bookmarked and shared.
import { get } from "./api.js";
import { h } from "./dom.js";

export const FILTER_KEYS = ["country", "dyad", "root", "since", "until", "text"];

/** The API parameters of a hash query: only the known filter keys, trimmed and non-empty. */
export function apiFilters(query) {
  const out = {};
  for (const k of FILTER_KEYS) {
    const v = (query[k] || "").trim();
    if (v) out[k] = k === "country" || k === "dyad" ? v.toUpperCase().replace(/\s+/g, "") : v;
  }
  return out;
}

let rootsCache = null;

/** The CAMEO roots stored on this server, with names ([{root, name, count}]), from /summary. */
export async function storedRoots() {
  if (!rootsCache) {
    rootsCache = get("/summary").then((s) => s.roots || []).catch(() => []);
  }
  return rootsCache;
}

/**
 * The filter form. `onApply(query)` gets the new query (every filter key, possibly empty).
 * `keep` lists query keys of the page that are carried over unchanged (e.g. "show").
 */
export function filterBar(query, onApply, { fields = FILTER_KEYS, keep = [] } = {}) {
  const inputs = {};
  const field = (name, label, attrs) => {
    inputs[name] = h("input", { name, value: query[name] || "", ...attrs });
    return h("label", { className: `f-${name}` }, h("span", {}, label), inputs[name]);
  };
  const rootSelect = h("select", { name: "root" }, h("option", { value: "" }, "any"));
  inputs.root = rootSelect;
  storedRoots().then((roots) => {
    for (const r of roots) {
      rootSelect.appendChild(h("option", { value: r.root }, `${r.root} ${r.name} (${r.count})`));
    }
    if (query.root && ![...rootSelect.options].some((o) => o.value === query.root)) {
      rootSelect.appendChild(h("option", { value: query.root }, query.root));
    }
    rootSelect.value = query.root || "";
  });
  const parts = {
    country: () => field("country", "Country", { placeholder: "PAK", size: 5, maxLength: 3,
      title: "ISO 3166 alpha-3 code, as source or target" }),
    dyad: () => field("dyad", "Dyad", { placeholder: "CHN,PAK", size: 8,
      title: "two country codes, either direction" }),
    root: () => h("label", { className: "f-root" }, h("span", {}, "Event type"), rootSelect),
    since: () => field("since", "From", { type: "date" }),
    until: () => field("until", "To", { type: "date" }),
    text: () => field("text", "Text", { type: "search", placeholder: "words in the sentence", size: 16 }),
  };
  const form = h("form", { className: "filters", role: "search" },
    fields.map((f) => parts[f]()),
    h("button", { type: "submit" }, "Apply"),
    h("button", { type: "button", className: "secondary", onclick: () => {
      for (const el of Object.values(inputs)) el.value = "";
      form.requestSubmit();
    } }, "Clear"));
  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    const next = {};
    for (const k of keep) if (query[k]) next[k] = query[k];
    for (const [k, el] of Object.entries(inputs)) {
      const v = el.value.trim();
      next[k] = k === "country" || k === "dyad" ? v.toUpperCase().replace(/\s+/g, "") : v;
    }
    onApply(next);
  });
  return form;
}
