"""Incremental incident clustering: the cost of new articles follows their window, not the store.

    python benchmarks/incidents.py [--new 1000] [--sizes 100000 1000000]

For each size, a fresh DuckDB store is filled with that many synthetic events (and their articles,
reports and incidents) by DuckDB SQL, over the same 11 years and 40 countries (so the larger store is
10x denser: the same window holds 10x the candidates), in chronological order as a news store grows, then 1,000 new synthetic articles (3 events each, half of them
new reports of stored incidents) are written through the ingest path: ``Store.add`` per article, then
one ``clustering.update_store`` for the chunk, as ``eventwatch ingest`` does. No spaCy.
Prints the time for the new articles at each size and the ratio largest / smallest (target: within 2x).
Machines are noisy: only the ratio measured in one run is meaningful.
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import tempfile
import time

COUNTRIES = ["PAK", "AFG", "IND", "IRN", "IRQ", "SYR", "YEM", "SOM", "NGA", "MLI", "BFA", "NER", "SDN", "ETH", "KEN",
             "COD", "CAF", "LBY", "EGY", "TUR", "UKR", "RUS", "MMR", "PHL", "THA", "COL", "MEX", "VEN", "HTI", "BGD",
             "LKA", "NPL", "CMR", "TCD", "MOZ", "SSD", "ISR", "PSE", "LBN", "AZE"]
CODES = ["183", "190", "173", "111", "020", "042"]
START = dt.date(2012, 1, 1)
DAYS = 4000


def fill(store, n_events: int) -> None:
    """n synthetic events in n/3 incidents (3 reports each, 2 incidents per article), by SQL."""
    con = store.con
    n_inc = n_events // 3
    con.execute("CREATE TEMP TABLE syn AS SELECT k, "
                "CAST(? AS VARCHAR[])[1 + k % 40] AS country, "
                "DATE '2012-01-01' + CAST(hash(k) % ? AS INTEGER) AS d, "
                "CAST(? AS VARCHAR[])[1 + k % 6] AS code, "
                "20.0 + (k % 40) * 0.5 + (hash(k + 1) % 1000) / 250.0 AS lat, "
                "40.0 + (k % 40) + (hash(k + 2) % 1000) / 250.0 AS lon "
                "FROM range(?) r(k)", [COUNTRIES, DAYS, CODES, n_inc])
    con.execute("""INSERT INTO incidents SELECT 'syn-' || k, code, substr(code, 1, 2),
        CASE WHEN code < '05' THEN 1 WHEN code < '14' THEN 3 ELSE 4 END, -5.0, 'synthetic',
        'militants', NULL, country, 'REB', country || 'REB', 'civilians', NULL, country, 'CVL', country || 'CVL',
        d, 'day', 'Town ' || (k % 500), country, 'Province', NULL, lat, lon, 'city', NULL,
        3, 3, 3, d, d + 1, NULL, NULL, NULL, 0.9, 'open', 'synthetic incident ' || k,
        k, d, d, true, NULL, NULL, NULL, current_timestamp FROM syn ORDER BY d, k""")
    con.execute("CREATE TEMP TABLE syn_ev AS SELECT e, s.*, 'sa' || (s.k // 2) || '-' || (e % 3) AS article_id "
                "FROM range(?) r(e) JOIN syn s ON s.k = e // 3", [n_inc * 3])
    con.execute("""INSERT INTO articles SELECT DISTINCT ON (article_id) article_id, 'synthetic', d, NULL, 'Agency ' || (e % 3),
        NULL, NULL, 'text', article_id, 'synthetic text', '[]', current_timestamp, 2 FROM syn_ev""")
    con.execute("INSERT INTO article_sources SELECT id, id, agency, title, url, published, NULL, 1.0, ingested_at "
                "FROM articles WHERE starts_with(id, 'sa')")
    con.execute("""INSERT INTO events SELECT 'ev' || e, article_id, 0, 0, 10, 'Synthetic sentence.', code,
        substr(code, 1, 2), CASE WHEN code < '05' THEN 1 WHEN code < '14' THEN 3 ELSE 4 END, -5.0, NULL,
        'militants', NULL, country, 'REB', country || 'REB', 'civilians', NULL, country, 'CVL', country || 'CVL',
        d, 'day', 'Town ' || (k % 500), country, 'Province', NULL, lat, lon, 'city', NULL,
        false, 'asserted', 0.8, 'synthetic', NULL, NULL, d, d FROM syn_ev ORDER BY d, e""")
    con.execute("INSERT INTO incident_events SELECT 'syn-' || k, 'ev' || e, article_id, 'mention', 'report', NULL "
                "FROM syn_ev")
    con.execute("DROP TABLE syn_ev")
    con.execute("DROP TABLE syn")
    con.execute("CHECKPOINT")


def new_articles(store, n: int, seed: int = 7):
    """n articles of 3 events: half report a stored incident again, half something new."""
    from eventwatch.records import Actor, Article, Block, Event, Place

    rnd = random.Random(seed)
    n_inc = store.count_incidents()
    picks = [f"syn-{rnd.randrange(n_inc)}" for _ in range(n // 2)]
    known = {r["incident"].incident_id: r["incident"] for r in store.incident_states(picks)}
    out = []
    for i in range(n):
        evs = []
        if i < n // 2:
            inc = known[picks[i]]
            date, country, code, place = inc.date, inc.location.country, inc.code, inc.location
        else:
            date = (START + dt.timedelta(days=rnd.randrange(DAYS))).isoformat()
            country, code = rnd.choice(COUNTRIES), rnd.choice(CODES)
            place = Place(f"Village {i}", country, "Province", None, rnd.uniform(20, 45), rnd.uniform(40, 85), "city")
        text = "\n\n".join(f"Synthetic report {i}, sentence {j}." for j in range(3))
        art = Article(id=f"new{i}", text=text, title=f"new {i}", published=date, agency=f"Agency {i % 5}",
                      blocks=[Block(0, len(text))])
        for j in range(3):
            evs.append(Event(article_id=art.id, sentence_index=j, span=(0, 10), sentence=f"Synthetic report {i}.",
                             code=code, root=code[:2], quad_class=4, goldstein=-5.0,
                             source=Actor("militants", None, country, "REB"),
                             target=Actor("civilians", None, country, "CVL"), date=date, date_precision="day",
                             location=place, confidence=0.8, code_name="synthetic", published=date))
        out.append((art, evs))
    return out


def run(size: int, n_new: int, folder: str) -> dict:
    from eventwatch.clustering import update_store
    from eventwatch.store import Store

    path = os.path.join(folder, f"bench{size}.duckdb")
    with Store(path) as store:
        t0 = time.perf_counter()
        fill(store, size)
        t_fill = time.perf_counter() - t0
        batch = new_articles(store, n_new)
        before = store.count_incidents()
        t0 = time.perf_counter()
        for art, evs in batch:
            store.add(art, evs)
        t_add = time.perf_counter() - t0
        t0 = time.perf_counter()
        changed = update_store(store, [a.id for a, _ in batch])
        t_update = time.perf_counter() - t0
        return {"size": size, "fill_s": t_fill, "add_s": t_add, "update_s": t_update, "total_s": t_add + t_update,
                "changed": len(changed), "created": store.count_incidents() - before}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--new", type=int, default=1000, help="new articles to add (3 events each)")
    ap.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000], help="stored events before")
    a = ap.parse_args()
    results = []
    with tempfile.TemporaryDirectory() as folder:
        for size in a.sizes:
            r = run(size, a.new, folder)
            results.append(r)
            print(f"{r['size']:>9,} stored events (filled in {r['fill_s']:.1f}s): {a.new} new articles in "
                  f"{r['total_s']:.2f}s (store.add {r['add_s']:.2f}s, incident update {r['update_s']:.2f}s); "
                  f"{r['changed']} incidents changed, {r['created']} created", flush=True)
    lo, hi = results[0], results[-1]
    print(f"ratio {hi['size']:,} / {lo['size']:,} stored events: total {hi['total_s'] / lo['total_s']:.2f}x, "
          f"incident update {hi['update_s'] / lo['update_s']:.2f}x (target: within 2x)")


if __name__ == "__main__":
    main()
