"""DuckDB storage: the only package that speaks SQL.

>>> with Store(":memory:") as store:
...     store.add(article, events)            # "added" | "duplicate" | "conflict" | "replaced"
...     store.events(dyad=("CHN", "PAK"), code="04", since="2024-01-01")

One module per group of tables, each a mixin of ``Store``: ``events`` (articles, events,
drops), ``incidents`` (incidents and the events linked to them), ``relations`` (events between two
countries), ``keys`` (API keys of the REST API), ``watch`` (assets, alerts, alert history). ``base`` opens the
file and applies the numbered ``migrations``.
"""
from __future__ import annotations

from .base import SCHEMA_VERSION, StoreBase
from .events import ARTICLE_COLUMNS, EVENT_COLUMNS, EXPORT_FORMATS, EventTables
from .incidents import INCIDENT_COLUMNS, IncidentTables
from .keys import ROLES, KeyTables
from .migrations import MIGRATIONS
from .relations import RelationTables
from .watch import WatchTables

__all__ = ["Store", "SCHEMA_VERSION", "MIGRATIONS", "ARTICLE_COLUMNS", "EVENT_COLUMNS", "EXPORT_FORMATS",
           "INCIDENT_COLUMNS", "ROLES"]


class Store(IncidentTables, RelationTables, WatchTables, EventTables, KeyTables, StoreBase):
    """An eventwatch database (a DuckDB file, or ``":memory:"``), usable as a context manager.

    >>> with Store("demo.duckdb", read_only=True) as store:
    ...     store.count_events(country="PAK", code="18")

    EW030 when another process holds the file, EW031 when the file was written by a newer
    eventwatch, EW032 for any other failure to open it.
    """
