"""Casualty figures (killed, injured, abducted) in one sentence: regex tokens and small rules, no spaCy.

The incidents stage runs this on the evidence sentence of every event it clusters, so it must be pure and
fast: one regex tokenizer, a few dictionary look-ups per token. The vocabulary (cue words, victim nouns,
fillers, units) is data: ``data/lexicon/casualties.tsv``; nationality words come from ``data/countries.tsv``.

How a figure is found. A figure counts only when it is attached to a casualty cue:

* after a transitive cue: ``killed 13 people``, ``kidnapped three workers``, ``wounding two of them``
  (what follows the figure must be a victim noun, a nationality or the end of the phrase, so "killed two
  birds" and "seized 20 weapons" give nothing);
* before a cue, with fillers between: ``at least 10 were killed and 28 wounded``, ``two engineers were
  wounded``, ``13 dead``, ``three died``, ``took 20 people hostage``, ``13 deaths``;
* after a toll: ``the death toll rose to 13`` (the last figure before the clause ends: "from 10 to 13").

Numbers are digits (``1,200``) or words (``nine``, ``twenty-five``, ``a hundred``); ``a dozen`` is 12 and
``half a dozen`` 6; ``a``/``an``/``one`` before a victim noun is 1 (``killed a policeman``); ``no one`` and
``nobody`` are 0. Vague counts (``dozens``, ``scores``, ``several``, ``hundreds``) are no figure: we never
invent one. Bounds are dropped: ``at least 10``, ``more than 10`` and ``nearly 10`` all give 10, the figure as
stated. A number that is a measure, an age, a time, money or a label is never a head count (``50 km``,
``a 25-year-old``, ``aged 25``, ``at 7:30 am``, ``$13 million``, ``No. 10``).

A running total is no incident's toll and gives nothing: ``has killed more than 6,000 people since 2017``,
``so far this year``, ``in the past two years`` (but ``the deadliest attack since 2014`` still counts).

When one sentence gives several figures of a kind, coordinated groups add up (``killing two soldiers and
three civilians`` is 5) and separate statements give the highest (``killed 10 ... the toll rose to 13``).

``nationals`` is the breakdown of the victims by nationality (ISO alpha-3) where the sentence states it:
``including nine Chinese nationals``, ``nine of them Chinese``, ``nine Chinese engineers were killed``. It
describes the killed when the sentence gives one for them, else the injured, else the abducted.

>>> casualties("The blast killed 13 people including nine Chinese nationals.")
{'killed': 13, 'injured': None, 'abducted': None, 'nationals': {'CHN': 9}}
>>> casualties("At least 10 were killed and 28 wounded when a bomb hit the bus.")["injured"]
28
"""
from __future__ import annotations

import csv
import re
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache

from .settings import DATA_DIR

KINDS = ("killed", "injured", "abducted")
CASUALTIES_TSV = DATA_DIR / "lexicon" / "casualties.tsv"

_TOKEN = re.compile(r"\d+(?:[,.:]\d+)*(?:-[A-Za-z]+)*|[A-Za-z]+(?:['’-][A-Za-z]+)*|\S")
_AMPM = re.compile(r"\b([ap])\.m\.", re.IGNORECASE)

_UNITS_WORDS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
    "seventeen": 17, "eighteen": 18, "nineteen": 19,
}
_TENS_WORDS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80,
               "ninety": 90}
# Words before a figure that bound or qualify it; the figure stays as stated
_QUANTIFIERS = (("at", "least"), ("at", "most"), ("more", "than"), ("less", "than"), ("fewer", "than"),
                ("as", "many", "as"), ("up", "to"), ("an", "estimated"), ("a", "total", "of"), ("a", "further"),
                ("nearly",), ("almost",), ("about",), ("around",), ("some",), ("over",), ("approximately",),
                ("roughly",), ("another",), ("only",), ("all",), ("estimated",), ("just",))
