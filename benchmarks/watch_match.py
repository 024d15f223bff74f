"""Matching a batch of incidents against many assets: the grid index against the naive cross product.

    python benchmarks/watch_match.py [--assets 10000] [--incidents 200] [--seed 1]

Assets are random points (radius 2-40 km), corridors (5 km buffer) and nationality watches over
Pakistan and its neighbours; incidents are random places there with a mix of codes. Prints the
time and the pairs given to the exact check for both ways, their ratios, and checks that both
find the same matches. Only ratios measured in one run are meaningful.
"""
from __future__ import annotations

import argparse
import random
import time


def build(n_assets: int, n_incidents: int, seed: int):
    from eventwatch.records import Actor, Incident, Place
    from eventwatch.watchlist import Asset

    rnd = random.Random(seed)
    box = (23.5, 37.0, 60.5, 77.5)  # lat, lat, lon, lon
    assets = []
    for i in range(n_assets):
        lat, lon = rnd.uniform(*box[:2]), rnd.uniform(*box[2:])
        if i % 10 == 0:
            pts = [[lon + k * rnd.uniform(-0.2, 0.2), lat + k * rnd.uniform(-0.2, 0.2)] for k in range(6)]
            assets.append(Asset(f"r{i}", f"route {i}", "route", {"type": "LineString", "coordinates": pts}, 5.0, "PAK"))
        elif i % 100 == 1:
            assets.append(Asset(f"n{i}", f"people {i}", "nationality", None, 0.0, rnd.choice(["PAK", "AFG"]),
                                covers=[rnd.choice(["CHN", "USA", "GBR"])]))
        else:
            assets.append(Asset(f"p{i}", f"site {i}", "site", {"type": "Point", "coordinates": [lon, lat]},
                                rnd.uniform(2, 40), "PAK"))
    incidents = []
    for j in range(n_incidents):
        code = rnd.choice(["183", "190", "181", "173", "036", "112"])
        quad = {"18": 4, "19": 4, "17": 4, "03": 1, "11": 3}[code[:2]]
        incidents.append(Incident(
            incident_id=f"i{j}", code=code, root=code[:2], quad_class=quad, goldstein=-9.0 if quad == 4 else 1.0,
            target=Actor("engineers", country=rnd.choice(["CHN", "PAK", None]), sector="BUS"),
            date="2024-05-01", location=Place("x", "PAK", "A", None, rnd.uniform(*box[:2]), rnd.uniform(*box[2:])),
            num_sources=1, confidence=0.8))
    return assets, incidents


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--assets", type=int, default=10000)
    ap.add_argument("--incidents", type=int, default=200)
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()

    from eventwatch.alerting import AssetIndex, load_rules, match_naive

    rules = load_rules()
    assets, incidents = build(a.assets, a.incidents, a.seed)
    # warm both paths (shapely import, shape caches) on a few incidents first
    match_naive(incidents[:2], assets, rules)

    t0 = time.perf_counter()
    index = AssetIndex(assets, rules)
    t_build = time.perf_counter() - t0
    fast = index.match(incidents)
    t_index = time.perf_counter() - t0

    t0 = time.perf_counter()
    naive = match_naive(incidents, assets, rules)
    t_naive = time.perf_counter() - t0

    key = lambda m: (m.incident.incident_id, m.asset.asset_id)  # noqa: E731
    same = sorted(map(key, fast)) == sorted(map(key, naive))
    pairs = len(assets) * len(incidents)
    print(f"{len(assets)} assets x {len(incidents)} incidents = {pairs} pairs; {len(naive)} matches; same: {same}")
    print(f"naive : {t_naive:8.3f} s  {pairs:>10} pairs checked")
    print(f"index : {t_index:8.3f} s  {index.pairs_checked:>10} pairs checked  (build {t_build:.3f} s)")
    print(f"speed-up x{t_naive / t_index:.1f}; pairs checked x{pairs / max(1, index.pairs_checked):.0f} fewer")
    if not same:
        raise SystemExit("index and naive matches differ")


if __name__ == "__main__":
    main()
