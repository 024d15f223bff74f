"""Near-duplicate articles: wire copies of one story recognised before they are parsed.

The same agency story is republished by many outlets under another headline, with its ending
trimmed or a few words edited. Stored and extracted once per copy it would multiply events and
inflate every count, so ingest keeps one article and lists the copies as extra sources of it
(``article_sources``). Only copies of the same *text* are merged: two reports written
independently about the same attack share facts, not word sequences, and stay two articles
(linking them is the incidents stage's job).

How a copy is recognised (precision first):

* **Shingles** -- the set of 5-word sequences of the article's *body* blocks only (lower-cased
  words), so headlines, captions, related-link lists and credits never matter.
* **Candidates** -- a 128-permutation MinHash signature of the shingles (``datasketch``), cut
  into LSH bands (``CANDIDATE_JACCARD`` = 0.3 gives 37 bands of 3 rows). Stored articles keep
  their band hashes in the database, so the candidates of a new article are one indexed
  look-up; articles arriving in the same chunk are looked up in an in-memory ``MinHashLSH``.
  The threshold is permissive on purpose: a copy with its last paragraphs cut has a low
  Jaccard similarity but is still a copy.
* **Verification** -- exact shingle sets, recomputed from the candidate's stored body text. A new
  report is a copy of a candidate when

  - ``containment`` = |A n B| / |A| >= ``near_duplicate_threshold`` (default 0.8; A = the new
    report): at least 80% of its word sequences are in the stored text. Measured on the new
    report, not on the smaller of the two, so a report that *adds* paragraphs of its own
    reporting (which may carry events) is kept as an article of its own;
  - ``jaccard`` = |A n B| / |A u B| >= ``MIN_JACCARD`` (0.5): a one-paragraph brief is not folded
    into a long story;
  - A has at least ``MIN_SHINGLES`` (40, about two sentences) shingles: two short texts that
    share a stock sentence are never merged.

>>> sig = Signature.of(article)          # shingles, MinHash and band hashes of one article
>>> match = verify(sig.shingles, shingles(stored.text, stored.blocks), threshold=0.8)
>>> match.is_copy, match.containment
(True, 0.93)
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterable

import numpy as np

from .records import Article, Block

SHINGLE_WORDS = 5
NUM_PERM = 128
CANDIDATE_JACCARD = 0.3  # LSH threshold: finds pairs down to about this Jaccard similarity
MIN_JACCARD = 0.5
MIN_SHINGLES = 40
SEED = 1
_SCHEME_VERSION = 1  # bump when the shingling changes
_WORD_RE = re.compile(r"\w+")


def body_text(text: str, blocks: Iterable[Block]) -> str:
    """The article's body blocks joined: what shingles are made of (captions, links, titles left out)."""
    blocks = list(blocks) or [Block(0, len(text))]
    return "\n".join(text[b.start:b.end] for b in blocks if b.kind == "body")


def shingles(text: str, blocks: Iterable[Block] | None = None) -> frozenset[str]:
    """The set of ``SHINGLE_WORDS``-word sequences of the body text, lower-cased.

    >>> len(shingles("Police arrested two men in Kabul on Tuesday."))
    4
    """
    words = _WORD_RE.findall((body_text(text, blocks) if blocks is not None else text).lower())
    if len(words) < SHINGLE_WORDS:
        return frozenset([" ".join(words)]) if words else frozenset()
    return frozenset(" ".join(words[i:i + SHINGLE_WORDS]) for i in range(len(words) - SHINGLE_WORDS + 1))


@lru_cache(maxsize=1)
def lsh_params() -> tuple[int, int]:
    """(bands, rows per band) that datasketch chooses for ``CANDIDATE_JACCARD`` and ``NUM_PERM``."""
    from datasketch import MinHashLSH

    lsh = MinHashLSH(threshold=CANDIDATE_JACCARD, num_perm=NUM_PERM)
    return lsh.b, lsh.r


