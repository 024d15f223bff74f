"""Watch: assets and their files, rules, matching (index = naive), severity, alerts and their workflow, risk.

Incidents here are hand-built ``Incident`` records at real places; the end-to-end path through
``eventwatch.ingest`` is in test_watch_ingest.py.
"""
import datetime as dt
import json
import math
import random
from pathlib import Path

import pytest

from eventwatch.alerting import (AssetIndex, Match, build_alert, load_rules, match_naive, raise_alerts, severity)
from eventwatch.errors import EventwatchError
from eventwatch.records import Actor, Incident, Place
from eventwatch.riskscore import asset_risk, district_risk, incident_marks, plot_series, risk_series
from eventwatch.store import Store
from eventwatch.watchlist import Asset, haversine_km, make_asset, read_assets, write_assets

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
RULES = load_rules()

# real places (the gazetteer's coordinates)
DASU = Place("Dasu", "PAK", "Khyber Pakhtunkhwa", "Upper Kohistan District", 35.29169, 73.2906)
CHILAS = Place("Chilas", "PAK", "Gilgit-Baltistan", "Diamir", 35.41287, 74.10407)
TURBAT = Place("Turbat", "PAK", "Balochistan", "Kech District", 26.00122, 63.04849)
KARACHI = Place("Karachi", "PAK", "Sindh", None, 24.8608, 67.0104)
QUETTA = Place("Quetta", "PAK", "Balochistan", "Quetta District", 30.18414, 67.00141)
PAKISTAN = Place("Pakistan", "PAK", None, None, 30.0, 70.0, precision="country")


def incident(iid, code, place, *, target=None, goldstein=-10.0, quad=4, killed=None, injured=None,
             sources=1, date="2024-03-26", confidence=0.8, title=None):
    return Incident(incident_id=iid, code=code, root=code[:2], quad_class=quad, goldstein=goldstein,
                    source=Actor("militants", country="PAK", sector="REB"), target=target, date=date,
                    location=place, num_mentions=sources, num_sources=sources, num_articles=sources,
                    first_seen=date, last_seen=date, killed=killed, injured=injured, confidence=confidence,
                    title=title or f"{code} at {place.name}")


CHINESE = Actor("Chinese engineers", country="CHN", sector="BUS")


class IncidentStore(Store):
    """A store whose incidents are given by the test (the incidents tables belong to another module)."""

    def __init__(self, *a, **kw):
        super().__init__(*a, **kw)
        self.given: dict[str, Incident] = {}

    def incident(self, iid):
        return self.given.get(iid)

    def incidents(self, since=None, until=None, limit=None, ids=None, **_):  # filters: the REST API passes them
        return [i for k, i in self.given.items() if ids is None or k in ids]


@pytest.fixture
def sample_assets():
    assets, errors = read_assets(SAMPLES / "assets.geojson")
    assert not errors
    return assets


@pytest.fixture
def store(sample_assets):
    with IncidentStore(":memory:") as s:
        s.add_assets(sample_assets)
        yield s


def by_asset(matches):
    return {m.asset.asset_id: m for m in matches}


# ---- assets -------------------------------------------------------------------------------------------

def test_sample_assets_are_at_the_gazetteer_places(sample_assets):
    a = {x.asset_id: x for x in sample_assets}
    assert set(a) == {"dasu-hydropower", "gwadar-port", "karachi-office", "karakoram-highway", "chinese-nationals-pak"}
    lon, lat = a["dasu-hydropower"].geometry["coordinates"]
    assert haversine_km(lat, lon, DASU.lat, DASU.lon) < 1
    lon, lat = a["gwadar-port"].geometry["coordinates"]
    assert haversine_km(lat, lon, 25.12163, 62.32541) < 1
    kkh = a["karakoram-highway"]
    assert kkh.kind == "route" and kkh.geometry["type"] == "LineString"
    # the highway runs through Dasu and Chilas, and ends at the Khunjerab Pass on the Chinese border
    assert kkh.distance_km(DASU.lat, DASU.lon) < 1 and kkh.distance_km(CHILAS.lat, CHILAS.lon) < 1
    assert kkh.geometry["coordinates"][-1] == [75.4276, 36.85]
    nat = a["chinese-nationals-pak"]
    assert nat.geometry is None and nat.covers == ["CHN"] and nat.country == "PAK"


