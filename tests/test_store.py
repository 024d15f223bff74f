"""The DuckDB store: round trips, idempotent ingest, atomic writes, filters, exports, locks, migrations."""
import csv
import json
import subprocess
import sys

import duckdb
import pyarrow.parquet as pq
import pytest

from eventwatch.errors import EventwatchError
from eventwatch.records import Actor, Article, Block, Drop, Event, Place
from eventwatch.store import EVENT_COLUMNS, MIGRATIONS, SCHEMA_VERSION, Store

# Invented wire stories, written for these tests.
ISB = ("ISLAMABAD, March 5 (Reuters) - Pakistan's foreign ministry summoned India's deputy high commissioner "
       "on Tuesday to protest against what it called unprovoked firing across the Line of Control.\n\n"
       "Indian troops shelled villages near Kotli late on Monday, wounding four civilians, police said.\n\n"
       "The army denied that its soldiers had crossed the line.")
DEL = ("NEW DELHI, March 6 (Reuters) - India's external affairs ministry accused Pakistan on Wednesday of "
       "sheltering militants who attacked an army post in Poonch.\n\n"
       "Officials said talks between the two neighbours were not on the agenda.")
KAB = ("KABUL, March 7 (AFP) - Afghan border forces and Pakistani troops exchanged fire near the Chaman "
       "crossing, Afghan officials said.")


def sentence(text, i):
    parts = text.split("\n\n")
    start = sum(len(p) + 2 for p in parts[:i])
    return parts[i], (start, start + len(parts[i]))


def make_article(id, text, published, **kw):
    return Article(id=id, text=text, title=kw.pop("title", None), published=published, agency="Reuters",
                   source_path=f"feed/{id}.txt", blocks=[Block(0, len(text))], **kw)


def make_event(art, i, code, src, tgt, date, *, negated=False, mode="asserted", location=None, event_id=None):
    s, span = sentence(art.text, i)
    return Event(article_id=art.id, sentence_index=i, span=span, sentence=s, code=code, root=code[:2],
                 quad_class=4 if code >= "14" else 1, goldstein=-4.0, plover="PROTEST",
                 source=Actor(src[0], src[1], src[2], src[3]) if src else None,
                 target=Actor(tgt[0], tgt[1], tgt[2], tgt[3]) if tgt else None,
                 date=date, date_precision="day" if date else None, location=location, negated=negated,
                 mode=mode, confidence=0.8125, code_name="x", trigger="summoned", rule="verb:summon",
                 published=art.published, event_id=event_id)


PAK_GOV = ("Pakistan's foreign ministry", None, "PAK", "GOV")
IND_GOV = ("India's deputy high commissioner", "Ravi Menon", "IND", "GOV")
IND_MIL = ("Indian troops", None, "IND", "MIL")
PAK_CVL = ("four civilians", None, "PAK", "CVL")
AFG_COP = ("Afghan border forces", None, "AFG", "COP")
PAK_MIL = ("Pakistani troops", None, "PAK", "MIL")


@pytest.fixture
def store():
    with Store(":memory:") as s:
        yield s


def fill(store: Store) -> Store:
    """Three articles: Pakistan summons India's envoy, Indian shelling (one negated), an Afghan border clash."""
    isb = make_article("isb1", ISB, "2024-03-05", title="Pakistan summons Indian envoy")
    dl = make_article("del1", DEL, "2024-03-06")
    kab = make_article("kab1", KAB, "2024-03-07")
    store.add(isb, [make_event(isb, 0, "114", PAK_GOV, IND_GOV, "2024-03-05"),
                    make_event(isb, 1, "194", IND_MIL, PAK_CVL, "2024-03-04",
                               location=Place("Kotli", "PAK", "Azad Kashmir", None, 33.52, 73.90, "city", 1174167)),
                    make_event(isb, 2, "192", IND_MIL, PAK_MIL, "2024-03-04", negated=True)])
    store.add(dl, [make_event(dl, 0, "112", IND_GOV, ("Pakistan", None, "PAK", "GOV"), "2024-03-06"),
                   make_event(dl, 0, "190", ("militants", None, "IND", "REB"), ("an army post", None, "IND", "MIL"),
                              None, mode="reference")])
    store.add(kab, [make_event(kab, 0, "193", AFG_COP, PAK_MIL, None)])  # no event date: published counts
    return store


@pytest.fixture
def filled(store):
    return fill(store)


