"""Articles, events and dropped inputs: storing them and every query over them.

>>> with Store(":memory:") as store:
...     store.add(article, events)            # "added" | "duplicate" | "conflict" | "replaced"
...     store.events(dyad=("CHN", "PAK"), code="04", since="2024-01-01")

Every write of an article (the article row and all its events) is one transaction, so a
failure never leaves half an article behind. Filter values are always bound as parameters,
never formatted into SQL.
"""
from __future__ import annotations

import csv
import datetime as dt
import json
from functools import lru_cache
from typing import Any, Iterable

import duckdb

from ..errors import error
from ..records import MODES, Actor, Article, Block, Drop, Event, Place
from .base import first_line as _first_line

ARTICLE_COLUMNS = ["id", "title", "published", "url", "agency", "dateline_place", "source_path",
                   "source_format", "content_hash", "text", "blocks", "ingested_at", "n_events"]
_ACTOR = ["text", "name", "country", "sector", "code"]
_PLACE = ["name", "country", "admin1", "admin2", "lat", "lon", "precision", "geonameid"]
# The flat layout of an event, in Event.to_dict order: what CSV and Parquet exports hold.
EVENT_COLUMNS = (["article_id", "sentence_index", "span_start", "span_end", "sentence", "code", "root",
                  "quad_class", "goldstein", "plover"]
                 + [f"source_{c}" for c in _ACTOR] + [f"target_{c}" for c in _ACTOR]
                 + ["date", "date_precision"] + [f"location_{c}" for c in _PLACE]
                 + ["negated", "mode", "confidence", "code_name", "trigger", "rule", "published", "event_id"])
_INSERT_COLUMNS = EVENT_COLUMNS + ["effective_date"]
_SELECT_EVENTS = ", ".join(f"e.{c}" for c in EVENT_COLUMNS)

# order= values -> ORDER BY clause (a whitelist: the caller's string never reaches SQL)
_ORDERS = {
    "date": "e.effective_date NULLS LAST, e.article_id, e.sentence_index, e.span_start, e.event_id",
    "-date": "e.effective_date DESC NULLS LAST, e.article_id, e.sentence_index, e.span_start, e.event_id",
    "article": "e.article_id, e.sentence_index, e.span_start, e.event_id",
    "confidence": "e.confidence DESC, e.effective_date NULLS LAST, e.article_id, e.sentence_index, e.event_id",
}
# orders led by the date: (sort key of the date alone, how the rows of a page compare to its last date)
_CUTOFFS = {"date": ("e.effective_date NULLS LAST", "<="), "-date": ("e.effective_date DESC NULLS LAST", ">=")}
EXPORT_FORMATS = ("csv", "parquet", "jsonl", "geojson", "gdelt")
# the article columns a GDELT row needs besides the event (DATEADDED, SOURCEURL)
_GDELT_EXTRA = ("e.effective_date, a.url AS article_url, a.source_path AS article_source_path, "
                "a.ingested_at AS article_ingested_at")


