"""End to end: the story corpus (samples/story) ingested into incidents and the Dasu attack's case."""
from pathlib import Path

import pytest

import eventwatch
from eventwatch.cli import main

ROOT = Path(__file__).resolve().parent.parent
STORY = sorted(str(p) for p in (ROOT / "samples" / "story" / "articles").glob("st*.txt"))
SEED = ROOT.parent / "shared" / "seeds" / "000_0caf704b14a81d48.txt"

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def story_db(tmp_path_factory):
    db = str(tmp_path_factory.mktemp("story") / "story.duckdb")
    report = eventwatch.ingest(STORY, db=db, n_process=1)
    # st03 is a wire copy of st02: stored once, kept as a second source of it
    assert len(STORY) == 14 and report.added == 13 and report.near_duplicates == 1 and not report.drops
    return db, report


def dasu(db):
    got = [i for i in eventwatch.incidents(db=db, root="18", since="2021-07-14", until="2021-07-14")
           if i.location and i.location.name == "Dasu"]
    assert len(got) == 1, [i.title for i in got]
    return got[0]


def test_one_dasu_attack_incident_with_the_toll(story_db):
    db, report = story_db
    inc = dasu(db)
    assert inc.incident_id in report.incidents_changed
    assert f"{len(report.incidents_changed)} incidents created or updated" in report.to_text()
    assert report.to_dict()["incidents_changed"] == report.incidents_changed
    assert inc.date == "2021-07-14" and inc.date_precision == "day" and inc.location.admin2 == "Upper Kohistan District"
    # the highest toll reported: 13 killed (nine of them Chinese), 28 injured; first reports said 10
    assert (inc.killed, inc.injured, inc.abducted) == (13, 28, None)
    # AFP, its Indus Daily copy and Xinhua report it as an event; Reuters' charges story restates it
    assert inc.num_articles >= 3 and inc.num_sources >= 3 and inc.num_mentions >= inc.num_articles
    assert inc.first_seen == "2021-07-14"
    assert inc.status == "convicted"


def test_the_same_day_kech_bombing_stays_apart(story_db):
    db, _ = story_db
    same_day = eventwatch.incidents(db=db, root="18", since="2021-07-14", until="2021-07-14")
    kech = [i for i in same_day if i.incident_id != dasu(db).incident_id and i.code == "1833"]
    assert len(kech) == 1
    assert kech[0].target.sector == "MIL" and kech[0].killed == 3 and kech[0].num_articles == 1
    # the Lahore drug arrests are no step of either case
    lahore = [i for i in eventwatch.incidents(db=db, root="17") if i.location and i.location.name == "Lahore"]
    assert lahore and all(i.status == "open" for i in lahore)
    case = eventwatch.case(dasu(db).incident_id, db=db)
    assert not any("Anti-Narcotics" in e.event.sentence for e in case.entries)
    assert not any("Kech" in e.event.sentence or "Turbat" in e.event.sentence for e in case.entries)


def test_the_case_timeline_is_complete_and_ordered(story_db):
    db, _ = story_db
    case = eventwatch.case(dasu(db).incident_id, db=db, as_of="2022-07-31")
    dates = [e.date for e in case.entries]
    assert dates == sorted(dates)
    stages = [e.stage for e in case.entries]
    first = {s: stages.index(s) for s in reversed(stages)}
    for s in ("report", "condemnation", "demand", "pledge", "investigation", "arrest", "charge", "sentence"):
        assert s in first, (s, stages)
    assert first["report"] < first["investigation"] < first["arrest"] < first["charge"] < first["sentence"]
    arrests = [e for e in case.entries if e.stage == "arrest"]
    assert "2021-08-10" in {e.date for e in arrests}
    assert case.status == "convicted"
    outlets = {s["agency"] for s in case.sources}
    assert {"Reuters", "AFP", "Xinhua"} <= outlets
    # the same incident's case, from the CLI
    assert main(["case", case.incident.incident_id, "--db", db, "--as-of", "2022-07-31"]) == 0


def test_reingesting_changes_nothing_and_rebuild_gives_the_same(story_db, tmp_path):
    db, _ = story_db
    before = [i.to_dict() for i in eventwatch.incidents(db=db)]
    report = eventwatch.ingest(STORY, db=db, n_process=1)
    assert report.added == 0 and report.incidents_changed == []
    assert [i.to_dict() for i in eventwatch.incidents(db=db)] == before
    assert eventwatch.rebuild_incidents(db=db) == len(before)
    assert [i.to_dict() for i in eventwatch.incidents(db=db)] == before


@pytest.mark.skipif(not SEED.exists(), reason="the shared seed article is not here")
def test_the_seed_article_joins_the_dasu_case(story_db):
    db, _ = story_db
    inc = dasu(db)
    before = eventwatch.case(inc.incident_id, db=db)
    report = eventwatch.ingest([str(SEED)], db=db, n_process=1)
    assert report.added == 1 and inc.incident_id in report.incidents_changed
    after = eventwatch.case(inc.incident_id, db=db, as_of="2021-09-30")
    seed = [e for e in after.entries if e.event.published == "2021-08-24"]
    assert len(after.entries) > len(before.entries) and seed
    stages = {e.stage for e in seed}
    assert stages & {"demand", "pledge"} and "Dasu attack" in " ".join(e.event.sentence for e in seed)
    assert [e.date for e in after.entries] == sorted(e.date for e in after.entries)
