"""Queries behind relations between two countries (``eventwatch dyad``): the events between them.

>>> with Store("demo.duckdb", read_only=True) as store:
...     rows = store.dyad_rows("CHN", "PAK", since="2021-01-01")
"""
from __future__ import annotations

import datetime as dt

from .events import _where

DYAD_COLUMNS = ["event_id", "article_id", "source_country", "target_country", "code", "root", "quad_class",
                "goldstein", "mode", "negated", "effective_date"]


class RelationTables:
    """Store methods for relations between two countries (mixed into ``Store``)."""

    def dyad_rows(self, a: str, b: str, *, since: str | dt.date | None = None,
                  until: str | dt.date | None = None) -> list[dict]:
        """Every stored event from ``a`` to ``b`` or from ``b`` to ``a`` (negated, reference and undated
        ones included: the caller decides what counts), as flat dicts in date order.

        ``since``/``until``: inclusive, on the event date or, when unknown, the publication date.

        >>> store.dyad_rows("CHN", "PAK")[0]["code"]
        '041'
        """
        # negated events too: the report lists them as left out
        where, params = _where(dyad=(a, b), since=since, until=until, include_negated=True)
        sql = (f"SELECT {', '.join(f'e.{c}' for c in DYAD_COLUMNS)} FROM events e{where} "
               "ORDER BY e.effective_date NULLS LAST, e.article_id, e.sentence_index, e.event_id")
        return [dict(zip(DYAD_COLUMNS, r)) for r in self.con.execute(sql, params).fetchall()]
