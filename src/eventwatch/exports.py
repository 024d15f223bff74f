"""Export layouts for analysts' tools: GeoJSON for maps, GDELT 2.0's event table for GDELT pipelines.

Both work on flat rows (dicts with the column names of the ``events`` table: ``source_country``,
``location_lat``...), so incidents, whose table has the same flat columns, export the same way:

>>> collection, left_out = to_geojson(rows, lat_key="location_lat", lon_key="location_lon")
>>> line = "\\t".join(gdelt_row(row))

No SQL here: ``Store.export`` selects the rows and hands them over.
"""
from __future__ import annotations

import csv
import datetime as dt
import hashlib
import json
import math
from functools import lru_cache
from typing import Any, Iterable, Iterator

from .errors import error
from .settings import DATA_DIR

# ---- GeoJSON (RFC 7946) -------------------------------------------------------------------------------


def _json_value(v: Any) -> Any:
    if isinstance(v, (dt.date, dt.datetime)):
        return v.isoformat()
    if isinstance(v, float) and not math.isfinite(v):
        return None
    return v


def _coord(v: Any) -> float | None:
    try:
        f = float(v)
    except (TypeError, ValueError):
        return None
    return f if math.isfinite(f) else None


def geojson_feature(row: dict, lat_key: str = "location_lat", lon_key: str = "location_lon",
                    id_key: str | None = "event_id") -> dict | None:
    """One GeoJSON Point Feature for a flat row, or None when it has no valid coordinates.

    Coordinates are ``[lon, lat]`` as RFC 7946 orders them; every field of the row (the
    coordinates too) becomes a property, dates as ISO strings.

    >>> geojson_feature({"event_id": "a:0:0", "location_lat": 33.7, "location_lon": 73.0})["geometry"]
    {'type': 'Point', 'coordinates': [73.0, 33.7]}
    """
    lat, lon = _coord(row.get(lat_key)), _coord(row.get(lon_key))
    if lat is None or lon is None or not (-90 <= lat <= 90 and -180 <= lon <= 180):
        return None
    feature: dict[str, Any] = {"type": "Feature", "geometry": {"type": "Point", "coordinates": [lon, lat]},
                               "properties": {k: _json_value(v) for k, v in row.items()}}
    if id_key and row.get(id_key) is not None:
        feature["id"] = str(row[id_key])
    return feature


def geojson_features(rows: Iterable[dict], lat_key: str = "location_lat", lon_key: str = "location_lon",
                     id_key: str | None = "event_id", skipped: list[int] | None = None) -> Iterator[dict]:
    """Features of the rows that have coordinates; ``skipped[0]`` counts the others when given."""
    for row in rows:
        f = geojson_feature(row, lat_key, lon_key, id_key)
        if f is None:
            if skipped is not None:
                skipped[0] += 1
            continue
        yield f


def to_geojson(rows: Iterable[dict], lat_key: str = "location_lat", lon_key: str = "location_lon",
               id_key: str | None = "event_id") -> tuple[dict, int]:
    """A FeatureCollection of the rows with coordinates, and how many rows were left out without them.

    >>> fc, left_out = to_geojson(store_rows, lat_key="location_lat", lon_key="location_lon")
    """
    skipped = [0]
    features = list(geojson_features(rows, lat_key, lon_key, id_key, skipped))
    return {"type": "FeatureCollection", "features": features}, skipped[0]


def write_geojson(rows: Iterable[dict], fh, lat_key: str = "location_lat", lon_key: str = "location_lon",
                  id_key: str | None = "event_id") -> tuple[int, int]:
    """Stream a FeatureCollection to an open text file; returns (features written, rows left out)."""
    skipped = [0]
    n = 0
    fh.write('{"type": "FeatureCollection", "features": [\n')
    for f in geojson_features(rows, lat_key, lon_key, id_key, skipped):
        fh.write((",\n" if n else "") + json.dumps(f, ensure_ascii=False))
        n += 1
    fh.write("\n]}\n")
    return n, skipped[0]


# ---- GDELT 2.0 event table ----------------------------------------------------------------------------