class EventTables:
    """Store methods over the articles, events and drops tables (mixed into ``Store``)."""

    # ---- writes ---------------------------------------------------------------------------------------

    def has_content(self, content_hash: str | None) -> bool:
        """Whether an article with this content hash is stored (lets ingest skip the parse)."""
        if not content_hash:
            return False
        return self._first("SELECT 1 FROM articles WHERE content_hash = ? LIMIT 1", [content_hash]) is not None

    def add(self, article: Article, events: list[Event], *, replace: bool = False) -> str:
        """Store an article and its events in one transaction; returns what happened.

        ``"added"``; ``"duplicate"`` (this text is stored already, under this id or another:
        nothing written); ``"conflict"`` (this id is stored with another text: nothing written);
        ``"replaced"`` (a conflict with ``replace=True``: the old article and its events are gone).
        Events without an ``event_id`` get ``"{article_id}:{sentence_index}:{n}"``.
        A replaced article keeps the rows of its near-duplicate copies in ``article_sources`` and
        loses its near-duplicate bands (``Store.put_bands_many`` gives it new ones).

        >>> store.add(article, events)
        'added'
        """
        h = article.content_hash or _hash(article)
        # one statement for both questions: is this id stored, is this text stored (under any id); two
        # indexed look-ups, since "id = ? OR content_hash = ?" scans the table (21 ms at 250k articles)
        found = self.con.execute("SELECT id, content_hash FROM articles WHERE id = ? UNION ALL "
                                 "SELECT id, content_hash FROM articles WHERE content_hash = ?",
                                 [article.id, h]).fetchall()
        if any(fh == h for _, fh in found):
            return "duplicate"
        old = next(((fid, fh) for fid, fh in found if fid == article.id), None)
        if old is not None and not replace:
            return "conflict"
        rows = _event_rows(article, events)
        try:
            self._write(article, h, rows, old is not None)
        except duckdb.Error as exc:  # rolled back: nothing of this article is stored
            raise error("EW034", path=article.source_path, id=article.id, detail=_first_line(exc)) from None
        return "replaced" if old is not None else "added"

    def _write(self, article: Article, h: str, rows: list[list[Any]], replace: bool) -> None:
        with self._transaction():
            if replace:
                self._forget_bands(article.id)  # made from the old text
                self.con.execute("DELETE FROM events WHERE article_id = ?", [article.id])
                self.con.execute("DELETE FROM articles WHERE id = ?", [article.id])
                self.con.execute("DELETE FROM article_sources WHERE article_id = ? AND source_id = ?",
                                 [article.id, article.id])
            self.con.execute(
                f"INSERT INTO articles ({', '.join(ARTICLE_COLUMNS)}) "
                f"VALUES ({', '.join('?' * len(ARTICLE_COLUMNS))})",
                [article.id, article.title, article.published, article.url, article.agency,
                 article.dateline_place, article.source_path, article.source_format, h, article.text,
                 json.dumps([[b.start, b.end, b.kind] for b in article.blocks]),
                 dt.datetime.now(), len(rows)])
            self._add_source(article.id, article, 1.0)
            self._insert_events(rows)

    def _add_source(self, article_id: str, report: Article, similarity: float) -> None:
        # a plain INSERT: callers make sure the row is new (``_write`` deletes it on replace,
        # ``add_copy`` looks first); DuckDB's INSERT OR REPLACE costs about 5 times as much
        self.con.execute(
            "INSERT INTO article_sources (article_id, source_id, agency, title, url, published, "
            "source_path, similarity, added_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [article_id, report.id, report.agency, report.title, report.url, report.published,
             report.source_path, similarity, dt.datetime.now()])

    def article_sources(self, article_ids: Iterable[str]) -> dict[str, list[dict]]:
        """Every report of each article: itself first, then its near-duplicate copies.

        >>> store.article_sources(["s001"])["s001"][0]["agency"]
        'Reuters'
        """
        ids = list(dict.fromkeys(article_ids))
        out: dict[str, list[dict]] = {i: [] for i in ids}
        if not ids:
            return out
        cols = ["article_id", "source_id", "agency", "title", "url", "published", "source_path", "similarity"]
        rows = self.con.execute(
            f"SELECT {', '.join(cols)} FROM article_sources WHERE list_contains(?, article_id) "
            "ORDER BY article_id, source_id != article_id, added_at, source_id", [ids]).fetchall()
        for r in rows:
            d = dict(zip(cols, r))
            d["published"] = _iso(d["published"])
            out[d["article_id"]].append(d)
        return out

    def _insert_events(self, rows: list[list[Any]]) -> None:
        # one INSERT from an Arrow table: DuckDB's per-statement cost dwarfs the per-row cost,
        # so a statement per event (or a wide VALUES list to bind) would dominate ingest time
        if not rows:
            return
        import pyarrow as pa

        # DuckDB reads the table by its variable name in the SQL below
        _events = pa.Table.from_pydict({c: [r[k] for r in rows] for k, c in enumerate(_INSERT_COLUMNS)},  # noqa: F841
                                       schema=_arrow_schema())
        self.con.execute(f"INSERT INTO events ({', '.join(_INSERT_COLUMNS)}) SELECT * FROM _events")

    def add_drop(self, drop: Drop) -> None:
        """Record an input that could not become an article; the same drop again only refreshes its time."""
        with self._transaction():
            self.con.execute("DELETE FROM drops WHERE path = ? AND code = ? AND message = ?",
                             [drop.path, drop.code, drop.message])
            self.con.execute('INSERT INTO drops (path, code, message, hint, "at") VALUES (?, ?, ?, ?, ?)',
                             [drop.path, drop.code, drop.message, drop.hint, dt.datetime.now()])

    # ---- reads ----------------------------------------------------------------------------------------

    def drops(self) -> list[Drop]:
        """Every recorded drop, oldest first."""
        rows = self.con.execute('SELECT path, code, message, hint FROM drops ORDER BY "at", path').fetchall()
        return [Drop(*r) for r in rows]

    def events(self, *, country: str | None = None, source: str | None = None, target: str | None = None,
               dyad: tuple[str, str] | None = None, code: str | None = None, root: str | int | None = None,
               since: str | dt.date | None = None, until: str | dt.date | None = None, text: str | None = None,
               mode: str | None = None, include_negated: bool = False, article_id: str | None = None,
               limit: int | None = None, offset: int = 0, order: str = "date") -> list[Event]:
        """Stored events matching every given filter.

        ``country``: source or target; ``dyad=(A, B)``: either direction; ``code``: prefix
        (``"18"``, ``"183"``); ``root``: exact; ``since``/``until``: inclusive, on the event date or,
        when it is unknown, the publication date; ``text``: case-insensitive, in the sentence.
        ``order``: ``date`` (default), ``-date``, ``article`` or ``confidence``.

        >>> store.events(dyad=("IND", "PAK"), code="19", since="2024-05-01", limit=20)
        """
        sql, params = _select(dict(country=country, source=source, target=target, dyad=dyad, code=code,
                                   root=root, since=since, until=until, text=text, mode=mode,
                                   include_negated=include_negated, article_id=article_id, limit=limit,
                                   offset=offset, order=order))
        return [_row_event(r) for r in self.con.execute(sql, params).fetchall()]

    def count_events(self, **filters) -> int:
        """How many events ``events(**filters)`` would return without limit/offset."""
        for k in ("limit", "offset", "order"):
            filters.pop(k, None)
        where, params = _where(**filters)
        return self._first(f"SELECT count(*) FROM events e{where}", params)[0]

    def event(self, event_id: str) -> Event | None:
        """One stored event by its ``event_id``, or None."""
        r = self._first(f"SELECT {_SELECT_EVENTS} FROM events e WHERE e.event_id = ?", [event_id])
        return _row_event(r) if r else None

    def count_articles(self) -> int:
        """How many articles are stored."""
        return self._first("SELECT count(*) FROM articles")[0]

    def articles(self, *, limit: int | None = None, offset: int = 0) -> list[Article]:
        """Stored articles, by publication date then id."""
        sql, params = _page(f"SELECT {', '.join(ARTICLE_COLUMNS)} FROM articles "
                            "ORDER BY published NULLS LAST, id", [], limit, offset)
        return [_row_article(r) for r in self.con.execute(sql, params).fetchall()]

    def article(self, id: str) -> Article | None:
        """One stored article, or None."""
        r = self._first(f"SELECT {', '.join(ARTICLE_COLUMNS)} FROM articles WHERE id = ?", [id])
        return _row_article(r) if r else None

    def summary(self, top: int = 10) -> dict:
        """Counts for an overview. ``roots`` and ``top_dyads`` count what ``events()`` returns by
        default (negated events left out); ``events`` counts every stored row.

        >>> store.summary()["roots"][0]
        {'root': '04', 'name': 'CONSULT', 'count': 12}
        """
        one = lambda sql: self._first(sql)[0]  # noqa: E731
        names = _root_names()
        roots = self.con.execute("SELECT root, count(*) FROM events WHERE NOT negated "
                                 "GROUP BY root ORDER BY root").fetchall()
        dyads = self.con.execute(
            "SELECT source_country, target_country, count(*) AS n FROM events "
            "WHERE NOT negated AND source_country IS NOT NULL AND target_country IS NOT NULL "
            "GROUP BY ALL ORDER BY n DESC, source_country, target_country LIMIT ?", [top]).fetchall()
        lo, hi = self._first("SELECT min(effective_date), max(effective_date) FROM events")
        return {
            "articles": one("SELECT count(*) FROM articles"),
            "reports": one("SELECT count(*) FROM article_sources"),
            "events": one("SELECT count(*) FROM events"),
            "negated": one("SELECT count(*) FROM events WHERE negated"),
            "drops": one("SELECT count(*) FROM drops"),
            "roots": [{"root": r, "name": names.get(r, r), "count": n} for r, n in roots],
            "top_dyads": [{"source_country": s, "target_country": t, "count": n} for s, t, n in dyads],
            "date_range": [lo.isoformat(), hi.isoformat()] if lo else None,
        }

    # ---- export ---------------------------------------------------------------------------------------

    def export(self, path: str, fmt: str, *, header: bool = False, **filters) -> "ExportCount":
        """Write the filtered events to ``path``; returns the number written (an int whose ``left_out``
        counts events a format could not hold: GeoJSON leaves out events without coordinates).

        ``csv``, ``parquet``: the flat columns (``source_country``, ``location_lat``...); ``jsonl``: the
        ``Event.to_dict`` layout; ``geojson``: a FeatureCollection of Points with the flat columns as
        properties; ``gdelt``: GDELT 2.0's 61 tab-separated event columns, no header unless ``header``.

        >>> store.export("pak.parquet", "parquet", country="PAK")
        >>> store.export("map.geojson", "geojson", dyad=("CHN", "PAK")).left_out
        """
        if fmt not in EXPORT_FORMATS:
            raise error("EW042", value=fmt)
        if fmt == "jsonl":
            evs = self.events(**filters)
            with open(path, "w", encoding="utf-8") as fh:
                for e in evs:
                    fh.write(json.dumps(e.to_dict(), ensure_ascii=False) + "\n")
            return ExportCount(len(evs))
        if fmt == "gdelt":
            return self._export_gdelt(path, header, filters)
        sql, params = _select(filters)
        if fmt == "parquet":
            import pyarrow.parquet as pq

            # DuckDB streams the bound query straight into the file; the footer gives the count
            self.con.sql(sql, params=params).write_parquet(path)
            return ExportCount(pq.ParquetFile(path).metadata.num_rows)
        cur = self.con.execute(sql, params)
        if fmt == "geojson":
            from ..exports import write_geojson

            with open(path, "w", encoding="utf-8") as fh:
                n, left_out = write_geojson(_dict_rows(cur, EVENT_COLUMNS), fh)
            return ExportCount(n, left_out)
        n = 0
        with open(path, "w", encoding="utf-8", newline="") as fh:
            w = csv.writer(fh)
            w.writerow(EVENT_COLUMNS)
            while rows := cur.fetchmany(5000):
                w.writerows(rows)
                n += len(rows)
        return ExportCount(n)

    def _export_gdelt(self, path: str, header: bool, filters: dict) -> "ExportCount":
        from ..exports import GDELT_COLUMNS, gdelt_row

        sql, params = _select(filters, extra=_GDELT_EXTRA, join=" LEFT JOIN articles a ON a.id = e.article_id")
        cur = self.con.execute(sql, params)
        names = EVENT_COLUMNS + ["effective_date", "article_url", "article_source_path", "article_ingested_at"]
        n = 0
        with open(path, "w", encoding="utf-8", newline="") as fh:
            if header:
                fh.write("\t".join(GDELT_COLUMNS) + "\n")
            for row in _dict_rows(cur, names):
                fh.write("\t".join(gdelt_row(row)) + "\n")
                n += 1
        return ExportCount(n)


