"""Command line: thin wrappers over eventwatch.api (one function per command).

Every command prints coded errors (``EW0xx ... (hint: ...)``) to stderr and exits 2 on them.
"""
from __future__ import annotations

import argparse
import csv
import json
import sys

from . import api
from .errors import EventwatchError

EVENT_COLUMNS = ["date", "code", "root", "source", "target", "location", "mode", "negated", "sentence"]


def _add_db(p, sub: bool = False):
    # on a sub-subcommand the default is SUPPRESS, or it would overwrite a --db given before the action
    p.add_argument("--db", help="DuckDB file (default: $EVENTWATCH_DB or ./eventwatch.duckdb)",
                   **({"default": argparse.SUPPRESS} if sub else {}))


def _add_filters(p):
    p.add_argument("--country", help="events whose source or target is this country (ISO alpha-3)")
    p.add_argument("--source", help="source country")
    p.add_argument("--target", help="target country")
    p.add_argument("--dyad", nargs=2, metavar=("A", "B"), help="events between two countries, both directions")
    p.add_argument("--code", help="CAMEO code or prefix (e.g. 18 or 183)")
    p.add_argument("--root", help="CAMEO root code, two digits (e.g. 04)")
    p.add_argument("--since", help="first date, YYYY-MM-DD")
    p.add_argument("--until", help="last date, YYYY-MM-DD")
    p.add_argument("--text", help="case-insensitive search in the evidence sentence")
    p.add_argument("--mode", choices=["asserted", "intent", "hypothetical", "reference"])
    p.add_argument("--include-negated", action="store_true", help="also show events the text says did not happen")
    p.add_argument("--limit", type=int, default=None)


def _add_incident_filters(p):
    p.add_argument("--status", choices=["open", "arrested", "charged", "convicted"], help="incidents: case status")
    p.add_argument("--min-mentions", type=int, default=None, help="incidents: at least this many mentions")


def _filters(a) -> dict:
    f = {k: getattr(a, k) for k in ("country", "source", "target", "code", "root", "since", "until", "text", "mode")}
    f["dyad"] = tuple(a.dyad) if a.dyad else None
    f["include_negated"] = a.include_negated
    f["limit"] = a.limit
    return {k: v for k, v in f.items() if v not in (None, False)}


def _actor(a) -> str:
    if not a:
        return "-"
    return f"{a.country or '---'} {a.sector or '---'}" + (f" ({a.name})" if a.name else "")


def _place(p) -> str:
    return f"{p.name}, {p.country}" if p else "-"


def cmd_ingest(a):
    """Ingest files or folders. Example: eventwatch ingest samples/articles --db demo.duckdb"""
    via = a.via
    if not via:
        from .serving import live_server

        server = live_server(api._settings(a.db).db)
        if server is not None:  # the server owns the file: send it the articles instead
            via = server["url"]
            print(f"database held by eventwatch serve at {via} (pid {server['pid']}): sending the articles to it",
                  file=sys.stderr)
    report = api.ingest(a.paths, db=a.db, encoding=a.encoding, replace=a.replace, n_process=a.workers,
                        progress=not a.quiet, near_dup=False if a.no_near_dup else None, via=via, key=a.key)
    print(report.to_text() if not a.json else json.dumps(report.to_dict(), indent=2))
    return 1 if report.drops and a.strict else 0


def cmd_extract(a):
    """Print the events of articles as JSONL, without touching the database.
    Example: eventwatch extract samples/articles/s001.txt"""
    drops = []
    n = api.events_to_jsonl(api.extract(a.paths, encoding=a.encoding, n_process=a.workers, on_drop=drops.append),
                            sys.stdout)
    for d in drops:
        print(str(d), file=sys.stderr)
    print(f"{n} events", file=sys.stderr)
    return 1 if drops and not n else 0


def cmd_events(a):
    """Query stored events. Example: eventwatch events --dyad CHN PAK --root 04"""
    evs = api.events(db=a.db, **_filters(a))
    _print_events(evs, a.format)
    return 0


