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
that a sentence speaks of the future is the caller's job.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

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

_MON = r"(?:january|february|march|april|may|june|july|august|september|october|november|december" \
       r"|jan|feb|mar|apr|jun|jul|aug|sept|sep|oct|nov|dec)"
_WD = r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)"
_ORD = r"(?:st|nd|rd|th)?"
_DAY = r"(?:3[01]|[12]\d|0?[1-9])"
_YEAR = r"(?:19|20)\d\d"
_NUM = r"(?:a couple of|an|a|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|\d{1,2})"
_SPAN = rf"(?:\s*(?:-|–|\band\b|\bto\b|\bthrough\b)\s*{_DAY}{_ORD}(?![\d]))?"
_TOD = r"(?:night|evening|morning|afternoon|overnight)"
_F = re.IGNORECASE

# Month first: "Aug. 24", "Tuesday, August 24, 2021", "March 3-4"
_MONTH_DAY = re.compile(
    rf"\b(?:(?P<wd>{_WD})\s*,?\s+)?(?P<mon>{_MON})\b\.?\s+(?P<day>{_DAY}){_ORD}(?!\d)(?![:.,]\d){_SPAN}"
    rf"(?:\s*,?\s+(?P<year>{_YEAR})\b)?", _F)
# Day first: "24 August 2021", "3rd of March"
_DAY_MONTH = re.compile(
    rf"(?<![\d.,/$-])\b(?:(?P<wd>{_WD})\s*,?\s+)?(?P<day>{_DAY}){_ORD}(?!\d){_SPAN}\s+(?:of\s+)?(?P<mon>{_MON})\b\.?"
    rf"(?:\s*,?\s+(?P<year>{_YEAR})\b)?", _F)
_ISO = re.compile(rf"(?<![\d-])(?P<year>{_YEAR})-(?P<mon>[01]\d)-(?P<day>[0-3]\d)(?![\d-])")
_NUMERIC = re.compile(rf"(?<![\d/.])(?P<a>\d{{1,2}})(?P<sep>[/.])(?P<b>\d{{1,2}})(?P=sep)(?P<year>{_YEAR})(?![\d/.])")
_ON_THE_NTH = re.compile(rf"\bon\s+the\s+(?P<day>{_DAY})(?:st|nd|rd|th)\b(?!\s+(?:of\s+)?{_MON}\b)", _F)
# Month without a day: "in August 2023", "August 2023", "since June", "mid-March"
_MONTH_YEAR = re.compile(
    rf"(?:\b(?P<prep>in|since|until|till|by|during|from|through|throughout|last|early|late|earlier\s+in"
    rf"|later\s+in|(?:the\s+)?end\s+of|(?:the\s+)?beginning\s+of|(?:the\s+)?start\s+of)\s+|\bmid-?\s*)?"
    rf"\b(?P<mon>{_MON})\b\.?(?:\s*,?\s+(?P<year>{_YEAR})\b)?(?!\s*\.?\s*\d)", _F)
# Year alone, after a word that makes it a date: "in 2021", "since 2011", "the 1990s", "a 2021 coup"
_YEAR_ONLY = re.compile(
    rf"\b(?P<prep>in|since|during|until|till|from|by|before|after|around|throughout|early|late|mid-?|of|a|an"
    rf"|the|since\s+(?:a|an|the)|in\s+the|(?:the\s+)?end\s+of)\s*(?<=[\s-])(?P<year>{_YEAR})(?P<decade>s)?\b(?![-/.]\d)", _F)
_WEEKDAY = re.compile(
    rf"\b(?:(?P<mod>late|early|earlier|later|overnight)\s+)?"
    rf"(?:(?P<prep>on|since|by|until|till|from|between|this\s+coming|this\s+past|this|last|next|coming|past)\s+)?"
    rf"(?P<wd>{_WD})\b(?:['’]s)?(?:\s+{_TOD}\b)?"
    rf"(?:\s+(?:and|or|to|through|into)\s+(?:on\s+)?{_WD}\b(?:\s+{_TOD}\b)?)?", _F)
