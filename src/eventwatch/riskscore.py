"""A risk picture: per asset and per district, a time-decayed, severity-weighted score, its trend,
and the incidents that make it up (so a number is always explained).

    score = sum over incidents of severity * 0.5 ** (age_days / half_life_days)
    trend = (incidents per day in the last recent_days) / (incidents per day in the baseline_days before)

An asset's incidents are those that match it under the alert rules (the same ``AssetIndex``);
a district's (admin2, else admin1) are the incidents that pass any rule's event filter there,
with proximity 1. Weights and windows come from ``[risk]`` in the rules file.

>>> ranking = asset_risk(incidents, assets, load_rules(), as_of="2024-06-30")
>>> ranking[0].name, ranking[0].score, ranking[0].contributors[0]["share"]
('Dasu hydropower project', 41.3, 0.62)
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Iterable

from .alerting import AssetIndex, Match, Rules, severity
from .records import Incident
from .watchlist import Asset


@dataclass
class RiskScore:
    """One row of the ranking: an asset or a district with its score, trend and top contributors."""

    key: str  # asset id, or "PAK/Khyber Pakhtunkhwa/Upper Kohistan"
    name: str
    kind: str  # "asset" | "district"
    score: float
    trend: float | None  # None: no incident in the baseline window to compare with
    recent: int
    baseline: int
    incidents: int
    contributors: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)

    def trend_text(self) -> str:
        if self.trend is None:
            return "new" if self.recent else "-"
        return f"x{self.trend:.2f}"


def incident_day(inc: Incident) -> dt.date | None:
    for v in (inc.date, inc.first_seen, inc.last_seen):
        if v:
            try:
                return dt.date.fromisoformat(str(v)[:10])
            except ValueError:
                continue
    return None


def lookback_days(rules: Rules) -> int:
    """How far back incidents can still matter: the trend windows, or 8 half-lives (weight < 0.4%)."""
    r = rules.risk
    return int(max(r["recent_days"] + r["baseline_days"], 8 * r["half_life_days"]))


def _as_date(v) -> dt.date:
    if v is None:
        return dt.date.today()
    return v if isinstance(v, dt.date) else dt.date.fromisoformat(str(v))


def _score(key: str, name: str, kind: str, matches: list[Match], rules: Rules, as_of: dt.date) -> RiskScore:
    r = rules.risk
    rows = []
    recent = baseline = 0
    for m in matches:
        day = incident_day(m.incident)
        if day is None or day > as_of:
            continue
        age = (as_of - day).days
        if age < r["recent_days"]:
            recent += 1
        elif age < r["recent_days"] + r["baseline_days"]:
            baseline += 1
        sev = severity(m, rules)
        weight = 0.5 ** (age / r["half_life_days"])
        rows.append({"incident_id": m.incident.incident_id, "title": m.incident.title or m.incident.code,
                     "date": day.isoformat(), "severity": sev, "weight": round(weight, 4),
                     "contribution": sev * weight, "distance_km": m.distance_km})
    total = sum(x["contribution"] for x in rows)
    rows.sort(key=lambda x: (-x["contribution"], x["incident_id"]))
    for x in rows:
        x["share"] = round(x["contribution"] / total, 3) if total else 0.0
        x["contribution"] = round(x["contribution"], 2)
    trend = None
    if baseline:
        trend = round((recent / r["recent_days"]) / (baseline / r["baseline_days"]), 2)
    return RiskScore(key=key, name=name, kind=kind, score=round(total, 2), trend=trend, recent=recent,
                     baseline=baseline, incidents=len(rows), contributors=rows[: int(r["top"])])


def _ranked(scores: list[RiskScore]) -> list[RiskScore]:
    return sorted(scores, key=lambda s: (-s.score, s.name))


def asset_risk(incidents: Iterable[Incident], assets: list[Asset], rules: Rules, *, as_of=None) -> list[RiskScore]:
    """Every asset's score as of a date (default today), highest first."""
    as_of = _as_date(as_of)
    by_asset: dict[str, list[Match]] = {a.asset_id: [] for a in assets}
    for m in AssetIndex(assets, rules).match(incidents):
        by_asset[m.asset.asset_id].append(m)
    return _ranked([_score(a.asset_id, a.name, "asset", by_asset[a.asset_id], rules, as_of) for a in assets])


def district_risk(incidents: Iterable[Incident], rules: Rules, *, as_of=None) -> list[RiskScore]:
    """Every district's score (admin2, else admin1, of the incident's place), highest first."""
    as_of = _as_date(as_of)
    groups: dict[str, tuple[str, list[Match]]] = {}
    for inc in incidents:
        loc = inc.location
        if loc is None or not loc.admin1 or not any(r.event_matches(inc) for r in rules.rules):
            continue
        parts = [loc.country or "-", loc.admin1] + ([loc.admin2] if loc.admin2 else [])
        key = "/".join(parts)
        name = ", ".join(reversed(parts[1:])) + f" ({parts[0]})"
        # a district is where it happened: no distance to discount
        m = Match(inc, _DISTRICT, [], None, "country")
        groups.setdefault(key, (name, []))[1].append(m)
    return _ranked([_score(k, name, "district", ms, rules, as_of) for k, (name, ms) in groups.items()])


_DISTRICT = Asset(asset_id="-", name="-", kind="site")


def risk_series(incidents: list[Incident], asset: Asset, rules: Rules, *, start, end,
                step_days: int = 7) -> list[tuple[dt.date, float]]:
    """The asset's score at every ``step_days`` from ``start`` to ``end`` (for a plot)."""
    start, end = _as_date(start), _as_date(end)
    matches = AssetIndex([asset], rules).match(incidents)
    out = []
    day = start
    while day <= end:
        out.append((day, _score(asset.asset_id, asset.name, "asset", matches, rules, day).score))
        day += dt.timedelta(days=step_days)
    if out and out[-1][0] != end:
        out.append((end, _score(asset.asset_id, asset.name, "asset", matches, rules, end).score))
    return out


def plot_series(series: list[tuple[dt.date, float]], path: str, title: str) -> str:
    """Write the series as a PNG line chart (matplotlib, headless Agg backend); returns the path."""
    from .errors import error

    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError as exc:
        raise error("EW144", detail=str(exc)) from None
    fig, ax = plt.subplots(figsize=(8, 3.5), dpi=100)
    try:
        ax.plot([d for d, _ in series], [s for _, s in series], color="#b03a2e", linewidth=1.8)
        ax.fill_between([d for d, _ in series], [s for _, s in series], color="#b03a2e", alpha=0.15)
        ax.set_title(title)
        ax.set_ylabel("risk score")
        ax.set_ylim(bottom=0)
        ax.grid(alpha=0.3)
        fig.autofmt_xdate()
        fig.tight_layout()
        fig.savefig(path)
    except (OSError, ValueError) as exc:
        raise error("EW144", detail=str(exc)) from None
    finally:
        plt.close(fig)
    return path