# What may follow a figure (and its victim noun) when a transitive cue takes it as object
_TERMINALS = frozenset({
    ",", ".", ";", ":", "(", ")", "-", "–", "—", "'", '"', "’", "and", "or", "in", "on", "at", "near", "during",
    "when", "while", "after", "before", "as", "including", "among", "with", "from", "inside", "outside", "across",
    "since", "last", "this", "yesterday", "overnight", "early", "late", "earlier", "later", "who", "which", "that",
    "but", "according", "officials", "police", "said", "says", "the", "of",
})
_INCLUDE_HEADS = (("including",), ("among", "them"), ("among", "whom"), ("among", "the", "dead"),
                  ("among", "the", "victims"), ("of", "whom"), ("mostly",), ("most", "of", "them"),
                  ("all", "of", "them"))
_AUX = frozenset({"were", "was", "been", "are", "is", "being", "be"})


@dataclass(frozen=True)
class _Lexicon:
    cues: dict[tuple[str, ...], tuple[str, str]]  # phrase -> (kind, form)
    victims: frozenset[tuple[str, ...]]
    singular: frozenset[str]  # victim nouns naming one person ("engineer")
    fillers: frozenset[str]
    modifiers: frozenset[str]
    units: frozenset[tuple[str, ...]]
    before: frozenset[str]  # currency and prefixes: a number after them is not a head count
    superlatives: frozenset[str]
    max_len: int


@lru_cache(maxsize=1)
def lexicon() -> _Lexicon:
    """The casualty vocabulary of ``data/lexicon/casualties.tsv``, loaded once."""
    with open(CASUALTIES_TSV, encoding="utf-8") as fh:
        lines = [ln for ln in fh if ln.strip() and not ln.startswith("#")]
    cues: dict[tuple[str, ...], tuple[str, str]] = {}
    groups: dict[str, set] = defaultdict(set)
    for r in csv.DictReader(lines, delimiter="\t"):
        key = tuple(_tokens(r["term"].lower()))
        if r["kind"] in KINDS:
            cues[key] = (r["kind"], r["form"])
        elif r["kind"] in ("victim", "unit"):
            groups[r["kind"]].add(key)
            if r["form"] == "one":
                groups["singular"].add(" ".join(key))
        else:
            groups[r["kind"]].add(" ".join(key))
    return _Lexicon(cues, frozenset(groups["victim"]), frozenset(groups["singular"]), frozenset(groups["filler"]),
                    frozenset(groups["modifier"]), frozenset(groups["unit"]),
                    frozenset(groups["currency"] | groups["prefix"]), frozenset(groups["superlative"]),
                    max(len(k) for k in list(cues) + list(groups["victim"])))


def _tokens(text: str) -> list[str]:
    return _TOKEN.findall(text)


@lru_cache(maxsize=4096)
def _demonym(word: str) -> str | None:
    """ISO3 of a nationality word ("Chinese", "Pakistanis"); only capitalised words qualify."""
    if not word[:1].isupper():
        return None
    from .extraction.countries import country_by_demonym  # pure dictionary look-up, no spaCy
    return country_by_demonym(word)