_AGO = re.compile(rf"\b(?P<n>{_NUM}|several|a\s+few|few)\s+(?P<unit>day|days|week|weeks|month|months|year|years)"
                  rf"\s+(?P<dir>ago|after|later|before|earlier|prior)\b", _F)
# A number followed by a measure or a head count is a quantity, not a day or a year: "2000 people", "3-km"
_MEASURE_AFTER = re.compile(
    r"\s*(?:-|–)?\s*(?:km|kms|kilomet|mile|metre|meter|feet|foot|tonne|ton|kg|per\s*cent|percent|%|people"
    r"|persons|dollar|rupee|euro|acre|hectare)", _F)
# In lower-case or ALL CAPS text "may 20 militants" and "march 3 km" need this wider guard as well
_COUNT_AFTER = re.compile(
    r"\s*(?:-|–)?\s*(?:resident|civilian|militant|soldier|troop|police|officer|fighter|rebel|insurgent|famil"
    r"|household|home|house|hour|minute|day|week|month|year|time|case|death|vote|member|worker|student|child"
    r"|women|men|refugee|migrant|prisoner|detainee|hostage|vehicle|truck|rocket|shell|missile|drone|round"
    r"|unit|village|district|have|be|not)\b", _F)

# Fixed phrases: (regex, kind, precision, days from publication or None, relative offset or None)
_PHRASES: list[tuple[re.Pattern, str, str | None, int | None, int | None]] = [
    (re.compile(p, _F), kind, prec, days, off) for p, kind, prec, days, off in [
        (r"\bthe\s+day\s+before\s+yesterday\b", "day", "day", -2, None),
        (r"\byesterday(?:['’]s)?\b", "day", "day", -1, None),
        (r"\blast\s+night\b", "day", "day", -1, None),
        (r"\bovernight\b", "day", "day", -1, None),  # the night before publication: the day it began
        (r"\b(?:earlier\s+|later\s+)?today(?:['’]s)?\b", "day", "day", 0, None),
        (r"\b(?:earlier\s+|later\s+)?this\s+(?:morning|afternoon|evening)\b", "day", "day", 0, None),
        (r"\btonight\b", "day", "day", 0, None),
        (r"\btomorrow(?:['’]s)?\b", "future", "day", 1, None),
        (r"\b(?:the\s+)?(?:next|following)\s+day\b|\bthe\s+day\s+after\b", "relative", "day", None, 1),
        (r"\b(?:the\s+)?(?:previous|preceding)\s+day\b|\bthe\s+day\s+before\b|\bthe\s+eve\s+of\b",
         "relative", "day", None, -1),
        (r"\b(?:the\s+)?same\s+day\b|\bhours\s+(?:after|later|before|earlier)\b|\bwithin\s+hours\b",
         "relative", "day", None, 0),
        (r"\b(?:late|earlier|early)\s+(?:last|this)\s+week\b|\b(?:last|this|past)\s+week(?:['’]s)?\b"
         r"|\bearlier\s+in\s+the\s+week\b|\b(?:over|at|during)\s+the\s+(?:past\s+)?weekend\b"
         r"|\b(?:last|this|past)\s+weekend\b|\bin\s+recent\s+days\b|\brecently\b"
         r"|\b(?:in|over|during)\s+the\s+(?:past|last)\s+(?:few\s+|several\s+)?(?:days|week)\b",
         "vague", "week", None, None),
        (r"\b(?:late|earlier|early)\s+(?:last|this)\s+month\b|\b(?:last|this)\s+month(?:['’]s)?\b"
         r"|\bearlier\s+in\s+the\s+month\b|\bin\s+recent\s+weeks\b"
         r"|\b(?:in|over|during)\s+the\s+(?:past|last)\s+(?:few\s+|several\s+|two\s+|three\s+)?(?:weeks|month)\b",
         "vague", "month", None, None),
        (r"\b(?:late|earlier|early)\s+(?:last|this)\s+year\b|\b(?:last|this|past)\s+year(?:['’]s)?\b"
         r"|\bin\s+recent\s+(?:months|years)\b|\b(?:in|over|during)\s+the\s+(?:past|last)\s+"
         r"(?:few\s+|several\s+|two\s+|three\s+|\d+\s+)?(?:months|years?|decades?)\b|\byears\s+ago\b"
         r"|\bdecades?\s+ago\b|\blast\s+decade\b", "historical", "year", None, None),
        (r"\b(?:later\s+this|next|coming)\s+week\b|\bin\s+the\s+(?:coming|next)\s+(?:few\s+)?days\b",
         "future", "week", None, None),
        (r"\b(?:later\s+this|next|coming)\s+month\b|\bin\s+the\s+(?:coming|next)\s+(?:few\s+)?weeks\b",
         "future", "month", None, None),
        (r"\b(?:later\s+this|next|coming)\s+year\b|\bin\s+the\s+(?:coming|next)\s+(?:few\s+)?(?:months|years)\b",
         "future", "year", None, None),
    ]
]