class ExportCount(int):
    """How many events an export wrote (an ``int``), with ``left_out``: events the format could not hold."""

    left_out: int

    def __new__(cls, n: int, left_out: int = 0):
        obj = super().__new__(cls, n)
        obj.left_out = left_out
        return obj


def _dict_rows(cur, names: list[str]):
    while rows := cur.fetchmany(5000):
        for r in rows:
            yield dict(zip(names, r))


# ---- helpers ------------------------------------------------------------------------------------------

@lru_cache(maxsize=1)
def _arrow_schema():
    import pyarrow as pa

    s, i32, i64, f64 = pa.string(), pa.int32(), pa.int64(), pa.float64()
    types = {"sentence_index": i32, "span_start": i32, "span_end": i32, "quad_class": i32, "goldstein": f64,
             "location_lat": f64, "location_lon": f64, "location_geonameid": i64, "negated": pa.bool_(),
             "confidence": f64}
    return pa.schema([(c, types.get(c, s)) for c in _INSERT_COLUMNS])


def _hash(article: Article) -> str:
    from ..text import content_hash

    blocks = article.blocks or [Block(0, len(article.text))]
    return content_hash(article.text, blocks)


def _root_names() -> dict[str, str]:
    try:
        from ..extraction.codebook import ROOT_NAMES
    except ImportError:
        return {}
    return ROOT_NAMES


