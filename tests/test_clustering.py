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
    evs = [event(a1, 0, "180", MILITANTS, WORKERS, "2021-07-14", place=DASU, trigger="killed"),
           event(a1, 0, "190", MILITANTS, SOLDIERS, "2021-07-14", place=DASU, trigger="killed")]
    got = attacks(cluster(evs))
    assert len(got) == 1 and len(got[0][1]) == 2
    # two verbs of one sentence are two acts, even alike: troops killed smugglers and struck a depot
    a2 = article("r2", ["Troops killed five smugglers near Dasu and struck a depot nearby."], "2021-07-14")
    evs = [event(a2, 0, "190", SOLDIERS, MILITANTS, "2021-07-14", place=DASU, trigger="killed"),
           event(a2, 0, "195", SOLDIERS, MILITANTS, "2021-07-14", place=DASU, trigger="struck")]
    assert len(attacks(cluster(evs))) == 2


def test_a_clash_reported_from_either_side_is_one_incident():
    a1 = article("r1", ["Soldiers fought militants near Dasu on Wednesday."], "2021-07-14")
    a2 = article("r2", ["Militants fired on soldiers near Dasu on Wednesday."], "2021-07-14")
    clash = [event(a1, 0, "193", SOLDIERS, MILITANTS, "2021-07-14", place=DASU),
             event(a2, 0, "193", MILITANTS, SOLDIERS, "2021-07-14", place=DASU)]
    assert len(attacks(cluster(clash))) == 1
    # an assault is one-sided: the other side's attack on the same day is another incident
    raid = [event(a1, 0, "183", SOLDIERS, MILITANTS, "2021-07-14", place=DASU),
            event(a2, 0, "183", MILITANTS, SOLDIERS, "2021-07-14", place=DASU)]
    assert len(attacks(cluster(raid))) == 2


def test_statements_are_acts_of_their_own_code_and_day():
    from incident_fixtures import CHINA

    a1 = article("r1", ["China condemned the attack on Wednesday."], "2021-07-14")
    a2 = article("r2", ["China condemned the attack, its spokesman said on Wednesday."], "2021-07-14")
    a3 = article("r3", ["China accused the militants of the attack on Wednesday."], "2021-07-14")
    a4 = article("r4", ["China condemned the attack again on Thursday."], "2021-07-15")
    base = event(a1, 0, "111", CHINA, MILITANTS, "2021-07-14")
    assert len(cluster([base, event(a2, 0, "111", CHINA, MILITANTS, "2021-07-14")])) == 1
    assert len(cluster([base, event(a3, 0, "112", CHINA, MILITANTS, "2021-07-14")])) == 2
    assert len(cluster([base, event(a4, 0, "111", CHINA, MILITANTS, "2021-07-15")])) == 2


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


def test_international_organisations_are_told_apart_by_name():
    from eventwatch.records import Actor

    un, au = Actor("the UN", "United Nations", None, "IGO"), Actor("the AU", "African Union", None, "IGO")
    rebels = Actor("rebels", None, "SSD", "REB")
    a1 = article("r1", ["The UN urged the rebels to lay down arms on Wednesday."], "2025-01-16")
    a2 = article("r2", ["The African Union urged the rebels to talk on Wednesday."], "2025-01-16")
    a3 = article("r3", ["The United Nations called on the rebels to disarm on Wednesday."], "2025-01-16")
    base = event(a1, 0, "020", un, rebels, "2025-01-16")
    assert len(cluster([base, event(a2, 0, "020", au, rebels, "2025-01-16")])) == 2
    assert len(cluster([base, event(a3, 0, "020", un, rebels, "2025-01-16")])) == 1


def test_a_retelling_whose_victims_are_only_the_scenes_guess_joins_the_named_attack():
    from eventwatch.records import Actor

    chinese = Actor("a bus carrying Chinese engineers", None, "CHN", "CVL")
    the_bus = Actor("the bus", None, "PAK", "CVL")  # no nationality in the words: the scene's country
    a1 = article("r1", [BLAST], "2021-07-14")
    a2 = article("r2", ["A suicide bomber rammed a car into the bus near Dasu, the minister said."], "2021-08-12")
    got = attacks(cluster([event(a1, 0, "183", MILITANTS, chinese, "2021-07-14", place=DASU),
                           event(a2, 0, "1831", MILITANTS, the_bus, "2021-07-14", place=DASU)]))
    assert len(got) == 1 and got[0][0].num_articles == 2 and got[0][0].target.country == "CHN"
    # named victims of two nationalities stay two attacks, whichever came first
    pakistani = Actor("Pakistani workers", None, "PAK", "CVL")
    got = attacks(cluster([event(a1, 0, "183", MILITANTS, chinese, "2021-07-14", place=DASU),
                           event(a2, 0, "1831", MILITANTS, pakistani, "2021-07-14", place=DASU)]))
    assert len(got) == 2
    # and the guess does not pull a named report into an incident known only by its guess
    got = attacks(cluster([event(a1, 0, "183", MILITANTS, the_bus, "2021-07-14", place=DASU),
                           event(a2, 0, "1831", MILITANTS, chinese, "2021-07-14", place=DASU)]))
    assert len(got) == 2


def test_a_back_reference_in_the_reporting_article_places_its_attack():
    a1 = article("r1", [BLAST, "The bus was travelling to the dam site near Dasu when the blast hit it."], "2021-07-14")
    lead = event(a1, 0, "183", MILITANTS, WORKERS, "2021-07-14", place=PAKISTAN)
    ref = event(a1, 1, "183", None, None, None, place=DASU, mode="reference")
    (inc, _), = attacks(cluster([lead, ref]))
    assert inc.location.name == "Dasu"
