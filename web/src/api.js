// The REST API client: every request of the dashboard goes through here, to the same origin.
// relative, so that a dashboard served under a path prefix (behind a proxy) finds its API
const BASE = "api/v1";
const KEY_STORE = "eventwatch.apiKey";

/** An error answered by the server: {ok:false, error, code, status, hint} or a plain HTTP error. */
export class ApiError extends Error {
  constructor(status, body, path) {
    const msg = (body && (body.error || (typeof body.detail === "string" ? body.detail : null)))
      || `HTTP ${status}`;
    super(msg);
    this.status = status;
    this.code = body && body.code;
    this.hint = body && body.hint;
    this.path = path;
  }

  /**
   * True when the endpoint itself does not exist on this server (an older server, or a
   * feature not installed). A 404 with another code (EW104 "no such incident") is a real
   * answer about the data.
   */
  get unavailable() {
    // EW106/EW107: the server's own "no such route" / "method not allowed" answers
    return (this.status === 404 || this.status === 405 || this.status === 501)
      && (!this.code || this.code === "EW106" || this.code === "EW107");
  }
}

/** The API key kept for this browser tab only (sessionStorage), or "". */
export function getKey() {
  try {
    return sessionStorage.getItem(KEY_STORE) || "";
  } catch {
    return "";
  }
}

export function setKey(key) {
  if (key) sessionStorage.setItem(KEY_STORE, key);
  else sessionStorage.removeItem(KEY_STORE);
}

function query(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params || {})) {
    if (v === null || v === undefined || v === "") continue;
    q.set(k, String(v));
  }
  const s = q.toString();
  return s ? `?${s}` : "";
}

async function request(method, path, { params, body, signal } = {}) {
  const headers = { Accept: "application/json" };
  const key = getKey();
  // reads need a key too unless the server was started with open reads (loopback only)
  if (key) headers.Authorization = `Bearer ${key}`;
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const url = BASE + path + query(params);
  let res;
  try {
    res = await fetch(url, {
      method, headers, signal, body: body === undefined ? undefined : JSON.stringify(body),
      credentials: "same-origin", cache: "no-store",
    });
  } catch (e) {
    if (e.name === "AbortError") throw e;
    throw new ApiError(0, { error: `the server cannot be reached (${e.message})` }, path);
  }
  let data = null;
  const text = await res.text();
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = { error: text.slice(0, 200) };
    }
  }
  if (res.status === 401) {
    // no key, or a refused one: the header's key box asks for one (main.js listens)
    window.dispatchEvent(new CustomEvent("eventwatch:needkey", { detail: { code: data && data.code } }));
  }
  if (!res.ok || (data && data.ok === false)) throw new ApiError(res.status, data, path);
  return data;
}

/** GET /api/v1{path}?params -> parsed JSON. */
export const get = (path, params, opts = {}) => request("GET", path, { ...opts, params });
/** POST /api/v1{path} with a JSON body; sends the API key. */
export const post = (path, body, opts = {}) => request("POST", path, { ...opts, body });

/**
 * Every item of a list endpoint ({items, total, limit, offset}), page by page, up to `max`.
 * Returns {items, total}: `total` is the server's count, which may exceed items.length.
 */
export async function getAll(path, params = {}, { max = 2000, page = 500, signal } = {}) {
  const items = [];
  let total = 0;
  for (let offset = 0; offset < max; offset += page) {
    const limit = Math.min(page, max - offset);
    const r = await get(path, { ...params, limit, offset }, { signal });
    total = r.total ?? r.items.length;
    items.push(...r.items);
    if (r.items.length < limit || items.length >= total) break;
  }
  return { items, total };
}

/** A readable one-liner for an error, with its code and hint. */
export function describe(err) {
  if (err instanceof ApiError) {
    return [err.code, err.message].filter(Boolean).join(" ") + (err.hint ? ` (hint: ${err.hint})` : "");
  }
  return String(err && err.message ? err.message : err);
}