@lru_cache(maxsize=1)
def _template():
    from datasketch import MinHash

    # the permutations are drawn once; copies of this MinHash share them (bulk creation is costly)
    return MinHash(num_perm=NUM_PERM, seed=SEED)


def minhash(sh: Iterable[str]):
    """A datasketch ``MinHash`` of the shingles (deterministic across runs and processes)."""
    m = _template().copy()
    m.update_batch([s.encode("utf-8") for s in sh])
    return m


def band_hashes(m) -> list[int]:
    """One unsigned 64-bit hash per LSH band of the signature (what the database indexes)."""
    b, r = lsh_params()
    hv = np.asarray(m.hashvalues, dtype=np.uint64)
    return [int.from_bytes(hashlib.blake2b(hv[i * r:(i + 1) * r].tobytes(), digest_size=8).digest(), "little")
            for i in range(b)]


@lru_cache(maxsize=1)
def scheme() -> str:
    """A tag of how band hashes are made, stored with them: they are only comparable when made the same way.

    It holds the parameters and the band hashes of a fixed text, so a change of parameters or of the
    MinHash library's hashing (a datasketch upgrade) shows, and ingest recomputes the stored bands.
    """
    probe = band_hashes(minhash(["eventwatch near-duplicate probe"]))
    return (f"v{_SCHEME_VERSION}-w{SHINGLE_WORDS}-p{NUM_PERM}-j{CANDIDATE_JACCARD}-s{SEED}-"
            f"{hashlib.blake2b(repr(probe).encode(), digest_size=6).hexdigest()}")


@dataclass
class Signature:
    """Shingles, MinHash and band hashes of one article's body text."""

    shingles: frozenset[str]
    minhash: object
    bands: list[int]

    @classmethod
    def of(cls, article: Article) -> "Signature":
        sh = shingles(article.text, article.blocks)
        m = minhash(sh)
        return cls(sh, m, band_hashes(m) if sh else [])


@dataclass
class Match:
    """How much of a new report is found in a stored article, and whether that makes it a copy."""

    containment: float  # |A n B| / |A|, A = the new report's shingles
    jaccard: float
    size: int  # |A|
    is_copy: bool


def verify(new: frozenset[str], stored: frozenset[str], threshold: float = 0.8) -> Match:
    """Whether the report with shingles ``new`` is a copy of the article with shingles ``stored``.

    >>> verify(shingles(copy_text), shingles(wire_text)).is_copy
    True
    """
    if not new or not stored:
        return Match(0.0, 0.0, len(new), False)
    common = len(new & stored)
    containment = common / len(new)
    jaccard = common / (len(new) + len(stored) - common)
    ok = len(new) >= MIN_SHINGLES and containment >= threshold and jaccard >= MIN_JACCARD
    return Match(round(containment, 4), round(jaccard, 4), len(new), ok)


class ChunkIndex:
    """The articles of the current ingest chunk that will be stored, as an in-memory LSH.

    Copies arriving in the same chunk as their original are found here; stored articles are found
    through the database's band index.
    """

    def __init__(self):
        from datasketch import MinHashLSH

        b, r = lsh_params()
        self.lsh = MinHashLSH(num_perm=NUM_PERM, params=(b, r))
        self.shingles: dict[str, frozenset[str]] = {}

    def candidates(self, sig: Signature) -> list[str]:
        return sorted(self.lsh.query(sig.minhash)) if sig.shingles else []

    def add(self, article_id: str, sig: Signature) -> None:
        if sig.shingles and article_id not in self.shingles:
            self.lsh.insert(article_id, sig.minhash)
            self.shingles[article_id] = sig.shingles


# ---- one ingest chunk ---------------------------------------------------------------------------------

MAX_CANDIDATES = 20  # verified per new article, most shared bands first: bounds the cost of a flood of one story


