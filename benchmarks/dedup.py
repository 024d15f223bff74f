"""Cost of the near-duplicate check at ingest against bare spaCy parsing of the same texts, same run.

    python benchmarks/dedup.py [--articles 2000] [--workers 1]

The corpus is the bundled samples (and shared/eval/dev.jsonl when present), repeated and perturbed
to --articles: every other repeat is a light edit (a word in 40 changed, the last paragraph cut:
a wire copy the check must catch), the others a heavy one (paragraphs shuffled, a word in 3
changed: a new article, stored with its bands), so the database grows as in a real feed. The check
runs as ingest runs it: chunks of 1,000, each planned (MinHash, one band look-up, verification)
and its kept articles written with their bands. Printed: articles/s of the check, of bare spaCy
(``nlp.pipe`` on the same texts, --workers processes), and the check's time as a share of the
parse. Machines are noisy: only the ratio measured in one run is meaningful.
"""
from __future__ import annotations

import argparse
import json
import random
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def perturbed(n: int, seed: int = 7):
    """``n`` articles: the base corpus, then alternately light copies and heavily edited new articles."""
    from eventwatch.api import read
    from eventwatch.records import Article
    from eventwatch.text import prepare

    base = [a for a in read([ROOT / "samples" / "articles"]) if isinstance(a, Article)]
    dev = ROOT.parent / "shared" / "eval" / "dev.jsonl"
    if dev.exists():
        for line in dev.open(encoding="utf-8"):
            g = json.loads(line)
            base.append(prepare(g["text"], id=g["id"], published=g["published"]))
    rnd = random.Random(seed)
    words = sorted({w for a in base for w in a.text.split() if w.isalpha()})
    out, i = list(base[:n]), 0
    while len(out) < n:
        a = base[i % len(base)]
        heavy = (i // len(base)) % 2 == 0
        paras = [p for p in a.text.split("\n\n") if p.strip()]
        if heavy:
            rnd.shuffle(paras)
        elif len(paras) > 3:
            paras = paras[:-1]
        rate = 3 if heavy else 40
        text = "\n\n".join(" ".join(rnd.choice(words) if rnd.randrange(rate) == 0 else w for w in p.split(" "))
                           for p in paras)
        out.append(prepare(text, id=f"{a.id}-{i}", published=a.published))
        i += 1
    return out


def check(articles, db: str) -> tuple[float, float, int, int]:
    """Seconds of the check as ingest runs it (planning each chunk, writing its bands), of the article
    writes in between (not part of the check), articles kept and copies found."""
    from eventwatch import dedup
    from eventwatch.api import INGEST_CHUNK
    from eventwatch.store import Store

    t_check = t_store = 0.0
    kept = copies = 0
    with Store(db) as store:
        for k in range(0, len(articles), INGEST_CHUNK):
            chunk = articles[k:k + INGEST_CHUNK]
            t0 = time.perf_counter()
            plan = dedup.plan_chunk(store, chunk)
            t1 = time.perf_counter()
            for a in plan.keep:  # extraction would run here; storing costs what it costs anyway
                store.add(a, [])
            t2 = time.perf_counter()
            store.put_bands_many([plan.index_entry(a) for a in plan.keep], dedup.scheme())
            t_check += (t1 - t0) + (time.perf_counter() - t2)
            t_store += t2 - t1
            kept += len(plan.keep)
            copies += len(plan.copies)
    return t_check, t_store, kept, copies


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--articles", type=int, default=2000)
    ap.add_argument("--workers", type=int, default=1, help="spaCy processes (the check runs in one)")
    ap.add_argument("--batch-size", type=int, default=16)
    ap.add_argument("--no-parse", action="store_true", help="time the check only")
    args = ap.parse_args()

    from eventwatch import dedup
    from eventwatch.extraction import nlp

    articles = perturbed(args.articles)
    dedup.lsh_params(), dedup.scheme()  # one-off set-up outside the timings
    with tempfile.TemporaryDirectory() as tmp:
        t_check, t_store, kept, copies = check(articles, str(Path(tmp) / "b.duckdb"))

    texts = [a.text for a in articles]
    words = sum(len(t.split()) for t in texts)
    t_parse = float("nan")
    if not args.no_parse:
        model = nlp.load()
        t0 = time.perf_counter()
        sum(1 for _ in model.pipe(texts, n_process=args.workers, batch_size=args.batch_size))
        t_parse = time.perf_counter() - t0

    n = len(articles)
    print(f"articles: {n}  words: {words}  kept: {kept}  near-duplicates: {copies}  spaCy workers: {args.workers}")
    print(f"near-duplicate check: {n / t_check:9.1f} articles/s  ({t_check:.2f}s: MinHash, band look-up,"
          f" verification, band writes; the {kept} article writes took {t_store:.2f}s more)")
    print(f"bare spaCy parse    : {n / t_parse:9.1f} articles/s  ({t_parse:.1f}s)")
    print(f"check / parse time  : {t_check / t_parse:.3f}  ({100 * t_check / t_parse:.1f}% of the parse)")


if __name__ == "__main__":
    main()