def _actor_values(a: Actor | None) -> list[Any]:
    if a is None:
        return [None] * 5
    return [a.text or "", a.name, a.country, a.sector, a.code]


def _place_values(p: Place | None) -> list[Any]:
    if p is None:
        return [None] * 8
    return [p.name, p.country, p.admin1, p.admin2, p.lat, p.lon, p.precision, p.geonameid]


def _event_rows(article: Article, events: Iterable[Event]) -> list[list[Any]]:
    seen: dict[int, int] = {}
    rows = []
    for e in events:
        n = seen.get(e.sentence_index, 0)
        seen[e.sentence_index] = n + 1
        event_id = e.event_id or f"{article.id}:{e.sentence_index}:{n}"
        rows.append([article.id, e.sentence_index, e.span[0], e.span[1], e.sentence, e.code,
                     e.root or e.code[:2], e.quad_class, e.goldstein, e.plover,
                     *_actor_values(e.source), *_actor_values(e.target), e.date, e.date_precision,
                     *_place_values(e.location), bool(e.negated), e.mode, e.confidence, e.code_name,
                     e.trigger, e.rule, e.published, event_id,
                     e.date or e.published or article.published])
    return rows


def _iso(v) -> str | None:
    return v.isoformat() if v is not None else None


def _row_actor(d: dict, side: str) -> Actor | None:
    vals = [d[f"{side}_{c}"] for c in _ACTOR]
    if all(v is None for v in vals):
        return None
    return Actor(text=vals[0] or "", name=vals[1], country=vals[2], sector=vals[3])


