"""The REST API (FastAPI) over one eventwatch database, and `eventwatch serve`.

>>> from fastapi.testclient import TestClient
>>> app = create_app("demo.duckdb")
>>> TestClient(app).get("/api/v1/events", params={"dyad": "IND,PAK", "limit": 5},
...                     headers={"Authorization": "Bearer " + token}).json()["total"]
12

Everything is under ``/api/v1``. Lists answer ``{"items": [...], "total": N, "limit": L, "offset": O}``
with the records' ``to_dict()`` layouts as items; every error answers
``{"ok": false, "error": message, "code": "EWxxx", "status": http_status, "hint": hint}``.

One process owns the DuckDB file while serving: the app holds one connection, each request works
on its own cursor (a connection must not be shared between threads, its cursors may), and writes
are serialised by a lock. Keys: ``reader`` < ``analyst`` (ingest, alerts) < ``admin`` (keys, assets).

To add a resource: a response model, then a route with ``dependencies=[READ]`` (or ``Depends(WRITE(...))``),
the shared ``Page`` and ``page_params`` for lists, and ``event_filters``-style filter dependency;
raise ``error("EW104", kind=..., id=...)`` for a missing item.
"""
from __future__ import annotations

import asyncio
import logging
import threading
import weakref
from contextlib import asynccontextmanager, contextmanager
from pathlib import Path
from typing import Any, AsyncIterator, Generic, Iterator, Literal, TypeVar

from fastapi import APIRouter, Depends, FastAPI, Path as PathParam, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, ConfigDict, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

from . import __version__
from .errors import EventwatchError, error
from .records import MODES
from .serving import is_loopback
from .settings import Settings
from .store import ROLES, SCHEMA_VERSION, Store
from .store.keys import role_rank

log = logging.getLogger("eventwatch.server")

API_PREFIX = "/api/v1"
DEFAULT_LIMIT = 100
MAX_LIMIT = 1000
MAX_OFFSET = 10**9  # far past any real table; keeps the bound value inside DuckDB's integer range
WEB_STATIC = Path(__file__).parent / "web" / "static"  # the dashboard, when it is built
ORDERS = ("date", "-date", "article", "confidence")

# HTTP status of each coded error; other EW0xx codes are about the request's input: 400
STATUS = {"EW100": 401, "EW101": 401, "EW102": 403, "EW103": 400, "EW104": 404, "EW105": 422, "EW106": 404,
          "EW107": 405, "EW112": 413, "EW115": 413, "EW113": 500, "EW030": 503, "EW108": 503, "EW031": 500, "EW032": 500,
          "EW033": 500, "EW034": 500, "EW012": 500, "EW020": 500, "EW021": 500, "EW050": 500,
          "EW080": 404, "EW121": 404, "EW135": 409, "EW137": 404, "EW139": 404, "EW140": 409, "EW138": 500, "EW144": 500}


def status_of(code: str) -> int:
    """The HTTP status an EventwatchError code answers with."""
    return STATUS.get(code, 400)


# ---- response models (the records' to_dict layouts; extra fields pass through) -------------------------

class _Open(BaseModel):
    model_config = ConfigDict(extra="allow")


class ErrorOut(BaseModel):
    """Every error response."""
    ok: Literal[False] = False
    error: str
    code: str = Field(examples=["EW104"])
    status: int
    hint: str | None = None


class ActorOut(_Open):
    text: str | None = None
    name: str | None = None
    country: str | None = None
    sector: str | None = None
    code: str | None = None


class PlaceOut(_Open):
    name: str | None = None
    country: str | None = None
    admin1: str | None = None
    admin2: str | None = None
    lat: float | None = None
    lon: float | None = None
    precision: str | None = None
    geonameid: int | None = None


class EventOut(_Open):
    """One coded event (``Event.to_dict``)."""
    article_id: str
    sentence_index: int | None = None
    span: list[int | None]
    sentence: str | None = None
    code: str | None = None
    root: str | None = None
    quad_class: int | None = None
    goldstein: float | None = None
    plover: str | None = None
    source: ActorOut | None = None
    target: ActorOut | None = None
    date: str | None = None
    date_precision: str | None = None
    location: PlaceOut | None = None
    negated: bool = False
    mode: str | None = None
    confidence: float | None = None
    code_name: str | None = None
    trigger: str | None = None
    rule: str | None = None
    published: str | None = None
    event_id: str | None = None


class ArticleBrief(_Open):
    """An article in a list: everything but its text and blocks."""
    id: str
    title: str | None = None
    published: str | None = None
    url: str | None = None
    agency: str | None = None
    dateline_place: str | None = None
    source_path: str | None = None
    source_format: str | None = None
    content_hash: str | None = None


class ArticleOut(ArticleBrief):
    """One article (``Article.to_dict``): ``blocks`` are ``[start, end, kind]`` offsets into ``text``."""
    text: str
    blocks: list[list[int | str]]


T = TypeVar("T")


class Page(BaseModel, Generic[T]):
    """One page of a list."""
    items: list[T]
    total: int = Field(description="items matching the filters, over all pages")
    limit: int
    offset: int