def _print_events(evs, fmt):
    if fmt == "json":
        api.events_to_jsonl(evs, sys.stdout)
    elif fmt == "csv":
        w = csv.writer(sys.stdout)
        w.writerow(["event_id", "article_id", "date", "code", "root", "source_country", "source_sector",
                    "target_country", "target_sector", "location", "mode", "negated", "sentence"])
        for e in evs:
            w.writerow([e.event_id, e.article_id, e.date, e.code, e.root,
                        e.source.country if e.source else "", e.source.sector if e.source else "",
                        e.target.country if e.target else "", e.target.sector if e.target else "",
                        e.location.name if e.location else "", e.mode, e.negated, e.sentence])
    else:
        for e in evs:
            neg = " NOT" if e.negated else ""
            print(f"{e.date or '????-??-??'}  {e.code:<5}{neg} {_actor(e.source)} -> {_actor(e.target)}"
                  f"  @ {_place(e.location)}  [{e.mode}] {e.code_name or ''}")
            print(f"    \u201c{_shorten(e.sentence)}\u201d  ({e.article_id})")
        print(f"{len(evs)} events", file=sys.stderr)


def _shorten(s: str, n: int = 160) -> str:
    s = " ".join(s.split())
    return s if len(s) <= n else s[: n - 1] + "\u2026"


def cmd_export(a):
    """Write stored events or incidents. Example: eventwatch export --format parquet events.parquet"""
    f = _incident_filters(a) if a.what == "incidents" else _filters(a)
    n = api.export(a.path, fmt=a.format, db=a.db, header=a.header, what=a.what, **f)
    left_out = getattr(n, "left_out", 0)
    note = f" ({left_out} without coordinates left out)" if left_out else ""
    print(f"{n} {a.what} written to {a.path}{note}", file=sys.stderr)
    return 0


def cmd_dyad(a):
    """Relations of two countries per week or month, both directions.
    Example: eventwatch dyad CHN PAK --by month --plot chn_pak.png"""
    report = api.dyad(a.a, a.b, db=a.db, by=a.by, since=a.since, until=a.until)
    if a.format == "json":
        print(json.dumps(report.to_dict(), indent=2, ensure_ascii=False))
    elif a.format == "csv":
        sys.stdout.write(report.to_csv())
    else:
        print(report.to_table())
    if a.plot:
        report.plot(a.plot)
        print(f"plot written to {a.plot}", file=sys.stderr)
    return 0


def _incident_filters(a) -> dict:
    f = _filters(a)
    f.pop("mode", None)
    f.pop("include_negated", None)
    for k in ("status", "min_mentions"):
        if getattr(a, k, None):
            f[k] = getattr(a, k)
    return f


INCIDENT_CSV = ["incident_id", "date", "date_precision", "code", "code_name", "source_country", "source_sector",
                "target_country", "target_sector", "location", "location_country", "num_mentions", "num_sources",
                "num_articles", "first_seen", "last_seen", "killed", "injured", "abducted", "confidence", "status",
                "title"]


def cmd_incidents(a):
    """List incidents (events clustered across sentences and articles).
    Example: eventwatch incidents --country PAK --root 18 --min-mentions 2"""
    if a.rebuild:
        n = api.rebuild_incidents(db=a.db)
        print(f"rebuilt: {n} incidents", file=sys.stderr)
    incs = api.incidents(db=a.db, **_incident_filters(a))
    if a.format == "json":
        for i in incs:
            print(json.dumps(i.to_dict(), ensure_ascii=False))
    elif a.format == "csv":
        w = csv.writer(sys.stdout)
        w.writerow(INCIDENT_CSV)
        for i in incs:
            w.writerow([i.incident_id, i.date, i.date_precision, i.code, i.code_name,
                        i.source.country if i.source else "", i.source.sector if i.source else "",
                        i.target.country if i.target else "", i.target.sector if i.target else "",
                        i.location.name if i.location else "", i.location.country if i.location else "",
                        i.num_mentions, i.num_sources, i.num_articles, i.first_seen, i.last_seen, i.killed,
                        i.injured, i.abducted, i.confidence, i.status, i.title])
    else:
        for i in incs:
            toll = ", ".join(f"{n} {k}" for k, n in (("killed", i.killed), ("injured", i.injured),
                                                     ("abducted", i.abducted)) if n is not None)
            print(f"{i.incident_id}  {i.date or '????-??-??'}  {i.code:<5} {_actor(i.source)} -> {_actor(i.target)}"
                  f"  @ {_place(i.location)}  [{i.status}]")
            print(f"    {i.num_mentions} mentions, {i.num_articles} reports, {i.num_sources} sources"
                  f" ({i.first_seen} .. {i.last_seen})" + (f"; {toll}" if toll else "") + f"  {i.code_name or ''}")
        print(f"{len(incs)} incidents", file=sys.stderr)
    return 0