# The 61 columns of a GDELT 2.0 event record, in file order, as "THE GDELT EVENT DATABASE DATA FORMAT
# CODEBOOK V2.0" (gdeltproject.org, 2/19/2015) lists them: GDELT 1.0's 58 plus an ADM2Code per geography.
# Checked against the codebook and public loaders of the 2.0 files (e.g. Spark schemas naming
# Actor1Geo_ADM2Code between Actor1Geo_ADM1Code and Actor1Geo_Lat).
_ACTOR_FIELDS = ["Code", "Name", "CountryCode", "KnownGroupCode", "EthnicCode", "Religion1Code",
                 "Religion2Code", "Type1Code", "Type2Code", "Type3Code"]
_GEO_FIELDS = ["Type", "FullName", "CountryCode", "ADM1Code", "ADM2Code", "Lat", "Long", "FeatureID"]
GDELT_COLUMNS = (["GLOBALEVENTID", "SQLDATE", "MonthYear", "Year", "FractionDate"]
                 + [f"Actor1{f}" for f in _ACTOR_FIELDS] + [f"Actor2{f}" for f in _ACTOR_FIELDS]
                 + ["IsRootEvent", "EventCode", "EventBaseCode", "EventRootCode", "QuadClass", "GoldsteinScale",
                    "NumMentions", "NumSources", "NumArticles", "AvgTone"]
                 + [f"Actor1Geo_{f}" for f in _GEO_FIELDS] + [f"Actor2Geo_{f}" for f in _GEO_FIELDS]
                 + [f"ActionGeo_{f}" for f in _GEO_FIELDS] + ["DATEADDED", "SOURCEURL"])
assert len(GDELT_COLUMNS) == 61

# Geo_Type values of the codebook: 1 COUNTRY, 2 USSTATE, 3 USCITY, 4 WORLDCITY, 5 WORLDSTATE (ADM1).
# A district or sea has a centroid, not an ADM1 code: GDELT's nearest type is the landmark/city one.
_GEO_TYPE = {"country": 1, "province": 5, "city": 4, "district": 4, "sea": 4}
FIPS_FILE = "fips.tsv"


@lru_cache(maxsize=1)
def iso3_to_fips() -> dict[str, str]:
    """ISO alpha-3 -> FIPS 10-4 country code (data/fips.tsv); countries without one are absent.

    >>> iso3_to_fips()["PAK"], iso3_to_fips()["DEU"]
    ('PK', 'GM')
    """
    with open(DATA_DIR / FIPS_FILE, encoding="utf-8") as fh:
        lines = [ln for ln in fh if ln.strip() and not ln.startswith("#")]
    reader = csv.DictReader(lines, delimiter="\t")
    if reader.fieldnames != ["iso3", "fips", "name"]:
        raise error("EW021", name=FIPS_FILE, detail=f"header is {reader.fieldnames}, expected iso3, fips, name")
    return {r["iso3"]: r["fips"] for r in reader if r["fips"]}


def gdelt_event_id(event_id: str) -> int:
    """A stable positive integer for an event id (the first 60 bits of its SHA-1), for GLOBALEVENTID.

    >>> gdelt_event_id("a4dc3e1888065:1:1") == gdelt_event_id("a4dc3e1888065:1:1")
    True
    """
    return int(hashlib.sha1(event_id.encode("utf-8")).hexdigest()[:15], 16)


def _num(v: Any, places: int) -> str:
    """A number as GDELT writes it: no trailing zeros, no exponent ("2.8", "-10", "33.7215")."""
    f = _coord(v)
    if f is None:
        return ""
    s = f"{round(f, places):.{places}f}".rstrip("0").rstrip(".")
    return "0" if s in ("-0", "") else s


def _text(v: Any) -> str:
    # a tab or newline inside a value would shift every later column of the line
    return " ".join(str(v).split()) if v is not None else ""


def _as_date(v: Any) -> dt.date | None:
    if v is None or v == "":
        return None
    if isinstance(v, dt.datetime):
        return v.date()
    if isinstance(v, dt.date):
        return v
    return dt.date.fromisoformat(str(v)[:10])