class RootCount(_Open):
    root: str | None
    name: str | None
    count: int


class DyadCount(_Open):
    source_country: str | None
    target_country: str | None
    count: int


class SummaryOut(_Open):
    articles: int
    events: int
    negated: int
    drops: int
    roots: list[RootCount]
    top_dyads: list[DyadCount]
    date_range: list[str] | None


class DropOut(_Open):
    path: str
    code: str
    message: str
    hint: str | None = None


class IngestReportOut(_Open):
    """What an ingest did (``IngestReport.to_dict``): counts and every dropped item with its reason."""
    added: int
    duplicates: int
    conflicts: int
    replaced: int
    events: int
    seconds: float
    drops: list[DropOut]


class IngestIn(BaseModel):
    """One article (``text`` or ``html``, with ``id``, ``title``, ``published`` YYYY-MM-DD, ``url``,
    ``agency``), or a batch as ``{"articles": [article, ...]}``. A bad item in a batch is reported in
    ``drops`` as ``articles[i]``; the others are stored."""
    model_config = ConfigDict(extra="allow", json_schema_extra={"examples": [
        {"id": "k1", "text": "NAIROBI, May 16 (Reuters) - Kenyan police arrested two men on Thursday.",
         "published": "2024-05-16"}]})
    id: str | int | None = None
    text: str | None = None
    html: str | None = None
    title: str | None = None
    published: str | None = None
    url: str | None = None
    agency: str | None = None
    replace: bool = Field(False, description="overwrite a stored article whose text changed")
    articles: list[Any] | None = Field(None, description="a batch of article objects (each like the fields above)")


class HealthOut(BaseModel):
    ok: bool
    status: str


class VersionOut(BaseModel):
    version: str
    schema_version: int
    api: str


class KeyOut(_Open):
    """An API key's record; the token itself is never stored."""
    id: str
    name: str
    role: str
    created_at: str | None
    revoked_at: str | None
    active: bool


class KeyIn(BaseModel):
    name: str = Field(min_length=1, max_length=200)
    role: Literal["reader", "analyst", "admin"] = "reader"


class NewKeyOut(BaseModel):
    key: KeyOut
    token: str = Field(description="shown once: send it as 'Authorization: Bearer <token>'")


class IncidentOut(_Open):
    """One incident (``Incident.to_dict``): a real-world event clustered from its mentions."""
    incident_id: str
    code: str | None = None
    root: str | None = None
    quad_class: int | None = None
    goldstein: float | None = None
    code_name: str | None = None
    source: ActorOut | None = None
    target: ActorOut | None = None
    date: str | None = None
    date_precision: str | None = None
    location: PlaceOut | None = None
    num_mentions: int | None = None
    num_sources: int | None = None
    num_articles: int | None = None
    first_seen: str | None = None
    last_seen: str | None = None
    killed: int | None = None
    injured: int | None = None
    abducted: int | None = None
    confidence: float | None = None
    status: str | None = None
    title: str | None = None


class CaseEntryOut(_Open):
    incident_id: str
    stage: str | None = None
    date: str | None = None
    unmet: bool = False
    event: EventOut


class CaseOut(_Open):
    """An incident followed from the attack to justice (``Case.to_dict``)."""
    incident: IncidentOut
    status: str | None = None
    entries: list[CaseEntryOut]
    sources: list[dict[str, Any]]


class DyadOut(_Open):
    """Relations of two countries per period (``DyadReport.to_dict``): every figure with its event ids."""
    a: str
    b: str
    a_name: str | None = None
    b_name: str | None = None
    by: str
    since: str | None = None
    until: str | None = None
    periods: list[dict[str, Any]]
    totals: dict[str, Any]
    excluded: dict[str, Any]


class AssetOut(_Open):
    """A protected asset (``Asset.to_dict``): ``geometry`` is GeoJSON (WGS84, lon/lat)."""
    asset_id: str
    name: str
    kind: str
    geometry: dict[str, Any] | None = None
    radius_km: float | None = None
    country: str | None = None
    covers: list[str] = []
    tags: list[str] = []


class AssetIn(BaseModel):
    """One asset: a point (``lat``, ``lon``) or a GeoJSON ``geometry``; or, for kind ``nationality``,
    the protected nationalities/organisations in ``covers`` and a ``country``."""
    model_config = ConfigDict(json_schema_extra={"examples": [
        {"name": "Gwadar port", "kind": "site", "lat": 25.12, "lon": 62.33, "radius_km": 15, "country": "PAK"}]})
    name: str = Field(min_length=1, max_length=300)
    kind: Literal["project", "site", "office", "route", "community", "nationality"] = "site"
    lat: float | None = Field(None, ge=-90, le=90)
    lon: float | None = Field(None, ge=-180, le=180)
    radius_km: float | None = Field(None, ge=0, le=20000)
    geometry: dict[str, Any] | None = None
    country: str | None = Field(None, max_length=3)
    covers: list[str] | None = None
    tags: list[str] | None = None
    asset_id: str | None = Field(None, max_length=200)
    replace: bool = Field(False, description="overwrite a stored asset of the same id")


