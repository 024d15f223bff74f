"""Scoring: extracted events against a gold file, with the matching rule of shared/eval/README.md section 0.

>>> gold = load_gold("../shared/eval/dev.jsonl")
>>> report = score(gold, {"d001": events_of_d001, ...})
>>> print(report.to_text()); report.write_errors("errors.jsonl")

A prediction matches a gold event when its span overlaps the gold sentence by at least half of the
shorter of the two, its root is the gold root or one of ``alt_roots``, and its source and target
countries equal the gold ones (a null gold country accepts any country, a null gold target any
target). Each gold event takes at most one prediction: candidate pairs are taken greedily, exact
root before alternative root, then by sector agreement. Predictions that are negated or in
``reference`` mode are ignored; gold negated events are not recall targets, and a positive
prediction of one is a false positive counted also as a negation error.

Incidents: when gold events carry an ``"incident"`` label (the real-world happening they describe;
the same label in two articles, or two gold files, is the same happening), the predictions are
clustered (``clustering.cluster``, articles in gold-file order) and the report gives the B-cubed
precision, recall and F1 of that clustering over the positive labelled gold events. A gold event takes
the incident of the prediction it matched; a gold event that matched no prediction, or matched one that
is not a mention (e.g. hypothetical), is a singleton of its own, so missed events lower recall, not
precision.
"""
from __future__ import annotations

import json
import math
import os
from collections import Counter
from dataclasses import dataclass, field, replace
from typing import Any

from .errors import EventwatchError, error
from .records import REFERENCE, Event, Place

NEAR_KM = 25.0  # a predicted place this close to the gold one counts as the same place


# ---- gold file ----------------------------------------------------------------------------------------

def load_gold(path: str) -> list[dict]:
    """The gold articles of a JSONL file (one ``{"id", "published", "title", "text", "events"}`` per line).

    Malformed lines raise EW040 naming the line.

    >>> [g["id"] for g in load_gold("../shared/eval/dev.jsonl")][:2]
    ['d001', 'd002']
    """
    if not os.path.exists(path):
        raise error("EW001", path=str(path))
    out: list[dict] = []
    seen: set[str] = set()
    with open(path, encoding="utf-8") as fh:
        for n, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            try:
                g = json.loads(line)
            except json.JSONDecodeError as exc:
                raise error("EW040", path=str(path), line=n, detail=f"not valid JSON ({exc.msg})") from None
            problem = _check_article(g)
            if problem is None and g["id"] in seen:
                problem = f"id {g['id']!r} appears twice"
            if problem:
                raise error("EW040", path=str(path), line=n, detail=problem)
            seen.add(g["id"])
            out.append(g)
    return out


def _check_article(g: Any) -> str | None:
    if not isinstance(g, dict):
        return "not a JSON object"
    for key, typ in (("id", str), ("text", str), ("events", list)):
        if not isinstance(g.get(key), typ):
            return f"'{key}' is missing or not a {typ.__name__}"
    for i, ev in enumerate(g["events"]):
        where = f"event {i} of {g['id']}"
        if not isinstance(ev, dict):
            return f"{where} is not an object"
        if not isinstance(ev.get("sentence"), str) or ev["sentence"] not in g["text"]:
            return f"{where}: 'sentence' is not a verbatim substring of 'text'"
        if not isinstance(ev.get("source"), dict):
            return f"{where}: 'source' must be an object"
        if ev.get("target") is not None and not isinstance(ev["target"], dict):
            return f"{where}: 'target' must be an object or null"
        if not (isinstance(ev.get("root"), str) or isinstance(ev.get("code"), str)):
            return f"{where}: needs 'root' or 'code' as a string"
        if not isinstance(ev.get("alt_roots", []), list):
            return f"{where}: 'alt_roots' must be a list"
        if ev.get("location") is not None and not isinstance(ev["location"], dict):
            return f"{where}: 'location' must be an object or null"
    return None


# ---- report -------------------------------------------------------------------------------------------

def _prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


