"""Protected assets: what they are, where they are, and their files (CSV and GeoJSON).

An ``Asset`` is a project, site, office, route, community or nationality to protect:

>>> dasu = Asset.point("Dasu hydropower project", 35.2917, 73.2906, radius_km=30, kind="project",
...                    country="PAK", covers=["CHN"])
>>> round(dasu.distance_km(35.41, 74.10))   # Chilas
74

Geometry is a GeoJSON geometry in WGS84 (lon, lat order): a Point with a radius, or a
LineString/Polygon (a road corridor, a concession) with a buffer, both ``radius_km``. A
``nationality`` watch ("Chinese nationals in Pakistan, wherever they are") has no geometry:
``covers`` names the protected nationalities (ISO alpha-3) or organisations, ``country`` where.

Distances are in km on a local equirectangular projection centred on the incident (shapely does
the geometry): within a few hundred km of the incident its error is well under 1%, which is all
an alert radius needs.
"""
from __future__ import annotations

import csv
import json
import math
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable

from .errors import EventwatchError, error

KINDS = ("project", "site", "office", "route", "community", "nationality")
# radius_km when an import or `assets add` gives none: a point's radius, a line's corridor half-width
DEFAULT_RADIUS_KM = {"Point": 10.0, "LineString": 5.0, "MultiLineString": 5.0, "Polygon": 0.0,
                     "MultiPolygon": 0.0, "MultiPoint": 10.0}
EARTH_RADIUS_KM = 6371.0088
KM_PER_DEG = math.pi * EARTH_RADIUS_KM / 180  # ~111.2 km per degree of latitude
CSV_COLUMNS = ["id", "name", "kind", "lat", "lon", "radius_km", "geometry", "country", "covers", "tags"]


@dataclass
class Asset:
    """One protected asset. ``covers``: protected nationalities (ISO3) and organisation names."""

    asset_id: str
    name: str
    kind: str = "site"
    geometry: dict[str, Any] | None = None
    radius_km: float = 0.0
    country: str | None = None
    covers: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)

    @classmethod
    def point(cls, name: str, lat: float, lon: float, *, radius_km: float = 10.0, asset_id: str | None = None,
              **kw) -> "Asset":
        """An asset at a point, e.g. ``Asset.point("Karachi office", 24.86, 67.01, radius_km=5)``."""
        return cls(asset_id=asset_id or slug(name), name=name, geometry={"type": "Point", "coordinates": [lon, lat]},
                   radius_km=radius_km, **kw)

    # ---- geometry -------------------------------------------------------------------------------------

    def nationalities(self) -> set[str]:
        return {c for c in self.covers if _is_iso3(c)}

    def organisations(self) -> list[str]:
        return [c for c in self.covers if not _is_iso3(c)]

    def bbox(self) -> tuple[float, float, float, float] | None:
        """(min_lon, min_lat, max_lon, max_lat) of the geometry, None without one."""
        if not self.geometry:
            return None
        xs, ys = zip(*_coords(self.geometry["coordinates"]))
        return min(xs), min(ys), max(xs), max(ys)

    def distance_km(self, lat: float, lon: float) -> float:
        """km from (lat, lon) to the geometry itself (0 inside a polygon); ``inf`` without geometry.

        The buffer is not subtracted: compare the result with ``radius_km``.
        """
        g = self.geometry
        if not g:
            return math.inf
        if g["type"] == "Point":
            x, y = g["coordinates"][:2]
            return haversine_km(lat, lon, y, x)
        return _shape_distance(self._shape(), lat, lon)

    def _shape(self):
        shape = self.__dict__.get("_shape_cache")
        if shape is None:
            from shapely.geometry import shape as to_shape

            shape = to_shape(self.geometry)
            self.__dict__["_shape_cache"] = shape
        return shape

    # ---- layouts --------------------------------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        return {"asset_id": self.asset_id, "name": self.name, "kind": self.kind, "geometry": self.geometry,
                "radius_km": self.radius_km, "country": self.country, "covers": list(self.covers),
                "tags": list(self.tags)}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "Asset":
        return cls(asset_id=d["asset_id"], name=d["name"], kind=d.get("kind") or "site", geometry=d.get("geometry"),
                   radius_km=float(d.get("radius_km") or 0.0), country=d.get("country"),
                   covers=list(d.get("covers") or []), tags=list(d.get("tags") or []))

    def to_feature(self) -> dict[str, Any]:
        props = {k: v for k, v in self.to_dict().items() if k not in ("geometry", "asset_id")}
        return {"type": "Feature", "id": self.asset_id, "geometry": self.geometry, "properties": props}


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in km. ``haversine_km(24.86, 67.01, 25.12, 62.33)`` -> ~473."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


def _shape_distance(shape, lat: float, lon: float) -> float:
    import shapely
    from shapely.geometry import Point

    kx = KM_PER_DEG * math.cos(math.radians(lat))

    def project(coords):  # lon/lat -> km east/north of the incident, antimeridian-safe
        dlon = (coords[:, 0] - lon + 180.0) % 360.0 - 180.0
        coords[:, 0] = dlon * kx
        coords[:, 1] = (coords[:, 1] - lat) * KM_PER_DEG
        return coords

    return float(shapely.transform(shape, project).distance(Point(0.0, 0.0)))


