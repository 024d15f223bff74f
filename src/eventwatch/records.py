"""Plain records passed between pipeline stages.

An ``Article`` goes into extraction, ``Event`` records come out. Every record turns into
the JSON layout that ``eventwatch extract`` prints (``to_dict``) and back (``from_dict``),
so stages, the store, the CLI and tests all speak the same shapes.

The ``Event.to_dict`` key order *is* the public JSONL contract: extend it, never rename or
drop a field.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from typing import Any


@dataclass
class Block:
    """A stretch of the article text with its role.

    ``kind`` is ``"body"`` for text that may carry events, or the boilerplate kind that was
    recognised (``"caption"``, ``"related"``, ``"photos"``, ``"credit"``, ``"copyright"``,
    ``"navigation"``, ``"title"``, ``"meta"`` for a date line). Offsets are character offsets into ``Article.text``.
    """

    start: int
    end: int
    kind: str = "body"


@dataclass
class Article:
    """One news article, as ingest and text cleaning leave it.

    ``text`` is the article text that every span refers to (for HTML: the main text that
    trafilatura extracted). ``blocks`` says which parts of it are body and which are
    boilerplate; only body blocks reach the event coder.
    """

    id: str
    text: str
    title: str | None = None
    published: str | None = None  # YYYY-MM-DD, the date relative dates resolve against
    url: str | None = None
    agency: str | None = None  # "Xinhua", "Reuters"... from the dateline or metadata
    dateline_place: str | None = None  # "BEIJING"
    source_path: str | None = None  # file (and line) it came from
    source_format: str = "text"  # text | html | jsonl
    blocks: list[Block] = field(default_factory=list)
    content_hash: str | None = None  # sha1 of normalised text, for idempotent ingest

    def body_blocks(self) -> list[Block]:
        return [b for b in self.blocks if b.kind == "body"]

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["blocks"] = [[b.start, b.end, b.kind] for b in self.blocks]
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "Article":
        d = dict(d)
        blocks = [Block(*b) if isinstance(b, (list, tuple)) else Block(**b) for b in d.pop("blocks", []) or []]
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in d.items() if k in known}, blocks=blocks)


@dataclass
class Actor:
    """Who did something, or to whom: country (ISO alpha-3) + sector, CAMEO-style.

    ``code`` is the CAMEO actor code built from the two (``"CHNGOV"``); ``text`` is the
    words in the sentence that named the actor, ``name`` the person or organisation
    resolved across the article (``"Zhao Kezhi"``).
    """

    text: str
    name: str | None = None
    country: str | None = None
    sector: str | None = None

    @property
    def code(self) -> str:
        return (self.country or "") + (self.sector or "")

    def to_dict(self) -> dict[str, Any]:
        return {"text": self.text, "name": self.name, "country": self.country,
                "sector": self.sector, "code": self.code}

    @classmethod
    def from_dict(cls, d: dict[str, Any] | None) -> "Actor | None":
        if d is None:
            return None
        return cls(text=d.get("text") or "", name=d.get("name"), country=d.get("country"),
                   sector=d.get("sector"))


@dataclass
class Place:
    """A geocoded place. ``precision``: city | district | province | country | sea."""

    name: str
    country: str | None = None
    admin1: str | None = None
    admin2: str | None = None
    lat: float | None = None
    lon: float | None = None
    precision: str = "city"
    geonameid: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "country": self.country, "admin1": self.admin1,
                "admin2": self.admin2, "lat": self.lat, "lon": self.lon,
                "precision": self.precision, "geonameid": self.geonameid}

    @classmethod
    def from_dict(cls, d: dict[str, Any] | None) -> "Place | None":
        if d is None:
            return None
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in d.items() if k in known})


# Values of Event.mode
ASSERTED = "asserted"  # the text reports it as having happened
INTENT = "intent"  # pledges, plans, offers: coded as CAMEO intent codes, dated to the statement
HYPOTHETICAL = "hypothetical"  # conditionals and threats that something would happen
REFERENCE = "reference"  # nominal mention of an earlier event ("the Dasu attack"): links, not counts
MODES = (ASSERTED, INTENT, HYPOTHETICAL, REFERENCE)


@dataclass
class Event:
    """One coded event with its evidence. See README "Event record" for every field."""

    article_id: str
    sentence_index: int
    span: tuple[int, int]
    sentence: str
    code: str
    root: str = ""
    quad_class: int | None = None
    goldstein: float | None = None
    plover: str | None = None
    source: Actor | None = None
    target: Actor | None = None
    date: str | None = None
    date_precision: str | None = None  # day | week | month | year | None
    location: Place | None = None
    negated: bool = False
    mode: str = ASSERTED
    confidence: float = 0.5
    # provenance and extensions (added after the core fields, never instead of them)
    code_name: str | None = None
    trigger: str | None = None  # the words that triggered the code ("held talks")
    rule: str | None = None  # lexicon entry / parse rule that produced it
    published: str | None = None
    event_id: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "article_id": self.article_id,
            "sentence_index": self.sentence_index,
            "span": [self.span[0], self.span[1]],
            "sentence": self.sentence,
            "code": self.code,
            "root": self.root,
            "quad_class": self.quad_class,
            "goldstein": self.goldstein,
            "plover": self.plover,
            "source": self.source.to_dict() if self.source else None,
            "target": self.target.to_dict() if self.target else None,
            "date": self.date,
            "date_precision": self.date_precision,
            "location": self.location.to_dict() if self.location else None,
            "negated": self.negated,
            "mode": self.mode,
            "confidence": round(self.confidence, 3),
            "code_name": self.code_name,
            "trigger": self.trigger,
            "rule": self.rule,
            "published": self.published,
            "event_id": self.event_id,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "Event":
        d = dict(d)
        d["span"] = tuple(d.get("span") or (0, 0))
        return _with_actors_and_place(cls, d)


@dataclass
class Drop:
    """An input that could not become an article, kept with its reason (never a crash)."""

    path: str
    code: str
    message: str
    hint: str | None = None

    def __str__(self) -> str:
        s = f"{self.code} {self.path}: {self.message}"
        return s + (f" ({self.hint})" if self.hint else "")


# Values of Incident.status (a case's progress from attack to justice, in order)
CASE_STATUSES = ("open", "arrested", "charged", "convicted")


@dataclass
class Incident:
    """One real-world event, clustered from every mention of it across sentences and articles.

    ``code``/``source``/``target``/``date``/``location`` are the canonical (most precise)
    values of its mentions. ``first_seen``/``last_seen`` are the first and last publication
    dates of reports of it. Casualty figures are the highest the reports give (None: not stated).
    ``status`` is the case status: open | arrested | charged | convicted.
    """

    incident_id: str
    code: str
    root: str = ""
    quad_class: int | None = None
    goldstein: float | None = None
    code_name: str | None = None
    source: Actor | None = None
    target: Actor | None = None
    date: str | None = None
    date_precision: str | None = None
    location: Place | None = None
    num_mentions: int = 0
    num_sources: int = 0
    num_articles: int = 0
    first_seen: str | None = None
    last_seen: str | None = None
    killed: int | None = None
    injured: int | None = None
    abducted: int | None = None
    confidence: float = 0.5
    status: str = "open"
    title: str | None = None  # a readable one-line label: "Bombing of CHN nationals in Dasu, 2021-07-14"

    def to_dict(self) -> dict[str, Any]:
        d = {f.name: getattr(self, f.name) for f in fields(self)}
        d["source"] = self.source.to_dict() if self.source else None
        d["target"] = self.target.to_dict() if self.target else None
        d["location"] = self.location.to_dict() if self.location else None
        d["confidence"] = round(self.confidence, 3)
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "Incident":
        return _with_actors_and_place(cls, dict(d))


@dataclass
class CaseEntry:
    """One step of a case: a mention of the incident itself, a reference to it, or a follow-up.

    ``stage``: report | reference | condemnation | demand | pledge | investigation | arrest |
    charge | trial | conviction | sentence | at_large | other. ``unmet``: a pledge or demand
    with no matching follow-up after the configured number of days.
    """

    incident_id: str
    event: Event
    stage: str
    date: str | None = None
    unmet: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {"incident_id": self.incident_id, "stage": self.stage, "date": self.date,
                "unmet": self.unmet, "event": self.event.to_dict()}


@dataclass
class Case:
    """An incident followed from the attack to justice: its entries in time order and its status."""

    incident: Incident
    entries: list[CaseEntry] = field(default_factory=list)
    sources: list[dict[str, Any]] = field(default_factory=list)  # {article_id, title, agency, url, published}

    @property
    def status(self) -> str:
        return self.incident.status

    def to_dict(self) -> dict[str, Any]:
        return {"incident": self.incident.to_dict(), "status": self.status,
                "entries": [e.to_dict() for e in self.entries], "sources": self.sources}


def _with_actors_and_place(cls, d: dict[str, Any]):
    """An Event or Incident from its to_dict layout: nested actors and place, unknown keys ignored."""
    d["source"] = Actor.from_dict(d.get("source"))
    d["target"] = Actor.from_dict(d.get("target"))
    d["location"] = Place.from_dict(d.get("location"))
    known = {f.name for f in fields(cls)}
    return cls(**{k: v for k, v in d.items() if k in known})