@dataclass
class Accuracy:
    """``correct`` of ``total`` matched events agree on one attribute (sector, date, location)."""

    correct: int = 0
    total: int = 0

    def add(self, ok: bool) -> None:
        self.total += 1
        self.correct += bool(ok)

    @property
    def value(self) -> float:
        return self.correct / self.total if self.total else 0.0

    def to_dict(self) -> dict:
        return {"correct": self.correct, "total": self.total, "accuracy": round(self.value, 4)}

    def __str__(self) -> str:
        return f"{self.correct}/{self.total} ({100 * self.value:.1f}%)" if self.total else "-"


@dataclass
class EvalReport:
    """Counts and accuracies of one scoring run; ``errors`` holds every false positive and negative.

    Per-root counts: a true positive and a false negative count under the gold root, a false
    positive under the predicted root.
    """

    tp: int = 0
    fp: int = 0
    fn: int = 0
    root_exact: int = 0  # matches on the gold root
    alt_root: int = 0  # matches on one of the gold alt_roots
    negation_errors: int = 0  # gold negated events predicted as positive (each also an fp)
    source_sector: Accuracy = field(default_factory=Accuracy)
    target_sector: Accuracy = field(default_factory=Accuracy)  # matched events whose gold target is not null
    date: Accuracy = field(default_factory=Accuracy)
    location: Accuracy = field(default_factory=Accuracy)
    per_root: dict[str, Counter] = field(default_factory=dict)
    articles: int = 0
    gold_events: int = 0  # recall targets (gold negated events left out)
    gold_negated: int = 0
    predictions: int = 0  # scored predictions (ignored ones left out)
    ignored_negated: int = 0
    ignored_reference: int = 0
    errors: list[dict] = field(default_factory=list)
    mismatches: list[dict] = field(default_factory=list)  # matched, but sector, date or place differ
    # incident clustering (B-cubed over the positive gold events with an "incident" label)
    incident_events: int = 0
    incident_matched: int = 0
    gold_incidents: int = 0
    bcubed: tuple[float, float, float] | None = None
    bcubed_matched: tuple[float, float, float] | None = None  # over matched gold events only: the clustering alone

    @property
    def precision(self) -> float:
        return _prf(self.tp, self.fp, self.fn)[0]

    @property
    def recall(self) -> float:
        return _prf(self.tp, self.fp, self.fn)[1]

    @property
    def f1(self) -> float:
        return _prf(self.tp, self.fp, self.fn)[2]

    def _count(self, root: str, kind: str) -> None:
        self.per_root.setdefault(root, Counter())[kind] += 1

    def root_scores(self) -> dict[str, dict]:
        """``{root: {"tp", "fp", "fn", "precision", "recall", "f1"}}``, roots in order."""
        out = {}
        for root in sorted(self.per_root):
            c = self.per_root[root]
            p, r, f = _prf(c["tp"], c["fp"], c["fn"])
            out[root] = {"tp": c["tp"], "fp": c["fp"], "fn": c["fn"], "precision": round(p, 4),
                         "recall": round(r, 4), "f1": round(f, 4)}
        return out

    def to_dict(self) -> dict:
        return {
            "tp": self.tp, "fp": self.fp, "fn": self.fn, "precision": round(self.precision, 4),
            "recall": round(self.recall, 4), "f1": round(self.f1, 4),
            "root_exact": self.root_exact, "alt_root": self.alt_root, "negation_errors": self.negation_errors,
            "source_sector": self.source_sector.to_dict(), "target_sector": self.target_sector.to_dict(),
            "date": self.date.to_dict(), "location": self.location.to_dict(),
            "per_root": self.root_scores(),
            "articles": self.articles, "gold_events": self.gold_events, "gold_negated": self.gold_negated,
            "predictions": self.predictions, "ignored_negated": self.ignored_negated,
            "ignored_reference": self.ignored_reference, "errors": len(self.errors),
            "incidents": None if self.bcubed is None else {
                "gold_events": self.incident_events, "matched": self.incident_matched,
                "gold_incidents": self.gold_incidents, "bcubed_precision": round(self.bcubed[0], 4),
                "bcubed_recall": round(self.bcubed[1], 4), "bcubed_f1": round(self.bcubed[2], 4),
                "matched_bcubed_precision": round(self.bcubed_matched[0], 4),
                "matched_bcubed_recall": round(self.bcubed_matched[1], 4),
                "matched_bcubed_f1": round(self.bcubed_matched[2], 4)},
        }

    def to_text(self) -> str:
        names = _root_names()
        head = f"{'':<34}{'tp':>5}{'fp':>5}{'fn':>5}{'prec':>8}{'rec':>8}{'f1':>8}"
        row = lambda label, tp, fp, fn: (f"{label:<34}{tp:>5}{fp:>5}{fn:>5}"  # noqa: E731
                                         + "".join(f"{x:>8.3f}" for x in _prf(tp, fp, fn)))
        lines = [f"{self.articles} articles, {self.gold_events} gold events ({self.gold_negated} negated ones not "
                 f"counted), {self.predictions} predictions scored (ignored: {self.ignored_negated} negated, "
                 f"{self.ignored_reference} references)", "", head,
                 row("overall", self.tp, self.fp, self.fn), ""]
        for root, c in sorted(self.per_root.items()):
            lines.append(row(f"{root} {names.get(root, '')}"[:33], c["tp"], c["fp"], c["fn"]))
        lines += ["",
                  f"matches on the gold root: {self.root_exact}, on an alt root: {self.alt_root}",
                  f"negation errors (gold negated, predicted positive; counted as fp): {self.negation_errors}",
                  f"source sector accuracy: {self.source_sector}",
                  f"target sector accuracy: {self.target_sector}",
                  f"date accuracy:          {self.date}",
                  f"location accuracy:      {self.location}"]
        if self.bcubed is not None:
            p, r, f = self.bcubed
            lines += ["", f"incidents: {self.incident_events} labelled gold events in {self.gold_incidents} incidents, "
                          f"{self.incident_matched} matched; B-cubed precision {p:.3f}, recall {r:.3f}, F1 {f:.3f}"]
            p, r, f = self.bcubed_matched
            lines.append(f"  over the matched events only (the clustering alone): precision {p:.3f}, recall {r:.3f}, "
                         f"F1 {f:.3f}")
        return "\n".join(lines)

    def write_errors(self, path: str, *, mismatches: bool = False) -> int:
        """Write each false positive and false negative (and, if asked, each attribute mismatch of a
        matched event) as one JSON object per line; returns the number of lines."""
        rows = self.errors + (self.mismatches if mismatches else [])
        with open(path, "w", encoding="utf-8") as fh:
            for r in rows:
                fh.write(json.dumps(r, ensure_ascii=False) + "\n")
        return len(rows)