class RemovedOut(BaseModel):
    removed: str


class AlertOut(_Open):
    """An alert: one incident x one asset, with its evidence sentences and sources."""
    alert_id: str
    incident_id: str
    asset_id: str
    asset_name: str | None = None
    rules: list[str] = []
    severity: float | None = None
    level: str | None = None
    distance_km: float | None = None
    status: str
    code: str | None = None
    title: str | None = None
    incident_date: str | None = None
    location: str | None = None
    num_sources: int | None = None
    num_articles: int | None = None
    killed: int | None = None
    injured: int | None = None
    abducted: int | None = None
    evidence: list[dict[str, Any]] = []
    created_at: str | None = None
    updated_at: str | None = None


class AlertDetailOut(AlertOut):
    history: list[dict[str, Any]] = Field(description="every change: {at, action, status, by, note}")


class AlertActionIn(BaseModel):
    note: str | None = Field(None, max_length=2000, description="recorded in the alert's history")


class RiskOut(_Open):
    """One row of the risk ranking, with the incidents that contribute most."""
    key: str
    asset_id: str | None = Field(None, description="the asset's id (rows of kind 'asset')")
    name: str
    kind: str
    score: float
    trend: float | None = None
    recent: int
    baseline: int
    incidents: int
    contributors: list[dict[str, Any]] = []


class Extractor:
    """Extraction for POST /ingest in one worker process, started on the first ingest.

    spaCy holds the interpreter lock while it parses: run in the server's own process, one ingest
    would stall every read request for as long as it takes. The worker is spawned, not forked: the
    server's process runs threads (uvicorn's, DuckDB's), which a fork does not carry over safely.
    """

    def __init__(self):
        self._pool = None
        self._lock = threading.Lock()

    def __call__(self, articles, n_process: int | None = None):
        from concurrent.futures.process import BrokenProcessPool

        articles = list(articles)
        with self._lock:
            if self._pool is None:
                import multiprocessing
                from concurrent.futures import ProcessPoolExecutor

                self._pool = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn"))
            pool = self._pool
        try:
            return iter(pool.submit(_extract_in_worker, articles).result())
        except BrokenProcessPool:  # the worker died (out of memory?): the next ingest starts a new one
            with self._lock:
                if self._pool is pool:
                    self._pool = None
            raise

    def close(self) -> None:
        with self._lock:
            if self._pool is not None:
                self._pool.shutdown(wait=True, cancel_futures=True)
                self._pool = None


def _extract_in_worker(articles: list) -> list:
    from .api import extract_articles

    return list(extract_articles(articles, n_process=1))


# ---- state, database access, auth -------------------------------------------------------------------------

class ServerState:
    """What the app shares between requests: the owning connection, the write lock, the read policy."""

    def __init__(self, store: Store, *, open_reads: bool, owns_store: bool, settings: Settings):
        self.store = store
        self.open_reads = open_reads
        self.owns_store = owns_store
        self.settings = settings
        self.write_lock = threading.Lock()  # one writer at a time; readers never wait for it
        self._cursor_lock = threading.Lock()
        self.extract = Extractor()
        self._slots: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # event loop -> its semaphore
        # list totals by filter, valid until the next write: paging through one filter (and many
        # dashboards on the same view) costs one count. This process is the file's only writer
        # while it serves, so every change goes through writing() and clears them.
        self.generation = 0
        self._totals: dict = {}
        self._totals_lock = threading.Lock()

    def slots(self) -> asyncio.Semaphore:
        """The read slots of the running event loop (uvicorn runs one; each test client its own)."""
        loop = asyncio.get_running_loop()
        sem = self._slots.get(loop)
        if sem is None:
            sem = self._slots[loop] = asyncio.Semaphore(max(1, self.settings.api_db_slots))
        return sem

    def cursor(self) -> Store:
        with self._cursor_lock:
            return self.store.cursor()

    @contextmanager
    def writing(self):
        """Hold the write lock for one change; the cached totals are dropped after it."""
        with self.write_lock:
            try:
                yield
            finally:
                with self._totals_lock:
                    self.generation += 1
                    self._totals.clear()

    def total(self, kind: str, filters: dict, count) -> int:
        """``count()``, remembered for ``kind`` and ``filters`` until the next write."""
        key = (kind, tuple(sorted((k, repr(v)) for k, v in filters.items())))
        with self._totals_lock:
            generation = self.generation
            if key in self._totals:
                return self._totals[key]
        n = count()
        with self._totals_lock:
            if generation == self.generation:  # nothing was written meanwhile
                if len(self._totals) >= 1024:
                    self._totals.clear()
                self._totals[key] = n
        return n


def _state(request: Request) -> ServerState:
    return request.app.state.eventwatch