class _Sentence:
    def __init__(self, text: str):
        self.lex = lexicon()
        self.raw = _tokens(_AMPM.sub(r"\1m", text))
        self.low = [t.lower() for t in self.raw]
        self.n = len(self.low)

    # ---- small matchers --------------------------------------------------------------------------------
    def phrase_at(self, i: int, table) -> int:
        """Length of the longest phrase of ``table`` starting at token i (0 when none)."""
        for k in range(min(self.lex.max_len, self.n - i), 0, -1):
            if tuple(self.low[i:i + k]) in table:
                return k
        return 0

    def phrase_ending(self, j: int, table) -> int:
        """Length of the longest phrase of ``table`` ending at token j (0 when none)."""
        for k in range(min(self.lex.max_len, j + 1), 0, -1):
            if tuple(self.low[j - k + 1:j + 1]) in table:
                return k
        return 0

    def is_unit_at(self, i: int) -> bool:
        if i < self.n and self.low[i] in ("-", "–") and i + 1 < self.n:
            i += 1  # "50-km", "25 - year - old" written with spaces
        return i < self.n and self.phrase_at(i, self.lex.units) > 0

    def number_at(self, i: int) -> tuple[int, int] | None:
        """(value, index after it) for a head-count figure starting at token i."""
        if i >= self.n:
            return None
        w = self.low[i]
        if i > 0 and self.low[i - 1] in self.lex.before:
            return None
        value, end = None, i + 1
        if w[0].isdigit():
            if not re.fullmatch(r"\d{1,3}(?:,\d{3})+|\d+", w):
                return None  # times (7:30), decimals, "25-year-old", "13-member"
            value = int(w.replace(",", ""))
        elif w in _UNITS_WORDS:
            value = _UNITS_WORDS[w]
        elif w in _TENS_WORDS:
            value = _TENS_WORDS[w]
            if end < self.n and self.low[end] in _UNITS_WORDS and 0 < _UNITS_WORDS[self.low[end]] < 10:
                value, end = value + _UNITS_WORDS[self.low[end]], end + 1  # "twenty five"
        elif "-" in w and w.split("-")[0] in _TENS_WORDS and w.split("-")[1] in _UNITS_WORDS:
            value = _TENS_WORDS[w.split("-")[0]] + _UNITS_WORDS[w.split("-")[1]]
        elif w == "dozen":
            value = 12
        elif w in ("a", "an") and end < self.n and self.low[end] in ("dozen", "hundred"):
            value, end = (12 if self.low[end] == "dozen" else 100), end + 1
        elif w == "half" and self.low[i + 1:i + 3] == ["a", "dozen"]:
            value, end = 6, i + 3
        if value is None:
            return None
        if end < self.n and self.low[end] == "hundred" and value < 100:
            value, end = value * 100, end + 1
        if end < self.n and self.low[end] == "dozen" and value < 100:
            value, end = value * 12, end + 1  # "two dozen"
        if self.is_unit_at(end):
            return None
        if w.isdigit() and len(w) == 4 and 1900 <= value <= 2099 and self.victim_np(end) is None:
            return None  # a year
        if i > 0 and self.low[i - 1] == "no" and value == 1:
            return 0, end  # "no one was hurt"
        return value, end

    def skip_quantifier(self, i: int) -> int:
        for q in _QUANTIFIERS:
            if tuple(self.low[i:i + len(q)]) == q:
                return i + len(q)
        return i

    def victim_np(self, i: int) -> tuple[int, str | None] | None:
        """A victim noun phrase at i: (index after it, nationality) or None.

        Modifiers and nationality words may precede the noun; a nationality word alone is a noun too
        ("killed 13 Chinese").
        """
        nat, j = None, i
        for _ in range(4):
            if j >= self.n:
                break
            k = self.phrase_at(j, self.lex.victims)
            if k and not (self.low[j] in self.lex.modifiers and self.phrase_at(j + 1, self.lex.victims)):
                return j + k, nat
            d = _demonym(self.raw[j])
            if d:
                nat, j = d, j + 1
                continue
            if self.low[j] in self.lex.modifiers or (j + 1 < self.n and self.low[j].endswith("-year-old")):
                j += 1
                continue
            break
        if nat and j > i:
            return j, nat  # "13 Chinese"
        return None

    def victim_np_ending(self, j: int) -> tuple[int, str | None] | None:
        """A victim noun phrase ending at token j: (index of its first token, nationality) or None."""
        k = self.phrase_ending(j, self.lex.victims)
        nat = None
        if k:
            start = j - k + 1
        elif j >= 0 and _demonym(self.raw[j]):
            start, nat = j, _demonym(self.raw[j])
        else:
            return None
        while start > 0:
            w = self.raw[start - 1]
            d = _demonym(w)
            if d:
                nat, start = d, start - 1
            elif w.lower() in self.lex.modifiers or w.lower().endswith("-year-old"):
                start -= 1
            else:
                break
        return start, nat

    def number_ending(self, j: int) -> tuple[int, int] | None:
        """(value, start index) of a figure whose last token is j."""
        for start in (j - 2, j - 1, j):
            if start < 0:
                continue
            got = self.number_at(start)
            if got and got[1] == j + 1:
                return got[0], start
        if j >= 0 and self.low[j] in ("a", "an") or (j >= 1 and self.low[j - 1:j + 1] == ["no", "one"]):
            return None
        if j >= 0 and self.low[j] in ("nobody", "none"):
            return 0, j
        return None


