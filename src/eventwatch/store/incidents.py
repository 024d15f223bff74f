"""Incidents and cases: the incidents table, the links of events to them, and every query over them.

>>> with Store("demo.duckdb") as store:
...     store.incidents(country="PAK", root="18", min_mentions=2)
...     store.case("inc-3f2a9c1e0b7d").entries

The clustering itself is ``eventwatch.clustering``; this module only reads and writes. Candidate
incidents for a new mention are read by country and date window (``incident_window``), never by
reading every incident.
"""
from __future__ import annotations

import csv
import datetime as dt
import json
from typing import Any, Iterable

from ..errors import error
from ..records import CASE_STATUSES, Actor, CaseEntry, Case, Event, Incident, Place
from .events import (_ACTOR, _PLACE, _SELECT_EVENTS, EXPORT_FORMATS, _actor_values, _date_param,
                     _iso, _page, _place_values, _row_event, common_conds)

# The flat layout of an incident, in Incident.to_dict order: what CSV and Parquet exports hold.
INCIDENT_COLUMNS = (["incident_id", "code", "root", "quad_class", "goldstein", "code_name"]
                    + [f"source_{c}" for c in _ACTOR] + [f"target_{c}" for c in _ACTOR]
                    + ["date", "date_precision"] + [f"location_{c}" for c in _PLACE]
                    + ["num_mentions", "num_sources", "num_articles", "first_seen", "last_seen", "killed",
                       "injured", "abducted", "confidence", "status", "title"])
# kept for clustering: creation order, the date window, and which article gave each casualty figure
_STATE_COLUMNS = ["seq", "date_lo", "date_hi", "date_day", "killed_article", "injured_article", "abducted_article"]
_ALL_COLUMNS = INCIDENT_COLUMNS + _STATE_COLUMNS + ["updated_at"]
_SELECT = ", ".join(f"i.{c}" for c in INCIDENT_COLUMNS + _STATE_COLUMNS)
LINK_ROLES = ("mention", "reference", "followup")

_ORDERS = {
    "date": "i.date_lo NULLS LAST, i.seq",
    "-date": "i.date_lo DESC NULLS LAST, i.seq",
    "mentions": "i.num_mentions DESC, i.date_lo NULLS LAST, i.seq",
    "updated": "i.updated_at DESC, i.seq",
    "confidence": "i.confidence DESC, i.date_lo NULLS LAST, i.seq",
}


