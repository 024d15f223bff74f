"""Watch end to end: the sample assets, wire reports written for these tests (tests/data/watch/), ingest,
incidents, alerts, updates from a second report, idempotent re-ingest, the CLI, risk."""
import json
import shutil
from pathlib import Path

import pytest

import eventwatch
from eventwatch.cli import main
from eventwatch.store import Store
from eventwatch.watchlist import haversine_km

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).parent / "data" / "watch"
FIRST = ["dasu_bus_reuters.txt", "chilas_checkpoint.txt", "pasni_police.txt", "quetta_chinese.txt"]


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    """Ingest in three steps and keep what each step left: the first reports, a second report of the
    Dasu bombing, then the whole folder again."""
    tmp = tmp_path_factory.mktemp("watch")
    db, log = str(tmp / "w.duckdb"), tmp / "alerts.jsonl"
    rules = tmp / "rules.toml"
    default = (ROOT / "src" / "eventwatch" / "data" / "watch_rules.toml").read_text(encoding="utf-8")
    rules.write_text(default.replace('log_file = ""', f'log_file = "{log}"').replace("terminal = true", "terminal = false"),
                     encoding="utf-8")
    out = {"db": db, "log": log, "rules": str(rules)}
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("EVENTWATCH_RULES", str(rules))
        assert eventwatch.assets_import(ROOT / "samples" / "assets.geojson", db=db).added
        out["first"] = eventwatch.ingest([DATA / f for f in FIRST], db=db, n_process=1)
        out["alerts1"] = {(a.asset_id, a.location.split(",")[0]): a for a in eventwatch.alerts(db=db)}
        out["second"] = eventwatch.ingest([DATA / "dasu_bus_afp.txt"], db=db, n_process=1)
        out["alerts2"] = {(a.asset_id, a.location.split(",")[0]): a for a in eventwatch.alerts(db=db)}
        out["again"] = eventwatch.ingest([DATA], db=db, n_process=1)
        out["alerts3"] = {(a.asset_id, a.location.split(",")[0]): a for a in eventwatch.alerts(db=db)}
    return out


def test_exactly_the_expected_alerts_with_their_distances(run):
    alerts = run["alerts1"]
    assert set(alerts) == {
        ("dasu-hydropower", "Dasu"),        # the bombing at the project
        ("karakoram-highway", "Dasu"),      # ... which is on the highway
        ("chinese-nationals-pak", "Dasu"),  # ... and targeted Chinese engineers
        ("karakoram-highway", "Chilas"),    # the checkpoint attack at Chilas, on the highway
        ("chinese-nationals-pak", "Quetta"),  # Chinese engineers shot at in Quetta, far from every site
    }
    assert sorted(run["first"].alerts_created) == sorted(a.alert_id for a in alerts.values())
    assets = {a.asset_id: a for a in eventwatch.assets_list(db=run["db"])}
    with Store(run["db"], read_only=True) as store:
        for (asset_id, _), alert in alerts.items():
            inc = store.incident(alert.incident_id)
            if assets[asset_id].geometry is None:
                assert alert.distance_km is None and alert.rules == ["attack-on-protected-people"]
            else:
                want = assets[asset_id].distance_km(inc.location.lat, inc.location.lon)
                assert alert.distance_km == pytest.approx(want, abs=0.01) and alert.distance_km <= assets[asset_id].radius_km
    assert alerts[("dasu-hydropower", "Dasu")].distance_km == pytest.approx(0.0, abs=0.5)
    assert alerts[("dasu-hydropower", "Dasu")].code.startswith("18")
    assert all(a.status == "new" and a.evidence for a in alerts.values())


def test_attacks_beyond_the_radius_give_no_alert(run):
    alerts = run["alerts1"]
    # Chilas is 75 km from the Dasu project (radius 25 km): the highway alerts, the project does not
    assert ("dasu-hydropower", "Chilas") not in alerts
    assert haversine_km(35.41287, 74.10407, 35.2917, 73.2906) > 70
    # Pasni is 115 km along the coast from Gwadar port (radius 15 km): no alert at all
    assert not any(loc == "Pasni" for _, loc in alerts)
    incidents = eventwatch.incidents(db=run["db"])
    pasni = [i for i in incidents if i.location and i.location.name == "Pasni"]
    assert len(pasni) == 1 and pasni[0].root == "19"
    assert haversine_km(pasni[0].location.lat, pasni[0].location.lon, 25.1216, 62.3254) > 100


def test_attack_on_chinese_engineers_anywhere_in_pakistan_alerts_the_nationality_watch(run):
    quetta = run["alerts1"][("chinese-nationals-pak", "Quetta")]
    assert quetta.asset_name == "Chinese nationals in Pakistan"
    assert "Chinese engineers" in quetta.evidence[0]["sentence"] and quetta.evidence[0]["agency"] == "Reuters"
    assert [k for k in run["alerts1"] if k[1] == "Quetta"] == [("chinese-nationals-pak", "Quetta")]