_MONTH_WORDS = frozenset({"january", "february", "march", "april", "may", "june", "july", "august", "september",
                          "october", "november", "december"})


def _running_totals(s: _Sentence) -> list[int]:
    """Token positions of phrases that make a figure a running total: "since 2017", "since May 2023", "so far
    this year", "in the past two years", "to date". "Since" after a superlative ("the deadliest attack since
    2014") compares, it does not total, and is skipped."""
    out = []
    for m, w in enumerate(s.low):
        nxt = s.low[m + 1] if m + 1 < s.n else ""
        hit = False
        if w == "since":
            hit = bool(re.fullmatch(r"(19|20)\d\d", nxt)) or nxt in _MONTH_WORDS or nxt in ("then", "last") or \
                s.low[m + 1:m + 3] in (["the", "start"], ["the", "beginning"])
            if hit and any(t in s.lex.superlatives for t in s.low[max(0, m - 6):m]):
                hit = False
        elif (w, nxt) in (("so", "far"), ("to", "date")):
            hit = True
        elif w in ("in", "over") and nxt in ("the",) and m + 2 < s.n and s.low[m + 2] in ("past", "last"):
            hit = any(t in ("years", "months", "decades", "decade") for t in s.low[m + 3:m + 6])
        if hit:
            out.append(m)
    return out


def _forward(s: _Sentence, e: int) -> tuple[int, int, dict[str, int]] | None:
    """Object figure(s) of a transitive cue ending before token e: (total, index after, nationals)."""
    total, nationals, i, first = 0, defaultdict(int), e, True
    while True:
        i = s.skip_quantifier(i)
        num = s.number_at(i)
        if num is None and i < s.n and s.low[i] in ("a", "an", "one") and s.victim_np(i + 1):
            num = (1, i + 1)  # "killing a policeman"
        if num is None:
            break
        value, after = num
        np = s.victim_np(after)
        if np:
            after, nat = np
            if nat:
                nationals[nat] += value
        elif not first or not (after >= s.n or s.low[after] in _TERMINALS):
            break  # "killed two birds", "seized 20 weapons"
        if after < s.n and s.phrase_at(after, s.lex.cues):
            if not first:
                break  # "... and three were wounded": the next figure belongs to the next cue
        total += value
        i, first = after, False
        # coordinated groups: "two soldiers and three civilians"
        if i + 1 < s.n and s.low[i] in ("and", ",") and (s.number_at(s.skip_quantifier(i + 1)) or
                                                          s.low[i + 1] in ("a", "an")):
            nxt = s.skip_quantifier(i + 1)
            got = s.number_at(nxt)
            probe = got[1] if got else nxt + 1
            np2 = s.victim_np(probe)
            breakdown = probe < s.n and s.low[probe] == "of"  # "13 people, nine of them Chinese"
            if np2 and not breakdown and not (np2[0] < s.n and s.phrase_at(np2[0], s.lex.cues)):
                i += 1
                continue
        break
    if first:
        return None
    return total, i, dict(nationals)


def _group_ending(s: _Sentence, j: int, need_noun: bool) -> tuple[int, int, str | None] | None:
    """A counted group whose last token is j: "nine Chinese nationals", "a policeman", "13" (value, start,
    nationality); with ``need_noun`` a bare figure does not count."""
    np = s.victim_np_ending(j)
    nat = None
    if np:
        start, nat = np
        j = start - 1
        if j >= 0 and s.low[j] in ("a", "an") and (j == 0 or s.low[j - 1] != "than"):
            return 1, j, nat
    elif need_noun:
        return None
    got = s.number_ending(j)
    if got is None:
        return None
    return got[0], got[1], nat


