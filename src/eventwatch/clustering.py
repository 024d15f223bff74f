"""Incidents: the event mentions that describe one real-world event, clustered across sentences and articles.

>>> from eventwatch.clustering import cluster
>>> for incident, mentions in cluster(events):
...     print(incident.title, incident.num_articles, len(mentions))

The rules (README "Incidents and cases"), precision first — when unsure, two mentions stay apart:

* Mentions are non-negated events in ``asserted`` or ``intent`` mode (a pledge reported by three
  outlets is one pledge). ``hypothetical`` and negated events are never clustered; ``reference``
  events ("the Dasu attack") and follow-ups (arrests, trials, condemnations: ``cases.stage_of``) are
  linked to the incident they are about (``link``), never counted as reports of it.
* Codes: the same CAMEO root, or roots of one group in ``data/incident_roots.tsv`` (18/19/20).
* Dates, by precision: two day dates at most one day apart; a week, month or year (or an undated
  mention, dated by its publication) is compatible with any day inside it.
* Places: within ``PLACE_KM`` km or in the same admin2 district; a province is compatible with the
  places inside it when the days agree; an unknown (or country-level) place is compatible only when
  the root, the source actor (known and the same) and the day agree.
* Actors: the same country and sector, or one side unknown.

Each mention joins the best compatible incident (most agreeing attributes, then the oldest); a
mention that fits none starts a new incident. Several events of one sentence with the same source
and root group (one bombing killing Chinese and Pakistani victims) are one mention group.
The canonical code, date, place and actors of an incident are the most precise its mentions give
(a fold, so adding mentions one by one gives what clustering them together gives).

Counting (``aggregate``): ``num_articles`` = distinct reports (``source_id``) of the articles that
mention it, near-duplicate wire copies included; ``num_sources`` = distinct outlets (agency, else
report id) over those reports; ``num_mentions`` = mention events, each counted once per report of
its article (a mention in an article carried by three outlets counts three).
"""
from __future__ import annotations

import csv
import datetime as dt
import hashlib
import math
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Any, Callable, Iterable

from .records import ASSERTED, INTENT, REFERENCE, CaseEntry, Event, Incident
from .settings import DATA_DIR

PLACE_KM = 50.0  # two precise places this close can be the same incident
MENTION_MODES = (ASSERTED, INTENT)
_NO_DATE = dt.date(1970, 1, 1)
_FINE = ("city", "district")
_PLACE_RANK = {"city": 5, "district": 4, "province": 3, "sea": 2, "country": 1}
_STATUS_OF_STAGE = {"arrest": "arrested", "charge": "charged", "trial": "charged", "conviction": "convicted",
                    "sentence": "convicted"}


# ---- data -----------------------------------------------------------------------------------------------

@lru_cache(maxsize=1)
def root_table() -> dict[str, tuple[str, bool, frozenset[str]]]:
    """``{root: (group, anchors_cases, loose_target_sectors)}`` from data/incident_roots.tsv."""
    with open(DATA_DIR / "incident_roots.tsv", encoding="utf-8") as fh:
        lines = [ln for ln in fh if ln.strip() and not ln.startswith("#")]
    out = {}
    for r in csv.DictReader(lines, delimiter="\t"):
        loose = frozenset(x for x in r["loose_targets"].strip().split("|") if x and x != "-")
        out[r["root"].strip().zfill(2)] = (r["group"].strip(), r["case"].strip() == "yes", loose)
    return out


def _loose_targets(root: str) -> frozenset[str]:
    return root_table().get(root, ("", False, frozenset()))[2]


def root_group(root: str | None) -> str:
    r = (root or "")[:2]
    return root_table().get(r, (r, False, frozenset()))[0]


def case_roots() -> tuple[str, ...]:
    """Roots whose incidents anchor a case (what references and follow-ups link to)."""
    return tuple(r for r, (_, case, _) in root_table().items() if case)


# ---- the optional cases module (follow-up stages, link scores, casualty figures) -------------------------

def _cases():
    try:
        from . import cases
    except ImportError:
        return None
    return cases


def casualties(text: str) -> dict[str, int | None]:
    """Killed/injured/abducted figures of a sentence (None each when the cases module is absent)."""
    fn = getattr(_cases(), "casualties", None)
    if fn is None:
        try:
            from .casualties import casualties as fn
        except ImportError:
            fn = None
    if fn is None:
        return {"killed": None, "injured": None, "abducted": None}
    try:
        got = fn(text) or {}
    except Exception:  # a figure we cannot read is a figure we do not give
        got = {}
    return {k: got.get(k) for k in ("killed", "injured", "abducted")}


