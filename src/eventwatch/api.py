"""The library's public functions: one per CLI command, used by the CLI, the tests and notebooks.

>>> import eventwatch
>>> report = eventwatch.ingest(["samples/articles"], db="demo.duckdb")
>>> rows = eventwatch.events(db="demo.duckdb", dyad=("CHN", "PAK"), root="04")
"""
from __future__ import annotations

import json
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator

from .errors import EventwatchError, error
from .records import Article, Case, Drop, Event, Incident
from .settings import Settings


@dataclass
class IngestReport:
    """What an ingest did: counts per outcome and every dropped input with its reason."""

    added: int = 0
    duplicates: int = 0
    conflicts: int = 0
    replaced: int = 0
    near_duplicates: int = 0  # wire copies recorded as extra sources of a stored article, not stored again
    events: int = 0
    drops: list[Drop] = field(default_factory=list)
    seconds: float = 0.0
    incidents_changed: list[str] = field(default_factory=list)  # incident ids created, updated or removed
    # stored articles that gained a copy since incidents were last updated: their counts are refreshed
    _copied: list[str] = field(default_factory=list, repr=False)
    alerts_created: list[str] = field(default_factory=list)  # alert ids raised on protected assets
    alerts_updated: list[str] = field(default_factory=list)  # alerts whose incident got new reports
    delivery_failures: list[str] = field(default_factory=list)  # "alert_id channel: message" (alerts kept)

    @property
    def articles(self) -> int:
        return self.added + self.duplicates + self.conflicts + self.replaced + self.near_duplicates

    def to_text(self) -> str:
        parts = [f"{self.added} added", f"{self.duplicates} already stored"]
        if self.near_duplicates:
            parts.append(f"{self.near_duplicates} near-duplicates (kept as extra sources of the stored article)")
        if self.replaced:
            parts.append(f"{self.replaced} replaced")
        if self.conflicts:
            parts.append(f"{self.conflicts} conflicts (same id, different text: kept the stored one; --replace to overwrite)")
        parts.append(f"{len(self.drops)} dropped")
        lines = [f"{self.articles + len(self.drops)} inputs: " + ", ".join(parts) + f"; {self.events} events stored"
                 f", {len(self.incidents_changed)} incidents created or updated in {self.seconds:.1f}s"]
        if self.alerts_created or self.alerts_updated or self.delivery_failures:
            lines.append(f"alerts: {len(self.alerts_created)} raised, {len(self.alerts_updated)} updated"
                         + (f", {len(self.delivery_failures)} delivery failures (alerts kept)"
                            if self.delivery_failures else ""))
        if self.drops:
            counts: dict[str, int] = {}
            for d in self.drops:
                counts[d.code] = counts.get(d.code, 0) + 1
            lines.append("dropped: " + ", ".join(f"{c} x{n}" for c, n in sorted(counts.items())))
            lines.extend("  " + str(d) for d in self.drops)
        return "\n".join(lines)

    def to_dict(self) -> dict:
        return {"added": self.added, "duplicates": self.duplicates, "conflicts": self.conflicts,
                "replaced": self.replaced, "near_duplicates": self.near_duplicates, "events": self.events,
                "seconds": round(self.seconds, 2), "incidents_changed": list(self.incidents_changed),
                "alerts_created": list(self.alerts_created), "alerts_updated": list(self.alerts_updated),
                "delivery_failures": list(self.delivery_failures),
                "drops": [d.__dict__ for d in self.drops]}


def _settings(db: str | None = None, **kw) -> Settings:
    return Settings.load(db=db, **kw)


def read(paths: Iterable[str | Path], *, encoding: str = "utf-8",
         max_file_mb: int | None = None) -> Iterator[Article | Drop]:
    """Articles (or drops) from files and folders: .txt, .html, .jsonl."""
    from .readers import read_paths

    return read_paths(paths, encoding=encoding, max_file_mb=max_file_mb or _settings().max_file_mb)


def extract_articles(articles: Iterable[Article], *, n_process: int | None = None,
                     batch_size: int | None = None, model: str | None = None
                     ) -> Iterator[tuple[Article, list[Event] | None, str | None]]:
    """(article, events, error) for each article, in order, over worker processes."""
    from .extraction.pipeline import extract_many

    s = _settings()
    return extract_many(articles, n_process=n_process if n_process is not None else s.n_process,
                        batch_size=batch_size or s.batch_size, model=model or s.model or None)


