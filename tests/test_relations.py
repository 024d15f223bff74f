"""Relations between two countries: aggregation per period and direction, exclusions, layouts, chart, errors."""
import csv
import datetime as dt
import io
import json
import struct
from pathlib import Path

import pytest

import eventwatch
from eventwatch import relations
from eventwatch.cli import main
from eventwatch.errors import EventwatchError
from eventwatch.records import Actor, Article, Block, Event
from eventwatch.relations import CSV_COLUMNS, build_dyad, kinds_of, period_of
from eventwatch.store import Store

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT.parent / "shared" / "seeds" / "000_0caf704b14a81d48.txt"
ATTACKS = ROOT / "tests" / "data" / "relations"

# Invented sentences, written for these tests; one article per sentence keeps the records plain.
CHN_GOV = Actor("China's foreign minister", None, "CHN", "GOV")
PAK_GOV = Actor("Pakistan's interior minister", None, "PAK", "GOV")
PAK_REB = Actor("Pakistani militants", None, "PAK", "REB")
CHN_CVL = Actor("Chinese engineers", None, "CHN", "CVL")
IND_GOV = Actor("India's foreign ministry", None, "IND", "GOV")


def _ev(n, code, quad, goldstein, src, tgt, date, *, mode="asserted", negated=False):
    return Event(article_id=f"t{n}", sentence_index=0, span=(0, 10), sentence=f"Sentence {n}.", code=code,
                 root=code[:2], quad_class=quad, goldstein=goldstein, source=src, target=tgt, date=date,
                 date_precision="day", mode=mode, negated=negated, published=date, event_id=f"t{n}:0:0")


EVENTS = [
    _ev(1, "1832", 4, -10.0, PAK_REB, CHN_CVL, "2021-07-14"),               # attack, PAK -> CHN, July
    _ev(2, "111", 3, -2.0, CHN_GOV, PAK_REB, "2021-07-16"),                 # condemnation, CHN -> PAK
    _ev(3, "041", 1, 1.0, CHN_GOV, PAK_GOV, "2021-08-24"),                  # call: meeting, CHN -> PAK
    _ev(4, "0312", 1, 5.2, CHN_GOV, PAK_GOV, "2021-08-24", mode="intent"),  # pledge
    _ev(5, "020", 1, 3.0, CHN_GOV, PAK_GOV, "2021-08-24"),                  # appeal: a demand
    _ev(6, "1053", 3, -5.0, CHN_GOV, PAK_GOV, "2021-08-25"),                # demand
    _ev(7, "031", 1, 5.2, PAK_GOV, CHN_GOV, "2021-08-24", mode="intent"),   # pledge, PAK -> CHN
    _ev(8, "180", 4, -9.0, PAK_REB, CHN_CVL, "2021-08-24", mode="reference"),  # "the Dasu attack"
    _ev(9, "040", 1, 1.0, CHN_GOV, PAK_GOV, "2021-08-20", negated=True),    # a meeting that did not happen
    _ev(10, "193", 4, -10.0, PAK_REB, CHN_CVL, "2021-08-21", mode="hypothetical"),
    _ev(11, "042", 1, 1.9, PAK_GOV, CHN_GOV, "2021-10-05"),                 # visit in October: Sept is empty
    _ev(12, "042", 1, 1.9, PAK_GOV, IND_GOV, "2021-09-05"),                 # another dyad
    _ev(13, "1384", 3, -7.0, PAK_GOV, CHN_GOV, "2021-10-06", mode="intent"),  # a threat: verbal conflict
]


@pytest.fixture
def store():
    with Store(":memory:") as s:
        for e in EVENTS:
            art = Article(id=e.article_id, text=e.sentence, published=e.date, blocks=[Block(0, len(e.sentence))])
            assert s.add(art, [e]) == "added"
        yield s


@pytest.fixture
def report(store):
    return relations.dyad(store, "CHN", "PAK", by="month")


def test_months_are_continuous_with_zero_filled_gaps(report):
    assert [p.label for p in report.periods] == ["2021-07", "2021-08", "2021-09", "2021-10"]
    sept = report.periods[2]
    assert sept.both.events == 0 and sept.both.goldstein_mean is None and sept.both.goldstein_sum == 0
    assert str(sept.start) == "2021-09-01" and str(sept.end) == "2021-09-30"
    assert (report.since, report.until) == ("2021-07-14", "2021-10-06")


