"""Boilerplate, dateline and metadata on articles written for these tests (tests/data/ingest)."""
import json
from datetime import date
from pathlib import Path

import pytest

from eventwatch.errors import EventwatchError
from eventwatch.text import _recent_year, normalise_date, parse_dateline, prepare, segment

DATA = Path(__file__).parent / "data" / "ingest"
DEV = Path(__file__).resolve().parents[2] / "shared" / "eval" / "dev.jsonl"


def read(name: str) -> str:
    return (DATA / name).read_text(encoding="utf-8")


def kinds(text: str) -> list[tuple[str, str]]:
    return [(b.kind, text[b.start:b.end]) for b in segment(text)]


def body(article) -> list[str]:
    return [article.text[b.start:b.end] for b in article.body_blocks()]


def assert_covers(text: str, blocks) -> None:
    """Blocks are ordered, do not overlap, and every non-blank character is in one."""
    covered = [False] * len(text)
    last = 0
    for b in blocks:
        assert last <= b.start < b.end <= len(text)
        last = b.end
        covered[b.start:b.end] = [True] * (b.end - b.start)
    assert all(c or ch.isspace() for c, ch in zip(covered, text))


# ---- datelines ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("line, place, agency, month, day, rest", [
    ("BEIJING, Aug. 24 (Xinhua) -- Chinese officials", "BEIJING", "Xinhua", 8, 24, "Chinese"),
    ("NAIROBI, May 16 (Reuters) - Kenya and", "NAIROBI", "Reuters", 5, 16, "Kenya"),
    ("PESHAWAR, Pakistan (AP) — Militants", "PESHAWAR", "AP", None, None, "Militants"),
    ("PORT-AU-PRINCE, Dec 11 (AP) —Gangs", "PORT-AU-PRINCE", "AP", 12, 11, "Gangs"),
    ("PORT-AU-PRINCE, Haiti, Dec 11 (AP) — Gangs", "PORT-AU-PRINCE", "AP", 12, 11, "Gangs"),
    ("ISLAMABAD: The interior ministry", "ISLAMABAD", None, None, None, "The"),
    ("KARACHI, Nov 12 (Dawn) - The CTD", "KARACHI", "Dawn", 11, 12, "The"),
    ("CHENNAI, Dec 11 (The Hindu) - The navy", "CHENNAI", "The Hindu", 12, 11, "The"),
    ("PORT SUDAN, Sept 14 (Reuters) - Sudan's army", "PORT SUDAN", "Reuters", 9, 14, "Sudan's"),
    ("LONDON, 16 May (Reuters) - Britain", "LONDON", "Reuters", 5, 16, "Britain"),
    ("NEW DELHI, May 16 (PTI): India", "NEW DELHI", "PTI", 5, 16, "India"),
    ("GENEVA, JUNE 3 (REUTERS) - SWISS POLICE", "GENEVA", "Reuters", 6, 3, "SWISS"),
    ("beijing, aug. 24 (xinhua) -- chinese officials", "beijing", "Xinhua", 8, 24, "chinese"),
    ("Nairobi, May 16 (Reuters) - Kenya", "Nairobi", "Reuters", 5, 16, "Kenya"),
    ("WASHINGTON (Reuters) - The", "WASHINGTON", "Reuters", None, None, "The"),
    ("KABUL — The Taliban", "KABUL", None, None, None, "The"),
])
def test_wire_datelines(line, place, agency, month, day, rest):
    d = parse_dateline(line)
    assert d is not None
    assert (d.place, d.agency, d.month, d.day) == (place, agency, month, day)
    assert line[d.end:].startswith(rest)
    assert line[d.start:].startswith(place)


def test_dateline_with_year_and_region():
    d = parse_dateline("KINSHASA, Congo, Jan 24, 2024 (AP) — Congo's government")
    assert (d.place, d.region, d.year, d.month, d.day) == ("KINSHASA", "Congo", 2024, 1, 24)


