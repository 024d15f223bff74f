"""Cases: which incident a reference or follow-up sentence concerns, what step of the case it is, and how far
the case has got. Pure functions over ``records.Event``/``Incident``/``CaseEntry`` (no SQL, no spaCy).

A case is an incident (an attack, a kidnapping...) followed by what came after it: condemnations, demands and
appeals to investigate or punish, pledges, investigations, arrests, charges, trials, convictions, sentences,
suspects still at large. The clustering stage (``eventwatch.clustering``) calls:

* ``stage_of(event)``: the follow-up stage an event is (table ``data/lexicon/stages.tsv``);
* ``reference_info(event)``: what its sentence says about the incident it concerns (type noun, place, date,
  victims' nationality), read around the incident noun (``data/lexicon/reference_nouns.tsv``);
* ``link_score(event, incident, published=...)``: how well the event fits an incident, 0..1
  (``LINK_THRESHOLD`` and above: link);
* ``order_entries``, ``case_status``, ``flag_unmet`` (table ``data/lexicon/case_goals.tsv``) over the entries.

>>> from eventwatch.records import Event
>>> stage_of(Event("a1", 0, (0, 60), "Police arrested two suspects over the Dasu attack.", "173", trigger="arrested"))
'arrest'
"""
from __future__ import annotations

import csv
import re
from calendar import monthrange
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from typing import Iterable

from .records import REFERENCE, CaseEntry, Event, Incident, Place
from .settings import DATA_DIR

LEXICON = DATA_DIR / "lexicon"
STAGES = ("condemnation", "demand", "pledge", "investigation", "arrest", "charge", "trial", "conviction",
          "sentence", "at_large", "meeting", "other")
# Score at and above which a reference or follow-up is linked to an incident (see link_score)
LINK_THRESHOLD = 0.5  # the default of Settings.link_threshold
# How far each stage takes a case (case_status): the furthest reached wins
_STATUS_OF_STAGE = {"arrest": "arrested", "charge": "charged", "trial": "charged", "conviction": "convicted",
                    "sentence": "convicted"}
_STATUS_RANK = {"open": 0, "arrested": 1, "charged": 2, "convicted": 3}
_INTENT_BASE = re.compile(r"->(\d+)\+intent")


# ---- data tables --------------------------------------------------------------------------------------

def _rows(name: str) -> list[dict]:
    with open(LEXICON / name, encoding="utf-8") as fh:
        lines = [ln for ln in fh if ln.strip() and not ln.startswith("#")]
    return list(csv.DictReader(lines, delimiter="\t"))


def _words_regex(words: str) -> re.Pattern | None:
    """``a|b*|bring ... to justice`` -> one regex over lower-case text; None for "-"."""
    if words.strip() in ("", "-"):
        return None
    alts = []
    for phrase in words.split("|"):
        parts = []
        for w in phrase.strip().split():
            if w == "...":
                parts.append(r"(?:\S+\s+){0,6}?")
                continue
            if w == "@incident":
                parts.append(_incident_alternation())
            elif w.endswith("*"):
                parts.append(re.escape(w[:-1]) + r"[\w'-]*")
            else:
                parts.append(re.escape(w))
            parts.append(r"\s+")
        alts.append("".join(parts[:-1]) if parts and parts[-1] == r"\s+" else "".join(parts))
    return re.compile(r"(?<![\w-])(?:" + "|".join(alts) + r")(?![\w-])")


@dataclass(frozen=True)
class _StageRule:
    stage: str
    mode: str
    codes: tuple[str, ...]  # () = any
    words: re.Pattern | None
    unless: re.Pattern | None = None


@lru_cache(maxsize=1)
def stage_rules() -> tuple[_StageRule, ...]:
    """The rows of ``data/lexicon/stages.tsv`` in order."""
    out = []
    for r in _rows("stages.tsv"):
        codes = () if r["code"].strip() == "*" else tuple(c.strip() for c in r["code"].split("|"))
        out.append(_StageRule(r["stage"], r["mode"], codes, _words_regex(r["words"]),
                              _words_regex(r.get("unless") or "-")))
    return tuple(out)


@dataclass(frozen=True)
class _Noun:
    noun: str
    mod: str | None
    codes: tuple[str, ...]
    family: tuple[str, ...]
    generic: bool


@lru_cache(maxsize=1)
def reference_nouns() -> dict[str, list[_Noun]]:
    """noun -> its rows in ``data/lexicon/reference_nouns.tsv``, rows with a modifier first."""
    out: dict[str, list[_Noun]] = {}
    for r in _rows("reference_nouns.tsv"):
        n = _Noun(r["noun"], None if r["mod"] == "-" else r["mod"], tuple(r["codes"].split("|")),
                  tuple(r["family"].split("|")), r["generic"] == "yes")
        out.setdefault(n.noun, []).append(n)
    for rows in out.values():
        rows.sort(key=lambda n: n.mod is None)
    return out


@lru_cache(maxsize=1)
def _incident_alternation() -> str:
    nouns = sorted(reference_nouns(), key=len, reverse=True)
    return "(?:" + "|".join(re.escape(n) + "(?:e?s)?" for n in nouns) + ")"


@lru_cache(maxsize=1)
def distinct_words() -> frozenset[str]:
    """Words that make a noun phrase name some other incident ("another attack"): reference_words.tsv."""
    return frozenset(r["word"] for r in _rows("reference_words.tsv") if r["kind"] == "distinct")