def extract(paths: Iterable[str | Path] | str | Path, *, encoding: str = "utf-8", n_process: int | None = None,
            on_drop: Callable[[Drop], None] | None = None) -> Iterator[Event]:
    """Events of the articles in ``paths``, without touching any database.

    >>> evs = list(eventwatch.extract("samples/articles/s001.txt"))
    """
    if isinstance(paths, (str, Path)):
        paths = [paths]
    articles = []
    for item in read(paths, encoding=encoding):
        if isinstance(item, Drop):
            if on_drop:
                on_drop(item)
            continue
        articles.append(item)
    for article, evs, err in extract_articles(articles, n_process=n_process if n_process is not None else 1):
        if err:
            if on_drop:
                e = error("EW012", detail=err)
                on_drop(Drop(article.source_path or article.id, e.code, e.message, e.hint))
            continue
        yield from evs


def extract_text(text: str, *, published: str | None = None, title: str | None = None,
                 id: str | None = None) -> list[Event]:
    """Events of one article given as a string.

    >>> eventwatch.extract_text("KABUL, May 2 (Reuters) - Police arrested two men on Tuesday.", published="2024-05-02")
    """
    from .extraction.pipeline import extract as extract_one
    from .text import prepare

    return extract_one(prepare(text, id=id, title=title, published=published))


INGEST_CHUNK = 1000  # articles held in memory at once: a large feed streams through in chunks


def ingest(paths: Iterable[str | Path], *, db: str | None = None, encoding: str = "utf-8",
           replace: bool = False, n_process: int | None = None, progress: bool = False,
           near_dup: bool | None = None, via: str | None = None, key: str | None = None) -> IngestReport:
    """Read, extract and store articles. Idempotent: an article already stored is not stored again.

    A near-duplicate (a wire copy of a stored article, or of one earlier in the batch: another
    headline or outlet, a trimmed ending, a few words changed) is recognised before extraction,
    not stored again and added to the stored article's sources (``IngestReport.near_duplicates``);
    ``near_dup=False`` (``--no-near-dup``, ``EVENTWATCH_NEAR_DUP=0``) turns that off.
    Bad inputs are reported in ``IngestReport.drops`` (and stored in the drops table); the batch goes on.

    >>> eventwatch.ingest(["feed/"], db="feed.duckdb").near_duplicates
    3

    ``via``: the URL of an ``eventwatch serve`` to send the articles to (with an analyst ``key``)
    instead of opening the database, which that server holds.
    """
    from .store import Store

    t0 = time.perf_counter()
    report = IngestReport()
    s = _settings(db, near_dup=near_dup)
    if via:
        _ingest_via(paths, via, key or s.key or None, report, encoding=encoding, replace=replace)
        report.seconds = time.perf_counter() - t0
        return report
    if s.near_dup:
        from .dedup import check_threshold

        check_threshold(s.near_duplicate_threshold)  # a bad setting stops before the database is opened
    with Store(s.db) as store:
        threshold, watch = _chunk_setup(store, s)
        bar = _progress() if progress else None
        chunk: list[Article] = []
        for item in read(paths, encoding=encoding):
            if isinstance(item, Drop):
                _drop(report, store, item)
            elif not replace and (stored := store.article_id_for_content(item.content_hash)):
                # same text already stored: no parse needed; under another id it is one more report of it
                if threshold is not None and stored != item.id:
                    _record_copy(report, store, item, stored, 1.0)
                else:
                    report.duplicates += 1
            else:
                chunk.append(item)
                if len(chunk) >= INGEST_CHUNK:
                    _store_chunk(chunk, store, report, replace, n_process, bar, threshold, watch)
                    chunk = []
        _store_chunk(chunk, store, report, replace, n_process, bar, threshold, watch)
        if bar is not None:
            bar.close()
    report.seconds = time.perf_counter() - t0
    return report


