"""Rules, matching, severity and alerts: which incidents concern which protected asset.

>>> rules = load_rules()                          # the bundled data/watch_rules.toml
>>> index = AssetIndex(assets, rules)
>>> for m in index.match(incidents):              # only nearby / relevant pairs are examined
...     print(m.asset.name, m.incident.incident_id, m.distance_km, severity(m, rules))

An alert is one incident x one asset. ``raise_alerts(store, incident_ids)`` matches exactly those
incidents against every stored asset, creates the alerts that are new, updates those that exist
(more sources, casualties, evidence: never a second alert) and delivers new and escalated ones.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import logging
import math
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

from .errors import EventwatchError, error
from .records import Incident
from .settings import DATA_DIR
from .watchlist import KINDS, KM_PER_DEG, Asset

log = logging.getLogger("eventwatch.watch")

DEFAULT_RULES = DATA_DIR / "watch_rules.toml"
SCOPES = ("distance", "country")
LEVELS = ("low", "medium", "high")
ALERT_STATUSES = ("new", "acknowledged", "closed")


# ---- rules file ------------------------------------------------------------------------------------------

@dataclass
class Rule:
    """One alerting rule; see the bundled data/watch_rules.toml for what every key means."""

    name: str
    codes: list[str] = field(default_factory=list)
    quad_classes: list[int] = field(default_factory=list)
    scope: str = "distance"
    within_km: float | None = None
    min_confidence: float = 0.5
    precisions: list[str] = field(default_factory=lambda: ["city", "district"])
    asset_kinds: list[str] = field(default_factory=list)

    def event_matches(self, inc: Incident) -> bool:
        if inc.confidence is not None and inc.confidence < self.min_confidence:
            return False
        if inc.quad_class is not None and inc.quad_class in self.quad_classes:
            return True
        return any((inc.code or "").startswith(c) for c in self.codes)

    def applies_to(self, asset: Asset) -> bool:
        return not self.asset_kinds or asset.kind in self.asset_kinds


@dataclass
class Rules:
    """The whole rules file: alerting rules, severity weights, risk settings, delivery channels."""

    rules: list[Rule]
    severity: dict[str, float]
    risk: dict[str, float]
    delivery: dict[str, Any]
    path: str = str(DEFAULT_RULES)


_SECTIONS = {
    "severity": {"w_event": 0.6, "w_casualties": 0.4, "edge_weight": 0.5, "high": 70.0, "medium": 40.0},
    "risk": {"half_life_days": 30.0, "recent_days": 30.0, "baseline_days": 90.0, "top": 5},
}
_DELIVERY = {"min_level": "low", "terminal": True, "log_file": ""}
_WEBHOOK = {"url": "", "secret": "", "retries": 3, "backoff_s": 1.0, "timeout_s": 10.0, "allow_private": False}
_EMAIL = {"host": "", "port": 25, "starttls": False, "username": "", "password": "",
          "sender": "eventwatch@localhost", "to": [], "timeout_s": 10.0}


def load_rules(path: str | Path | None = None) -> Rules:
    """Read a rules file (TOML); ``None``: $EVENTWATCH_RULES, else the bundled default.

    Unknown keys and wrong types are EW138 (a typo must not silently switch a rule off).

    >>> load_rules().rules[0].name
    'material-conflict-near-asset'
    """
    if path in (None, ""):
        from .settings import Settings

        path = Settings.load().rules or DEFAULT_RULES
    p = Path(path)
    try:
        doc = tomllib.loads(p.read_text(encoding="utf-8"))
    except OSError as exc:
        raise error("EW138", path=str(p), detail=str(exc)) from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise error("EW138", path=str(p), detail=str(exc)) from None
    try:
        return _parse_rules(doc, str(p))
    except EventwatchError:
        raise
    except (TypeError, ValueError) as exc:
        raise error("EW138", path=str(p), detail=str(exc)) from None


def _parse_rules(doc: dict, path: str) -> Rules:
    def bad(detail: str):
        return error("EW138", path=path, detail=detail)

    unknown = set(doc) - {"rules", "severity", "risk", "delivery"}
    if unknown:
        raise bad(f"unknown section(s) {sorted(unknown)}")
    rules = []
    for i, r in enumerate(doc.get("rules", []), start=1):
        known = set(Rule.__dataclass_fields__)
        extra = set(r) - known
        if extra:
            raise bad(f"rule {i}: unknown key(s) {sorted(extra)}")
        if not r.get("name"):
            raise bad(f"rule {i}: has no name")
        rule = Rule(**r)
        if rule.scope not in SCOPES:
            raise bad(f"rule {rule.name!r}: scope must be one of {SCOPES}")
        if not rule.codes and not rule.quad_classes:
            raise bad(f"rule {rule.name!r}: give codes or quad_classes (it would match nothing)")
        if any(q not in (1, 2, 3, 4) for q in rule.quad_classes):
            raise bad(f"rule {rule.name!r}: quad_classes are 1..4")
        if any(not (isinstance(c, str) and c.isdigit()) for c in rule.codes):
            raise bad(f"rule {rule.name!r}: codes are CAMEO code prefixes as strings, e.g. \"18\"")
        if rule.within_km is not None and (not isinstance(rule.within_km, (int, float)) or rule.within_km < 0):
            raise bad(f"rule {rule.name!r}: within_km must be a number >= 0")
        if any(k not in KINDS for k in rule.asset_kinds):
            raise bad(f"rule {rule.name!r}: asset_kinds are among {KINDS}")
        rules.append(rule)
    sections = {}
    for name, defaults in _SECTIONS.items():
        sections[name] = _section(doc.get(name, {}), defaults, name, bad)
    delivery = dict(doc.get("delivery", {}))
    webhook = _section(delivery.pop("webhook", {}), _WEBHOOK, "delivery.webhook", bad)
    email = _section(delivery.pop("email", {}), _EMAIL, "delivery.email", bad)
    delivery = _section(delivery, _DELIVERY, "delivery", bad)
    if delivery["min_level"] not in LEVELS:
        raise bad(f"delivery.min_level must be one of {LEVELS}")
    delivery["webhook"], delivery["email"] = webhook, email
    return Rules(rules=rules, severity=sections["severity"], risk=sections["risk"], delivery=delivery, path=path)


def _section(given: dict, defaults: dict, name: str, bad) -> dict:
    extra = set(given) - set(defaults)
    if extra:
        raise bad(f"[{name}]: unknown key(s) {sorted(extra)}")
    out = dict(defaults)
    for k, v in given.items():
        want = type(defaults[k])
        if want is float and isinstance(v, int) and not isinstance(v, bool):
            v = float(v)
        if not isinstance(v, want) or (want is int and isinstance(v, bool)):
            raise bad(f"[{name}] {k} = {v!r}: expected {want.__name__}")
        out[k] = v
    return out


# ---- matching -------------------------------------------------------------------------------------------

@dataclass
class Match:
    """An incident that concerns an asset, with the rules it passed and its distance (km, None unknown)."""

    incident: Incident
    asset: Asset
    rules: list[str]
    distance_km: float | None
    scope: str  # "country" when protected people were targeted, else "distance"


def _protects(asset: Asset, inc: Incident) -> bool:
    t = inc.target
    if t is None or not asset.covers:
        return False
    if t.country and t.country in asset.nationalities():
        return True
    words = " ".join(x for x in (t.name, t.text) if x).casefold()
    return any(org.casefold() in words for org in asset.organisations())


def _has_point(inc: Incident) -> bool:
    loc = inc.location
    return loc is not None and loc.lat is not None and loc.lon is not None


def match_pair(inc: Incident, asset: Asset, rules: list[Rule]) -> Match | None:
    """Whether (and how) one incident concerns one asset under the rules: the naive check."""
    passed: list[str] = []
    scope = None
    dist: float | None = None
    if _has_point(inc) and asset.geometry:
        dist = asset.distance_km(inc.location.lat, inc.location.lon)
    for r in rules:
        if not r.applies_to(asset) or not r.event_matches(inc):
            continue
        if r.scope == "country":
            if asset.country and inc.location is not None and inc.location.country == asset.country \
                    and _protects(asset, inc):
                passed.append(r.name)
                scope = "country"
        elif dist is not None and inc.location.precision in r.precisions:
            reach = r.within_km if r.within_km is not None else asset.radius_km
            if dist <= reach:
                passed.append(r.name)
                scope = scope or "distance"
    if not passed:
        return None
    return Match(inc, asset, passed, None if dist is None else round(dist, 2), scope)


def match_naive(incidents: Iterable[Incident], assets: list[Asset], rules: Rules) -> list[Match]:
    """Every incident against every asset (the baseline the index is tested and benchmarked against)."""
    out = []
    for inc in incidents:
        for a in assets:
            m = match_pair(inc, a, rules.rules)
            if m is not None:
                out.append(m)
    return out


class AssetIndex:
    """A grid over the assets' reach, so that a batch of incidents is matched only against assets
    whose (buffered) bounding box covers the incident's cell, and protected-people watches only
    against incidents in their country: never the full cross product.

    ``pairs_checked`` counts the incident x asset pairs given to the exact check.
    """

    def __init__(self, assets: list[Asset], rules: Rules, cell_deg: float = 0.5):
        self.rules = rules
        self.cell = cell_deg
        self.grid: dict[tuple[int, int], list[Asset]] = {}
        self.by_country: dict[str, list[Asset]] = {}
        self.pairs_checked = 0
        distance_rules = [r for r in rules.rules if r.scope == "distance"]
        has_country_rule = any(r.scope == "country" for r in rules.rules)
        for a in assets:
            if has_country_rule and a.covers and a.country:
                self.by_country.setdefault(a.country, []).append(a)
            reaches = [r.within_km if r.within_km is not None else a.radius_km
                       for r in distance_rules if r.applies_to(a)]
            if a.geometry and reaches:
                self._insert(a, max(reaches))

    def _insert(self, a: Asset, reach_km: float) -> None:
        x0, y0, x1, y1 = a.bbox()
        dlat = reach_km / KM_PER_DEG
        lat_lo, lat_hi = max(-90.0, y0 - dlat), min(90.0, y1 + dlat)
        # a degree of longitude is shortest at the latitude farthest from the equator
        coslat = math.cos(math.radians(min(89.0, max(abs(lat_lo), abs(lat_hi)))))
        dlon = reach_km / (KM_PER_DEG * coslat)
        lon_lo, lon_hi = x0 - dlon, x1 + dlon
        if lon_hi - lon_lo >= 360:
            lon_lo, lon_hi = -180.0, 180.0
        for cy in range(self._c(lat_lo), self._c(lat_hi) + 1):
            for cx in range(self._c(lon_lo), self._c(lon_hi) + 1):
                key = (cy, self._wrap(cx))
                self.grid.setdefault(key, []).append(a)

    def _c(self, v: float) -> int:
        return math.floor(v / self.cell)

    def _wrap(self, cx: int) -> int:
        n = round(360 / self.cell)
        return (cx + n // 2) % n - n // 2

    def candidates(self, inc: Incident) -> list[Asset]:
        """Assets that may concern this incident (a superset of the matches, usually a small one)."""
        seen: dict[str, Asset] = {}
        if _has_point(inc):
            key = (self._c(inc.location.lat), self._wrap(self._c(inc.location.lon)))
            for a in self.grid.get(key, ()):
                seen[a.asset_id] = a
        if inc.location is not None and inc.location.country:
            for a in self.by_country.get(inc.location.country, ()):
                seen.setdefault(a.asset_id, a)
        return list(seen.values())

    def match(self, incidents: Iterable[Incident]) -> list[Match]:
        """Matches of a batch of incidents, the same as ``match_naive`` gives."""
        out = []
        for inc in incidents:
            for a in self.candidates(inc):
                self.pairs_checked += 1
                m = match_pair(inc, a, self.rules.rules)
                if m is not None:
                    out.append(m)
        return out


# ---- severity -------------------------------------------------------------------------------------------

def severity(m: Match, rules: Rules) -> float:
    """0-100: how bad the incident is and how close to the asset (formula in data/watch_rules.toml)."""
    s = rules.severity
    inc = m.incident
    event = max(0.0, -(inc.goldstein or 0.0)) / 10.0
    people = (inc.killed or 0) + (inc.injured or 0) / 2 + (inc.abducted or 0) / 2
    casualties = min(1.0, math.log10(1 + people) / 2)
    proximity = 1.0
    if m.scope != "country" and m.distance_km is not None and m.asset.radius_km > 0:
        proximity = 1 - (1 - s["edge_weight"]) * min(1.0, m.distance_km / m.asset.radius_km)
    return round(100 * proximity * (s["w_event"] * event + s["w_casualties"] * casualties), 1)


def level(score: float, rules: Rules) -> str:
    if score >= rules.severity["high"]:
        return "high"
    return "medium" if score >= rules.severity["medium"] else "low"


# ---- alerts ---------------------------------------------------------------------------------------------

@dataclass
class Alert:
    """One incident x one asset, kept up to date as reports arrive; ``evidence`` lists the
    sentences and sources (``{sentence, article_id, agency, title, url, published}``)."""

    alert_id: str
    incident_id: str
    asset_id: str
    asset_name: str
    rules: list[str]
    severity: float
    level: str
    distance_km: float | None
    status: str = "new"
    code: str | None = None
    title: str | None = None
    incident_date: str | None = None
    location: str | None = None
    num_sources: int = 0
    num_articles: int = 0
    killed: int | None = None
    injured: int | None = None
    abducted: int | None = None
    evidence: list[dict[str, Any]] = field(default_factory=list)
    created_at: str | None = None
    updated_at: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)

    def line(self) -> str:
        """One readable line: ``[HIGH 82] Dasu hydropower project: Bombing ... (3 km, 2 sources) A-1f2e``."""
        where = f"{self.distance_km:g} km" if self.distance_km is not None else "in country"
        return (f"[{self.level.upper()} {self.severity:g}] {self.asset_name}: {self.title or self.incident_id}"
                f" ({where}, {self.num_sources} source{'s' if self.num_sources != 1 else ''}) {self.alert_id}")


def alert_id(incident_id: str, asset_id: str) -> str:
    """Stable per incident x asset, so re-raising finds the same alert: ``A-`` + 12 hex digits."""
    return "A-" + hashlib.sha1(f"{incident_id}\x1f{asset_id}".encode()).hexdigest()[:12]


def build_alert(m: Match, rules: Rules, evidence: list[dict] | None = None) -> Alert:
    inc = m.incident
    score = severity(m, rules)
    loc = inc.location
    place = None
    if loc is not None:
        place = ", ".join(x for x in (loc.name, loc.admin1, loc.country) if x)
    return Alert(alert_id=alert_id(inc.incident_id, m.asset.asset_id), incident_id=inc.incident_id,
                 asset_id=m.asset.asset_id, asset_name=m.asset.name, rules=m.rules, severity=score,
                 level=level(score, rules), distance_km=m.distance_km, code=inc.code,
                 title=inc.title or inc.code_name or inc.code, incident_date=inc.date or inc.first_seen,
                 location=place, num_sources=inc.num_sources, num_articles=inc.num_articles, killed=inc.killed,
                 injured=inc.injured, abducted=inc.abducted, evidence=evidence or [])


@dataclass
class AlertRun:
    """What one ``raise_alerts`` did: alert ids created / updated, deliveries and failures."""

    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: int = 0
    delivered: int = 0
    failures: list[str] = field(default_factory=list)
    pairs_checked: int = 0

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


EVIDENCE_MAX = 10  # sentences kept per alert: enough to judge, small enough to deliver


def incident_evidence(store, incident_id: str) -> list[dict[str, Any]]:
    """The sentences reporting the incident, each with its source (from the store's case view)."""
    case = getattr(store, "case", None)
    if case is None:
        return []
    try:
        c = case(incident_id)
    except EventwatchError:
        return []
    if c is None:
        return []
    by_article = {s.get("article_id"): s for s in (c.sources or [])}
    out = []
    for entry in c.entries:
        if entry.stage != "report":  # the incident's own mentions, not later references or follow-ups
            continue
        e = entry.event
        src = by_article.get(e.article_id, {})
        out.append({"sentence": e.sentence, "article_id": e.article_id, "agency": src.get("agency"),
                    "title": src.get("title"), "url": src.get("url"),
                    "published": src.get("published") or e.published})
        if len(out) >= EVIDENCE_MAX:
            break
    return out


def raise_alerts(store, incident_ids: Iterable[str], *, rules: Rules | None = None, deliver: bool = True,
                 now: dt.datetime | None = None) -> AlertRun:
    """Match exactly these (new or changed) incidents against every stored asset; create or update
    their alerts and deliver the new and escalated ones. Ingest calls it after each chunk.

    >>> run = raise_alerts(store, report.incidents_changed)
    >>> run.created
    ['A-3f0c2a9e1b7d']
    """
    rules = rules or load_rules()
    run = AlertRun()
    ids = list(dict.fromkeys(incident_ids))
    if not ids:
        return run
    assets = store.assets()
    if not assets:
        return run
    incidents = [inc for inc in (store.incident(i) for i in ids) if inc is not None]
    index = AssetIndex(assets, rules)
    matches = index.match(incidents)
    run.pairs_checked = index.pairs_checked
    to_deliver: list[tuple[Alert, str]] = []
    evidence_cache: dict[str, list[dict]] = {}
    for m in matches:
        iid = m.incident.incident_id
        if iid not in evidence_cache:
            evidence_cache[iid] = incident_evidence(store, iid)
        alert = build_alert(m, rules, evidence_cache[iid])
        outcome, before = store.upsert_alert(alert, now=now)
        if outcome == "created":
            run.created.append(alert.alert_id)
            to_deliver.append((alert, "new"))
        elif outcome == "updated":
            run.updated.append(alert.alert_id)
            if before is not None and LEVELS.index(alert.level) > LEVELS.index(before.level):
                to_deliver.append((alert, "escalated"))
        else:
            run.unchanged += 1
    if deliver and to_deliver:
        from .delivery import deliver_alert

        for alert, why in to_deliver:
            stored = store.alert(alert.alert_id) or alert
            ok, failed = deliver_alert(stored, why, rules.delivery)
            run.delivered += ok
            for channel, msg in failed:
                run.failures.append(f"{alert.alert_id} {channel}: {msg}")
                store.add_alert_history(alert.alert_id, "delivery_failed", by="eventwatch", note=f"{channel}: {msg}")
            if ok:
                store.add_alert_history(alert.alert_id, "delivered", by="eventwatch",
                                        note=f"{why} on {ok} channel{'s' if ok != 1 else ''}")
    return run