def cmd_case(a):
    """Show an incident's case: what happened, what followed, its status.
    Example: eventwatch case inc-3f2a9c1e0b7d"""
    c = api.case(a.id, db=a.db, as_of=a.as_of)
    if a.format == "json":
        print(json.dumps(c.to_dict(), ensure_ascii=False, indent=2))
    else:
        print(format_case(c))
    return 0


def format_case(c) -> str:
    """A case as a readable timeline: date, stage, who did what, the evidence sentence, the outlet."""
    i = c.incident
    outlet = {}
    for s in c.sources:
        outlet.setdefault(s["article_id"], s.get("agency") or s.get("title") or s["article_id"])
    toll = ", ".join(f"{n} {k}" for k, n in (("killed", i.killed), ("injured", i.injured), ("abducted", i.abducted))
                     if n is not None)
    lines = [f"{i.title or i.incident_id}  ({i.incident_id})",
             f"{i.num_mentions} mentions in {i.num_articles} reports from {i.num_sources} sources"
             + (f"; {toll}" if toll else ""), ""]
    for en in c.entries:
        e = en.event
        flag = "  UNMET" if en.unmet else ""
        lines.append(f"{en.date or '????-??-??'}  {en.stage:<13} {_actor(e.source)} -> {_actor(e.target)}: "
                     f"{e.code_name or e.code}{flag}")
        lines.append(f"    \u201c{_shorten(e.sentence)}\u201d  ({outlet.get(e.article_id, e.article_id)})")
    lines += ["", f"status: {c.status}"]
    unmet = [en for en in c.entries if en.unmet]
    if unmet:
        lines.append("unmet pledges and demands:")
        lines += [f"  {en.date}  {en.stage}: {_shorten(en.event.sentence, 100)}" for en in unmet]
    return "\n".join(lines)


def cmd_evaluate(a):
    """Score extraction against gold files. Example: eventwatch evaluate samples/gold.jsonl samples/story/gold.jsonl"""
    report = api.evaluate(a.gold, errors_path=a.errors, n_process=a.workers)
    print(json.dumps(report.to_dict(), indent=2) if a.json else report.to_text())
    return 0


def cmd_summary(a):
    """Overview of a database. Example: eventwatch summary --db demo.duckdb"""
    s = api.summary(db=a.db)
    print(format_summary(s))
    if a.examples:
        evs = api.events(db=a.db, limit=a.examples, mode="asserted")
        print("\nExample events:")
        _print_events(evs, "table")
    return 0


def format_summary(s: dict) -> str:
    lines = [f"articles: {s.get('articles', 0)}   events: {s.get('events', 0)}   dropped inputs: {s.get('drops', 0)}"]
    reports = s.get("reports")
    if reports is not None:
        copies = reports - s.get("articles", 0)
        lines.append(f"reports: {reports} ({copies} near-duplicate copies kept as extra sources of stored articles)")
    dr = s.get("date_range")
    if dr:
        lines.append(f"dates: {dr[0]} .. {dr[1]}")
    roots = s.get("roots") or s.get("events_per_root") or []
    if roots:
        lines.append("\nevents per CAMEO root:")
        for r in roots:
            if isinstance(r, dict):
                lines.append(f"  {r.get('root')}  {r.get('name', ''):<38} {r.get('count')}")
            else:
                lines.append("  " + "  ".join(str(x) for x in r))
    dyads = s.get("top_dyads") or []
    if dyads:
        lines.append("\ntop dyads (source -> target):")
        for d in dyads:
            if isinstance(d, dict):
                lines.append(f"  {d.get('source_country') or '---'} -> {d.get('target_country') or '---'}  {d.get('count')}")
            else:
                lines.append("  " + "  ".join(str(x) for x in d))
    return "\n".join(lines)


def cmd_serve(a):
    """Serve the REST API and the dashboard. Example: eventwatch serve --db demo.duckdb --port 8000"""
    api.serve(db=a.db, host=a.host, port=a.port, open_reads=a.open_reads, log_level=a.log_level)
    return 0


def cmd_demo(a):
    """Ingest the samples and serve the dashboard over them. Example: eventwatch demo --port 8000"""
    api.demo(a.paths or None, db=a.db or "demo.duckdb", host=a.host, port=a.port,
             serve_it=not a.no_serve)
    return 0