def ingest_records(records: Iterable, *, db: str | None = None, store=None, replace: bool = False,
                   n_process: int | None = None, label: str = "articles",
                   extract: Callable | None = None) -> IngestReport:
    """Extract and store articles given as JSON objects: ``{"id", "text" | "html", "title", "published",
    "url", "agency"}`` (what ``POST /api/v1/ingest`` receives). Each bad item becomes a drop named
    ``articles[i]``; the others go on. Writes to ``store`` when given (the server's), else opens ``db``.
    ``extract``: a stand-in for ``extract_articles`` (the server extracts in a worker process).

    >>> eventwatch.ingest_records([{"id": "k1", "text": "NAIROBI, May 16 (Reuters) - Police arrested two men."},
    ...                            {"id": "k2"}], db="demo.duckdb").to_dict()["drops"][0]["code"]
    'EW008'
    """
    from .readers import article_from_record
    from .store import Store

    t0 = time.perf_counter()
    report = IngestReport()

    def run(st):
        threshold, watch = _chunk_setup(st, _settings(db))
        chunk: list[Article] = []
        for i, obj in enumerate(records):
            where = f"{label}[{i}]"
            if not isinstance(obj, dict):
                e = error("EW105", detail=f"{where} is a {type(obj).__name__}, not an article object")
                _drop(report, st, Drop(where, e.code, e.message, e.hint))
                continue
            try:
                article = article_from_record(obj, source_path=where, line=i + 1)
            except EventwatchError as exc:
                _drop(report, st, Drop(where, exc.code, exc.message, exc.hint))
                continue
            if not replace and (stored := st.article_id_for_content(article.content_hash)):
                if threshold is not None and stored != article.id:
                    _record_copy(report, st, article, stored, 1.0)  # same text under another id: a report of it
                else:
                    report.duplicates += 1
                continue
            chunk.append(article)
            if len(chunk) >= INGEST_CHUNK:
                _store_chunk(chunk, st, report, replace, n_process, None, threshold, watch, extract)
                chunk = []
        _store_chunk(chunk, st, report, replace, n_process, None, threshold, watch, extract)

    if store is not None:
        run(store)
    else:
        with Store(_settings(db).db) as st:
            run(st)
    report.seconds = time.perf_counter() - t0
    return report


def _ingest_via(paths, url: str, key: str | None, report: IngestReport, *, encoding: str, replace: bool) -> None:
    """Read locally, let the server extract and store; its drops are named by the local paths again."""
    from .serving import VIA_BATCH, post_ingest

    batch: list[Article] = []

    def send():
        records = [{"id": a.id, "text": a.text, "title": a.title, "published": a.published, "url": a.url,
                    "agency": a.agency} for a in batch]
        got = post_ingest(url, records, key=key, replace=replace)
        for k in ("added", "duplicates", "conflicts", "replaced", "near_duplicates", "events"):
            setattr(report, k, getattr(report, k) + int(got.get(k, 0)))
        report.incidents_changed = sorted(set(report.incidents_changed) | set(got.get("incidents_changed", [])))
        for k in ("alerts_created", "alerts_updated", "delivery_failures"):
            getattr(report, k).extend(got.get(k, []))
        for d in got.get("drops", []):
            path = d.get("path", "")
            if path.startswith("articles[") and path[9:-1].isdigit() and int(path[9:-1]) < len(batch):
                path = batch[int(path[9:-1])].source_path or path
            report.drops.append(Drop(path, d.get("code", ""), d.get("message", ""), d.get("hint")))
        batch.clear()

    for item in read(paths, encoding=encoding):
        if isinstance(item, Drop):
            report.drops.append(item)  # unreadable here: the server never sees it
            continue
        batch.append(item)
        if len(batch) >= VIA_BATCH:
            send()
    if batch:
        send()


def _chunk_setup(store, s: Settings):
    """What every chunk of an ingest needs: the near-duplicate threshold (None: off) and the watch
    rules (None: no assets registered)."""
    threshold = None
    if s.near_dup:
        from .dedup import check_threshold, index_stored_articles

        threshold = check_threshold(s.near_duplicate_threshold)
        if not getattr(store, "bands_checked", False):  # once per open store (the server's lives long)
            index_stored_articles(store)  # only articles stored without near-duplicate bands; usually none
            store.bands_checked = True
    return threshold, _watch_rules(store)