class IncidentTables:
    """Store methods over the incidents and incident_events tables (mixed into ``Store``)."""

    # ---- reads for clustering ---------------------------------------------------------------------------

    def next_incident_seq(self) -> int:
        return self._first("SELECT coalesce(max(seq) + 1, 0) FROM incidents")[0]

    def incident_window(self, countries: Iterable[str], lo: dt.date, hi: dt.date, *, cases: bool = False) -> list[dict]:
        """Stored incidents of these countries (place, source or target) whose date window meets ``lo..hi``
        (``cases``: only incidents that anchor cases, attacks and clashes).

        Each item: ``{"incident": Incident, "seq", "date_lo", "date_hi", "date_day", "casualty_articles"}``.
        """
        return self.incident_windows([(countries, lo, hi, cases)])

    def incident_windows(self, windows: Iterable[tuple[Iterable[str], dt.date, dt.date, bool]]) -> list[dict]:
        """``incident_window`` for several windows ``(countries, lo, hi, cases_only)`` in one query.

        Dates are answered from DuckDB's per-block min/max of ``date_lo``: a store filled in roughly
        chronological order (news arrives that way) reads only the blocks of those dates, so the cost
        follows the window, not the store.
        """
        conds, params = [], []
        roots = None
        for countries, lo, hi, cases in windows:
            keys = sorted(set(countries))
            if not keys:
                continue
            # no incident's window is longer than a year: the lower bound on date_lo lets the
            # block min/max skip everything older
            c = ("(i.date_lo <= ? AND i.date_lo >= ? AND i.date_hi >= ? AND (list_contains(?, i.location_country) "
                 "OR list_contains(?, i.source_country) OR list_contains(?, i.target_country))")
            params += [hi, lo - dt.timedelta(days=400), lo, keys, keys, keys]
            if cases:
                if roots is None:
                    from ..clustering import case_roots

                    roots = list(case_roots())
                c += " AND list_contains(?, i.root)"
                params.append(roots)
            conds.append(c + ")")
        if not conds:
            return []
        rows = self.con.execute(f"SELECT {_SELECT} FROM incidents i WHERE " + " OR ".join(conds), params).fetchall()
        return sorted((_row_state(r) for r in rows), key=lambda d: d["seq"])

    def incident_states(self, ids: Iterable[str]) -> list[dict]:
        """The stored state of these incidents, in creation order."""
        ids = list(dict.fromkeys(ids))
        if not ids:
            return []
        rows = self.con.execute(f"SELECT {_SELECT} FROM incidents i WHERE list_contains(?, i.incident_id)",
                                [ids]).fetchall()
        return sorted((_row_state(r) for r in rows), key=lambda d: d["seq"])

    def incidents_of_articles(self, article_ids: Iterable[str], *, articles: bool = False) -> list[str]:
        """Ids of the incidents that events of these articles are linked to (``articles=True``: which of
        these articles have any link)."""
        ids = list(dict.fromkeys(article_ids))
        if not ids:
            return []
        col = "article_id" if articles else "incident_id"
        rows = self.con.execute(f"SELECT DISTINCT {col} FROM incident_events "
                                "WHERE list_contains(?, article_id) ORDER BY 1", [ids]).fetchall()
        return [r[0] for r in rows]

    def incident_links(self, ids: Iterable[str], *, roles: Iterable[str] = LINK_ROLES,
                       exclude_articles: Iterable[str] = ()) -> dict[str, list[tuple]]:
        """``{incident_id: [(event, role, stage, link_score)]}`` in ingest order (article, then position)."""
        ids = list(dict.fromkeys(ids))
        out: dict[str, list] = {i: [] for i in ids}
        if not ids:
            return out
        # three indexed look-ups rather than one join: a join would scan the whole events table
        links = self.con.execute(
            "SELECT incident_id, event_id, role, stage, link_score FROM incident_events "
            "WHERE list_contains(?, incident_id) AND list_contains(?, role)", [ids, list(roles)]).fetchall()
        skip = set(exclude_articles)
        evs = self._events_by_id([ln[1] for ln in links])
        when = dict(self.con.execute("SELECT id, ingested_at FROM articles WHERE list_contains(?, id)",
                                     [list({e.article_id for e in evs.values()})]).fetchall())
        order = lambda e: (when.get(e.article_id) or dt.datetime.max, e.article_id, e.sentence_index,  # noqa: E731
                           e.span[0], e.event_id)
        rows = sorted(((evs[ev], iid, role, stage, score) for iid, ev, role, stage, score in links
                       if ev in evs and evs[ev].article_id not in skip), key=lambda r: order(r[0]))
        for e, iid, role, stage, score in rows:
            out[iid].append((e, role, stage, score))
        return out

    def _events_by_id(self, event_ids: list[str]) -> dict[str, Event]:
        ids = list(dict.fromkeys(event_ids))
        if not ids:
            return {}
        rows = self.con.execute(f"SELECT {_SELECT_EVENTS} FROM events e WHERE list_contains(?, e.event_id)",
                                [ids]).fetchall()
        return {e.event_id: e for e in map(_row_event, rows)}

    def events_of_articles(self, article_ids: Iterable[str]) -> dict[str, list[Event]]:
        """Every stored event of these articles (negated ones too), in position order."""
        ids = list(dict.fromkeys(article_ids))
        out: dict[str, list[Event]] = {i: [] for i in ids}
        if not ids:
            return out
        rows = self.con.execute(f"SELECT {_SELECT_EVENTS} FROM events e WHERE list_contains(?, e.article_id) "
                                "ORDER BY e.article_id, e.sentence_index, e.span_start, e.event_id", [ids]).fetchall()
        for r in rows:
            e = _row_event(r)
            out[e.article_id].append(e)
        return out

    def article_ids_in_order(self) -> list[str]:
        """Every stored article id in ingest order (what a rebuild replays)."""
        return [r[0] for r in self.con.execute("SELECT id FROM articles ORDER BY ingested_at, id").fetchall()]

    # ---- writes -----------------------------------------------------------------------------------------

    def save_incidents(self, states: list[dict], links: list[tuple], *, unlink_articles: Iterable[str] = (),
                       delete: Iterable[str] = ()) -> None:
        """One transaction: drop the links of ``unlink_articles``, delete incidents ``delete`` (and their
        links), write (insert or overwrite) the incident rows ``states`` and add ``links``
        ``(incident_id, event_id, article_id, role, stage, link_score)``."""
        unlink, delete = list(dict.fromkeys(unlink_articles)), list(dict.fromkeys(delete))
        ids = [s["incident"].incident_id for s in states]
        with self._transaction():
            if unlink:
                self.con.execute("DELETE FROM incident_events WHERE list_contains(?, article_id)", [unlink])
            if delete:
                self.con.execute("DELETE FROM incident_events WHERE list_contains(?, incident_id)", [delete])
            gone = list(dict.fromkeys(delete + ids))
            if gone:
                self.con.execute("DELETE FROM incidents WHERE list_contains(?, incident_id)", [gone])

            if states:
                import pyarrow as pa

                now = dt.datetime.now()
                rows = [_state_values(s) + [now] for s in states]
                _incidents = pa.Table.from_pylist([dict(zip(_ALL_COLUMNS, r)) for r in rows],  # noqa: F841
                                                  schema=_arrow_schema())
                self.con.execute(f"INSERT INTO incidents ({', '.join(_ALL_COLUMNS)}) SELECT * FROM _incidents")
            if links:
                import pyarrow as pa

                cols = ["incident_id", "event_id", "article_id", "role", "stage", "link_score"]
                _links = pa.Table.from_pylist([dict(zip(cols, ln)) for ln in links],  # noqa: F841
                                              schema=pa.schema([(c, pa.float64() if c == "link_score" else pa.string())
                                                                for c in cols]))
                self.con.execute(f"INSERT OR REPLACE INTO incident_events ({', '.join(cols)}) SELECT * FROM _links")

    def clear_incidents(self) -> None:
        """Delete every incident and link (before a rebuild)."""
        with self._transaction():
            self.con.execute("DELETE FROM incident_events")
            self.con.execute("DELETE FROM incidents")

    # ---- public reads -----------------------------------------------------------------------------------

    def incidents(self, *, country: str | None = None, source: str | None = None, target: str | None = None,
                  dyad: tuple[str, str] | None = None, code: str | None = None, root: str | int | None = None,
                  since: str | dt.date | None = None, until: str | dt.date | None = None, text: str | None = None,
                  status: str | None = None, min_mentions: int | None = None, ids: Iterable[str] | None = None,
                  limit: int | None = None, offset: int = 0, order: str = "date") -> list[Incident]:
        """Stored incidents matching every given filter (the filter names of ``events``, plus ``status``
        and ``min_mentions``). ``since``/``until`` bound the incident date (its window when it is vague);
        ``text`` searches the title. ``order``: date, -date, mentions, updated, confidence.

        >>> store.incidents(country="PAK", root="18", since="2021-07-01", min_mentions=2)
        """
        sql, params = self._incident_select(dict(
            country=country, source=source, target=target, dyad=dyad, code=code, root=root, since=since,
            until=until, text=text, status=status, min_mentions=min_mentions, ids=ids), limit, offset, order)
        return [_row_state(r)["incident"] for r in self.con.execute(sql, params).fetchall()]

    def _incident_select(self, filters: dict, limit, offset, order) -> tuple[str, list]:
        if order not in _ORDERS:
            raise error("EW041", value=order, name="order", choices="use one of: " + ", ".join(_ORDERS))
        where, params = _where(**filters)
        return _page(f"SELECT {_SELECT} FROM incidents i{where} ORDER BY {_ORDERS[order]}", params, limit, offset)

    def count_incidents(self, **filters) -> int:
        """How many incidents ``incidents(**filters)`` would return without limit/offset."""
        for k in ("limit", "offset", "order"):
            filters.pop(k, None)
        where, params = _where(**filters)
        return self._first(f"SELECT count(*) FROM incidents i{where}", params)[0]

    def incident(self, id: str) -> Incident | None:
        """One stored incident, or None."""
        got = self.incident_states([id])
        return got[0]["incident"] if got else None

    def case(self, id: str) -> Case:
        """The incident with every linked event in time order (mentions, references, follow-ups) and the
        reports of those articles. EW080 when no incident has this id.

        >>> [(e.date, e.stage) for e in store.case("inc-3f2a9c1e0b7d").entries]
        """
        inc = self.incident(id)
        if inc is None:
            raise error("EW080", value=id)
        links = self.incident_links([id])[id]
        from ..clustering import entry_date

        entries = [CaseEntry(id, e, stage or role, entry_date(e)) for e, role, stage, _ in links]
        # time order: when it happened (or was reported); reports of the incident before what followed
        rank = {"mention": 0, "reference": 1, "followup": 2}
        roles = {ln[0].event_id: ln[1] for ln in links}
        # a stable sort: within a day, reports in the order they were ingested
        entries.sort(key=lambda en: (en.date or "9999", en.event.published or "9999", rank[roles[en.event.event_id]]))
        reports = self.article_sources([e.event.article_id for e in entries])
        sources = []
        for rows in reports.values():
            for r in rows:
                sources.append({"article_id": r["article_id"], "source_id": r["source_id"], "title": r["title"],
                                "agency": r["agency"], "url": r["url"], "published": r["published"]})
        sources.sort(key=lambda s: s["published"] or "9999")  # stable: same day, in the order of the entries
        return Case(incident=inc, entries=entries, sources=sources)

    def case_roles(self, id: str) -> dict[str, str]:
        """``{event_id: role}`` of an incident's links."""
        rows = self.con.execute("SELECT event_id, role FROM incident_events WHERE incident_id = ?", [id]).fetchall()
        return dict(rows)

    def export_incidents(self, path: str, fmt: str, **filters) -> int:
        """Write the filtered incidents as csv, parquet (flat columns), jsonl (``Incident.to_dict``) or
        geojson (Points with the flat columns as properties; incidents without coordinates left out and
        counted in ``left_out``). The GDELT layout is one row per event: export events for it."""
        from .events import ExportCount, _dict_rows

        if fmt not in EXPORT_FORMATS or fmt == "gdelt":
            raise error("EW042", value=fmt)
        limit, offset, order = filters.pop("limit", None), filters.pop("offset", 0), filters.pop("order", "date")
        if fmt == "jsonl":
            incs = self.incidents(limit=limit, offset=offset, order=order, **filters)
            with open(path, "w", encoding="utf-8") as fh:
                for i in incs:
                    fh.write(json.dumps(i.to_dict(), ensure_ascii=False) + "\n")
            return len(incs)
        sql, params = self._incident_select(filters, limit, offset, order)
        sql = f"SELECT {', '.join(INCIDENT_COLUMNS)} FROM ({sql})"
        if fmt == "parquet":
            import pyarrow.parquet as pq

            self.con.sql(sql, params=params).write_parquet(path)
            return pq.ParquetFile(path).metadata.num_rows
        cur = self.con.execute(sql, params)
        if fmt == "geojson":
            from ..exports import write_geojson

            with open(path, "w", encoding="utf-8") as fh:
                n, left_out = write_geojson(_dict_rows(cur, INCIDENT_COLUMNS), fh, id_key="incident_id")
            return ExportCount(n, left_out)
        n = 0
        with open(path, "w", encoding="utf-8", newline="") as fh:
            w = csv.writer(fh)
            w.writerow(INCIDENT_COLUMNS)
            while rows := cur.fetchmany(5000):
                w.writerows(rows)
                n += len(rows)
        return n