@pytest.mark.parametrize("line", [
    "The Kenya Defence Forces (KDF) - said on Monday",
    "UPDATE: the death toll rose",
    "FILE PHOTO: Soldiers stand guard",
    "Separately, Nov 12 officials said",
    "In Nairobi, May 16 - officials said",
    "Kenya and Somalia agreed - on Thursday",
    "Note: this story has been updated",
    "  ",
])
def test_not_datelines(line):
    assert parse_dateline(line) is None


# ---- segmentation -------------------------------------------------------------------------------------

def test_seed_like_article_keeps_only_story_paragraphs_as_body():
    text = read("xinhua_seedlike.txt")
    a = prepare(text)
    assert [k for k, _ in kinds(text)] == ["title", "caption", "body", "body", "body", "body",
                                           "photos", "related", "copyright"]
    paras = body(a)
    assert len(paras) == 4
    assert paras[0].startswith("BEIJING, March 5 (Xinhua) --")
    assert paras[-1].endswith("later this year.")
    joined = " ".join(paras)
    for junk in ("Lantern festival", "Related Stories", "trading posts", "Copyright", "(Xinhua/Tao Mingzhe)"):
        assert junk not in joined
    assert (a.dateline_place, a.agency, a.title) == (
        "BEIJING", "Xinhua", "China, Nepal agree to step up border security cooperation")
    # the caption's "March 5, 2024" matches the dateline; it wins over the copyright year (2025)
    assert a.published == "2024-03-05"
    assert_covers(text, a.blocks)


def test_caption_in_the_middle_of_the_story_and_related_list_then_credit():
    text = read("reuters_paragraphs.txt")
    got = kinds(text)
    assert [k for k, _ in got] == ["title", "body", "body", "caption", "body", "related", "credit"]
    assert got[3][1].endswith("REUTERS/Stringer")
    assert "Somali and Kenyan ministers" in got[5][1]
    # a caption dated the day before the story still gives the year
    assert prepare(text).published == "2024-10-09"


def test_ap_style_region_meta_line_file_photo_credit_and_copyright():
    text = read("ap_country.txt")
    a = prepare(text)
    assert [k for k, _ in kinds(text)] == ["title", "meta", "body", "body", "caption", "credit", "copyright"]
    assert a.published == "2023-11-14"  # from "Published: 14 Nov 2023"
    assert (a.dateline_place, a.agency) == ("LIMA", "AP")


def test_dawn_colon_dateline_and_published_in_dawn_credit():
    text = read("dawn_colon.txt")
    a = prepare(text)
    assert [k for k, _ in kinds(text)] == ["body", "body", "credit"]
    assert (a.dateline_place, a.agency, a.published) == ("ISLAMABAD", None, "2024-02-12")


def test_all_caps_article():
    text = read("caps_dateline.txt")
    a = prepare(text)
    assert [k for k, _ in kinds(text)] == ["body", "body", "credit"]
    assert (a.dateline_place, a.agency) == ("GENEVA", "Reuters")
    assert a.published.endswith("-06-03")


def test_lines_before_the_dateline_are_never_body():
    text = ("Home | World | Africa\nThursday, May 16, 2024 10:32 GMT\nBy Jane Mwangi\n"
            "Kenya, Somalia set up border committee\n"
            "Somali and Kenyan officials at the talks in Nairobi on May 16, 2024.\n"
            "NAIROBI, May 16 (Reuters) - Kenya and Somalia agreed on Thursday to set up a border committee.\n")
    got = kinds(text)
    assert [k for k, _ in got] == ["navigation", "meta", "title", "caption", "body"]
    assert got[1][1] == "Thursday, May 16, 2024 10:32 GMT\nBy Jane Mwangi"  # neighbours of one kind: one block
    assert prepare(text).published == "2024-05-16"


def test_boilerplate_lines_inside_and_after_the_story():
    text = ("ABUJA, Nov 7 (Reuters) - Gunmen abducted 23 farmers on Thursday, police said.\n\n"
            "Advertisement\n\n"
            "Read more: Nigeria deploys troops to Katsina after abductions\n\n"
            "Share this article\n\n"
            "The army said it had launched a rescue operation.\n\n"
            "Writing by Ahmed Bello; Editing by Sarah Lund\n\n"
            "Source: Al Jazeera and news agencies\n\n"
            "Enditem\n\n"
            "© 2024 Example Wire")
    got = kinds(text)
    assert [k for k, _ in got] == ["body", "navigation", "related", "navigation", "body", "credit", "copyright"]
    assert got[4][1] == "The army said it had launched a rescue operation."