@dataclass
class Copy:
    """A report recognised as a copy of ``of`` (a stored article, or one stored earlier in the chunk)."""

    article: Article
    of: str
    match: Match
    in_chunk: bool


@dataclass
class ChunkPlan:
    """What ingest does with a chunk: extract and store ``keep``, record ``copies`` as sources."""

    keep: list[Article]
    copies: list[Copy]
    signatures: dict[tuple[str, str | None], Signature]

    def index_entry(self, article: Article) -> tuple[str, list[int], int] | None:
        """``(id, band hashes, n_shingles)`` of a kept article, as ``Store.put_bands_many`` takes them."""
        sig = self.signatures.get((article.id, article.content_hash))
        return (article.id, sig.bands, len(sig.shingles)) if sig is not None else None


def check_threshold(value) -> float:
    """The containment threshold as a float in (0, 1]; EW070 otherwise."""
    from .errors import error

    try:
        v = float(value)
    except (TypeError, ValueError):
        v = float("nan")
    if not 0.0 < v <= 1.0:  # NaN fails too
        raise error("EW070", value=value)
    return v


def plan_chunk(store, chunk: list[Article], threshold: float = 0.8) -> ChunkPlan:
    """Split a chunk into articles to extract and copies of stored (or earlier) articles, in order.

    An article whose id is already stored is never taken for a copy: it is a re-ingest, a conflict
    or a ``--replace`` of that article, which ``Store.add`` decides.

    >>> plan = plan_chunk(store, articles)
    >>> [(c.article.id, c.of, c.match.containment) for c in plan.copies]
    [('dawn-17', 's001', 0.97)]
    """
    sigs = [Signature.of(a) for a in chunk]
    stored = store.stored_ids(a.id for a in chunk)
    # a report too short to be a copy (MIN_SHINGLES) needs no look-up
    ask = {i: s.bands for i, s in enumerate(sigs) if chunk[i].id not in stored and len(s.shingles) >= MIN_SHINGLES}
    found = store.near_duplicate_candidates(ask)
    found = {i: [c for c in cs if c != chunk[i].id][:MAX_CANDIDATES] for i, cs in found.items()}
    texts = store.articles_for_dedup(c for cs in found.values() for c in cs)
    cache: dict[str, frozenset[str]] = {}

    def stored_shingles(cid: str) -> frozenset[str]:
        if cid not in cache:
            a = texts.get(cid)
            cache[cid] = shingles(a.text, a.blocks) if a is not None else frozenset()
        return cache[cid]

    index = ChunkIndex()
    plan = ChunkPlan([], [], {})
    for i, (a, sig) in enumerate(zip(chunk, sigs)):
        best: Copy | None = None
        if i in ask:
            tries = [(cid, stored_shingles(cid), False) for cid in found.get(i, [])]
            tries += [(cid, index.shingles[cid], True) for cid in index.candidates(sig)[:MAX_CANDIDATES]
                      if cid != a.id]
            for cid, other, in_chunk in tries:
                m = verify(sig.shingles, other, threshold)
                if m.is_copy and (best is None or (m.containment, m.jaccard) > (best.match.containment, best.match.jaccard)):
                    best = Copy(a, cid, m, in_chunk)
        if best is not None:
            plan.copies.append(best)
        else:
            plan.keep.append(a)
            plan.signatures.setdefault((a.id, a.content_hash), sig)
            index.add(a.id, sig)
    return plan


def index_stored_articles(store, batch: int = 1000) -> int:
    """Give band hashes to stored articles that lack them (an older database, ``--no-near-dup``
    ingests); returns how many were indexed. A no-op query when all are indexed.
    """
    n = 0
    while True:
        todo = store.articles_without_bands(scheme(), limit=batch)
        if not todo:
            return n
        items = []
        for a in todo:
            sig = Signature.of(a)
            items.append((a.id, sig.bands, len(sig.shingles)))
        n += store.put_bands_many(items, scheme())