@lru_cache(maxsize=1)
def goals() -> tuple[tuple[str, re.Pattern | None, frozenset[str]], ...]:
    """The rows of ``data/lexicon/case_goals.tsv``: (goal, words, stages that meet it)."""
    return tuple((r["goal"], _words_regex(r["words"]), frozenset(r["met_by"].split("|")))
                 for r in _rows("case_goals.tsv"))


# ---- stages -------------------------------------------------------------------------------------------

def stage_of(event: Event) -> str | None:
    """The follow-up stage of ``event``, or None when it is no step of a case.

    Table-driven (``data/lexicon/stages.tsv``, first matching row wins): the event's mode, its CAMEO code
    (for pledges, the code of the action pledged) and words of its sentence. The coder codes arrests, charges
    and prosecutions all as 173 and convictions and sentences as 116, so the sentence words tell them apart.
    Negated and hypothetical events are no step. A nominal mention of the incident (mode ``reference``) gets
    a stage only from words the coder does not code ("still at large", "the trial ... opened"); otherwise None,
    and the caller files it as a plain reference. One sentence can yield the same stage twice (a coded
    condemnation plus the reference's words): dedupe on (article, sentence, stage), or use ``followups``.

    >>> ev = Event("a1", 3, (0, 70), "The court sentenced two men to death for the Dasu bus bombing.", "116")
    >>> stage_of(ev)
    'sentence'
    """
    if event.negated or event.mode == "hypothetical":
        return None
    base = _INTENT_BASE.search(event.rule or "") if event.mode == "intent" else None
    return _stage(event.sentence or "", event.code or "", event.mode, base.group(1) if base else None)


@lru_cache(maxsize=8192)
def _stage(sentence: str, code: str, mode: str, base: str | None) -> str | None:
    text = " ".join(sentence.lower().split())
    cands = (code,) if base is None else (code, base)
    for rule in stage_rules():
        if rule.mode != "*" and rule.mode != mode:
            continue
        if rule.codes and not any(c.startswith(p) for c in cands for p in rule.codes):
            continue
        if rule.words is not None and not rule.words.search(text):
            continue
        if rule.unless is not None and rule.unless.search(text):
            continue
        return rule.stage
    return None


def followups(events: Iterable[Event]) -> list[tuple[Event, str]]:
    """(event, stage) for every follow-up among ``events``, one per (article, sentence, stage).

    A stage read from the words around a reference is dropped when a coded event of the same sentence already
    is a follow-up (the coded event says better what was done), except ``at_large``, which no event codes
    ("police arrested two suspects; a third is still at large").

    >>> s = "Police arrested two men over the Dasu attack."
    >>> evs = [Event("a", 0, (0, 45), s, "173"), Event("a", 0, (0, 45), s, "180", mode="reference")]
    >>> [(e.code, st) for e, st in followups(evs)]
    [('173', 'arrest')]
    """
    seen: set[tuple] = set()
    coded: set[tuple] = set()
    out: list[tuple[Event, str]] = []
    events = list(events)
    for ev in sorted(events, key=lambda e: e.mode == REFERENCE):  # coded events first
        st = stage_of(ev)
        key = (ev.article_id, ev.sentence_index, st)
        if st is None or key in seen:
            continue
        if ev.mode == REFERENCE and st != "at_large" and key[:2] in coded:
            continue
        if ev.mode != REFERENCE:
            coded.add(key[:2])
        seen.add(key)
        out.append((ev, st))
    order = {id(e): i for i, e in enumerate(events)}
    return sorted(out, key=lambda p: order[id(p[0])])


# ---- what a sentence says about its incident ----------------------------------------------------------

_TOK = re.compile(r"[A-Za-z](?:[\w-]|\.(?=\w))*|\d+(?:[,:]\d+)*|['’]s\b|\S")
_MONTHS = {m: i + 1 for i, m in enumerate(
    ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
     "november", "december"])}
_MONTHS.update({"jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "sept": 9,
                "oct": 10, "nov": 11, "dec": 12})
_WEEKDAYS = frozenset({"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"})
_NOT_PLACE = frozenset({"the", "a", "an", "this", "that", "last", "these", "those", "its", "their", "his", "her",
                        "in", "on", "at", "of", "near", "police", "security", "government", "army", "state",
                        "islamic", "minister", "president", "prime", "court"})
_PP_HEADS = frozenset({"in", "near", "at", "outside", "on", "against", "targeting", "of", "inside", "close", "to"})
_BEFORE_STOP = frozenset({"in", "on", "over", "for", "of", "at", "after", "since", "with", "to", "by", "about",
                          "from", "into", "and", "or", "that", "which", "who", "was", "were", "is", "are", "said",
                          "has", "have", "had", "be", "been"})
_YEAR = re.compile(r"(?<!\d)(19\d\d|20\d\d)(?!\d)")


@dataclass
class _Tok:
    text: str
    low: str
    start: int
    end: int


def _tokens(sentence: str) -> list[_Tok]:
    return [_Tok(m.group(), m.group().lower(), m.start(), m.end()) for m in _TOK.finditer(sentence)]


def _noun_row(toks: list[_Tok], i: int) -> _Noun | None:
    """The reference_nouns row for the token at i (with the word before it as modifier), or None."""
    w = toks[i].low.strip(".")
    table = reference_nouns()
    cands = [w] + ([w[:-1]] if w.endswith("s") else []) + ([w[:-2]] if w.endswith("es") else [])
    for c in cands:
        if c in table:
            prev = toks[i - 1].low if i > 0 else ""
            for row in table[c]:
                if row.mod is None or row.mod == prev:
                    return row
    return None