@pytest.mark.parametrize("sentence", [
    "Photographs shared on social media showed smoke rising over the city.",
    "Share prices fell sharply in Karachi on Monday.",
    "Video footage showed troops firing into the air.",
    "Updated figures showed 20 people had died.",
    "By Tuesday evening, 23 people had been killed.",
    "Copyright infringement charges were filed against the newspaper.",
    "Reporting by Reuters showed that the deal had collapsed in March.",
    "Search operations continued on Friday.",
    "Related to the case, police said two men were held.",
    "Sources said the talks had stalled.",
])
def test_story_sentences_that_look_like_boilerplate_stay_body(sentence):
    text = "KABUL, May 2 (Reuters) - Police arrested two men on Tuesday.\n\n" + sentence + "\n\nEnditem"
    assert [k for k, _ in kinds(text)] == ["body", "body", "credit"]


def test_related_list_ends_at_the_next_story_paragraph():
    text = ("DHAKA, April 24 (AFP) - Bangladesh lodged a protest with India on Wednesday, officials said.\n\n"
            "Related Stories\n\n- Border guards meet in Dhaka\n\nIndia and Bangladesh share a long border\n\n"
            "Officials said talks between the border forces would take place next month.")
    got = kinds(text)
    assert [k for k, _ in got] == ["body", "related", "body"]
    assert got[2][1].startswith("Officials said talks")


def test_related_items_in_the_header_paragraph_are_related_even_as_sentences():
    text = ("BAGHDAD, Sept 5 (Reuters) - Iraq summoned Iran's ambassador on Thursday, the ministry said.\n\n"
            "Related Stories:\nTurkish strikes kill four fighters in northern Iraq.\n"
            "Kurdish parliament fails to elect speaker\n\n"
            "Officials said the talks would continue.")
    assert [k for k, _ in kinds(text)] == ["body", "related", "body"]


def test_first_body_block_starts_with_the_dateline():
    # the extraction pipeline finds the dateline again at the start of the first body block
    a = prepare(read("xinhua_seedlike.txt"))
    first = a.body_blocks()[0]
    d = parse_dateline(a.text[first.start:])
    assert d and a.text[first.start + d.end:].startswith("Chinese Vice Minister")


def test_headline_without_dateline_is_title():
    text = ("Police arrest two after market blast\n\n"
            "Police arrested two men on Tuesday after a bomb exploded in a market.")
    a = prepare(text)
    assert a.title == "Police arrest two after market blast"
    assert body(a) == ["Police arrested two men on Tuesday after a bomb exploded in a market."]
    assert a.dateline_place is None and a.published is None


def test_hard_wrapped_paragraphs_are_one_block_each():
    text = ("QUETTA, May 22 (AFP) - Pakistani security forces repulsed an attack by\n"
            "separatist militants on a compound housing foreign engineers in the\n"
            "southwestern province on Wednesday, officials said.\n\n"
            "The attackers opened fire on the main gate before guards returned fire\n"
            "and forced them to flee into nearby hills, a police officer said.\n")
    a = prepare(text)
    assert len(a.body_blocks()) == 2
    assert body(a)[0].endswith("officials said.")
    assert_covers(text, a.blocks)


def test_crlf_and_offsets_index_the_given_text():
    text = "Title line here\r\nLAGOS, Jan 5 (Reuters) - Police arrested five men.\r\n\r\n(Reporting by Ada Obi)\r\n"
    blocks = segment(text)
    assert [b.kind for b in blocks] == ["title", "body", "credit"]
    assert text[blocks[1].start:blocks[1].end] == "LAGOS, Jan 5 (Reuters) - Police arrested five men."
    assert_covers(text, blocks)


