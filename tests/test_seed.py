"""Acceptance on the reference document (read from ../shared, never copied into the repo)."""
from pathlib import Path

import pytest

import eventwatch

SEED = Path(__file__).resolve().parents[2] / "shared" / "seeds" / "000_0caf704b14a81d48.txt"

pytestmark = [pytest.mark.slow, pytest.mark.skipif(not SEED.exists(), reason="shared/seeds not present")]


@pytest.fixture(scope="module")
def seed_events():
    evs = list(eventwatch.extract([SEED]))
    assert evs, "the seed article gave no events"
    return evs


def _pair(e):
    return (e.source.country if e.source else None, e.source.sector if e.source else None,
            e.target.country if e.target else None, e.target.sector if e.target else None)


def test_consultation_between_china_and_pakistan_on_the_dateline(seed_events):
    hits = [e for e in seed_events if e.root == "04" and _pair(e)[:2] == ("CHN", "GOV") and _pair(e)[2] == "PAK"]
    assert hits, [(e.code, _pair(e)) for e in seed_events]
    assert hits[0].date == "2021-08-24"


def test_china_expresses_intent_to_cooperate_on_security(seed_events):
    hits = [e for e in seed_events if e.root == "03" and _pair(e)[:3] == ("CHN", "GOV", "PAK")]
    assert hits and hits[0].mode == "intent"


def test_china_asks_pakistan_to_investigate_and_punish(seed_events):
    hits = [e for e in seed_events if e.root in ("02", "10") and _pair(e)[0] == "CHN" and _pair(e)[2] == "PAK"]
    assert hits


def test_pakistan_pledges_to_apprehend_and_punish(seed_events):
    hits = [e for e in seed_events if e.mode == "intent" and _pair(e)[:2] == ("PAK", "GOV")
            and "apprehend" in e.sentence]
    assert hits


def test_dasu_attack_recognised_as_assault_in_dasu(seed_events):
    hits = [e for e in seed_events if e.root == "18" and e.location and e.location.name == "Dasu"]
    assert hits, [(e.code, e.mode, e.location) for e in seed_events if e.root == "18"]
    assert hits[0].location.country == "PAK"
    assert hits[0].mode == "reference"  # a nominal mention: it links to the incident, it is not a new attack


def test_no_event_from_photos_caption_or_copyright(seed_events):
    text = SEED.read_text(encoding="utf-8")
    body_start = text.index("BEIJING, Aug. 24")
    body_end = text.index("Photos")
    for e in seed_events:
        assert body_start <= e.span[0] and e.span[1] <= body_end, (e.code, e.sentence)
        assert "Copyright" not in e.sentence and "Xinhua/Yin Bogu" not in e.sentence


def test_pakistans_pledge_in_talks_with_china_is_made_to_china(seed_events):
    hits = [e for e in seed_events if e.mode == "intent" and "apprehend" in e.sentence]
    assert hits and all(_pair(e) == ("PAK", "GOV", "CHN", "GOV") for e in hits)


def test_chinas_appeal_to_ensure_security_is_no_pakistani_act(seed_events):
    assert not [e for e in seed_events if e.source and e.source.country == "PAK" and e.mode == "asserted"]
