"""Throughput of the whole extraction pipeline against bare spaCy parsing of the same texts, same run.

    python benchmarks/throughput.py [--articles 600] [--workers 2]

Prints articles/s and words/s for both and their ratio (target: pipeline >= 0.80 of bare spaCy).
Texts are the bundled sample corpus (and shared/eval/dev.jsonl when present), repeated to --articles.
Machines are noisy: only the ratio measured in one run is meaningful.
"""
from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def load_articles(n: int):
    from eventwatch.api import read
    from eventwatch.records import Article
    from eventwatch.text import prepare

    arts = [a for a in read([ROOT / "samples" / "articles"]) if isinstance(a, Article)]
    dev = ROOT.parent / "shared" / "eval" / "dev.jsonl"
    if dev.exists():
        for line in dev.open(encoding="utf-8"):
            g = json.loads(line)
            arts.append(prepare(g["text"], id=g["id"], published=g["published"]))
    out = []
    i = 0
    while len(out) < n:
        a = arts[i % len(arts)]
        out.append(type(a)(**{**a.__dict__, "id": f"{a.id}-{i}"}))
        i += 1
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--articles", type=int, default=600)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--batch-size", type=int, default=16)
    ap.add_argument("--rounds", type=int, default=2)
    args = ap.parse_args()

    from eventwatch.extraction import nlp
    from eventwatch.extraction.pipeline import _dateline_end, extract_many, masked_text

    articles = load_articles(args.articles)
    texts = [a.text for a in articles]
    # the exact strings the pipeline parses: boilerplate and dateline blanked out
    bodies = [masked_text(a, _dateline_end(a)) for a in articles]
    words = sum(len(t.split()) for t in texts)
    model = nlp.load()

    # alternate the two measurements and keep the best round of each: the machine is noisy
    bare = body = full = float("inf")
    n_docs = n_events = 0
    for _ in range(args.rounds):
        t0 = time.perf_counter()
        n_docs = sum(1 for _ in model.pipe(texts, n_process=args.workers, batch_size=args.batch_size))
        bare = min(bare, time.perf_counter() - t0)
        t0 = time.perf_counter()
        sum(1 for _ in model.pipe(bodies, n_process=args.workers, batch_size=args.batch_size))
        body = min(body, time.perf_counter() - t0)
        t0 = time.perf_counter()
        n_events = 0
        for _, evs, err in extract_many(articles, n_process=args.workers, batch_size=args.batch_size):
            n_events += len(evs or [])
        full = min(full, time.perf_counter() - t0)

    print(f"articles: {len(articles)}  words: {words}  workers: {args.workers}")
    print(f"bare spaCy parse : {n_docs / bare:8.1f} articles/s {words / bare:10.0f} words/s  ({bare:.1f}s)")
    print(f"bare spaCy, bodies: {n_docs / body:8.1f} articles/s {words / body:10.0f} words/s  ({body:.1f}s;"
          f" the same blanked text the pipeline parses)")
    print(f"eventwatch extract: {len(articles) / full:8.1f} articles/s {words / full:10.0f} words/s  ({full:.1f}s,"
          f" {n_events} events)")
    print(f"ratio pipeline / bare spaCy on the articles: {bare / full:.2f}   on the same bodies: {body / full:.2f}"
          f"  (best of {args.rounds} alternating rounds)")


if __name__ == "__main__":
    main()