def cmd_keys(a):
    """Manage API keys. Example: eventwatch keys create --role analyst --name alice"""
    if a.keys_command == "create":
        info, token = api.create_key(a.name, a.role, db=a.db)
        print(f"created key {info['id']} ({info['role']}) for {info['name']}; the token, shown only now:",
              file=sys.stderr)
        print(token)
    elif a.keys_command == "revoke":
        info = api.revoke_key(a.id, db=a.db)
        print(f"revoked key {info['id']} ({info['role']}, {info['name']}) at {info['revoked_at']}")
    else:
        keys = api.list_keys(db=a.db)
        if a.json:
            print(json.dumps(keys, indent=2))
        else:
            for k in keys:
                state = "active" if k["active"] else f"revoked {k['revoked_at']}"
                print(f"{k['id']}  {k['role']:<8} {k['name']:<24} created {k['created_at']}  {state}")
            print(f"{len(keys)} keys", file=sys.stderr)
    return 0


# ---- watch: assets, alerts, risk ------------------------------------------------------------------------

def cmd_assets(a):
    """Protected assets. Examples: eventwatch assets import samples/assets.geojson;
    eventwatch assets add "Karachi office" --kind office --lat 24.86 --lon 67.01 --radius-km 5 --country PAK"""
    if a.action == "add":
        asset = api.assets_add(a.name, kind=a.kind, lat=a.lat, lon=a.lon, radius_km=a.radius_km,
                               geometry=_geometry_arg(a.geometry), country=a.country, covers=a.covers, tags=a.tags,
                               asset_id=a.id, replace=a.replace, db=a.db)
        print(f"added {asset.asset_id}", file=sys.stderr)
    elif a.action == "import":
        report = api.assets_import(a.path, replace=a.replace, db=a.db)
        print(report.to_text(), file=sys.stderr)
        return 1 if report.errors else 0
    elif a.action == "export":
        n = api.assets_export(a.path, db=a.db)
        print(f"{n} assets written to {a.path}", file=sys.stderr)
    elif a.action == "remove":
        print(f"removed {api.assets_remove(a.asset, db=a.db)}", file=sys.stderr)
    else:
        assets = api.assets_list(db=a.db)
        if a.format == "json":
            for x in assets:
                print(json.dumps(x.to_dict(), ensure_ascii=False))
        else:
            for x in assets:
                g = x.geometry["type"] if x.geometry else "-"
                print(f"{x.asset_id:<32} {x.kind:<12} {g:<11} {x.radius_km:>6g} km  {x.country or '-':<4}"
                      f" covers: {';'.join(x.covers) or '-'}  {x.name}")
            print(f"{len(assets)} assets", file=sys.stderr)
    return 0


def _geometry_arg(v):
    # a GeoJSON geometry given inline or as a file path
    if v and not v.lstrip().startswith("{"):
        from pathlib import Path

        try:
            return Path(v).read_text(encoding="utf-8")
        except OSError as exc:
            from .errors import error

            raise error("EW132", where="", detail=f"cannot read {v!r}: {exc.strerror}") from None
    return v


def cmd_alerts(a):
    """Alerts raised on protected assets. Examples: eventwatch alerts --status new;
    eventwatch alerts ack A-3f0c2a9e1b7d --by amina; eventwatch alerts close A-3f0c2a9e1b7d --by amina"""
    if a.action in ("ack", "close"):
        fn = api.alert_ack if a.action == "ack" else api.alert_close
        alert = fn(a.alert_id, by=a.by, note=a.note, db=a.db)
        print(f"{alert.alert_id} {alert.status} by {a.by}", file=sys.stderr)
        return 0
    if a.action == "history":
        for h in api.alert_history(a.alert_id, db=a.db):
            print(f"{h['at']}  {h['action']:<16} {h['status'] or '-':<13} {h['by'] or '-':<12} {h['note'] or ''}")
        return 0
    if a.action == "scan":
        run = api.alerts_scan(since=a.since, rules=a.rules, deliver=not a.no_deliver, db=a.db)
        print(f"{len(run.created)} alerts created, {len(run.updated)} updated, {run.unchanged} unchanged"
              + (f"; {len(run.failures)} delivery failures" if run.failures else ""), file=sys.stderr)
        for f in run.failures:
            print("  " + f, file=sys.stderr)
        return 0
    rows = api.alerts(status=a.status, asset=a.asset, limit=a.limit, db=a.db)
    if a.format == "json":
        for x in rows:
            print(json.dumps(x.to_dict(), ensure_ascii=False))
    else:
        for x in rows:
            print(f"{x.alert_id}  {x.status:<12} {x.incident_date or '????-??-??'}  {x.line()}")
            if x.evidence:
                print(f"    \u201c{_shorten(x.evidence[0]['sentence'])}\u201d  ({x.evidence[0].get('agency') or x.evidence[0].get('article_id')})")
        print(f"{len(rows)} alerts", file=sys.stderr)
    return 0