def _store_chunk(chunk: list[Article], store, report: IngestReport, replace: bool, n_process: int | None, bar,
                 threshold: float | None = None, watch=None, extract: Callable | None = None):
    """Extract and store one chunk: near-duplicate copies first (no parse), then incidents and alerts.
    ``extract``: a stand-in for ``extract_articles`` (the server extracts in a worker process)."""
    if not chunk:
        _update_incidents(store, [], [], report, watch)  # copies recorded since the last chunk, if any
        return  # nothing new: not even the spaCy import
    plan = None
    if threshold is not None:
        from .dedup import plan_chunk

        # before extraction: a copy costs its MinHash and a look-up, never a parse
        plan = plan_chunk(store, chunk, threshold)
        for c in plan.copies:
            if not c.in_chunk:
                _record_copy(report, store, c.article, c.of, c.match.containment)
                if bar is not None:
                    bar.update(1)
        chunk = plan.keep
    outcomes: dict[str, str] = {}
    indexed: list[tuple[str, list[int], int]] = []
    stored: list[str] = []
    replaced: list[str] = []
    for article, evs, err in ((extract or extract_articles)(chunk, n_process=n_process) if chunk else ()):
        if bar is not None:
            bar.update(1)
        if err:
            e = error("EW012", detail=err)
            _drop(report, store, Drop(article.source_path or article.id, e.code, e.message, e.hint))
            continue
        try:
            outcome = store.add(article, evs, replace=replace)
        except EventwatchError as exc:  # nothing of that article was written; the batch goes on
            _drop(report, store, Drop(article.source_path or article.id, exc.code, exc.message, exc.hint))
            continue
        outcomes[article.id] = outcome
        if outcome in ("added", "replaced"):
            setattr(report, outcome, getattr(report, outcome) + 1)
            report.events += len(evs)
            if plan is not None and (entry := plan.index_entry(article)) is not None:
                indexed.append(entry)
            stored.append(article.id)
            if outcome == "replaced":
                replaced.append(article.id)
        elif outcome == "duplicate":
            report.duplicates += 1
        else:
            report.conflicts += 1
    if plan is None:
        _update_incidents(store, stored, replaced, report, watch)
        return
    from .dedup import scheme

    store.put_bands_many(indexed, scheme())  # the chunk's new articles, in one write
    # copies of articles earlier in this chunk: recorded once that article is stored; when it was
    # not (dropped, or a conflict), the copy is extracted and stored on its own
    orphans = []
    for c in plan.copies:
        if not c.in_chunk:
            continue
        if outcomes.get(c.of) in ("added", "replaced"):
            _record_copy(report, store, c.article, c.of, c.match.containment)
            if bar is not None:
                bar.update(1)
        else:
            orphans.append(c.article)
    # clustered after the copies are recorded, so the incidents' source counts include them
    _update_incidents(store, stored, replaced, report, watch)
    if orphans:
        _store_chunk(orphans, store, report, replace, n_process, bar, threshold, watch)


def _record_copy(report: IngestReport, store, article: Article, of: str, similarity: float) -> None:
    try:
        new = store.add_copy(of, article, similarity)
    except EventwatchError as exc:
        _drop(report, store, Drop(article.source_path or article.id, exc.code, exc.message, exc.hint))
        return
    if new:
        report.near_duplicates += 1
        report._copied.append(of)
    else:
        report.duplicates += 1  # this report of it is listed already: a re-ingest


def _update_incidents(store, article_ids: list[str], replaced: list[str], report: IngestReport,
                      watch=None) -> list[str]:
    """Cluster the chunk's new events into incidents (only candidates in their window are read), then
    raise or update alerts for exactly the incidents that changed."""
    from .clustering import update_store

    # an article stored earlier that gained a copy is re-clustered like a replaced one, which
    # recomputes its incidents' mention and source counts with the new report
    copied = [a for a in dict.fromkeys(report._copied) if a not in article_ids]
    report._copied.clear()
    if not (article_ids or copied):
        return []
    ids = list(article_ids) + copied
    try:
        changed = update_store(store, ids, replaced=list(replaced) + copied)
    except Exception as exc:  # noqa: BLE001 - the chunk's articles are stored; the batch goes on
        # incidents are written in one transaction, so the stored ones are as they were
        e = error("EW082", n=len(ids), detail=f"{type(exc).__name__}: {exc}")
        where = ", ".join(ids[:3]) + (f" and {len(ids) - 3} more" if len(ids) > 3 else "")
        _drop(report, store, Drop(where, e.code, e.message, e.hint))
        return []
    report.incidents_changed = sorted(set(report.incidents_changed) | set(changed))
    if watch is not None and changed:
        _raise_alerts(store, list(changed), watch, report)
    return list(changed)


def _watch_rules(store):
    """The watch rules when any asset is registered (read before the first article, so a bad
    rules file stops the ingest with EW138 instead of silently raising no alerts), else None."""
    if not store.assets():
        return None
    from .alerting import load_rules

    return load_rules()


