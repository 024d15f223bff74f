"""GeoJSON and GDELT 2.0 exports: valid GeoJSON points, 61 GDELT columns with our fields in the right places."""
import csv
import datetime as dt
import json
import math
from pathlib import Path

import pytest

import eventwatch
from eventwatch.errors import EventwatchError
from eventwatch.exports import (GDELT_COLUMNS, gdelt_event_id, gdelt_row, iso3_to_fips, to_geojson)
from eventwatch.records import Actor, Article, Block, Event, Place
from eventwatch.store import EVENT_COLUMNS, Store

SAMPLES = Path(__file__).resolve().parents[1] / "samples" / "articles"

# An invented report, written for these tests.
TEXT = ("ISLAMABAD, July 15 (Reuters) - Gunmen attacked a bus carrying Chinese engineers near Dasu on "
        "Wednesday, police said.\n\nPakistan's interior minister telephoned China's ambassador on Thursday.\n\n"
        "Officials met in an undisclosed place.")
DASU = Place("Dasu", "PAK", "Khyber Pakhtunkhwa", None, 35.29169, 73.29155, "city", 1180281)
PAK_COUNTRY = Place("Pakistan", "PAK", None, None, 30.0, 70.0, "country", 1168579)


def _span(i):
    parts = TEXT.split("\n\n")
    start = sum(len(p) + 2 for p in parts[:i])
    return parts[i], (start, start + len(parts[i]))


def _event(i, code, quad, goldstein, src, tgt, date, location, mode="asserted"):
    s, span = _span(i)
    return Event(article_id="x1", sentence_index=i, span=span, sentence=s, code=code, root=code[:2],
                 quad_class=quad, goldstein=goldstein, source=src, target=tgt, date=date,
                 date_precision="day", location=location, mode=mode, published="2021-07-15")


@pytest.fixture
def store(tmp_path):
    path = str(tmp_path / "x.duckdb")
    art = Article(id="x1", text=TEXT, published="2021-07-15", url="https://example.org/dasu-bus",
                  agency="Reuters", source_path="feed/x1.txt", blocks=[Block(0, len(TEXT))])
    evs = [_event(0, "1832", 4, -10.0, Actor("Gunmen", None, None, "REB"), Actor("Chinese engineers", None, "CHN", "BUS"),
                  "2021-07-14", DASU),
           _event(1, "041", 1, 1.0, Actor("Pakistan's interior minister", "Sheikh Rashid", "PAK", "GOV"),
                  Actor("China's ambassador", None, "CHN", "GOV"), "2021-07-15", PAK_COUNTRY),
           _event(2, "040", 1, 1.0, Actor("Officials", None, None, "GOV"), None, "2021-07-15", None)]
    with Store(path) as s:
        assert s.add(art, evs) == "added"
    return path


# ---- GeoJSON ------------------------------------------------------------------------------------------

def _valid_feature(f):
    assert f["type"] == "Feature" and f["geometry"]["type"] == "Point"
    lon, lat = f["geometry"]["coordinates"]
    assert all(isinstance(v, float) and math.isfinite(v) for v in (lon, lat))
    assert -180 <= lon <= 180 and -90 <= lat <= 90
    assert isinstance(f["properties"], dict)
    return lon, lat


def test_geojson_export_is_a_feature_collection_of_lon_lat_points(store, tmp_path):
    out = tmp_path / "ev.geojson"
    n = eventwatch.export(str(out), fmt="geojson", db=store)
    assert n == 2 and n.left_out == 1  # the event without a place is counted, not written
    fc = json.loads(out.read_text(encoding="utf-8"))
    assert fc["type"] == "FeatureCollection" and len(fc["features"]) == 2
    by_code = {f["properties"]["code"]: f for f in fc["features"]}
    lon, lat = _valid_feature(by_code["1832"])
    assert (lon, lat) == (73.29155, 35.29169)  # [lon, lat], not [lat, lon]
    props = by_code["1832"]["properties"]
    assert list(props) == EVENT_COLUMNS  # the flat event fields, in the flat column order
    assert props["date"] == "2021-07-14" and props["target_country"] == "CHN" and props["location_name"] == "Dasu"
    assert by_code["1832"]["id"] == props["event_id"]
    _valid_feature(by_code["041"])