def test_round_trip_equals_to_dict(store):
    art = make_article("isb1", ISB, "2024-03-05", title="Pakistan summons Indian envoy", url="https://example.org/a")
    place = Place("Kotli", "PAK", "Azad Kashmir", "Kotli District", 33.5156, 73.9019, "city", 1174167)
    ev = make_event(art, 1, "194", IND_MIL, PAK_CVL, "2024-03-04", location=place, event_id="isb1:x")
    ev2 = make_event(art, 0, "114", PAK_GOV, None, "2024-03-05")  # no target, no location, no id
    assert store.add(art, [ev, ev2]) == "added"
    got = {e.event_id: e for e in store.events(article_id="isb1")}
    assert got["isb1:x"].to_dict() == ev.to_dict()
    assert got["isb1:0:0"].to_dict() == dict(ev2.to_dict(), event_id="isb1:0:0")
    back = store.article("isb1")
    assert back.to_dict() == dict(art.to_dict(), content_hash=back.content_hash)
    assert back.content_hash  # computed when the article came without one
    assert store.article("nope") is None
    assert [a.id for a in store.articles()] == ["isb1"]


def test_event_ids_number_events_within_a_sentence(store):
    art = make_article("del1", DEL, "2024-03-06")
    evs = [make_event(art, 0, "112", IND_GOV, PAK_GOV, "2024-03-06"),
           make_event(art, 0, "111", IND_GOV, PAK_GOV, "2024-03-06"),
           make_event(art, 1, "040", IND_GOV, PAK_GOV, None)]
    store.add(art, evs)
    assert sorted(e.event_id for e in store.events()) == ["del1:0:0", "del1:0:1", "del1:1:0"]


def test_add_twice_keeps_one_copy(filled):
    n = filled.count_events(include_negated=True)
    isb = make_article("isb1", ISB, "2024-03-05")
    assert filled.add(isb, [make_event(isb, 0, "114", PAK_GOV, IND_GOV, "2024-03-05")]) == "duplicate"
    # the same story again under another id (a second feed) is a duplicate too
    again = make_article("isb1-copy", ISB, "2024-03-05")
    assert filled.add(again, [make_event(again, 0, "114", PAK_GOV, IND_GOV, "2024-03-05")]) == "duplicate"
    assert filled.has_content(filled.article("isb1").content_hash)
    assert filled.count_events(include_negated=True) == n
    assert len(filled.articles()) == 3


def test_conflict_then_replace(filled):
    changed = make_article("isb1", ISB.replace("four civilians", "five civilians"), "2024-03-05")
    new = [make_event(changed, 1, "194", IND_MIL, PAK_CVL, "2024-03-04")]
    assert filled.add(changed, new) == "conflict"
    assert "four civilians" in filled.article("isb1").text
    assert filled.count_events(article_id="isb1", include_negated=True) == 3
    assert filled.add(changed, new, replace=True) == "replaced"
    assert "five civilians" in filled.article("isb1").text
    evs = filled.events(article_id="isb1", include_negated=True)
    assert [(e.code, e.event_id) for e in evs] == [("194", "isb1:1:0")]


def test_failing_insert_leaves_nothing_of_the_article(store):
    art = make_article("kab1", KAB, "2024-03-07")
    good = make_event(art, 0, "193", AFG_COP, PAK_MIL, "2024-03-07")
    bad = make_event(art, 0, "193", AFG_COP, PAK_MIL, "2024-02-30")  # no such day: the insert fails
    with pytest.raises(EventwatchError) as exc:
        store.add(art, [good, bad, good])
    assert exc.value.code == "EW034" and "kab1" in str(exc.value)
    assert store.article("kab1") is None
    assert store.count_events(include_negated=True) == 0
    assert store.add(art, [good]) == "added"  # the failed write left no trace


def test_failing_replace_keeps_the_old_article(filled, monkeypatch):
    def boom(self, rows):
        raise duckdb.ConstraintException("simulated failure after the article row")

    monkeypatch.setattr(Store, "_insert_events", boom)
    changed = make_article("kab1", KAB + " Two soldiers were wounded.", "2024-03-07")
    with pytest.raises(EventwatchError):
        filled.add(changed, [make_event(changed, 0, "193", AFG_COP, PAK_MIL, "2024-03-07")], replace=True)
    assert filled.article("kab1").text == KAB
    assert [e.code for e in filled.events(article_id="kab1")] == ["193"]