def _raise_alerts(store, incident_ids: list[str], rules, report: IngestReport) -> None:
    """Alerts for exactly the incidents this chunk created or changed (see alerting.raise_alerts)."""
    from .alerting import raise_alerts

    run = raise_alerts(store, incident_ids, rules=rules)
    report.alerts_created.extend(run.created)
    report.alerts_updated.extend(a for a in run.updated if a not in report.alerts_updated)
    report.delivery_failures.extend(run.failures)


def _drop(report: IngestReport, store, drop: Drop):
    report.drops.append(drop)
    store.add_drop(drop)


def _progress():
    from tqdm import tqdm

    # disable=None: a bar on a terminal, nothing in logs and pipes
    return tqdm(unit="article", file=sys.stderr, desc="extracting", disable=None, mininterval=1.0)


def events(*, db: str | None = None, **filters) -> list[Event]:
    """Stored events matching the filters (see Store.events for the filter names)."""
    from .store import Store

    with Store(_settings(db).db, read_only=True) as store:
        return store.events(**filters)


def summary(*, db: str | None = None) -> dict:
    """Counts for a readable overview: articles, events per root, top dyads, date range."""
    from .store import Store

    with Store(_settings(db).db, read_only=True) as store:
        return store.summary()


def export(path: str, *, fmt: str = "csv", db: str | None = None, header: bool = False, what: str = "events",
           **filters) -> int:
    """Write stored events (``what="events"``) to ``path`` as csv, parquet, jsonl, geojson or gdelt, or
    incidents (``what="incidents"``) as csv, parquet or jsonl; returns the number written.

    The count is an int with ``left_out``: events the format could not hold (GeoJSON: no coordinates).
    ``header``: a header line for gdelt (GDELT's own files have none).

    >>> eventwatch.export("chn_pak.geojson", fmt="geojson", db="demo.duckdb", dyad=("CHN", "PAK")).left_out
    >>> eventwatch.export("incidents.csv", what="incidents", db="demo.duckdb", country="PAK")
    """
    from .store import EXPORT_FORMATS, Store

    if fmt not in EXPORT_FORMATS:
        raise error("EW042", value=fmt)
    if what not in ("events", "incidents"):
        raise error("EW081", value=what)
    with Store(_settings(db).db, read_only=True) as store:
        if what == "incidents":
            return store.export_incidents(path, fmt, **filters)
        return store.export(path, fmt, header=header, **filters)


def dyad(a: str, b: str, *, db: str | None = None, by: str = "month", since: str | None = None,
         until: str | None = None):
    """Relations of two countries per week or month, both directions: QuadClass counts, Goldstein
    sum and mean, meetings, pledges, demands, attacks, with the event ids behind each figure.

    >>> report = eventwatch.dyad("CHN", "PAK", db="demo.duckdb", by="month")
    >>> report.to_dict()["periods"][0]["a_to_b"]["meetings"]; report.plot("chn_pak.png")
    """
    from .relations import dyad as relations_dyad
    from .store import Store

    with Store(_settings(db).db, read_only=True) as store:
        return relations_dyad(store, a, b, by=by, since=since, until=until)


def incidents(*, db: str | None = None, **filters) -> list[Incident]:
    """Stored incidents matching the filters: those of ``events`` (country, source, target, dyad, code,
    root, since, until, text) plus ``status`` and ``min_mentions``; ``limit``, ``offset``, ``order``.

    >>> [i.title for i in eventwatch.incidents(db="demo.duckdb", country="PAK", min_mentions=2)]
    """
    from .store import Store

    with Store(_settings(db).db, read_only=True) as store:
        return store.incidents(**filters)


def case(incident_id: str, *, db: str | None = None, as_of: str | None = None) -> Case:
    """An incident followed from the event to justice: its mentions, references and follow-ups in time
    order, its status, and pledges or demands still unmet after ``unmet_days`` (as of ``as_of``, default
    today). EW080 for an unknown id.

    >>> c = eventwatch.case("inc-3f2a9c1e0b7d", db="demo.duckdb"); c.status
    'charged'
    """
    import datetime as dt

    from .clustering import flag_unmet
    from .store import Store

    s = _settings(db)
    with Store(s.db, read_only=True) as store:
        c = store.case(incident_id)
    flag_unmet(c.entries, days=s.unmet_days, as_of=as_of or dt.date.today().isoformat())
    return c