def _actor(row: dict, side: str) -> list[str]:
    country, sector = row.get(f"{side}_country"), row.get(f"{side}_sector")
    name = row.get(f"{side}_name") or row.get(f"{side}_text")
    code = row.get(f"{side}_code") or ((country or "") + (sector or ""))
    if not (country or sector or name):
        return [""] * len(_ACTOR_FIELDS)
    return [_text(code), _text(name).upper(), _text(country), "", "", "", "", _text(sector), "", ""]


def _geo(row: dict, prefix: str = "location") -> list[str]:
    lat, lon = _coord(row.get(f"{prefix}_lat")), _coord(row.get(f"{prefix}_lon"))
    name, country = row.get(f"{prefix}_name"), row.get(f"{prefix}_country")
    if name is None and lat is None:
        return ["0"] + [""] * (len(_GEO_FIELDS) - 1)  # GDELT writes type 0 for "no geography"
    precision = row.get(f"{prefix}_precision") or "city"
    gtype = _GEO_TYPE.get(precision, 4)
    if country == "USA" and gtype in (4, 5):
        gtype = 3 if gtype == 4 else 2
    fips = iso3_to_fips().get(country or "", "")
    parts = [name] if precision != "country" else []
    admin1 = row.get(f"{prefix}_admin1")
    if admin1 and admin1 != name and precision != "country":
        parts.append(admin1)
    parts.append(_country_name(country) or name)
    full = ", ".join(_text(p) for p in parts if p)
    # GDELT's ADM1Code is FIPS country + FIPS ADM1 digits; we know only the country part, which GDELT itself
    # gives for country-level places (there FeatureID is the country code too). Our geonameid is a GeoNames id,
    # not the GNS/GNIS FeatureID GDELT uses, so FeatureID stays empty below country level.
    adm1 = fips if precision == "country" else ""
    feature = fips if precision == "country" else ""
    return [str(gtype), full, fips, adm1, "", _num(lat, 4), _num(lon, 4), feature]


@lru_cache(maxsize=512)
def _country_name(iso3: str | None) -> str:
    if not iso3:
        return ""
    from .extraction.countries import country_name

    return country_name(iso3) or ""


def gdelt_row(row: dict) -> list[str]:
    """One event as the 61 fields of a GDELT 2.0 event record (strings; "" where we have nothing).

    ``row`` holds the flat event columns plus ``effective_date`` and the article's ``article_url``,
    ``article_source_path`` and ``article_ingested_at`` (any may be missing).

    >>> fields = gdelt_row(flat_event)
    >>> dict(zip(GDELT_COLUMNS, fields))["EventBaseCode"]
    '183'
    """
    day = _as_date(row.get("date")) or _as_date(row.get("effective_date")) or _as_date(row.get("published"))
    code = row.get("code") or ""
    if day is not None:
        dates = [day.strftime("%Y%m%d"), day.strftime("%Y%m"), str(day.year),
                 f"{day.year + (day.month * 30 + day.day) / 365:.4f}"]  # the codebook's (MONTH*30+DAY)/365
    else:
        dates = ["", "", "", ""]
    added = row.get("article_ingested_at")
    if isinstance(added, str) and added:
        added = dt.datetime.fromisoformat(added)
    if isinstance(added, dt.datetime):
        dateadded = added.strftime("%Y%m%d%H%M%S")
    else:
        pub = _as_date(row.get("published"))
        dateadded = pub.strftime("%Y%m%d000000") if pub else ""
    event_id = row.get("event_id") or f"{row.get('article_id')}:{row.get('sentence_index')}:{row.get('span_start')}"
    quad = row.get("quad_class")
    out = ([str(gdelt_event_id(str(event_id)))] + dates + _actor(row, "source") + _actor(row, "target")
           + ["1" if row.get("sentence_index") == 0 else "0", _text(code), _text(code[:3]),
              _text(row.get("root") or code[:2]), str(quad) if quad is not None else "",
              _num(row.get("goldstein"), 1), "1", "1", "1", ""]
           + ["0"] + [""] * (len(_GEO_FIELDS) - 1) + ["0"] + [""] * (len(_GEO_FIELDS) - 1)
           + _geo(row) + [dateadded, _text(row.get("article_url") or row.get("article_source_path"))])
    return out