def stage_of(e: Event) -> str | None:
    fn = getattr(_cases(), "stage_of", None)
    return fn(e) if fn is not None else None


def link_score(e: Event, incident: Incident, published: str | None, context: list[Event] | None = None) -> float:
    """0..1: how well a reference or follow-up fits an incident (``cases.link_score``; 0 without it)."""
    fn = getattr(_cases(), "link_score", None)
    if fn is None:
        return 0.0
    if context is not None:
        try:
            return float(fn(e, incident, published=published, context=context))
        except TypeError:  # a link_score that takes no context
            pass
    return float(fn(e, incident, published=published))


def case_status(entries: list[CaseEntry]) -> str:
    """open | arrested | charged | convicted, from the follow-ups of a case."""
    fn = getattr(_cases(), "case_status", None)
    if fn is not None:
        return fn(entries)
    order = ("open", "arrested", "charged", "convicted")
    best = "open"
    for en in entries:
        s = _STATUS_OF_STAGE.get(en.stage or "")
        if s and order.index(s) > order.index(best):
            best = s
    return best


def flag_unmet(entries: list[CaseEntry], *, days: int, as_of: str) -> None:
    fn = getattr(_cases(), "flag_unmet", None)
    if fn is not None:
        fn(entries, days=days, as_of=as_of)


# ---- single-event helpers ---------------------------------------------------------------------------------

def is_mention(e: Event) -> bool:
    """Whether the event counts as a report of an incident (not negated, asserted or intent)."""
    return not e.negated and e.mode in MENTION_MODES


def entry_date(e: Event) -> str | None:
    """When a step of a case happened: the event's date, but for a back-reference (whose date is the
    incident's) the day it was reported."""
    if e.mode == REFERENCE:
        return e.published or e.date
    return e.date or e.published


def _d(s) -> dt.date | None:
    if s is None:
        return None
    if isinstance(s, dt.date):
        return s
    try:
        return dt.date.fromisoformat(str(s)[:10])
    except ValueError:
        return None


