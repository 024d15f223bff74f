"""eventwatch: news in, a trustworthy record of security and cooperation events out.

The public API (one function per CLI command)::

    import eventwatch
    report = eventwatch.ingest(["samples/articles"], db="demo.duckdb")
    for e in eventwatch.events(db="demo.duckdb", dyad=("CHN", "PAK")):
        print(e.date, e.code, e.source.code, e.target and e.target.code, e.sentence)
"""
from .alerting import raise_alerts
from .api import (AssetImport, IngestReport, alert_ack, alert_close, alert_history, alerts, alerts_scan, assets_add,
                  assets_export, assets_import, assets_list, assets_remove, case, create_key, demo, dyad, evaluate, events,
                  export, extract, extract_articles, extract_text, incidents, ingest, ingest_records, list_keys, read,
                  rebuild_incidents, revoke_key, risk, risk_plot, serve, summary)
from .errors import EventwatchError
from .records import Actor, Article, Case, CaseEntry, Drop, Event, Incident, Place

__version__ = "0.1.0"
__all__ = ["ingest", "extract", "extract_text", "extract_articles", "read", "events", "export", "evaluate",
           "summary", "dyad", "incidents", "case", "rebuild_incidents", "ingest_records", "create_key", "list_keys",
           "revoke_key", "serve", "demo", "assets_add", "assets_list", "assets_import", "assets_export", "assets_remove",
           "alerts", "alert_ack", "alert_close", "alert_history", "alerts_scan", "risk", "risk_plot", "raise_alerts",
           "AssetImport", "IngestReport", "EventwatchError", "Article", "Event", "Actor", "Place", "Drop", "Incident",
           "CaseEntry", "Case"]