def _row_event(r) -> Event:
    d = dict(zip(EVENT_COLUMNS, r))
    loc = None
    if d["location_name"] is not None:
        loc = Place(**{c: d[f"location_{c}"] for c in _PLACE})
    return Event(article_id=d["article_id"], sentence_index=d["sentence_index"],
                 span=(d["span_start"], d["span_end"]), sentence=d["sentence"], code=d["code"], root=d["root"],
                 quad_class=d["quad_class"], goldstein=d["goldstein"], plover=d["plover"],
                 source=_row_actor(d, "source"), target=_row_actor(d, "target"), date=_iso(d["date"]),
                 date_precision=d["date_precision"], location=loc, negated=bool(d["negated"]), mode=d["mode"],
                 confidence=d["confidence"], code_name=d["code_name"], trigger=d["trigger"], rule=d["rule"],
                 published=_iso(d["published"]), event_id=d["event_id"])


def _row_article(r) -> Article:
    blocks = [Block(*b) for b in json.loads(r[10] or "[]")]
    return Article(id=r[0], title=r[1], published=_iso(r[2]), url=r[3], agency=r[4], dateline_place=r[5],
                   source_path=r[6], source_format=r[7], content_hash=r[8], text=r[9], blocks=blocks)


def _date_param(name: str, v) -> str:
    if isinstance(v, dt.date):
        return v.isoformat()
    try:
        return dt.date.fromisoformat(str(v)).isoformat()
    except ValueError:
        raise error("EW041", value=v, name=name, choices="use a date as YYYY-MM-DD") from None


def _upper(v) -> str:
    return str(v).strip().upper()


def common_conds(alias: str, *, country=None, source=None, target=None, dyad=None, code=None, root=None,
                 country_columns: tuple[str, ...] = ("source_country", "target_country")) -> tuple[list[str], list]:
    """The filters events and incidents share (actors' countries, dyad, CAMEO code and root), as
    conditions on the table ``alias`` with ``?`` placeholders and their parameters."""
    conds: list[str] = []
    params: list[Any] = []
    if country:
        conds.append("(" + " OR ".join(f"{alias}.{c} = ?" for c in country_columns) + ")")
        params += [_upper(country)] * len(country_columns)
    if source:
        conds.append(f"{alias}.source_country = ?")
        params.append(_upper(source))
    if target:
        conds.append(f"{alias}.target_country = ?")
        params.append(_upper(target))
    if dyad:
        if isinstance(dyad, str) or len(dyad) != 2:
            raise error("EW041", value=dyad, name="dyad", choices="give two country codes, e.g. ('CHN', 'PAK')")
        a, b = _upper(dyad[0]), _upper(dyad[1])
        conds.append(f"(({alias}.source_country = ? AND {alias}.target_country = ?)"
                     f" OR ({alias}.source_country = ? AND {alias}.target_country = ?))")
        params += [a, b, b, a]
    if code:
        conds.append(f"starts_with({alias}.code, ?)")
        params.append(str(code).strip())
    if root is not None and root != "":
        conds.append(f"{alias}.root = ?")
        params.append(f"{root:02d}" if isinstance(root, int) else str(root).strip().zfill(2))
    return conds, params