def test_sample_assets_agree_with_the_gazetteer(sample_assets):
    from eventwatch.extraction.places import gazetteer

    g = gazetteer()
    a = {x.asset_id: x for x in sample_assets}
    for asset_id, town, km in [("dasu-hydropower", "Dasu", 1), ("gwadar-port", "Gwadar", 2), ("karachi-office", "Karachi", 1)]:
        p = g.lookup(town, ["PAK"])
        assert a[asset_id].distance_km(p.lat, p.lon) < km, town
    # the highway passes within its 5 km buffer of every town it is drawn through
    for town in ("Abbottabad", "Mansehra", "Dasu", "Chilas", "Gilgit", "Aliabad"):
        p = g.lookup(town, ["PAK"])
        assert a["karakoram-highway"].distance_km(p.lat, p.lon) < 5, town


def test_distance_to_a_line_is_to_its_nearest_segment():
    road = make_asset(name="Road", kind="route", geometry={"type": "LineString", "coordinates": [[73.0, 35.0], [74.0, 35.0]]})
    # 0.1 degree north of the middle of an east-west road: 11.1 km, not the distance to either end
    assert road.distance_km(35.1, 73.5) == pytest.approx(11.12, abs=0.05)
    assert road.distance_km(35.0, 75.0) == pytest.approx(haversine_km(35.0, 75.0, 35.0, 74.0), rel=0.005)
    poly = make_asset(name="Concession", kind="site",
                      geometry={"type": "Polygon", "coordinates": [[[73, 35], [74, 35], [74, 36], [73, 36], [73, 35]]]})
    assert poly.distance_km(35.5, 73.5) == 0 and poly.radius_km == 0


@pytest.mark.parametrize("values,code", [
    ({"name": ""}, "EW130"),
    ({"name": "X", "kind": "castle", "lat": 1, "lon": 1}, "EW131"),
    ({"name": "X", "lat": 95, "lon": 1}, "EW132"),
    ({"name": "X", "geometry": '{"type": "Circle"}'}, "EW132"),
    ({"name": "X", "geometry": "not json"}, "EW132"),
    ({"name": "X", "lat": 1, "lon": 1, "radius_km": "-3"}, "EW133"),
    ({"name": "X", "lat": 1, "lon": 1, "radius_km": "far"}, "EW133"),
    ({"name": "X", "lat": 1, "lon": 1, "country": "XXX"}, "EW134"),
    ({"name": "X", "kind": "nationality", "covers": "CHN"}, "EW143"),
    ({"name": "X", "kind": "site"}, "EW143"),
])
def test_bad_assets_get_coded_errors(values, code):
    with pytest.raises(EventwatchError) as e:
        make_asset(**values)
    assert e.value.code == code


def test_import_keeps_good_rows_and_reports_each_bad_one(tmp_path):
    f = tmp_path / "assets.csv"
    f.write_text("id,name,kind,lat,lon,radius_km,geometry,country,covers,tags\n"
                 "quetta-office,Quetta office,office,30.18,67.00,8,,PAK,,office\n"
                 ",,site,30,67,,,PAK,,\n"  # no name
                 "bad-kind,Bad kind,castle,30,67,,,PAK,,\n"
                 "far,Far away,site,130,67,,,PAK,,\n"
                 "quetta-office,Quetta again,site,30,67,,,PAK,,\n"  # id repeated in the file
                 "un-staff,UN staff,nationality,,,,,PAK,WFP;UN,\n", encoding="utf-8")
    assets, errors = read_assets(f)
    assert [a.asset_id for a in assets] == ["quetta-office", "un-staff"]
    assert [e.code for e in errors] == ["EW130", "EW131", "EW132", "EW135"]
    assert all(str(f) in str(e) for e in errors) and "row 3" in str(errors[0])
    assert assets[1].organisations() == ["WFP", "UN"] and assets[1].nationalities() == set()


