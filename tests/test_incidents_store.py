"""Incidents in the store: incremental update, rebuild, idempotence, replace, queries, cases, exports."""
import csv
import json

import pyarrow.parquet as pq
import pytest
from incident_fixtures import BANNU, BLAST, DASU, MILITANTS, WORKERS, article, event, three_reports

from eventwatch.clustering import rebuild_store, update_store
from eventwatch.errors import EventwatchError
from eventwatch.records import Actor
from eventwatch.store import INCIDENT_COLUMNS, SCHEMA_VERSION, Store


@pytest.fixture
def store():
    with Store(":memory:") as s:
        yield s


def add(store, art, evs, **kw):
    outcome = store.add(art, evs, **kw)
    return outcome, update_store(store, [art.id], replaced=[art.id] if outcome == "replaced" else [])


def snapshot(store):
    """Everything a user sees of the incidents (ids aside: a replaced first report keeps its incident's id)."""
    out = []
    for inc in store.incidents(order="date"):
        d = inc.to_dict()
        d.pop("incident_id")
        links = sorted((r, e) for e, r in store.case_roles(inc.incident_id).items())
        out.append((json.dumps(d, sort_keys=True), links))
    return sorted(out)


def test_migration_3_creates_the_tables(store):
    assert SCHEMA_VERSION >= 3
    assert store._has_table("incidents") and store._has_table("incident_events")


def test_three_reports_become_one_incident_incrementally(store):
    arts, evs = three_reports()
    changed = []
    for a in arts:
        _, ch = add(store, a, evs[a.id])
        changed.append(ch)
    attacks = store.incidents(root="18")
    assert len(attacks) == 1
    inc = attacks[0]
    assert (inc.num_mentions, inc.num_articles, inc.num_sources) == (3, 3, 3)
    assert inc.code == "183" and inc.location.name == "Dasu" and inc.date == "2021-07-14"
    # every ingest reports the attack incident as changed (the last also creates the condemnation)
    assert all(inc.incident_id in ch for ch in changed)
    assert len(changed[2]) == 2
    assert store.count_incidents() == 2 and store.count_incidents(min_mentions=3) == 1
    assert store.incident(inc.incident_id).to_dict() == inc.to_dict()


def test_incremental_equals_rebuild_and_readding_changes_nothing(store):
    arts, evs = three_reports()
    far = article("b1", ["A bomb hit a bus near Bannu on Wednesday, killing four workers."], "2021-07-14")
    for a in arts + [far]:
        add(store, a, evs.get(a.id) or [event(far, 0, "183", MILITANTS, WORKERS, "2021-07-14", place=BANNU)])
    before = snapshot(store)
    assert len(store.incidents(root="18")) == 2
    # the same article again: a duplicate, nothing written, and clustering it again changes nothing
    assert store.add(arts[0], evs["r1"]) == "duplicate"
    update_store(store, [arts[0].id])
    assert snapshot(store) == before
    assert rebuild_store(store) == 3
    assert snapshot(store) == before


def test_replace_removes_old_events_from_incidents(store):
    arts, evs = three_reports()
    for a in arts:
        add(store, a, evs[a.id])
    (inc,) = store.incidents(root="18")
    # the AFP report is corrected: it now reports a clash in Bannu instead
    fixed = article("a1", ["Militants clashed with workers near Bannu on Wednesday."], "2021-07-14", "AFP")
    outcome, changed = add(store, fixed, [event(fixed, 0, "190", MILITANTS, WORKERS, "2021-07-14", place=BANNU)],
                           replace=True)
    assert outcome == "replaced" and inc.incident_id in changed
    dasu = store.incident(inc.incident_id)
    assert (dasu.num_mentions, dasu.num_articles) == (2, 2)
    bannu = [i for i in store.incidents(root="19") if i.location.name == "Bannu"]
    assert len(bannu) == 1 and bannu[0].num_articles == 1
    assert "a1" not in {e.event.article_id for e in store.case(inc.incident_id).entries}
    # a replaced article's only incident disappears
    gone = article("x1", ["China condemned the attack."], "2021-07-15", "Xinhua")
    cond = [i for i in store.incidents(root="11")][0]
    outcome, changed = add(store, gone, [], replace=True)
    assert outcome == "replaced" and cond.incident_id in changed
    assert store.incident(cond.incident_id) is None
    assert store.incident(inc.incident_id).num_articles == 1


def test_filters_and_order(store):
    arts, evs = three_reports()
    for a in arts:
        add(store, a, evs[a.id])
    assert len(store.incidents(country="PAK")) == 2
    assert len(store.incidents(country="CHN")) == 1
    assert len(store.incidents(dyad=("PAK", "CHN"))) == 1
    assert [i.code for i in store.incidents(code="18")] == ["183"]
    assert store.incidents(since="2021-07-15", root="18") == []
    assert len(store.incidents(until="2021-07-14")) == 1
    assert len(store.incidents(text="dasu")) == 1
    assert store.incidents(status="convicted") == []
    assert [i.num_mentions for i in store.incidents(order="mentions")] == [3, 1]
    assert len(store.incidents(limit=1, offset=1)) == 1
    with pytest.raises(EventwatchError) as exc:
        store.incidents(status="solved")
    assert exc.value.code == "EW041"
    with pytest.raises(EventwatchError) as exc:
        store.incidents(order="random")
    assert exc.value.code == "EW041"