async def db_slot(request: Request) -> AsyncIterator[None]:
    """A GET waits here for one of ``api_db_slots`` slots before it touches the database.

    DuckDB already spreads one query over every core: running more at once only makes them all
    finish late together, while with slots most requests finish early. The wait is on the event
    loop, not in a worker thread, so waiting requests never hold the threads that finishing
    ones need. Writes (ingest) do not take a read slot.
    """
    if request.method != "GET":
        yield
        return
    async with _state(request).slots():
        yield


def get_store(request: Request, _slot: None = Depends(db_slot)) -> Iterator[Store]:
    """The store over a cursor of its own, for one request."""
    view = _state(request).cursor()
    try:
        yield view
    finally:
        view.close()


_bearer = HTTPBearer(auto_error=False, description="an eventwatch API key: `Authorization: Bearer ew_...`")
_api_key = APIKeyHeader(name="X-API-Key", auto_error=False, description="the same key in an X-API-Key header")


def require(role: str, action: str):
    """A dependency that lets the request in with a live key of at least ``role`` (EW100/101/102)."""
    role_rank(role)

    def check(request: Request, store: Store = Depends(get_store),
              bearer: HTTPAuthorizationCredentials | None = Depends(_bearer),
              api_key: str | None = Depends(_api_key)) -> dict | None:
        token = bearer.credentials if bearer is not None else api_key
        if not token:
            state = _state(request)
            client = request.client.host if request.client else None
            # open reads: chosen by the admin, only on a loopback server, only for local callers
            if role == "reader" and state.open_reads and is_loopback(client):
                return None
            raise error("EW100")
        key = store.check_key(token.strip())
        if key is None:
            raise error("EW101")
        if role_rank(key["role"]) < role_rank(role):
            raise error("EW102", role=key["role"], action=action, needed=role)
        return key

    return check


READ = Depends(require("reader", "read"))


class PageParams(BaseModel):
    limit: int
    offset: int


def page_params(limit: int = Query(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description=f"items per page (at most {MAX_LIMIT})"),
                offset: int = Query(0, ge=0, le=MAX_OFFSET, description="items to skip")) -> PageParams:
    """``limit`` and ``offset`` of every list, validated (EW105 outside the bounds)."""
    return PageParams(limit=limit, offset=offset)


def page(items: list, total: int, p: PageParams) -> dict:
    """The list envelope."""
    return {"items": items, "total": total, "limit": p.limit, "offset": p.offset}


def _dyad(value: str | None) -> tuple[str, str] | None:
    if value is None or value == "":
        return None
    parts = [x.strip() for x in value.split(",")]
    if len(parts) != 2 or not all(parts):
        raise error("EW041", value=value, name="dyad", choices="give two country codes separated by a comma, e.g. IND,PAK")
    return parts[0], parts[1]


def common_filters(
    country: str | None = Query(None, description="source or target country (ISO alpha-3)", examples=["PAK"]),
    source: str | None = Query(None, description="source country"),
    target: str | None = Query(None, description="target country"),
    dyad: str | None = Query(None, description="two countries, either direction: `A,B`", examples=["IND,PAK"]),
    code: str | None = Query(None, description="CAMEO code or prefix (`18`, `183`)"),
    root: str | None = Query(None, description="CAMEO root, two digits"),
    since: str | None = Query(None, description="first date, YYYY-MM-DD (inclusive)", examples=["2024-01-01"]),
    until: str | None = Query(None, description="last date, YYYY-MM-DD (inclusive)"),
    text: str | None = Query(None, description="case-insensitive words in the evidence sentence"),
) -> dict:
    """The filters that events and incidents share (bad values: EW041, 400)."""
    return {k: v for k, v in dict(country=country, source=source, target=target, dyad=_dyad(dyad), code=code,
                                  root=root, since=since, until=until, text=text).items() if v not in (None, "")}


def event_filters(
    common: dict = Depends(common_filters),
    mode: Literal[MODES] | None = Query(None, description="asserted | intent | hypothetical | reference"),  # type: ignore[valid-type]
    include_negated: bool = Query(False, description="also events the text says did not happen"),
    article_id: str | None = Query(None, description="events of one article"),
) -> dict:
    """Every filter of ``Store.events``."""
    f = dict(common)
    if mode:
        f["mode"] = mode
    if include_negated:
        f["include_negated"] = True
    if article_id:
        f["article_id"] = article_id
    return f


# ---- errors -----------------------------------------------------------------------------------------------

def envelope(code: str, message: str, hint: str | None, status: int, headers: dict | None = None) -> JSONResponse:
    """The one error body: ``{"ok": false, "error", "code", "status", "hint"}``."""
    return JSONResponse({"ok": False, "error": message, "code": code, "status": status, "hint": hint},
                        status_code=status, headers=headers)


def _auth_headers(status: int) -> dict | None:
    return {"WWW-Authenticate": "Bearer"} if status == 401 else None


