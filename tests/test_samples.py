"""Quality gate on our own sample corpus (samples/gold.jsonl, hand-checked) and on the shared dev set.

The floors sit a little under the figures measured when they were set (README, "Measured"): a change
that lowers them fails CI. Lowering a floor is a deliberate, visible change to this file.
"""
import json
from pathlib import Path

import pytest

import eventwatch
from eventwatch.records import Article

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples"
DEV = ROOT.parent / "shared" / "eval" / "dev.jsonl"

# floors: (F1, precision, date accuracy), set a little under the figures measured on 2026-11-29:
# samples F1 0.747 P 0.884 dates 0.829; dev F1 0.791 P 0.918 dates 0.910; story F1 0.953 P 0.981
# dates 0.980 (README, "Measured")
SAMPLE_FLOOR = (0.72, 0.86, 0.80)
DEV_FLOOR = (0.77, 0.89, 0.90)
STORY = SAMPLES / "story" / "gold.jsonl"
STORY_FLOOR = (0.92, 0.95, 0.94)


def _check(report, floor):
    d = report.to_dict()
    f1, p = d["f1"], d["precision"]
    assert d["source_sector"]["accuracy"] >= 0.84, report.to_text()
    assert d["target_sector"]["accuracy"] >= 0.80, report.to_text()
    assert f1 >= floor[0], report.to_text()
    assert p >= floor[1], report.to_text()
    assert d["date"]["accuracy"] >= floor[2], report.to_text()
    assert d["negation_errors"] == 0, report.to_text()


@pytest.fixture(scope="module")
def sample_report():
    return eventwatch.evaluate(SAMPLES / "gold.jsonl")


def test_sample_corpus_meets_its_floor(sample_report):
    _check(sample_report, SAMPLE_FLOOR)


@pytest.mark.skipif(not DEV.exists(), reason="shared/eval not present")
def test_dev_set_meets_its_floor():
    _check(eventwatch.evaluate(DEV), DEV_FLOOR)


def test_story_corpus_meets_its_floor():
    # the Dasu story (samples/story): restated attacks, wire copies and a case's follow-ups, where a false
    # attack would make a false incident
    _check(eventwatch.evaluate(STORY), STORY_FLOOR)


def test_sample_corpus_covers_every_root_and_hard_case():
    gold = [json.loads(line) for line in (SAMPLES / "gold.jsonl").open(encoding="utf-8")]
    assert len(gold) >= 30
    roots = {e["root"] for g in gold for e in g["events"]}
    assert roots >= {f"{i:02d}" for i in range(1, 21)}
    assert any(e["negated"] for g in gold for e in g["events"])
    assert sum(1 for g in gold if g.get("file", "").endswith(".html")) >= 4
    for g in gold:
        for e in g["events"]:
            assert e["sentence"] in g["text"], (g["id"], e["sentence"])


def test_html_pages_give_the_same_body_as_the_gold_text():
    gold = {g["id"]: g for g in map(json.loads, (SAMPLES / "gold.jsonl").open(encoding="utf-8"))}
    pages = sorted((SAMPLES / "articles").glob("*.html"))
    assert pages
    for page in pages:
        arts = [a for a in eventwatch.read([page]) if isinstance(a, Article)]
        assert len(arts) == 1, page
        body = " ".join(arts[0].text[b.start:b.end] for b in arts[0].body_blocks())
        g = gold[page.stem]
        for e in g["events"]:
            # every gold event sentence survives boilerplate removal (modulo whitespace)
            assert " ".join(e["sentence"].split()) in " ".join(body.split()), (page.name, e["sentence"])
        for junk in ("Related Stories", "All Rights Reserved", "Share this"):
            assert junk.lower() not in body.lower(), (page.name, junk)


@pytest.mark.parametrize("case", [str.lower, str.upper], ids=["lower", "upper"])
def test_lower_and_upper_case_copies_still_code(tmp_path, sample_report, case):
    """Real corpora are often lower-cased or in capitals: recasing keeps most of the score."""
    out = tmp_path / "gold.jsonl"
    with out.open("w", encoding="utf-8") as fh:
        for line in (SAMPLES / "gold.jsonl").open(encoding="utf-8"):
            g = json.loads(line)
            g["text"] = case(g["text"])
            for e in g["events"]:
                e["sentence"] = case(e["sentence"])
            fh.write(json.dumps(g) + "\n")
    d = eventwatch.evaluate(out).to_dict()
    assert d["precision"] >= 0.70 and d["f1"] >= 0.85 * sample_report.to_dict()["f1"], d