def test_import_through_the_api_stores_good_rows_and_refuses_stored_ids(tmp_path):
    import eventwatch

    db = str(tmp_path / "w.duckdb")
    first = eventwatch.assets_import(SAMPLES / "assets.geojson", db=db)
    assert len(first.added) == 5 and not first.errors
    again = eventwatch.assets_import(SAMPLES / "assets.geojson", db=db)
    assert again.added == [] and {e.code for e in again.errors} == {"EW135"} and len(again.errors) == 5
    assert len(eventwatch.assets_list(db=db)) == 5
    assert len(eventwatch.assets_import(SAMPLES / "assets.geojson", db=db, replace=True).added) == 5
    assert eventwatch.assets_remove("Gwadar port", db=db) == "gwadar-port"
    with pytest.raises(EventwatchError) as e:
        eventwatch.assets_remove("gwadar-port", db=db)
    assert e.value.code == "EW137"


def test_unreadable_assets_file(tmp_path):
    bad = tmp_path / "a.geojson"
    bad.write_text("{not json", encoding="utf-8")
    for path in (bad, tmp_path / "missing.csv", tmp_path / "a.xlsx"):
        if path.suffix == ".xlsx":
            path.write_text("x")
        with pytest.raises(EventwatchError) as e:
            read_assets(path)
        assert e.value.code == "EW136"


@pytest.mark.parametrize("suffix", [".csv", ".geojson"])
def test_export_round_trips(sample_assets, tmp_path, suffix):
    path = tmp_path / f"out{suffix}"
    assert write_assets(sample_assets, path) == 5
    back, errors = read_assets(path)
    assert not errors
    assert [a.to_dict() for a in back] == [a.to_dict() for a in sample_assets]


# ---- rules --------------------------------------------------------------------------------------------

def test_default_rules_are_the_documented_ones():
    names = [r.name for r in RULES.rules]
    assert names == ["material-conflict-near-asset", "attack-on-protected-people"]
    near, people = RULES.rules
    assert near.quad_classes == [4] and near.scope == "distance" and near.within_km is None
    assert people.codes == ["18", "19", "20"] and people.scope == "country"
    assert RULES.risk["half_life_days"] == 30 and RULES.delivery["webhook"]["allow_private"] is False


@pytest.mark.parametrize("text,needle", [
    ('[[rules]]\nname = "x"\nquad_classes = [4]\nradius = 3\n', "unknown key"),
    ('[[rules]]\nname = "x"\n', "match nothing"),
    ('[[rules]]\nname = "x"\ncodes = [18]\n', "prefixes"),
    ('[[rules]]\nname = "x"\ncodes = ["18"]\nscope = "world"\n', "scope"),
    ('[risk]\nhalf_life_days = "thirty"\n', "expected float"),
    ('[delivery.webhook]\nurl = "https://x"\nsecrte = "s"\n', "unknown key"),
    ('[[rules]\nname = "x"', "Expected"),
])
def test_bad_rules_files_are_refused(tmp_path, text, needle):
    p = tmp_path / "rules.toml"
    p.write_text(text, encoding="utf-8")
    with pytest.raises(EventwatchError) as e:
        load_rules(p)
    assert e.value.code == "EW138" and needle in str(e.value)


def test_rules_path_from_the_environment(tmp_path, monkeypatch):
    p = tmp_path / "rules.toml"
    p.write_text('[[rules]]\nname = "wide"\nquad_classes = [3, 4]\nwithin_km = 200\n', encoding="utf-8")
    monkeypatch.setenv("EVENTWATCH_RULES", str(p))
    r = load_rules()
    assert [x.name for x in r.rules] == ["wide"] and r.rules[0].within_km == 200


# ---- matching -----------------------------------------------------------------------------------------

def test_bombing_at_dasu_alerts_project_and_highway_with_distances(sample_assets):
    inc = incident("i-dasu", "183", DASU, target=Actor("workers", country="PAK", sector="CVL"), killed=5)
    m = by_asset(AssetIndex(sample_assets, RULES).match([inc]))
    assert set(m) == {"dasu-hydropower", "karakoram-highway"}
    assert m["dasu-hydropower"].distance_km == pytest.approx(0.0, abs=0.01)
    assert m["karakoram-highway"].distance_km < 0.5
    assert m["dasu-hydropower"].rules == ["material-conflict-near-asset"]


def test_attack_beyond_the_radius_alerts_nothing_there(sample_assets):
    # Chilas is on the highway but 74 km from the Dasu project (radius 25 km)
    inc = incident("i-chilas", "190", CHILAS, target=Actor("police", country="PAK", sector="COP"))
    m = by_asset(AssetIndex(sample_assets, RULES).match([inc]))
    assert set(m) == {"karakoram-highway"}
    assert haversine_km(CHILAS.lat, CHILAS.lon, DASU.lat, DASU.lon) == pytest.approx(74.6, abs=0.5)
    # Turbat is 110 km from Gwadar port: no alert at all
    assert AssetIndex(sample_assets, RULES).match([incident("i-turbat", "183", TURBAT)]) == []