@pytest.mark.skipif(not DEV.exists(), reason="shared dev set not present")
def test_dev_set_event_sentences_are_body_and_datelines_parse():
    for line in DEV.open(encoding="utf-8"):
        g = json.loads(line)
        a = prepare(g["text"], id=g["id"], published=g["published"])
        assert parse_dateline(g["text"]), g["id"]
        spans = [(b.start, b.end) for b in a.body_blocks()]
        for e in g["events"]:
            i = g["text"].index(e["sentence"])
            assert any(s <= i < t for s, t in spans), (g["id"], e["sentence"])
        for b in a.blocks:  # credits, captions and link lists at the end are never body
            last = g["text"][b.start:b.end]
            if last.startswith(("(Reporting", "Related Stories", "Copyright", "Enditem", "Published in Dawn")):
                assert b.kind != "body", (g["id"], last)
        assert_covers(g["text"], a.blocks)


# ---- article metadata -----------------------------------------------------------------------------------

def test_same_story_same_id_whatever_the_layout():
    text = read("xinhua_seedlike.txt")
    a, b = prepare(text), prepare(text)
    assert a.id == b.id and a.id.startswith("a") and len(a.id) == 13
    assert a.content_hash == b.content_hash
    # extra spaces, another caption and another copyright line: same body, same id
    c = prepare(text.replace("Liang said", "Liang   said").replace("(Xinhua/Tao Mingzhe)", "(Xinhua/Wu Lin)")
                .replace("2025", "2026"))
    assert c.id == a.id
    assert prepare(text.replace("Kathmandu", "Pokhara")).id != a.id
    assert prepare(text, id="x1").id == "x1"


def test_published_resolution_order():
    dl = "KABUL, May 2 (Reuters) - Police arrested two men on Tuesday.\n"
    assert prepare(dl, published="2020-05-02").published == "2020-05-02"
    assert prepare("Published: 3 May 2019\n" + dl).published == "2019-05-03"  # meta line wins
    assert prepare(dl + "The men were detained on May 2, 2018, police said.").published == "2018-05-02"
    assert prepare(dl + "Copyright 2017 Example Wire.").published == "2017-05-02"
    y = _recent_year(5, 2, date.today())
    assert prepare(dl).published == f"{y}-05-02"
    assert prepare("Police arrested two men on Tuesday in Kabul.").published is None


def test_recent_year_is_not_after_today():
    assert _recent_year(12, 31, date(2024, 6, 1)) == 2023
    assert _recent_year(6, 1, date(2024, 6, 1)) == 2024
    assert _recent_year(2, 29, date(2025, 6, 1)) == 2024


@pytest.mark.parametrize("value, want", [
    ("2024-05-16", "2024-05-16"), ("2024-05-16T08:30:00+05:00", "2024-05-16"), ("16 May 2024", "2024-05-16"),
    ("Thu, 16 May 2024 08:30:00 GMT", "2024-05-16"), (date(2024, 5, 16), "2024-05-16"),
])
def test_normalise_date(value, want):
    assert normalise_date(value) == want


@pytest.mark.parametrize("bad", ["last Tuesday", "2024-02-30", "16/05", 20240516])
def test_published_that_is_not_a_date_is_ew011(bad):
    with pytest.raises(EventwatchError) as e:
        prepare("KABUL, May 2 (Reuters) - Police arrested two men.", published=bad)
    assert e.value.code == "EW011"


def test_only_boilerplate_is_ew009():
    with pytest.raises(EventwatchError) as e:
        prepare("Related Stories\n- Kenya hosts talks\nCopyright © 2024 Example Wire. All rights reserved.")
    assert e.value.code == "EW009"


def test_title_opening_with_a_figure_is_the_title_not_metadata():
    text = ("9 Chinese nationals among 13 killed in Pakistan bus attack\n14 July 2021\n\n"
            "ISLAMABAD, July 14 (Reuters) - A bomb hit a bus near Dasu on Wednesday, killing 13 people, "
            "officials said.\n\nPolice said the blast was caused by explosives.\n")
    a = prepare(text)
    assert a.title == "9 Chinese nationals among 13 killed in Pakistan bus attack"
    assert a.published == "2021-07-14"
    assert [b.kind for b in a.blocks][:2] == ["title", "meta"]