def _find_noun(trigger: str | None, mode: str, toks: list[_Tok]) -> int | None:
    """Index of the token naming the incident: the trigger of a reference; for a follow-up, the incident noun
    whose phrase gives the most clues (place, date), the nearest the trigger on a tie ("charged four men with
    murder over the Dasu bus attack": the attack)."""
    nouns = [i for i in range(len(toks)) if _noun_row(toks, i)]
    if not nouns:
        return None
    trig = (trigger or "").lower().split()
    at = None
    if trig:
        for i, t in enumerate(toks):
            if t.low == trig[-1]:
                at = i
                break
    if mode == REFERENCE and at is not None and at in nouns:
        return at
    if len(nouns) == 1:
        return nouns[0]

    def clues(i: int) -> int:
        lo, hi = _np_window(toks, i)
        caps = sum(1 for t in toks[lo:hi] if t.text[:1].isupper() and t.low not in _NOT_PLACE and lo > 0)
        digits = sum(1 for t in toks[lo:hi] if t.text[:1].isdigit())
        return caps + digits + sum(1 for t in toks[lo:i] if t.low in ("month", "week", "year"))

    ref = at if at is not None else 0
    return min(nouns, key=lambda i: (-clues(i), abs(i - ref), i))


_REL_VERBS = frozenset({"killed", "wounded", "injured", "hit", "targeted", "struck", "left", "ripped", "tore",
                        "claimed", "rocked"})
_PARTICIPLES = frozenset({"carrying", "transporting", "targeting", "killing", "wounding", "injuring"})


def _np_window(toks: list[_Tok], n: int) -> tuple[int, int]:
    """Token range [lo, hi) of the incident noun phrase: modifiers before it and, after it, a chain of
    prepositional phrases, through a participle or a short relative clause ("last month's bus bombing in Upper
    Kohistan", "the attack on a hotel in Quetta", "the bombing of a bus carrying Chinese engineers to the Dasu
    dam", "the roadside bombing that killed three policemen in Kech district")."""
    lo = n
    while lo > 0 and n - lo < 5:
        t = toks[lo - 1]
        if t.low in ("the", "a", "an", "'s", "’s", ",", ";", ":", "(", ")") or t.low in _BEFORE_STOP:
            break
        lo -= 1
    hi, j = n + 1, n + 1

    def skip_to_pp(k: int, limit: int) -> int | None:
        start = k
        while k < len(toks) and k - start < limit and toks[k].low not in _PP_HEADS \
                and re.match(r"[A-Za-z\d]", toks[k].text):
            k += 1
        return k if k < len(toks) and toks[k].low in _PP_HEADS else None

    while j < len(toks) and j - n < 24:
        w = toks[j].low
        if w in ("that", "which") and j + 1 < len(toks) and toks[j + 1].low in _REL_VERBS:
            nxt = skip_to_pp(j + 2, 5)
        elif w in _PARTICIPLES:
            nxt = skip_to_pp(j + 1, 4)
        elif w in _PP_HEADS:
            nxt = j
        else:
            break
        if nxt is None:
            break
        j = nxt
        k = j + 1
        if k < len(toks) and toks[k].low in ("to", "by"):  # "close to", "near by"
            k += 1
        if k < len(toks) and toks[k].low in ("the", "a", "an"):
            k += 1
        m = k
        while m < len(toks) and m - k < 5 and toks[m].low not in _PP_HEADS \
                and (re.match(r"[A-Za-z]", toks[m].text) or toks[m].low in ("'s", "’s")) \
                and toks[m].low not in _BEFORE_STOP - _PP_HEADS and toks[m].low not in _PARTICIPLES:
            m += 1
        if m == k:
            break
        hi = j = m
    return lo, hi


def _published(event: Event, published: str | None) -> str | None:
    return published or event.published or (event.date if event.mode != REFERENCE else None)


def _month_period(y: int, m: int) -> tuple[str, str]:
    return date(y, m, 1).isoformat(), date(y, m, monthrange(y, m)[1]).isoformat()


def _period(text: str, expr_date: str | None, precision: str | None, kind: str, pub: date) -> \
        tuple[str | None, tuple[str, str] | None, str | None]:
    """(day, (first, last) period, precision) that a date expression gives for the incident."""
    low = text.lower()
    if expr_date and precision == "day":
        return expr_date, None, "day"
    years = _YEAR.findall(low)
    month = next((_MONTHS[w] for w in re.findall(r"[a-z]+", low) if w in _MONTHS and len(w) > 2), None)
    ago = re.search(r"(\w+)\s+(day|week|month|year)s?\s+ago", low)
    if ago:
        from .casualties import _UNITS_WORDS
        n = int(ago.group(1)) if ago.group(1).isdigit() else _UNITS_WORDS.get(ago.group(1), 1)
        unit, tol = {"day": (1, 1), "week": (7, 4), "month": (30, 20), "year": (365, 190)}[ago.group(2)]
        centre = pub - timedelta(days=n * unit)
        return None, ((centre - timedelta(days=tol)).isoformat(), (centre + timedelta(days=tol)).isoformat()), \
            ago.group(2)
    if month:
        y = int(years[0]) if years else (pub.year if month <= pub.month else pub.year - 1)
        return None, _month_period(y, month), "month"
    if years:
        y = int(years[0])
        return None, (f"{y}-01-01", f"{y}-12-31"), "year"
    if "month" in low:
        if "last" in low or "past" in low:
            prev = pub.replace(day=1) - timedelta(days=1)
            if "past" in low or "recent" in low:
                return None, ((pub - timedelta(days=42)).isoformat(), pub.isoformat()), "month"
            return None, _month_period(prev.year, prev.month), "month"
        return None, _month_period(pub.year, pub.month), "month"
    if "weeks" in low:
        return None, ((pub - timedelta(days=42)).isoformat(), pub.isoformat()), "month"
    if "week" in low:
        if "this" in low:
            return None, ((pub - timedelta(days=pub.weekday())).isoformat(), pub.isoformat()), "week"
        return None, ((pub - timedelta(days=14)).isoformat(), pub.isoformat()), "week"
    if "year" in low:
        if "last" in low and "past" not in low:
            return None, (f"{pub.year - 1}-01-01", f"{pub.year - 1}-12-31"), "year"
        if "this" in low:
            return None, (f"{pub.year}-01-01", pub.isoformat()), "year"
    return None, None, None