def _install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(EventwatchError)
    async def coded(request: Request, exc: EventwatchError):
        status = status_of(exc.code)
        message = f"{exc.path}: {exc.message}" if exc.path and exc.code not in ("EW104",) else exc.message
        return envelope(exc.code, message, exc.hint, status, _auth_headers(status))

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError):
        parts = []
        for e in exc.errors()[:5]:
            where = ".".join(str(x) for x in e.get("loc", ()) if x != "body" or len(e.get("loc", ())) == 1)
            parts.append(f"{where}: {e.get('msg', 'invalid')}")
        err = error("EW105", detail="; ".join(parts) or "the request does not match the API")
        return envelope(err.code, err.message, err.hint, 422)

    @app.exception_handler(StarletteHTTPException)
    async def http(request: Request, exc: StarletteHTTPException):
        if exc.status_code == 404:
            err = error("EW106", method=request.method, route=request.url.path)
        elif exc.status_code == 405:
            err = error("EW107", method=request.method, route=request.url.path)
        elif exc.status_code == 413:
            err = error("EW115", limit=_state(request).settings.api_max_body_mb)
        else:
            err = error("EW105", detail=str(exc.detail))
        return envelope(err.code, err.message, err.hint, exc.status_code, getattr(exc, "headers", None))

    @app.exception_handler(Exception)
    async def crash(request: Request, exc: Exception):
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        err = error("EW113", detail=type(exc).__name__)
        return envelope(err.code, err.message, err.hint, 500)


_E = {"model": ErrorOut}
ERROR_RESPONSES = {400: {**_E, "description": "a bad filter or input value"},
                   401: {**_E, "description": "no key, or an unknown or revoked key"},
                   403: {**_E, "description": "the key's role may not do this"},
                   422: {**_E, "description": "the request does not match the API"},
                   500: {**_E, "description": "a bug; nothing stored was changed"}}
NOT_FOUND = {404: {**_E, "description": "no such item"}}


# ---- routes -----------------------------------------------------------------------------------------------

def build_router() -> APIRouter:
    """Every ``/api/v1`` route."""
    r = APIRouter(prefix=API_PREFIX, responses=ERROR_RESPONSES)

    @r.get("/health", response_model=HealthOut, tags=["service"], summary="Is the server up (no key needed)")
    async def health():  # no database work: answered on the event loop, not in a worker thread
        return {"ok": True, "status": "ok"}

    @r.get("/version", response_model=VersionOut, tags=["service"], summary="eventwatch and schema versions")
    async def version():
        return {"version": __version__, "schema_version": SCHEMA_VERSION, "api": "v1"}

    @r.get("/articles", response_model=Page[ArticleBrief], dependencies=[READ], tags=["articles"],
           summary="Stored articles, by publication date then id")
    def articles(request: Request, p: PageParams = Depends(page_params), store: Store = Depends(get_store)):
        items = []
        for a in store.articles(limit=p.limit, offset=p.offset):
            d = a.to_dict()
            d.pop("text", None)
            d.pop("blocks", None)
            items.append(d)
        return page(items, _state(request).total("articles", {}, store.count_articles), p)

    @r.get("/articles/{article_id:path}", response_model=ArticleOut, dependencies=[READ], tags=["articles"],
           responses=NOT_FOUND, summary="One article with its text and blocks")
    def article(article_id: str = PathParam(..., description="article id"), store: Store = Depends(get_store)):
        a = store.article(article_id)
        if a is None:
            raise error("EW104", kind="article", id=article_id)
        return a.to_dict()

    @r.get("/events", response_model=Page[EventOut], dependencies=[READ], tags=["events"],
           summary="Stored events matching every given filter")
    def events(request: Request, f: dict = Depends(event_filters), p: PageParams = Depends(page_params),
               order: Literal[ORDERS] = Query("date", description="date | -date | article | confidence"),  # type: ignore[valid-type]
               store: Store = Depends(get_store)):
        items = [e.to_dict() for e in store.events(**f, limit=p.limit, offset=p.offset, order=order)]
        return page(items, _state(request).total("events", f, lambda: store.count_events(**f)), p)

    @r.get("/events/{event_id:path}", response_model=EventOut, dependencies=[READ], tags=["events"],
           responses=NOT_FOUND, summary="One event by its event_id")
    def event(event_id: str = PathParam(..., description="event id, e.g. `isb1:0:0`"), store: Store = Depends(get_store)):
        e = store.event(event_id)
        if e is None:
            raise error("EW104", kind="event", id=event_id)
        return e.to_dict()

    @r.get("/summary", response_model=SummaryOut, dependencies=[READ], tags=["events"],
           summary="Counts: articles, events per CAMEO root, top dyads, date range")
    def summary(store: Store = Depends(get_store)):
        return store.summary()

    @r.post("/ingest", response_model=IngestReportOut, tags=["events"],
            responses={413: {**_E, "description": "too many articles in one request"}},
            summary="Extract and store one article or a batch (analyst key)")
    def ingest(body: IngestIn, request: Request, store: Store = Depends(get_store),
               key: dict = Depends(require("analyst", "ingest articles"))):
        from .api import ingest_records

        state = _state(request)
        fields = body.model_dump(exclude_unset=True)
        replace = bool(fields.pop("replace", False))
        batch = fields.pop("articles", None)
        if batch is not None and fields:
            raise error("EW105", detail="give one article or a batch ({\"articles\": [...]}), not both")
        items = batch if batch is not None else [fields]
        limit = state.settings.api_max_batch
        if len(items) > limit:
            raise error("EW112", n=len(items), limit=limit)
        with state.writing():
            # extraction runs in the worker process (the model loads there once, on the first ingest)
            report = ingest_records(items, store=store, replace=replace, n_process=1, extract=state.extract)
        log.info("ingest by key %s (%s): %s", key["id"], key["name"], report.to_text().splitlines()[0])
        return report.to_dict()

    @r.get("/keys", response_model=Page[KeyOut], tags=["keys"], summary="API keys (admin key)")
    def keys(p: PageParams = Depends(page_params), store: Store = Depends(get_store),
             _key: dict = Depends(require("admin", "manage keys"))):
        all_keys = store.keys()
        return page(all_keys[p.offset:p.offset + p.limit], len(all_keys), p)

    @r.post("/keys", response_model=NewKeyOut, status_code=201, tags=["keys"],
            summary="Create an API key; the token is in this answer only (admin key)")
    def create_key(body: KeyIn, request: Request, store: Store = Depends(get_store),
                   _key: dict = Depends(require("admin", "manage keys"))):
        with _state(request).writing():
            info, token = store.create_key(body.name, body.role)
        return {"key": info, "token": token}

    @r.delete("/keys/{key_id}", response_model=KeyOut, tags=["keys"], responses=NOT_FOUND,
              summary="Revoke an API key at once (admin key)")
    def revoke_key(key_id: str, request: Request, store: Store = Depends(get_store),
                   _key: dict = Depends(require("admin", "manage keys"))):
        with _state(request).writing():
            return store.revoke_key(key_id)

    _incident_routes(r)
    _relation_routes(r)
    _watch_routes(r)
    return r