def test_attack_on_chinese_engineers_anywhere_in_pakistan_alerts_the_nationality_watch(sample_assets):
    quetta = incident("i-q", "183", QUETTA, target=CHINESE, killed=2)
    assert set(by_asset(AssetIndex(sample_assets, RULES).match([quetta]))) == {"chinese-nationals-pak"}
    # a place known only as "Pakistan" is enough for a country-wide watch, never for a distance rule
    vague = incident("i-v", "181", PAKISTAN, target=CHINESE)
    m = by_asset(AssetIndex(sample_assets, RULES).match([vague]))
    assert set(m) == {"chinese-nationals-pak"} and m["chinese-nationals-pak"].distance_km is None
    # in Karachi: the office (distance) and the nationality watch
    karachi = incident("i-k", "183", KARACHI, target=CHINESE)
    assert set(by_asset(AssetIndex(sample_assets, RULES).match([karachi]))) == {"karachi-office", "chinese-nationals-pak"}
    # the same attack on Chinese engineers in Afghanistan is not in the watch's country
    kabul = incident("i-a", "183", Place("Kabul", "AFG", "Kabul", None, 34.53, 69.17), target=CHINESE)
    assert AssetIndex(sample_assets, RULES).match([kabul]) == []


def test_what_does_not_alert(sample_assets):
    idx = AssetIndex(sample_assets, RULES)
    threat = incident("t", "138", DASU, quad=3, goldstein=-7.0)  # verbal conflict
    shaky = incident("c", "183", DASU, confidence=0.3)
    meeting = incident("m", "036", DASU, quad=1, goldstein=4.0, target=CHINESE)
    province = incident("p", "183", Place("Khyber Pakhtunkhwa", "PAK", "Khyber Pakhtunkhwa", None, 35.2, 73.2,
                                          precision="province"))
    assert idx.match([threat, shaky, meeting, province]) == []


def test_organisation_cover_matches_the_target_name():
    ngo = make_asset(name="WFP staff in Pakistan", kind="nationality", covers="World Food Programme", country="PAK")
    hit = incident("n", "181", QUETTA, target=Actor("two World Food Programme staff", name="World Food Programme",
                                                     country=None, sector="IGO"))
    miss = incident("n2", "181", QUETTA, target=Actor("two aid workers", sector="NGO"))
    assert len(AssetIndex([ngo], RULES).match([hit, miss])) == 1


def test_index_finds_the_naive_matches_checking_far_fewer_pairs():
    rnd = random.Random(7)
    assets = []
    for i in range(2000):
        lat, lon = rnd.uniform(24, 37), rnd.uniform(61, 77)
        if i % 10 == 0:
            pts = [[lon + k * rnd.uniform(-0.3, 0.3), lat + k * rnd.uniform(-0.3, 0.3)] for k in range(4)]
            assets.append(Asset(f"r{i}", f"road {i}", "route", {"type": "LineString", "coordinates": pts}, 5.0, "PAK"))
        elif i % 50 == 1:
            assets.append(Asset(f"n{i}", f"people {i}", "nationality", None, 0, "PAK", covers=["CHN"]))
        else:
            assets.append(Asset(f"p{i}", f"site {i}", "site", {"type": "Point", "coordinates": [lon, lat]},
                                rnd.uniform(2, 40), "PAK"))
    incidents = []
    for j in range(300):
        place = Place("x", "PAK", "A", None, rnd.uniform(24, 37), rnd.uniform(61, 77))
        incidents.append(incident(f"i{j}", rnd.choice(["183", "190", "173", "036"]), place,
                                  target=CHINESE if j % 7 == 0 else None, quad=rnd.choice([4, 4, 3, 1])))
    naive = {(m.incident.incident_id, m.asset.asset_id, m.distance_km) for m in match_naive(incidents, assets, RULES)}
    index = AssetIndex(assets, RULES)
    fast = {(m.incident.incident_id, m.asset.asset_id, m.distance_km) for m in index.match(incidents)}
    assert fast == naive and len(naive) > 50
    assert index.pairs_checked < len(assets) * len(incidents) / 20