def test_case_lists_entries_in_time_order_with_sources(store):
    arts, evs = three_reports()
    for a in arts:
        add(store, a, evs[a.id])
    (inc,) = store.incidents(root="18")
    c = store.case(inc.incident_id)
    reports = [e for e in c.entries if e.stage == "report"]
    assert [e.event.article_id for e in reports] == ["r1", "a1", "x1"]
    assert c.entries[:3] == reports
    assert [s["agency"] for s in c.sources] == ["Reuters", "AFP", "Xinhua"]
    assert c.status == "open"
    with pytest.raises(EventwatchError) as exc:
        store.case("inc-000000000000")
    assert exc.value.code == "EW080" and "eventwatch incidents" in exc.value.hint


def test_export_incidents(store, tmp_path):
    arts, evs = three_reports()
    for a in arts:
        add(store, a, evs[a.id])
    assert store.export_incidents(str(tmp_path / "i.csv"), "csv", root="18") == 1
    rows = list(csv.reader(open(tmp_path / "i.csv", encoding="utf-8")))
    assert rows[0] == INCIDENT_COLUMNS and rows[1][INCIDENT_COLUMNS.index("num_articles")] == "3"
    assert store.export_incidents(str(tmp_path / "i.parquet"), "parquet") == 2
    assert pq.read_table(tmp_path / "i.parquet").column_names == INCIDENT_COLUMNS
    assert store.export_incidents(str(tmp_path / "i.jsonl"), "jsonl", min_mentions=2) == 1
    d = json.loads(open(tmp_path / "i.jsonl", encoding="utf-8").readline())
    assert d["location"]["name"] == "Dasu" and d["num_sources"] == 3


def test_a_copy_of_an_article_counts_as_a_source(store):
    arts, evs = three_reports()
    for a in arts:
        add(store, a, evs[a.id])
    copy = article("copy-of-r1", [BLAST], "2021-07-14", "Indus Daily")
    store._add_source("r1", copy, 0.97)  # what the near-duplicate check records for a wire copy
    (inc,) = store.incidents(root="18")
    update_store(store, ["r1"], replaced=["r1"])
    inc = store.incident(inc.incident_id)
    assert (inc.num_mentions, inc.num_articles, inc.num_sources) == (4, 4, 4)


def test_window_query_reads_only_nearby_incidents(store):
    import datetime as dt

    far_away = article("old", [BLAST], "2019-01-01")
    add(store, far_away, [event(far_away, 0, "183", MILITANTS, WORKERS, "2019-01-01", place=DASU)])
    assert store.incident_window(["PAK"], dt.date(2021, 7, 1), dt.date(2021, 7, 31)) == []
    assert len(store.incident_window(["PAK"], dt.date(2018, 12, 31), dt.date(2019, 1, 2))) == 1
    assert store.incident_window(["IND"], dt.date(2018, 12, 31), dt.date(2019, 1, 2)) == []
    assert store.incident_window([], dt.date(2018, 12, 31), dt.date(2019, 1, 2)) == []
    # an attack anchors cases; a condemnation does not
    assert len(store.incident_window(["PAK"], dt.date(2018, 8, 1), dt.date(2019, 7, 1), cases=True)) == 1
    cond = article("c1", ["Pakistan condemned the attack."], "2019-01-02")
    add(store, cond, [event(cond, 0, "111", Actor("Pakistan", None, "PAK", "GOV"), MILITANTS, "2019-01-02")])
    assert len(store.incident_window(["PAK"], dt.date(2018, 8, 1), dt.date(2019, 7, 1))) == 2
    assert len(store.incident_window(["PAK"], dt.date(2018, 8, 1), dt.date(2019, 7, 1), cases=True)) == 1


def test_actor_names_survive_the_round_trip(store):
    a = article("n1", [BLAST], "2021-07-14")
    named = Actor("the Pakistani Taliban", "Tehreek-e-Taliban Pakistan", "PAK", "REB")
    add(store, a, [event(a, 0, "183", named, WORKERS, "2021-07-14", place=DASU)])
    (inc,) = store.incidents()
    assert inc.source.name == "Tehreek-e-Taliban Pakistan" and inc.source.code == "PAKREB"


