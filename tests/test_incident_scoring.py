"""B-cubed scores of the incident clustering against gold ``incident`` labels."""
import json
from pathlib import Path

import pytest
from incident_fixtures import BANNU, DASU, MILITANTS, WORKERS, article, event

from eventwatch import api
from eventwatch.errors import EventwatchError
from eventwatch.scoring import bcubed, load_gold, score


def test_bcubed_values():
    assert bcubed(["a", "a", "b"], ["x", "x", "y"]) == (1.0, 1.0, 1.0)
    p, r, f = bcubed(["a", "a", "b"], ["x", "x", "x"])
    assert (round(p, 4), r) == (round(5 / 9, 4), 1.0)
    p, r, f = bcubed(["a", "a", "b"], ["x", "y", "z"])
    assert (p, round(r, 4)) == (1.0, round(2 / 3, 4))
    assert bcubed([], []) == (0.0, 0.0, 0.0)


def gold_of(art, labels, codes):
    sents = art.text.split("\n\n")
    return {"id": art.id, "published": art.published, "text": art.text,
            "events": [{"sentence": sents[i], "source": {"country": "PAK", "sector": "REB"},
                        "target": {"country": "PAK", "sector": "CVL"}, "code": codes[i], "root": codes[i][:2],
                        "incident": labels[i]} for i in range(len(labels))]}


def test_score_reports_bcubed_of_the_predicted_clustering():
    a1 = article("r1", ["A bomb hit a bus near Dasu on Wednesday.", "A bomb hit a bus near Bannu on Wednesday."],
                 "2021-07-14")
    a2 = article("r2", ["Militants bombed a bus near Dasu on Wednesday.", "Police patrolled the valley."],
                 "2021-07-15")
    gold = [gold_of(a1, ["dasu", "bannu"], ["183", "183"]), gold_of(a2, ["dasu", "patrol"], ["183", "183"])]
    predicted = {"r1": [event(a1, 0, "183", MILITANTS, WORKERS, "2021-07-14", place=DASU),
                        event(a1, 1, "183", MILITANTS, WORKERS, "2021-07-14", place=BANNU)],
                 "r2": [event(a2, 0, "183", MILITANTS, WORKERS, "2021-07-14", place=DASU)]}
    rep = score(gold, predicted)
    # the two Dasu reports are one predicted incident, Bannu another; the patrol was missed (a singleton)
    assert rep.bcubed == (1.0, 1.0, 1.0)
    assert (rep.incident_events, rep.incident_matched, rep.gold_incidents) == (4, 3, 3)
    d = rep.to_dict()["incidents"]
    assert d["bcubed_f1"] == 1.0 and d["matched_bcubed_f1"] == 1.0
    assert "B-cubed precision 1.000" in rep.to_text()
    # the same two reports, the second dated two days later: split, recall drops
    predicted["r2"] = [event(a2, 0, "183", MILITANTS, WORKERS, "2021-07-16", place=DASU)]
    rep = score(gold, predicted)
    assert rep.bcubed[0] == 1.0 and rep.bcubed[1] == pytest.approx(0.75)


def test_no_labels_no_incident_scores():
    a1 = article("r1", ["A bomb hit a bus near Dasu on Wednesday."], "2021-07-14")
    g = gold_of(a1, ["x"], ["183"])
    del g["events"][0]["incident"]
    rep = score([g], {"r1": []})
    assert rep.bcubed is None and rep.to_dict()["incidents"] is None


def test_evaluate_refuses_the_same_article_id_in_two_files(tmp_path):
    a1 = article("r1", ["A bomb hit a bus near Dasu on Wednesday."], "2021-07-14")
    for name in ("a.jsonl", "b.jsonl"):
        (tmp_path / name).write_text(json.dumps(gold_of(a1, ["x"], ["183"])) + "\n", encoding="utf-8")
    assert len(load_gold(str(tmp_path / "a.jsonl"))) == 1
    with pytest.raises(EventwatchError) as exc:
        api.evaluate([tmp_path / "a.jsonl", tmp_path / "b.jsonl"])
    assert exc.value.code == "EW040" and "also in" in exc.value.message


@pytest.mark.slow
def test_bcubed_on_our_own_gold_files():
    root = Path(__file__).parent.parent / "samples"
    rep = api.evaluate([root / "gold.jsonl", root / "story" / "gold.jsonl"], n_process=1)
    p, r, f = rep.bcubed
    assert p >= 0.95 and f >= 0.9, rep.to_dict()["incidents"]
    assert rep.bcubed_matched[2] >= 0.97
