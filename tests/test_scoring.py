"""Scoring against gold: every rule of the matching convention (shared/eval/README.md section 0)."""
import importlib
import json

import pytest

from eventwatch.errors import EventwatchError
from eventwatch.scoring import load_gold, score
from eventwatch.records import Actor, Event, Place

evaluate = importlib.import_module("eventwatch.scoring")

# An invented wire story, written for these tests.
S0 = ("KABUL, June 3 (Reuters) - Pakistani and Afghan border forces exchanged fire near the Torkham "
      "crossing on Monday, Afghan officials said.")
S1 = "Afghanistan's foreign ministry condemned the firing and urged Islamabad to show restraint."
S2 = "Pakistan's army denied that its troops had fired on homes in Nangarhar province."
S3 = "The United Nations mission in Kabul called on all sides to halt the escalation."
S4 = "Gunmen stormed a police checkpoint in Khost province on Sunday and killed two officers."
S5 = "Last week's clash at Chaman was the third this year."
TEXT = "\n\n".join([S0, S1, S2, S3, S4, S5])


def actor(country, sector):
    return {"country": country, "sector": sector, "name": None}


def gold_event(sentence, code, source, target, *, alt=(), negated=False, date="2024-06-03", location=None):
    return {"sentence": sentence, "source": source, "target": target, "code": code, "root": code[:2],
            "alt_roots": list(alt), "date": date, "location": location, "negated": negated, "note": ""}


def article(events, text=TEXT, id="t1"):
    return {"id": id, "published": "2024-06-03", "title": "Border forces exchange fire", "text": text,
            "events": events}


def pred(sentence, code, src, tgt, *, text=TEXT, span=None, negated=False, mode="asserted",
         date="2024-06-03", location=None, id="t1"):
    if span is None:
        start = text.find(sentence)
        span = (start, start + len(sentence))
    return Event(article_id=id, sentence_index=0, span=span, sentence=sentence, code=code, root=code[:2],
                 source=Actor("x", None, *src) if src else None, target=Actor("y", None, *tgt) if tgt else None,
                 date=date, location=location, negated=negated, mode=mode)


def test_exact_match_and_wrong_country():
    g = [article([gold_event(S0, "193", actor("PAK", "COP"), actor("AFG", "COP"))])]
    ok = score(g, {"t1": [pred(S0, "193", ("PAK", "COP"), ("AFG", "COP"))]})
    assert (ok.tp, ok.fp, ok.fn, ok.f1) == (1, 0, 0, 1.0)
    bad = score(g, {"t1": [pred(S0, "193", ("IND", "COP"), ("AFG", "COP"))]})
    assert (bad.tp, bad.fp, bad.fn) == (0, 1, 1)
    assert "source country IND != PAK" in bad.errors[0]["why"]


def test_alt_root_matches_and_exact_root_is_preferred():
    g = [article([gold_event(S4, "180", actor("AFG", "REB"), actor("AFG", "COP"), alt=["19"])])]
    alt = score(g, {"t1": [pred(S4, "190", ("AFG", "REB"), ("AFG", "COP"))]})
    assert (alt.tp, alt.alt_root, alt.root_exact) == (1, 1, 0)
    # listed first, the alt-root prediction still loses the gold event to the exact-root one
    both = score(g, {"t1": [pred(S4, "190", ("AFG", "REB"), ("AFG", "COP")),
                            pred(S4, "180", ("AFG", "REB"), ("AFG", "COP"))]})
    assert (both.tp, both.fp, both.root_exact, both.alt_root) == (1, 1, 1, 0)
    assert both.errors[0]["predicted"]["code"] == "190"
    wrong = score(g, {"t1": [pred(S4, "173", ("AFG", "REB"), ("AFG", "COP"))]})
    assert (wrong.tp, wrong.fp, wrong.fn) == (0, 1, 1)


def test_sector_agreement_breaks_ties():
    g = [article([gold_event(S4, "180", actor("AFG", "REB"), actor("AFG", "COP"))])]
    r = score(g, {"t1": [pred(S4, "180", ("AFG", "MIL"), ("AFG", "CVL")),
                         pred(S4, "180", ("AFG", "REB"), ("AFG", "COP"))]})
    assert (r.tp, r.fp) == (1, 1)
    assert r.source_sector.correct == 1 and r.target_sector.correct == 1


def test_null_gold_target_and_null_country_accept_anything():
    un = gold_event(S3, "0256", actor(None, "IGO"), None)
    g = [article([un])]
    r = score(g, {"t1": [pred(S3, "0256", ("USA", "IGO"), ("AFG", "GOV"))]})
    assert (r.tp, r.fp, r.fn) == (1, 0, 0)
    r = score(g, {"t1": [pred(S3, "025", ("USA", "IGO"), None)]})
    assert r.tp == 1
    # null target: not counted in target sector accuracy
    assert r.target_sector.total == 0 and r.source_sector.correct == 1