def test_both_directions_apart_and_combined(report):
    july, aug, _, octo = report.periods
    assert july.b_to_a.kinds["attacks"] == 1 and july.a_to_b.kinds["attacks"] == 0
    assert july.b_to_a.quads["material_conflict"] == 1 and july.a_to_b.quads["verbal_conflict"] == 1
    assert july.both.events == 2
    assert aug.a_to_b.events == 4 and aug.b_to_a.events == 1 and aug.both.events == 5
    assert aug.a_to_b.kinds == {"meetings": 1, "pledges": 1, "demands": 2, "attacks": 0}
    assert aug.b_to_a.kinds == {"meetings": 0, "pledges": 1, "demands": 0, "attacks": 0}
    assert aug.a_to_b.quads == {"verbal_cooperation": 3, "material_cooperation": 0, "verbal_conflict": 1,
                                "material_conflict": 0}
    assert octo.b_to_a.kinds["meetings"] == 1 and octo.b_to_a.quads["verbal_conflict"] == 1  # the threat
    assert octo.b_to_a.kinds["attacks"] == 0  # a threat is not an attack


def test_goldstein_sums_and_means(report):
    aug = report.periods[1]
    assert aug.a_to_b.goldstein_sum == pytest.approx(1.0 + 5.2 + 3.0 - 5.0)
    assert aug.a_to_b.goldstein_mean == pytest.approx((1.0 + 5.2 + 3.0 - 5.0) / 4, abs=1e-3)
    assert aug.both.goldstein_sum == pytest.approx(4.2 + 5.2)
    assert report.periods[3].b_to_a.goldstein_mean == pytest.approx((1.9 - 7.0) / 2, abs=1e-3)
    assert report.totals["both"].events == 9 and report.totals["both"].goldstein_sum == pytest.approx(-10 - 2 + 4.2 + 5.2 + 1.9 - 7)


def test_negated_reference_and_hypothetical_are_listed_not_counted(report):
    assert report.excluded == {"negated": ["t9:0:0"], "reference": ["t8:0:0"], "hypothetical": ["t10:0:0"],
                               "undated": []}
    counted = {i for p in report.periods for i in p.both.ids["events"]}
    assert not counted & {"t8:0:0", "t9:0:0", "t10:0:0", "t12:0:0"}
    assert report.periods[1].b_to_a.kinds["attacks"] == 0  # the reference to the earlier attack adds none


def test_json_gives_the_event_ids_behind_each_figure(report):
    d = json.loads(json.dumps(report.to_dict()))
    assert (d["a"], d["b"], d["a_name"], d["b_name"], d["by"]) == ("CHN", "PAK", "China", "Pakistan", "month")
    aug = d["periods"][1]
    assert aug["period"] == "2021-08" and aug["a_to_b"]["meetings"] == 1
    assert aug["a_to_b"]["event_ids"]["meetings"] == ["t3:0:0"]
    assert aug["a_to_b"]["event_ids"]["pledges"] == ["t4:0:0"]
    assert sorted(aug["a_to_b"]["event_ids"]["demands"]) == ["t5:0:0", "t6:0:0"]
    assert d["periods"][0]["b_to_a"]["event_ids"]["attacks"] == ["t1:0:0"]
    assert d["periods"][2]["both"]["event_ids"] == {}  # nothing behind an empty period


def test_weeks_use_iso_weeks_from_monday():
    assert period_of(dt.date(2021, 8, 24), "week")[0] == "2021-W34"
    assert period_of(dt.date(2021, 1, 3), "week")[0] == "2020-W53"


def test_by_week_and_date_window(store):
    r = relations.dyad(store, "PAK", "CHN", by="week", since="2021-08-16", until="2021-09-05")
    assert [p.label for p in r.periods] == ["2021-W33", "2021-W34", "2021-W35"]
    assert r.a == "PAK" and r.periods[1].b_to_a.events == 4 and r.periods[1].a_to_b.events == 1
    assert r.periods[0].both.events == 0 and r.periods[2].both.events == 0
    assert r.excluded["negated"] == ["t9:0:0"] and r.excluded["reference"] == ["t8:0:0"]


