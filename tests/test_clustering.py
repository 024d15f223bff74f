"""Clustering event mentions into incidents, without a store (eventwatch.clustering.cluster)."""
import csv

from incident_fixtures import (BANNU, BLAST, DASU, KP, MILITANTS, PAKISTAN, POLICE, SOLDIERS, WORKERS, article,
                               event, three_reports)

from eventwatch import clustering
from eventwatch.clustering import aggregate, cluster, interval
from eventwatch.extraction import codebook
from eventwatch.settings import DATA_DIR


def flat(evs):
    return [e for k in evs for e in evs[k]]


def attacks(result):
    return [(inc, ms) for inc, ms in result if inc.root in ("18", "19", "20")]


def test_three_reports_of_one_attack_are_one_incident():
    arts, evs = three_reports()
    got = attacks(cluster(flat(evs)))
    assert len(got) == 1
    inc, mentions = got[0]
    assert [m.article_id for m in mentions] == ["r1", "a1", "x1"]
    assert (inc.num_mentions, inc.num_articles, inc.num_sources) == (3, 3, 3)
    # the most precise of each: the bombing code, the day, the town
    assert inc.code == "183" and inc.date == "2021-07-14" and inc.date_precision == "day"
    assert inc.location.name == "Dasu"
    assert inc.first_seen == "2021-07-14" and inc.last_seen == "2021-07-15"
    assert inc.confidence > 0.95
    assert inc.title.startswith("Bombing: PAKREB -> PAKCVL in Dasu, 2021-07-14")


def test_copies_of_an_article_count_as_reports_and_sources():
    arts, evs = three_reports()
    sources = {"r1": [{"source_id": "r1", "agency": "Reuters", "published": "2021-07-14"},
                      {"source_id": "copy1", "agency": "Indus Daily", "published": "2021-07-14"},
                      {"source_id": "copy2", "agency": "reuters", "published": "2021-07-16"}]}
    inc, _ = attacks(cluster(flat(evs), sources))[0]
    # r1 is carried three times (its mention counts 3); two of the copies are Reuters' own
    assert (inc.num_mentions, inc.num_articles, inc.num_sources) == (5, 5, 4)
    assert inc.last_seen == "2021-07-16"


def test_same_day_attack_300_km_away_is_another_incident():
    a1 = article("r1", [BLAST], "2021-07-14")
    a2 = article("r2", ["A bomb hit a bus near Bannu on Wednesday, killing four workers."], "2021-07-14")
    got = attacks(cluster([event(a1, 0, "183", MILITANTS, WORKERS, "2021-07-14", place=DASU),
                           event(a2, 0, "183", MILITANTS, WORKERS, "2021-07-14", place=BANNU)]))
    assert len(got) == 2


def test_month_precision_mention_merges_with_day_precision():
    a1 = article("r1", [BLAST], "2021-07-14")
    a2 = article("r2", ["Militants bombed a bus near Dasu in July, officials said."], "2021-08-20")
    got = attacks(cluster([event(a1, 0, "183", MILITANTS, WORKERS, "2021-07-14", place=DASU),
                           event(a2, 0, "180", MILITANTS, WORKERS, "2021-07-01", place=DASU, precision="month")]))
    assert len(got) == 1 and got[0][0].num_articles == 2
    assert got[0][0].date == "2021-07-14"
    # a month-precision mention of another month stays apart
    a3 = article("r3", ["Militants bombed a bus near Dasu in May."], "2021-08-20")
    got = attacks(cluster([event(a1, 0, "183", MILITANTS, WORKERS, "2021-07-14", place=DASU),
                           event(a3, 0, "180", MILITANTS, WORKERS, "2021-05-01", place=DASU, precision="month")]))
    assert len(got) == 2


def test_days_two_apart_and_different_targets_stay_apart():
    a1 = article("r1", [BLAST], "2021-07-14")
    a2 = article("r2", ["A bomb hit a bus near Dasu on Friday."], "2021-07-16")
    a3 = article("r3", ["Militants attacked soldiers near Dasu on Wednesday."], "2021-07-14")
    base = event(a1, 0, "183", MILITANTS, WORKERS, "2021-07-14", place=DASU)
    assert len(attacks(cluster([base, event(a2, 0, "183", MILITANTS, WORKERS, "2021-07-16", place=DASU)]))) == 2
    assert len(attacks(cluster([base, event(a3, 0, "190", MILITANTS, SOLDIERS, "2021-07-14", place=DASU)]))) == 2
    # a day apart is within the precision of two day dates (reports dated by local time or by the wire)
    a4 = article("r4", ["A bomb hit a bus near Dasu on Thursday."], "2021-07-15")
    assert len(attacks(cluster([base, event(a4, 0, "183", MILITANTS, WORKERS, "2021-07-15", place=DASU)]))) == 1