def _incident_routes(r: APIRouter) -> None:
    @r.get("/incidents", response_model=Page[IncidentOut], dependencies=[READ], tags=["incidents"],
           summary="Incidents (events clustered across reports) matching every given filter")
    def incidents(request: Request, common: dict = Depends(common_filters),
                  status: Literal["open", "arrested", "charged", "convicted"] | None = Query(
                      None, description="case status"),
                  min_mentions: int | None = Query(None, ge=1, le=10**6, description="at least this many mentions"),
                  order: Literal["date", "-date", "mentions", "updated", "confidence"] = Query("date"),
                  p: PageParams = Depends(page_params), store: Store = Depends(get_store)):
        f = dict(common)
        if status:
            f["status"] = status
        if min_mentions:
            f["min_mentions"] = min_mentions
        items = [i.to_dict() for i in store.incidents(**f, limit=p.limit, offset=p.offset, order=order)]
        return page(items, _state(request).total("incidents", f, lambda: store.count_incidents(**f)), p)

    @r.get("/incidents/{incident_id}", response_model=IncidentOut, dependencies=[READ], tags=["incidents"],
           responses=NOT_FOUND, summary="One incident")
    def incident(incident_id: str, store: Store = Depends(get_store)):
        i = store.incident(incident_id)
        if i is None:
            raise error("EW080", value=incident_id)
        return i.to_dict()

    @r.get("/cases/{incident_id}", response_model=CaseOut, dependencies=[READ], tags=["incidents"],
           responses=NOT_FOUND, summary="An incident's case: its mentions, references and follow-ups in time order")
    def case(request: Request, incident_id: str,
             as_of: str | None = Query(None, description="flag pledges and demands unmet as of this date (default: today)"),
             store: Store = Depends(get_store)):
        import datetime as dt

        from .clustering import flag_unmet

        day = _date_or_400(as_of, "as_of") if as_of else dt.date.today().isoformat()
        c = store.case(incident_id)
        flag_unmet(c.entries, days=_state(request).settings.unmet_days, as_of=day)
        return c.to_dict()


def _relation_routes(r: APIRouter) -> None:
    @r.get("/dyads/{a}/{b}", response_model=DyadOut, dependencies=[READ], tags=["relations"],
           summary="Relations of two countries per week or month, both directions, with event ids")
    def dyad(a: str = PathParam(..., description="ISO alpha-3", examples=["CHN"]),
             b: str = PathParam(..., description="ISO alpha-3", examples=["PAK"]),
             by: Literal["week", "month"] = Query("month"),
             since: str | None = Query(None, description="first date, YYYY-MM-DD"),
             until: str | None = Query(None, description="last date, YYYY-MM-DD"),
             store: Store = Depends(get_store)):
        from .relations import dyad as relations_dyad

        return relations_dyad(store, a, b, by=by, since=since, until=until).to_dict()