def _backward(s: _Sentence, c: int) -> tuple[int, int, dict[str, int]] | None:
    """The figure before a cue starting at token c: (value, start index, nationals). Coordinated groups add up:
    "nine Chinese nationals and four Pakistanis were killed" is 13."""
    j = c - 1
    while j >= 0 and s.low[j] in s.lex.fillers:
        j -= 1
    inner: dict[str, int] = {}
    if j >= 0 and s.low[j] == ",":  # "13 people, including nine Chinese engineers, were killed"
        k = j - 1
        while k >= 0 and s.low[k] != "," and j - k < 14:
            k -= 1
        if k >= 0 and s.low[k] == "," and any(tuple(s.low[k + 1:k + 1 + len(h)]) == h for h in _INCLUDE_HEADS):
            inner = _included(s, k + 1, j)
            j = k - 1
    got = _group_ending(s, j, need_noun=False)
    if got is None:
        return None
    value, start, nat = got
    nationals: dict[str, int] = defaultdict(int)
    if nat:
        nationals[nat] += value
    has_noun = start < j  # the group had a noun: only such groups coordinate
    while has_noun and start >= 2 and s.low[start - 1] in ("and", ","):
        prev = _group_ending(s, start - 2, need_noun=True)
        if prev is None:
            break
        value += prev[0]
        if prev[2]:
            nationals[prev[2]] += prev[0]
        start = prev[1]
    return value, start, (dict(nationals) if nationals else inner)


def _included(s: _Sentence, i: int, end: int) -> dict[str, int]:
    """Nationalities in "including nine Chinese nationals and two Pakistanis" between tokens i and end."""
    out: dict[str, int] = defaultdict(int)
    while i < end:
        num = s.number_at(s.skip_quantifier(i))
        if num:
            value, after = num
            if after + 2 < s.n and s.low[after:after + 2] == ["of", "them"]:
                after += 2  # "nine of them Chinese"
            np = s.victim_np(after)
            if np and np[1]:
                out[np[1]] += value
                i = np[0]
                continue
            if after < s.n and s.low[after] in ("were", "was") and after + 1 < s.n and _demonym(s.raw[after + 1]):
                out[_demonym(s.raw[after + 1])] += value  # "of whom nine were Chinese"
                i = after + 2
                continue
        elif s.low[i] in ("a", "an", "one") and i + 1 < s.n:
            np = s.victim_np(i + 1)
            if np and np[1]:
                out[np[1]] += 1
                i = np[0]
                continue
        elif _demonym(s.raw[i]) and s.victim_np(i):  # "including Chinese national" (singular: one)
            np = s.victim_np(i)
            if np and np[1] and s.low[np[0] - 1] in s.lex.singular:
                out[np[1]] += 1
                i = np[0]
                continue
        i += 1
    return dict(out)


def _include_after(s: _Sentence, i: int) -> tuple[dict[str, int], int]:
    """A breakdown right after a figure: ", including nine Chinese" / ", nine of them Chinese"."""
    j = i + 1 if i < s.n and s.low[i] == "," else i
    for h in _INCLUDE_HEADS:
        if tuple(s.low[j:j + len(h)]) == h:
            end = j + len(h)
            while end < s.n and s.low[end] not in (",", ".", ";") and not s.phrase_at(end, s.lex.cues):
                end += 1
            return _included(s, j + len(h), end), end
    num = s.number_at(j)
    if num and s.low[num[1]:num[1] + 2] == ["of", "them"]:  # "killing 13 people, nine of them Chinese"
        end = num[1] + 2
        while end < s.n and s.low[end] not in (",", ".", ";") and not s.phrase_at(end, s.lex.cues):
            end += 1
        return _included(s, j, end), end
    return {}, i


def _toll(s: _Sentence, e: int) -> int | None:
    """The last figure after a toll word before the clause ends ("rose from 10 to 13")."""
    best, i = None, e
    while i < s.n and i < e + 12 and s.low[i] not in (".", ";", ",", "as", "after", "when"):
        got = s.number_at(i)
        if got:
            best, i = got[0], got[1]
            continue
        i += 1
    return best