def test_index_handles_the_antimeridian():
    fiji = Asset.point("Suva port", -18.14, 178.44, radius_km=200)
    m = AssetIndex([fiji], RULES).match([incident("f", "183", Place("x", "FJI", "A", None, -17.5, -179.9))])
    assert len(m) == 1 and m[0].distance_km == pytest.approx(haversine_km(-17.5, -179.9, -18.14, 178.44), rel=0.01)


# ---- severity -----------------------------------------------------------------------------------------

def test_severity_formula():
    site = Asset.point("S", 35.0, 73.0, radius_km=20)

    def sev(inc, dist, scope="distance"):
        return severity(Match(inc, site, ["r"], dist, scope), RULES)

    bomb = incident("b", "183", DASU, goldstein=-10.0)
    assert sev(bomb, 0.0) == 60.0  # 100 * 1 * (0.6 * 1 + 0.4 * 0)
    assert sev(bomb, 20.0) == 30.0  # at the edge: proximity 0.5
    assert sev(bomb, 10.0) == 45.0
    deadly = incident("d", "183", DASU, goldstein=-10.0, killed=9, injured=2)  # 10 people -> log10(11)/2
    assert sev(deadly, 0.0) == pytest.approx(100 * (0.6 + 0.4 * math.log10(11) / 2), abs=0.05)
    assert sev(incident("x", "183", DASU, killed=500), 50.0, scope="country") == 100.0


# ---- alerts -------------------------------------------------------------------------------------------

def test_alerts_are_per_incident_and_asset_and_updated_not_duplicated(store):
    inc = incident("i-dasu", "183", DASU, target=CHINESE, killed=9, sources=1, title="Bombing of a bus at Dasu")
    store.given["i-dasu"] = inc
    run = raise_alerts(store, ["i-dasu"], deliver=False)
    assert len(run.created) == 3  # Dasu project, highway, Chinese nationals
    assert {a.asset_id for a in store.alerts()} == {"dasu-hydropower", "karakoram-highway", "chinese-nationals-pak"}
    # the same incident again: nothing changes
    again = raise_alerts(store, ["i-dasu"], deliver=False)
    assert again.created == [] and again.updated == [] and again.unchanged == 3 and store.count_alerts() == 3
    # a second report: the same alerts, more sources, more casualties, higher severity
    before = {a.asset_id: a for a in store.alerts()}
    store.given["i-dasu"] = incident("i-dasu", "183", DASU, target=CHINESE, killed=13, sources=2,
                                     title="Bombing of a bus at Dasu")
    upd = raise_alerts(store, ["i-dasu"], deliver=False)
    assert len(upd.updated) == 3 and upd.created == [] and store.count_alerts() == 3
    after = store.alert(before["dasu-hydropower"].alert_id)
    assert after.num_sources == 2 and after.killed == 13 and after.severity > before["dasu-hydropower"].severity
    assert after.created_at == before["dasu-hydropower"].created_at
    hist = store.alert_history(after.alert_id)
    assert [h["action"] for h in hist] == ["created", "updated"] and "num_sources" in hist[1]["note"]


def test_alert_workflow_records_who_and_when(store):
    store.given["i"] = incident("i", "190", CHILAS)
    (aid,) = raise_alerts(store, ["i"], deliver=False).created
    with pytest.raises(EventwatchError) as e:
        store.set_alert_status("A-000000000000", "acknowledged", by="amina")
    assert e.value.code == "EW139"
    assert store.set_alert_status(aid, "acknowledged", by="amina", note="team informed").status == "acknowledged"
    assert store.alerts(status="new") == [] and len(store.alerts(status="acknowledged")) == 1
    assert store.set_alert_status(aid, "closed", by="li").status == "closed"
    with pytest.raises(EventwatchError) as e:
        store.set_alert_status(aid, "acknowledged", by="amina")
    assert e.value.code == "EW140"
    hist = store.alert_history(aid)
    assert [(h["action"], h["by"]) for h in hist] == [("created", "eventwatch"), ("acknowledged", "amina"),
                                                      ("closed", "li")]
    assert hist[1]["note"] == "team informed" and hist[1]["at"]
    # a later report updates the closed alert (the record stays right) but does not reopen it
    store.given["i"] = incident("i", "190", CHILAS, sources=3)
    raise_alerts(store, ["i"], deliver=False)
    assert store.alert(aid).status == "closed" and store.alert(aid).num_sources == 3
    # the incident is removed by re-clustering: the alert stays, and says so
    del store.given["i"]
    raise_alerts(store, ["i"], deliver=False)
    assert store.alert(aid) is not None
    assert store.alert_history(aid)[-1]["action"] == "incident_removed"