def _watch_routes(r: APIRouter) -> None:
    @r.get("/assets", response_model=Page[AssetOut], dependencies=[READ], tags=["watch"],
           summary="Protected assets, by id")
    def assets(p: PageParams = Depends(page_params), store: Store = Depends(get_store)):
        everything = store.assets()
        return page([a.to_dict() for a in everything[p.offset:p.offset + p.limit]], len(everything), p)

    @r.post("/assets", response_model=AssetOut, status_code=201, tags=["watch"],
            responses={409: {**_E, "description": "an asset with this id exists (send replace: true)"}},
            summary="Add a protected asset (admin key)")
    def add_asset(body: AssetIn, request: Request, store: Store = Depends(get_store),
                  _key: dict = Depends(require("admin", "manage assets"))):
        from .watchlist import make_asset

        a = make_asset(name=body.name, kind=body.kind, lat=body.lat, lon=body.lon, radius_km=body.radius_km,
                       geometry=body.geometry, country=body.country, covers=body.covers, tags=body.tags,
                       asset_id=body.asset_id)
        with _state(request).writing():
            store.add_assets([a], replace=body.replace)
        return a.to_dict()

    @r.delete("/assets/{asset_id}", response_model=RemovedOut, tags=["watch"], responses=NOT_FOUND,
              summary="Remove an asset; its alerts stay (admin key)")
    def remove_asset(asset_id: str, request: Request, store: Store = Depends(get_store),
                     _key: dict = Depends(require("admin", "manage assets"))):
        with _state(request).writing():
            return {"removed": store.remove_asset(asset_id)}

    @r.get("/alerts", response_model=Page[AlertOut], dependencies=[READ], tags=["watch"],
           summary="Alerts, most severe and most recent first")
    def alerts(status: Literal["new", "acknowledged", "closed"] | None = Query(None),
               asset: str | None = Query(None, description="asset id or exact name"),
               incident_id: str | None = Query(None),
               p: PageParams = Depends(page_params), store: Store = Depends(get_store)):
        f = {k: v for k, v in dict(status=status, asset=asset, incident_id=incident_id).items() if v}
        items = store.alerts(**f, limit=p.limit, offset=p.offset)
        total = len(store.alerts(**f)) if f else store.count_alerts()
        return page([a.to_dict() for a in items], total, p)

    @r.get("/alerts/{alert_id}", response_model=AlertDetailOut, dependencies=[READ], tags=["watch"],
           responses=NOT_FOUND, summary="One alert with its history")
    def alert(alert_id: str, store: Store = Depends(get_store)):
        a = store.alert(alert_id)
        if a is None:
            raise error("EW139", value=alert_id)
        return {**a.to_dict(), "history": store.alert_history(alert_id)}

    def _move(status: str, verb: str):
        def move(alert_id: str, request: Request, body: AlertActionIn | None = None,
                 store: Store = Depends(get_store), key: dict = Depends(require("analyst", f"{verb} alerts"))):
            with _state(request).writing():
                a = store.set_alert_status(alert_id, status, by=key["name"], note=body.note if body else None)
            return {**a.to_dict(), "history": store.alert_history(alert_id)}
        return move

    conflict = {**NOT_FOUND, 409: {**_E, "description": "the alert's status does not allow it"}}
    r.post("/alerts/{alert_id}/acknowledge", response_model=AlertDetailOut, tags=["watch"], responses=conflict,
           summary="Acknowledge a new alert, as the key's holder (analyst key)")(_move("acknowledged", "acknowledge"))
    r.post("/alerts/{alert_id}/close", response_model=AlertDetailOut, tags=["watch"], responses=conflict,
           summary="Close a new or acknowledged alert, as the key's holder (analyst key)")(_move("closed", "close"))

    @r.get("/risk", response_model=Page[RiskOut], dependencies=[READ], tags=["watch"],
           summary="Risk ranking of assets (or districts) as of a date, with the incidents behind each score")
    def risk(as_of: str | None = Query(None, description="YYYY-MM-DD (default: today)"),
             districts: bool = Query(False, description="rank districts instead of assets"),
             asset: str | None = Query(None, description="one asset (id or name)"),
             p: PageParams = Depends(page_params), store: Store = Depends(get_store)):
        from .alerting import load_rules
        from .api import _risk_inputs
        from .riskscore import asset_risk, district_risk

        rules = load_rules()
        if as_of is not None:
            _date_or_400(as_of, "as_of")
        day, incidents = _risk_inputs(store, rules, as_of)
        if districts:
            rows = district_risk(incidents, rules, as_of=day)
        else:
            rows = asset_risk(incidents, [store.asset(asset)] if asset else store.assets(), rules, as_of=day)
        items = [{**x.to_dict(), "asset_id": x.key if x.kind == "asset" else None} for x in rows]
        return page(items[p.offset:p.offset + p.limit], len(items), p)


def _date_or_400(value: str, name: str) -> str:
    import datetime as dt

    try:
        return dt.date.fromisoformat(value).isoformat()
    except ValueError:
        raise error("EW041", value=value, name=name, choices="use a date as YYYY-MM-DD") from None


_HAS_BODY_LIMIT = "max_body_size" in __import__("inspect").signature(FastAPI.__init__).parameters


