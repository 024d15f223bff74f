"""Near-duplicate articles: wire copies of one story recognised before they are parsed.

The same agency story is republished by many outlets under another headline, with its ending
trimmed or a few words edited. Stored and extracted once per copy it would multiply events and
inflate every count, so ingest keeps one article and lists the copies as extra sources of it
(``article_sources``). Only copies of the same *text* are merged: two reports written
independently about the same attack share facts, not word sequences, and stay two articles
(linking them is the incidents stage's job).

How a copy is recognised (precision first):

* **Shingles** -- the set of 5-word sequences of the article's *body* blocks only (lower-cased
  words, kept as 64-bit hashes), so headlines, captions, related-link lists and credits never matter.
* **Candidates** -- a 128-permutation MinHash signature of the shingles (``datasketch``), cut
  into LSH bands (``CANDIDATE_JACCARD`` = 0.3 gives 37 bands of 3 rows). Stored articles keep
  their band hashes in the database (``article_bands``), so the candidates of a chunk of new
  articles are one join on them, never an index rebuilt from the stored texts; articles arriving
  in the same chunk are looked up in a dict of the same band hashes.
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
(True, 0.9067)
"""
from __future__ import annotations

import hashlib
import re
import zlib
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
MINHASH_SCHEME = "affine32"  # datasketch's hashing scheme, named so that a new default cannot change it
_SCHEME_VERSION = 1  # bump when the shingling changes
_WORD_RE = re.compile(r"\w+")


def body_text(text: str, blocks: Iterable[Block]) -> str:
    """The article's body blocks joined: what shingles are made of (captions, links, titles left out).

    >>> body_text(article.text, article.blocks).startswith("NAIROBI, March 5 (Reuters) - A roadside bomb")
    True
    """
    blocks = list(blocks) or [Block(0, len(text))]
    return "\n".join(text[b.start:b.end] for b in blocks if b.kind == "body")


_MUL = np.uint64(0x9E3779B97F4A7C15)  # odd 64-bit constants: combine and mix word hashes
_M1, _M2 = np.uint64(0xBF58476D1CE4E5B9), np.uint64(0x94D049BB133111EB)
_S30, _S27, _S31, _S32 = np.uint64(30), np.uint64(27), np.uint64(31), np.uint64(32)


def _mix(h: np.ndarray) -> np.ndarray:
    # splitmix64's finaliser: every input bit reaches every output bit (uint64 arithmetic wraps)
    h = (h ^ (h >> _S30)) * _M1
    h = (h ^ (h >> _S27)) * _M2
    return h ^ (h >> _S31)


def shingle_hashes(text: str, blocks: Iterable[Block] | None = None) -> np.ndarray:
    """64-bit hashes of the ``SHINGLE_WORDS``-word sequences of the body text (lower-cased), unique.

    Hashes, not strings: an article's shingles are made with a C hash per word and a few vector
    operations, and two sets compare as sets of ints (a collision is a 1-in-2**64 event per pair).

    >>> shingle_hashes("Police arrested two men in Kabul on Tuesday.").shape
    (4,)
    """
    words = _WORD_RE.findall((body_text(text, blocks) if blocks is not None else text).lower())
    if not words:
        return np.empty(0, dtype=np.uint64)
    w = np.fromiter((zlib.crc32(x.encode("utf-8")) for x in words), dtype=np.uint64, count=len(words))
    k = min(SHINGLE_WORDS, len(w))
    n = len(w) - k + 1
    h = np.zeros(n, dtype=np.uint64)
    for i in range(k):  # a polynomial over the k word hashes of each window
        h = h * _MUL + w[i:i + n]
    return np.unique(_mix(h))


def shingles(text: str, blocks: Iterable[Block] | None = None) -> frozenset[int]:
    """The set of (hashed) ``SHINGLE_WORDS``-word sequences of the body text, lower-cased.

    >>> len(shingles("Police arrested two men in Kabul on Tuesday."))
    4
    """
    return frozenset(shingle_hashes(text, blocks).tolist())


@lru_cache(maxsize=1)
def lsh_params() -> tuple[int, int]:
    """(bands, rows per band) that datasketch chooses for ``CANDIDATE_JACCARD`` and ``NUM_PERM``.

    >>> lsh_params()
    (37, 3)
    """
    from datasketch import MinHashLSH

    lsh = MinHashLSH(threshold=CANDIDATE_JACCARD, num_perm=NUM_PERM)
    return lsh.b, lsh.r


def _identity(x):
    return x


@lru_cache(maxsize=1)
def _permutations():
    from datasketch import MinHash

    # drawn once (seeded): building them is most of the cost of a fresh MinHash
    return MinHash(num_perm=NUM_PERM, seed=SEED, scheme=MINHASH_SCHEME).permutations


