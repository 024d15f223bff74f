// Tables of events and incidents, with links to the article (evidence highlighted) and the case.
import { actorLabel, h, placeLabel, quadBadge } from "./dom.js";

/** "#/article/ID?event=EID": the article with this event's evidence highlighted. */
export function articleHref(ev) {
  const q = ev.event_id ? `?event=${encodeURIComponent(ev.event_id)}` : "";
  return `#/article/${encodeURIComponent(ev.article_id)}${q}`;
}

export const caseHref = (id) => `#/case/${encodeURIComponent(id)}`;

/** The date of an event as shown: its own date, else "published" in grey. */
export function eventDate(ev) {
  if (ev.date) return h("span", { title: `precision: ${ev.date_precision || "?"}` }, ev.date);
  return h("span", { className: "muted", title: "event date unknown: publication date" }, ev.published || "?");
}

export function eventsTable(events, { showArticle = true } = {}) {
  return h("table", { className: "list events" },
    h("thead", {}, h("tr", {}, ["Date", "Source", "Event", "Target", "Place", "Evidence"].map((t) => h("th", {}, t)))),
    h("tbody", {}, events.map((ev) => h("tr", { dataset: { event: ev.event_id || "" } },
      h("td", { className: "nowrap" }, eventDate(ev)),
      h("td", {}, actorLabel(ev.source)),
      h("td", {}, h("span", { className: "code" }, ev.code), " ", ev.code_name || "", " ", quadBadge(ev.quad_class),
        ev.mode && ev.mode !== "asserted" ? h("span", { className: "tag" }, ev.mode) : null,
        ev.negated ? h("span", { className: "tag" }, "negated") : null),
      h("td", {}, actorLabel(ev.target)),
      h("td", {}, placeLabel(ev.location)),
      h("td", { className: "sentence" }, ev.sentence,
        showArticle ? [" ", h("a", { href: articleHref(ev), className: "more" }, "article →")] : null),
    ))));
}

export function incidentsTable(incidents) {
  return h("table", { className: "list incidents" },
    h("thead", {}, h("tr", {}, ["Date", "Incident", "Source", "Target", "Place", "Mentions", "Sources", "Status"]
      .map((t) => h("th", {}, t)))),
    h("tbody", {}, incidents.map((inc) => h("tr", { dataset: { incident: inc.incident_id } },
      h("td", { className: "nowrap" }, inc.date || inc.first_seen || "?"),
      h("td", {}, h("a", { href: caseHref(inc.incident_id) }, inc.title || inc.code_name || inc.code), " ",
        quadBadge(inc.quad_class)),
      h("td", {}, actorLabel(inc.source)),
      h("td", {}, actorLabel(inc.target)),
      h("td", {}, placeLabel(inc.location)),
      h("td", { className: "num" }, inc.num_mentions),
      h("td", { className: "num" }, inc.num_sources),
      h("td", {}, h("span", { className: `status status-${inc.status}` }, inc.status)),
    ))));
}

/** Previous/next links for a list envelope; `go(offset)` changes the page. */
export function pager({ total, limit, offset }, go) {
  if (!total || total <= limit) return null;
  const last = Math.min(total, offset + limit);
  return h("div", { className: "pager" },
    h("button", { type: "button", disabled: offset <= 0, onclick: () => go(Math.max(0, offset - limit)) }, "← previous"),
    ` ${offset + 1}–${last} of ${total} `,
    h("button", { type: "button", disabled: last >= total, onclick: () => go(offset + limit) }, "next →"));
}

/** The list's sort order (`order` of the API); `go(order)` changes it. */
export function orderSelect(kind, value, go) {
  const choices = [["-date", "newest first"], ["date", "oldest first"]];
  if (kind === "incidents") choices.push(["mentions", "most mentioned"]);
  const sel = h("select", { name: "order", "aria-label": "order" },
    choices.map(([v, label]) => h("option", { value: v, selected: v === value }, label)));
  sel.addEventListener("change", () => go(sel.value));
  return h("label", { className: "order" }, "sort ", sel);
}
