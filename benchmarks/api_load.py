"""Load on the REST API: many concurrent clients reading events while articles are ingested.

    python benchmarks/api_load.py [--events 1000000] [--clients 200] [--seconds 30]
    python benchmarks/api_load.py --events 20000 --clients 20 --seconds 5      # a smoke run

Builds (once, cached in the temp folder) a database of synthetic events with DuckDB's own
INSERT ... SELECT over range(), starts `eventwatch serve` on it in a subprocess, then runs two
phases with the same clients for the same time:

1. baseline: GET /api/v1/health (the framework and the network stack, no database);
2. load: GET /api/v1/events with a mix of filters and pages (and /api/v1/incidents when the
   server has it), while one more client POSTs articles to /api/v1/ingest in a loop.

Prints requests/s, p50/p99 latency and errors of each phase, and the ratio of the load to the
baseline measured in this same run: only the ratio carries over to another machine. The
clients run in one asyncio process on the same machine as the server, so they take CPU from it.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import signal
import socket
import ssl
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
COUNTRIES = ["PAK", "IND", "AFG", "CHN", "USA", "IRN", "BGD", "NGA", "KEN", "SOM", "SYR", "UKR", "RUS", "ISR",
             "PSE", "YEM"]
CODES = ["010", "020", "036", "040", "042", "043", "051", "057", "061", "071", "090", "111", "112", "114",
         "120", "130", "138", "141", "150", "163", "173", "180", "183", "186", "190", "193", "194", "195"]
SECTORS = ["GOV", "MIL", "COP", "REB", "CVL", "BUS", "IGO"]
LAYOUT = 2  # of the synthetic database: a cached one of another layout is built again


def _layout() -> str:
    """LAYOUT and the schema's migrations: a database cached under an older schema is built again."""
    import hashlib

    from eventwatch.store import MIGRATIONS

    return f"{LAYOUT}:{hashlib.sha1(repr(MIGRATIONS).encode()).hexdigest()[:12]}"


def _sql_list(values: list[str]) -> str:
    return "[" + ", ".join(f"'{v}'" for v in values) + "]"