def _coords(c) -> Iterable[tuple[float, float]]:
    if c and isinstance(c[0], (int, float)):
        yield float(c[0]), float(c[1])
    else:
        for part in c:
            yield from _coords(part)


def slug(name: str) -> str:
    """A readable id from a name: ``slug("Gwadar port")`` -> ``"gwadar-port"``."""
    from unidecode import unidecode

    s = re.sub(r"[^a-z0-9]+", "-", unidecode(name).lower()).strip("-")
    return s[:60] or "asset"


def _is_iso3(code: str) -> bool:
    return code in _iso3_codes()


@lru_cache(maxsize=1)
def _iso3_codes() -> frozenset[str]:
    from .extraction.countries import all_countries

    return frozenset(all_countries())


# ---- validation -------------------------------------------------------------------------------------------

def make_asset(*, name: Any, kind: Any = None, lat: Any = None, lon: Any = None, radius_km: Any = None,
               geometry: Any = None, country: Any = None, covers: Any = None, tags: Any = None,
               asset_id: Any = None, where: str = "") -> Asset:
    """Validate raw values (from a CSV row, a GeoJSON feature, the CLI) into an ``Asset``.

    Raises the first coded error found (EW130-EW134, EW143); ``where`` prefixes its message
    (``"row 3: "``). ``covers`` and ``tags`` may be lists or ``;``-separated strings.

    >>> make_asset(name="Gwadar port", kind="site", lat="25.12", lon="62.33", radius_km="15", country="pak")
    Asset(asset_id='gwadar-port', name='Gwadar port', kind='site', ...)
    """
    name = str(name or "").strip()
    if not name:
        raise error("EW130", where=where)
    kind = str(kind or "site").strip().lower()
    if kind not in KINDS:
        raise error("EW131", where=where, value=kind, choices=", ".join(KINDS))
    geom = _geometry(geometry, lat, lon, where)
    if radius_km in (None, ""):
        radius = DEFAULT_RADIUS_KM.get(geom["type"], 0.0) if geom else 0.0
    else:
        try:
            radius = float(radius_km)
        except (TypeError, ValueError):
            raise error("EW133", where=where, value=radius_km) from None
        if not math.isfinite(radius) or radius < 0:
            raise error("EW133", where=where, value=radius_km)
    country_code = _country(country, where)
    cover_list = [_cover(c, where) for c in _split(covers)]
    tag_list = _split(tags)
    if kind == "nationality":
        if not cover_list or not country_code:
            raise error("EW143", where=where, detail="a nationality watch needs covers and a country")
    elif geom is None:
        raise error("EW143", where=where, detail=f"a {kind} needs a geometry (lat/lon or GeoJSON)")
    aid = str(asset_id).strip() if asset_id not in (None, "") else slug(name)
    return Asset(asset_id=aid, name=name, kind=kind, geometry=geom, radius_km=radius, country=country_code,
                 covers=cover_list, tags=tag_list)


def _split(v: Any) -> list[str]:
    if v in (None, ""):
        return []
    items = v if isinstance(v, (list, tuple)) else str(v).split(";")
    return [str(x).strip() for x in items if str(x).strip()]


def _country(v: Any, where: str) -> str | None:
    if v in (None, ""):
        return None
    code = str(v).strip().upper()
    if not _is_iso3(code):
        raise error("EW134", where=where, value=v)
    return code


def _cover(v: str, where: str) -> str:
    # a known ISO alpha-3 code is a nationality; anything else is an organisation name ("WFP", "CPEC Authority")
    return v.upper() if _is_iso3(v.upper()) and len(v) == 3 else v


def _number(v: Any, what: str, lo: float, hi: float, where: str) -> float:
    try:
        x = float(v)
    except (TypeError, ValueError):
        raise error("EW132", where=where, detail=f"{what} {v!r} is not a number") from None
    if not (lo <= x <= hi):
        raise error("EW132", where=where, detail=f"{what} {x} is outside {lo}..{hi}")
    return x