def rebuild_incidents(*, db: str | None = None) -> int:
    """Cluster every stored event again (after the clustering rules changed); returns the incident count.

    >>> eventwatch.rebuild_incidents(db="demo.duckdb")
    """
    from .clustering import rebuild_store
    from .store import Store

    s = _settings(db)
    with Store(s.db) as store:
        return rebuild_store(store, settings=s)


def evaluate(gold_path: str | Path | Iterable[str | Path], *, errors_path: str | None = None,
             n_process: int | None = None):
    """Extract the gold files' articles and score them (conventions in shared/eval/README.md). Several
    files are scored together (article ids must differ); gold ``incident`` labels add B-cubed scores of
    the incident clustering.

    >>> print(eventwatch.evaluate(["samples/gold.jsonl", "samples/story/gold.jsonl"]).to_text())
    """
    from .scoring import load_gold, score
    from .text import prepare

    paths = [gold_path] if isinstance(gold_path, (str, Path)) else list(gold_path)
    gold, seen = [], {}
    for path in paths:
        for n, g in enumerate(load_gold(str(path)), start=1):
            if g["id"] in seen:
                raise error("EW040", path=str(path), line=n,
                            detail=f"id {g['id']!r} is also in {seen[g['id']]}: give each article its own id")
            seen[g["id"]] = str(path)
            gold.append(g)
    articles = [prepare(g["text"], id=g["id"], title=g.get("title"), published=g.get("published"))
                for g in gold]
    predicted: dict[str, list[Event]] = {}
    for article, evs, err in extract_articles(articles, n_process=n_process):
        if err:
            raise error("EW012", path=article.id, detail=err)
        predicted[article.id] = evs
    report = score(gold, predicted)
    if errors_path:
        report.write_errors(errors_path)
    return report


def events_to_jsonl(evs: Iterable[Event], fh) -> int:
    n = 0
    for e in evs:
        fh.write(json.dumps(e.to_dict(), ensure_ascii=False) + "\n")
        n += 1
    return n


# ---- REST API: keys and the server ----------------------------------------------------------------------

def create_key(name: str, role: str = "reader", *, db: str | None = None) -> tuple[dict, str]:
    """Create an API key; returns (its record, the token). The token is shown only here.

    >>> info, token = eventwatch.create_key("alice", "analyst", db="demo.duckdb")
    """
    from .store import Store

    with Store(_settings(db).db) as store:
        return store.create_key(name, role)


def list_keys(*, db: str | None = None) -> list[dict]:
    """Every API key's record (id, name, role, created_at, revoked_at, active); never a token or hash."""
    from .store import Store

    with Store(_settings(db).db) as store:
        return store.keys()


def revoke_key(key_id: str, *, db: str | None = None) -> dict:
    """Revoke an API key at once (EW104 when there is none with that id); returns its record."""
    from .store import Store

    with Store(_settings(db).db) as store:
        return store.revoke_key(key_id)


def serve(*, db: str | None = None, host: str | None = None, port: int | None = None, open_reads: bool = False,
          log_level: str = "info") -> None:
    """Serve the REST API (and the dashboard) until interrupted; this process owns the database meanwhile.

    Binds to 127.0.0.1 unless told otherwise. ``open_reads`` lets GET requests in without a key,
    only on a loopback host (EW109 otherwise).

    >>> eventwatch.serve(db="demo.duckdb", port=8000)   # then http://127.0.0.1:8000/docs
    """
    from .server import run_server

    s = _settings(db, host=host, port=port)
    run_server(s.db, host=s.host, port=s.port, open_reads=open_reads, log_level=log_level)


DEMO_KEY_NAME = "demo dashboard"


DEMO_CORPUS = ("samples/articles", "samples/story/articles")  # the samples, and the story of one case to its verdict


