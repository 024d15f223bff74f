// The dashboard's entry point: hash routing, the API key box and the server badge.
import { get, getKey, setKey, describe } from "./api.js";
import { clear, h, notice } from "./dom.js";
import * as overview from "./views/overview.js";
import * as dyad from "./views/dyad.js";
import * as cases from "./views/cases.js";
import * as caseView from "./views/case.js";
import * as article from "./views/article.js";
import * as alerts from "./views/alerts.js";
import * as assets from "./views/assets.js";

// "#/case/abc?x=1" -> route "case", args ["abc"], query {x: "1"}
const ROUTES = {
  "": overview, map: overview, dyad, dyads: dyad, cases, case: caseView,
  article, alerts, assets,
};

let current = null; // {controller, cleanups}

export function parseHash(hash) {
  const raw = (hash || "").replace(/^#\/?/, "");
  const [path, qs = ""] = raw.split("?", 2);
  const parts = path.split("/").filter(Boolean).map(decodeURIComponent);
  const query = Object.fromEntries(new URLSearchParams(qs));
  return { route: parts[0] || "", args: parts.slice(1), query };
}

/** "#/dyad/CHN/PAK?since=2024-01-01" from parts; empty query values are left out. */
export function makeHash(route, args = [], query = {}) {
  const path = [route, ...args].filter((p) => p !== "" && p != null).map(encodeURIComponent).join("/");
  const q = new URLSearchParams(Object.entries(query).filter(([, v]) => v !== "" && v != null)).toString();
  return `#/${path}${q ? `?${q}` : ""}`;
}

async function route() {
  const { route: name, args, query } = parseHash(location.hash);
  const view = ROUTES[name];
  if (current) {
    current.controller.abort();
    for (const f of current.cleanups) f();
    current = null;
  }
  const main = clear(document.getElementById("view"));
  main.className = `view-${name || "map"}`;
  for (const a of document.querySelectorAll("#nav a")) {
    const r = a.dataset.route;
    a.classList.toggle("active", r === (name || "map") || (r === "cases" && name === "case")
      || (r === "dyad" && name === "dyads"));
  }
  if (!view) {
    main.appendChild(notice("error", "No such page: ", h("code", {}, location.hash), ". ",
      h("a", { href: "#/" }, "Back to the map")));
    return;
  }
  const controller = new AbortController();
  const cleanups = [];
  current = { controller, cleanups };
  // a view registers what must be torn down when the page changes (maps, charts)
  const onCleanup = (f) => cleanups.push(f);
  try {
    await view.render(main, { args, query, signal: controller.signal, onCleanup });
  } catch (e) {
    if (e.name === "AbortError") return;
    main.appendChild(notice("error", describe(e)));
    console.error(e);
  }
}

function keyBox() {
  const form = document.getElementById("keybox");
  const input = document.getElementById("apikey");
  const state = document.getElementById("keystate");
  const show = () => {
    state.textContent = getKey() ? "key set for this tab" : "no key (read only)";
    state.className = getKey() ? "ok" : "muted";
  };
  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    setKey(input.value.trim());
    input.value = "";
    form.classList.remove("needed");
    show();
    route(); // the view again, now with the key
  });
  window.addEventListener("eventwatch:needkey", (ev) => {
    form.classList.add("needed");
    state.className = "bad";
    state.textContent = ev.detail.code === "EW101" ? "key refused: enter another" : "this server needs a key";
  });
  document.getElementById("apikey-clear").addEventListener("click", () => {
    setKey("");
    input.value = "";
    show();
  });
  show();
}

async function serverBadge() {
  const el = document.getElementById("server");
  try {
    const v = await get("/version");
    el.textContent = `eventwatch ${v.version || ""}`.trim();
    el.className = "ok";
  } catch (e) {
    el.textContent = `server: ${describe(e)}`;
    el.className = "bad";
  }
}

window.addEventListener("hashchange", route);
keyBox();
serverBadge();
route();