def test_sentence_overlap_when_segmentation_differs():
    g = [article([gold_event(S0, "193", actor("PAK", "COP"), actor("AFG", "COP")),
                  gold_event(S1, "111", actor("AFG", "GOV"), actor("PAK", "COP"))])]
    # our segmenter split the dateline off S0: the prediction covers only part of the gold sentence
    dl = S0.index("Pakistani")
    start = TEXT.find(S0) + dl
    part = pred(S0[dl:], "193", ("PAK", "COP"), ("AFG", "COP"), span=(start, start + len(S0) - dl))
    # ... and glued S1 to S2: the span covers all of S1 (the shorter one) and then some
    s1, s2 = TEXT.find(S1), TEXT.find(S2)
    glued = pred(S1 + " " + S2, "111", ("AFG", "GOV"), ("PAK", "COP"), span=(s1, s2 + len(S2)))
    r = score(g, {"t1": [part, glued]})
    assert (r.tp, r.fp, r.fn) == (2, 0, 0)
    # a span that touches the gold sentence with less than half of the shorter one is another sentence
    stray = pred(S1, "111", ("AFG", "GOV"), ("PAK", "COP"), span=(s1 + len(S1) - 10, s2 + len(S2)))
    r = score([article([gold_event(S1, "111", actor("AFG", "GOV"), actor("PAK", "COP"))])], {"t1": [stray]})
    assert (r.tp, r.fp, r.fn) == (0, 1, 1)
    assert r.errors[0]["why"] == "no gold event in this sentence"


def test_negated_prediction_and_reference_mode_are_ignored():
    g = [article([gold_event(S0, "193", actor("PAK", "COP"), actor("AFG", "COP"))])]
    r = score(g, {"t1": [pred(S0, "193", ("PAK", "COP"), ("AFG", "COP"), negated=True),
                         pred(S5, "190", ("PAK", "MIL"), ("AFG", "MIL"), mode="reference")]})
    assert (r.tp, r.fp, r.fn) == (0, 0, 1)
    assert (r.ignored_negated, r.ignored_reference, r.predictions) == (1, 1, 0)


def test_gold_negated_event_predicted_positive_is_fp_and_negation_error():
    denied = gold_event(S2, "193", actor("PAK", "MIL"), actor("AFG", "CVL"), negated=True)
    denial = gold_event(S2, "016", actor("PAK", "MIL"), actor("AFG", "GOV"))
    g = [article([denied, denial])]
    r = score(g, {"t1": [pred(S2, "193", ("PAK", "MIL"), ("AFG", "CVL")),
                         pred(S2, "016", ("PAK", "MIL"), ("AFG", "GOV"))]})
    assert (r.tp, r.fp, r.fn, r.negation_errors) == (1, 1, 0, 1)
    assert r.gold_events == 1 and r.gold_negated == 1  # the negated one is not a recall target
    assert r.errors[0]["kind"] == "negation"
    # predicting it negated is right, and costs nothing either way
    r = score(g, {"t1": [pred(S2, "193", ("PAK", "MIL"), ("AFG", "CVL"), negated=True),
                         pred(S2, "016", ("PAK", "MIL"), ("AFG", "GOV"))]})
    assert (r.tp, r.fp, r.fn, r.negation_errors) == (1, 0, 0, 0)


def test_duplicate_predictions_give_one_tp_and_one_fp():
    g = [article([gold_event(S1, "111", actor("AFG", "GOV"), actor("PAK", "COP"))])]
    p = pred(S1, "111", ("AFG", "GOV"), ("PAK", "COP"))
    r = score(g, {"t1": [p, p]})
    assert (r.tp, r.fp, r.fn) == (1, 1, 0)
    assert r.errors[0]["why"] == "gold 111: taken by another prediction"


def test_per_root_table_and_overall_counts():
    g = [article([gold_event(S0, "193", actor("PAK", "COP"), actor("AFG", "COP")),
                  gold_event(S1, "111", actor("AFG", "GOV"), actor("PAK", "COP")),
                  gold_event(S1, "020", actor("AFG", "GOV"), actor("PAK", "GOV")),
                  gold_event(S4, "180", actor("AFG", "REB"), actor("AFG", "COP"), alt=["19"])])]
    r = score(g, {"t1": [pred(S0, "193", ("PAK", "COP"), ("AFG", "COP")),
                         pred(S1, "111", ("AFG", "GOV"), ("PAK", "COP")),
                         pred(S1, "112", ("AFG", "GOV"), ("PAK", "GOV")),  # fp under its own root 11
                         pred(S4, "190", ("AFG", "REB"), ("AFG", "COP"))]})  # alt root: tp under gold root 18
    roots = r.root_scores()
    assert roots["19"] == {"tp": 1, "fp": 0, "fn": 0, "precision": 1.0, "recall": 1.0, "f1": 1.0}
    assert (roots["11"]["tp"], roots["11"]["fp"], roots["11"]["fn"]) == (1, 1, 0)
    assert (roots["02"]["tp"], roots["02"]["fn"]) == (0, 1)
    assert roots["18"]["tp"] == 1
    assert (r.tp, r.fp, r.fn) == (4 - 1, 1, 1)
    assert r.precision == pytest.approx(3 / 4) and r.recall == pytest.approx(3 / 4)
    text = r.to_text()
    assert "overall" in text and "11 DISAPPROVE" in text
    d = r.to_dict()
    assert d["per_root"]["02"]["fn"] == 1 and d["tp"] == 3 and json.dumps(d)