def test_csv_layout_one_row_per_period_and_direction(report):
    rows = list(csv.reader(io.StringIO(report.to_csv())))
    assert rows[0] == CSV_COLUMNS
    assert len(rows) == 1 + 4 * 3
    aug = [dict(zip(CSV_COLUMNS, r)) for r in rows[1:] if r[0] == "2021-08"]
    assert [r["direction"] for r in aug] == ["CHN->PAK", "PAK->CHN", "both"]
    assert (aug[0]["source"], aug[0]["target"], aug[0]["meetings"], aug[0]["demands"]) == ("CHN", "PAK", "1", "2")
    assert float(aug[0]["goldstein_mean"]) == pytest.approx(1.05)
    sept = [dict(zip(CSV_COLUMNS, r)) for r in rows[1:] if r[0] == "2021-09"]
    assert sept[2]["events"] == "0" and sept[2]["goldstein_mean"] == ""


def test_table_is_readable(report):
    t = report.to_table()
    assert t.splitlines()[0].startswith("China (CHN) <-> Pakistan (PAK), by month, 2021-07 .. 2021-10")
    assert "2021-09   no events" in t
    assert "not counted: negated 1, reference 1, hypothetical 1" in t


def _png_size(path):
    data = Path(path).read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24]), len(data)


def test_plot_writes_a_valid_png(report, tmp_path):
    out = tmp_path / "chn_pak.png"
    assert report.plot(str(out)) == str(out)
    (w, h), size = _png_size(out)
    assert 800 <= w <= 3000 and 600 <= h <= 1200 and 20_000 < size < 2_000_000


def test_plot_of_an_empty_dyad_still_draws(store, tmp_path):
    r = relations.dyad(store, "CHN", "IND")
    assert r.periods == []
    (w, h), _ = _png_size(r.plot(str(tmp_path / "e.png")))
    assert w > 0 and h > 0


def test_plot_into_a_missing_folder_is_a_coded_error(report, tmp_path):
    with pytest.raises(EventwatchError) as exc:
        report.plot(str(tmp_path / "no" / "such" / "x.png"))
    assert exc.value.code == "EW095"


@pytest.mark.parametrize("a,b,code,needle", [
    ("CHX", "PAK", "EW090", "CHX"), ("China", "PAK", "EW090", "did you mean CHN"),
    ("CHN", "pk", "EW090", "did you mean PAK"), ("PAK", "pak", "EW092", "PAK")])
def test_bad_countries_are_coded_errors_with_a_hint(store, a, b, code, needle):
    with pytest.raises(EventwatchError) as exc:
        relations.dyad(store, a, b)
    assert exc.value.code == code and needle in str(exc.value)
    if code == "EW090":
        assert "countries.tsv" in exc.value.hint


def test_bad_period_and_dates_are_coded_errors(store):
    with pytest.raises(EventwatchError) as exc:
        relations.dyad(store, "CHN", "PAK", by="day")
    assert exc.value.code == "EW091" and "week or month" in exc.value.hint
    with pytest.raises(EventwatchError) as exc:
        relations.dyad(store, "CHN", "PAK", since="2021-09-01", until="2021-08-01")
    assert exc.value.code == "EW093"
    with pytest.raises(EventwatchError) as exc:
        relations.dyad(store, "CHN", "PAK", since="August 2021")
    assert exc.value.code == "EW041"
    with pytest.raises(EventwatchError) as exc:
        relations.dyad(store, "CHN", "PAK", by="week", since="1900-01-01", until="2021-01-01")
    assert exc.value.code == "EW094"


def test_kinds_of_codes():
    assert kinds_of("043", "asserted") == ["meetings"]
    assert kinds_of("036", "intent") == ["pledges"]  # an announced meeting is a pledge, not a meeting
    assert kinds_of("1056", "asserted") == ["demands"]
    assert kinds_of("1712", "asserted") == ["attacks"] and kinds_of("175", "asserted") == ["attacks"]
    assert kinds_of("191", "asserted") == [] and kinds_of("192", "asserted") == []  # blockade, occupation
    assert kinds_of("202", "asserted") == ["attacks"]
    assert kinds_of("183", "reference") == [] and kinds_of("138", "intent") == []


def test_build_dyad_ignores_rows_of_other_dyads():
    rows = [{"event_id": "x", "source_country": "CHN", "target_country": "IND", "code": "041", "quad_class": 1,
             "goldstein": 1.0, "mode": "asserted", "negated": False, "effective_date": "2021-08-01"}]
    assert build_dyad(rows, "CHN", "PAK").periods == []


