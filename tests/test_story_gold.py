"""Consistency of the incident gold: samples/story (the Dasu story) and the labels on samples/gold.jsonl.

Fast, no spaCy: these tests check the hand-made gold the incidents/cases engine is measured on, not the
engine. Conventions: samples/story/README.md.
"""
import json
from collections import Counter
from pathlib import Path

import pytest

from eventwatch.readers import read_paths
from eventwatch.records import Article
from eventwatch.scoring import load_gold

ROOT = Path(__file__).resolve().parents[1]
STORY = ROOT / "samples" / "story"
STORY_GOLD = STORY / "gold.jsonl"
SAMPLE_GOLD = ROOT / "samples" / "gold.jsonl"
SEED = ROOT.parent / "shared" / "seeds" / "000_0caf704b14a81d48.txt"

ATTACK = "dasu-attack-2021-07-14"
DECOY_ATTACK = "kech-bomb-2021-07-14"


def _gold(path):
    return load_gold(str(path))  # also checks every gold sentence is verbatim in its text


@pytest.fixture(scope="module")
def story():
    return _gold(STORY_GOLD)


@pytest.fixture(scope="module")
def story_events(story):
    return [(g, e) for g in story for e in g["events"]]


@pytest.mark.parametrize("path", [STORY_GOLD, SAMPLE_GOLD], ids=["story", "samples"])
def test_every_event_has_an_incident_and_cases_point_to_known_incidents(path):
    gold = _gold(path)
    events = [e for g in gold for e in g["events"]]
    assert events
    labels = {e.get("incident") for e in events}
    for g in gold:
        for e in g["events"]:
            assert isinstance(e.get("incident"), str) and e["incident"].strip(), (g["id"], e["sentence"])
            if "case" in e:
                assert e["case"] in labels, (g["id"], e["case"])
                assert e["case"] != e["incident"], (g["id"], e["incident"])
        for r in g.get("references", []):
            assert r["text"] in r["sentence"] and r["sentence"] in g["text"], (g["id"], r["text"])
    # a case is the label of an incident that is not itself a follow-up of another case
    for e in events:
        if "case" in e:
            assert not any(x.get("case") for x in events if x["incident"] == e["case"]), e["case"]


def test_sample_labels_do_not_change_the_scored_gold():
    # incident/case are additions: each line keeps its other keys, in their order
    for line in SAMPLE_GOLD.read_text(encoding="utf-8").splitlines():
        g = json.loads(line)
        assert list(g)[:5] == ["id", "published", "title", "text", "events"]
        for e in g["events"]:
            assert list(e)[:11] == ["sentence", "source", "target", "code", "root", "alt_roots", "date",
                                    "location", "negated", "note", "incident"]
            assert set(e) - set(list(e)[:11]) <= {"case"}


def test_story_references_name_known_incidents(story, story_events):
    labels = {e["incident"] for _, e in story_events}
    refs = [r for g in story for r in g["references"]]
    assert len(refs) >= 10
    for r in refs:
        assert r["incident"] in labels, r
    # follow-ups that never restate the attack still point back to it
    assert {g["id"] for g in story if any(r["incident"] == ATTACK for r in g["references"])} >= {
        "st06", "st07", "st08", "st11", "st12", "st13", "st14"}


def test_story_files_match_the_gold_and_read_with_the_right_dates(story):
    files = sorted((STORY / "articles").glob("st*.txt"))
    assert [g["file"] for g in story] == [f.name for f in files]
    articles = {Path(a.source_path).name: a for a in read_paths(files)}
    for g in story:
        a = articles[g["file"]]
        assert isinstance(a, Article), a
        assert a.published == g["published"], g["file"]
        assert a.title == g["title"], g["file"]
        assert g["text"] in a.text, g["file"]
    # the files' order is the story's order
    dates = [g["published"] for g in story]
    assert dates == sorted(dates)


def test_story_has_independent_reports_and_a_wire_copy(story, story_events):
    reports = {g["id"]: g for g, e in story_events if e["incident"] == ATTACK and g["published"] <= "2021-07-15"}
    outlets = {g["outlet"] for g in reports.values()}
    assert len(reports) >= 4 and len(outlets) >= 4, sorted(outlets)
    # different early figures: one report says "at least 10", a later one 13 including nine Chinese
    texts = " ".join(g["text"] for g in reports.values())
    assert "at least 10 people" in texts and "nine Chinese nationals" in texts
    copy = next(g for g in story if g.get("duplicate_of"))
    original = next(g for g in story if g["id"] == copy["duplicate_of"])
    assert copy["outlet"] != original["outlet"] and copy["title"] != original["title"]

    def body(g):  # the text after the dateline
        return g["text"].split(" - ", 1)[1]

    assert original["text"] != copy["text"] and body(original).startswith(body(copy))
    assert len(body(copy)) < len(body(original))