def demo(paths: Iterable[str | Path] | None = None, *, db: str | None = "demo.duckdb",
         assets: str | Path | None = "samples/assets.geojson", host: str | None = None,
         port: int | None = None, serve_it: bool = True, out: Callable[[str], None] = print) -> dict:
    """Ingest the sample corpora (``DEMO_CORPUS``, or ``paths``) into ``db`` (idempotent: stored
    articles are skipped), with the sample assets watched (imported first when the database has
    none) and the incidents matched against them (alerts), make a fresh analyst key for writes,
    then serve the dashboard with open reads on this machine and print its URL. Returns
    ``{"url", "key", "report"}`` (after the server stops, or at once with ``serve_it=False``).

    >>> eventwatch.demo(db="demo.duckdb")   # Dashboard: http://127.0.0.1:8000/
    """
    from .store import Store
    from .web import is_built

    s = _settings(db, host=host, port=port)
    if paths is None:
        paths = [p for p in DEMO_CORPUS if Path(p).is_dir()]
    if assets and Path(assets).is_file():
        with Store(s.db) as store:
            have_assets = bool(store.assets())
        if not have_assets:
            imported = assets_import(assets, db=s.db)
            out(f"{len(imported.added)} sample assets watched ({assets})")
    report = ingest(paths, db=s.db)
    out(report.to_text().splitlines()[0])
    # match every incident against the assets (idempotent; nothing is delivered from a demo)
    run = alerts_scan(db=s.db, deliver=False)
    out(f"alerts: {len(run.created)} raised, {len(run.updated)} updated")
    with Store(s.db) as store:
        # one live demo key at a time: the previous run's token was shown once and is gone
        for k in store.keys(include_revoked=False):
            if k["name"] == DEMO_KEY_NAME:
                store.revoke_key(k["id"])
        _, token = store.create_key(DEMO_KEY_NAME, "analyst")
    shown = f"[{s.host}]" if ":" in s.host else s.host
    url = f"http://{shown}:{s.port}/"
    if not is_built():
        e = error("EW121")
        out(f"warning: {e} - serving the REST API only")
    out(f"API key for acknowledging alerts (analyst, this database only): {token}")
    out(f"Dashboard: {url}  (Ctrl-C stops it)")
    if serve_it:
        serve(db=s.db, host=s.host, port=s.port, open_reads=True, log_level="warning")
    return {"url": url, "key": token, "report": report.to_dict()}


# ---- watch: assets, alerts, risk ------------------------------------------------------------------------

@dataclass
class AssetImport:
    """What an assets import did: ids stored, and one coded error per row that was not."""

    added: list[str] = field(default_factory=list)
    errors: list[EventwatchError] = field(default_factory=list)

    def to_text(self) -> str:
        lines = [f"{len(self.added)} assets imported, {len(self.errors)} rows refused"]
        lines.extend("  " + str(e) for e in self.errors)
        return "\n".join(lines)


def assets_add(name: str, *, kind: str = "site", lat: float | None = None, lon: float | None = None,
               radius_km: float | None = None, geometry: dict | str | None = None, country: str | None = None,
               covers: list[str] | str | None = None, tags: list[str] | str | None = None,
               asset_id: str | None = None, replace: bool = False, db: str | None = None):
    """Store one protected asset (validated: EW130-EW135, EW143) and return it.

    >>> eventwatch.assets_add("Gwadar port", kind="site", lat=25.12, lon=62.33, radius_km=15, country="PAK")
    """
    from .store import Store
    from .watchlist import make_asset

    a = make_asset(name=name, kind=kind, lat=lat, lon=lon, radius_km=radius_km, geometry=geometry,
                   country=country, covers=covers, tags=tags, asset_id=asset_id)
    with Store(_settings(db).db) as store:
        store.add_assets([a], replace=replace)
    return a


def assets_list(*, db: str | None = None) -> list:
    """Every stored asset. ``[a.name for a in eventwatch.assets_list(db="w.duckdb")]``"""
    from .store import Store

    with Store(_settings(db).db, read_only=True) as store:
        return store.assets()


def assets_import(path: str | Path, *, replace: bool = False, db: str | None = None) -> AssetImport:
    """Import assets from a .csv or .geojson file. A bad row gets a coded error (EW130-EW143) and
    is skipped; the good rows are stored together in one transaction (never half a file).

    >>> eventwatch.assets_import("samples/assets.geojson", db="w.duckdb").added
    """
    from .store import Store
    from .watchlist import read_assets

    assets, errors = read_assets(path)
    report = AssetImport(errors=errors)
    with Store(_settings(db).db) as store:
        if not replace:
            stored = {a.asset_id for a in store.assets()}
            keep = []
            for a in assets:
                if a.asset_id in stored:
                    report.errors.append(error("EW135", path=str(path), where="", value=a.asset_id,
                                               detail="is stored already"))
                else:
                    keep.append(a)
            assets = keep
        store.add_assets(assets, replace=replace)
    report.added = [a.asset_id for a in assets]
    return report


def assets_export(path: str | Path, *, db: str | None = None) -> int:
    """Write every stored asset to a .csv or .geojson file; returns how many."""
    from .watchlist import write_assets

    return write_assets(assets_list(db=db), path)