def cmd_risk(a):
    """Risk ranking of assets (or districts) as of a date, with the incidents behind each score.
    Examples: eventwatch risk --as-of 2024-06-30; eventwatch risk --asset dasu-hydropower-project --plot risk.png"""
    if a.plot:
        if not a.asset:
            print("--plot needs --asset (eventwatch risk --asset ID --plot risk.png)", file=sys.stderr)
            return 2
        api.risk_plot(a.asset, a.plot, as_of=a.as_of, days=a.days, rules=a.rules, db=a.db)
        print(f"wrote {a.plot}", file=sys.stderr)
        return 0
    rows = api.risk(asset=a.asset, as_of=a.as_of, districts=a.districts, rules=a.rules, db=a.db)
    if a.format == "json":
        for r in rows:
            print(json.dumps(r.to_dict(), ensure_ascii=False))
        return 0
    for r in rows[: a.limit] if a.limit else rows:
        print(f"{r.score:>8.1f}  trend {r.trend_text():<6} {r.recent:>3} recent / {r.baseline:>3} before  {r.name}")
        for c in r.contributors:
            dist = f", {c['distance_km']:g} km" if c.get("distance_km") is not None else ""
            print(f"          {c['share'] * 100:5.1f}%  {c['date']}  sev {c['severity']:g}{dist}  {c['title']}"
                  f"  [{c['incident_id']}]")
    return 0


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="eventwatch", description="News in, coded security and cooperation events out.")
    sub = p.add_subparsers(dest="command", required=True)

    q = sub.add_parser("ingest", help="read, extract and store articles", description=cmd_ingest.__doc__)
    q.add_argument("paths", nargs="+", help="files or folders (.txt, .html, .jsonl)")
    _add_db(q)
    q.add_argument("--encoding", default="utf-8")
    q.add_argument("--replace", action="store_true", help="overwrite stored articles whose text changed")
    q.add_argument("--workers", type=int, default=None, help="worker processes (default: 2)")
    q.add_argument("--quiet", action="store_true", help="no progress bar")
    q.add_argument("--json", action="store_true", help="print the report as JSON")
    q.add_argument("--strict", action="store_true", help="exit 1 when any input was dropped")
    q.add_argument("--no-near-dup", action="store_true",
                   help="store and extract wire copies of stored articles too, instead of listing them as its sources")
    q.add_argument("--via", metavar="URL", help="send the articles to this `eventwatch serve` (automatic when "
                   "the server holds --db)")
    q.add_argument("--key", help="API key (analyst) for --via (default: $EVENTWATCH_KEY)")
    q.set_defaults(func=cmd_ingest)

    q = sub.add_parser("extract", help="print events of articles as JSONL (no database)", description=cmd_extract.__doc__)
    q.add_argument("paths", nargs="+")
    q.add_argument("--encoding", default="utf-8")
    q.add_argument("--workers", type=int, default=1)
    q.set_defaults(func=cmd_extract)

    q = sub.add_parser("events", help="query stored events", description=cmd_events.__doc__)
    _add_db(q)
    _add_filters(q)
    q.add_argument("--format", choices=["table", "json", "csv"], default="table")
    q.set_defaults(func=cmd_events)

    q = sub.add_parser("export", help="write stored events or incidents to a file", description=cmd_export.__doc__)
    q.add_argument("path")
    q.add_argument("--format", choices=["csv", "parquet", "jsonl", "geojson", "gdelt"], default="csv",
                   help="csv/parquet: flat columns; jsonl: event records; geojson: points of located events; "
                        "gdelt: GDELT 2.0 event table (tab-separated)")
    q.add_argument("--header", action="store_true", help="gdelt: write a header line of column names")
    q.add_argument("--what", choices=["events", "incidents"], default="events",
                   help="incidents: csv, parquet, jsonl or geojson")
    _add_db(q)
    _add_filters(q)
    _add_incident_filters(q)
    q.set_defaults(func=cmd_export)

    q = sub.add_parser("dyad", help="relations of two countries over time", description=cmd_dyad.__doc__)
    q.add_argument("a", help="first country, ISO alpha-3 (e.g. CHN)")
    q.add_argument("b", help="second country, ISO alpha-3 (e.g. PAK)")
    _add_db(q)
    q.add_argument("--by", default="month", help="period: week or month (default: month)")
    q.add_argument("--since", help="first date, YYYY-MM-DD (default: the first event)")
    q.add_argument("--until", help="last date, YYYY-MM-DD (default: the last event)")
    q.add_argument("--format", choices=["table", "csv", "json"], default="table",
                   help="json holds the event ids behind every figure")
    q.add_argument("--plot", metavar="FILE.png", help="also draw the relations as a PNG chart")
    q.set_defaults(func=cmd_dyad)

    q = sub.add_parser("incidents", help="list incidents (events clustered across articles)",
                       description=cmd_incidents.__doc__)
    _add_db(q)
    _add_filters(q)
    _add_incident_filters(q)
    q.add_argument("--format", choices=["table", "json", "csv"], default="table")
    q.add_argument("--rebuild", action="store_true", help="cluster every stored event again first")
    q.set_defaults(func=cmd_incidents)

    q = sub.add_parser("case", help="an incident's case: timeline, status, unmet pledges", description=cmd_case.__doc__)
    q.add_argument("id", help="incident id (see `eventwatch incidents`)")
    _add_db(q)
    q.add_argument("--format", choices=["text", "json"], default="text")
    q.add_argument("--as-of", help="flag pledges and demands unmet as of this date (default: today)")
    q.set_defaults(func=cmd_case)

    q = sub.add_parser("evaluate", help="score extraction against a gold file", description=cmd_evaluate.__doc__)
    q.add_argument("gold", nargs="+", help="gold JSONL files, scored together")
    q.add_argument("--errors", help="write false positives and negatives to this JSONL file")
    q.add_argument("--workers", type=int, default=None)
    q.add_argument("--json", action="store_true")
    q.set_defaults(func=cmd_evaluate)

    q = sub.add_parser("summary", help="overview of a database", description=cmd_summary.__doc__)
    _add_db(q)
    q.add_argument("--examples", type=int, default=5, help="example events to show")
    q.set_defaults(func=cmd_summary)

    q = sub.add_parser("serve", help="serve the REST API and the dashboard", description=cmd_serve.__doc__)
    _add_db(q)
    q.add_argument("--host", default=None, help="address to bind (default: 127.0.0.1, this machine only)")
    q.add_argument("--port", type=int, default=None, help="port (default: 8000)")
    q.add_argument("--open-reads", action="store_true",
                   help="let GET requests from this machine in without a key (loopback hosts only)")
    q.add_argument("--log-level", default="info", choices=["critical", "error", "warning", "info", "debug"])
    q.set_defaults(func=cmd_serve)

    q = sub.add_parser("demo", help="ingest the sample articles and serve the dashboard over them",
                       description=cmd_demo.__doc__)
    q.add_argument("paths", nargs="*", help="files or folders to ingest (default: samples/articles and samples/story/articles)")
    q.add_argument("--db", help="DuckDB file (default: demo.duckdb)")
    q.add_argument("--host", default=None, help="address to bind (default: 127.0.0.1)")
    q.add_argument("--port", type=int, default=None, help="port (default: 8000)")
    q.add_argument("--no-serve", action="store_true", help="ingest and print the URL, but do not serve")
    q.set_defaults(func=cmd_demo)

    q = sub.add_parser("keys", help="create, list and revoke API keys", description=cmd_keys.__doc__)
    ks = q.add_subparsers(dest="keys_command", required=True)
    k = ks.add_parser("create", help="create a key and print its token (once)")
    k.add_argument("--name", required=True, help="who or what uses the key")
    k.add_argument("--role", default="reader", choices=["reader", "analyst", "admin"],
                   help="reader: read; analyst: also ingest and handle alerts; admin: also keys and assets")
    _add_db(k)
    k = ks.add_parser("list", help="list keys (never their tokens)")
    k.add_argument("--json", action="store_true")
    _add_db(k)
    k = ks.add_parser("revoke", help="revoke a key at once")
    k.add_argument("id", help="key id (from `eventwatch keys list`)")
    _add_db(k)
    q.set_defaults(func=cmd_keys)

    q = sub.add_parser("assets", help="protected assets: add, list, import, export, remove", description=cmd_assets.__doc__)
    asub = q.add_subparsers(dest="action")
    _add_db(q)
    q.add_argument("--format", choices=["table", "json"], default="table")
    x = asub.add_parser("add", help="add one asset")
    x.add_argument("name")
    x.add_argument("--kind", default="site", help="project, site, office, route, community or nationality")
    x.add_argument("--lat", type=float)
    x.add_argument("--lon", type=float)
    x.add_argument("--radius-km", type=float, help="a point's radius or a line's/polygon's buffer")
    x.add_argument("--geometry", help="GeoJSON geometry (inline or a file) instead of --lat/--lon")
    x.add_argument("--country", help="ISO alpha-3 country of the asset")
    x.add_argument("--covers", help="protected nationalities (ISO3) and organisations, separated by ;")
    x.add_argument("--tags", help="tags separated by ;")
    x.add_argument("--id", help="asset id (default: from the name)")
    x.add_argument("--replace", action="store_true", help="overwrite a stored asset of the same id")
    _add_db(x, sub=True)
    x = asub.add_parser("list", help="list stored assets")
    _add_db(x, sub=True)
    x = asub.add_parser("import", help="import a .csv or .geojson file")
    x.add_argument("path")
    x.add_argument("--replace", action="store_true", help="overwrite stored assets of the same ids")
    _add_db(x, sub=True)
    x = asub.add_parser("export", help="write stored assets to .csv or .geojson")
    x.add_argument("path")
    _add_db(x, sub=True)
    x = asub.add_parser("remove", help="remove an asset (its alerts stay)")
    x.add_argument("asset", help="id or name")
    _add_db(x, sub=True)
    q.set_defaults(func=cmd_assets)

    q = sub.add_parser("alerts", help="alerts on protected assets: list, ack, close, history, scan",
                       description=cmd_alerts.__doc__)
    _add_db(q)
    q.add_argument("--status", choices=["new", "acknowledged", "closed"])
    q.add_argument("--asset", help="asset id or name")
    q.add_argument("--limit", type=int)
    q.add_argument("--format", choices=["table", "json"], default="table")
    asub = q.add_subparsers(dest="action")
    for name, helptext in (("ack", "acknowledge an alert"), ("close", "close an alert")):
        x = asub.add_parser(name, help=helptext)
        x.add_argument("alert_id")
        x.add_argument("--by", required=True, help="who (recorded in the alert's history)")
        x.add_argument("--note")
        _add_db(x, sub=True)
    x = asub.add_parser("history", help="every change of an alert")
    x.add_argument("alert_id")
    _add_db(x, sub=True)
    x = asub.add_parser("scan", help="match stored incidents against the assets (after adding assets)")
    x.add_argument("--since", help="only incidents from this date, YYYY-MM-DD")
    x.add_argument("--rules", help="rules file (default: $EVENTWATCH_RULES or the bundled one)")
    x.add_argument("--no-deliver", action="store_true", help="store alerts without delivering them")
    _add_db(x, sub=True)
    q.set_defaults(func=cmd_alerts)

    q = sub.add_parser("risk", help="risk ranking of assets or districts", description=cmd_risk.__doc__)
    _add_db(q)
    q.add_argument("--asset", help="one asset (id or name)")
    q.add_argument("--as-of", help="score as of this date, YYYY-MM-DD (default: today)")
    q.add_argument("--districts", action="store_true", help="rank districts (admin2, else admin1) instead of assets")
    q.add_argument("--plot", help="write the asset's risk over time to this PNG (needs --asset)")
    q.add_argument("--days", type=int, default=365, help="days the plot covers")
    q.add_argument("--limit", type=int)
    q.add_argument("--rules", help="rules file (default: $EVENTWATCH_RULES or the bundled one)")
    q.add_argument("--format", choices=["table", "json"], default="table")
    q.set_defaults(func=cmd_risk)
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args) or 0
    except EventwatchError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    except BrokenPipeError:  # `eventwatch events | head`
        return 0


if __name__ == "__main__":
    sys.exit(main())
