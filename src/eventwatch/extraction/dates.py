"""Date expressions in a sentence, resolved against the article's publication date (conventions section 5).

Pure text functions (no spaCy), run once per sentence that holds an event, so everything is a precompiled
regex and a little date arithmetic. ``find_dates`` says *what* each expression means; which expression
dates which event is the pipeline's business (it knows the parse).

Kinds of ``DateExpr``:

* ``day``: a resolved day (``on Tuesday``, ``yesterday``, ``March 3``, ``Aug. 24, 2021``).
* ``vague``: inside the news window but only a period (``last week``, ``over the weekend``, ``last month``):
  date None, precision week or month.
* ``historical``: dated only by month or year, or outside the news window (``in August 2023``, ``last
  year``, ``since 2011``): date None, precision month or year.
* ``future``: after publication (``next week``, ``later this year``, ``tomorrow``, ``next Tuesday``); a day
  is given where the text names one.
* ``relative``: counted from another event (``two days after``, ``a day earlier``): date None,
  ``offset_days`` holds the signed offset (None when the text gives no number, ``days later``).

Weekdays always resolve to the most recent such day on or before publication, whatever the tense: deciding
that a sentence speaks of the future is the caller's job. A month-day without a year takes the publication
year, or the year before when that would put it after publication (``December 28`` in a January 4 article),
except up to ``FUTURE_WINDOW_DAYS`` ahead, where it is a coming date (``talks on January 20``, kind future):
last year's date would be written with its year.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache

from ..errors import error

MONTHS = {"january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4, "apr": 4,
          "may": 5, "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8, "september": 9,
          "sept": 9, "sep": 9, "october": 10, "oct": 10, "november": 11, "nov": 11, "december": 12, "dec": 12}
WEEKDAYS = {"monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4, "saturday": 5, "sunday": 6}
NUMBERS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
           "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "a couple of": 2}
# "May" and "March" are also a modal verb and a verb: in mixed-case text only their capitalised forms count
AMBIGUOUS_MONTHS = {"may", "march", "mar"}
FUTURE_WINDOW_DAYS = 92  # a yearless month-day at most this far after publication is a future date, not last year's


@dataclass
class DateExpr:
    """One date expression: character offsets into the sentence, its text and what it resolves to."""

    start: int
    end: int
    text: str
    date: str | None  # YYYY-MM-DD
    precision: str | None  # day | week | month | year
    kind: str  # day | vague | historical | future | relative
    offset_days: int | None = None  # kind "relative" only: signed days from the anchor event


# ---- patterns -----------------------------------------------------------------------------------------
# All patterns run on the lower-cased sentence (same offsets); the original text only decides whether a
# lower-case "may" or "march" is a word rather than a month. The finder looks for a few literal anchors
# first (month and weekday names, digits, key words) and tries only the patterns they can start, because a
# sentence is usually dated by one weekday and this runs for every sentence with an event.

_MON = r"(?:january|february|march|april|may|june|july|august|september|october|november|december" \
       r"|jan|feb|mar|apr|jun|jul|aug|sept|sep|oct|nov|dec)"
_WD = r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)"
_ORD = r"(?:st|nd|rd|th)?"
_DAY = r"(?:3[01]|[12]\d|0?[1-9])"
_YEAR = r"(?:19|20)\d\d"
_NUM = r"(?:a couple of|an|a|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|\d{1,2})"
_SPAN = rf"(?:\s*(?:-|–|\band\b|\bto\b|\bthrough\b)\s*{_DAY}{_ORD}(?!\d))?"
_TOD = r"(?:night|evening|morning|afternoon|overnight)"
_APOS = r"(?:['’]s)?"

_MONTH_STEMS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_WEEKDAY_NAMES = tuple(WEEKDAYS)

# At a month name: "aug. 24", "march 3-4, 2021"; then the weekday that may precede it ("tuesday, aug. 24")
_MONTH_DAY = re.compile(rf"(?P<mon>{_MON})\b\.?\s+(?P<day>{_DAY}){_ORD}(?!\d)(?![:.,]\d){_SPAN}"
                        rf"(?:\s*,?\s+(?P<year>{_YEAR})\b)?")
_WEEKDAY_BEFORE = re.compile(rf"\b{_WD}\s*,?\s+\Z")
# Before a month name: "24 ", "3rd of ", "tuesday, 24 "
_DAY_BEFORE = re.compile(rf"(?<![\d.,/$£€-])\b(?:{_WD}\s*,?\s+)?(?P<day>{_DAY}){_ORD}(?!\d){_SPAN}\s+(?:of\s+)?\Z")
_MONTH_YEAR = re.compile(rf"(?P<mon>{_MON})\b\.?(?:\s*,?\s+(?P<year>{_YEAR})\b)?")
_MONTH_ALONE = re.compile(rf"(?P<mon>{_MON})\b\.?(?:\s*,?\s+(?P<year>{_YEAR})\b)?(?!\s*\.?\s*\d)")
_MONTH_PREP_BEFORE = re.compile(
    r"(?:\b(?P<prep>in|since|until|till|by|during|from|through|throughout|last|early|late|earlier\s+in"
    r"|later\s+in|(?:the\s+)?end\s+of|(?:the\s+)?beginning\s+of|(?:the\s+)?start\s+of)\s+|\b(?P<mid>mid)-?\s*)\Z")
_ISO = re.compile(rf"(?<![\d/.-])(?P<year>{_YEAR})(?P<sep>[-/.])(?P<mon>[01]?\d)(?P=sep)(?P<day>[0-3]?\d)(?![\d/.-]\d)")
_NUMERIC = re.compile(rf"(?<![\d/.])(?P<a>\d{{1,2}})(?P<sep>[/.])(?P<b>\d{{1,2}})(?P=sep)(?P<year>{_YEAR})(?![\d/.]\d)(?!\d)")
_ON_THE_NTH = re.compile(rf"\bon\s+the\s+(?P<day>{_DAY})(?:st|nd|rd|th)\b(?!\s+(?:of\s+)?{_MON}\b)")
# A year alone counts after a preposition: "in 2021", "since 2011", "in the 1990s", "since a 2021 coup". A bare
# "a 2023 security agreement" names a thing, not the time of the sentence's event, so it is not a date.
_YEAR_AT = re.compile(rf"(?<![\d.,/$£€])(?P<year>{_YEAR})(?P<decade>s)?(?:[-–/](?:{_YEAR}|\d\d)\b)?\b(?![-/.]\d)")
_YEAR_PREP_BEFORE = re.compile(
    r"\b(?P<prep>(?:in|since|during|until|till|from|by|before|after|around|throughout)(?P<art>\s+(?:a|an|the))?"
    r"|early|late|mid|(?:the\s+)?end\s+of|(?P<the>the))(?:\s+|-)\Z")
_WEEKDAY_AT = re.compile(rf"(?P<wd>{_WD})\b{_APOS}(?:\s+{_TOD}\b)?"
                         rf"(?:\s+(?:and|or|to|through|into)\s+(?:on\s+)?{_WD}\b(?:\s+{_TOD}\b)?)?")
_WEEKDAY_HEAD = re.compile(
    r"(?:\b(?P<mod>late|early|earlier|later|overnight)\s+)?"
    r"(?:\b(?P<prep>on|since|by|until|till|from|between|this\s+coming|this\s+past|this|last|next|coming|past)\s+)?\Z")
_AGO = re.compile(rf"\b(?P<n>{_NUM}|several|a\s+few|few)\s+(?P<unit>days?|weeks?|months?|years?)"
                  rf"\s+(?P<dir>ago|after|later|before|earlier|prior)\b")
_AGO_WORDS = ("ago", "after", "later", "before", "earlier", "prior")
_DIGIT = re.compile(r"\d")
# A number followed by a measure or a head count is a quantity, not a day or a year: "2000 people", "3-km"
_MEASURE_AFTER = re.compile(
    r"\s*(?:-|–)?\s*(?:km|kms|kilomet|mile|metre|meter|feet|foot|tonne|ton|kg|per\s*cent|percent|%|people"
    r"|persons|dollar|rupee|euro|acre|hectare)")
# In lower-case or ALL CAPS text "may 20 militants" and "20 may have" need this wider guard as well
_COUNT_AFTER = re.compile(
    r"\s*(?:-|–)?\s*(?:(?:resident|civilian|militant|soldier|troop|police|officer|fighter|rebel|insurgent|famil"
    r"|household|home|house|hour|minute|day|week|month|year|time|case|death|vote|member|worker|student|child"
    r"|women|men|refugee|migrant|prisoner|detainee|hostage|vehicle|truck|rocket|shell|missile|drone|round"
    r"|unit|village|district)[a-z]*|have|be|not|also|still)\b")

# Fixed phrases: (words that must occur, regex, kind, precision, days from publication, relative offset)
_PHRASES: list[tuple[tuple[str, ...], re.Pattern, str, str | None, int | None, int | None]] = [
    (keys, re.compile(p), kind, prec, days, off) for keys, p, kind, prec, days, off in [
        (("yesterday",), r"\bthe\s+day\s+before\s+yesterday\b", "day", "day", -2, None),
        (("yesterday",), rf"\byesterday{_APOS}\b", "day", "day", -1, None),
        (("night",), r"\blast\s+night\b", "day", "day", -1, None),
        (("overnight",), r"\bovernight\b", "day", "day", -1, None),  # the night before publication
        (("today",), rf"\b(?:earlier\s+|later\s+)?today{_APOS}\b", "day", "day", 0, None),
        (("this morning", "this afternoon", "this evening"),
         r"\b(?:earlier\s+|later\s+)?this\s+(?:morning|afternoon|evening)\b", "day", "day", 0, None),
        (("tonight",), r"\btonight\b", "day", "day", 0, None),
        (("tomorrow",), rf"\btomorrow{_APOS}\b", "future", "day", 1, None),
        (("day",), r"\b(?:the\s+)?(?:next|following)\s+day\b|\bthe\s+day\s+after\b", "relative", "day", None, 1),
        (("day", "eve of"), r"\b(?:the\s+)?(?:previous|preceding)\s+day\b|\bthe\s+day\s+before\b|\bthe\s+eve\s+of\b",
         "relative", "day", None, -1),
        (("same day", "hours"), r"\b(?:the\s+)?same\s+day\b|\bhours\s+(?:after|later|before|earlier)\b|\bwithin\s+hours\b",
         "relative", "day", None, 0),
        (("week", "recent", "past few days", "past days", "last few days"),
         rf"\b(?:late|earlier|early)\s+(?:last|this)\s+week\b|\b(?:last|this|past)\s+week{_APOS}\b"
         r"|\bearlier\s+in\s+the\s+week\b|\b(?:over|at|during)\s+the\s+(?:past\s+)?weekend\b"
         r"|\b(?:last|this|past)\s+weekend\b|\bin\s+recent\s+days\b|\brecently\b"
         r"|\b(?:in|over|during)\s+the\s+(?:past|last)\s+(?:few\s+|several\s+)?(?:days|week)\b",
         "vague", "week", None, None),
        (("month", "recent weeks", "weeks"),
         rf"\b(?:late|earlier|early)\s+(?:last|this)\s+month\b|\b(?:last|this)\s+month{_APOS}\b"
         r"|\bearlier\s+in\s+the\s+month\b|\bin\s+recent\s+weeks\b"
         r"|\b(?:in|over|during)\s+the\s+(?:past|last)\s+(?:few\s+|several\s+|two\s+|three\s+)?(?:weeks|month)\b",
         "vague", "month", None, None),
        (("year", "decade", "months"),
         rf"\b(?:late|earlier|early)\s+(?:last|this)\s+year\b|\b(?:last|this|past)\s+year{_APOS}\b"
         r"|\bin\s+recent\s+(?:months|years)\b|\b(?:in|over|during)\s+the\s+(?:past|last)\s+"
         r"(?:few\s+|several\s+|two\s+|three\s+|\d+\s+)?(?:months|years?|decades?)\b|\byears\s+ago\b"
         r"|\bdecades?\s+ago\b|\blast\s+decade\b", "historical", "year", None, None),
        (("week", "coming days", "next days", "next few days"),
         r"\b(?:later\s+this|next|coming)\s+week\b|\bin\s+the\s+(?:coming|next)\s+(?:few\s+)?days\b",
         "future", "week", None, None),
        (("month", "coming weeks", "next weeks", "next few weeks"),
         r"\b(?:later\s+this|next|coming)\s+month\b|\bin\s+the\s+(?:coming|next)\s+(?:few\s+)?weeks\b",
         "future", "month", None, None),
        (("year", "coming months", "next months", "next few months", "coming years"),
         r"\b(?:later\s+this|next|coming)\s+year\b|\bin\s+the\s+(?:coming|next)\s+(?:few\s+)?(?:months|years)\b",
         "future", "year", None, None),
    ]
]

_UNIT_WORDS = ("day", "week", "month", "year")
_GATE_WORDS = frozenset(_AGO_WORDS + _UNIT_WORDS + tuple(k for keys, *_ in _PHRASES for k in keys))

# Dates with a year, for resolve_dateline's hint: "aug. 24, 2021", "24 august 2021"
_FULL_DATE = re.compile(rf"\b(?P<mon>{_MON})\b\.?\s+(?P<day>{_DAY}){_ORD},?\s+(?P<year>{_YEAR})\b"
                        rf"|\b(?P<day2>{_DAY}){_ORD}\s+(?P<mon2>{_MON})\b\.?,?\s+(?P<year2>{_YEAR})\b")

_ABSOLUTE, _PHRASE, _WEAK = 0, 1, 2  # overlap priority at equal length: explicit date, phrase, weekday
_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


# ---- small helpers ------------------------------------------------------------------------------------

def weekday_on_or_before(published: date, weekday_index: int) -> date:
    """The most recent ``weekday_index`` (Monday 0 .. Sunday 6) on or before ``published``.

    >>> weekday_on_or_before(date(2021, 8, 24), 1)  # a Tuesday dateline, "on Tuesday"
    datetime.date(2021, 8, 24)
    """
    return published - timedelta(days=(published.weekday() - weekday_index) % 7)


def weekday_before(published: date, weekday_index: int) -> date:
    """The most recent ``weekday_index`` strictly before ``published`` ("last Tuesday")."""
    return published - timedelta(days=(published.weekday() - weekday_index - 1) % 7 + 1)


def weekday_after(published: date, weekday_index: int) -> date:
    """The first ``weekday_index`` strictly after ``published`` ("next Tuesday")."""
    return published + timedelta(days=(weekday_index - published.weekday() - 1) % 7 + 1)


def month_number(name: str) -> int | None:
    """1-12 for a month name or abbreviation in any case (``"Aug."``, ``"SEPT"``), else None."""
    return MONTHS.get(name.strip().rstrip(".").lower())


def _valid(y: int, m: int, d: int) -> date | None:
    try:
        return date(y, m, d)
    except ValueError:
        return None


def month_day_on_or_before(published: date, month: int, day: int) -> date | None:
    """``month``/``day`` in the publication year, or the latest earlier year that puts it on or before
    publication (``December 28`` in a January 4 article is last year's). None for impossible days."""
    for y in range(published.year, published.year - 9, -1):
        d = _valid(y, month, day)
        if d is not None and d <= published:
            return d
    return None


def resolve_dateline(month: str, day: int, published_hint: str | None, today: date | None = None) -> date:
    """The full date of a dateline that gives only month and day (``KABUL, Aug 24 (Reuters)``).

    ``published_hint`` is any text that may hold the publication date (page metadata, a caption's date):
    the dateline takes the year that puts it nearest to that date, so a Dec 31 story published Jan 1
    keeps its year. Without a hint it is the most recent such day on or before ``today``.

    >>> resolve_dateline("Dec", 31, "2024-01-01T02:10:00Z")
    datetime.date(2023, 12, 31)
    >>> resolve_dateline("AUG.", 24, None, today=date(2021, 9, 1))
    datetime.date(2021, 8, 24)
    """
    m = month_number(month)
    if m is None:
        raise ValueError(f"not a month name: {month!r}")
    hint = _hint_date(published_hint) if published_hint else None
    if isinstance(hint, date):
        best = [c for c in (_valid(y, m, day) for y in (hint.year - 1, hint.year, hint.year + 1)) if c]
        if best:
            return min(best, key=lambda c: abs((c - hint).days))
    elif isinstance(hint, int) and _valid(hint, m, day):
        return date(hint, m, day)
    found = month_day_on_or_before(today or date.today(), m, day)
    if found is None:
        raise ValueError(f"no such day: {month} {day}")
    return found


def _hint_date(text: str) -> date | int | None:
    """A date (or only a year) found in ``text``."""
    m = _ISO.search(text)
    if m and (d := _valid(int(m["year"]), int(m["mon"]), int(m["day"]))):
        return d
    for m in _FULL_DATE.finditer(text.lower()):
        mon = month_number(m["mon"] or m["mon2"])
        if mon and (d := _valid(int(m["year"] or m["year2"]), mon, int(m["day"] or m["day2"]))):
            return d
    m = re.search(rf"\b{_YEAR}\b", text)
    return int(m.group(0)) if m else None


def _published_date(published: str | date) -> date:
    if isinstance(published, datetime):
        return published.date()
    if isinstance(published, date):
        return published
    return _parse_published(published)


@lru_cache(maxsize=4096)
def _parse_published(published: str) -> date:
    m = _ISO.match(str(published).strip())
    d = _valid(int(m["year"]), int(m["mon"]), int(m["day"])) if m else None
    if d is None:
        raise error("EW011", value=published)
    return d


# ---- the finder ---------------------------------------------------------------------------------------

def find_dates(sentence: str, published: str | date) -> list[DateExpr]:
    """Every date expression in ``sentence``, resolved against ``published`` (YYYY-MM-DD or a date).

    >>> [(e.text, e.date, e.kind) for e in find_dates("Gunmen attacked a post late on Monday.", "2024-05-16")]
    [('late on Monday', '2024-05-13', 'day')]
    >>> [(e.text, e.kind, e.precision) for e in find_dates("Talks stalled last week.", "2024-05-16")]
    [('last week', 'vague', 'week')]
    """
    pub = _published_date(published)
    s = sentence
    low = s.lower()
    if len(low) != len(s):  # a few non-ASCII letters change length when lower-cased; offsets must not move
        low = s.translate(_ASCII_LOWER)
    # In normal mixed-case text "may" and "march" in lower case are a verb, never a month
    mixed = s != low and s.upper() != s
    digit = _DIGIT.search(s) is not None
    found: list[tuple[int, DateExpr]] = []

    def add(priority: int, start: int, end: int, d: date | None, precision: str | None, kind: str,
            offset: int | None = None):
        text = s[start:end].rstrip(" ,")
        found.append((priority, DateExpr(start, start + len(text), text, d.isoformat() if d else None,
                                         precision, kind, offset)))

    def month_ok(m: re.Match, end: int, has_day: bool) -> bool:
        """Whether the month word of ``m`` is a month here (a lower-case "may" is a modal in normal text)."""
        word = m["mon"]
        if word not in AMBIGUOUS_MONTHS:
            return True
        if mixed:
            return not s[m.start("mon"):m.end("mon")].islower()
        if not has_day:  # "in may", "IN MARCH 2023": the caller still wants a year or a preposition
            return True
        # lower case or ALL CAPS: next to a day, a month unless the number is a count ("may 20 militants")
        return (bool(m["year"]) or not (_COUNT_AFTER.match(low, end) or _COUNT_AFTER.match(low, m.end("mon"))))

    def day_expr(start: int, end: int, mon: int, day: int, year: str | None):
        if year:
            d = _valid(int(year), mon, day)
            if d is not None:
                add(_ABSOLUTE, start, end, d, "day", "future" if d > pub else "day")
            return
        this_year = _valid(pub.year, mon, day)
        if this_year is not None and 0 < (this_year - pub).days <= FUTURE_WINDOW_DAYS:
            add(_ABSOLUTE, start, end, this_year, "day", "future")
            return
        d = month_day_on_or_before(pub, mon, day)
        if d is not None:
            add(_ABSOLUTE, start, end, d, "day", "day")

    for p in _word_starts(low, _MONTH_STEMS):
        if not _MONTH_YEAR.match(low, p):
            continue  # "decided", "marine"
        if digit and (m := _MONTH_DAY.match(low, p)):  # "Aug. 24", "March 3-4, 2021"
            if month_ok(m, m.end(), True) and (m["year"] or not (_MEASURE_AFTER.match(low, m.end())
                                                                 or _NAME_AFTER.match(low, m.end()))):
                wd = _WEEKDAY_BEFORE.search(low, max(0, p - 14), p)
                day_expr(wd.start() if wd else p, m.end(), month_number(m["mon"]), int(m["day"]), m["year"])
            continue
        before = _DAY_BEFORE.search(low, max(0, p - 40), p) if digit else None
        if before and (m := _MONTH_YEAR.match(low, p)):  # "24 August 2021", "3rd of March"
            if month_ok(m, m.end(), True):
                day_expr(before.start(), m.end(), month_number(m["mon"]), int(before["day"]), m["year"])
            continue
        m = _MONTH_ALONE.match(low, p)
        if m is None or not month_ok(m, m.end(), False):
            continue
        head = _MONTH_PREP_BEFORE.search(low, max(0, p - 25), p)
        if not m["year"] and not head:
            continue  # a bare month name is too often something else ("the March 23 Movement" is a day above)
        start = head.start() if head else p
        mon, prep = month_number(m["mon"]), re.sub(r"\s+", " ", (head["prep"] or "") if head else "")
        if m["year"]:
            key, now = (int(m["year"]), mon), (pub.year, pub.month)
            add(_PHRASE, start, m.end(), None, "month", "vague" if key == now else "historical" if key < now else "future")
            continue
        ahead = (mon - pub.month) % 12  # "in August": this month, an earlier one, or up to a quarter ahead
        if prep == "last" or (ahead and prep in ("since", "earlier in")):
            kind = "historical"
        elif ahead and prep in ("by", "until", "till"):
            kind = "future"  # a deadline
        else:
            kind = "vague" if ahead == 0 else "future" if ahead <= 3 else "historical"
        add(_PHRASE, start, m.end(), None, "month", kind)

    if digit:
        if "-" in s or "/" in s or "." in s:
            for m in _ISO.finditer(s):
                day_expr(m.start(), m.end(), int(m["mon"]), int(m["day"]), m["year"])
        if "/" in s or "." in s:
            for m in _NUMERIC.finditer(s):
                a, b = int(m["a"]), int(m["b"])
                day, mon = (b, a) if b > 12 >= a else (a, b)  # day first, as wire copy outside the US has it
                if 1 <= mon <= 12:
                    day_expr(m.start(), m.end(), mon, day, m["year"])
        if "on the" in low:
            for m in _ON_THE_NTH.finditer(low):
                day = int(m["day"])
                d = _valid(pub.year, pub.month, day)
                if d is None or d > pub:
                    prev = pub.replace(day=1) - timedelta(days=1)
                    d = _valid(prev.year, prev.month, day)
                if d is not None:
                    add(_ABSOLUTE, m.start(), m.end(), d, "day", "day")
        if "19" in s or "20" in s:
            for m in _YEAR_AT.finditer(s):
                head = _YEAR_PREP_BEFORE.search(low, max(0, m.start() - 20), m.start())
                if head is None or _MEASURE_AFTER.match(low, m.end()):
                    continue
                if (head["the"] and not m["decade"]) or (head["art"] and not m["decade"]
                                                          and not _NOUN_AFTER.match(low, m.end())):
                    continue  # "the 2019 election" alone; "since a 2021 coup" needs its noun
                year = int(m["year"])
                kind = "future" if year > pub.year and not m["decade"] else "historical"
                add(_PHRASE, head.start(), m.end(), None, "year", kind)

    present = {k for k in _GATE_WORDS if k in low}
    if not present.isdisjoint(_AGO_WORDS) and not present.isdisjoint(_UNIT_WORDS):
        for m in _AGO.finditer(low):
            word = re.sub(r"\s+", " ", m["n"])
            n = int(word) if word.isdigit() else NUMBERS.get(word)
            unit = m["unit"].rstrip("s")
            if m["dir"] == "ago":  # "three days ago" is a day; weeks ago and a month ago are still news
                if unit == "day" and n is not None:
                    add(_PHRASE, m.start(), m.end(), pub - timedelta(days=n), "day", "day")
                elif unit == "day" or (unit == "week" and (n or 9) <= 2):
                    add(_PHRASE, m.start(), m.end(), None, "week", "vague")
                elif unit == "week" or (unit == "month" and n == 1):
                    add(_PHRASE, m.start(), m.end(), None, "month", "vague")
                else:
                    add(_PHRASE, m.start(), m.end(), None, "month" if unit == "month" else "year", "historical")
            else:
                sign = 1 if m["dir"] in ("after", "later") else -1
                scale = {"day": 1, "week": 7, "month": 30, "year": 365}[unit]
                add(_PHRASE, m.start(), m.end(), None, "day", "relative", None if n is None else sign * n * scale)

    for keys, rx, kind, prec, days, off in _PHRASES:
        if not present.isdisjoint(keys):
            for m in rx.finditer(low):
                add(_PHRASE, m.start(), m.end(), pub + timedelta(days=days) if days is not None else None,
                    prec, kind, off)

    for p in (_word_starts(low, _WEEKDAY_NAMES) if "day" in present else ()):
        m = _WEEKDAY_AT.match(low, p)
        if m is None:
            continue
        head = _WEEKDAY_HEAD.search(low, max(0, p - 30), p)
        start = head.start() if head and head.group(0) else p
        wd, prep = WEEKDAYS[m["wd"]], re.sub(r"\s+", " ", (head["prep"] or "") if head else "")
        if prep in ("next", "coming", "this coming"):
            add(_WEAK, start, m.end(), weekday_after(pub, wd), "day", "future")
        elif prep in ("last", "past", "this past"):
            add(_WEAK, start, m.end(), weekday_before(pub, wd), "day", "day")
        else:
            add(_WEAK, start, m.end(), weekday_on_or_before(pub, wd), "day", "day")

    # Overlaps: the longer match wins ("late on Monday" over "Monday", "Tuesday, Aug. 24" over "on Tuesday")
    found.sort(key=lambda pe: (-(pe[1].end - pe[1].start), pe[0], pe[1].start))
    taken: list[DateExpr] = []
    for _, e in found:
        if all(e.end <= t.start or e.start >= t.end for t in taken):
            taken.append(e)
    return sorted(taken, key=lambda e: e.start)


_NOUN_AFTER = re.compile(r"\s+[a-z]")
_NAME_AFTER = re.compile(r"\s+(?:movement|group|alliance|coalition)\b")  # "the March 23 Movement" (M23)


def _word_starts(low: str, stems: tuple[str, ...]) -> list[int]:
    """Offsets where one of ``stems`` begins a word in ``low`` (str.find is much faster than a regex scan)."""
    out = []
    for stem in stems:
        i = low.find(stem)
        while i >= 0:
            if i == 0 or not low[i - 1].isalnum():
                out.append(i)
            i = low.find(stem, i + 1)
    return sorted(out)