def _date_clue(sentence: str, toks: list[_Tok], n: int, lo: int, hi: int, pub_s: str | None) -> dict:
    """The date the sentence gives for the incident named at token n: the expression inside its noun phrase
    ("the July 14 attack", "last month's bombing", "the attack in July") is strong; a weekday or "yesterday"
    after the noun is weak, as it may date the follow-up instead ("arrested over the attack on Thursday")."""
    none = {"date": None, "period": None, "date_precision": None, "date_text": None, "date_strength": None}
    if not pub_s:
        return none
    try:
        pub = date.fromisoformat(pub_s[:10])
    except ValueError:
        return none
    from .extraction.dates import find_dates  # pure regex module, no spaCy
    noun_start, noun_end = toks[n].start, toks[n].end
    np_start = toks[lo].start
    np_end = toks[hi - 1].end if hi > n + 1 else noun_end
    best = None
    for e in find_dates(sentence, pub):
        if e.kind in ("future", "relative"):
            continue
        if e.end <= noun_start:
            # only inside the noun phrase: "the July 14 attack", "last month's bus bombing" (not "on Wednesday
            # strongly condemned the attack", which dates the condemnation)
            if e.start < np_start and sentence[e.end:np_start].strip() not in ("", "'s", "’s"):
                continue
            strength = "strong"
        elif e.start >= noun_end:
            if e.start > max(np_end, noun_end) + 4:
                continue
            gap = sentence[noun_end:e.start]
            if "," in gap or len(gap) > 45:
                continue
            explicit = bool(_YEAR.search(e.text)) or any(w in _MONTHS for w in re.findall(r"[a-z]+", e.text.lower())) \
                or "month" in e.text.lower() or "year" in e.text.lower() or "ago" in e.text.lower()
            strength = "strong" if explicit else "weak"
        else:
            continue
        if best is None or (strength == "strong" and best[1] == "weak"):
            best = (e, strength)
    if best is None:
        # "the 2021 attack", "the July bombing": a bare year or month right before the noun (find_dates
        # leaves those alone outside "in July", "in 2021")
        for i in range(max(lo, n - 3), n):
            if _YEAR.fullmatch(toks[i].text):
                y = int(toks[i].text)
                return {"date": None, "period": (f"{y}-01-01", f"{y}-12-31"), "date_precision": "year",
                        "date_text": toks[i].text, "date_strength": "strong"}
            if toks[i].low in _MONTHS and len(toks[i].low) > 3 and toks[i].text[:1].isupper():
                _, period, precision = _period(toks[i].text, None, "month", "historical", pub)
                return {"date": None, "period": period, "date_precision": precision, "date_text": toks[i].text,
                        "date_strength": "strong"}
        return none
    e, strength = best
    day, period, precision = _period(e.text, e.date, e.precision, e.kind, pub)
    if day is None and period is None:
        return none
    return {"date": day, "period": period, "date_precision": precision, "date_text": e.text,
            "date_strength": strength}


def _countries_module():
    from .extraction import countries
    return countries


def _geocode(name: str, hint: list[str]) -> Place | None:
    try:
        from .extraction.places import gazetteer  # loads a pickled index once; no spaCy
        return gazetteer().lookup(name, [c for c in hint if c])
    except Exception:  # a missing gazetteer cache must not break linking: names still compare as text
        return None


def _place_clues(toks: list[_Tok], n: int, lo: int, hi: int, hint: list[str]) -> tuple[
        list[str], list[Place], list[str], list[str], str | None]:
    """Place names that geocode, their places, country codes, other names (groups, organisations: "the
    Taliban attack") and victims' nationality, as named in the noun phrase."""
    co = _countries_module()
    groups: list[list[_Tok]] = []
    cur: list[_Tok] = []
    nationality = None
    for i in range(lo, hi):
        t = toks[i]
        is_cap = t.text[:1].isupper() and t.low not in _NOT_PLACE and t.low not in _MONTHS \
            and t.low not in _WEEKDAYS and i != n
        dem = co.country_by_demonym(t.text) if is_cap else None
        if dem:
            nationality = nationality or dem
            is_cap = False
        if is_cap:
            cur.append(t)
        else:
            if cur:
                groups.append(cur)
            cur = []
    if cur:
        groups.append(cur)
    names, places, countries, others = [], [], [], []
    for g in groups:
        text = " ".join(t.text for t in g)
        iso = co.country_by_name(text)
        if iso:
            countries.append(iso)
            continue
        names.append(text)
    for text in names:
        words = text.split()
        found = None
        for k in range(len(words), 0, -1):  # "Dasu Hydropower Project" -> "Dasu"
            for s in range(0, len(words) - k + 1):
                found = _geocode(" ".join(words[s:s + k]), countries + hint)
                if found:
                    break
            if found:
                break
        if found:
            places.append(found)
        else:
            others.append(text)
    return [n for n in names if n not in others], places, countries, others, nationality