def build_db(path: str, n_events: int) -> tuple[str, str]:
    """A database of ``n_events`` synthetic events over n/4 articles; returns (reader, analyst) tokens.

    Reused when a database of that size is already there (the tokens are kept beside it).
    """
    from eventwatch.errors import EventwatchError
    from eventwatch.store import EVENT_COLUMNS, Store

    tokens_file = Path(path + ".tokens.json")
    if Path(path).exists() and tokens_file.exists():
        try:
            with Store(path, read_only=True) as s:
                t = json.loads(tokens_file.read_text())
                if t.get("events") == n_events and t.get("layout") == _layout() and s.count_events(include_negated=True) >= n_events:
                    print(f"reusing {path} ({n_events:,} events)", file=sys.stderr)
                    return t["reader"], t["analyst"]
        except EventwatchError as exc:  # written by another version of the schema: build it again
            print(f"rebuilding {path}: {exc}", file=sys.stderr)
    for p in (path, path + ".wal", str(tokens_file)):
        if os.path.exists(p):
            os.remove(p)
    t0 = time.perf_counter()
    n_articles = max(1, n_events // 4)
    c, k, sec = _sql_list(COUNTRIES), _sql_list(CODES), _sql_list(SECTORS)
    nc, nk, ns = len(COUNTRIES), len(CODES), len(SECTORS)
    with Store(path) as s:
        # the schema's own tables; the rows come from range() inside DuckDB, no Python loop
        s.con.execute(f"""
            INSERT INTO articles (id, title, published, url, agency, text, blocks, content_hash, n_events)
            SELECT 'syn' || i, 'Synthetic report ' || i, DATE '2020-01-01' + CAST(i % 1800 AS INTEGER),
                   NULL, 'Bench', 'Synthetic article ' || i, '[]', md5('syn' || i), 4
            FROM range({n_articles}) t(i)""")
        s.con.execute(f"""
            INSERT INTO events ({", ".join(EVENT_COLUMNS + ["effective_date"])})
            SELECT 'syn' || (i // 4), (i % 4), 0, 60,
                   'Forces of ' || {c}[1 + (i % {nc})] || ' clashed with a group from ' || {c}[1 + ((i * 7 + 3) % {nc})]
                       || ' near the border, officials said (' || i || ').',
                   {k}[1 + (i % {nk})], substr({k}[1 + (i % {nk})], 1, 2),
                   1 + (i % 4), ((i % 21) - 10)::DOUBLE, NULL,
                   'forces', NULL, {c}[1 + (i % {nc})], {sec}[1 + (i % {ns})], {c}[1 + (i % {nc})] || {sec}[1 + (i % {ns})],
                   'a group', NULL, {c}[1 + ((i * 7 + 3) % {nc})], {sec}[1 + ((i * 3) % {ns})], NULL,
                   DATE '2020-01-01' + CAST((i // 4) % 1800 AS INTEGER), 'day',
                   NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
                   (i % 50 = 0), CASE WHEN i % 10 = 0 THEN 'intent' ELSE 'asserted' END, 0.5 + (i % 50) / 100.0,
                   NULL, 'clashed', 'bench', DATE '2020-01-01' + CAST((i // 4) % 1800 AS INTEGER),
                   'syn' || (i // 4) || ':' || (i % 4) || ':0',
                   DATE '2020-01-01' + CAST((i // 4) % 1800 AS INTEGER)
            FROM range({n_events}) t(i)""")
        if s._has_table("incidents"):  # one incident per article's events, where the store has incidents
            s.con.execute(f"""
                INSERT INTO incidents (incident_id, code, root, quad_class, goldstein, source_text, source_country,
                    source_sector, target_text, target_country, date, date_precision, num_mentions, num_sources,
                    num_articles, first_seen, last_seen, confidence, status, title, seq, date_lo, date_hi,
                    date_day, updated_at)
                SELECT 'inc-syn' || j, {k}[1 + (j % {nk})], substr({k}[1 + (j % {nk})], 1, 2), 1 + (j % 4),
                       ((j % 21) - 10)::DOUBLE, 'forces', {c}[1 + (j % {nc})], {sec}[1 + (j % {ns})], 'a group',
                       {c}[1 + ((j * 7 + 3) % {nc})], DATE '2020-01-01' + CAST(j % 1800 AS INTEGER), 'day',
                       1 + j % 5, 1 + j % 3, 1 + j % 4, DATE '2020-01-01' + CAST(j % 1800 AS INTEGER),
                       DATE '2020-01-01' + CAST(j % 1800 AS INTEGER), 0.7, 'open', 'Synthetic incident ' || j, j,
                       DATE '2020-01-01' + CAST(j % 1800 AS INTEGER), DATE '2020-01-01' + CAST(j % 1800 AS INTEGER),
                       true, now()
                FROM range({n_articles}) t(j)""")
        s.con.execute("CHECKPOINT")
        reader = s.create_key("bench reader", "reader")[1]
        analyst = s.create_key("bench analyst", "analyst")[1]
    tokens_file.write_text(json.dumps({"reader": reader, "analyst": analyst, "layout": _layout(), "events": n_events}))
    print(f"built {path}: {n_events:,} events in {time.perf_counter() - t0:.1f}s", file=sys.stderr)
    return reader, analyst


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(db: str, port: int) -> subprocess.Popen:
    import httpx

    env = dict(os.environ, PYTHONPATH=str(ROOT / "src") + os.pathsep + os.environ.get("PYTHONPATH", ""))
    proc = subprocess.Popen([sys.executable, "-m", "eventwatch.cli", "serve", "--db", db, "--port", str(port),
                             "--log-level", "warning"], env=env)
    deadline = time.time() + 120
    while time.time() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/api/v1/health", timeout=1).status_code == 200:
                return proc
        except httpx.HTTPError:
            pass
        if proc.poll() is not None:
            raise SystemExit("the server did not start")
        time.sleep(0.3)
    proc.kill()
    raise SystemExit("the server did not answer within 120 s")


def event_queries(has_incidents: bool) -> list:
    """The request mix of the load phase, what analysts' dashboards ask for: each entry draws its
    parameters at random (country, page, dates), so that clients rarely repeat one another."""
    def country(r):
        return r.choice(COUNTRIES)

    def page(r, size=100):
        return r.randrange(0, 10) * size

    def month(r):
        return f"{r.randrange(2020, 2025)}-{r.randrange(1, 13):02d}-01"

    q = [
        ("first pages", lambda r: ("/api/v1/events", {"offset": page(r)})),
        ("newest first", lambda r: ("/api/v1/events", {"limit": 20, "order": "-date", "offset": page(r, 20)})),
        ("country", lambda r: ("/api/v1/events", {"country": country(r), "limit": 50, "offset": page(r, 50)})),
        ("dyad since", lambda r: ("/api/v1/events", {"dyad": f"{country(r)},{country(r)}", "since": month(r)})),
        ("code and dates", lambda r: ("/api/v1/events", {"code": r.choice(CODES)[:2], "since": month(r), "until": "2024-12-31"})),
        ("root and source", lambda r: ("/api/v1/events", {"root": r.choice(CODES)[:2], "source": country(r), "offset": page(r)})),
        ("intent to target", lambda r: ("/api/v1/events", {"mode": "intent", "target": country(r), "limit": 10})),
        ("one article", lambda r: ("/api/v1/events", {"article_id": f"syn{r.randrange(0, 250_000)}"})),
        ("text search", lambda r: ("/api/v1/events", {"text": f"officials said ({r.randrange(0, 10**6)})", "limit": 5})),
        ("deep offset", lambda r: ("/api/v1/events", {"offset": r.randrange(0, 10**5), "limit": 100, "include_negated": True})),
    ]
    if has_incidents:
        q += [("incidents pages", lambda r: ("/api/v1/incidents", {"offset": page(r, 20), "limit": 20})),
              ("incidents country", lambda r: ("/api/v1/incidents", {"country": country(r), "limit": 20}))]
    return q


async def run_phase(base: str, token: str, queries: list, clients: int, seconds: float,
                    ingest_token: str | None = None, articles: list[dict] | None = None) -> dict:
    import httpx

    latencies: list[float] = []
    by_label: dict[str, list[float]] = {}
    errors: dict[str, int] = {}
    ingest_lat: list[float] = []
    ingest_err = 0
    headers = {"Authorization": f"Bearer {token}"}
    deadline = time.perf_counter() + seconds

    tls = ssl.create_default_context()  # built once: each client would otherwise load the CA bundle

    def connection():
        # one client (one kept-alive connection) per simulated user: a single pool shared by
        # hundreds of tasks costs the load generator more than the server
        return httpx.AsyncClient(base_url=base, headers=headers, timeout=120, verify=tls,
                                 limits=httpx.Limits(max_connections=1, max_keepalive_connections=1))

    async def reader(seed: int):
        rnd = random.Random(seed)
        async with connection() as client:
            while time.perf_counter() < deadline:
                label, draw = rnd.choice(queries)
                path, params = draw(rnd)
                t0 = time.perf_counter()
                try:
                    r = await client.get(path, params=params)
                    ok = r.status_code == 200
                    key = str(r.status_code)
                except httpx.HTTPError as exc:
                    ok, key = False, type(exc).__name__
                latencies.append(time.perf_counter() - t0)
                by_label.setdefault(label, []).append(latencies[-1])
                if not ok:
                    errors[key] = errors.get(key, 0) + 1

    async def ingester():
        nonlocal ingest_err
        i = 0
        h = {"Authorization": f"Bearer {ingest_token}"}
        async with connection() as client:
            while time.perf_counter() < deadline:
                a = articles[i % len(articles)]
                i += 1
                body = dict(a, id=f"{a['id']}-load-{os.getpid()}-{time.time_ns()}",
                            text=a["text"] + f"\n\nLoad test copy {time.time_ns()}.")
                t0 = time.perf_counter()
                try:
                    r = await client.post("/api/v1/ingest", json=body, headers=h)
                    got = r.json() if r.status_code == 200 else {}
                    # the samples come round again: a repeat is a near-duplicate copy (stored as a source), not an error
                    if r.status_code != 200 or got.get("added", 0) + got.get("near_duplicates", 0) != 1 \
                            or got.get("drops"):
                        ingest_err += 1
                except httpx.HTTPError:
                    ingest_err += 1
                ingest_lat.append(time.perf_counter() - t0)

    t_start = time.perf_counter()
    tasks = [reader(s) for s in range(clients)]
    if ingest_token:
        tasks.append(ingester())
    await asyncio.gather(*tasks)
    elapsed = time.perf_counter() - t_start
    out = {"requests": len(latencies), "rps": len(latencies) / elapsed, "errors": sum(errors.values()),
           "error_kinds": errors, "p50_ms": _pct(latencies, 50), "p99_ms": _pct(latencies, 99),
           "by_label": {k: (len(v), _pct(v, 50)) for k, v in sorted(by_label.items())}}
    if ingest_token:
        out.update(ingested=len(ingest_lat) - ingest_err, ingest_errors=ingest_err,
                   ingest_p50_ms=_pct(ingest_lat, 50), ingest_p99_ms=_pct(ingest_lat, 99))
    return out


def _pct(xs: list[float], p: int) -> float:
    if not xs:
        return float("nan")
    if len(xs) == 1:
        return xs[0] * 1000
    return statistics.quantiles(xs, n=100, method="inclusive")[p - 1] * 1000 if p < 100 else max(xs) * 1000


def sample_articles() -> list[dict]:
    from eventwatch.api import read
    from eventwatch.records import Article

    arts = [a for a in read([ROOT / "samples" / "articles"]) if isinstance(a, Article)]
    return [{"id": a.id, "text": a.text, "title": a.title, "published": a.published} for a in arts]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--events", type=int, default=1_000_000)
    ap.add_argument("--clients", type=int, default=200)
    ap.add_argument("--seconds", type=float, default=30)
    ap.add_argument("--db", help="database to build or reuse (default: in the temp folder, by size)")
    ap.add_argument("--no-ingest", action="store_true", help="no ingest loop during the load phase")
    args = ap.parse_args()

    sys.path.insert(0, str(ROOT / "src"))
    import httpx

    db = args.db or os.path.join(tempfile.gettempdir(), f"eventwatch-api-bench-{args.events}.duckdb")
    reader_token, analyst_token = build_db(db, args.events)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    proc = start_server(db, port)
    try:
        paths = httpx.get(base + "/openapi.json").json()["paths"]
        has_incidents = "/api/v1/incidents" in paths
        articles = sample_articles()
        if not args.no_ingest:  # load the extraction model before anything is timed
            t0 = time.perf_counter()
            r = httpx.post(base + "/api/v1/ingest", json=dict(articles[0], id=f"warm-{time.time_ns()}",
                                                               text=articles[0]["text"] + f"\n\nWarm-up {time.time_ns()}."),
                           headers={"Authorization": f"Bearer {analyst_token}"}, timeout=300)
            print(f"warm-up ingest: {r.status_code} in {time.perf_counter() - t0:.1f}s", file=sys.stderr)
        base_run = asyncio.run(run_phase(base, reader_token, [("health", lambda r: ("/api/v1/health", {}))], args.clients, args.seconds))
        load = asyncio.run(run_phase(base, reader_token, event_queries(has_incidents), args.clients, args.seconds,
                                     None if args.no_ingest else analyst_token, articles))
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()

    print(f"\nREST API load: {args.events:,} events, {args.clients} clients, {args.seconds:g} s per phase"
          f"{'' if args.no_ingest else ', ingest loop during the load phase'}"
          f"{'' if not has_incidents else ', incidents in the mix'}")
    print(f"{'phase':<22} {'requests':>9} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7}")
    for name, r in (("baseline /health", base_run), ("events mix", load)):
        print(f"{name:<22} {r['requests']:>9} {r['rps']:>8.1f} {r['p50_ms']:>8.1f} {r['p99_ms']:>8.1f} {r['errors']:>7}")
    print(f"ratio events/baseline: throughput {load['rps'] / base_run['rps']:.2f}, "
          f"p50 latency x{load['p50_ms'] / base_run['p50_ms']:.1f}, p99 latency x{load['p99_ms'] / base_run['p99_ms']:.1f}")
    print("events mix by kind (requests, p50 ms): " + "; ".join(
        f"{k} {n}, {p50:.0f}" for k, (n, p50) in load["by_label"].items()))
    if not args.no_ingest:
        print(f"ingest during load: {load['ingested']} articles stored, {load['ingest_errors']} errors, "
              f"p50 {load['ingest_p50_ms']:.0f} ms, p99 {load['ingest_p99_ms']:.0f} ms per article")
    if base_run["errors"] or load["errors"]:
        print(f"errors: baseline {base_run['error_kinds']}, load {load['error_kinds']}")


if __name__ == "__main__":
    main()