def test_cli_dyad_formats(store, tmp_path, capsys):
    db = str(tmp_path / "r.duckdb")
    with Store(db) as s:
        for e in EVENTS:
            s.add(Article(id=e.article_id, text=e.sentence, published=e.date, blocks=[Block(0, len(e.sentence))]), [e])
    assert main(["dyad", "CHN", "PAK", "--db", db, "--format", "json"]) == 0
    d = json.loads(capsys.readouterr().out)
    assert d["periods"][1]["a_to_b"]["event_ids"]["meetings"] == ["t3:0:0"]
    png = tmp_path / "c.png"
    assert main(["dyad", "CHN", "PAK", "--db", db, "--format", "csv", "--by", "week", "--plot", str(png)]) == 0
    out = capsys.readouterr()
    assert out.out.startswith(",".join(CSV_COLUMNS)) and "2021-W28" in out.out and png.exists()
    assert main(["dyad", "CHN", "XXX", "--db", db]) == 2
    assert "EW090" in capsys.readouterr().err
    assert main(["dyad", "CHN", "PAK", "--db", db, "--by", "year"]) == 2
    assert "EW091" in capsys.readouterr().err
    assert eventwatch.dyad("CHN", "PAK", db=db).totals["both"].events == 9


# ---- on real ingested articles ------------------------------------------------------------------------

@pytest.fixture(scope="module")
def ingested(tmp_path_factory):
    db = str(tmp_path_factory.mktemp("rel") / "r.duckdb")
    paths = [ROOT / "samples" / "articles", ATTACKS] + ([SEED] if SEED.exists() else [])
    report = eventwatch.ingest(paths, db=db)
    assert not report.drops
    return db


@pytest.mark.slow
def test_attack_and_consultation_months_from_ingested_articles(ingested):
    r = eventwatch.dyad("CHN", "PAK", db=ingested, by="month", since="2021-06-01", until="2021-09-30")
    months = {p.label: p for p in r.periods}
    assert list(months) == ["2021-06", "2021-07", "2021-08", "2021-09"]
    assert months["2021-06"].both.events == 0 and months["2021-09"].both.events == 0
    # our two July reports: militants attacked Chinese engineers (14th) and a Chinese convoy (28th)
    assert months["2021-07"].b_to_a.kinds["attacks"] == 2 and months["2021-07"].a_to_b.kinds["attacks"] == 0
    if SEED.exists():
        assert months["2021-08"].a_to_b.kinds["meetings"] >= 1
        assert months["2021-08"].both.kinds["attacks"] == 0  # the seed names the Dasu attack: a reference
    weeks = eventwatch.dyad("PAK", "CHN", db=ingested, by="week", since="2021-07-12", until="2021-08-01")
    assert [p.label for p in weeks.periods if p.a_to_b.kinds["attacks"]] == ["2021-W28", "2021-W30"]


seed_only = pytest.mark.skipif(not SEED.exists(), reason="shared/seeds not present")


@pytest.mark.slow
@seed_only
def test_seed_dyad_shows_the_august_2021_consultation_pledge_and_demand(ingested):
    r = eventwatch.dyad("CHN", "PAK", db=ingested, since="2021-08-01", until="2021-08-31")
    aug = r.periods[0]
    assert aug.label == "2021-08"
    assert aug.a_to_b.kinds["meetings"] >= 1 and aug.a_to_b.kinds["pledges"] >= 1
    assert aug.a_to_b.kinds["demands"] >= 1
    ids = aug.a_to_b.ids
    stored = {e.event_id: e for e in eventwatch.events(db=ingested, dyad=("CHN", "PAK"))}
    assert any(stored[i].code.startswith("04") for i in ids["meetings"])
    assert any(stored[i].mode == "intent" for i in ids["pledges"])
    assert r.excluded["reference"] == [] or all(stored[i].mode == "reference" for i in r.excluded["reference"])


@pytest.mark.slow
@seed_only
def test_seed_dyad_shows_the_pakistani_pledge(ingested):
    # Yusuf's pledge to apprehend the perpetrators, made in the talks with China, is coded to China
    r = eventwatch.dyad("CHN", "PAK", db=ingested, since="2021-08-01", until="2021-08-31")
    assert r.periods[0].b_to_a.kinds["pledges"] >= 1