def _sentence_countries(toks: list[_Tok]) -> list[str]:
    """Countries the sentence names ("China urged Pakistan"): where to geocode its place names."""
    co = _countries_module()
    out = []
    for t in toks:
        if t.text[:1].isupper() and t.low not in _NOT_PLACE:
            iso = co.country_by_name(t.text) or co.country_by_demonym(t.text)
            if iso and iso not in out:
                out.append(iso)
    return out


def reference_info(event: Event, *, published: str | None = None, countries: Iterable[str] = ()) -> dict:
    """What the event's sentence says about the incident it concerns, read around the incident noun.

    Keys: ``noun`` (the word naming the incident, None when the sentence names none), ``code`` and ``root``
    (the type: the reference's own code, else the noun's first code), ``codes``/``family``/``generic`` (the
    noun's row in reference_nouns.tsv), ``places`` (place names inside the noun phrase that the gazetteer
    knows: "the *Dasu* attack", "the bombing in *Upper Kohistan*"), ``locations`` (those places, ``Place``),
    ``countries`` (country names there, ISO3), ``names`` (other capitalised names there: groups, or towns the
    gazetteer lacks: "the *Taliban* attack"), ``date``/``period``/``date_precision``/``date_text``/``date_strength`` (the date the
    phrase gives: "the July 14 attack" -> date, "last month's" -> the previous month as (first, last) day),
    ``nationality`` (victims' nationality: "attack on the *Chinese* convoy", "killed nine *Chinese*
    nationals"), ``distinct`` (the phrase names some other incident: "another attack") and ``published``.

    >>> info = reference_info(Event("a", 0, (0, 70), "China urged Pakistan to punish those behind last month's"
    ...                             " bus bombing in Upper Kohistan.", "020", published="2021-08-20"))
    >>> info["code"], info["places"], info["period"]
    ('183', ['Upper Kohistan'], ('2021-07-01', '2021-07-31'))
    """
    hint = (event.location.country if event.location else None,
            event.source.country if event.source else None, event.target.country if event.target else None,
            *countries)
    info = _reference_info(event.sentence or "", event.code or "", event.mode, event.trigger,
                           _published(event, published), tuple(dict.fromkeys(c for c in hint if c)))
    return {**info, "places": list(info["places"]), "locations": list(info["locations"]),
            "countries": list(info["countries"]), "names": list(info["names"])}


@lru_cache(maxsize=20_000)
def _reference_info(sentence: str, code: str, mode: str, trigger: str | None, pub: str | None,
                    hint: tuple[str, ...]) -> dict:
    toks = _tokens(sentence)
    out: dict = {"noun": None, "code": None, "root": None, "codes": (), "family": (), "generic": False,
                 "places": (), "locations": (), "countries": (), "names": (), "nationality": None, "published": pub,
                 "distinct": False,
                 "date": None, "period": None, "date_precision": None, "date_text": None, "date_strength": None}
    n = _find_noun(trigger, mode, toks)
    if mode == REFERENCE and code:
        out["code"], out["root"] = code, code[:2]
    if n is not None:
        row = _noun_row(toks, n)
        out.update(noun=toks[n].low, codes=row.codes, family=row.family, generic=row.generic)
        if out["code"] is None:
            c = row.codes[0] if len(row.codes[0]) >= 3 else row.codes[0] + "0"
            out["code"], out["root"] = c, c[:2]
        lo, hi = _np_window(toks, n)
        # "another attack", "a separate bombing", "an earlier attack" (but "the earlier attack" is this one)
        before = [t.low for t in toks[max(0, lo - 2):n]]
        out["distinct"] = any(w in distinct_words() and not (w == "earlier" and "the" in before) for w in before)
        names, places, countries, others, nationality = _place_clues(toks, n, lo, hi,
                                                                     list(hint) + _sentence_countries(toks))
        out.update(places=tuple(names), locations=tuple(places), countries=tuple(countries), names=tuple(others),
                   nationality=nationality)
        out.update(_date_clue(sentence, toks, n, lo, hi, pub))
    if out["nationality"] is None:
        from .casualties import casualties
        nat = casualties(sentence)["nationals"]
        if nat:
            out["nationality"] = max(nat, key=nat.get)
        else:
            co = _countries_module()
            m = re.search(r"\b([A-Z][a-z]+)\s+(?:nationals|citizens|engineers|workers|employees|staff|"
                          r"tourists|diplomats|personnel)\b", sentence)
            if m:
                out["nationality"] = co.country_by_demonym(m.group(1))
    return out


# ---- link score ---------------------------------------------------------------------------------------

def _place_key(name: str | None) -> str:
    if not name:
        return ""
    from .extraction.countries import norm
    k = norm(name)
    return re.sub(r"\s+(district|division|province|tehsil|city|region|county|agency)$", "", k)


