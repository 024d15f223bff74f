"""Country names, aliases, demonyms and capitals -> ISO 3166-1 alpha-3 codes.

The dictionary is data (``data/countries.tsv``), loaded once. Every lookup is an exact match of the
whole text after normalisation (case, diacritics, a leading "the", a possessive "'s", dots and
hyphens), so "Niger" never matches "Nigeria" and "Guinea" never matches "Papua New Guinea".
Two guards keep common words out: short acronyms ("US", "UK", "CAR") match only in capitals,
and names that are also ordinary words ("turkey", "chad", "poles") need a capital letter.

>>> country_any("the Philippines'"), country_by_demonym("Pakistanis"), country_by_capital("Kigali")
('PHL', 'PAK', 'RWA')
"""
from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import lru_cache

from unidecode import unidecode

from ..errors import error
from ..settings import DATA_DIR

COUNTRIES_TSV = DATA_DIR / "countries.tsv"
COLUMNS = ["iso3", "iso2", "name", "aliases", "demonyms", "capital", "capital_aliases"]

# Keys that are also ordinary lower-case words: matched only when the text has a capital letter
# ("Turkey" the country, not "turkey" the bird; "Poles" the people, not "poles").
COMMON_WORDS = frozenset({
    "turkey", "chad", "china", "guinea", "jersey", "chile", "pole", "poles", "polish", "swede", "swedes",
    "afghan", "afghans", "male", "kiwi", "kiwis", "cayman", "scot", "scots",
})
# Capitals whose name is far more often a person or another town than a metonym for a government
# ("Douglas", "Hamilton", "Victoria"): kept in the data, never returned by country_by_capital.
AMBIGUOUS_CAPITALS = frozenset({
    "douglas", "hamilton", "victoria", "stanley", "valley", "plymouth", "jamestown", "saint denis",
    "george town", "west island", "saint pierre", "san juan",
})

_POSSESSIVE = re.compile(r"(?:['’]s|(?<=s)['’])$", re.IGNORECASE)
_THE = re.compile(r"^the\s+", re.IGNORECASE)
_SEP = re.compile(r"[\s\-–—_/]+")
_DROP = re.compile(r"[.'’‘`\"(),]")
_ACRONYM = re.compile(r"^[A-Za-z]{1,5}$")


def strip_text(text: str) -> str:
    """Surface form without a leading "the", a trailing possessive and outer punctuation.

    >>> strip_text("the Philippines' ")
    'Philippines'
    """
    t = text.strip().strip(",;:!?\"“”()[]")
    t = _POSSESSIVE.sub("", t).strip()
    return _THE.sub("", t).strip()


@lru_cache(maxsize=100_000)
def norm(text: str) -> str:
    """Lookup key: ASCII, lower case, no "the", no possessive, dots/apostrophes dropped, hyphens as spaces.

    >>> norm("Côte d'Ivoire"), norm("U.S."), norm("Guinea-Bissau's")
    ('cote divoire', 'us', 'guinea bissau')
    """
    t = unidecode(strip_text(text)).lower().replace("&", " and ")
    t = _DROP.sub("", t)
    return _SEP.sub(" ", t).strip()


@dataclass(frozen=True)
class _Tables:
    names: dict[str, str]
    demonyms: dict[str, str]
    capitals: dict[str, str]
    acronyms: dict[str, set[str]]  # key -> accepted exact surface forms (dots removed)
    display: dict[str, str]  # iso3 -> name
    iso2: dict[str, str]  # iso2 -> iso3


