"""Country names, aliases, demonyms and capitals -> ISO alpha-3 (extraction/countries.py, data/countries.tsv)."""
import csv
from collections import defaultdict

import pytest

from eventwatch.extraction import countries as c
from eventwatch.extraction.countries import (all_countries, country_any, country_by_capital, country_by_demonym,
                                          country_by_name, country_name, iso2_to_iso3)


def test_table_is_complete_and_well_formed():
    with open(c.COUNTRIES_TSV, encoding="utf-8") as fh:
        first = fh.readline()
        rows = list(csv.DictReader((ln for ln in fh if not ln.startswith("#")), delimiter="\t"))
    assert first.startswith("#")  # provenance line
    assert list(rows[0]) == c.COLUMNS
    assert 245 <= len(rows) <= 260
    assert len({r["iso3"] for r in rows}) == len(rows) and len({r["iso2"] for r in rows}) == len(rows)
    # no name, alias, demonym or capital names two countries
    for col in (("name", "aliases"), ("demonyms",)):
        owner = defaultdict(set)
        for r in rows:
            for value in (v for k in col for v in r[k].split("|") if v):
                owner[c.norm(value)].add(r["iso3"])
        assert not {k: v for k, v in owner.items() if len(v) > 1}
    assert {"XKX", "PSE", "TWN", "USA", "COD", "COG"} <= set(all_countries())


@pytest.mark.parametrize("text,iso3", [
    ("United States", "USA"), ("U.S.", "USA"), ("US", "USA"), ("USA", "USA"), ("America", "USA"),
    ("the United States of America", "USA"), ("Britain", "GBR"), ("U.K.", "GBR"), ("UK", "GBR"),
    ("Great Britain", "GBR"), ("DR Congo", "COD"), ("DRC", "COD"), ("Democratic Republic of Congo", "COD"),
    ("Congo-Kinshasa", "COD"), ("Congo", "COG"), ("Congo-Brazzaville", "COG"), ("Ivory Coast", "CIV"),
    ("Cote d'Ivoire", "CIV"), ("Côte d’Ivoire", "CIV"), ("Myanmar", "MMR"), ("Burma", "MMR"),
    ("Turkey", "TUR"), ("Turkiye", "TUR"), ("Türkiye", "TUR"), ("the Philippines", "PHL"),
    ("PHILIPPINES", "PHL"), ("philippines", "PHL"), ("Pakistan's", "PAK"), ("the Philippines'", "PHL"),
    ("Kosovo", "XKX"), ("Palestine", "PSE"), ("Taiwan", "TWN"), ("South Korea", "KOR"), ("North Korea", "PRK"),
    ("Niger", "NER"), ("Nigeria", "NGA"), ("Guinea", "GIN"), ("Guinea-Bissau", "GNB"),
    ("Equatorial Guinea", "GNQ"), ("Papua New Guinea", "PNG"), ("Chad", "TCD"), ("Georgia", "GEO"),
    ("Jordan", "JOR"), ("UAE", "ARE"), ("Iran", "IRN"), ("Russia", "RUS"), ("Syria", "SYR"),
])
def test_country_names_and_aliases(text, iso3):
    assert country_by_name(text) == iso3


@pytest.mark.parametrize("text", [
    "us", "Us", "uk", "car", "turkey", "chad", "guinea", "china", "New Guinea", "Nigerien", "Congolese",
    "Police", "Said", "", None, "Guinean", "the",
])
def test_words_that_are_not_country_names(text):
    assert country_by_name(text) is None


def test_acronyms_need_capitals_but_names_tolerate_case():
    assert country_by_name("CAR") == "CAF" and country_by_name("car") is None
    assert country_by_name("KENYA") == country_by_name("kenya") == "KEN"
    assert country_by_name("CHINA") == country_by_name("China") == "CHN"


@pytest.mark.parametrize("text,iso3", [
    ("Pakistani", "PAK"), ("Pakistanis", "PAK"), ("Chinese", "CHN"), ("Somali", "SOM"), ("Somalis", "SOM"),
    ("Filipino", "PHL"), ("Filipinos", "PHL"), ("Philippine", "PHL"), ("Emirati", "ARE"), ("Emiratis", "ARE"),
    ("Congolese", "COD"), ("Kosovar", "XKX"), ("Kosovan", "XKX"), ("Kosovars", "XKX"), ("Israeli", "ISR"),
    ("Israelis", "ISR"), ("Kenyan", "KEN"), ("Nigerien", "NER"), ("Nigerian", "NGA"), ("American", "USA"),
    ("British", "GBR"), ("Afghan", "AFG"), ("Burkinabe", "BFA"), ("Ivorian", "CIV"), ("Saudi", "SAU"),
    ("Iranian", "IRN"), ("Turkish", "TUR"), ("Germans", "DEU"), ("PAKISTANI", "PAK"), ("indian", "IND"),
    ("Guinean", "GIN"), ("Bissau-Guinean", "GNB"), ("Georgian", "GEO"), ("South Sudanese", "SSD"),
])
def test_demonyms(text, iso3):
    assert country_by_demonym(text) == iso3


def test_demonyms_that_are_also_common_words_need_a_capital():
    assert country_by_demonym("Poles") == "POL" and country_by_demonym("poles") is None
    assert country_by_demonym("Polish") == "POL" and country_by_demonym("polish") is None


@pytest.mark.parametrize("text,iso3", [
    ("Washington", "USA"), ("Washington D.C.", "USA"), ("Washington, D.C.", "USA"), ("Islamabad", "PAK"),
    ("ISLAMABAD", "PAK"), ("Kigali", "RWA"), ("Bogota", "COL"), ("Bogotá", "COL"), ("Caracas", "VEN"),
    ("Tehran", "IRN"), ("Moscow", "RUS"), ("Chisinau", "MDA"), ("Pristina", "XKX"), ("Belgrade", "SRB"),
    ("Beijing", "CHN"), ("Naypyidaw", "MMR"), ("N'Djamena", "TCD"), ("Kyiv", "UKR"), ("Kiev", "UKR"),
    ("Kinshasa", "COD"), ("Brazzaville", "COG"), ("Kingston", "JAM"),
])
def test_capitals(text, iso3):
    assert country_by_capital(text) == iso3


def test_capitals_that_are_usually_people_or_other_towns_are_not_metonyms():
    for name in ("Douglas", "Hamilton", "Victoria", "The Valley", "Stanley"):
        assert country_by_capital(name) is None
    assert country_by_capital("male") is None  # the adjective, not Malé


def test_country_any_tries_name_then_demonym_then_capital():
    assert country_any("Kenya") == "KEN"
    assert country_any("Kenyan") == "KEN"
    assert country_any("Nairobi") == "KEN"
    assert country_any("Beijing's") == "CHN"
    assert country_any("Gwadar") is None  # a town, for the gazetteer


def test_names_and_codes():
    assert country_name("XKX") == "Kosovo"
    assert country_name("USA") == "United States"
    assert country_name("ZZZ") == "ZZZ"
    assert iso2_to_iso3("PK") == "PAK" and iso2_to_iso3("pk") == "PAK"
    assert iso2_to_iso3("XK") == "XKX" and iso2_to_iso3("ZZ") is None and iso2_to_iso3(None) is None
    assert all(len(x) == 3 and x.isupper() for x in all_countries())


def test_normalisation():
    assert c.norm("the Philippines' ") == "philippines"
    assert c.norm("Guinea-Bissau's") == "guinea bissau"
    assert c.norm("Côte d'Ivoire") == "cote divoire"
    assert c.strip_text("the United States's") == "United States"