def interval(e: Event) -> tuple[dt.date, dt.date, bool] | None:
    """(first day, last day, day-precise) of when the event can have happened; None: no date at all."""
    d, p = _d(e.date), e.date_precision
    if d is not None:
        if p in (None, "day"):
            return d, d, True
        if p == "week":
            return d - dt.timedelta(days=3), d + dt.timedelta(days=6), False
        if p == "month":
            nxt = (d.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
            return d.replace(day=1), nxt - dt.timedelta(days=1), False
        return d.replace(month=1, day=1), d.replace(month=12, day=31), False
    pub = _d(e.published)
    if pub is None:
        return None
    # an undated event happened at most this long before its report
    back = {"week": 7, "month": 62, "year": 366}.get(p or "", 3)
    return pub - dt.timedelta(days=back), pub, False


def km(a: tuple[float, float], b: tuple[float, float]) -> float:
    la1, lo1, la2, lo2 = map(math.radians, (a[0], a[1], b[0], b[1]))
    h = math.sin((la2 - la1) / 2) ** 2 + math.cos(la1) * math.cos(la2) * math.sin((lo2 - lo1) / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(min(1.0, h)))


def _known_place(p) -> bool:
    return p is not None and p.precision != "country"


def _place_fit(a, b) -> str | None:
    """'near' | 'region' | 'unknown' | None (incompatible)."""
    ca, cb = (a.country if a else None), (b.country if b else None)
    if ca and cb and ca != cb:
        return None
    if not _known_place(a) or not _known_place(b):
        return "unknown"
    if a.precision in _FINE and b.precision in _FINE:
        if a.admin2 and a.admin2 == b.admin2:
            return "near"
        if None not in (a.lat, a.lon, b.lat, b.lon) and km((a.lat, a.lon), (b.lat, b.lon)) <= PLACE_KM:
            return "near"
        return None
    if a.precision == "sea" or b.precision == "sea":
        return "region" if (a.name or "").lower() == (b.name or "").lower() else None
    a1 = a.admin1 or (a.name if a.precision == "province" else None)
    b1 = b.admin1 or (b.name if b.precision == "province" else None)
    return "region" if a1 and b1 and a1.lower() == b1.lower() else None


def _actor_fit(a, b, *, loose: frozenset[str] = frozenset(), names: bool = False) -> float | None:
    """1 the same country and sector, 0.5 the same country (a sector unknown, or both ``loose``),
    0 one unknown, None apart (with ``names``: also when both are named, differently)."""
    if a is None or b is None:
        return 0.0
    if not a.country and not b.country and a.sector and b.sector:
        # international organisations have no country: their names (or sectors) tell them apart
        if a.sector != b.sector or (a.name and b.name and a.name.lower() != b.name.lower()):
            return None
        return 1.0 if a.name and b.name else 0.5
    if not a.country or not b.country:
        return 0.0
    if a.country != b.country:
        return None
    if names and a.name and b.name and a.name.lower() != b.name.lower():
        return None
    if a.sector and b.sector:
        if a.sector == b.sector:
            return 1.0
        if not (a.text and b.text):
            return 0.5  # an implied actor (no words name it) has a guessed sector
        return 0.5 if a.sector in loose and b.sector in loose else None
    return 0.5


def _guessed_country(a) -> bool:
    """An actor whose words name no nationality or country ("the bus", "a checkpoint"): its country
    is the article's scene, a guess that another report of the same attack may contradict."""
    from .extraction.countries import country_any

    words = (a.text or "").replace("'s", " ").split() if a is not None else []
    return a is not None and bool(a.country) and not any(country_any(w.strip(",.;:()\"")) for w in words)


def _verbal(root: str) -> bool:
    """Statements (CAMEO roots 01-13): each is its own act on its own day."""
    return root[:2] < "14"


def _code_rank(code: str) -> int:
    return 3 if len(code) >= 4 else (1 if code.endswith("0") else 2)


def _actor_rank(a) -> int:
    if a is None:
        return 0
    return bool(a.country) + bool(a.sector) + bool(a.name)


def _place_rank(p) -> int:
    return _PLACE_RANK.get(p.precision, 0) if p is not None else 0


def incident_id(first_event_id: str) -> str:
    """A stable id from the incident's first mention, so a rebuild gives the same ids."""
    return "inc-" + hashlib.sha1(first_event_id.encode("utf-8")).hexdigest()[:12]


def _keys(*places_and_actors) -> set[str]:
    return {x.country for x in places_and_actors if x is not None and x.country}


# ---- incident state -----------------------------------------------------------------------------------

@dataclass
class Link:
    """One event attached to an incident: role mention | reference | followup."""

    event: Event
    role: str
    stage: str | None = None
    score: float | None = None


@dataclass
class State:
    """An incident being built: its canonical record, its date window and the links added in this run."""

    incident: Incident
    seq: int
    lo: dt.date
    hi: dt.date
    day: bool
    casualty_articles: dict[str, str | None] = field(default_factory=dict)
    links: list[Link] = field(default_factory=list)  # links added in this run (all of them in pure mode)

    @property
    def id(self) -> str:
        return self.incident.incident_id

    def keys(self) -> set[str]:
        i = self.incident
        return _keys(i.location, i.source, i.target)

    @classmethod
    def start(cls, e: Event, seq: int) -> "State":
        # a mention with no date and no publication date fits nothing (``Clusterer._best``)
        lo, hi, day = interval(e) or (_NO_DATE, _NO_DATE, False)
        inc = Incident(incident_id=incident_id(e.event_id or f"{e.article_id}:{e.sentence_index}"),
                       code=e.code, root=e.root or e.code[:2], quad_class=e.quad_class, goldstein=e.goldstein,
                       code_name=e.code_name, source=e.source, target=e.target, date=e.date,
                       date_precision=e.date_precision, location=e.location, confidence=e.confidence)
        return cls(inc, seq, lo, hi, day)

    def fit(self, e: Event, iv) -> float | None:
        """How well a mention fits this incident (higher: more attributes agree); None: incompatible."""
        inc = self.incident
        if root_group(e.root or e.code[:2]) != root_group(inc.root):
            return None
        verbal = _verbal(inc.root)
        if verbal and e.code[:3] != inc.code[:3]:
            return None  # a statement is one act: praising is not signing
        lo, hi, day = iv
        if day and self.day:
            # a day apart: reports dated by local time or by the wire; a statement is of its own day
            if abs((lo - self.lo).days) > (0 if verbal else 1):
                return None
            same_day = True
        else:
            if verbal or lo > self.hi or hi < self.lo:
                return None
            same_day = False
        src = _actor_fit(e.source, inc.source, names=verbal)
        tgt = _actor_fit(e.target, inc.target, loose=_loose_targets(inc.root), names=verbal)
        if (src is None or tgt is None) and (e.root or e.code[:2]) == inc.root == "19":
            # a clash is fought by both sides: reports name either side first
            src = _actor_fit(e.source, inc.target)
            tgt = _actor_fit(e.target, inc.source)
            if src is not None and tgt is not None:
                src, tgt = min(src, 0.5), min(tgt, 0.5)
        place = _place_fit(e.location, inc.location)
        if place is None:
            return None
        if tgt is None and src == 1.0 and place == "near" and same_day and inc.root in case_roots() \
                and _guessed_country(e.target) and not _guessed_country(inc.target):
            # a later retelling ("rammed a car into the bus") of an attack whose victims a report named
            # ("a bus carrying Chinese engineers"): the bus's nationality was only the scene's guess
            tgt = 0.0
        if src is None or tgt is None:
            return None
        if place == "region" and not same_day:
            return None
        if place == "unknown" and not (same_day and (e.root or e.code[:2]) == inc.root and src == 1.0):
            return None
        return (same_day + src + tgt + {"near": 2, "region": 1, "unknown": 0}[place]
                + 0.5 * (e.code == inc.code))

    def absorb(self, e: Event) -> None:
        """Fold a mention into the canonical record: the most precise code, date, place and actors win."""
        inc = self.incident
        if _code_rank(e.code) > _code_rank(inc.code):
            inc.code, inc.root, inc.quad_class = e.code, e.root or e.code[:2], e.quad_class
            inc.goldstein, inc.code_name = e.goldstein, e.code_name
        iv = interval(e)
        if iv is not None and (iv[1] - iv[0]) < (self.hi - self.lo):
            self.lo, self.hi, self.day = iv
            inc.date, inc.date_precision = e.date, e.date_precision
        if _place_rank(e.location) > _place_rank(inc.location):
            inc.location = e.location
        if _actor_rank(e.source) > _actor_rank(inc.source):
            inc.source = e.source
        if _actor_rank(e.target) > _actor_rank(inc.target):
            inc.target = e.target

    def refine_place(self, e: Event) -> bool:
        """A back-reference in a report of this incident that names a more precise, compatible place
        ("the bus was travelling to the Dasu project" after "a bomb ... in northwest Pakistan") places it."""
        inc = self.incident
        if e.location is None or _place_rank(e.location) <= _place_rank(inc.location):
            return False
        if _place_fit(e.location, inc.location) is None:
            return False
        if inc.location is not None and inc.location.precision == "province" and e.location.admin1 and \
                (e.location.admin1 or "").lower() != (inc.location.admin1 or inc.location.name or "").lower():
            return False  # a town outside the province the reports named
        inc.location = e.location
        return True

    def take_casualties(self, e: Event) -> None:
        """Keep the highest figure reported (later reports usually update a toll upward) and its article."""
        figures = casualties(e.sentence or "")
        for k, v in figures.items():
            if v is not None and (getattr(self.incident, k) is None or v > getattr(self.incident, k)):
                setattr(self.incident, k, int(v))
                self.casualty_articles[k] = e.article_id


def title(inc: Incident) -> str:
    """A one-line label: ``Bombing: PAK REB -> PAK CVL in Dasu, 2021-07-14``."""
    who = lambda a: (a.code or a.text or "?") if a else "?"  # noqa: E731
    where = f" in {inc.location.name}" if inc.location and inc.location.name else ""
    when = f", {inc.date}" if inc.date else (f", {inc.first_seen}" if inc.first_seen else "")
    name = (inc.code_name or inc.code).strip()
    return f"{name[:1].upper()}{name[1:]}: {who(inc.source)} -> {who(inc.target)}{where}{when}"


def aggregate(mentions: Iterable[tuple[str, float]], sources: dict[str, list[dict]],
              published: dict[str, str | None]) -> dict[str, Any]:
    """Counts of an incident from its mentions ``(article_id, confidence)`` and the reports of their articles.

    >>> aggregate([("a1", 0.8), ("a2", 0.6)], {"a1": [{"source_id": "a1", "agency": "Reuters"}]}, {})
    {'num_mentions': 2, 'num_articles': 2, 'num_sources': 2, 'first_seen': None, 'last_seen': None, 'confidence': 0.92}
    """
    n_mentions, reports, outlets, dates, best = 0, set(), set(), [], {}
    for aid, conf in mentions:
        rows = sources.get(aid) or [{"source_id": aid, "agency": None, "published": published.get(aid)}]
        n_mentions += len(rows)
        for r in rows:
            reports.add(r.get("source_id") or aid)
            agency = (r.get("agency") or "").strip().lower()
            outlets.add(("agency", agency) if agency else ("report", r.get("source_id") or aid))
            p = r.get("published") or published.get(aid)
            if p:
                dates.append(str(p)[:10])
        best[aid] = max(best.get(aid, 0.0), float(conf or 0.0))
    # independent reports make an incident more certain: noisy-or over each article's best mention
    miss = 1.0
    for c in best.values():
        miss *= 1.0 - min(c, 0.95)
    return {"num_mentions": n_mentions, "num_articles": len(reports), "num_sources": len(outlets),
            "first_seen": min(dates) if dates else None, "last_seen": max(dates) if dates else None,
            "confidence": round(1.0 - miss, 3) if best else 0.0}


# ---- the clusterer --------------------------------------------------------------------------------------

def _week(d: dt.date) -> int:
    return d.toordinal() // 7


def _month(d: dt.date) -> int:
    return d.year * 12 + d.month - 1


def state_cells(st: "State") -> list[str]:
    """The in-memory index cells of an incident: ``w:PAK:105420`` for each of its countries and each week
    of its date window, and ``m:PAK:24258`` for each month of it when it anchors cases."""
    keys = sorted(st.keys())
    if not keys or st.lo == _NO_DATE:
        return []
    out = [f"w:{k}:{w}" for k in keys for w in range(_week(st.lo), _week(st.hi) + 1)]
    if st.incident.root in case_roots():
        out += [f"m:{k}:{m}" for k in keys for m in range(_month(st.lo), _month(st.hi) + 1)]
    return out


def window_cells(keys: Iterable[str], lo: dt.date, hi: dt.date, *, cases: bool = False) -> list[str]:
    """The cells to read for candidates of these countries between ``lo`` and ``hi`` (``cases``: case
    anchors only, by month)."""
    if cases:
        return [f"m:{k}:{m}" for k in sorted(keys) for m in range(_month(lo), _month(hi) + 1)]
    return [f"w:{k}:{w}" for k in sorted(keys) for w in range(_week(lo), _week(hi) + 1)]


class Clusterer:
    """Incremental clustering over a window of incidents.

    Pure use: ``Clusterer()`` then ``add_article(events)`` per article in ingest order. Store use:
    ``loader(windows)`` returns the stored incidents (``State``) of those windows ``(countries, lo, hi,
    cases_only)``; only those are ever compared with a new mention.
    """

    def __init__(self, *, loader: Callable[..., list[State]] | None = None, next_seq: int = 0,
                 link_threshold: float = 0.5, case_days: int = 365):
        self.states: dict[str, State] = {}
        self.changed: set[str] = set()
        self._cells: dict[str, set[str]] = {}
        self._loader = loader
        self._loaded: list[tuple[frozenset, dt.date, dt.date, bool]] = []  # windows read (keys, lo, hi, all roots)
        self.next_seq = next_seq
        self.link_threshold = link_threshold
        self.case_days = case_days

    # -- index of states by country and week
    def _index(self, st: State) -> None:
        for c in state_cells(st):
            self._cells.setdefault(c, set()).add(st.id)

    def add_state(self, st: State) -> None:
        """Make an existing (stored) incident a candidate; one already held is kept as held."""
        if st.id not in self.states:
            self.states[st.id] = st
            self._index(st)

    def _candidates(self, keys: set[str], lo: dt.date, hi: dt.date, cases: bool = False) -> list[State]:
        """Incidents whose cells meet these countries and dates (a day of slack on both sides)."""
        if not keys:
            return []
        lo, hi = lo - dt.timedelta(days=1), hi + dt.timedelta(days=1)
        cells = window_cells(keys, lo, hi, cases=cases)
        if self._loader is not None:
            self.preload([(keys, lo, hi, cases)])
        ids: set[str] = set()
        for c in cells:
            ids |= self._cells.get(c, set())
        return sorted((self.states[i] for i in ids), key=lambda s: s.seq)

    def preload(self, windows: list[tuple[set[str], dt.date, dt.date, bool]]) -> None:
        """Read the stored incidents of these windows ``(countries, lo, hi, cases_only)`` in one query;
        a window inside one read already is not read again."""
        if self._loader is None:
            return
        todo = []
        for keys, lo, hi, cases in windows:
            fk = frozenset(keys)
            # the last reads only: an article's window is mostly its neighbours' (reading twice is harmless)
            if keys and not any(fk <= k and a <= lo and hi <= b and (every or cases)
                                for k, a, b, every in self._loaded[-64:]):
                todo.append((fk, lo, hi, cases))
        if not todo:
            return
        for st in self._loader(todo):
            self.add_state(st)
        self._loaded += [(fk, lo, hi, not cases) for fk, lo, hi, cases in todo]

    # -- adding events
    def add_article(self, events: list[Event]) -> None:
        """Cluster one article's events: mentions first (in sentence order), then references and follow-ups."""
        groups: dict[tuple, str] = {}
        own: dict[str, str] = {}  # event_id -> its incident
        in_sentence: dict[int, set[str]] = {}  # incidents already given a mention group of the sentence
        mentions = [e for e in events if is_mention(e)]
        self._preload_article(mentions, events)
        for e in mentions:
            # one act with several targets split by the coder (an attack on Chinese and Pakistani workers:
            # one trigger word); two codes or two verbs of one sentence are two acts (arrests and a seizure;
            # troops killed smugglers and struck a depot)
            root = e.root or e.code[:2]
            act = (root_group(root), (e.trigger or "").lower() or e.code) if root in case_roots() else e.code
            gkey = (e.sentence_index, e.source.code if e.source else "", act)
            st = self.states.get(groups.get(gkey, ""))
            if st is None:
                st = self._best(e, exclude=in_sentence.get(e.sentence_index, set()))
            if st is None:
                st = State.start(e, self.next_seq)
                self.next_seq += 1
                self.states[st.id] = st
            self._attach(st, Link(e, "mention", "report"))
            self._index(st)
            groups[gkey] = st.id
            in_sentence.setdefault(e.sentence_index, set()).add(st.id)
            own[e.event_id or ""] = st.id
        article_incidents = set(own.values())
        # what "the attack" means in this article: the one attack it reports, or the one incident its
        # clear back-references ("the Dasu attack") point to; a follow-up that names no incident of its
        # own ("China condemned the attack") belongs to it
        anchors = {i for i in article_incidents if self.states[i].incident.root in case_roots()}
        todo = []
        for e in events:
            if e.negated or e.mode not in (ASSERTED, INTENT, REFERENCE):
                continue
            stage = stage_of(e)
            if e.mode == REFERENCE:
                role, stage = "reference", stage or "reference"
            elif stage:
                role = "followup"
            else:
                continue
            found = self._link(e, exclude=own.get(e.event_id or ""), context=events)
            if found is not None:
                anchors.add(found[0].id)
            todo.append((e, role, stage, found))
        anchor = self.states[next(iter(anchors))] if len(anchors) == 1 else None
        seen: set[tuple] = set()  # one link per (sentence, stage, incident): a sentence can give a stage twice
        for e, role, stage, found in todo:
            if found is None and anchor is not None and anchor.id != own.get(e.event_id or ""):
                score = link_score(e, anchor.incident, e.published, events)
                if score > 0.0:  # 0: a hard mismatch (another type, or the incident came after the report)
                    found = (anchor, score)
            if found is None:
                continue
            st, score = found
            if role == "reference" and st.id in article_incidents:
                # the article reports the incident itself: its back-references add no link, only a place
                if st.refine_place(e):
                    self._index(st)
                    self.changed.add(st.id)
                continue
            # one plain back-reference per article is enough to show it followed the incident
            key = ("article", stage, st.id) if stage == "reference" else (e.sentence_index, stage, st.id)
            if key in seen:
                continue
            seen.add(key)
            self._attach(st, Link(e, role, stage, round(score, 3)))

    def _preload_article(self, mentions: list[Event], events: list[Event]) -> None:
        """One store read for the article: its mentions' window and its case window, not one per event."""
        if self._loader is None:
            return
        windows = []
        ivs = [(interval(e), _keys(e.location, e.source, e.target)) for e in mentions]
        ivs = [(iv, k) for iv, k in ivs if iv is not None and k]
        if ivs:
            windows.append((set().union(*(k for _, k in ivs)), min(iv[0] for iv, _ in ivs) - dt.timedelta(days=1),
                            max(iv[1] for iv, _ in ivs) + dt.timedelta(days=1), False))
        linkable = [e for e in events if not e.negated and (e.mode == REFERENCE or (
            e.mode in (ASSERTED, INTENT) and stage_of(e)))]
        pubs = [_d(e.published) or _d(e.date) for e in linkable]
        keys = set().union(*(_keys(e.location, e.source, e.target) for e in linkable)) if linkable else set()
        pubs = [p for p in pubs if p is not None]
        if pubs and keys:
            windows.append((keys, min(pubs) - dt.timedelta(days=self.case_days + 1),
                            max(pubs) + dt.timedelta(days=1), True))
        self.preload(windows)

    def _best(self, e: Event, exclude: set[str] = frozenset()) -> State | None:
        iv = interval(e)
        if iv is None:
            return None
        keys = _keys(e.location, e.source, e.target)
        best, best_fit = None, None
        for st in self._candidates(keys, iv[0], iv[1]):
            if st.id in exclude:
                continue
            f = st.fit(e, iv)
            if f is not None and (best_fit is None or f > best_fit):
                best, best_fit = st, f
        return best

    def _link(self, e: Event, exclude: str | None, context: list[Event] | None = None) -> tuple[State, float] | None:
        pub = _d(e.published) or _d(e.date)
        if pub is None:
            return None
        keys = _keys(e.location, e.source, e.target)
        roots = case_roots()
        best, best_score = None, self.link_threshold
        for st in self._candidates(keys, pub - dt.timedelta(days=self.case_days), pub, cases=True):
            if st.id == exclude or st.incident.root not in roots or st.lo > pub:
                continue
            s = link_score(e, st.incident, e.published, context)
            if s >= best_score and (best is None or s > best_score):
                best, best_score = st, s
        return (best, best_score) if best is not None else None

    def _attach(self, st: State, link: Link) -> None:
        if link.role == "mention":
            st.absorb(link.event)
        if link.role in ("mention", "reference") and st.incident.root in case_roots():
            st.take_casualties(link.event)  # a toll belongs to the attack, not to the condemnation of it
        st.links.append(link)
        self.changed.add(st.id)


def finish(st: State, mentions: list[tuple[str, float]], followups: list[CaseEntry],
           sources: dict[str, list[dict]], published: dict[str, str | None]) -> Incident:
    """The incident's counts, status and title from all its mentions and follow-ups."""
    inc = st.incident
    for k, v in aggregate(mentions, sources, published).items():
        setattr(inc, k, v)
    inc.status = case_status(followups) if followups else "open"
    inc.title = title(inc)
    return inc


def cluster(events: list[Event], sources: dict[str, list[dict]] | None = None,
            *, with_links: bool = False) -> list[tuple[Incident, list[Event]]]:
    """Cluster events (in the order given: articles in ingest order) into incidents, without a store.

    ``sources``: ``{article_id: [report rows]}`` as ``Store.article_sources`` returns (default: each
    article is its own single report). Returns ``(incident, its mention events)`` in creation order;
    with ``with_links`` the second item holds every ``Link`` (mentions, references, follow-ups).

    >>> [(i.title, i.num_articles) for i, _ in cluster(events)]
    [('Bombing: PAK REB -> PAK CVL in Dasu, 2021-07-14', 3)]
    """
    sources = sources or {}
    c = Clusterer()
    by_article: dict[str, list[Event]] = {}
    for e in events:
        by_article.setdefault(e.article_id, []).append(e)
    for aid, evs in by_article.items():
        c.add_article(_with_ids(evs))
    published = {e.article_id: e.published for e in events}
    out = []
    for st in sorted(c.states.values(), key=lambda s: s.seq):
        mentions = [ln for ln in st.links if ln.role == "mention"]
        follow = [CaseEntry(st.id, ln.event, ln.stage or "other", entry_date(ln.event))
                  for ln in st.links if ln.role == "followup"]
        inc = finish(st, [(ln.event.article_id, ln.event.confidence) for ln in mentions], follow, sources, published)
        out.append((inc, list(st.links) if with_links else [ln.event for ln in mentions]))
    return out


def _with_ids(evs: list[Event]) -> list[Event]:
    """Events with the ids the store gives them (``article:sentence:n``) where they have none."""
    seen: dict[int, int] = {}
    out = []
    for e in evs:
        n = seen.get(e.sentence_index, 0)
        seen[e.sentence_index] = n + 1
        out.append(e if e.event_id else replace(e, event_id=f"{e.article_id}:{e.sentence_index}:{n}"))
    return out


# ---- the store path: incremental update and rebuild ---------------------------------------------------

def _state_of(row: dict) -> State:
    return State(row["incident"], row["seq"], row["date_lo"], row["date_hi"], row["date_day"],
                 dict(row.get("casualty_articles") or {}))


def _refold(row: dict, links: list[tuple]) -> State | None:
    """An incident recomputed from its remaining links (after an article of it was replaced); None if no
    mention remains."""
    mentions = [ln for ln in links if ln[1] == "mention"]
    if not mentions:
        return None
    old = row["incident"]
    st = State.start(mentions[0][0], row["seq"])
    st.incident.incident_id = old.incident_id
    for e, role, _, _ in links:
        if role == "mention":
            st.absorb(e)
        if role in ("mention", "reference") and st.incident.root in case_roots():
            st.take_casualties(e)
    return st


def update_store(store, article_ids: list[str], *, replaced: Iterable[str] = (), settings=None) -> list[str]:
    """Cluster the stored events of these articles (in this order) into the stored incidents; returns the
    ids of the incidents created, changed or deleted. Only incidents in each article's country and date
    window are read. An article already clustered is left as it is (updating it again changes nothing),
    unless it is in ``replaced``: then its old links leave their incidents first, which are recomputed
    from what remains of them.

    >>> update_store(store, ["s001", "s002"])
    ['inc-0b1f...', ...]
    """
    from .settings import Settings

    s = settings or Settings.load()
    replaced = set(replaced)
    done = set(store.incidents_of_articles(article_ids, articles=True)) - replaced
    article_ids = [a for a in dict.fromkeys(article_ids) if a not in done]
    if not article_ids:
        return []
    removed = set(article_ids)

    def loader(windows):
        return [_state_of(r) for r in store.incident_windows(windows)]

    c = Clusterer(loader=loader, next_seq=store.next_incident_seq(), link_threshold=s.link_threshold,
                  case_days=s.case_days)
    # incidents these articles were in: recomputed from what remains of them
    affected = store.incidents_of_articles(article_ids)
    deleted: list[str] = []
    if affected:
        rows = {r["incident"].incident_id: r for r in store.incident_states(affected)}
        links = store.incident_links(affected, exclude_articles=article_ids)
        for iid in affected:
            st = _refold(rows[iid], links[iid]) if iid in rows else None
            if st is None:
                deleted.append(iid)
            else:
                c.add_state(st)
                c.changed.add(iid)
    events = store.events_of_articles(article_ids)
    for aid in article_ids:
        c.add_article(events.get(aid, []))
    changed = [i for i in c.changed if i not in deleted]
    # counts and status need every mention and follow-up of a changed incident: stored ones and new ones
    stored = store.incident_links(changed, roles=("mention", "followup"), exclude_articles=article_ids)
    states, new_links, mentions_of, follow_of = [], [], {}, {}
    for iid in changed:
        st = c.states[iid]
        allm = [(e.article_id, e.confidence) for e, role, _, _ in stored.get(iid, []) if role == "mention"]
        fol = [CaseEntry(iid, e, stg or "other", entry_date(e))
               for e, role, stg, _ in stored.get(iid, []) if role == "followup"]
        for ln in st.links:
            if ln.role == "mention":
                allm.append((ln.event.article_id, ln.event.confidence))
            elif ln.role == "followup":
                fol.append(CaseEntry(iid, ln.event, ln.stage or "other", entry_date(ln.event)))
            new_links.append((iid, ln.event.event_id, ln.event.article_id, ln.role, ln.stage, ln.score))
        mentions_of[iid], follow_of[iid] = allm, fol
    sources = store.article_sources({a for m in mentions_of.values() for a, _ in m})
    for iid in changed:
        st = c.states[iid]
        finish(st, mentions_of[iid], follow_of[iid], sources, {})
        states.append({"incident": st.incident, "seq": st.seq, "date_lo": st.lo, "date_hi": st.hi,
                       "date_day": st.day, "casualty_articles": st.casualty_articles})
    states.sort(key=lambda x: x["seq"])
    store.save_incidents(states, new_links, unlink_articles=removed, delete=deleted)
    return sorted(set(changed) | set(deleted))


def rebuild_store(store, *, settings=None, chunk: int = 1000) -> int:
    """Delete every incident and cluster all stored events again, articles in ingest order; returns the
    number of incidents.

    >>> rebuild_store(store)
    42
    """
    store.clear_incidents()
    ids = store.article_ids_in_order()
    for k in range(0, len(ids), chunk):
        update_store(store, ids[k:k + chunk], settings=settings)
    return store.count_incidents()