# ---- scoring ------------------------------------------------------------------------------------------

@dataclass
class _Gold:
    ev: dict
    span: tuple[int, int]
    root: str
    alt_roots: tuple[str, ...]


def _root2(x) -> str:
    return str(x).strip()[:2].zfill(2)


def _country(actor) -> str | None:
    if actor is None:
        return None
    return actor.get("country") if isinstance(actor, dict) else actor.country


def _sector(actor) -> str | None:
    if actor is None:
        return None
    return actor.get("sector") if isinstance(actor, dict) else actor.sector


def _overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    shorter = min(a[1] - a[0], b[1] - b[0])
    if shorter <= 0:
        return False
    return min(a[1], b[1]) - max(a[0], b[0]) >= shorter / 2


def _pred_span(e: Event, text: str) -> tuple[int, int]:
    if e.span and e.span[1] > e.span[0]:
        return int(e.span[0]), int(e.span[1])
    # a prediction without a usable span can still be placed by its sentence text
    i = text.find(e.sentence) if e.sentence else -1
    return (i, i + len(e.sentence)) if i >= 0 else (0, 0)


def _mismatch(g: _Gold, e: Event, span: tuple[int, int]) -> list[str]:
    """Why ``e`` cannot match ``g`` (empty when it can)."""
    why = []
    if not _overlaps(span, g.span):
        why.append("other sentence")
    root = e.root or e.code[:2]
    if root != g.root and root not in g.alt_roots:
        why.append(f"root {root} not in {[g.root, *g.alt_roots]}")
    gs = _country(g.ev.get("source"))
    if gs is not None and _country(e.source) != gs:
        why.append(f"source country {_country(e.source)} != {gs}")
    gt = g.ev.get("target")
    if gt is not None and _country(gt) is not None and _country(e.target) != _country(gt):
        why.append(f"target country {_country(e.target)} != {_country(gt)}")
    return why


