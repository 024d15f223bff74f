"""Settings: documented defaults, overridden by EVENTWATCH_* variables, then by explicit values."""
from eventwatch.settings import Settings


def test_defaults():
    s = Settings.load()
    assert s.db == "eventwatch.duckdb" and s.n_process == 2 and s.max_file_mb == 20


def test_environment_then_explicit_overrides(monkeypatch):
    monkeypatch.setenv("EVENTWATCH_DB", "/tmp/x.duckdb")
    monkeypatch.setenv("EVENTWATCH_N_PROCESS", "1")
    s = Settings.load()
    assert s.db == "/tmp/x.duckdb" and s.n_process == 1 and isinstance(s.n_process, int)
    assert Settings.load(db="other.duckdb", n_process=None).db == "other.duckdb"