def test_delivery_to_a_log_file_and_a_refused_webhook_never_loses_the_alert(store, tmp_path, capsys):
    log = tmp_path / "alerts.jsonl"
    rules_file = tmp_path / "rules.toml"
    text = (Path(RULES.path).read_text(encoding="utf-8")
            .replace('log_file = ""', f'log_file = "{log}"')
            .replace('url = ""', 'url = "http://10.1.2.3/hook"'))
    rules_file.write_text(text, encoding="utf-8")
    store.given["i"] = incident("i", "183", KARACHI, target=CHINESE, title="Attack on a Chinese convoy in Karachi")
    run = raise_alerts(store, ["i"], rules=load_rules(rules_file))
    assert len(run.created) == 2 and store.count_alerts() == 2
    lines = [json.loads(x) for x in log.read_text(encoding="utf-8").splitlines()]
    assert sorted(x["alert"]["asset_id"] for x in lines) == ["chinese-nationals-pak", "karachi-office"]
    assert all(x["event"] == "new" for x in lines)
    assert len(run.failures) == 2 and all("EW141" not in f and "10.1.2.3" in f for f in run.failures)
    err = capsys.readouterr().err
    assert err.count("eventwatch alert (new): [") == 2 and "Karachi office" in err
    for aid in run.created:
        actions = [h["action"] for h in store.alert_history(aid)]
        assert actions == ["created", "delivery_failed", "delivered"]


def test_alert_evidence_and_line(sample_assets):
    inc = incident("i", "183", DASU, killed=2)
    m = AssetIndex(sample_assets, RULES).match([inc])[0]
    ev = [{"sentence": "A bomb hit a bus near Dasu.", "article_id": "a1", "agency": "Reuters"}]
    a = build_alert(m, RULES, ev)
    assert a.evidence == ev and a.location == "Dasu, Khyber Pakhtunkhwa, PAK"
    assert a.line().startswith(f"[{a.level.upper()} {a.severity:g}] ")


# ---- risk ---------------------------------------------------------------------------------------------

def test_asset_risk_is_decayed_explained_and_trended(sample_assets):
    as_of = dt.date(2024, 6, 30)
    incs = [incident(f"d{k}", "190", DASU, date=(as_of - dt.timedelta(days=age)).isoformat())
            for k, age in enumerate([0, 10, 30, 45, 60, 100])]
    incs.append(incident("late", "190", DASU, date="2024-07-05"))  # after as_of: not counted
    ranking = asset_risk(incs, sample_assets, RULES, as_of=as_of)
    top = {r.key: r for r in ranking}
    dasu = top["dasu-hydropower"]
    expected = sum(60.0 * 0.5 ** (age / 30) for age in [0, 10, 30, 45, 60, 100])
    assert dasu.score == pytest.approx(expected, abs=0.05)
    assert dasu.incidents == 6 and dasu.recent == 2 and dasu.baseline == 4
    assert dasu.trend == pytest.approx((2 / 30) / (4 / 90), abs=0.01)
    assert [c["incident_id"] for c in dasu.contributors] == ["d0", "d1", "d2", "d3", "d4"]
    assert dasu.contributors[0]["share"] == pytest.approx(60 / expected, abs=0.001)
    assert top["gwadar-port"].score == 0 and top["gwadar-port"].trend is None
    assert ranking[0].key in ("dasu-hydropower", "karakoram-highway")


def test_district_risk_groups_by_admin2_else_admin1():
    incs = [incident("a", "183", DASU), incident("b", "183", DASU, killed=10), incident("c", "183", KARACHI),
            incident("d", "036", KARACHI, quad=1, goldstein=4.0)]
    ranking = district_risk(incs, RULES, as_of="2024-03-26")
    keys = [r.key for r in ranking]
    assert keys == ["PAK/Khyber Pakhtunkhwa/Upper Kohistan District", "PAK/Sindh"]
    assert ranking[0].name == "Upper Kohistan District, Khyber Pakhtunkhwa (PAK)"
    assert ranking[1].incidents == 1 and sum(c["share"] for c in ranking[0].contributors) == pytest.approx(1.0, abs=0.01)