def _place_fit(a: Place, inc: Place) -> float | None:
    """How well a named place fits the incident's place: 1 same place, 0.95 same district, 0.9 within 50 km,
    0.6 same province (when only the province is named), 0.3 same country (only the country named);
    None: a different place."""
    from .extraction.places import distance_km
    ak = _place_key(a.name)
    inc_keys = {_place_key(inc.name), _place_key(inc.admin2)} - {""}
    if ak and ak in inc_keys:
        return 1.0
    if a.admin2 and inc.admin2 and _place_key(a.admin2) == _place_key(inc.admin2) and a.precision != "province":
        return 0.95
    d = distance_km(a, inc)
    if a.precision in ("city", "district") and d <= 50:
        return 0.9
    if a.precision == "province" and (ak == _place_key(inc.admin1) or
                                      (a.admin1 and _place_key(a.admin1) == _place_key(inc.admin1))):
        return 0.6
    if a.precision == "country" and a.country and a.country == inc.country:
        return 0.3
    return None


def _type_fit(info: dict, incident: Incident) -> float | None:
    """1 the incident's code is what the noun names, 0.8 a generic noun ("attack") over its family, 0.6 another
    code of the same root, 0.3 another root of the family (a "bombing" coded as military force); None: a type
    that cannot be this incident (a "bombing" is no arrest)."""
    code = incident.code or ""
    if not info["codes"]:
        ref = info["code"]
        if not ref:
            return 0.0
        if code.startswith(ref) or ref.startswith(code):
            return 1.0
        return 0.5 if ref[:2] == code[:2] else None
    if info["generic"]:
        return 0.8 if code[:2] in info["family"] else None
    if any(code.startswith(c) or (len(code) >= 3 and c.startswith(code) and code[2] != "0") for c in info["codes"]):
        return 1.0
    if any(code[:2] == c[:2] for c in info["codes"]):
        return 0.6
    return 0.3 if code[:2] in info["family"] else None


def _date_fit(info: dict, inc_date: str | None, inc_precision: str | None) -> float | None:
    try:
        return _date_fit_checked(info, inc_date, inc_precision)
    except ValueError:  # a malformed date gives no evidence either way
        return 0.0


def _date_fit_checked(info: dict, inc_date: str | None, inc_precision: str | None) -> float | None:
    """1 the same day, 0.6 a day apart, 0.6 inside the named month/week, 0.3 inside the named year;
    None: a strong date clue the incident contradicts (a weak one that does not fit just gives 0)."""
    if not inc_date or not (info["date"] or info["period"]):
        return 0.0
    strong = info["date_strength"] == "strong"
    inc = inc_date[:10]
    if info["date"]:
        if inc_precision in ("month", "year"):
            ok = info["date"][:7 if inc_precision == "month" else 4] == inc[:7 if inc_precision == "month" else 4]
            return 0.5 if ok else (None if strong else 0.0)
        gap = abs((date.fromisoformat(inc) - date.fromisoformat(info["date"])).days)
        if gap == 0:
            return 1.0
        if gap == 1:
            return 0.6
        return None if strong else 0.0
    first, last = info["period"]
    if first <= inc <= last:
        return 0.3 if info["date_precision"] == "year" else 0.6
    if inc_precision in ("month", "year") and inc[:4] == first[:4]:
        return 0.2  # the incident is only dated to a month or a year that overlaps
    return None if strong else 0.0


_VIOLENT_ROOTS = ("18", "19", "20")


def _context_clues(event: Event, context: Iterable[Event], pub: str | None, incident: Incident,
                   hint: list[str]) -> dict:
    """Clues the rest of the article gives about the incident a clue-less sentence concerns ("the attack"):
    the nearest reference whose noun phrase names a place or a date (earlier sentences first), else the nearest
    report of a violent act (the extractor's place and day for it). Only references and reports whose type
    could be ``incident`` count (a "raid" that led to arrests says nothing about a bombing)."""
    others = [e for e in context if e is not event and e.article_id == event.article_id and not e.negated]
    others.sort(key=lambda e: (e.sentence_index > event.sentence_index, abs(e.sentence_index - event.sentence_index)))
    out: dict = {"places": None, "date": None, "nationality": None, "type": None}
    for e in others:
        if e.mode != REFERENCE:
            continue
        info = reference_info(e, published=pub, countries=hint)
        fit = _type_fit(info, incident)
        if fit is None:
            continue
        if out["type"] is None:
            out["type"] = fit
        if out["places"] is None and (info["locations"] or info["countries"]):
            out["places"] = (info["locations"] + [Place(c, country=c, precision="country")
                                                  for c in info["countries"]], info["names"])
        if out["date"] is None and (info["date"] or info["period"]):
            out["date"] = info
        out["nationality"] = out["nationality"] or info["nationality"]
    for e in others:  # the article's own reports of an attack
        if e.mode != "asserted" or (e.code or "")[:2] not in _VIOLENT_ROOTS or (e.code or "")[:2] != incident.root[:2]:
            continue
        if out["places"] is None and e.location is not None and e.location.precision != "country":
            out["places"] = ([e.location], [])
        if out["date"] is None and e.date and e.date_precision == "day":
            out["date"] = {"date": e.date, "period": None, "date_precision": "day", "date_strength": "strong"}
        if out["nationality"] is None and e.target is not None and e.target.country:
            out["nationality"] = e.target.country
    return out