def _where(*, country=None, source=None, target=None, dyad=None, code=None, root=None, since=None,
           until=None, text=None, mode=None, include_negated=False, article_id=None) -> tuple[str, list]:
    """WHERE clause with ``?`` placeholders and its parameters, from the filter keywords."""
    conds, params = common_conds("e", country=country, source=source, target=target, dyad=dyad, code=code,
                                 root=root)
    if since:
        conds.append("e.effective_date >= CAST(? AS DATE)")
        params.append(_date_param("since", since))
    if until:
        conds.append("e.effective_date <= CAST(? AS DATE)")
        params.append(_date_param("until", until))
    if text:
        conds.append("strpos(lower(e.sentence), lower(?)) > 0")
        params.append(str(text))
    if mode:
        if mode not in MODES:
            raise error("EW041", value=mode, name="mode", choices="use one of: " + ", ".join(MODES))
        conds.append("e.mode = ?")
        params.append(mode)
    if not include_negated:
        conds.append("NOT e.negated")
    if article_id:
        conds.append("e.article_id = ?")
        params.append(article_id)
    return (" WHERE " + " AND ".join(conds) if conds else ""), params


def _select(filters: dict, extra: str = "", join: str = "") -> tuple[str, list]:
    """The SELECT of ``Store.events`` for these filters (including limit, offset and order); ``extra``
    columns and a ``join`` (fixed strings of this module, never user input) widen it for exports."""
    filters = dict(filters)
    limit, offset, order = filters.pop("limit", None), filters.pop("offset", 0), filters.pop("order", "date")
    if order not in _ORDERS:
        raise error("EW041", value=order, name="order", choices="use one of: " + ", ".join(_ORDERS))
    where, params = _where(**filters)
    cols = _SELECT_EVENTS + (", " + extra if extra else "")
    if limit is not None and not join and int(limit) > 0:
        # a page: sort only the row ids, then read the page's rows. Sorting whole rows to keep 100
        # of a million costs several times more (measured by benchmarks/api_load.py)
        inner_sql, inner_params = f"SELECT e.rowid FROM events e{where}", params
        if order in _CUTOFFS and not filters.get("text"):
            # by date: the page's last date comes from a sort of one column; rows past it cannot be
            # on the page, so only the rows up to it get the full sort (NULL: no such row, keep all).
            # Not for a text search: its filter scans every sentence, and this would scan them twice
            key, op = _CUTOFFS[order]
            cut = f"(SELECT e.effective_date FROM events e{where} ORDER BY {key} LIMIT 1 OFFSET ?)"
            cond = f"(c.d IS NULL OR e.effective_date {op} c.d)"
            inner_sql = (f"WITH c AS (SELECT {cut} AS d) SELECT e.rowid FROM events e, c"
                         + (f"{where} AND {cond}" if where else f" WHERE {cond}"))
            inner_params = params + [int(offset or 0) + int(limit) - 1] + params
        inner, inner_params = _page(f"{inner_sql} ORDER BY {_ORDERS[order]}", inner_params, limit, offset)
        return f"SELECT {cols} FROM events e WHERE e.rowid IN ({inner}) ORDER BY {_ORDERS[order]}", inner_params
    return _page(f"SELECT {cols} FROM events e{join}{where} ORDER BY {_ORDERS[order]}", params, limit, offset)


def _page(sql: str, params: list, limit, offset) -> tuple[str, list]:
    if limit is not None:
        sql += " LIMIT ?"
        params = params + [int(limit)]
    if offset:
        sql += " OFFSET ?"
        params = params + [int(offset)]
    return sql, params