def test_risk_series_and_plot(sample_assets, tmp_path):
    dasu = next(a for a in sample_assets if a.asset_id == "dasu-hydropower")
    incs = [incident("a", "183", DASU, date="2024-03-01"), incident("b", "183", DASU, date="2024-05-01")]
    series = risk_series(incs, dasu, RULES, start="2024-02-01", end="2024-06-30", step_days=7)
    assert series[0][1] == 0 and series[-1][0] == dt.date(2024, 6, 30)
    peak = max(series, key=lambda x: x[1])
    assert peak == (dt.date(2024, 5, 1), pytest.approx(60 + 60 * 0.5 ** (61 / 30), abs=0.05))
    marks = incident_marks(incs, dasu, RULES, start="2024-02-01", end="2024-06-30")
    assert marks == [(dt.date(2024, 3, 1), 60.0), (dt.date(2024, 5, 1), 60.0)]
    out = plot_series(series, str(tmp_path / "risk.png"), "Risk at Dasu", marks)
    assert Path(out).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def _rules_with(tmp_path, **replace):
    text = Path(RULES.path).read_text(encoding="utf-8")
    for old, new in replace.items():
        text = text.replace(old, new)
    p = tmp_path / "rules.toml"
    p.write_text(text, encoding="utf-8")
    return load_rules(p)


def test_an_update_that_raises_the_level_is_delivered_again(store, tmp_path):
    log = tmp_path / "a.jsonl"
    rules = _rules_with(tmp_path, **{'log_file = ""': f'log_file = "{log}"', "terminal = true": "terminal = false"})
    store.given["i"] = incident("i", "190", CHILAS, goldstein=-10.0)  # 60 at the road: medium
    (aid,) = raise_alerts(store, ["i"], rules=rules).created
    store.given["i"] = incident("i", "190", CHILAS, goldstein=-10.0, sources=2)  # same level: not re-sent
    assert raise_alerts(store, ["i"], rules=rules).updated == [aid]
    store.given["i"] = incident("i", "190", CHILAS, goldstein=-10.0, sources=3, killed=20)  # now high
    assert raise_alerts(store, ["i"], rules=rules).delivered == 1
    events = [(x["event"], x["alert"]["level"]) for x in map(json.loads, log.read_text().splitlines())]
    assert events == [("new", "medium"), ("escalated", "high")]


def test_old_incidents_are_alerted_but_not_sent(store, tmp_path):
    log = tmp_path / "a.jsonl"
    rules = _rules_with(tmp_path, **{'log_file = ""': f'log_file = "{log}"', "max_age_days = 0": "max_age_days = 30",
                                     "terminal = true": "terminal = false"})
    store.given["old"] = incident("old", "190", CHILAS, date="2021-08-03")
    store.given["new"] = incident("new", "190", CHILAS, date="2024-03-20")
    run = raise_alerts(store, ["old", "new"], rules=rules, now=dt.datetime(2024, 3, 26, 12, 0))
    assert len(run.created) == 2 and run.delivered == 1
    assert [json.loads(x)["alert"]["incident_id"] for x in log.read_text().splitlines()] == ["new"]


def test_organisation_names_match_whole_words():
    un = make_asset(name="UN staff", kind="nationality", covers="UN", country="PAK")
    hit = incident("u1", "181", QUETTA, target=Actor("two UN workers", sector="IGO"))
    miss = incident("u2", "181", QUETTA, target=Actor("unidentified travellers", sector="CVL"))
    assert [m.incident.incident_id for m in AssetIndex([un], RULES).match([hit, miss])] == ["u1"]