def _quality(g: _Gold, e: Event) -> tuple[int, int]:
    """Preference among candidate pairs: exact root first, then sector agreement."""
    exact = int((e.root or e.code[:2]) == g.root)
    agree = int(_sector(e.source) == _sector(g.ev.get("source")))
    gt = g.ev.get("target")
    if gt is not None:
        agree += int(_sector(e.target) == _sector(gt))
    return exact, agree


def _greedy(golds: list[_Gold], preds: list[tuple[Event, tuple[int, int]]]) -> list[tuple[int, int]]:
    """(gold index, prediction index) pairs: best candidates first, each side used once."""
    cands = []
    for gi, g in enumerate(golds):
        for pj, (e, span) in enumerate(preds):
            if not _mismatch(g, e, span):
                exact, agree = _quality(g, e)
                cands.append((-exact, -agree, gi, pj))
    cands.sort()
    used_g: set[int] = set()
    used_p: set[int] = set()
    pairs = []
    for _, _, gi, pj in cands:
        if gi not in used_g and pj not in used_p:
            used_g.add(gi)
            used_p.add(pj)
            pairs.append((gi, pj))
    return pairs


def _gold_spans(g: dict, line: int) -> list[tuple[int, int]]:
    text, spans, cache, pos = g["text"], [], {}, 0
    for ev in g["events"]:
        s = ev.get("sentence") or ""
        if s not in cache:
            # sentences are verbatim substrings, in text order: search on from the last one first
            i = text.find(s, pos)
            if i < 0:
                i = text.find(s)
            if i < 0 or not s:
                raise error("EW040", line=line, detail=f"{g.get('id')}: sentence not found in text: {s[:60]!r}")
            cache[s] = (i, i + len(s))
            pos = i
        spans.append(cache[s])
    return spans


def score(gold: list[dict], predicted: dict[str, list[Event]]) -> EvalReport:
    """Score ``predicted`` (events per article id, spans into the gold text) against ``gold``.

    >>> r = score(load_gold("gold.jsonl"), {"d001": events})
    >>> r.tp, r.fp, r.fn, round(r.f1, 3)
    """
    rep = EvalReport()
    geo = _Geo()
    labelled: list[tuple[str, Event | None]] = []  # (gold incident label, the prediction it matched)
    all_preds: list[Event] = []
    for line, g in enumerate(gold, start=1):
        rep.articles += 1
        text, aid = g["text"], g["id"]
        golds = [_Gold(ev, span, _root2(ev.get("root") or ev.get("code")),
                       tuple(_root2(r) for r in ev.get("alt_roots") or []))
                 for ev, span in zip(g["events"], _gold_spans(g, line))]
        positive = [x for x in golds if not x.ev.get("negated")]
        negated = [x for x in golds if x.ev.get("negated")]
        rep.gold_events += len(positive)
        rep.gold_negated += len(negated)
        preds = []
        for e in predicted.get(aid) or []:
            if e.negated:
                rep.ignored_negated += 1
            elif e.mode == REFERENCE:
                rep.ignored_reference += 1
            else:
                preds.append((e, _pred_span(e, text)))
        rep.predictions += len(preds)

        matched = _greedy(positive, preds)
        used = {pj for _, pj in matched}
        match_of = {gi: preds[pj][0] for gi, pj in matched}
        for gi, x in enumerate(positive):
            if x.ev.get("incident"):
                labelled.append((str(x.ev["incident"]), match_of.get(gi)))
        all_preds += [e for e in predicted.get(aid) or []]
        for gi, pj in matched:
            _score_match(rep, aid, positive[gi], preds[pj][0], geo)
        rest = [pj for pj in range(len(preds)) if pj not in used]
        neg_pairs = _greedy(negated, [preds[pj] for pj in rest])
        negation_of = {rest[k]: negated[gi] for gi, k in neg_pairs}

        for pj in range(len(preds)):
            if pj in used:
                continue
            e, span = preds[pj]
            rep.fp += 1
            rep._count(e.root or e.code[:2], "fp")
            if pj in negation_of:
                rep.negation_errors += 1
                rep.errors.append({"kind": "negation", "article_id": aid, "sentence": e.sentence,
                                   "predicted": e.to_dict(), "gold": negation_of[pj].ev,
                                   "why": "the gold event is negated: the text says it did not happen"})
            else:
                rep.errors.append({"kind": "fp", "article_id": aid, "sentence": e.sentence,
                                   "predicted": e.to_dict(), "why": _why_fp(golds, e, span)})
        got = {gi for gi, _ in matched}
        for gi, x in enumerate(positive):
            if gi in got:
                continue
            rep.fn += 1
            rep._count(x.root, "fn")
            rep.errors.append({"kind": "fn", "article_id": aid, "sentence": x.ev.get("sentence"),
                               "gold": x.ev, "why": _why_fn(x, preds)})
    if labelled:
        _score_incidents(rep, labelled, all_preds)
    return rep


