"""Near-duplicate index: each stored article's MinHash band hashes, and the copies' source rows.

``article_bands`` holds one row per LSH band of an article's body-text signature, so the
candidates of new articles are one join on the band hashes instead of an index rebuilt from
every stored text on each run. ``article_minhash`` records which articles have bands and under
which scheme (``eventwatch.dedup.scheme()``), so that articles stored without them (an older
database, ``--no-near-dup``) are found and indexed once.

>>> store.near_duplicate_candidates({0: [123, 456, ...]})   # {0: ["s001"]}
"""
from __future__ import annotations

from typing import Iterable

from ..records import Article


class DedupTables:
    """Store methods over ``article_bands``, ``article_minhash`` and the copies in ``article_sources``."""

    def _forget_bands(self, article_id: str) -> None:
        self.con.execute("DELETE FROM article_bands WHERE article_id = ?", [article_id])
        self.con.execute("DELETE FROM article_minhash WHERE article_id = ?", [article_id])

    def _insert_bands(self, rows: list[tuple[int, int, str]]) -> None:
        import pyarrow as pa

        # one INSERT from an Arrow table: a statement per band would cost more than the MinHash itself
        _bands = pa.table({"band": pa.array([r[0] for r in rows], pa.int16()),  # noqa: F841
                           "hash": pa.array([r[1] for r in rows], pa.uint64()),
                           "article_id": pa.array([r[2] for r in rows], pa.string())})
        self.con.execute("INSERT INTO article_bands (band, hash, article_id) SELECT band, hash, article_id FROM _bands")

    def put_bands_many(self, items: Iterable[tuple[str, list[int], int]], scheme: str) -> int:
        """Index stored articles: ``(article_id, band hashes, n_shingles)``, replacing what they had.

        Ingest calls it once per chunk (a few statements, whatever the chunk size). An article
        stored but not indexed (a crash in between) is indexed by the next ingest.

        >>> store.put_bands_many([("s001", sig.bands, len(sig.shingles))], dedup.scheme())
        1
        """
        import pyarrow as pa

        items = list(items)
        if not items:
            return 0
        ids = [i for i, _, _ in items]
        with self._transaction():
            self.con.execute("DELETE FROM article_bands WHERE article_id IN (SELECT unnest(?::VARCHAR[]))", [ids])
            self.con.execute("DELETE FROM article_minhash WHERE article_id IN (SELECT unnest(?::VARCHAR[]))", [ids])
            _marks = pa.table({"article_id": pa.array(ids, pa.string()),  # noqa: F841
                               "n_shingles": pa.array([n for _, _, n in items], pa.int32())})
            self.con.execute("INSERT INTO article_minhash (article_id, scheme, n_shingles) "
                             "SELECT article_id, ?, n_shingles FROM _marks", [scheme])
            rows = [(k, h, i) for i, bands, _ in items for k, h in enumerate(bands)]
            if rows:
                self._insert_bands(rows)
        return len(items)

    def articles_without_bands(self, scheme: str, limit: int = 1000) -> list[Article]:
        """Stored articles (id, text, blocks) with no band hashes under ``scheme``, at most ``limit``.

        >>> [a.id for a in store.articles_without_bands(dedup.scheme())]
        ['s001', 's002']
        """
        rows = self.con.execute(
            "SELECT a.id, a.text, a.blocks FROM articles a LEFT JOIN article_minhash m ON m.article_id = a.id "
            "WHERE m.article_id IS NULL OR m.scheme != ? ORDER BY a.id LIMIT ?", [scheme, limit]).fetchall()
        return [_light_article(r) for r in rows]

    def near_duplicate_candidates(self, bands: dict[int, list[int]]) -> dict[int, list[str]]:
        """Stored articles sharing at least one band hash with each query, most shared bands first.

        ``bands`` maps a caller's key (a position in a chunk) to its band hashes; one join answers all.
        """
        out: dict[int, list[str]] = {k: [] for k in bands}
        rows = [(k, i, h) for k, hs in bands.items() for i, h in enumerate(hs)]
        if not rows:
            return out
        import pyarrow as pa

        _q = pa.table({"pos": pa.array([r[0] for r in rows], pa.int32()),  # noqa: F841
                       "band": pa.array([r[1] for r in rows], pa.int16()),
                       "hash": pa.array([r[2] for r in rows], pa.uint64())})
        found = self.con.execute(
            "SELECT q.pos, b.article_id, count(*) AS n FROM _q q "
            "JOIN article_bands b ON b.hash = q.hash AND b.band = q.band "
            "GROUP BY q.pos, b.article_id ORDER BY q.pos, n DESC, b.article_id").fetchall()
        for pos, article_id, _ in found:
            out[pos].append(article_id)
        return out

    def articles_for_dedup(self, ids: Iterable[str]) -> dict[str, Article]:
        """id, text and blocks of these stored articles (what verification recomputes shingles from).

        >>> store.articles_for_dedup(["s001"])["s001"].blocks[0].kind
        'title'
        """
        ids = list(dict.fromkeys(ids))
        if not ids:
            return {}
        rows = self.con.execute("SELECT id, text, blocks FROM articles WHERE id IN (SELECT unnest(?::VARCHAR[]))",
                                [ids]).fetchall()
        return {r[0]: _light_article(r) for r in rows}

    def stored_ids(self, ids: Iterable[str]) -> set[str]:
        """Which of these ids are stored articles.

        >>> store.stored_ids(["s001", "new-1"])
        {'s001'}
        """
        ids = list(dict.fromkeys(ids))
        if not ids:
            return set()
        rows = self.con.execute("SELECT id FROM articles WHERE id IN (SELECT unnest(?::VARCHAR[]))", [ids]).fetchall()
        return {r[0] for r in rows}

    def article_id_for_content(self, content_hash: str | None) -> str | None:
        """The id of the stored article with this content hash, or None.

        >>> store.article_id_for_content(article.content_hash)
        's001'
        """
        if not content_hash:
            return None
        r = self._first("SELECT id FROM articles WHERE content_hash = ? ORDER BY id LIMIT 1", [content_hash])
        return r[0] if r else None

    def add_copy(self, article_id: str, report: Article, similarity: float) -> bool:
        """Record ``report`` as a copy of the stored article ``article_id`` (nothing else of it is stored).

        Returns False, writing nothing, when this report is already listed for that article.

        >>> store.add_copy("s001", copy, 0.93)
        True
        """
        import duckdb

        from ..errors import error
        from .base import first_line

        if self._first("SELECT 1 FROM article_sources WHERE article_id = ? AND source_id = ?",
                       [article_id, report.id]) is not None:
            return False
        try:
            self._add_source(article_id, report, similarity)
        except duckdb.Error as exc:
            raise error("EW071", path=report.source_path, of=article_id, detail=first_line(exc)) from None
        return True


def _light_article(r) -> Article:
    import json

    from ..records import Block

    return Article(id=r[0], text=r[1] or "", blocks=[Block(*b) for b in json.loads(r[2] or "[]")])