def test_to_geojson_works_on_any_flat_rows_such_as_incidents():
    rows = [{"incident_id": "i1", "location_lat": 35.3, "location_lon": 73.3, "killed": 9},
            {"incident_id": "i2", "location_lat": None, "location_lon": 73.3},
            {"incident_id": "i3", "location_lat": 95.0, "location_lon": 10.0},  # not a latitude
            {"incident_id": "i4", "location_lat": "34.1", "location_lon": "71.5", "when": dt.date(2021, 7, 14)}]
    fc, left_out = to_geojson(rows, lat_key="location_lat", lon_key="location_lon", id_key="incident_id")
    assert left_out == 2
    assert [f["id"] for f in fc["features"]] == ["i1", "i4"]
    assert fc["features"][1]["geometry"]["coordinates"] == [71.5, 34.1]
    assert fc["features"][1]["properties"]["when"] == "2021-07-14"
    json.dumps(fc)  # serialisable as is
    for f in fc["features"]:
        _valid_feature(f)


def test_cli_export_geojson_reports_events_left_out(store, tmp_path, capsys):
    from eventwatch.cli import main

    out = tmp_path / "m.geojson"
    assert main(["export", str(out), "--format", "geojson", "--db", store]) == 0
    err = capsys.readouterr().err
    assert "2 events written" in err and "(1 without coordinates left out)" in err


# ---- GDELT --------------------------------------------------------------------------------------------

def test_gdelt_has_the_61_columns_of_the_2_0_codebook_in_order():
    assert len(GDELT_COLUMNS) == 61 and len(set(GDELT_COLUMNS)) == 61
    assert GDELT_COLUMNS[:6] == ["GLOBALEVENTID", "SQLDATE", "MonthYear", "Year", "FractionDate", "Actor1Code"]
    assert GDELT_COLUMNS[25:35] == ["IsRootEvent", "EventCode", "EventBaseCode", "EventRootCode", "QuadClass",
                                    "GoldsteinScale", "NumMentions", "NumSources", "NumArticles", "AvgTone"]
    assert GDELT_COLUMNS[35:43] == ["Actor1Geo_Type", "Actor1Geo_FullName", "Actor1Geo_CountryCode",
                                    "Actor1Geo_ADM1Code", "Actor1Geo_ADM2Code", "Actor1Geo_Lat", "Actor1Geo_Long",
                                    "Actor1Geo_FeatureID"]
    assert GDELT_COLUMNS[-2:] == ["DATEADDED", "SOURCEURL"]


def _gdelt_lines(path):
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.reader(fh, delimiter="\t", quoting=csv.QUOTE_NONE))


def test_gdelt_export_puts_known_values_in_the_right_columns(store, tmp_path):
    out = tmp_path / "ev.gdelt.csv"
    assert eventwatch.export(str(out), fmt="gdelt", db=store) == 3
    lines = _gdelt_lines(out)
    assert len(lines) == 3 and all(len(r) == 61 for r in lines)  # no header by default, as GDELT's files
    rows = {r[26]: dict(zip(GDELT_COLUMNS, r)) for r in lines}
    bomb = rows["1832"]
    with Store(store, read_only=True) as s:
        eid = s.events(code="1832")[0].event_id
        ingested = s.con.execute("SELECT ingested_at FROM articles").fetchone()[0]
    assert bomb["GLOBALEVENTID"] == str(gdelt_event_id(eid))
    assert (bomb["SQLDATE"], bomb["MonthYear"], bomb["Year"]) == ("20210714", "202107", "2021")
    assert bomb["FractionDate"] == f"{2021 + (7 * 30 + 14) / 365:.4f}" == "2021.6137"
    assert bomb["Actor1Code"] == "REB" and bomb["Actor1CountryCode"] == "" and bomb["Actor1Type1Code"] == "REB"
    assert bomb["Actor1Name"] == "GUNMEN"
    assert (bomb["Actor2Code"], bomb["Actor2CountryCode"], bomb["Actor2Type1Code"]) == ("CHNBUS", "CHN", "BUS")
    assert (bomb["EventCode"], bomb["EventBaseCode"], bomb["EventRootCode"]) == ("1832", "183", "18")
    assert (bomb["QuadClass"], bomb["GoldsteinScale"], bomb["IsRootEvent"]) == ("4", "-10", "1")
    assert (bomb["NumMentions"], bomb["NumSources"], bomb["NumArticles"], bomb["AvgTone"]) == ("1", "1", "1", "")
    assert bomb["Actor1Geo_Type"] == "0" and bomb["Actor1Geo_Lat"] == ""
    assert bomb["ActionGeo_Type"] == "4"  # a city outside the US
    assert bomb["ActionGeo_FullName"] == "Dasu, Khyber Pakhtunkhwa, Pakistan"
    assert bomb["ActionGeo_CountryCode"] == "PK"  # FIPS 10-4
    assert (bomb["ActionGeo_Lat"], bomb["ActionGeo_Long"]) == ("35.2917", "73.2916")
    assert bomb["DATEADDED"] == ingested.strftime("%Y%m%d%H%M%S") and len(bomb["DATEADDED"]) == 14
    assert bomb["SOURCEURL"] == "https://example.org/dasu-bus"
    call = rows["041"]
    assert (call["Actor1Code"], call["Actor1Name"], call["Actor2Code"]) == ("PAKGOV", "SHEIKH RASHID", "CHNGOV")
    assert (call["GoldsteinScale"], call["IsRootEvent"]) == ("1", "0")
    assert (call["ActionGeo_Type"], call["ActionGeo_FullName"], call["ActionGeo_CountryCode"],
            call["ActionGeo_ADM1Code"], call["ActionGeo_FeatureID"]) == ("1", "Pakistan", "PK", "PK", "PK")
    nowhere = rows["040"]
    assert nowhere["ActionGeo_Type"] == "0" and nowhere["ActionGeo_FullName"] == "" and nowhere["Actor2Code"] == ""