def test_story_follows_the_case_through_its_stages(story, story_events):
    attack_date = next(e["date"] for _, e in story_events if e["incident"] == ATTACK)
    followups = [g for g in story if g["role"].startswith("follow-up")]
    assert len(followups) >= 6
    for g in followups:
        assert g["published"] > attack_date
        assert any(e.get("case") == ATTACK for e in g["events"]), g["id"]
    case_codes = Counter(e["code"][:2] for _, e in story_events if e.get("case") == ATTACK)
    # condemnation, demand, investigation, arrest/charge, conviction
    for root in ("11", "10", "09", "17"):
        assert case_codes[root], root
    assert any(e["code"] == "116" for _, e in story_events if e.get("case") == ATTACK)
    # a restatement of the attack inside a follow-up keeps the attack's own date
    assert any(e["incident"] == ATTACK and g["published"] > "2021-07-15" and e["date"] == attack_date
               for g, e in story_events)
    # the same arrests told again in a later article share one label
    arrests = {g["id"] for g, e in story_events if e["incident"] == "dasu-arrests-2021-08-10"}
    assert len(arrests) >= 2


def test_story_statements_reported_by_several_outlets_share_one_label(story_events):
    outlets = {}
    for g, e in story_events:
        if e["incident"] != ATTACK and not g.get("duplicate_of"):
            outlets.setdefault(e["incident"], set()).add(g["outlet"])
    assert len(outlets["china-fm-condemns-2021-07-14"]) >= 2
    assert len(outlets["china-embassy-appeal-2021-07-14"]) >= 2


def test_story_decoys_stay_separate(story, story_events):
    by_label = {}
    for g, e in story_events:
        by_label.setdefault(e["incident"], []).append((g, e))
    attack_date = by_label[ATTACK][0][1]["date"]
    # another bombing in Pakistan the same day, with its own follow-up
    assert DECOY_ATTACK != ATTACK and {e["date"] for _, e in by_label[DECOY_ATTACK]} == {attack_date}
    assert {e["location"]["name"] for _, e in by_label[DECOY_ATTACK]}.isdisjoint(
        {e["location"]["name"] for _, e in by_label[ATTACK]})
    assert any(e.get("case") == DECOY_ATTACK and e["code"] == "173" for _, e in story_events)
    # an unrelated arrest the same week: no case
    lahore = [e for g, e in story_events if g["id"] == "st09"]
    assert lahore and all("case" not in e for e in lahore)
    assert all(e["incident"] not in {ATTACK, DECOY_ATTACK} for e in lahore)


@pytest.mark.skipif(not SEED.exists(), reason="shared seed article not present")
def test_story_is_consistent_with_the_seed(story_events):
    # the seed (Xinhua, 24 August 2021) follows up "the Dasu attack" and its absconding suspects
    seed = SEED.read_text(encoding="utf-8")
    assert "the Dasu attack" in seed and "Aug. 24" in seed and "absconding" in seed
    attack = [e for _, e in story_events if e["incident"] == ATTACK]
    assert {e["date"] for e in attack} == {"2021-07-14"}
    assert {e["location"]["name"] for e in attack} <= {"Dasu", "Upper Kohistan"}
    # by then suspects were arrested and the planner was known to be at large
    for label in ("dasu-arrests-2021-08-10", "dasu-absconder-warrant-2021-08-20"):
        assert all(g["published"] < "2021-08-24" for g, e in story_events if e["incident"] == label)


@pytest.mark.parametrize("path", [STORY_GOLD, SAMPLE_GOLD], ids=["story", "samples"])
def test_one_incident_one_day_and_follow_ups_come_after(path):
    events = [e for g in _gold(path) for e in g["events"]]
    days = {}
    for e in events:
        if e["date"]:
            days.setdefault(e["incident"], set()).add(e["date"])
    assert {k: v for k, v in days.items() if len(v) > 1} == {}
    for e in events:
        if "case" in e and e["date"] and days.get(e["case"]):
            assert e["date"] >= min(days[e["case"]]), (e["incident"], e["case"])