# ---- helpers ------------------------------------------------------------------------------------------

def _arrow_schema():
    import pyarrow as pa

    s, i32, i64, f64 = pa.string(), pa.int32(), pa.int64(), pa.float64()
    types = {"quad_class": i32, "goldstein": f64, "location_lat": f64, "location_lon": f64,
             "location_geonameid": i64, "num_mentions": i32, "num_sources": i32, "num_articles": i32,
             "killed": i32, "injured": i32, "abducted": i32, "confidence": f64, "seq": i64,
             "date": pa.date32(), "first_seen": pa.date32(), "last_seen": pa.date32(), "date_lo": pa.date32(),
             "date_hi": pa.date32(), "date_day": pa.bool_(), "updated_at": pa.timestamp("us")}
    return pa.schema([(c, types.get(c, s)) for c in _ALL_COLUMNS])


def _date(v) -> dt.date | None:
    if v is None or isinstance(v, dt.date):
        return v
    try:
        return dt.date.fromisoformat(str(v)[:10])
    except ValueError:
        return None


def _state_values(s: dict) -> list[Any]:
    i: Incident = s["incident"]
    ca = s.get("casualty_articles") or {}
    return ([i.incident_id, i.code, i.root, i.quad_class, i.goldstein, i.code_name,
             *_actor_values(i.source), *_actor_values(i.target), _date(i.date), i.date_precision,
             *_place_values(i.location), i.num_mentions, i.num_sources, i.num_articles, _date(i.first_seen),
             _date(i.last_seen), i.killed, i.injured, i.abducted, i.confidence, i.status, i.title,
             s["seq"], s["date_lo"], s["date_hi"], bool(s["date_day"]),
             ca.get("killed"), ca.get("injured"), ca.get("abducted")])