def _names_fit_actor(names: list[str], actor) -> bool:
    """A name in the noun phrase is the incident's perpetrator ("the TTP attack", "the Taliban's bombing")."""
    from .extraction.countries import norm
    own = {norm(x) for x in (actor.name, actor.text) if x}
    return any(norm(n) in own or any(norm(n) in o.split() for o in own) for n in names if len(n) > 2)


def _names_fit(names: list[str], inc: Place) -> float:
    keys = {_place_key(inc.name), _place_key(inc.admin2)} - {""}
    return 1.0 if any(_place_key(p) in keys for p in names) else 0.0


def link_score(event: Event, incident: Incident, *, published: str | None = None,
               context: Iterable[Event] | None = None) -> float:
    """How well a reference or follow-up ``event`` fits ``incident``: a score in [0, 1].

    Link at ``LINK_THRESHOLD`` (0.5, ``Settings.link_threshold``) and above; among incidents, the highest
    score wins. Calibrated so that one exact clue plus the type links (the place: "the Dasu attack"; the day:
    "the July 14 attack"), while a month or a province alone with the type does not ("last month's bombing":
    there may have been several).

    Hard conditions (score 0): the incident happened after the event's publication (``published``, else
    ``event.published``; for a follow-up also after its own date); the sentence names a place for the incident
    that is not the incident's (not the same place or district and over 50 km away); it gives a date in the
    noun phrase that the incident contradicts ("the July 14 attack" vs an incident of 12 July); its noun names
    a type the incident is not ("bombing" vs an arrest); the phrase names some other incident than the one
    followed ("another attack in Dasu", "a similar bombing": ``reference_words.tsv``).

    Otherwise the sum of four parts, each 0..1 (see ``reference_info`` for what is read from the sentence):

    * place, weight 0.40: a place named in the noun phrase matches (1 same name, 0.95 district, 0.9 within 50 km,
      0.6 the province, 0.3 only the country); failing that, the place the rest of the article gives (``context``),
      at 0.9; failing that, the event's own location, at 0.7 (it may be where the court sits, so a mismatch
      there costs nothing);
    * date, weight 0.40: 1 the same day, 0.6 a day apart or inside the named month or week, 0.3 the year;
      failing that the article's date for it, at 0.6; failing any date, a report within two days of the
      incident gets 0.5 and within a week 0.25 (news of the day speaks of the day's attack);
    * type, weight 0.15: 1 the code the noun names (183 for "bombing"), 0.8 a generic "attack" (roots 18-20),
      0.6 another code of the same root, 0.3 another root of the family;
    * actor, weight 0.05: the victims' nationality is the incident's target country (1), or the incident's
      country is a party of the follow-up (0.5).

    A time factor then keeps old incidents slightly lower: 1 within a year of publication, falling linearly to
    0.8 at five years. Without any place or explicit date (own or from the article) the score is capped at 0.3:
    type, actor and recency alone never link (precision first). ``context``: the other events of the article
    (references and reports), read only for what the event's own sentence does not say.

    >>> from eventwatch.records import Place
    >>> dasu = Place("Dasu", "PAK", "Khyber Pakhtunkhwa", "Upper Kohistan District", 35.29, 73.29)
    >>> inc = Incident("i1", "183", "18", date="2021-07-14", location=dasu)
    >>> ref = Event("a", 4, (0, 60), "Zhao asked Pakistan to find out the truth of the Dasu attack.", "180",
    ...             mode="reference", trigger="attack", published="2021-08-24")
    >>> link_score(ref, inc) >= LINK_THRESHOLD
    True
    """
    pub = _published(event, published)
    inc_date = incident.date or incident.first_seen
    bound = pub
    if event.mode != REFERENCE and event.date and (bound is None or event.date < bound):
        bound = event.date
    if bound and inc_date and inc_date[:10] > bound[:10]:
        return 0.0
    hint = [incident.location.country] if incident.location and incident.location.country else []
    info = reference_info(event, published=pub, countries=hint)
    # a name the gazetteer lacks counts as a place only when it is the incident's ("the Barseen attack")
    own_place = bool(info["locations"] or info["countries"]) or bool(
        incident.location is not None and _names_fit(info["names"], incident.location))
    own_date = bool(info["date"] or info["period"])
    ctx = _context_clues(event, context, pub, incident, hint) if context is not None and not (own_place and own_date) \
        else {"places": None, "date": None, "nationality": None, "type": None}
    type_fit = _type_fit(info, incident)
    if type_fit is None or info["distinct"]:
        return 0.0
    if info["noun"] is None and ctx.get("type") is not None:
        type_fit = ctx["type"]  # "will apprehend the perpetrator": the incident the article names
    inc_precision = incident.date_precision if incident.date else "day"

    explicit_date = False
    if own_date:
        date_fit = _date_fit(info, inc_date, inc_precision)
        if date_fit is None:
            return 0.0
        explicit_date = True
    elif ctx["date"] is not None:
        date_fit = 0.6 * (_date_fit({**ctx["date"], "date_strength": "weak"}, inc_date, inc_precision) or 0.0)
        explicit_date = True
    else:
        date_fit = 0.0
        if pub and inc_date:
            try:
                gap = (date.fromisoformat(pub[:10]) - date.fromisoformat(inc_date[:10])).days
            except ValueError:
                gap = 99
            date_fit = 0.5 if 0 <= gap <= 2 else 0.25 if 0 <= gap <= 7 else 0.0

    place_fit = 0.0
    if incident.location is not None:
        if own_place:
            # a country counts only when nothing more precise is named ("in Pakistan's Khyber Pakhtunkhwa
            # province": the province decides)
            named = list(info["locations"]) or [Place(c, country=c, precision="country") for c in info["countries"]]
            fits = [_place_fit(p, incident.location) for p in named]
            if named and all(f is None for f in fits):
                return 0.0
            place_fit = max([f for f in fits if f is not None] + [_names_fit(info["names"], incident.location)])
        elif ctx["places"] is not None:
            places, names = ctx["places"]
            fits = [f for f in (_place_fit(p, incident.location) for p in places) if f is not None]
            place_fit = 0.9 * max(fits + [_names_fit(names, incident.location)])
        if place_fit == 0.0 and event.location is not None and event.location.precision != "country":
            f = _place_fit(event.location, incident.location)
            place_fit = 0.7 * f if f else 0.0

    nationality = info["nationality"] or ctx["nationality"]
    actor_fit = 0.0
    if nationality and incident.target and incident.target.country == nationality:
        actor_fit = 1.0
    elif incident.source and _names_fit_actor(info["names"], incident.source):
        actor_fit = 1.0  # "the TTP attack" and an incident by the TTP
    elif incident.location and incident.location.country and incident.location.country in {
            event.source.country if event.source else None, event.target.country if event.target else None}:
        actor_fit = 0.5
    score = 0.40 * place_fit + 0.40 * date_fit + 0.15 * type_fit + 0.05 * actor_fit
    if place_fit == 0.0 and not explicit_date:
        score = min(score, 0.3)
    factor = 1.0
    if pub and inc_date:
        try:
            gap = (date.fromisoformat(pub[:10]) - date.fromisoformat(inc_date[:10])).days
        except ValueError:
            gap = 0
        if gap > 365:
            factor = max(0.8, 1 - 0.2 * (gap - 365) / (4 * 365))
    return round(max(0.0, min(1.0, score * factor)), 3)