def _score_incidents(rep: EvalReport, labelled: list[tuple[str, Event | None]], preds: list[Event]) -> None:
    from .clustering import cluster

    # cluster every prediction (ids make each one traceable through the clustering)
    tagged = [replace(e, event_id=f"p{k}") for k, e in enumerate(preds)]
    key = {id(e): f"p{k}" for k, e in enumerate(preds)}
    incident_of = {}
    for inc, mentions in cluster(tagged):
        for m in mentions:
            incident_of[m.event_id] = inc.incident_id
    pred_labels = []
    for k, (_, e) in enumerate(labelled):
        inc = incident_of.get(key.get(id(e), "")) if e is not None else None
        pred_labels.append(inc if inc is not None else f"singleton:{k}")
    rep.incident_events = len(labelled)
    rep.incident_matched = sum(e is not None for _, e in labelled)
    rep.gold_incidents = len({g for g, _ in labelled})
    rep.bcubed = bcubed([g for g, _ in labelled], pred_labels)
    kept = [k for k, (_, e) in enumerate(labelled) if e is not None]
    rep.bcubed_matched = bcubed([labelled[k][0] for k in kept], [pred_labels[k] for k in kept])


def bcubed(gold: list[str], predicted: list[str]) -> tuple[float, float, float]:
    """B-cubed precision, recall and F1 of a clustering: item k is in gold cluster ``gold[k]`` and in
    predicted cluster ``predicted[k]``.

    >>> bcubed(["a", "a", "b"], ["x", "x", "x"])
    (0.5555555555555555, 1.0, 0.7142857142857143)
    """
    n = len(gold)
    if n == 0:
        return 0.0, 0.0, 0.0
    pairs = Counter(zip(gold, predicted))
    g_size, p_size = Counter(gold), Counter(predicted)
    p = sum(pairs[(gold[k], predicted[k])] / p_size[predicted[k]] for k in range(n)) / n
    r = sum(pairs[(gold[k], predicted[k])] / g_size[gold[k]] for k in range(n)) / n
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def _score_match(rep: EvalReport, aid: str, g: _Gold, e: Event, geo: "_Geo") -> None:
    rep.tp += 1
    rep._count(g.root, "tp")
    if (e.root or e.code[:2]) == g.root:
        rep.root_exact += 1
    else:
        rep.alt_root += 1
    wrong = []
    ok = _sector(e.source) == _sector(g.ev.get("source"))
    rep.source_sector.add(ok)
    if not ok:
        wrong.append("source_sector")
    if g.ev.get("target") is not None:
        ok = _sector(e.target) == _sector(g.ev["target"])
        rep.target_sector.add(ok)
        if not ok:
            wrong.append("target_sector")
    ok = e.date == g.ev.get("date")
    rep.date.add(ok)
    if not ok:
        wrong.append("date")
    ok = geo.same(g.ev.get("location"), e.location)
    rep.location.add(ok)
    if not ok:
        wrong.append("location")
    if wrong:
        rep.mismatches.append({"kind": "mismatch", "article_id": aid, "sentence": g.ev.get("sentence"),
                               "wrong": wrong, "predicted": e.to_dict(), "gold": g.ev})