def _row_actor(d: dict, side: str) -> Actor | None:
    vals = [d[f"{side}_{c}"] for c in _ACTOR]
    if all(v is None for v in vals):
        return None
    return Actor(text=vals[0] or "", name=vals[1], country=vals[2], sector=vals[3])


def _row_state(r) -> dict:
    d = dict(zip(INCIDENT_COLUMNS + _STATE_COLUMNS, r))
    loc = Place(**{c: d[f"location_{c}"] for c in _PLACE}) if d["location_name"] is not None else None
    inc = Incident(incident_id=d["incident_id"], code=d["code"], root=d["root"], quad_class=d["quad_class"],
                   goldstein=d["goldstein"], code_name=d["code_name"], source=_row_actor(d, "source"),
                   target=_row_actor(d, "target"), date=_iso(d["date"]), date_precision=d["date_precision"],
                   location=loc, num_mentions=d["num_mentions"] or 0, num_sources=d["num_sources"] or 0,
                   num_articles=d["num_articles"] or 0, first_seen=_iso(d["first_seen"]),
                   last_seen=_iso(d["last_seen"]), killed=d["killed"], injured=d["injured"], abducted=d["abducted"],
                   confidence=d["confidence"] if d["confidence"] is not None else 0.0, status=d["status"] or "open",
                   title=d["title"])
    return {"incident": inc, "seq": d["seq"], "date_lo": d["date_lo"], "date_hi": d["date_hi"],
            "date_day": bool(d["date_day"]),
            "casualty_articles": {k: d[f"{k}_article"] for k in ("killed", "injured", "abducted")}}