def test_unplaced_incidents_count_in_their_source_country_and_militants_are_not_protected(sample_assets, tmp_path):
    idx = AssetIndex(sample_assets, RULES)
    unplaced = incident("u", "180", PAKISTAN, target=CHINESE)
    unplaced.location = None  # "Pakistani militants attacked Chinese engineers", no town named
    m = idx.match([unplaced])
    assert [x.asset.asset_id for x in m] == ["chinese-nationals-pak"] and m[0].distance_km is None
    foreign = incident("f", "180", PAKISTAN, target=CHINESE)
    foreign.location, foreign.source = None, Actor("gunmen", country="AFG", sector="REB")
    militants = incident("r", "190", QUETTA, target=Actor("four militants", country="CHN", sector="REB"))
    assert idx.match([foreign, militants]) == []
    strict = _rules_with(tmp_path, **{"unplaced_from_source = true": "unplaced_from_source = false"})
    assert strict.rules[1].unplaced_from_source is False
    assert AssetIndex(sample_assets, strict).match([unplaced]) == []



def test_cli_assets_commands(tmp_path, capsys):
    from eventwatch.cli import main

    db = str(tmp_path / "w.duckdb")
    assert main(["assets", "add", "Karachi office", "--kind", "office", "--lat", "24.86", "--lon", "67.01",
                 "--radius-km", "5", "--country", "pak", "--tags", "office;sindh", "--db", db]) == 0
    road = tmp_path / "road.json"
    road.write_text('{"type": "LineString", "coordinates": [[72.88, 34.93], [73.29, 35.29]]}', encoding="utf-8")
    assert main(["assets", "--db", db, "add", "Besham-Dasu road", "--kind", "route", "--geometry", str(road)]) == 0
    assert main(["assets", "add", "Chinese nationals", "--kind", "nationality", "--covers", "CHN;CPEC Authority",
                 "--country", "PAK", "--db", db]) == 0
    capsys.readouterr()
    assert main(["assets", "add", "Nowhere", "--kind", "site", "--db", db]) == 2
    assert "EW143" in capsys.readouterr().err
    assert main(["assets", "list", "--db", db]) == 0
    out = capsys.readouterr().out
    assert "besham-dasu-road" in out and "LineString" in out and "CHN;CPEC Authority" in out
    assert main(["assets", "export", str(tmp_path / "out.geojson"), "--db", db]) == 0
    doc = json.loads((tmp_path / "out.geojson").read_text(encoding="utf-8"))
    assert [f["id"] for f in doc["features"]] == ["besham-dasu-road", "chinese-nationals", "karachi-office"]
    assert doc["features"][2]["properties"]["tags"] == ["office", "sindh"]
    assert main(["assets", "remove", "karachi-office", "--db", db]) == 0
    assert main(["assets", "remove", "karachi-office", "--db", db]) == 2
    bad = tmp_path / "bad.csv"
    bad.write_text("name,kind,lat,lon\nGood site,site,30,70\n,site,30,70\n", encoding="utf-8")
    capsys.readouterr()
    assert main(["assets", "import", str(bad), "--db", db]) == 1  # imported what it could, reported the rest
    err = capsys.readouterr().err
    assert "1 assets imported, 1 rows refused" in err and "EW130" in err and "row 3" in err
    assert len(eventwatch_assets(db)) == 3


def eventwatch_assets(db):
    import eventwatch

    return eventwatch.assets_list(db=db)


def test_readme_documents_every_rules_key_error_code_and_command():
    from eventwatch import alerting
    from eventwatch.alerting import Rule
    from eventwatch.errors import ERRORS

    readme = (SAMPLES.parent / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## Watch"):readme.index("## Data files")]
    keys = (list(Rule.__dataclass_fields__) + list(alerting._SECTIONS["severity"]) + list(alerting._SECTIONS["risk"])
            + list(alerting._DELIVERY) + list(alerting._WEBHOOK) + list(alerting._EMAIL))
    assert [k for k in keys if f"`{k}`" not in section] == []
    bundled = Path(RULES.path).read_text(encoding="utf-8")
    assert [k for k in keys if f"{k} =" not in bundled and k != "within_km"] == []  # within_km: unset by default
    codes = [c for c in ERRORS if "EW130" <= c <= "EW149"]
    assert len(codes) == 15 and [c for c in codes if c not in section] == []
    for cmd in ("assets import", "assets add", "assets list", "alerts ack", "alerts close", "alerts history",
                "alerts scan", "risk --as-of", "--plot"):
        assert cmd in section, cmd


def test_risk_refuses_a_bad_date(sample_assets):
    with pytest.raises(EventwatchError) as e:
        asset_risk([], sample_assets, RULES, as_of="2021-13-01")
    assert e.value.code == "EW041" and "as_of" in str(e.value)
