// The alerts inbox: alerts raised for protected assets, most severe first, with their evidence.
// Acknowledging or closing one is a write: it needs an API key (the box at the top).
import { ApiError, describe, get, getAll, getKey, post } from "../api.js";
import { append, extLink, h, notice } from "../dom.js";
import { caseHref } from "../tables.js";

const STATUSES = ["new", "acknowledged", "closed", ""];

function hashOf(status) {
  return `#/alerts${status ? `?status=${encodeURIComponent(status)}` : "?status=all"}`;
}

function casualties(a) {
  const f = [["killed", a.killed], ["injured", a.injured], ["abducted", a.abducted]].filter(([, v]) => v != null);
  return f.length ? f.map(([k, v]) => `${v} ${k}`).join(", ") : null;
}

function alertCard(a, onChanged) {
  const msg = h("div", { className: "card-msg", role: "status" });
  const note = h("input", { type: "text", placeholder: "note (optional)", size: 18, "aria-label": "note" });
  const act = async (action, button) => {
    msg.textContent = "";
    if (!getKey()) {
      msg.appendChild(notice("error", "This needs an API key: enter one in the box at the top of the page."));
      return;
    }
    button.disabled = true;
    try {
      const body = note.value.trim() ? { note: note.value.trim() } : undefined;
      const updated = await post(`/alerts/${encodeURIComponent(a.alert_id)}/${action}`, body);
      onChanged(updated && updated.alert_id ? updated : { ...a, status: action === "close" ? "closed" : "acknowledged" });
    } catch (e) {
      button.disabled = false;
      msg.appendChild(notice("error", e instanceof ApiError && e.status === 401
        ? `The key was refused: ${describe(e)}` : describe(e)));
    }
  };
  const ack = h("button", { type: "button", className: "ack", disabled: a.status !== "new" }, "Acknowledge");
  const close = h("button", { type: "button", className: "close secondary", disabled: a.status === "closed" }, "Close");
  ack.addEventListener("click", () => act("acknowledge", ack));
  close.addEventListener("click", () => act("close", close));
  const where = a.distance_km != null ? `${Number(a.distance_km).toFixed(1)} km from` : "concerns";
  return h("li", { className: `alert-card level-${a.level} status-${a.status}`, dataset: { alert: a.alert_id } },
    h("div", { className: "card-head" },
      h("span", { className: `level level-${a.level}` }, `${a.level || "?"} ${a.severity ?? ""}`), " ",
      h("a", { href: caseHref(a.incident_id) }, a.title || a.incident_id),
      h("span", { className: `status status-${a.status}` }, a.status)),
    h("div", { className: "meta" },
      [a.incident_date, a.location].filter(Boolean).join(" · "),
      ` · ${where} `, h("strong", {}, a.asset_name || a.asset_id),
      ` · ${a.num_sources} source${a.num_sources === 1 ? "" : "s"}`,
      casualties(a) ? ` · ${casualties(a)}` : null,
      a.rules && a.rules.length ? ` · rules: ${a.rules.join(", ")}` : null),
    a.evidence && a.evidence.length ? h("ul", { className: "evidence-list" }, a.evidence.slice(0, 3).map((e) => h("li", {},
      h("q", {}, e.sentence), " ",
      h("a", { href: `#/article/${encodeURIComponent(e.article_id)}` }, [e.agency, e.published].filter(Boolean).join(" ") || "article"),
      e.url ? [" ", extLink(e.url, "original")] : null))) : null,
    h("div", { className: "actions" }, note, ack, close), msg);
}

export async function render(main, { query, signal }) {
  const status = query.status === "all" ? "" : (query.status ?? "new");
  append(main, h("div", { className: "toolbar" },
    h("h1", {}, "Alerts"),
    h("div", { className: "segmented", role: "group", "aria-label": "status" }, STATUSES.map((s) => h("a", {
      href: hashOf(s), className: s === status ? "active" : "",
    }, s || "all")))));
  let res;
  try {
    res = await getAll("/alerts", status ? { status } : {}, { max: 1000, signal });
  } catch (e) {
    if (e instanceof ApiError && e.unavailable) {
      main.appendChild(notice("info", "Alerts are not available on this server (GET /api/v1/alerts is not served)."));
      return;
    }
    if (e.name === "AbortError") return;
    main.appendChild(notice("error", describe(e)));
    return;
  }
  const items = [...res.items].sort((x, y) => (y.severity ?? 0) - (x.severity ?? 0));
  const list = h("ol", { className: "alerts" });
  const draw = (a) => {
    const card = alertCard(a, (updated) => {
      // an alert that left the shown status stays visible, dimmed, until the page is reloaded
      card.replaceWith(draw(updated));
    });
    return card;
  };
  for (const a of items) list.appendChild(draw(a));
  append(main,
    h("p", { className: "muted" }, `${res.total} ${status || ""} alert${res.total === 1 ? "" : "s"}`
      + (getKey() ? "" : " · enter an API key at the top to acknowledge or close them")),
    items.length ? list : notice("info", status === "new" ? "No new alerts." : "No alerts."));
}
