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
    events: int = 0
    drops: list[Drop] = field(default_factory=list)
    seconds: float = 0.0
    incidents_changed: list[str] = field(default_factory=list)  # incident ids created, updated or removed

    @property
    def articles(self) -> int:
        return self.added + self.duplicates + self.conflicts + self.replaced

    def to_text(self) -> str:
        parts = [f"{self.added} added", f"{self.duplicates} already stored"]
        if self.replaced:
            parts.append(f"{self.replaced} replaced")
        if self.conflicts:
            parts.append(f"{self.conflicts} conflicts (same id, different text: kept the stored one; --replace to overwrite)")
        parts.append(f"{len(self.drops)} dropped")
        lines = [f"{self.articles + len(self.drops)} inputs: " + ", ".join(parts) + f"; {self.events} events stored"
                 f", {len(self.incidents_changed)} incidents created or updated in {self.seconds:.1f}s"]
        if self.drops:
            counts: dict[str, int] = {}
            for d in self.drops:
                counts[d.code] = counts.get(d.code, 0) + 1
            lines.append("dropped: " + ", ".join(f"{c} x{n}" for c, n in sorted(counts.items())))
            lines.extend("  " + str(d) for d in self.drops)
        return "\n".join(lines)

    def to_dict(self) -> dict:
        return {"added": self.added, "duplicates": self.duplicates, "conflicts": self.conflicts,
                "replaced": self.replaced, "events": self.events, "seconds": round(self.seconds, 2),
                "incidents_changed": list(self.incidents_changed),
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
           replace: bool = False, n_process: int | None = None, progress: bool = False) -> IngestReport:
    """Read, extract and store articles. Idempotent: an article already stored is not stored again.

    Bad inputs are reported in ``IngestReport.drops`` (and stored in the drops table); the batch goes on.
    """
    from .store import Store

    t0 = time.perf_counter()
    report = IngestReport()
    s = _settings(db)
    with Store(s.db) as store:
        bar = _progress() if progress else None
        chunk: list[Article] = []
        for item in read(paths, encoding=encoding):
            if isinstance(item, Drop):
                _drop(report, store, item)
            elif not replace and store.has_content(item.content_hash):
                report.duplicates += 1  # same text already stored: no parse needed
            else:
                chunk.append(item)
                if len(chunk) >= INGEST_CHUNK:
                    _store_chunk(chunk, store, report, replace, n_process, bar)
                    chunk = []
        _store_chunk(chunk, store, report, replace, n_process, bar)
        if bar is not None:
            bar.close()
    report.seconds = time.perf_counter() - t0
    return report


def _store_chunk(chunk: list[Article], store, report: IngestReport, replace: bool, n_process: int | None, bar):
    stored: list[str] = []
    replaced: list[str] = []
    for article, evs, err in extract_articles(chunk, n_process=n_process):
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
        if outcome in ("added", "replaced"):
            setattr(report, outcome, getattr(report, outcome) + 1)
            report.events += len(evs)
            stored.append(article.id)
            if outcome == "replaced":
                replaced.append(article.id)
        elif outcome == "duplicate":
            report.duplicates += 1
        else:
            report.conflicts += 1
    _update_incidents(store, stored, replaced, report)


def _update_incidents(store, article_ids: list[str], replaced: list[str], report: IngestReport) -> None:
    """Cluster the chunk's new events into incidents (only candidates in their window are read)."""
    from .clustering import update_store

    if article_ids:
        changed = update_store(store, article_ids, replaced=replaced)
        report.incidents_changed = sorted(set(report.incidents_changed) | set(changed))


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


def export(path: str, *, fmt: str = "csv", db: str | None = None, what: str = "events", **filters) -> int:
    """Write stored events (``what="events"``) or incidents (``what="incidents"``) to ``path`` as csv,
    parquet or jsonl; returns the number of rows.

    >>> eventwatch.export("incidents.csv", what="incidents", db="demo.duckdb", country="PAK")
    """
    from .store import Store

    if fmt not in ("csv", "parquet", "jsonl"):
        raise error("EW042", value=fmt)
    if what not in ("events", "incidents"):
        raise error("EW081", value=what)
    with Store(_settings(db).db, read_only=True) as store:
        if what == "incidents":
            return store.export_incidents(path, fmt, **filters)
        return store.export(path, fmt, **filters)


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