def test_a_condemnation_in_a_report_of_the_attack_follows_it_up(store):
    pytest.importorskip("eventwatch.cases")
    arts, evs = three_reports()
    for a in arts:
        add(store, a, evs[a.id])
    (inc,) = store.incidents(root="18")
    c = store.case(inc.incident_id)
    # Xinhua's "China condemned the attack.": its own incident, and a step of the attack's case
    assert [(e.event.article_id, e.stage, e.date) for e in c.entries[3:]] == [("x1", "condemnation", "2021-07-15")]
    (cond,) = store.incidents(root="11")
    assert cond.num_mentions == 1 and cond.status == "open"


def file_db(tmp_path):
    path = str(tmp_path / "inc.duckdb")
    arts, evs = three_reports()
    with Store(path) as s:
        for a in arts:
            add(s, a, evs[a.id])
    return path


def test_cli_incidents_case_and_export(tmp_path, capsys):
    from eventwatch.cli import main

    db = file_db(tmp_path)
    assert main(["incidents", "--db", db, "--format", "json", "--min-mentions", "2"]) == 0
    rows = [json.loads(ln) for ln in capsys.readouterr().out.splitlines()]
    assert len(rows) == 1 and rows[0]["num_articles"] == 3 and rows[0]["location"]["name"] == "Dasu"
    iid = rows[0]["incident_id"]
    assert main(["incidents", "--db", db, "--country", "CHN"]) == 0
    out = capsys.readouterr()
    assert "1 incidents" in out.err and "CHN GOV" in out.out
    assert main(["incidents", "--db", db, "--format", "csv", "--rebuild"]) == 0
    out = capsys.readouterr()
    assert "rebuilt: 2 incidents" in out.err and out.out.splitlines()[0].startswith("incident_id,date")
    assert main(["case", iid, "--db", db]) == 0
    text = capsys.readouterr().out
    assert "status: open" in text and "(AFP)" in text and text.index("(Reuters)") < text.index("(AFP)")
    assert main(["case", iid, "--db", db, "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["incident"]["incident_id"] == iid
    assert main(["case", "inc-nope", "--db", db]) == 2
    assert "EW080" in capsys.readouterr().err
    out_csv = str(tmp_path / "inc.csv")
    assert main(["export", out_csv, "--what", "incidents", "--db", db, "--min-mentions", "3"]) == 0
    assert "1 incidents written" in capsys.readouterr().err
    assert len(list(csv.reader(open(out_csv, encoding="utf-8")))) == 2


def test_library_functions(tmp_path):
    import eventwatch

    db = file_db(tmp_path)
    (inc,) = eventwatch.incidents(db=db, root="18")
    assert eventwatch.case(inc.incident_id, db=db).incident == inc
    assert eventwatch.rebuild_incidents(db=db) == 2
    assert eventwatch.export(str(tmp_path / "i.jsonl"), fmt="jsonl", what="incidents", db=db) == 2
    with pytest.raises(EventwatchError) as exc:
        eventwatch.export(str(tmp_path / "x.csv"), what="relations", db=db)
    assert exc.value.code == "EW081"


def test_export_incidents_as_geojson_points(store, tmp_path):
    arts, evs = three_reports()
    for a in arts:
        add(store, a, evs[a.id])
    n = store.export_incidents(str(tmp_path / "i.geojson"), "geojson", root="18")
    fc = json.load(open(tmp_path / "i.geojson", encoding="utf-8"))
    assert n == len(fc["features"]) == 1 and n.left_out == 0
    f = fc["features"][0]
    lon, lat = f["geometry"]["coordinates"]
    assert f["geometry"]["type"] == "Point" and 72 < lon < 74 and 35 < lat < 36  # Dasu: lon first
    assert f["properties"]["num_sources"] == 3 and f["id"] == f["properties"]["incident_id"]
    with pytest.raises(EventwatchError) as exc:
        store.export_incidents(str(tmp_path / "i.tsv"), "gdelt")
    assert exc.value.code == "EW042"


def test_a_failing_incident_update_is_reported_and_the_batch_goes_on(tmp_path, monkeypatch):
    """Events are stored before clustering: a clustering bug must not stop the ingest or lose them."""
    import eventwatch
    from eventwatch import clustering

    def broken(*a, **kw):
        raise RuntimeError("boom")

    monkeypatch.setattr(clustering, "update_store", broken)
    art = tmp_path / "a.txt"
    art.write_text("ISLAMABAD, May 2 (Reuters) - Pakistani police arrested two men in Lahore on Thursday.\n",
                   encoding="utf-8")
    db = str(tmp_path / "x.duckdb")
    report = eventwatch.ingest([str(art)], db=db, n_process=1)
    assert report.added == 1 and report.events >= 1 and report.incidents_changed == []
    assert [d.code for d in report.drops] == ["EW082"] and "--rebuild" in report.drops[0].hint
    assert len(eventwatch.events(db=db)) == report.events
    monkeypatch.undo()
    assert eventwatch.rebuild_incidents(db=db) >= 1  # the hint works: the events join incidents
    assert eventwatch.incidents(db=db)
