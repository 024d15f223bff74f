"""Relations between two countries over time: what each did to the other, week by week or month by month.

>>> report = eventwatch.dyad("CHN", "PAK", db="demo.duckdb", by="month")
>>> [(p.label, p.a_to_b.kinds["meetings"], p.b_to_a.kinds["attacks"]) for p in report.periods]
[('2021-07', 0, 1), ('2021-08', 1, 0)]

What counts (README "Relations between two countries" says the same):

- an event counts for A→B when its source country is A and its target country is B (sectors aside);
- negated events did not happen: left out. ``reference`` events are nominal mentions of an earlier
  event ("the Dasu attack"): that event is counted where it was reported, not again. ``hypothetical``
  events (conditional or hedged: "may have", "if") may not have happened: left out. All three are
  listed with their ids under ``excluded`` so a reader can check them. Threats are *made*: the coder
  gives them 13x codes in mode ``intent``, and they count as verbal conflict on the day they were made;
- meetings: root 04 (consult, call, visit, host, meet elsewhere, mediate, negotiate). An announced
  meeting (036) is a pledge, not a meeting, so that the meeting is not counted twice when it happens;
- pledges: root 03 (expressions of intent to cooperate, 036 included), and any other cooperative event
  (roots 01-09) the coder marked as an intent;
- demands: root 10 (demand) and root 02 (appeal or request): PLOVER joins the two as REQUEST, and the
  coder gives "urged/hoped X would/called on X to" 02x codes;
- attacks: the codes cameo.tsv maps to PLOVER ASSAULT: 18x, 19x except 191 (blockade) and 192
  (occupation), 20x, 1712 (destroy property) and 175 (violent repression). Only asserted ones.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Iterable

from .errors import error
from .records import HYPOTHETICAL, INTENT, REFERENCE

QUADS = ("verbal_cooperation", "material_cooperation", "verbal_conflict", "material_conflict")
KINDS = ("meetings", "pledges", "demands", "attacks")
PERIODS = ("week", "month")
MAX_PERIODS = 3000  # a (mistyped) century of weeks would draw nothing readable
_QUAD_LABELS = {"verbal_cooperation": "verbal cooperation", "material_cooperation": "material cooperation",
                "verbal_conflict": "verbal conflict", "material_conflict": "material conflict"}


@lru_cache(maxsize=1)
def _attack_codes() -> frozenset[str]:
    from .extraction.codebook import codebook

    return frozenset(c for c, info in codebook().items() if info.plover == "ASSAULT")


def kinds_of(code: str, mode: str, quad_class: int | None = None) -> list[str]:
    """Which of meetings, pledges, demands, attacks an event counts as (an event may be none of them).

    >>> kinds_of("041", "asserted"), kinds_of("0312", "intent"), kinds_of("1832", "asserted")
    (['meetings'], ['pledges'], ['attacks'])
    """
    root = code[:2]
    out = []
    if root == "04" and mode != INTENT:
        out.append("meetings")
    if root == "03" or (mode == INTENT and root in ("01", "02", "04", "05", "06", "07", "08", "09")):
        out.append("pledges")
    if root in ("02", "10") and mode != INTENT:
        out.append("demands")
    if code in _attack_codes() and mode not in (INTENT, HYPOTHETICAL, REFERENCE):
        out.append("attacks")
    return out


@dataclass
class Tally:
    """The figures of one direction in one period, with the event ids behind each figure."""

    events: int = 0
    quads: dict[str, int] = field(default_factory=lambda: dict.fromkeys(QUADS, 0))
    kinds: dict[str, int] = field(default_factory=lambda: dict.fromkeys(KINDS, 0))
    goldstein_sum: float = 0.0
    goldstein_n: int = 0
    ids: dict[str, list[str]] = field(default_factory=lambda: {k: [] for k in ("events", *QUADS, *KINDS)})

    def add(self, event_id: str, quad_class: int | None, goldstein: float | None, kinds: Iterable[str]) -> None:
        self.events += 1
        self.ids["events"].append(event_id)
        if quad_class in (1, 2, 3, 4):
            q = QUADS[quad_class - 1]
            self.quads[q] += 1
            self.ids[q].append(event_id)
        for k in kinds:
            self.kinds[k] += 1
            self.ids[k].append(event_id)
        if goldstein is not None:
            self.goldstein_sum += goldstein
            self.goldstein_n += 1

    @property
    def goldstein_mean(self) -> float | None:
        """Mean Goldstein score of the events that have one; None when there are none."""
        return round(self.goldstein_sum / self.goldstein_n, 3) if self.goldstein_n else None

    def figures(self) -> dict[str, Any]:
        """The numbers only, in the CSV column order."""
        return {"events": self.events, **self.quads, "goldstein_sum": round(self.goldstein_sum, 3),
                "goldstein_mean": self.goldstein_mean, **self.kinds}

    def to_dict(self) -> dict[str, Any]:
        return {**self.figures(), "event_ids": {k: v for k, v in self.ids.items() if v}}


@dataclass
class Period:
    """One week (Monday to Sunday, labelled by its ISO week ``2021-W30``) or month (``2021-07``)."""

    label: str
    start: dt.date
    end: dt.date
    a_to_b: Tally = field(default_factory=Tally)
    b_to_a: Tally = field(default_factory=Tally)
    both: Tally = field(default_factory=Tally)

    def to_dict(self) -> dict[str, Any]:
        return {"period": self.label, "start": self.start.isoformat(), "end": self.end.isoformat(),
                "a_to_b": self.a_to_b.to_dict(), "b_to_a": self.b_to_a.to_dict(), "both": self.both.to_dict()}


CSV_COLUMNS = ["period", "start", "end", "direction", "source", "target", "events", *QUADS, "goldstein_sum",
               "goldstein_mean", *KINDS]


@dataclass
class DyadReport:
    """Relations of countries ``a`` and ``b`` per period, both directions apart and combined.

    ``periods`` run without gaps from the first to the last (empty ones hold zeros); ``excluded``
    lists the ids of events between the two that were not counted, by reason (negated, reference,
    hypothetical, undated).
    """

    a: str
    b: str
    by: str
    since: str | None
    until: str | None
    periods: list[Period]
    excluded: dict[str, list[str]]
    totals: dict[str, Tally]

    @property
    def a_name(self) -> str:
        return _country_name(self.a)

    @property
    def b_name(self) -> str:
        return _country_name(self.b)

    def direction_label(self, direction: str) -> str:
        return {"a_to_b": f"{self.a}->{self.b}", "b_to_a": f"{self.b}->{self.a}", "both": "both"}[direction]

    def to_dict(self) -> dict[str, Any]:
        """The JSON layout: every figure with the ids of the events behind it."""
        return {"a": self.a, "b": self.b, "a_name": self.a_name, "b_name": self.b_name, "by": self.by,
                "since": self.since, "until": self.until,
                "periods": [p.to_dict() for p in self.periods],
                "totals": {d: t.to_dict() for d, t in self.totals.items()},
                "excluded": self.excluded}

    def csv_rows(self) -> list[list[Any]]:
        """One row per period and direction (A->B, B->A, both), with CSV_COLUMNS as header."""
        out = []
        for p in self.periods:
            for d, src, tgt in (("a_to_b", self.a, self.b), ("b_to_a", self.b, self.a), ("both", "", "")):
                f = getattr(p, d).figures()
                out.append([p.label, p.start.isoformat(), p.end.isoformat(), self.direction_label(d), src, tgt]
                           + [f[c] if f[c] is not None else "" for c in CSV_COLUMNS[6:]])
        return out

    def to_csv(self) -> str:
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        w.writerow(CSV_COLUMNS)
        w.writerows(self.csv_rows())
        return buf.getvalue()

    def to_table(self) -> str:
        """A readable text table: one line per period and direction."""
        head = (f"{'period':<9} {'direction':<9} {'events':>6} {'vcoop':>5} {'mcoop':>5} {'vconf':>5} {'mconf':>5} "
                f"{'gold.sum':>8} {'gold.mean':>9} {'meet':>4} {'pledge':>6} {'demand':>6} {'attack':>6}")
        lines = [f"{self.a_name} ({self.a}) <-> {self.b_name} ({self.b}), by {self.by}"
                 + (f", {self.periods[0].label} .. {self.periods[-1].label}" if self.periods else ": no events"),
                 head, "-" * len(head)]
        for p in self.periods:
            if not p.both.events:  # keep the axis continuous without three lines of zeros
                lines.append(f"{p.label:<9} no events")
                continue
            for i, d in enumerate(("a_to_b", "b_to_a", "both")):
                f = getattr(p, d).figures()
                mean = f"{f['goldstein_mean']:.2f}" if f["goldstein_mean"] is not None else "-"
                lines.append(f"{p.label if i == 0 else '':<9} {self.direction_label(d):<9} {f['events']:>6} "
                             + " ".join(f"{f[q]:>5}" for q in QUADS)
                             + f" {f['goldstein_sum']:>8.1f} {mean:>9} {f['meetings']:>4} {f['pledges']:>6}"
                               f" {f['demands']:>6} {f['attacks']:>6}")
        left = ", ".join(f"{k} {len(v)}" for k, v in self.excluded.items() if v)
        lines.append(f"not counted: {left}" if left else "not counted: none")
        return "\n".join(lines)

    def plot(self, path: str) -> str:
        """Draw the report as a PNG: per direction, stacked bars of the four QuadClasses per period,
        a line of mean Goldstein (right axis) and a red mark over periods with attacks. Returns ``path``.

        >>> eventwatch.dyad("CHN", "PAK", db="demo.duckdb").plot("chn_pak.png")
        """
        from .plotting import plot_dyad

        return plot_dyad(self, path)


@lru_cache(maxsize=512)
def _country_name(iso3: str) -> str:
    from .extraction.countries import country_name

    return country_name(iso3)


def check_country(value: Any, name: str = "country") -> str:
    """An ISO alpha-3 code from the country table, upper-cased; EW090 with a suggestion otherwise.

    >>> check_country("pak")
    'PAK'
    """
    from .extraction.countries import all_countries, country_any, iso2_to_iso3

    code = str(value or "").strip().upper()
    if code in set(all_countries()):
        return code
    guess = iso2_to_iso3(code) if len(code) == 2 else country_any(str(value or "").strip())
    suggestion = f"did you mean {guess} ({_country_name(guess)})? " if guess else ""
    raise error("EW090", value=value, suggestion=suggestion)


def period_of(day: dt.date, by: str) -> tuple[str, dt.date, dt.date]:
    """(label, first day, last day) of the week (ISO, Monday first) or month that holds ``day``.

    >>> period_of(dt.date(2021, 7, 14), "week")
    ('2021-W28', datetime.date(2021, 7, 12), datetime.date(2021, 7, 18))
    """
    if by == "week":
        start = day - dt.timedelta(days=day.weekday())
        year, week, _ = start.isocalendar()
        return f"{year}-W{week:02d}", start, start + dt.timedelta(days=6)
    if by == "month":
        start = day.replace(day=1)
        nxt = (start + dt.timedelta(days=32)).replace(day=1)
        return f"{start:%Y-%m}", start, nxt - dt.timedelta(days=1)
    raise error("EW091", value=by)


def _day(v: Any, name: str) -> dt.date | None:
    if v is None or v == "":
        return None
    if isinstance(v, dt.datetime):
        return v.date()
    if isinstance(v, dt.date):
        return v
    try:
        return dt.date.fromisoformat(str(v).strip())
    except ValueError:
        raise error("EW041", value=v, name=name, choices="use a date as YYYY-MM-DD") from None


def build_dyad(rows: Iterable[dict], a: str, b: str, *, by: str = "month", since: Any = None,
               until: Any = None) -> DyadReport:
    """Aggregate flat event rows (``Store.dyad_rows`` layout) into a DyadReport. Pure: no database.

    The time axis runs from ``since`` (else the first counted event) to ``until`` (else the last),
    every period present, empty ones with zeros.

    >>> build_dyad(store.dyad_rows("CHN", "PAK"), "CHN", "PAK", by="week").periods[0].label
    '2021-W28'
    """
    if by not in PERIODS:
        raise error("EW091", value=by)
    lo_given, hi_given = _day(since, "since"), _day(until, "until")
    if lo_given and hi_given and lo_given > hi_given:
        raise error("EW093", since=lo_given, until=hi_given)
    excluded: dict[str, list[str]] = {"negated": [], "reference": [], "hypothetical": [], "undated": []}
    counted: list[tuple[dt.date, dict]] = []
    for r in rows:
        src, tgt = r.get("source_country"), r.get("target_country")
        if {src, tgt} != {a, b}:
            continue
        day = _day(r.get("effective_date"), "effective_date")
        if day is not None and ((lo_given and day < lo_given) or (hi_given and day > hi_given)):
            continue
        if r.get("negated"):
            excluded["negated"].append(r["event_id"])
        elif r.get("mode") == REFERENCE:
            excluded["reference"].append(r["event_id"])
        elif r.get("mode") == HYPOTHETICAL:
            excluded["hypothetical"].append(r["event_id"])
        elif day is None:
            excluded["undated"].append(r["event_id"])
        else:
            counted.append((day, r))
    days = [d for d, _ in counted]
    lo = lo_given or (min(days) if days else hi_given)
    hi = hi_given or (max(days) if days else lo_given)
    periods: list[Period] = []
    index: dict[str, Period] = {}
    if lo is not None and hi is not None:
        if hi < lo:  # only --since given, after every event
            hi = lo
        label, start, end = period_of(lo, by)
        while start <= hi:
            if len(periods) >= MAX_PERIODS:
                raise error("EW094", since=lo, until=hi, n=f"over {MAX_PERIODS}", by=by, limit=MAX_PERIODS)
            p = Period(label, start, end)
            periods.append(p)
            index[label] = p
            label, start, end = period_of(end + dt.timedelta(days=1), by)
    totals = {"a_to_b": Tally(), "b_to_a": Tally(), "both": Tally()}
    for day, r in counted:
        p = index[period_of(day, by)[0]]
        direction = "a_to_b" if r.get("source_country") == a else "b_to_a"
        code, mode = r.get("code") or "", r.get("mode") or ""
        args = (r["event_id"], r.get("quad_class"), r.get("goldstein"), kinds_of(code, mode, r.get("quad_class")))
        for t in (getattr(p, direction), p.both, totals[direction], totals["both"]):
            t.add(*args)
    return DyadReport(a=a, b=b, by=by, since=lo.isoformat() if lo else None, until=hi.isoformat() if hi else None,
                      periods=periods, excluded=excluded, totals=totals)


def dyad(store, a: str, b: str, *, by: str = "month", since: Any = None, until: Any = None) -> DyadReport:
    """The relations of two countries from an open Store (``eventwatch.dyad`` opens one for you).

    >>> with Store("demo.duckdb", read_only=True) as store:
    ...     relations.dyad(store, "CHN", "PAK", by="week")
    """
    a, b = check_country(a), check_country(b)
    if a == b:
        raise error("EW092", value=a)
    if by not in PERIODS:
        raise error("EW091", value=by)
    lo, hi = _day(since, "since"), _day(until, "until")
    if lo and hi and lo > hi:
        raise error("EW093", since=lo, until=hi)
    return build_dyad(store.dyad_rows(a, b, since=lo, until=hi), a, b, by=by, since=lo, until=hi)
