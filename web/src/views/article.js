// One article with its evidence: every event's sentence highlighted in the article text at its
// `span` offsets, the trigger words and (for the selected event) the actors marked inside it.
// The text is split into text nodes and <mark> elements: it is never parsed as HTML.
import { ApiError, describe, get, getAll } from "../api.js";
import { actorLabel, append, extLink, h, highlight, notice, placeLabel, quadBadge } from "../dom.js";
import { eventDate } from "../tables.js";

/** Offsets of `needle` inside text[start:end] (case-insensitive), or null. */
function findIn(text, start, end, needle) {
  if (!needle) return null;
  const i = text.slice(start, end).toLowerCase().indexOf(needle.toLowerCase());
  return i < 0 ? null : { start: start + i, end: start + i + needle.length };
}

/** The spans to mark in the article for these events; the selected one also marks its actors. */
export function evidenceSpans(text, events, selectedId) {
  const spans = [];
  for (const ev of events) {
    const [s, e] = ev.span || [];
    if (!(Number.isInteger(s) && Number.isInteger(e) && s >= 0 && e <= text.length && s < e)) continue;
    const selected = ev.event_id && ev.event_id === selectedId;
    const title = `${ev.code} ${ev.code_name || ""}: ${actorLabel(ev.source)} → ${actorLabel(ev.target)}`;
    spans.push({ start: s, end: e, className: `ev quad-${ev.quad_class || 0}${selected ? " selected" : ""}`,
      title, id: ev.event_id });
    const trig = findIn(text, s, e, ev.trigger);
    if (trig) spans.push({ ...trig, className: "trigger", title: `trigger: ${ev.trigger}` });
    if (selected) {
      const src = findIn(text, s, e, ev.source && ev.source.text);
      const tgt = findIn(text, s, e, ev.target && ev.target.text);
      if (src) spans.push({ ...src, className: "actor-src", title: `source: ${actorLabel(ev.source)}` });
      if (tgt) spans.push({ ...tgt, className: "actor-tgt", title: `target: ${actorLabel(ev.target)}` });
    }
  }
  return spans;
}

/** The article text as blocks (body, or the boilerplate kind, dimmed), with `spans` marked. */
export function articleText(text, blocks, spans) {
  const box = h("div", { className: "article-text" });
  const list = (blocks && blocks.length ? blocks : [[0, text.length, "body"]])
    .map((b) => (Array.isArray(b) ? { start: b[0], end: b[1], kind: b[2] } : b))
    .sort((a, b) => a.start - b.start);
  let pos = 0;
  const piece = (start, end, kind) => {
    if (end <= start || (kind === "gap" && !text.slice(start, end).trim())) return;
    const local = spans.filter((s) => s.end > start && s.start < end)
      .map((s) => ({ ...s, start: Math.max(s.start, start) - start, end: Math.min(s.end, end) - start }));
    box.appendChild(h("div", { className: `block block-${kind}`, dataset: { kind } },
      kind !== "body" ? h("span", { className: "block-kind" }, kind) : null,
      highlight(text.slice(start, end), local)));
  };
  for (const b of list) {
    if (b.start > pos) piece(pos, b.start, "gap");
    piece(Math.max(b.start, pos), b.end, b.kind || "body");
    pos = Math.max(pos, b.end);
  }
  if (pos < text.length) piece(pos, text.length, "gap");
  return box;
}

async function articleEvents(id, art, signal) {
  if (Array.isArray(art.events)) return art.events;
  const r = await getAll("/events", { article_id: id, include_negated: "true" }, { max: 1000, signal });
  // a server that ignores article_id would answer every event: keep this article's only
  return r.items.filter((ev) => ev.article_id === id);
}

export async function render(main, { args, query, signal }) {
  const id = args[0];
  if (!id) {
    main.appendChild(notice("error", "No article id in the address."));
    return;
  }
  let art;
  try {
    art = await get(`/articles/${encodeURIComponent(id)}`, {}, { signal });
  } catch (e) {
    if (e instanceof ApiError && e.status === 404) {
      main.appendChild(notice("error", e.unavailable ? "Articles are not available on this server."
        : `No article ${id} on this server. ${describe(e)}`));
      return;
    }
    throw e;
  }
  art = art.article || art; // {article, events} or the Article layout itself
  const events = await articleEvents(id, art, signal);
  const text = art.text || "";
  const selected = query.event || "";
  const spans = evidenceSpans(text, events, selected);

  const evList = h("ol", { className: "article-events" }, events.map((ev) => h("li", {
    className: ev.event_id === selected ? "selected" : "", dataset: { event: ev.event_id || "" },
  },
  h("a", { href: `#/article/${encodeURIComponent(id)}?event=${encodeURIComponent(ev.event_id || "")}` },
    eventDate(ev), " ", h("span", { className: "code" }, ev.code), " ", ev.code_name || ""),
  " ", quadBadge(ev.quad_class), h("br"),
  `${actorLabel(ev.source)} → ${actorLabel(ev.target)}`,
  ev.location ? h("div", { className: "muted" }, placeLabel(ev.location)) : null,
  ev.mode && ev.mode !== "asserted" ? h("span", { className: "tag" }, ev.mode) : null,
  ev.negated ? h("span", { className: "tag" }, "negated") : null)));

  append(main,
    h("article", { className: "article" },
      h("header", {},
        h("h1", {}, art.title || id),
        h("div", { className: "meta" },
          [art.published, art.agency, art.dateline_place].filter(Boolean).join(" · "),
          art.url ? [" · ", extLink(art.url, "original")] : null,
          ` · ${events.length} event${events.length === 1 ? "" : "s"}`)),
      h("p", { className: "mark-legend muted" }, "Shaded: evidence sentences, coloured by QuadClass; ",
        h("strong", {}, "bold"), ": trigger words; ",
        h("span", { className: "u-src" }, "source"), " and ", h("span", { className: "u-tgt" }, "target"),
        " of the selected event underlined; grey blocks are not article body."),
      h("div", { className: "article-grid" },
        articleText(text, art.blocks, spans),
        h("aside", {}, h("h2", {}, "Events in this article"),
          events.length ? evList : notice("info", "No events were coded in this article.")))),
  );
  const mark = selected && main.querySelector(`mark.selected`);
  if (mark) mark.scrollIntoView({ block: "center" });
}