def test_filters(filled):
    codes = lambda **f: sorted(e.code for e in filled.events(**f))  # noqa: E731
    assert codes() == ["112", "114", "190", "193", "194"]  # negated left out by default
    assert codes(include_negated=True) == ["112", "114", "190", "192", "193", "194"]
    assert codes(dyad=("PAK", "IND")) == codes(dyad=("IND", "PAK")) == ["112", "114", "194"]
    assert codes(source="pak") == ["114"] and codes(target="PAK") == ["112", "193", "194"]
    assert codes(country="AFG") == ["193"]
    assert codes(code="19") == ["190", "193", "194"] and codes(code="193") == ["193"]
    assert codes(root="11") == ["112", "114"] and codes(root=19) == ["190", "193", "194"]
    assert codes(since="2024-03-05", until="2024-03-06") == ["112", "114", "190"]
    assert codes(since="2024-03-07") == ["193"]  # event date unknown: the publication date counts
    assert codes(until="2024-03-04") == ["194"]
    assert codes(text="LINE OF CONTROL") == ["114"] and codes(text="kotli") == ["194"]
    assert codes(mode="reference") == ["190"]
    assert codes(text="'; DROP TABLE events; --") == []  # bound, never formatted into SQL
    assert filled.count_events() == 5 and filled.count_events(dyad=("IND", "PAK"), limit=1) == 3
    by_date = [e.code for e in filled.events()]
    assert by_date == ["194", "114", "112", "190", "193"]
    assert [e.code for e in filled.events(order="-date", limit=2)] == ["193", "112"]
    assert [e.code for e in filled.events(limit=2, offset=1)] == ["114", "112"]
    for bad in ({"since": "March 5"}, {"mode": "rumour"}, {"order": "date; DROP TABLE events"}):
        with pytest.raises(EventwatchError) as exc:
            filled.events(**bad)
        assert exc.value.code == "EW041"


def test_drops_and_summary(filled):
    d = Drop("feed/photo.jpg", "EW004", "looks like a binary file, not text or HTML", "ingest only .txt")
    filled.add_drop(d)
    filled.add_drop(d)  # the same input dropped again is one drop
    filled.add_drop(Drop("feed/empty.txt", "EW002", "file is empty"))
    assert filled.drops() == [d, Drop("feed/empty.txt", "EW002", "file is empty")]
    s = filled.summary()
    assert (s["articles"], s["events"], s["negated"], s["drops"]) == (3, 6, 1, 2)
    assert s["roots"] == [{"root": "11", "name": "DISAPPROVE", "count": 2},
                          {"root": "19", "name": "FIGHT", "count": 3}]
    assert s["top_dyads"][0] == {"source_country": "IND", "target_country": "PAK", "count": 2}
    assert s["date_range"] == ["2024-03-04", "2024-03-07"]


def test_export_three_formats(filled, tmp_path):
    want = {e.event_id: e for e in filled.events(dyad=("IND", "PAK"))}
    n = filled.export(str(tmp_path / "e.jsonl"), "jsonl", dyad=("IND", "PAK"))
    rows = [json.loads(line) for line in (tmp_path / "e.jsonl").read_text().splitlines()]
    assert n == 3 and {r["event_id"]: r for r in rows} == {k: e.to_dict() for k, e in want.items()}

    assert filled.export(str(tmp_path / "e.csv"), "csv", dyad=("IND", "PAK")) == 3
    with open(tmp_path / "e.csv", newline="", encoding="utf-8") as fh:
        got = list(csv.DictReader(fh))
    assert list(got[0]) == EVENT_COLUMNS
    kotli = next(r for r in got if r["code"] == "194")
    assert (kotli["source_country"], kotli["target_sector"], kotli["location_name"], kotli["date"]) == \
        ("IND", "CVL", "Kotli", "2024-03-04")
    assert float(kotli["location_lat"]) == 33.52 and kotli["negated"] == "False"

    assert filled.export(str(tmp_path / "e.parquet"), "parquet", dyad=("IND", "PAK")) == 3
    table = pq.read_table(tmp_path / "e.parquet")
    assert table.column_names == EVENT_COLUMNS
    recs = {r["event_id"]: r for r in table.to_pylist()}
    k = recs[kotli["event_id"]]
    assert (k["source_code"], k["location_geonameid"], str(k["date"]), k["span_start"]) == \
        ("INDMIL", 1174167, "2024-03-04", want[kotli["event_id"]].span[0])

    assert filled.export(str(tmp_path / "none.csv"), "csv", country="CHN") == 0
    with pytest.raises(EventwatchError) as exc:
        filled.export(str(tmp_path / "e.xlsx"), "xlsx")
    assert exc.value.code == "EW042"