def test_unknown_place_joins_only_when_code_actors_and_day_agree():
    a1 = article("r1", [BLAST], "2021-07-14")
    a2 = article("r2", ["A bomb hit a bus in Pakistan on Wednesday."], "2021-07-14")
    a3 = article("r3", ["Gunmen fought workers in Pakistan this month."], "2021-07-20")
    base = event(a1, 0, "183", MILITANTS, WORKERS, "2021-07-14", place=DASU)
    assert len(attacks(cluster([base, event(a2, 0, "183", MILITANTS, WORKERS, "2021-07-14", place=PAKISTAN)]))) == 1
    assert len(attacks(cluster([base, event(a2, 0, "183", MILITANTS, WORKERS, "2021-07-14")]))) == 1
    # another root (fight), or only a month: unsure, so apart
    assert len(attacks(cluster([base, event(a2, 0, "190", MILITANTS, WORKERS, "2021-07-14")]))) == 2
    assert len(attacks(cluster([base, event(a3, 0, "183", MILITANTS, WORKERS, "2021-07-01",
                                            precision="month")]))) == 2
    # a province holds the town: same day joins
    assert len(attacks(cluster([base, event(a2, 0, "180", MILITANTS, WORKERS, "2021-07-14", place=KP)]))) == 1


def test_negated_hypothetical_and_references_are_not_mentions():
    a1 = article("r1", [BLAST, "Police denied that militants attacked a checkpoint.",
                        "Officials warned that militants could bomb more buses.",
                        "The Dasu attack was the deadliest this year."], "2021-07-14")
    evs = [event(a1, 0, "183", MILITANTS, WORKERS, "2021-07-14", place=DASU),
           event(a1, 1, "190", MILITANTS, POLICE, "2021-07-14", place=DASU, negated=True),
           event(a1, 2, "183", MILITANTS, WORKERS, None, mode="hypothetical"),
           event(a1, 3, "180", MILITANTS, None, None, mode="reference")]
    got = cluster(evs)
    assert len(got) == 1
    inc, mentions = got[0]
    assert [m.sentence_index for m in mentions] == [0] and inc.num_mentions == 1


def test_one_sentence_with_several_victim_groups_is_one_mention_group():
    a1 = article("r1", ["The attack near Dasu killed nine Chinese nationals and two Pakistani soldiers."],
                 "2021-07-14")
    evs = [event(a1, 0, "180", MILITANTS, WORKERS, "2021-07-14", place=DASU),
           event(a1, 0, "190", MILITANTS, SOLDIERS, "2021-07-14", place=DASU)]
    got = attacks(cluster(evs))
    assert len(got) == 1 and len(got[0][1]) == 2


def test_order_of_articles_does_not_split_a_clear_incident():
    arts, evs = three_reports()
    forward = attacks(cluster(flat(evs)))
    backward = attacks(cluster(evs["x1"] + evs["a1"] + evs["r1"]))
    assert len(forward) == len(backward) == 1
    f, b = forward[0][0], backward[0][0]
    assert (f.code, f.date, f.num_articles, f.num_mentions) == (b.code, b.date, b.num_articles, b.num_mentions)
    # two towns of the same precision: the first report's stays
    assert (f.location.name, b.location.name) == ("Dasu", "Komila")


def test_intervals_follow_precision():
    a1 = article("r1", [BLAST], "2021-07-14")
    lo, hi, day = interval(event(a1, 0, "183", MILITANTS, WORKERS, "2021-02-01", precision="month"))
    assert (str(lo), str(hi), day) == ("2021-02-01", "2021-02-28", False)
    lo, hi, day = interval(event(a1, 0, "183", MILITANTS, WORKERS, None, precision="week"))
    assert (str(lo), str(hi), day) == ("2021-07-07", "2021-07-14", False)


def test_aggregate_counts_reports_and_outlets():
    got = aggregate([("a", 0.5), ("a", 0.9), ("b", 0.5)],
                    {"a": [{"source_id": "a", "agency": "AFP", "published": "2021-07-14"},
                           {"source_id": "c", "agency": None, "published": "2021-07-15"}]},
                    {"b": "2021-07-13"})
    assert got["num_mentions"] == 5 and got["num_articles"] == 3 and got["num_sources"] == 3
    assert (got["first_seen"], got["last_seen"]) == ("2021-07-13", "2021-07-15")
    assert got["confidence"] == round(1 - (1 - 0.9) * (1 - 0.5), 3)


def test_incident_roots_data_file_is_valid():
    with open(DATA_DIR / "incident_roots.tsv", encoding="utf-8") as fh:
        rows = list(csv.DictReader([ln for ln in fh if ln.strip() and not ln.startswith("#")], delimiter="\t"))
    assert rows and {r["case"] for r in rows} <= {"yes", "no"}
    for r in rows:
        assert r["root"] in codebook.roots(), r
    assert clustering.root_group("18") == clustering.root_group("20") != clustering.root_group("17")
    assert set(clustering.case_roots()) == {"18", "19", "20"}
