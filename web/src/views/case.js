// A case: one incident followed from the attack to justice. Its entries in time order, each
// with its stage and evidence sentence (trigger marked), and the reports it was built from.
import { ApiError, describe, get } from "../api.js";
import { actorLabel, append, extLink, h, highlight, notice, placeLabel, plural, quadBadge } from "../dom.js";
import { articleHref } from "../tables.js";

const STATUSES = ["open", "arrested", "charged", "convicted"];

/** The status as a progress strip: open → arrested → charged → convicted. */
function statusStrip(status) {
  const reached = STATUSES.indexOf(status);
  return h("ol", { className: "status-strip", "aria-label": `case status: ${status}` },
    STATUSES.map((s, i) => h("li", { className: i <= reached ? "reached" : "", "aria-current": s === status ? "step" : null }, s)));
}

/** The sentence with the trigger words marked (text nodes only). */
function evidence(ev) {
  const s = ev.sentence || "";
  const i = ev.trigger ? s.toLowerCase().indexOf(ev.trigger.toLowerCase()) : -1;
  const spans = i >= 0 ? [{ start: i, end: i + ev.trigger.length, className: "trigger", title: "trigger" }] : [];
  return h("blockquote", { className: "evidence" }, highlight(s, spans));
}

function figures(inc) {
  const f = [["killed", inc.killed], ["injured", inc.injured], ["abducted", inc.abducted]]
    .filter(([, v]) => v !== null && v !== undefined);
  return f.length ? f.map(([k, v]) => `${v} ${k}`).join(", ") : "casualties not stated";
}

export async function render(main, { args, signal }) {
  const id = args[0];
  let c;
  try {
    c = await get(`/cases/${encodeURIComponent(id)}`, {}, { signal });
  } catch (e) {
    if (e instanceof ApiError && e.unavailable) {
      main.appendChild(notice("info", "Cases are not available on this server (GET /api/v1/cases/{id} is not served)."));
      return;
    }
    if (e instanceof ApiError && e.status === 404) {
      main.appendChild(notice("error", `No case ${id}: ${describe(e)}`));
      return;
    }
    throw e;
  }
  const inc = c.incident;
  const entries = [...(c.entries || [])].sort((a, b) => String(a.date || "").localeCompare(String(b.date || "")));
  append(main,
    h("section", { className: "case" },
      h("header", {},
        h("h1", {}, inc.title || inc.code_name || inc.code),
        h("div", { className: "meta" }, quadBadge(inc.quad_class), " ",
          h("span", { className: "code" }, inc.code), ` ${inc.code_name || ""} · `,
          `${actorLabel(inc.source)} → ${actorLabel(inc.target)}`,
          inc.location ? ` · ${placeLabel(inc.location)}` : "",
          ` · ${inc.date || "date unknown"}`),
        h("div", { className: "meta" }, figures(inc),
          ` · ${plural(inc.num_mentions, "mention")} in ${plural(inc.num_articles, "article")} from ${plural(inc.num_sources, "source")}`,
          ` · reported ${inc.first_seen || "?"} to ${inc.last_seen || "?"}`),
        statusStrip(c.status || inc.status)),
      h("h2", {}, "Timeline"),
      entries.length ? h("ol", { className: "case-timeline" }, entries.map((en) => h("li", {
        className: `entry stage-${en.stage}${en.unmet ? " unmet" : ""}`, dataset: { event: en.event.event_id || "" },
      },
      h("div", { className: "entry-head" },
        h("span", { className: "date" }, en.date || "date unknown"), " ",
        h("span", { className: `stage stage-${en.stage}` }, en.stage),
        en.unmet ? h("span", { className: "tag unmet", title: "no follow-up was reported in time" }, "unmet") : null,
        " ", h("span", { className: "muted" },
          `${actorLabel(en.event.source)} · ${en.event.code} ${en.event.code_name || ""} · ${actorLabel(en.event.target)}`)),
      evidence(en.event),
      h("a", { href: articleHref(en.event), className: "more" }, "Read it in the article →"))))
        : notice("info", "This case has no entries."),
      h("h2", {}, `Sources (${(c.sources || []).length})`),
      h("ul", { className: "sources" }, (c.sources || []).map((s) => h("li", {},
        h("a", { href: `#/article/${encodeURIComponent(s.article_id)}` }, s.title || s.article_id),
        " ", h("span", { className: "muted" }, [s.agency, s.published].filter(Boolean).join(" · ")),
        s.url ? [" ", extLink(s.url, "original")] : null)))),
  );
}