def test_a_second_report_updates_the_alerts_source_count(run):
    assert run["second"].alerts_created == []
    before, after = run["alerts1"], run["alerts2"]
    assert set(after) == set(before)
    updated = {k for k in after if after[k].num_sources != before[k].num_sources}
    assert updated == {k for k in after if k[1] == "Dasu"}
    for k in updated:
        assert (before[k].num_sources, after[k].num_sources) == (1, 2)
        assert after[k].alert_id == before[k].alert_id and after[k].created_at == before[k].created_at
        assert {e["agency"] for e in after[k].evidence} == {"Reuters", "AFP"}
    assert sorted(run["second"].alerts_updated) == sorted(after[k].alert_id for k in updated)
    history = eventwatch.alert_history(after[("dasu-hydropower", "Dasu")].alert_id, db=run["db"])
    assert [h["action"] for h in history] == ["created", "delivered", "updated"]
    assert "num_sources" in history[-1]["note"]


def test_reingesting_the_same_reports_changes_no_alert(run):
    again = run["again"]
    assert again.added == 0 and again.duplicates == 5
    assert again.alerts_created == [] and again.alerts_updated == []
    assert {k: a.to_dict() for k, a in run["alerts3"].items()} == {k: a.to_dict() for k, a in run["alerts2"].items()}


def test_each_new_alert_was_delivered_once_to_the_log(run):
    lines = [json.loads(x) for x in run["log"].read_text(encoding="utf-8").splitlines()]
    assert sorted(x["alert"]["alert_id"] for x in lines) == sorted(a.alert_id for a in run["alerts1"].values())
    assert {x["event"] for x in lines} == {"new"}


def test_cli_alerts_workflow_risk_and_plot(run, tmp_path, capsys):
    db = str(tmp_path / "copy.duckdb")
    shutil.copy(run["db"], db)
    dasu = run["alerts2"][("dasu-hydropower", "Dasu")].alert_id

    assert main(["alerts", "--db", db, "--status", "new", "--asset", "dasu-hydropower"]) == 0
    out = capsys.readouterr().out
    assert dasu in out and "Dasu hydropower project" in out and "Militants bombed a bus" in out
    assert main(["alerts", "ack", dasu, "--by", "amina", "--db", db]) == 0
    assert main(["alerts", "--db", db, "close", dasu, "--by", "li"]) == 0
    capsys.readouterr()
    assert main(["alerts", "ack", dasu, "--by", "amina", "--db", db]) == 2
    assert "EW140" in capsys.readouterr().err
    assert [a.alert_id for a in eventwatch.alerts(db=db, status="closed")] == [dasu]
    assert main(["alerts", "history", dasu, "--db", db]) == 0
    out = capsys.readouterr().out
    assert "acknowledged" in out and "amina" in out and "closed" in out and "li" in out

    assert main(["risk", "--db", db, "--as-of", "2021-08-31"]) == 0
    out = capsys.readouterr().out.splitlines()
    ranked = [ln for ln in out if "trend" in ln]
    # the highway has two incidents (Dasu, Chilas), the nationality watch two (Dasu, Quetta)
    assert ranked[-1].endswith("Gwadar port") or ranked[-1].endswith("Karachi office")
    assert any("Karakoram Highway" in ln for ln in ranked[:2])
    rows = eventwatch.risk(db=db, as_of="2021-08-31")
    top = {r.key: r for r in rows}
    kkh = top["karakoram-highway"]
    assert kkh.incidents == 2 and sum(c["share"] for c in kkh.contributors) == pytest.approx(1.0, abs=0.01)
    assert top["gwadar-port"].score == 0
    districts = eventwatch.risk(db=db, as_of="2021-08-31", districts=True)
    assert {d.name.split(",")[0] for d in districts} >= {"Upper Kohistan District", "Quetta District"}

    png = tmp_path / "risk.png"
    assert main(["risk", "--db", db, "--asset", "karakoram-highway", "--as-of", "2021-09-30", "--plot", str(png)]) == 0
    assert png.read_bytes()[:4] == b"\x89PNG"


def test_scan_alerts_incidents_stored_before_the_asset(run, tmp_path):
    db = str(tmp_path / "scan.duckdb")
    shutil.copy(run["db"], db)
    eventwatch.assets_add("Pasni fish harbour", kind="site", lat=25.2630, lon=63.4692, radius_km=5, country="PAK", db=db)
    first = eventwatch.alerts_scan(db=db, rules=run["rules"])
    assert len(first.created) == 1 and first.unchanged == 5
    assert eventwatch.alerts(db=db, asset="Pasni fish harbour")[0].location.startswith("Pasni")
    again = eventwatch.alerts_scan(db=db, rules=run["rules"])
    assert again.created == [] and again.updated == [] and again.unchanged == 6