def assets_remove(asset: str, *, db: str | None = None) -> str:
    """Remove an asset by id or name (its alerts stay); returns its id. EW137 when unknown."""
    from .store import Store

    with Store(_settings(db).db) as store:
        return store.remove_asset(asset)


def alerts(*, status: str | None = None, asset: str | None = None, limit: int | None = None,
           db: str | None = None) -> list:
    """Stored alerts, most severe first. ``eventwatch.alerts(status="new", asset="gwadar-port")``"""
    from .store import Store

    with Store(_settings(db).db, read_only=True) as store:
        return store.alerts(status=status, asset=asset, limit=limit)


def alert_history(alert_id: str, *, db: str | None = None) -> list[dict]:
    """Every change of an alert (created, updated, delivered, acknowledged, closed), oldest first."""
    from .store import Store

    with Store(_settings(db).db, read_only=True) as store:
        if store.alert(alert_id) is None:
            raise error("EW139", value=alert_id)
        return store.alert_history(alert_id)


def alert_ack(alert_id: str, *, by: str, note: str | None = None, db: str | None = None):
    """Acknowledge a new alert, recording who (EW139 unknown id, EW140 not new)."""
    from .store import Store

    with Store(_settings(db).db) as store:
        return store.set_alert_status(alert_id, "acknowledged", by=by, note=note)


def alert_close(alert_id: str, *, by: str, note: str | None = None, db: str | None = None):
    """Close a new or acknowledged alert, recording who (EW139 unknown id, EW140 already closed)."""
    from .store import Store

    with Store(_settings(db).db) as store:
        return store.set_alert_status(alert_id, "closed", by=by, note=note)


def alerts_scan(*, since: str | None = None, rules: str | None = None, deliver: bool = True,
                db: str | None = None):
    """Match every stored incident (since a date) against the assets: for assets added after
    the incidents were ingested. Existing alerts are updated, never duplicated.

    >>> eventwatch.alerts_scan(db="w.duckdb").created
    """
    from .alerting import load_rules, raise_alerts
    from .store import Store

    with Store(_settings(db).db) as store:
        ids = [i.incident_id for i in store.incidents(since=since, limit=None)]
        return raise_alerts(store, ids, rules=load_rules(rules), deliver=deliver)


def _risk_inputs(store, rules, as_of, extra_days: int = 0):
    import datetime as dt

    from .riskscore import _as_date, lookback_days

    day = _as_date(as_of)
    since = day - dt.timedelta(days=lookback_days(rules) + extra_days)
    return day, store.incidents(since=since.isoformat(), until=day.isoformat(), limit=None)


def risk(*, asset: str | None = None, as_of: str | None = None, districts: bool = False,
         rules: str | None = None, db: str | None = None) -> list:
    """The risk ranking as of a date (default today): assets, or districts with ``districts=True``;
    ``asset`` restricts it to one asset. Each ``RiskScore`` lists its top contributing incidents.

    >>> top = eventwatch.risk(db="w.duckdb", as_of="2024-06-30")[0]
    >>> top.name, top.score, top.trend, top.contributors[0]["share"]
    """
    from .alerting import load_rules
    from .riskscore import asset_risk, district_risk
    from .store import Store

    r = load_rules(rules)
    with Store(_settings(db).db, read_only=True) as store:
        day, incidents = _risk_inputs(store, r, as_of)
        if districts:
            return district_risk(incidents, r, as_of=day)
        assets = [store.asset(asset)] if asset else store.assets()
    return asset_risk(incidents, assets, r, as_of=day)


def risk_plot(asset: str, path: str, *, as_of: str | None = None, days: int = 365, step_days: int = 7,
              rules: str | None = None, db: str | None = None) -> str:
    """Plot an asset's risk score over the ``days`` before ``as_of`` to a PNG; returns the path."""
    import datetime as dt

    from .alerting import load_rules
    from .riskscore import incident_marks, plot_series, risk_series
    from .store import Store

    r = load_rules(rules)
    with Store(_settings(db).db, read_only=True) as store:
        a = store.asset(asset)
        day, incidents = _risk_inputs(store, r, as_of, extra_days=days)
    start = day - dt.timedelta(days=days)
    series = risk_series(incidents, a, r, start=start, end=day, step_days=step_days)
    return plot_series(series, path, f"Risk at {a.name}", incident_marks(incidents, a, r, start=start, end=day))
