// DOM helpers. Every string that comes from the API (article text, actor names, titles...)
// goes into the page as a text node: nothing here, or anywhere in the dashboard, assigns
// innerHTML/outerHTML or calls insertAdjacentHTML with data.

/**
 * Create an element: h("a", {href: "#/x", className: "c"}, "text", child).
 * Attributes are set as properties or with setAttribute (never as markup); strings and
 * numbers among the children become text nodes; null/undefined/false children are skipped.
 */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k === "href") el.setAttribute("href", safeHref(v));
    else if (k === "dataset") Object.assign(el.dataset, v);
    else if (k.startsWith("on") && typeof v === "function") el.addEventListener(k.slice(2), v);
    else if (k in el && k !== "list" && k !== "form") el[k] = v;
    else el.setAttribute(k, String(v));
  }
  append(el, children);
  return el;
}

/**
 * Append children (nested arrays allowed) as nodes; strings become text nodes and
 * null/undefined/false are skipped (the DOM's own append would print them as "null").
 */
export function append(el, ...children) {
  for (const c of children.flat(Infinity)) {
    if (c === null || c === undefined || c === false) continue;
    el.appendChild(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

/** Remove every child of an element. */
export function clear(el) {
  while (el.firstChild) el.removeChild(el.firstChild);
  return el;
}

/**
 * Only in-page routes and http(s) links are made clickable: a stored article URL such as
 * "javascript:..." is shown as text by the callers, never followed.
 */
export function safeHref(v) {
  const s = String(v);
  if (s.startsWith("#")) return s;
  try {
    const u = new URL(s, location.href);
    if (u.protocol === "http:" || u.protocol === "https:") return u.href;
  } catch {
    /* not a URL */
  }
  return "#";
}

/** An external link (new tab, no referrer), or plain text when the URL is not http(s). */
export function extLink(url, label) {
  const s = String(url || "");
  if (!/^https?:\/\//i.test(s)) return document.createTextNode(label || s);
  return h("a", { href: s, target: "_blank", rel: "noopener noreferrer nofollow" }, label || s);
}

/**
 * The pieces of a text of length `n` cut at every span boundary: [{start, end, spans}], where
 * `spans` are the spans covering that piece (none for plain text). Spans out of range or empty
 * are ignored; overlapping spans share the pieces they overlap.
 *
 *   segments(10, [{start: 2, end: 5}]) -> [{0,2,[]}, {2,5,[span]}, {5,10,[]}]
 */
export function segments(n, spans) {
  const valid = spans.filter((s) => Number.isInteger(s.start) && Number.isInteger(s.end)
    && s.start >= 0 && s.end <= n && s.start < s.end);
  const cuts = new Set([0, n]);
  for (const s of valid) { cuts.add(s.start); cuts.add(s.end); }
  const points = [...cuts].sort((a, b) => a - b);
  const out = [];
  for (let i = 0; i < points.length - 1; i++) {
    const a = points[i], b = points[i + 1];
    out.push({ start: a, end: b, spans: valid.filter((s) => s.start <= a && s.end >= b) });
  }
  return out;
}

/**
 * Split `text` at the given spans into text nodes and <mark> elements, without ever parsing
 * the text as HTML. `spans` are {start, end, className, title, id}; where spans overlap, one
 * mark carries every class and title. Returns a DocumentFragment.
 *
 *   highlight("Police arrested two men.", [{start: 7, end: 15, className: "ev"}])
 *   -> "Police ", <mark class="ev">arrested</mark>, " two men."
 */
export function highlight(text, spans) {
  const frag = document.createDocumentFragment();
  for (const { start, end, spans: over } of segments(text.length, spans)) {
    const piece = text.slice(start, end);
    if (!over.length) { frag.appendChild(document.createTextNode(piece)); continue; }
    const mark = document.createElement("mark");
    mark.className = [...new Set(over.flatMap((s) => (s.className || "").split(" ").filter(Boolean)))].join(" ");
    mark.title = [...new Set(over.map((s) => s.title).filter(Boolean))].join("\n");
    const ids = over.map((s) => s.id).filter(Boolean);
    if (ids.length) mark.dataset.events = ids.join(" ");
    mark.appendChild(document.createTextNode(piece));
    frag.appendChild(mark);
  }
  return frag;
}

/** "1 article", "3 articles". */
export function plural(n, word) {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

/** "CHN GOV (Chinese officials)" for an actor dict, "?" when absent. */
export function actorLabel(a) {
  if (!a) return "?";
  const code = [a.country, a.sector].filter(Boolean).join(" ");
  const name = (a.name || a.text || "").trim();
  if (code && name) return `${code} (${name})`;
  return code || name || "?";
}

/** "Madyan, PAK" for a place dict. */
export function placeLabel(p) {
  if (!p) return "";
  return [p.name, p.admin1 && p.admin1 !== p.name ? p.admin1 : null, p.country].filter(Boolean).join(", ");
}

export const QUAD_NAMES = {
  1: "Verbal cooperation",
  2: "Material cooperation",
  3: "Verbal conflict",
  4: "Material conflict",
};
// Colour-blind safe (Okabe-Ito), cooperation cool, conflict warm.
export const QUAD_COLORS = { 1: "#56b4e9", 2: "#009e73", 3: "#e69f00", 4: "#d55e00" };
export const NO_QUAD_COLOR = "#888888";

/** A small coloured badge naming a QuadClass. */
export function quadBadge(q) {
  return h("span", { className: `quad quad-${q || 0}`, title: QUAD_NAMES[q] || "unknown class" },
    QUAD_NAMES[q] || "unclassified");
}

/** A loading/empty/error notice inside a view. */
export function notice(kind, ...children) {
  return h("div", { className: `notice notice-${kind}`, role: kind === "error" ? "alert" : "status" }, ...children);
}