def _geometry(geometry: Any, lat: Any, lon: Any, where: str) -> dict | None:
    has_point = lat not in (None, "") or lon not in (None, "")
    if geometry in (None, "", {}):
        if not has_point:
            return None
        return {"type": "Point", "coordinates": [_number(lon, "lon", -180, 180, where),
                                                 _number(lat, "lat", -90, 90, where)]}
    if has_point:
        raise error("EW132", where=where, detail="give either lat/lon or a geometry, not both")
    if isinstance(geometry, str):
        try:
            geometry = json.loads(geometry)
        except json.JSONDecodeError as exc:
            raise error("EW132", where=where, detail=f"not GeoJSON ({exc.msg})") from None
    if not isinstance(geometry, dict) or geometry.get("type") not in DEFAULT_RADIUS_KM:
        t = geometry.get("type") if isinstance(geometry, dict) else type(geometry).__name__
        raise error("EW132", where=where, detail=f"unsupported geometry type {t!r}")
    try:
        pts = list(_coords(geometry.get("coordinates") or []))
    except (TypeError, ValueError, IndexError):
        raise error("EW132", where=where, detail="coordinates are not nested [lon, lat] pairs") from None
    if not pts:
        raise error("EW132", where=where, detail="no coordinates")
    for x, y in pts:
        if not (-180 <= x <= 180 and -90 <= y <= 90):
            raise error("EW132", where=where, detail=f"coordinate [{x}, {y}] is not [lon, lat] in degrees")
    from shapely.geometry import shape

    try:
        s = shape(geometry)
    except Exception as exc:  # shapely raises several types for malformed input
        raise error("EW132", where=where, detail=str(exc).splitlines()[0] if str(exc) else type(exc).__name__) from None
    if not s.is_valid:
        from shapely.validation import explain_validity

        raise error("EW132", where=where, detail=explain_validity(s))
    return {"type": geometry["type"], "coordinates": geometry["coordinates"]}


# ---- files ------------------------------------------------------------------------------------------------

def read_assets(path: str | Path) -> tuple[list[Asset], list[EventwatchError]]:
    """Assets of a .csv or .geojson file, and one coded error per bad row (the good rows still come).

    A file that cannot be read at all raises EW136. Ids repeated within the file are EW135.
    """
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise error("EW136", path=str(p), detail=str(exc)) from None
    suffix = p.suffix.lower()
    if suffix == ".csv":
        raw = _csv_rows(text)
    elif suffix in (".geojson", ".json"):
        raw = _geojson_rows(text, str(p))
    else:
        raise error("EW136", path=str(p), detail=f"unsupported file type {suffix!r}")
    assets: list[Asset] = []
    errors: list[EventwatchError] = []
    seen: set[str] = set()
    for where, values in raw:
        try:
            a = make_asset(**values, where=where)
            if a.asset_id in seen:
                raise error("EW135", where=where, value=a.asset_id, detail="appears twice in the file")
        except EventwatchError as exc:
            exc.path = str(p)
            errors.append(exc)
            continue
        seen.add(a.asset_id)
        assets.append(a)
    return assets, errors


def _csv_rows(text: str):
    reader = csv.DictReader(text.splitlines())
    for i, row in enumerate(reader, start=2):  # row 1 is the header
        row = {(k or "").strip().lower(): v for k, v in row.items()}
        yield f"row {i}: ", {"asset_id": row.get("id"), "name": row.get("name"), "kind": row.get("kind"),
                              "lat": row.get("lat"), "lon": row.get("lon"), "radius_km": row.get("radius_km"),
                              "geometry": row.get("geometry"), "country": row.get("country"),
                              "covers": row.get("covers"), "tags": row.get("tags")}


def _geojson_rows(text: str, path: str):
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise error("EW136", path=path, detail=f"not JSON ({exc.msg}, line {exc.lineno})") from None
    if isinstance(doc, dict) and doc.get("type") == "Feature":
        doc = {"type": "FeatureCollection", "features": [doc]}
    if not isinstance(doc, dict) or doc.get("type") != "FeatureCollection":
        raise error("EW136", path=path, detail="not a GeoJSON FeatureCollection")
    for i, f in enumerate(doc.get("features") or [], start=1):
        props = (f.get("properties") if isinstance(f, dict) else None) or {}
        yield f"feature {i}: ", {"asset_id": f.get("id") if isinstance(f, dict) else None,
                                  "name": props.get("name"), "kind": props.get("kind"),
                                  "radius_km": props.get("radius_km"),
                                  "geometry": f.get("geometry") if isinstance(f, dict) else None,
                                  "country": props.get("country"), "covers": props.get("covers"),
                                  "tags": props.get("tags")}


def write_assets(assets: list[Asset], path: str | Path) -> int:
    """Write assets to .csv or .geojson (by suffix); returns how many. Files round-trip through ``read_assets``."""
    p = Path(path)
    suffix = p.suffix.lower()
    if suffix in (".geojson", ".json"):
        doc = {"type": "FeatureCollection", "features": [a.to_feature() for a in assets]}
        p.write_text(json.dumps(doc, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    elif suffix == ".csv":
        with p.open("w", encoding="utf-8", newline="") as fh:
            w = csv.writer(fh)
            w.writerow(CSV_COLUMNS)
            for a in assets:
                g = a.geometry
                point = g is not None and g["type"] == "Point"
                w.writerow([a.asset_id, a.name, a.kind, g["coordinates"][1] if point else "",
                            g["coordinates"][0] if point else "", a.radius_km,
                            json.dumps(g) if g is not None and not point else "", a.country or "",
                            ";".join(a.covers), ";".join(a.tags)])
    else:
        raise error("EW136", path=str(p), detail=f"unsupported file type {suffix!r}")
    return len(assets)