_ABSOLUTE, _PHRASE, _WEAK = 0, 1, 2  # overlap priority: an explicit date beats a phrase beats a bare weekday


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
    for rx in (_MONTH_DAY, _DAY_MONTH):
        for m in rx.finditer(text):
            mon = month_number(m["mon"])
            if m["year"] and mon and (d := _valid(int(m["year"]), mon, int(m["day"]))):
                return d
    m = re.search(rf"\b{_YEAR}\b", text)
    return int(m.group(0)) if m else None


def _published_date(published: str | date) -> date:
    if isinstance(published, date):
        return published
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
    # In normal mixed-case text "may" and "march" in lower case are a verb, never a month
    mixed = any(c.islower() for c in s) and any(c.isupper() for c in s)
    found: list[tuple[int, DateExpr]] = []

    def add(priority: int, start: int, end: int, d: date | None, precision: str | None, kind: str,
            offset: int | None = None):
        text = s[start:end].rstrip(" ,")
        found.append((priority, DateExpr(start, start + len(text), text, d.isoformat() if d else None,
                                         precision, kind, offset)))

    def month_ok(m: re.Match, has_day: bool = False) -> bool:
        tok = m["mon"]
        if tok.rstrip(".").lower() not in AMBIGUOUS_MONTHS:
            return True
        if mixed:
            return not tok.islower()
        # lower case or ALL CAPS: "may"/"march" is a month only next to a day that is not a count
        return not has_day or bool(m["year"]) or not (_COUNT_AFTER.match(s, m.end()) or
                                                      _COUNT_AFTER.match(s, m.end("mon")))

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

    for rx in (_MONTH_DAY, _DAY_MONTH):
        for m in rx.finditer(s):
            if not month_ok(m, has_day=True) or (not m["year"] and _MEASURE_AFTER.match(s, m.end())):
                continue
            day_expr(m.start(), m.end(), month_number(m["mon"]), int(m["day"]), m["year"])
    for m in _ISO.finditer(s):
        day_expr(m.start(), m.end(), int(m["mon"]), int(m["day"]), m["year"])
    for m in _NUMERIC.finditer(s):
        a, b = int(m["a"]), int(m["b"])
        day, mon = (b, a) if b > 12 >= a else (a, b)  # day first, as wire copy outside the US writes it
        if 1 <= mon <= 12:
            day_expr(m.start(), m.end(), mon, day, m["year"])
    for m in _ON_THE_NTH.finditer(s):
        day = int(m["day"])
        d = _valid(pub.year, pub.month, day)
        if d is None or d > pub:
            prev = pub.replace(day=1) - timedelta(days=1)
            d = _valid(prev.year, prev.month, day)
        if d is not None:
            add(_ABSOLUTE, m.start(), m.end(), d, "day", "day")

    for m in _MONTH_YEAR.finditer(s):
        if not month_ok(m):
            continue
        if not m["year"] and not m["prep"] and not m.group(0).lower().startswith("mid"):
            continue  # a bare month name is too often something else ("the March 23 Movement" is caught above)
        mon = month_number(m["mon"])
        year = int(m["year"]) if m["year"] else None
        if year is None:  # "in August": this month, an earlier month, or (up to a quarter ahead) a coming one
            ahead = (mon - pub.month) % 12
            prep = re.sub(r"\s+", " ", (m["prep"] or "").lower())
            if prep == "last" or (ahead and prep in ("since", "earlier in")):
                kind = "historical"
            elif ahead and prep in ("by", "until", "till"):
                kind = "future"  # a deadline
            else:
                kind = "vague" if ahead == 0 else "future" if ahead <= 3 else "historical"
            add(_PHRASE, m.start(), m.end(), None, "month", kind)
            continue
        key, now = (year, mon), (pub.year, pub.month)
        kind = "vague" if key == now else "historical" if key < now else "future"
        add(_PHRASE, m.start(), m.end(), None, "month", kind)

    for m in _YEAR_ONLY.finditer(s):
        if _MEASURE_AFTER.match(s, m.end()):
            continue
        prep = m["prep"].lower()
        if prep in ("a", "an", "the", "of") and not m["decade"] and not re.match(r"\s+[a-z]", s[m.end():], _F):
            continue  # "a 2021 coup", "the 2019 election": the year must qualify a noun
        year = int(m["year"])
        kind = "future" if year > pub.year and not m["decade"] else "historical"
        add(_PHRASE, m.start(), m.end(), None, "year", kind)

    for m in _AGO.finditer(s):
        word = re.sub(r"\s+", " ", m["n"].lower())
        n = NUMBERS.get(word) if not word.isdigit() else int(word)
        unit = m["unit"].lower().rstrip("s")
        direction = m["dir"].lower()
        scale = {"day": 1, "week": 7, "month": 30, "year": 365}[unit]
        if direction == "ago":  # "three days ago" is a day; weeks ago and a month ago are still news
            if unit == "day" and n is not None:
                add(_PHRASE, m.start(), m.end(), pub - timedelta(days=n), "day", "day")
            elif unit == "day" or (unit == "week" and (n or 9) <= 2):
                add(_PHRASE, m.start(), m.end(), None, "week", "vague")
            elif unit == "week" or (unit == "month" and n == 1):
                add(_PHRASE, m.start(), m.end(), None, "month", "vague")
            else:
                add(_PHRASE, m.start(), m.end(), None, "month" if unit == "month" else "year", "historical")
        else:
            sign = 1 if direction in ("after", "later") else -1
            add(_PHRASE, m.start(), m.end(), None, "day", "relative", None if n is None else sign * n * scale)

    for rx, kind, prec, days, off in _PHRASES:
        for m in rx.finditer(s):
            add(_PHRASE, m.start(), m.end(), pub + timedelta(days=days) if days is not None else None,
                prec, kind, off)

    for m in _WEEKDAY.finditer(s):
        wd = WEEKDAYS[m["wd"].lower()]
        prep = re.sub(r"\s+", " ", (m["prep"] or "").lower())
        if prep in ("next", "coming", "this coming"):
            add(_WEAK, m.start(), m.end(), weekday_after(pub, wd), "day", "future")
        elif prep in ("last", "past", "this past"):
            add(_WEAK, m.start(), m.end(), weekday_before(pub, wd), "day", "day")
        else:
            add(_WEAK, m.start(), m.end(), weekday_on_or_before(pub, wd), "day", "day")

    # Overlaps: the longer match wins ("late on Monday" over "Monday", "Tuesday, Aug. 24" over "on Tuesday");
    # at equal length an explicit date beats a phrase beats a weekday
    found.sort(key=lambda pe: (-(pe[1].end - pe[1].start), pe[0], pe[1].start))
    taken: list[DateExpr] = []
    for _, e in found:
        if all(e.end <= t.start or e.start >= t.end for t in taken):
            taken.append(e)
    return sorted(taken, key=lambda e: e.start)