class BodyLimit:
    """ASGI middleware: a request that announces a body over the limit gets the EW115 envelope at
    once, unread. (A body sent without a length is cut off by FastAPI's own limit, where it has one.)"""

    def __init__(self, app, max_mb: int):
        self.app = app
        self.max_mb = max_mb

    async def __call__(self, scope, receive, send):
        if scope["type"] == "http":
            for name, value in scope.get("headers", ()):
                if name == b"content-length" and value.isdigit() and int(value) > self.max_mb * 2**20:
                    err = error("EW115", limit=self.max_mb)
                    await envelope(err.code, err.message, err.hint, 413)(scope, receive, send)
                    return
        await self.app(scope, receive, send)


# ---- the app ----------------------------------------------------------------------------------------------

def create_app(db: str | Store, *, open_reads: bool = False, host: str = "127.0.0.1",
               settings: Settings | None = None, static_dir: str | Path | None = None) -> FastAPI:
    """The FastAPI app over database ``db`` (a path, opened for writing now, or an open ``Store``).

    ``open_reads``: GET requests from this machine need no key; refused (EW109) unless ``host``
    is a loopback address. The dashboard is served at ``/`` when ``static_dir`` (default
    ``eventwatch/web/static``) exists.

    >>> app = create_app("demo.duckdb", open_reads=True)
    """
    if open_reads and not is_loopback(host):
        raise error("EW109", host=host)
    settings = settings or Settings.load()
    owns = not isinstance(db, Store)
    store = Store(db) if owns else db

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        yield
        app.state.eventwatch.extract.close()
        if owns:
            store.close()

    # a bound on what one request may make the server read: BodyLimit answers the envelope for a
    # body that announces its length; FastAPI's own limit (a little higher, so that BodyLimit answers
    # first) cuts off one sent in chunks, with a plain 413
    limit = {"max_body_size": (settings.api_max_body_mb + 1) * 2**20} if _HAS_BODY_LIMIT else {}
    # docs_url=None: FastAPI's own /docs page loads Swagger UI from a CDN; ours serves it from the dashboard build
    app = FastAPI(title="eventwatch", version=__version__, lifespan=lifespan, docs_url=None, redoc_url=None, **limit,
                  description="CAMEO-coded events from news, with their evidence. Lists answer "
                              "`{items, total, limit, offset}`; errors answer `{ok: false, error, code, status, hint}`. "
                              "Send an API key as `Authorization: Bearer <token>`.")
    app.state.eventwatch = ServerState(store, open_reads=open_reads, owns_store=owns, settings=settings)
    _install_error_handlers(app)
    app.add_middleware(BodyLimit, max_mb=settings.api_max_body_mb)
    app.include_router(build_router())

    from .web import mount_dashboard

    static = Path(static_dir) if static_dir is not None else Path(WEB_STATIC)

    @app.get("/docs", include_in_schema=False)
    def docs():
        """Interactive API documentation, from the Swagger UI files of the dashboard build (nothing from a CDN)."""
        if not (static / "docs-assets" / "swagger-ui-bundle.js").is_file():
            raise error("EW121")
        from fastapi.openapi.docs import get_swagger_ui_html

        return get_swagger_ui_html(openapi_url=app.openapi_url, title="eventwatch API",
                                   swagger_js_url="/docs-assets/swagger-ui-bundle.js",
                                   swagger_css_url="/docs-assets/swagger-ui.css",
                                   swagger_favicon_url="/docs-assets/favicon-32x32.png")

    # the dashboard, when built, with its Content-Security-Policy; else a pointer to the API
    if not mount_dashboard(app, static_dir if static_dir is not None else WEB_STATIC, settings):
        @app.get("/", include_in_schema=False)
        def root():
            return {"api": API_PREFIX, "docs": "/docs", "openapi": "/openapi.json"}
    return app


def run_server(db: str, *, host: str = "127.0.0.1", port: int = 8000, open_reads: bool = False,
               log_level: str = "info") -> None:
    """Serve ``db`` with uvicorn until interrupted, announcing the server in ``<db>.serve.json``."""
    import signal
    import socket
    import sys

    import uvicorn

    from .serving import remove_serve_file, write_serve_file

    if not is_loopback(host):
        print(f"warning: serving on {host}, reachable from the network: every request needs an API key; "
              "put a TLS proxy in front of it", file=sys.stderr)
    app = create_app(db, open_reads=open_reads, host=host)  # opens (and so locks) the database first
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:  # a clear error instead of uvicorn's exit
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError:
            app.state.eventwatch.store.close()
            raise error("EW114", host=host, port=port) from None
    def stop(signum, frame):
        raise SystemExit(128 + signum)

    # uvicorn shuts down on SIGTERM, then raises the signal again to the handler it found: make that
    # an exit through the finally below, so the server record does not outlive the server
    previous = signal.signal(signal.SIGTERM, stop)
    write_serve_file(db, host, port)
    try:
        uvicorn.run(app, host=host, port=port, log_level=log_level, access_log=False)
    finally:
        remove_serve_file(db)
        signal.signal(signal.SIGTERM, previous)
