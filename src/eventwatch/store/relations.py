"""Queries behind relations between two countries (``eventwatch dyad``): the events between them.

>>> with Store("demo.duckdb", read_only=True) as store:
...     rows = store.dyad_rows("CHN", "PAK", since="2021-01-01")
"""
from __future__ import annotations

import datetime as dt

from .events import _date_param

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
        conds = ["((source_country = ? AND target_country = ?) OR (source_country = ? AND target_country = ?))"]
        params: list = [a, b, b, a]
        if since:
            conds.append("effective_date >= CAST(? AS DATE)")
            params.append(_date_param("since", since))
        if until:
            conds.append("effective_date <= CAST(? AS DATE)")
            params.append(_date_param("until", until))
        sql = (f"SELECT {', '.join(DYAD_COLUMNS)} FROM events WHERE {' AND '.join(conds)} "
               "ORDER BY effective_date NULLS LAST, article_id, sentence_index, event_id")
        return [dict(zip(DYAD_COLUMNS, r)) for r in self.con.execute(sql, params).fetchall()]