def casualties(text: str) -> dict:
    """Killed, injured and abducted figures stated in ``text`` (one sentence), and victims' nationalities.

    Returns ``{"killed": int | None, "injured": int | None, "abducted": int | None, "nationals": {ISO3: n}}``;
    None means the sentence states no figure. See the module docstring for the rules.

    >>> casualties("Gunmen kidnapped three workers and wounded a guard.")
    {'killed': None, 'injured': 1, 'abducted': 3, 'nationals': {}}
    """
    figures, nat = _casualties(text or "")
    return {**dict(zip(KINDS, figures)), "nationals": dict(nat)}


@lru_cache(maxsize=8192)  # one sentence often holds several events: read it once
def _casualties(text: str) -> tuple[tuple, tuple]:
    out: dict = {k: None for k in KINDS}
    nationals: dict[str, dict[str, int]] = {k: {} for k in KINDS}
    if not text:
        return (None, None, None), ()
    s = _Sentence(text)
    lex = s.lex

    def record(kind: str, value: int, nat: dict[str, int]):
        if any(i - 14 <= m <= i + 10 for m in running):
            return  # "has killed more than 6,000 people since 2017": a running total, not one incident's toll
        if out[kind] is None or value > out[kind]:
            out[kind] = value
        for iso, v in nat.items():
            nationals[kind][iso] = max(nationals[kind].get(iso, 0), v)

    running = _running_totals(s)

    i = 0
    while i < s.n:
        k = s.phrase_at(i, lex.cues)
        if not k:
            i += 1
            continue
        kind, form = lex.cues[tuple(s.low[i:i + k])]
        e = i + k
        if s.low[i] == "dead" and e < s.n and s.low[e] == "bodies":
            i += 1
            continue
        got = None
        if form == "toll":
            value = _toll(s, e)
            if value is not None:
                record(kind, value, {})
                got = True
        elif form == "verb":
            j = i - 1
            while j >= 0 and s.low[j] in lex.fillers and s.low[j] not in _AUX:
                j -= 1
            passive = j >= 0 and s.low[j] in _AUX  # "were (reportedly) killed", not "also killed"
            if not passive:
                fwd = _forward(s, e)
                if fwd:
                    value, after, nat = fwd
                    extra, after = _include_after(s, after)
                    record(kind, value, {**nat, **extra})
                    i = after
                    continue
            # no object figure: "10 were killed", "13 killed in blast" (not "two gunmen killed the guards")
            if passive or e >= s.n or s.low[e] in _TERMINALS - {"the", "of"}:
                got = _backward(s, i)
        else:
            got = _backward(s, i)
        if got and got is not True:
            value, start, nat = got
            extra, _ = _include_after(s, e)
            record(kind, value, {**nat, **extra})
        i = e
    # "Nine Chinese nationals were among the 13 killed"
    for m in range(s.n - 2):
        num = s.number_at(m)
        if not num:
            continue
        np = s.victim_np(num[1])
        if np and np[1] and s.low[np[0]:np[0] + 2] in (["were", "among"], ["was", "among"]):
            for kind in KINDS:
                if out[kind] is not None:
                    nationals[kind].setdefault(np[1], num[0])
                    break
    # "At least six of the dead were Chinese nationals": a breakdown of the killed without their number
    for m in range(s.n - 4):
        num = s.number_at(s.skip_quantifier(m)) if s.low[m] in ("at", "more", "over", "about") else s.number_at(m)
        if not num or s.low[num[1]:num[1] + 2] != ["of", "the"] or num[1] + 4 >= s.n:
            continue
        group, verb = s.low[num[1] + 2], s.low[num[1] + 3]
        kind = {"dead": "killed", "killed": "killed", "victims": "killed", "injured": "injured",
                "wounded": "injured", "hostages": "abducted"}.get(group)
        if kind and verb in ("were", "was"):
            np = s.victim_np(num[1] + 4)
            if np and np[1]:
                nationals[kind].setdefault(np[1], num[0])
    nat = next((nationals[k] for k in KINDS if nationals[k]), {})
    return tuple(out[k] for k in KINDS), tuple(nat.items())