def _why_fp(golds: list[_Gold], e: Event, span: tuple[int, int]) -> str:
    near = [g for g in golds if _overlaps(span, g.span)]
    if not near:
        return "no gold event in this sentence"
    parts = []
    for g in near[:3]:
        why = _mismatch(g, e, span)
        parts.append(f"gold {g.ev.get('code') or g.root}: " + ("; ".join(why) or "taken by another prediction"))
    return " | ".join(parts)


def _why_fn(g: _Gold, preds: list[tuple[Event, tuple[int, int]]]) -> str:
    near = [(e, s) for e, s in preds if _overlaps(s, g.span)]
    if not near:
        return "no prediction in this sentence"
    parts = []
    for e, s in near[:3]:
        why = _mismatch(g, e, s)
        parts.append(f"predicted {e.code}: " + ("; ".join(why) or "matched another gold event"))
    return " | ".join(parts)


# ---- places -------------------------------------------------------------------------------------------

def _km(a: tuple[float, float], b: tuple[float, float]) -> float:
    la1, lo1, la2, lo2 = map(math.radians, (a[0], a[1], b[0], b[1]))
    h = math.sin((la2 - la1) / 2) ** 2 + math.cos(la1) * math.cos(la2) * math.sin((lo2 - lo1) / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(min(1.0, h)))


def _latlon(hit) -> tuple[float, float] | None:
    if isinstance(hit, (list, tuple)):
        if len(hit) == 2 and all(isinstance(x, (int, float)) for x in hit):
            return float(hit[0]), float(hit[1])
        hit = hit[0] if hit else None
    if hit is None:
        return None
    lat = hit.get("lat") if isinstance(hit, dict) else getattr(hit, "lat", None)
    lon = hit.get("lon") if isinstance(hit, dict) else getattr(hit, "lon", None)
    return (float(lat), float(lon)) if lat is not None and lon is not None else None


class _Geo:
    """Place comparison: same name, or within NEAR_KM when the gazetteer can place both names."""

    def __init__(self):
        self._gaz = False  # not looked up yet
        self._cache: dict[tuple, tuple[float, float] | None] = {}

    def _gazetteer(self):
        if self._gaz is False:
            try:
                from .extraction.places import gazetteer

                self._gaz = gazetteer()
            except (ImportError, OSError, EventwatchError):  # no places module or no data: names only
                self._gaz = None
        return self._gaz

    def coords(self, name: str | None, country: str | None) -> tuple[float, float] | None:
        if not name:
            return None
        key = (name.strip().lower(), country)
        if key not in self._cache:
            gaz, hit = self._gazetteer(), None
            if gaz is not None:
                try:
                    hit = _latlon(gaz.lookup(name, [country] if country else []))
                except Exception:
                    hit = None
            self._cache[key] = hit
        return self._cache[key]

    def same(self, g: dict | None, p: Place | None) -> bool:
        if g is None or p is None:
            return g is None and p is None
        gname, pname = (g.get("name") or "").strip(), (p.name or "").strip()
        if gname.lower() == pname.lower():
            return True
        a = self.coords(gname, g.get("country"))
        b = self.coords(pname, p.country)
        if b is None and p.lat is not None and p.lon is not None:
            b = (p.lat, p.lon)
        return a is not None and b is not None and _km(a, b) <= NEAR_KM


def _root_names() -> dict[str, str]:
    try:
        from .extraction.codebook import ROOT_NAMES
    except ImportError:
        return {}
    return ROOT_NAMES