# ---- case entries -------------------------------------------------------------------------------------

def _entry_date(e: CaseEntry) -> str | None:
    return e.date or e.event.date or e.event.published


def order_entries(entries: Iterable[CaseEntry]) -> list[CaseEntry]:
    """Entries in time order: date (entry's, else its event's, else publication), then the article's
    publication date, then article and sentence index. Undated entries go last.

    >>> a = CaseEntry("i", Event("x", 2, (0, 1), "s", "173"), "arrest", "2021-08-19")
    >>> b = CaseEntry("i", Event("x", 1, (0, 1), "s", "111"), "condemnation", "2021-07-15")
    >>> [e.stage for e in order_entries([a, b])]
    ['condemnation', 'arrest']
    """
    return sorted(entries, key=lambda e: (_entry_date(e) or "9999-99-99", e.event.published or "9999-99-99",
                                          e.event.article_id or "", e.event.sentence_index))


def case_status(entries: Iterable[CaseEntry]) -> str:
    """open | arrested | charged | convicted: the furthest stage the entries reach (trial counts as charged,
    sentence as convicted).

    >>> case_status([CaseEntry("i", Event("x", 0, (0, 1), "s", "173"), "arrest")])
    'arrested'
    """
    best = "open"
    for e in entries:
        st = _STATUS_OF_STAGE.get(e.stage)
        if st and _STATUS_RANK[st] > _STATUS_RANK[best]:
            best = st
    return best


def goals_of(entry: CaseEntry) -> list[tuple[str, frozenset[str]]]:
    """What a pledge or demand asks for: [(goal, stages that meet it)] from its sentence (case_goals.tsv)."""
    text = " ".join((entry.event.sentence or "").lower().split())
    found = [(g, met) for g, rx, met in goals() if rx is not None and rx.search(text)]
    return found or [(g, met) for g, rx, met in goals() if rx is None]


def flag_unmet(entries: list[CaseEntry], *, days: int, as_of: str) -> None:
    """Set ``unmet=True`` on every pledge or demand dated more than ``days`` before ``as_of`` that no later
    entry meets (``data/lexicon/case_goals.tsv``: a pledge to arrest is met by a later arrest, charge, trial,
    conviction or sentence; to investigate by an investigation or any later legal step; to punish by a charge,
    trial, conviction or sentence; a pledge naming several goals needs all of them). Other entries are left
    as they are; a pledge or demand that is met, or too recent, or undated gets ``unmet=False``.

    >>> pledge = Event("x", 0, (0, 1), "Pakistan vowed to arrest the attackers.", "030", mode="intent")
    >>> p = CaseEntry("i", pledge, "pledge", "2021-07-20")
    >>> flag_unmet([p], days=30, as_of="2021-09-01"); p.unmet
    True
    """
    ordered = order_entries(entries)
    cutoff = date.fromisoformat(as_of[:10]) - timedelta(days=days)
    for idx, e in enumerate(ordered):
        if e.stage not in ("pledge", "demand"):
            continue
        d = _entry_date(e)
        try:
            day = date.fromisoformat(d[:10]) if d else None
        except ValueError:  # an unreadable date cannot be overdue
            day = None
        if day is None or day > cutoff:
            e.unmet = False
            continue
        later = {x.stage for x in ordered[idx + 1:] if (_entry_date(x) or "") >= d[:10]}
        e.unmet = any(not (met & later) for _, met in goals_of(e))
