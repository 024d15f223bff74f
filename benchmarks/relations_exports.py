"""Speed of `eventwatch dyad` and of the GeoJSON/GDELT exports against plain DuckDB baselines, same run.

    python benchmarks/relations_exports.py [--events 200000]

Builds a throw-away database of synthetic events (10 countries, 2019-2024, a third with coordinates),
then times: the dyad report (by month and by week) against one SQL GROUP BY that counts the same
QuadClasses per month; GeoJSON and GDELT exports against the CSV export of the same events.
Only the ratios measured in one run are meaningful.
"""
from __future__ import annotations

import argparse
import datetime as dt
import random
import tempfile
import time
from pathlib import Path


def build(path: str, n: int) -> None:
    from eventwatch.extraction.codebook import codebook
    from eventwatch.store import Store
    from eventwatch.store.events import _INSERT_COLUMNS

    rnd = random.Random(7)
    codes = list(codebook().values())
    countries = ["CHN", "PAK", "IND", "AFG", "IRN", "USA", "RUS", "UKR", "ISR", "SOM"]
    start = dt.date(2019, 1, 1)
    rows = []
    for i in range(n):
        c = rnd.choice(codes)
        s, t = rnd.sample(countries, 2)
        day = start + dt.timedelta(days=rnd.randrange(6 * 365))
        located = rnd.random() < 0.33
        row = dict.fromkeys(_INSERT_COLUMNS)
        row.update(article_id=f"a{i // 20}", sentence_index=i % 20, span_start=0, span_end=10, sentence="x",
                   code=c.code, root=c.root, quad_class=c.quad_class, goldstein=c.goldstein, plover=c.plover,
                   source_text="x", source_country=s, source_sector="GOV", source_code=s + "GOV",
                   target_text="y", target_country=t, target_sector="MIL", target_code=t + "MIL",
                   date=day.isoformat(), date_precision="day", negated=rnd.random() < 0.03,
                   mode=rnd.choice(["asserted"] * 8 + ["intent", "reference"]), confidence=0.7,
                   published=day.isoformat(), event_id=f"a{i // 20}:{i % 20}:0", effective_date=day.isoformat(),
                   location_name="P" if located else None, location_country=t if located else None,
                   location_lat=rnd.uniform(-60, 60) if located else None,
                   location_lon=rnd.uniform(-170, 170) if located else None,
                   location_precision="city" if located else None)
        rows.append([row[c] for c in _INSERT_COLUMNS])
    with Store(path) as store:
        for k in range(0, len(rows), 50_000):
            store._insert_events(rows[k:k + 50_000])


def best(fn, rounds: int = 3) -> float:
    times = []
    for _ in range(rounds):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--events", type=int, default=200_000)
    a = ap.parse_args()
    import eventwatch
    from eventwatch.store import Store

    with tempfile.TemporaryDirectory() as tmp:
        db = str(Path(tmp) / "bench.duckdb")
        build(db, a.events)
        with Store(db, read_only=True) as store:
            n_dyad = store.count_events(dyad=("CHN", "PAK"), include_negated=True)

            def sql_baseline():
                store.con.execute(
                    "SELECT date_trunc('month', effective_date) m, source_country, quad_class, count(*), "
                    "sum(goldstein) FROM events WHERE ((source_country='CHN' AND target_country='PAK') OR "
                    "(source_country='PAK' AND target_country='CHN')) AND NOT negated AND mode <> 'reference' "
                    "GROUP BY ALL").fetchall()

            t_sql = best(sql_baseline)
        t_month = best(lambda: eventwatch.dyad("CHN", "PAK", db=db, by="month"))
        t_week = best(lambda: eventwatch.dyad("CHN", "PAK", db=db, by="week"))
        t_csv = best(lambda: eventwatch.export(str(Path(tmp) / "e.csv"), fmt="csv", db=db), 1)
        t_geo = best(lambda: eventwatch.export(str(Path(tmp) / "e.geojson"), fmt="geojson", db=db), 1)
        t_gdelt = best(lambda: eventwatch.export(str(Path(tmp) / "e.tsv"), fmt="gdelt", db=db), 1)
    print(f"{a.events:,} events in the database, {n_dyad:,} between CHN and PAK")
    print(f"dyad by month: {t_month * 1000:8.1f} ms   by week: {t_week * 1000:8.1f} ms   "
          f"SQL GROUP BY baseline: {t_sql * 1000:6.1f} ms   ratio month/SQL: {t_month / t_sql:5.1f}")
    print(f"export csv: {t_csv:6.2f} s ({a.events / t_csv:,.0f} events/s)   geojson: {t_geo:6.2f} s "
          f"(x{t_geo / t_csv:.2f} of csv)   gdelt: {t_gdelt:6.2f} s (x{t_gdelt / t_csv:.2f} of csv)")


if __name__ == "__main__":
    main()