def minhash(hashes):
    """A datasketch ``MinHash`` of shingle hashes (``shingle_hashes``; deterministic across runs and processes).

    >>> minhash(shingle_hashes(wire.text, wire.blocks)).jaccard(minhash(shingle_hashes(copy.text, copy.blocks)))
    0.734375
    """
    from datasketch import MinHash

    m = MinHash(num_perm=NUM_PERM, seed=SEED, hashfunc=_identity, permutations=_permutations(),
                scheme=MINHASH_SCHEME)
    hv = np.asarray(hashes, dtype=np.uint64)
    if len(hv):
        m.update_batch((hv ^ (hv >> _S32)).astype(np.uint32))  # the 32-bit values affine32 takes
    return m


def band_hashes(m) -> list[int]:
    """One unsigned 64-bit hash per LSH band of the signature (what the database indexes).

    >>> len(band_hashes(minhash(shingle_hashes(article.text, article.blocks))))
    37
    """
    b, r = lsh_params()
    rows = np.asarray(m.hashvalues, dtype=np.uint64)[:b * r].reshape(b, r)
    h = np.zeros(b, dtype=np.uint64)
    for i in range(r):
        h = h * _MUL + rows[:, i]
    return _mix(h).tolist()


@lru_cache(maxsize=1)
def scheme() -> str:
    """A tag of how band hashes are made, stored with them: they are only comparable when made the same way.

    It holds the parameters and the band hashes of a fixed text, so a change of parameters or of the
    MinHash library's hashing (a datasketch upgrade) shows, and ingest recomputes the stored bands.
    """
    probe = band_hashes(minhash(shingle_hashes("eventwatch near-duplicate probe: five words or more")))
    return (f"v{_SCHEME_VERSION}-w{SHINGLE_WORDS}-p{NUM_PERM}-j{CANDIDATE_JACCARD}-s{SEED}-"
            f"{hashlib.blake2b(repr(probe).encode(), digest_size=6).hexdigest()}")


@dataclass
class Signature:
    """Shingles, MinHash and band hashes of one article's body text.

    >>> Signature.of(article).bands[:2]
    [577548968857726239, 11198643067373820287]
    """

    shingles: frozenset[int]
    minhash: object
    bands: list[int]

    @classmethod
    def of(cls, article: Article) -> "Signature":
        hv = shingle_hashes(article.text, article.blocks)
        m = minhash(hv)
        return cls(frozenset(hv.tolist()), m, band_hashes(m) if len(hv) else [])


@dataclass
class Match:
    """How much of a new report is found in a stored article, and whether that makes it a copy."""

    containment: float  # |A n B| / |A|, A = the new report's shingles
    jaccard: float
    size: int  # |A|
    is_copy: bool


def verify(new: frozenset[int], stored: frozenset[int], threshold: float = 0.8) -> Match:
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
    """The articles of the current ingest chunk that will be stored, by their band hashes.

    Copies arriving in the same chunk as their original are found here; stored articles are found
    through the database's ``article_bands``. The same band hashes serve both, so both find the
    same candidates.
    """

    def __init__(self):
        self.buckets: dict[tuple[int, int], list[str]] = {}
        self.shingles: dict[str, frozenset[int]] = {}

    def candidates(self, sig: Signature) -> list[str]:
        """Ids sharing at least one band with ``sig``, most shared bands first."""
        counts: dict[str, int] = {}
        for key in enumerate(sig.bands):
            for i in self.buckets.get(key, ()):
                counts[i] = counts.get(i, 0) + 1
        return sorted(counts, key=lambda i: (-counts[i], i))

    def add(self, article_id: str, sig: Signature) -> None:
        if sig.shingles and article_id not in self.shingles:
            for key in enumerate(sig.bands):
                self.buckets.setdefault(key, []).append(article_id)
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
    """The containment threshold as a float in (0, 1]; EW070 otherwise.

    >>> check_threshold("0.9")
    0.9
    """
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
    [('nairobi-today-20250305-bomb', 'a97ed67e1bb5d', 0.9067)]
    """
    sigs = [Signature.of(a) for a in chunk]
    stored = store.stored_ids(a.id for a in chunk)
    # a report too short to be a copy (MIN_SHINGLES) needs no look-up
    ask = {i: s.bands for i, s in enumerate(sigs) if chunk[i].id not in stored and len(s.shingles) >= MIN_SHINGLES}
    found = store.near_duplicate_candidates(ask)
    found = {i: [c for c in cs if c != chunk[i].id][:MAX_CANDIDATES] for i, cs in found.items()}
    texts = store.articles_for_dedup(c for cs in found.values() for c in cs)
    cache: dict[str, frozenset[int]] = {}

    def stored_shingles(cid: str) -> frozenset[int]:
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
                if m.is_copy and (best is None
                                  or (m.containment, m.jaccard) > (best.match.containment, best.match.jaccard)):
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

    >>> index_stored_articles(store)     # a database written before near-duplicates were recognised
    1250
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