@lru_cache(maxsize=1)
def _tables() -> _Tables:
    try:
        with open(COUNTRIES_TSV, encoding="utf-8") as fh:
            rows = list(csv.DictReader((ln for ln in fh if not ln.startswith("#")), delimiter="\t"))
    except OSError as e:  # pragma: no cover - the file ships with the package
        raise error("EW021", name="countries.tsv", detail=str(e)) from None
    names: dict[str, str] = {}
    demonyms: dict[str, str] = {}
    capitals: dict[str, str] = {}
    acronyms: dict[str, set[str]] = {}
    display: dict[str, str] = {}
    iso2: dict[str, str] = {}
    for r in rows:
        if list(r) != COLUMNS or not re.fullmatch(r"[A-Z]{3}", r["iso3"] or ""):
            raise error("EW021", name="countries.tsv", detail=f"bad row {r!r}")
        iso3 = r["iso3"]
        display[iso3] = r["name"]
        iso2[r["iso2"]] = iso3

        def add(table: dict[str, str], value: str, *, first_wins: bool = True) -> None:
            key = norm(value)
            if not key:
                return
            if key not in table or not first_wins:
                table[key] = iso3
            bare = value.replace(".", "").replace(" ", "")
            if _ACRONYM.match(bare) and sum(c.isupper() for c in bare) >= 2:
                acronyms.setdefault(key, set()).update({bare, bare.upper()})

        add(names, r["name"], first_wins=False)  # a country's own name beats another's alias
        for a in filter(None, r["aliases"].split("|")):
            add(names, a)
        for d in filter(None, r["demonyms"].split("|")):
            add(demonyms, d)
        for c in filter(None, [r["capital"]] + r["capital_aliases"].split("|")):
            add(capitals, c)
    return _Tables(names, demonyms, capitals, acronyms, display, iso2)


def _find(table: dict[str, str], text: str | None) -> str | None:
    if not text:
        return None
    key = norm(text)
    iso3 = table.get(key)
    if iso3 is None:
        return None
    t = _tables()
    surface = strip_text(text)
    if key in t.acronyms and surface.replace(".", "").replace(" ", "") not in t.acronyms[key]:
        return None  # "us", "car", "uk" in running text are words, not countries
    if key in COMMON_WORDS and surface.islower():
        return None
    return iso3


def country_by_name(text: str | None) -> str | None:
    """ISO3 of a country name or alias, else None.

    >>> country_by_name("DR Congo"), country_by_name("Congo"), country_by_name("U.S."), country_by_name("us")
    ('COD', 'COG', 'USA', None)
    """
    return _find(_tables().names, text)


def country_by_demonym(text: str | None) -> str | None:
    """ISO3 of a nationality adjective or plural noun, else None.

    >>> country_by_demonym("Somalis"), country_by_demonym("Congolese"), country_by_demonym("Emirati")
    ('SOM', 'COD', 'ARE')
    """
    return _find(_tables().demonyms, text)


def country_by_capital(text: str | None) -> str | None:
    """ISO3 of the country whose capital (or seat of government) this is, else None.

    >>> country_by_capital("Washington D.C."), country_by_capital("ISLAMABAD")
    ('USA', 'PAK')
    """
    if text and norm(text) in AMBIGUOUS_CAPITALS:
        return None
    return _find(_tables().capitals, text)


def country_any(text: str | None) -> str | None:
    """Name, then demonym, then capital.

    >>> country_any("Kenyan"), country_any("Moscow"), country_any("Police")
    ('KEN', 'RUS', None)
    """
    return country_by_name(text) or country_by_demonym(text) or country_by_capital(text)


def country_name(iso3: str) -> str:
    """Display name of an ISO3 code; an unknown code comes back unchanged.

    >>> country_name("XKX")
    'Kosovo'
    """
    return _tables().display.get((iso3 or "").upper(), iso3)


def iso2_to_iso3(iso2: str | None) -> str | None:
    """ISO alpha-2 -> alpha-3 (Kosovo's user-assigned XK -> XKX), else None.

    >>> iso2_to_iso3("pk"), iso2_to_iso3("XK"), iso2_to_iso3("ZZ")
    ('PAK', 'XKX', None)
    """
    return _tables().iso2.get((iso2 or "").upper())


def all_countries() -> list[str]:
    """Every ISO3 code in the table, sorted (ISO 3166-1 plus XKX)."""
    return sorted(_tables().display)
