"""Plain article text -> blocks, dateline, title and publication date (no spaCy).

Wire copy as users save it carries a headline, photo captions, "Photos" and "Related Stories" link
lists, reporter credits and a copyright line around the story. ``segment`` labels each line or
paragraph ``body`` or its boilerplate kind, so that only the story reaches the event coder:

>>> text = "Talks held\\nBEIJING, Aug. 24 (Xinhua) -- China and Nepal held talks.\\nEnditem"
>>> [b.kind for b in segment(text)]
['title', 'body', 'credit']

``prepare`` turns a text into an ``Article`` (blocks, dateline place, agency, content hash, id and
publication date). Every pattern here is a precompiled regex run once per line, so cleaning costs
far less than parsing.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, replace
from datetime import date, datetime
from email.utils import parsedate_to_datetime

from .errors import error
from .records import Article, Block

BODY, TITLE, META, CAPTION, PHOTOS, RELATED, CREDIT, COPYRIGHT, NAVIGATION = (
    "body", "title", "meta", "caption", "photos", "related", "credit", "copyright", "navigation")
KINDS = (BODY, TITLE, META, CAPTION, PHOTOS, RELATED, CREDIT, COPYRIGHT, NAVIGATION)

MONTHS = {"jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6, "jul": 7, "aug": 8, "sep": 9,
          "oct": 10, "nov": 11, "dec": 12}
_MONTH = (r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
          r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)")
_ORD = r"(?:st|nd|rd|th)?"

# Agencies as they appear in datelines and photo credits, lower case -> house spelling.
AGENCIES = {
    "reuters": "Reuters", "ap": "AP", "associated press": "AP", "afp": "AFP", "xinhua": "Xinhua",
    "dawn": "Dawn", "the hindu": "The Hindu", "al jazeera": "Al Jazeera", "pti": "PTI", "ians": "IANS",
    "ani": "ANI", "upi": "UPI", "dpa": "dpa", "efe": "EFE", "ansa": "ANSA", "bernama": "Bernama",
    "anadolu": "Anadolu", "aa": "Anadolu", "kyodo": "Kyodo", "yonhap": "Yonhap", "tass": "TASS",
    "ria novosti": "RIA Novosti", "interfax": "Interfax", "wam": "WAM", "spa": "SPA", "irna": "IRNA",
    "app": "APP", "bss": "BSS", "kuna": "KUNA", "mena": "MENA", "sana": "SANA", "cna": "CNA",
    "bloomberg": "Bloomberg", "cnn": "CNN", "bbc": "BBC", "apa": "APA", "pna": "PNA", "ina": "INA",
    "xinhua news agency": "Xinhua", "agencies": "agencies", "the associated press": "AP",
    "agence france-presse": "AFP", "agence france presse": "AFP", "prnewswire": "PRNewswire",
    "the express tribune": "The Express Tribune", "the news": "The News",
}
_AGENCY_ALT = "|".join(sorted((re.escape(a) for a in AGENCIES if len(a) > 1), key=len, reverse=True))


# ---- dateline --------------------------------------------------------------------------------------

@dataclass
class Dateline:
    """A wire dateline: ``BEIJING, Aug. 24 (Xinhua) --``; ``end`` is where the story text starts."""

    place: str
    agency: str | None
    month: int | None
    day: int | None
    start: int
    end: int
    region: str | None = None  # "Pakistan" in "PESHAWAR, Pakistan (AP) —"
    year: int | None = None  # only when the dateline states it: "PARIS, May 16, 2024 (AFP) -"


_WORD = r"[^\W\d_][^\W\d_'’.\-]*(?:[-'’][^\W\d_]+)*\.?"
_PLACE = rf"(?P<place>{_WORD}(?:[ \t]+{_WORD}){{0,3}})"
_REGION = rf"(?:,[ \t]*(?P<region>{_WORD}(?:[ \t]+{_WORD}){{0,4}}))?"
_DATE = (rf"(?:(?P<mon>{_MONTH})\.?[ \t]+(?P<day>\d{{1,2}}){_ORD}"
         rf"|(?P<day2>\d{{1,2}}){_ORD}[ \t]+(?P<mon2>{_MONTH})\.?)(?:,?[ \t]+(?P<year>(?:19|20)\d\d))?")
_AGENCY = r"(?:\((?P<agency>[^()/\n]{1,40})\)|/(?P<agency2>[^/\n]{1,40})/)"
_SEP = r"[ \t]*(?:--|—|–|-|:)[ \t]*"
# PLACE[, Region][, Date] [(Agency)] SEP, with a date or an agency (checked in parse_dateline)
_DATELINE_RE = re.compile(
    rf"[ \t]*{_PLACE}{_REGION}(?:,[ \t]*{_DATE})?[ \t]*(?:{_AGENCY})?{_SEP}", re.I)
# Dawn / NYT style, capitals only: "ISLAMABAD: ", "KABUL — "
_CAPS_DATELINE_RE = re.compile(
    r"[ \t]*(?P<place>[A-Z][A-Z'’.\-]{2,}(?:[ \t]+[A-Z][A-Z'’.\-]*){0,3})"
    r"(?:,[ \t]*(?P<region>[A-Z][A-Za-z'’.\-]+(?:[ \t]+[A-Z][A-Za-z'’.\-]+){0,3}))?"
    r"(?::[ \t]+|[ \t]*(?:--|—|–)[ \t]*|[ \t]+-[ \t]+)(?=\S)")
# Labels that look like a capitals dateline but are not places.
_NOT_PLACES = {"UPDATE", "UPDATED", "BREAKING", "BREAKING NEWS", "EXCLUSIVE", "FILE", "FILE PHOTO", "PHOTO",
               "PHOTOS", "VIDEO", "WATCH", "NOTE", "EDITOR'S NOTE", "EDITOR’S NOTE", "CORRECTION", "ANALYSIS",
               "OPINION", "LIVE", "READ MORE", "ALSO READ", "RELATED", "FACTBOX", "EXPLAINER", "SOURCE",
               "EDITOR", "Q", "A", "COMMENT", "ADVERTISEMENT", "SPONSORED", "PUBLISHED", "BY", "THE"}


def _month(s: str | None) -> int | None:
    return MONTHS.get(s[:3].lower()) if s else None


def _agency(raw: str | None) -> str | None:
    if not raw:
        return None
    raw = " ".join(raw.split())
    return AGENCIES.get(raw.lower(), raw)


def parse_dateline(text: str) -> Dateline | None:
    """The wire dateline at the very start of ``text`` (leading blanks allowed), or None.

    >>> d = parse_dateline("BEIJING, Aug. 24 (Xinhua) -- Chinese State Councilor ...")
    >>> (d.place, d.agency, d.month, d.day, d.end)
    ('BEIJING', 'Xinhua', 8, 24, 29)
    """
    m = _DATELINE_RE.match(text)
    if m:
        place = m["place"]
        agency = m["agency"] or m["agency2"]
        mon = _month(m["mon"] or m["mon2"])
        day = m["day"] or m["day2"]
        if not (mon or agency):
            m = None
    if m:
        known = bool(agency) and agency.strip().lower() in AGENCIES
        # Capitals mark a dateline; otherwise ask for a known agency, or a date with an agency, so
        # that "The Kenya Defence Forces (KDF) - ..." is not read as one.
        if (place.isupper() or known or (mon and agency)) and place.upper() not in _NOT_PLACES \
                and "photo" not in (agency or "").lower():
            d, y = int(day) if day else None, int(m["year"]) if m["year"] else None
            if mon and d and not _valid(y or 2000, mon, d):
                mon = d = None
            return Dateline(place=place, agency=_agency(agency), month=mon, day=d, start=m.start("place"),
                            end=m.end(), region=m["region"], year=y)
    m = _CAPS_DATELINE_RE.match(text)
    if m and m["place"] not in _NOT_PLACES and not m["place"].endswith("."):
        return Dateline(place=m["place"], agency=None, month=None, day=None, start=m.start("place"),
                        end=m.end(), region=m["region"])
    return None


def _valid(y: int, mon: int, d: int) -> bool:
    try:
        date(y, mon, d)
        return True
    except ValueError:
        return False


# ---- boilerplate detectors --------------------------------------------------------------------------

_TERMINAL_RE = re.compile(r"[.!?][\"'”’)\]]*$")
_BULLET_RE = re.compile(r"^(?:[-–—•·*▪►◦]|\d{1,2}[.)])\s+")
_FULL_DATE_RE = re.compile(
    rf"\b(?:(?P<mon>{_MONTH})\.?\s+(?P<day>\d{{1,2}}){_ORD},?\s+(?P<year>(?:19|20)\d\d)"
    rf"|(?P<day2>\d{{1,2}}){_ORD}\s+(?:of\s+)?(?P<mon2>{_MONTH})\.?,?\s+(?P<year2>(?:19|20)\d\d)"
    r"|(?P<year3>(?:19|20)\d\d)[-/.](?P<mon3>[01]?\d)[-/.](?P<day3>[0-3]?\d))\b", re.I)
_YEAR_RE = re.compile(r"\b(?:19|20)\d\d\b")

_COPYRIGHT_RE = re.compile(
    r"^(?:copyright\s*(?:©|\(c\)|(?:19|20)\d\d|by\b)|\(c\)\s*(?:19|20)\d\d)|©|\ball rights reserved\b"
    r"|\bmay not be (?:published|reproduced), broadcast", re.I)
_CREDIT_RE = re.compile(
    r"^(?:additional reporting|reporting|writing|written|editing|edited|compiled|translated) by (?-i:[A-Z])"
    r"|^\(.*\b(?:reporting|editing|writing) by\b.*\)\.?$"
    r"|^(?:enditem|end item|\(?end\)?|-+\s*end\s*-+|#{3,}|\*{3,})\.?$"
    r"|^published in (?:dawn|the [a-z]+|[a-z]+)\b"
    r"|^sources?\s*:\s*\S"
    r"|^\(?with (?:additional )?(?:inputs?|reporting) (?:from|by)\b"
    r"|\bcontributed (?:reporting )?to (?:this|the) (?:report|story|article)\.?\)?$"
    r"|^(?:the )?(?:associated press|reuters|afp|ap) (?:writers?|journalists?|reporters?|correspondents?|staff)\b"
    r".{0,120}\bcontributed\b.{0,80}$"
    r"|^editor\s*:\s*\S"
    rf"|^[-–—]{{1,2}}\s*(?:{_AGENCY_ALT})\.?$", re.I)
# "Reporting by Jane Doe in Nairobi; Editing by John Roe" holds names and these small words only;
# "Reporting by Reuters showed that ..." is a sentence
_PLAIN_BYLINE_RE = re.compile(r"(?:additional reporting|reporting|writing|written|editing|edited|compiled|"
                              r"translated) by ", re.I)
_CREDIT_WORDS = {"by", "in", "and", "from", "at", "of", "the", "with", "additional", "reporting", "writing",
                 "editing", "compiled", "translated", "written", "edited", "de", "al", "el", "bin", "van", "von", "da"}


def _prose(s: str) -> bool:
    return any(w not in _CREDIT_WORDS for w in re.findall(r"\b[a-z]+\b", s))


_NAVIGATION_RE = re.compile(
    r"^(?:share(?: this)?(?: (?:article|story|page|on \w+))?|share via \w+|tweet|print|e-?mail|whatsapp|facebook|"
    r"twitter|linkedin|telegram|copy link|advertisement|advertisements|sponsored(?: content)?|"
    r"skip to (?:main )?content|"
    r"back to top|menu|search|subscribe(?: now)?(?: to [\w ]{1,40})?|sign (?:in|up)(?: for [\w ]{1,60})?|log ?in|"
    r"follow us(?: on [\w ,&]{1,60})?|click here(?: to [\w ]{1,60})?|listen to (?:this )?(?:article|story)"
    r"(?: [\w ]{1,30})?|\d{1,2} min(?:ute)?s? read|reading time:?.{0,20}|comments?(?: \(\d+\))?|"
    r"loading(?:\.\.\.|…)?|(?:previous|next)(?: article| story)?|top|font size:?.{0,20}|"
    r"download (?:our|the) app.{0,40}|get the latest news.{0,60}|we recommend)\s*[:.!]?$", re.I)
_NAV_SEPARATORS_RE = re.compile(r"\s[|»›>•·/]\s|\s?\|\s?")
_META_PREFIX_RE = re.compile(r"^(?:published|updated|posted|last updated|first published|released)\b", re.I)
_META_LABEL_RE = re.compile(
    r"^(?:published|updated|posted|last updated|first published|date|released|created)(?:\s+(?:on|at))?\s*:", re.I)
_DATE_REST_RE = re.compile(
    r"\b(?:mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)(?:day|sday|nesday|rsday|urday)?\b|\b\d{1,2}[:.]\d\d"
    r"(?:[:.]\d\d)?\s*(?:[ap]\.?m\.?)?|\b(?:gmt|utc|ist|pkt|pst|est|edt|cet|cest|bst|eat|wat|sast|jst|bjt|ict)"
    r"(?:\s*[+-]\s*\d{1,2}(?::?\d\d)?)?\b|\bupdated\b|\bpublished\b|\blast\b|\bon\b|\bat\b|\|", re.I)
_BYLINE_RE = re.compile(  # "By Jane Doe", "By Jane Doe and John Roe", "Our Correspondent"
    r"^(?:(?i:by)\s+[A-Z][\w.'’-]+(?:\s+[A-Z][\w.'’-]+){0,3}(?:\s*(?:,|and|&)\s*[A-Z][\w.'’ -]{0,60})?"
    r"|(?i:(?:the newspaper'?s |our )?(?:staff |special )?(?:reporter|correspondent)s?))\s*$")
_CAPTION_RES = (
    # ... (AP Photo/Jae Hong)   ... (Photo by AFP)   ... [Photo/Agencies]   ... (Getty Images)
    re.compile(r"[(\[][^()\[\]]*\b(?:photo|photos|photograph|pic|image|images|picture)\b[^()\[\]]*[)\]]\s*\.?$", re.I),
    # ... (Xinhua/Yin Bogu)   ... (Reuters/Stringer)
    re.compile(r"\([A-Z][\w.&'’ -]{0,30}/\s*[A-Z][a-z][^()]{0,80}\)\s*\.?$"),
    re.compile(rf"\((?:{_AGENCY_ALT}|EPA|EPA-EFE|Getty Images|Shutterstock)\)\.?$", re.I),
    # ... REUTERS/Stringer   ... REUTERS/Staff/File Photo
    re.compile(r"\b(?:REUTERS|AFP|AP|EPA|EPA-EFE|XINHUA|ANADOLU|GETTY IMAGES|IANS|PTI)(?: PHOTO)?"
               r"\s*/\s*[\w .,'’/-]{1,60}$"),
    # FILE PHOTO: ...   FILE - ...   Photo: ...   In this photo released by ...
    re.compile(r"^(?:file photo|file|photos?|image|picture|photograph|video)\s*(?::|[-–—](?=\s))\s*\S"
               r"|^in this (?:undated |handout |file )*(?:photo|image|picture|video)\b", re.I),
    # ... Photo: AFP
    re.compile(r"\b(?:photo|picture|image|photograph)s?(?: credit)?\s*:\s*[^.:]{1,60}$", re.I),
    # ... [File: Jane Doe/EPA]   ... [Al Jazeera]
    re.compile(r"\[(?:file|photo|image|video)?\s*:?\s*[^\[\]]{0,80}/\s*[\w .-]{1,40}\]\s*\.?$", re.I),
)
_PHOTOS_HEADER_RE = re.compile(
    r"^(?:photos?|pictures?|in pictures|in photos|photo gallery|photo galleries|galler(?:y|ies)|more photos|"
    r"videos?|multimedia|photo news)\s*:?$", re.I)
_RELATED_HEADER_RE = re.compile(
    r"^(?:related(?:\s+(?:stories|story|news|articles?|coverage|content|links?|reading|posts|topics|reports?))?|"
    r"read more|read also|also read|more stories|more news|more from [\w .'’-]{1,40}|see also|"
    r"you (?:may|might) also (?:like|be interested in)|recommended(?: stories| for you| reading| articles)?|"
    r"top stories|latest (?:news|stories|headlines)|trending(?: now| stories)?|most (?:read|popular|viewed|shared)|"
    r"editor'?s picks|further reading|more on this(?: story| topic)?|in other news|also on [\w .-]{1,30})\s*:?$",
    re.I)
_RELATED_INLINE_RE = re.compile(
    r"^(?:read more|read also|also read|see also|related|recommended|watch|listen)\s*[:|]\s*\S", re.I)


def _has_full_date(s: str) -> bool:
    return _FULL_DATE_RE.search(s) is not None


def _is_meta(s: str) -> bool:
    if len(s) <= 150 and _META_LABEL_RE.match(s):
        return True
    if len(s) <= 100 and _has_full_date(s):
        if _META_PREFIX_RE.match(s):
            return True
        # "16 May 2024", "Thursday, May 16, 2024 10:32 GMT": nothing but a date and a time
        rest = _DATE_REST_RE.sub(" ", _FULL_DATE_RE.sub(" ", s))
        return len(re.findall(r"[^\W\d_]{2,}", rest)) <= 1
    if len(s) <= 100 and _META_PREFIX_RE.match(s) and re.search(r"\b\d{1,2}[:.]\d\d\b", s):
        return True
    return len(s) <= 80 and _BYLINE_RE.match(s) is not None


def _is_navigation(s: str) -> bool:
    if len(s) > 120:
        return False
    if _NAVIGATION_RE.match(s):
        return True
    parts = [p for p in _NAV_SEPARATORS_RE.split(s) if p.strip()]
    # "Home | World | Business", "News » Asia": short items and no sentence
    return (len(parts) >= 3 or (len(parts) == 2 and "|" in s)) and all(len(p.split()) <= 4 for p in parts) \
        and not _TERMINAL_RE.search(s)


def _is_caption(s: str) -> bool:
    return any(r.search(s) for r in _CAPTION_RES)


def _strong_kind(s: str) -> str | None:
    """The boilerplate kind a line has on its own ("Photos"/"Related" headers included), else None."""
    if len(s) <= 400 and _COPYRIGHT_RE.search(s):
        return COPYRIGHT
    if len(s) <= 300 and _PHOTOS_HEADER_RE.match(s):
        return PHOTOS
    if len(s) <= 300 and (_RELATED_HEADER_RE.match(s) or _RELATED_INLINE_RE.match(s)):
        return RELATED
    if "|" in s and _has_full_date(s) and len(s) <= 150:  # "Source: Xinhua| 2021-08-24 20:55:52|Editor: huaxia"
        return META
    if len(s) <= 400 and _CREDIT_RE.search(s) and not (_PLAIN_BYLINE_RE.match(s) and _prose(s)):
        return CREDIT
    if _is_navigation(s):
        return NAVIGATION
    if _is_meta(s):
        return META
    if _is_caption(s):
        return CAPTION
    return None


def _is_header(s: str) -> bool:
    return bool(_PHOTOS_HEADER_RE.match(s) or _RELATED_HEADER_RE.match(s))


def _listlike(s: str) -> bool:
    """A link-list item: a bullet, or a short headline that is not a sentence."""
    return bool(_BULLET_RE.match(s)) or (len(s) <= 200 and len(s.split()) <= 30 and not _TERMINAL_RE.search(s))


def _headline_like(s: str) -> bool:
    # "9 Chinese nationals among 13 killed ...": a headline may open with a figure
    opens = s[:1].isupper() or s[:1].isdigit() and re.search(r"[^\W\d_]{3,}", s) is not None
    return len(s) <= 160 and len(s.split()) <= 25 and not re.search(r"[.,;:]$", s) and bool(opens)


def _sentence_like(s: str) -> bool:
    return len(s.split()) >= 12 and bool(_TERMINAL_RE.search(s))


# ---- segmentation ----------------------------------------------------------------------------------

_LINE_RE = re.compile(r"[^\n]*\n?")


def _units(text: str) -> list[tuple[int, int]]:
    """(start, end) of each line with content, stripped; lines of a hard-wrapped paragraph are one unit."""
    paras: list[list[tuple[int, int]]] = [[]]
    for m in _LINE_RE.finditer(text):
        line = m.group()
        if not line:
            break
        s = len(line) - len(line.lstrip())
        e = len(line.rstrip())
        if e <= s:
            if paras[-1]:
                paras.append([])
            continue
        paras[-1].append((m.start() + s, m.start() + e))
    units: list[tuple[int, int]] = []
    for para in paras:
        if not para:
            continue
        lines = [text[a:b] for a, b in para]
        if not _wrapped(lines):
            units.extend(para)
            continue
        cur = para[0]
        for (a, b), line in zip(para[1:], lines[1:]):
            if _BULLET_RE.match(line) or _strong_kind(line) or parse_dateline(line):
                units.append(cur)
                cur = (a, b)
            else:
                cur = (cur[0], b)
        units.append(cur)
    return units


def _wrapped(lines: list[str]) -> bool:
    """Hard-wrapped prose: lines of similar width (<= 100) that mostly break mid-sentence."""
    if len(lines) < 2 or _is_header(lines[0]):
        return False
    width = max(len(x) for x in lines)
    head = lines[:-1]
    if width > 100 or any(len(x) < max(40, 0.6 * width) for x in head):
        return False
    return sum(1 for x in head if _TERMINAL_RE.search(x)) < 0.5 * len(head)


def _find_dateline(text: str, units: list[tuple[int, int]], kinds: list[str | None]) -> tuple[int, Dateline] | None:
    """The unit that opens with the dateline: among the first ones, before the story has clearly begun."""
    sentences = 0
    for i, (a, b) in enumerate(units[:12]):
        s = text[a:b]
        if kinds[i] in (CAPTION, COPYRIGHT, CREDIT, NAVIGATION, PHOTOS, RELATED):
            continue
        d = parse_dateline(s)
        if d:
            return i, replace(d, start=a + d.start, end=a + d.end)
        if kinds[i] is None and _sentence_like(s):
            sentences += 1
            if sentences >= 2:  # two story paragraphs without a dateline: there is none
                return None
    return None


def _segment(text: str) -> tuple[list[Block], Dateline | None]:
    units = _units(text)
    strong = [_strong_kind(text[a:b]) for a, b in units]
    found = _find_dateline(text, units, strong)
    dl_index, dateline = found if found else (None, None)
    kinds: list[str] = []
    list_kind: str | None = None
    have_title = False
    # where paragraphs are blank-line separated, the lines under a "Related Stories:" header in its
    # own paragraph are its items, whatever they look like
    joined = [i > 0 and text.count("\n", units[i - 1][1], a) < 2 for i, (a, _) in enumerate(units)]
    paragraphs = not all(joined[1:])
    for i, (a, b) in enumerate(units):
        s = text[a:b]
        k = strong[i]
        if dl_index is not None and i < dl_index:
            # before the dateline nothing is story: headline, date and byline lines, captions
            if k is None:
                if not have_title and _headline_like(s):
                    k = TITLE
                    have_title = True
                else:
                    k = CAPTION if (len(s.split()) > 25 or _has_full_date(s)) else META
            kinds.append(k)
            continue
        if i == dl_index:
            kinds.append(BODY)
            list_kind = None
            continue
        if k in (PHOTOS, RELATED):
            list_kind = k if _is_header(s) else None
        elif k is not None:
            list_kind = None
        elif list_kind and (_listlike(s) or (paragraphs and joined[i])):
            k = list_kind
        else:
            list_kind = None
            k = BODY
            # no dateline: a leading headline line (short, no full stop) followed by more text
            if dl_index is None and not have_title and all(x != BODY for x in kinds) and i + 1 < len(units) \
                    and _headline_like(s) and not _sentence_like(s):
                k = TITLE
                have_title = True
        kinds.append(k)
    blocks: list[Block] = []
    for (a, b), k in zip(units, kinds):
        if blocks and k == blocks[-1].kind and k not in (BODY, TITLE):
            blocks[-1].end = b
        else:
            blocks.append(Block(a, b, k))
    return blocks, dateline


def segment(text: str) -> list[Block]:
    """Blocks of ``text`` (offsets into it), each ``body`` or a boilerplate kind (see ``KINDS``).

    With a dateline, only text from the dateline on can be body. Body blocks are whole paragraphs
    (lines, or blank-line separated paragraphs for hard-wrapped text).

    >>> [b.kind for b in segment("NAIROBI, May 16 (Reuters) - Police arrested two men.\\n\\n"
    ...                          "(Reporting by Jane Doe; Editing by John Roe)")]
    ['body', 'credit']
    """
    return _segment(text)[0]


# ---- dates --------------------------------------------------------------------------------------------

def normalise_date(value) -> str:
    """``value`` as YYYY-MM-DD, or EW011. Takes ISO dates and datetimes, RFC 2822 and "16 May 2024".

    >>> normalise_date("2024-05-16T08:30:00Z")
    '2024-05-16'
    """
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str):
        s = value.strip()
        m = re.match(r"((?:19|20)\d\d)-(\d\d)-(\d\d)(?:$|[T ]\d)", s)
        if m and _valid(int(m[1]), int(m[2]), int(m[3])):
            return f"{m[1]}-{m[2]}-{m[3]}"
        if not m:
            try:
                return parsedate_to_datetime(s).date().isoformat()
            except (TypeError, ValueError, IndexError):
                pass
            found = _dates_in(s)
            if found and len(s) <= 60:
                return found[0].isoformat()
    raise error("EW011", value=value)


def _dates_in(s: str) -> list[date]:
    out = []
    for m in _FULL_DATE_RE.finditer(s):
        if m["year3"]:
            y, mon, d = int(m["year3"]), int(m["mon3"]), int(m["day3"])
        else:
            y = int(m["year"] or m["year2"])
            mon = _month(m["mon"] or m["mon2"])
            d = int(m["day"] or m["day2"])
        if mon and _valid(y, mon, d):
            out.append(date(y, mon, d))
    return out


def _recent_year(month: int, day: int, today: date) -> int | None:
    """The most recent year, not after ``today``, in which month/day falls on or before today."""
    for y in range(today.year, today.year - 9, -1):
        if _valid(y, month, day) and date(y, month, day) <= today:
            return y
    return None


def _published(text: str, blocks: list[Block], dl: Dateline | None, today: date | None = None) -> str | None:
    def texts(*kinds):
        return [text[b.start:b.end] for b in blocks if b.kind in kinds]

    for s in texts(META) + [c for c in texts(CREDIT) if c.lower().startswith("published")]:
        found = _dates_in(s)
        if found:
            return found[0].isoformat()
    if not dl or not dl.month or not dl.day:
        return None
    if dl.year:
        return date(dl.year, dl.month, dl.day).isoformat()
    for s in texts(CAPTION, BODY):
        for d in _dates_in(s):
            if (d.month, d.day) == (dl.month, dl.day):
                return d.isoformat()
    for s in texts(CAPTION):  # a photo taken a few days before the story still gives the year
        for d in _dates_in(s):
            for y in (d.year, d.year + 1, d.year - 1):
                if _valid(y, dl.month, dl.day) and abs((date(y, dl.month, dl.day) - d).days) <= 7:
                    return date(y, dl.month, dl.day).isoformat()
    for s in texts(COPYRIGHT):
        years = [int(y) for y in _YEAR_RE.findall(s)]
        if years and _valid(max(years), dl.month, dl.day):
            return date(max(years), dl.month, dl.day).isoformat()
    y = _recent_year(dl.month, dl.day, today or date.today())
    return date(y, dl.month, dl.day).isoformat() if y else None


# ---- article -----------------------------------------------------------------------------------------

def content_hash(text: str, blocks: list[Block]) -> str:
    """sha1 of the body text with whitespace normalised: same story, same hash."""
    body = " ".join(" ".join(text[b.start:b.end].split()) for b in blocks if b.kind == BODY)
    return hashlib.sha1(body.encode("utf-8")).hexdigest()


def prepare(text: str, *, id: str | None = None, title: str | None = None, published=None,
            url: str | None = None, agency: str | None = None, source_path: str | None = None,
            source_format: str = "text") -> Article:
    """An ``Article`` from plain text: blocks, dateline, title, publication date, content hash and id.

    Raises EW011 for a ``published`` value that is not a date, EW009 when no body text is left.

    >>> a = prepare("Talks held\\nBEIJING, Aug. 24 (Xinhua) -- China and Nepal held talks on Aug. 24, 2021.")
    >>> (a.title, a.dateline_place, a.agency, a.published)
    ('Talks held', 'BEIJING', 'Xinhua', '2021-08-24')
    """
    if published is not None and published != "":
        published = normalise_date(published)
    else:
        published = None
    blocks, dl = _segment(text)
    if not any(b.kind == BODY for b in blocks):
        raise error("EW009", path=source_path)
    if title is None:
        t = next((b for b in blocks if b.kind == TITLE), None)
        title = " ".join(text[t.start:t.end].split()) if t else None
    h = content_hash(text, blocks)
    return Article(
        id=str(id) if id not in (None, "") else "a" + h[:12],
        text=text,
        title=title,
        published=published or _published(text, blocks, dl),
        url=url,
        agency=agency or (dl.agency if dl else None),
        dateline_place=dl.place if dl else None,
        source_path=source_path,
        source_format=source_format,
        blocks=blocks,
        content_hash=h,
    )