def test_date_and_location_accuracy(monkeypatch):
    evs = [gold_event(S0, "193", actor("PAK", "COP"), actor("AFG", "COP"),
                      location={"name": "Torkham", "country": "AFG"}),
           gold_event(S3, "0256", actor(None, "IGO"), None, date=None, location=None),
           gold_event(S4, "180", actor("AFG", "REB"), actor("AFG", "COP"), date="2024-06-02",
                      location={"name": "Khost", "country": "AFG"})]
    preds = [pred(S0, "193", ("PAK", "COP"), ("AFG", "COP"), location=Place("TORKHAM", "AFG")),
             pred(S3, "0256", (None, "IGO"), None, date=None, location=None),  # null == null
             pred(S4, "180", ("AFG", "REB"), ("AFG", "COP"), date="2024-06-03",
                  location=Place("Matun", "AFG"))]

    class FakeGazetteer:  # Matun lies about 2 km from Khost city; Kabul about 150 km
        coords = {"khost": (33.339, 69.920), "matun": (33.350, 69.935), "kabul": (34.528, 69.172)}

        def lookup(self, name, countries):
            c = self.coords.get(name.lower())
            return Place(name, countries[0] if countries else None, lat=c[0], lon=c[1]) if c else None

    monkeypatch.setattr(evaluate._Geo, "_gazetteer", lambda self: FakeGazetteer())
    r = score([article(evs)], {"t1": preds})
    assert r.tp == 3
    assert (r.date.correct, r.date.total) == (2, 3)
    assert (r.location.correct, r.location.total) == (3, 3)
    assert [m["wrong"] for m in r.mismatches] == [["date"]]

    preds[2].location = Place("Kabul", "AFG")
    r = score([article(evs)], {"t1": preds})
    assert (r.location.correct, r.location.total) == (2, 3)
    # without a gazetteer only the names count
    monkeypatch.setattr(evaluate._Geo, "_gazetteer", lambda self: None)
    preds[2].location = Place("Matun", "AFG")
    assert score([article(evs)], {"t1": preds}).location.correct == 2


def test_articles_without_predictions_are_all_false_negatives():
    g = [article([gold_event(S0, "193", actor("PAK", "COP"), actor("AFG", "COP"))]),
         article([gold_event(S1, "111", actor("AFG", "GOV"), actor("PAK", "COP"))], id="t2")]
    r = score(g, {"t1": [pred(S0, "193", ("PAK", "COP"), ("AFG", "COP"))], "other": [pred(S0, "193", None, None)]})
    assert (r.tp, r.fp, r.fn, r.articles) == (1, 0, 1, 2)
    assert r.errors == [{"kind": "fn", "article_id": "t2", "sentence": S1, "gold": g[1]["events"][0],
                         "why": "no prediction in this sentence"}]


def test_write_errors(tmp_path):
    g = [article([gold_event(S0, "193", actor("PAK", "COP"), actor("AFG", "COP"))])]
    r = score(g, {"t1": [pred(S1, "111", ("AFG", "GOV"), ("PAK", "COP"))]})
    out = tmp_path / "errors.jsonl"
    assert r.write_errors(str(out)) == 2
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert sorted(x["kind"] for x in rows) == ["fn", "fp"]
    fp = next(x for x in rows if x["kind"] == "fp")
    assert fp["article_id"] == "t1" and fp["sentence"] == S1 and fp["predicted"]["code"] == "111"


def test_load_gold(tmp_path):
    good = article([gold_event(S0, "193", actor("PAK", "COP"), actor("AFG", "COP"))])
    p = tmp_path / "gold.jsonl"
    p.write_text(json.dumps(good) + "\n\n" + json.dumps(dict(good, id="t2")) + "\n")
    assert [g["id"] for g in load_gold(str(p))] == ["t1", "t2"]

    p.write_text(json.dumps(good) + "\n" + '{"id": "t2", "text": "broken' + "\n")
    with pytest.raises(EventwatchError) as exc:
        load_gold(str(p))
    assert exc.value.code == "EW040" and "line 2" in str(exc.value)

    bad = article([gold_event("A sentence that is not in the text.", "193", actor("PAK", "COP"), None)])
    p.write_text(json.dumps(bad) + "\n")
    with pytest.raises(EventwatchError, match="line 1: .*verbatim substring"):
        load_gold(str(p))

    p.write_text(json.dumps(good) + "\n" + json.dumps(good) + "\n")
    with pytest.raises(EventwatchError, match="line 2: id 't1' appears twice"):
        load_gold(str(p))

    with pytest.raises(EventwatchError) as exc:
        load_gold(str(tmp_path / "missing.jsonl"))
    assert exc.value.code == "EW001"


def test_evaluate_does_not_import_spacy():
    import subprocess
    import sys

    code = ("import sys, eventwatch.scoring, eventwatch.store; "
            "sys.exit(1 if 'spacy' in sys.modules else 0)")
    assert subprocess.run([sys.executable, "-c", code]).returncode == 0