def test_gdelt_header_only_when_asked(store, tmp_path):
    out = tmp_path / "h.tsv"
    eventwatch.export(str(out), fmt="gdelt", db=store, header=True, code="18")
    lines = _gdelt_lines(out)
    assert lines[0] == GDELT_COLUMNS and len(lines) == 2 and lines[1][26] == "1832"


def test_gdelt_row_formats_numbers_as_gdelt_and_keeps_tabs_out():
    row = {c: None for c in EVENT_COLUMNS}
    row.update(event_id="a:0:0", sentence_index=3, code="0312", root="03", quad_class=1, goldstein=5.2,
               source_text="Moeed\tYusuf", source_country="PAK", source_sector="GOV", source_code="PAKGOV",
               location_name="Brooklyn", location_country="USA", location_lat=40.65, location_lon=-73.95,
               location_precision="city", published=dt.date(2021, 8, 24))
    f = dict(zip(GDELT_COLUMNS, gdelt_row(row)))
    assert len(gdelt_row(row)) == 61
    assert f["Actor1Name"] == "MOEED YUSUF" and f["GoldsteinScale"] == "5.2"
    assert f["SQLDATE"] == "20210824"  # no event date: the publication date, as effective_date
    assert f["EventBaseCode"] == "031" and f["ActionGeo_Type"] == "3"  # a US city
    assert (f["ActionGeo_Lat"], f["ActionGeo_Long"], f["ActionGeo_CountryCode"]) == ("40.65", "-73.95", "US")
    assert f["DATEADDED"] == "20210824000000" and f["SOURCEURL"] == ""


def test_fips_codes_for_gdelt_geography():
    fips = iso3_to_fips()
    assert fips["PAK"] == "PK" and fips["CHN"] == "CH" and fips["DEU"] == "GM" and fips["GBR"] == "UK"
    assert fips["SSD"] == "OD" and fips["XKX"] == "KV"


def test_unknown_export_format_lists_the_new_ones(store, tmp_path):
    with pytest.raises(EventwatchError) as exc:
        eventwatch.export(str(tmp_path / "x"), fmt="kml", db=store)
    assert exc.value.code == "EW042" and "geojson" in exc.value.hint and "gdelt" in exc.value.hint


@pytest.mark.slow
def test_real_ingested_samples_round_trip_through_gdelt_and_geojson(tmp_path):
    db = str(tmp_path / "s.duckdb")
    eventwatch.ingest([SAMPLES / "s001.txt", SAMPLES / "s002.txt", SAMPLES / "s003.txt"], db=db)
    stored = eventwatch.events(db=db)
    assert stored
    out = tmp_path / "s.tsv"
    n = eventwatch.export(str(out), fmt="gdelt", db=db)
    lines = _gdelt_lines(out)
    assert n == len(stored) == len(lines) and all(len(r) == 61 for r in lines)
    by_id = {int(r[0]): dict(zip(GDELT_COLUMNS, r)) for r in lines}
    for e in stored:
        g = by_id[gdelt_event_id(e.event_id)]
        assert g["EventCode"] == e.code and g["EventRootCode"] == e.root
        assert g["Actor1CountryCode"] == ((e.source.country or "") if e.source else "")
        if e.location and e.location.lat is not None:
            assert float(g["ActionGeo_Lat"]) == pytest.approx(e.location.lat, abs=1e-4)
            assert float(g["ActionGeo_Long"]) == pytest.approx(e.location.lon, abs=1e-4)
        assert g["SOURCEURL"]  # the file the article came from
    gj = tmp_path / "s.geojson"
    n = eventwatch.export(str(gj), fmt="geojson", db=db)
    fc = json.loads(gj.read_text(encoding="utf-8"))
    located = [e for e in stored if e.location and e.location.lat is not None]
    assert n == len(fc["features"]) == len(located) and n.left_out == len(stored) - len(located)
    for f in fc["features"]:
        _valid_feature(f)