def test_migrations_recorded_and_newer_schema_refused(tmp_path):
    db = str(tmp_path / "ew.duckdb")
    with Store(db) as s:
        s.add(make_article("kab1", KAB, "2024-03-07"), [])
        rows = s.con.execute("SELECT version, applied_at FROM schema_migrations").fetchall()
    # every migration, in order (numbers are reserved per feature, so one may not be merged yet)
    assert [r[0] for r in rows] == sorted(v for v, _ in MIGRATIONS) and rows[0][1] is not None
    with Store(db) as s:  # reopening applies nothing again and keeps the data
        assert s.schema_version() == SCHEMA_VERSION and s.article("kab1") is not None
    with Store(db, read_only=True) as s:
        assert len(s.articles()) == 1
    con = duckdb.connect(db)
    con.execute("INSERT INTO schema_migrations (version) VALUES (?)", [SCHEMA_VERSION + 1])
    con.close()
    with pytest.raises(EventwatchError) as exc:
        Store(db)
    assert exc.value.code == "EW031" and "ew.duckdb" in str(exc.value)


def test_open_failures(tmp_path):
    with pytest.raises(EventwatchError) as exc:
        Store(str(tmp_path / "missing.duckdb"), read_only=True)
    assert exc.value.code == "EW032"
    junk = tmp_path / "notes.duckdb"
    junk.write_text("these are not the droids you are looking for\n" * 200)
    with pytest.raises(EventwatchError) as exc:
        Store(str(junk))
    assert exc.value.code == "EW032" and "notes.duckdb" in str(exc.value)


def test_locked_by_another_process(tmp_path):
    db = str(tmp_path / "locked.duckdb")
    Store(db).close()
    holder = subprocess.Popen(
        [sys.executable, "-c", "import duckdb, sys; c = duckdb.connect(sys.argv[1]); print('ready', flush=True); "
                               "sys.stdin.read()", db],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "ready"
        for read_only in (False, True):
            with pytest.raises(EventwatchError) as exc:
                Store(db, read_only=read_only)
            assert exc.value.code == "EW030" and "locked.duckdb" in str(exc.value)
    finally:
        holder.stdin.close()
        holder.wait(timeout=30)
    Store(db).close()  # free again once the other process is gone


def test_export_from_a_freshly_opened_file(tmp_path):
    db = str(tmp_path / "ew.duckdb")
    kab = make_article("kab1", KAB, "2024-03-07")
    with Store(db) as s:
        s.add(kab, [make_event(kab, 0, "193", AFG_COP, PAK_MIL, "2024-03-07")])
    with Store(db, read_only=True) as s:  # what `eventwatch export` does: open, then export at once
        assert s.export(str(tmp_path / "e.parquet"), "parquet") == 1
    assert pq.read_table(tmp_path / "e.parquet").column("target_code").to_pylist() == ["PAKMIL"]


def test_every_stored_article_is_its_own_first_source(tmp_path):
    from eventwatch.records import Article

    with Store(str(tmp_path / "s.duckdb")) as store:
        a = Article(id="a1", text="ISLAMABAD (Reuters) - Police arrested two men.", agency="Reuters",
                    published="2024-05-01", title="Two held")
        assert store.add(a, []) == "added"
        src = store.article_sources(["a1", "missing"])
        assert [s["source_id"] for s in src["a1"]] == ["a1"]
        assert src["a1"][0]["agency"] == "Reuters" and src["a1"][0]["published"] == "2024-05-01"
        assert src["missing"] == []
        b = Article(id="a1", text="ISLAMABAD (AP) - Police arrested three men.", agency="AP", published="2024-05-02")
        assert store.add(b, [], replace=True) == "replaced"
        assert [s["agency"] for s in store.article_sources(["a1"])["a1"]] == ["AP"]
        assert store.summary()["reports"] == 1


def test_migration_2_gives_existing_articles_their_source_row(tmp_path):
    import duckdb

    from eventwatch.store.migrations import MIGRATIONS

    path = str(tmp_path / "old.duckdb")
    con = duckdb.connect(path)  # a database as version 1 left it, with one article
    con.execute("CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, applied_at TIMESTAMP)")
    for sql in dict(MIGRATIONS)[1]:
        con.execute(sql)
    con.execute("INSERT INTO schema_migrations VALUES (1, now())")
    con.execute("INSERT INTO articles (id, title, published, agency, text) VALUES "
                "('old1', 't', DATE '2021-07-14', 'Xinhua', 'x')")
    con.close()
    with Store(path) as store:
        assert store.schema_version() == SCHEMA_VERSION
        assert store.article_sources(["old1"])["old1"][0]["agency"] == "Xinhua"
