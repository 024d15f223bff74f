"""End to end through the CLI: ingest, re-ingest, query, export, extract, bad inputs."""
import csv
import json
from pathlib import Path

import pytest

from eventwatch.cli import main

pytestmark = pytest.mark.slow

DATA = Path(__file__).parent / "data" / "ingest"


def run(capsys, *argv):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    path = tmp_path_factory.mktemp("db") / "t.duckdb"
    assert main(["ingest", str(DATA), "--db", str(path), "--quiet", "--workers", "1"]) == 0
    return path


def test_ingest_reports_and_is_idempotent(db, capsys):
    code, out, err = run(capsys, "ingest", DATA, "--db", db, "--quiet", "--json", "--workers", "1")
    assert code == 0
    report = json.loads(out)
    assert report["added"] == 0 and report["duplicates"] >= 8
    code, out, _ = run(capsys, "summary", "--db", db, "--examples", "0")
    assert "articles:" in out


def test_events_filters_and_formats(db, capsys):
    code, out, _ = run(capsys, "events", "--db", db, "--format", "json")
    evs = [json.loads(line) for line in out.splitlines()]
    assert evs, "no events stored"
    assert all(set(e) >= {"article_id", "span", "sentence", "code", "root", "quad_class", "goldstein", "plover",
                          "source", "target", "date", "date_precision", "location", "negated", "mode",
                          "confidence"} for e in evs)
    kenya = [e for e in evs if "KEN" in ((e["source"] or {}).get("country"), (e["target"] or {}).get("country"))]
    assert kenya, "the Kenyan police article gave no Kenyan event"
    code, out, _ = run(capsys, "events", "--db", db, "--country", "KEN", "--format", "json")
    only = [json.loads(line) for line in out.splitlines()]
    assert only and len(only) <= len(evs)
    assert all("KEN" in ((e["source"] or {}).get("country"), (e["target"] or {}).get("country")) for e in only)
    code, out, _ = run(capsys, "events", "--db", db, "--root", "17", "--format", "csv")
    rows = list(csv.DictReader(out.splitlines()))
    assert rows and all(r["root"] == "17" for r in rows)


def test_export_formats_read_back(db, tmp_path, capsys):
    import pyarrow.parquet as pq

    n = {}
    for fmt in ("csv", "parquet", "jsonl"):
        out = tmp_path / f"events.{fmt}"
        assert main(["export", str(out), "--format", fmt, "--db", str(db)]) == 0
        n[fmt] = {"csv": lambda p: len(list(csv.DictReader(p.open()))),
                  "parquet": lambda p: pq.read_table(p).num_rows,
                  "jsonl": lambda p: len(p.read_text().splitlines())}[fmt](out)
    assert n["csv"] == n["parquet"] == n["jsonl"] > 0


def test_extract_prints_jsonl_without_a_database(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code, out, err = run(capsys, "extract", DATA / "reuters_paragraphs.txt")
    assert code == 0
    evs = [json.loads(line) for line in out.splitlines()]
    assert any(e["root"] == "17" and e["source"]["country"] == "KEN" for e in evs)
    text = (DATA / "reuters_paragraphs.txt").read_text()
    for e in evs:
        assert text[e["span"][0]:e["span"][1]] == e["sentence"]
        assert "Related Stories" not in e["sentence"] and "Reporting by" not in e["sentence"]
    assert not list(tmp_path.glob("*.duckdb"))


def test_bad_inputs_are_reported_and_stored_data_survives(db, tmp_path, capsys):
    bad = tmp_path / "feed"
    bad.mkdir()
    (bad / "empty.txt").write_text("")
    (bad / "photo.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4)
    (bad / "latin.txt").write_bytes("KARACHI, May 2 (Reuters) - Caf\xe9 owners protested.".encode("latin-1"))
    (bad / "batch.jsonl").write_text('{"id": "ok1", "published": "2024-05-02", "text": "KABUL, May 2 (Reuters) - '
                                     'Afghan police arrested two men on Thursday."}\n{not json}\n')
    (bad / "page.html").write_text("<html><body><nav>Home | World</nav></body></html>")
    code, out, _ = run(capsys, "events", "--db", db, "--format", "json")
    before = len(out.splitlines())
    code, out, err = run(capsys, "ingest", bad, "--db", db, "--quiet", "--json", "--workers", "1")
    report = json.loads(out)
    codes = sorted(d["code"] for d in report["drops"])
    assert {"EW002", "EW003", "EW004", "EW007"} <= set(codes), codes
    assert any(d["code"] in ("EW006", "EW009") for d in report["drops"])
    assert report["added"] == 1  # the good JSONL line went in despite the bad one after it
    code, out, _ = run(capsys, "events", "--db", db, "--format", "json")
    assert len(out.splitlines()) >= before
    code, out, err = run(capsys, "events", "--db", str(tmp_path / "missing" / "x.duckdb"))
    assert code == 2 and "EW0" in err


def test_unknown_export_format_is_a_coded_error(db, tmp_path, capsys):
    from eventwatch import EventwatchError, export

    with pytest.raises(EventwatchError) as exc:
        export(str(tmp_path / "x.xlsx"), fmt="xlsx", db=str(db))
    assert exc.value.code == "EW042"


def test_ingest_streams_in_chunks(tmp_path, monkeypatch):
    """A large feed goes through in bounded chunks with the same outcome as one batch."""
    import eventwatch
    from eventwatch import api

    whole = eventwatch.ingest([DATA], db=str(tmp_path / "whole.duckdb"), n_process=1)
    monkeypatch.setattr(api, "INGEST_CHUNK", 3)
    db = str(tmp_path / "chunks.duckdb")
    first = eventwatch.ingest([DATA], db=db, n_process=1)
    assert (first.added, first.events, sorted(d.code for d in first.drops)) == \
        (whole.added, whole.events, sorted(d.code for d in whole.drops))
    assert first.added >= 8 and first.events > 0
    again = eventwatch.ingest([DATA], db=db, n_process=1)
    assert again.added == 0 and again.duplicates == first.added