def _where(*, country=None, source=None, target=None, dyad=None, code=None, root=None, since=None, until=None,
           text=None, status=None, min_mentions=None, ids=None) -> tuple[str, list]:
    """WHERE clause over ``incidents i`` with ``?`` placeholders, from the filter keywords."""
    conds, params = common_conds("i", country=country, source=source, target=target, dyad=dyad, code=code, root=root,
                                 country_columns=("source_country", "target_country", "location_country"))
    if since:
        conds.append("i.date_hi >= CAST(? AS DATE)")
        params.append(_date_param("since", since))
    if until:
        conds.append("i.date_lo <= CAST(? AS DATE)")
        params.append(_date_param("until", until))
    if text:
        conds.append("strpos(lower(i.title), lower(?)) > 0")
        params.append(str(text))
    if status:
        if status not in CASE_STATUSES:
            raise error("EW041", value=status, name="status", choices="use one of: " + ", ".join(CASE_STATUSES))
        conds.append("i.status = ?")
        params.append(status)
    if min_mentions:
        conds.append("i.num_mentions >= ?")
        params.append(int(min_mentions))
    if ids is not None:
        conds.append("list_contains(?, i.incident_id)")
        params.append(list(ids))
    return (" WHERE " + " AND ".join(conds) if conds else ""), params
