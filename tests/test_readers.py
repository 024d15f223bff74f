"""Reading files, folders, HTML pages and JSONL: every bad input is a coded drop, the batch goes on."""
import json
import os
import shutil
import socket
from pathlib import Path

import pytest

from eventwatch.errors import EventwatchError
from eventwatch.readers import article_from_html, article_from_record, read_paths
from eventwatch.records import Article, Drop

DATA = Path(__file__).parent / "data" / "ingest"
STORY = "KAMPALA, Sept 3 (Reuters) - Ugandan police arrested four opposition activists on Tuesday, their lawyer said.\n"


def split(items):
    items = list(items)
    return [i for i in items if isinstance(i, Article)], [i for i in items if isinstance(i, Drop)]


def body_text(a: Article) -> str:
    return "\n\n".join(a.text[b.start:b.end] for b in a.body_blocks())


@pytest.fixture
def no_env_limit(monkeypatch):
    monkeypatch.delenv("EVENTWATCH_MAX_FILE_MB", raising=False)


def test_folder_is_read_recursively_sorted_and_hidden_files_skipped(tmp_path):
    shutil.copy(DATA / "dawn_colon.txt", tmp_path / "b.txt")
    (tmp_path / "sub").mkdir()
    shutil.copy(DATA / "caps_dateline.txt", tmp_path / "sub" / "a.txt")
    shutil.copy(DATA / "ap_country.txt", tmp_path / "a.txt")
    (tmp_path / ".hidden.txt").write_text(STORY)
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "x.txt").write_text(STORY)
    arts, drops = split(read_paths([tmp_path]))
    assert drops == []
    assert [Path(a.source_path).relative_to(tmp_path).as_posix() for a in arts] == ["a.txt", "b.txt", "sub/a.txt"]
    assert all(a.source_format == "text" for a in arts)


def test_every_bad_input_is_a_drop_and_the_batch_goes_on(tmp_path, no_env_limit):
    good = tmp_path / "good.txt"
    good.write_text(STORY, encoding="utf-8")
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "blank.txt").write_text("  \n\n ")
    (tmp_path / "latin.txt").write_bytes(("BOGOTA, Nov 20 (Reuters) - Colombia's government suspended talks, "
                                          "the ministry said in Bogotá.\n").encode("latin-1"))
    (tmp_path / "photo.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4)
    with open(tmp_path / "huge.txt", "wb") as f:  # 50 MB, sparse: made here, never committed
        f.truncate(50 * 1024 * 1024)
    (tmp_path / "login.html").write_text("<html><body><form><input name='user'></form></body></html>")
    (tmp_path / "only_links.txt").write_text("Related Stories\n- Kenya hosts talks\n- Somalia elects speaker\n"
                                            "Copyright © 2024 Example Wire. All Rights Reserved.\n")
    (tmp_path / "report.pdf").write_bytes(b"%PDF-1.4 ...")
    missing = tmp_path / "nope.txt"
    items = list(read_paths([missing, tmp_path, DATA / "batch.jsonl"]))
    arts, drops = split(items)
    got = {Path(d.path).name: d.code for d in drops}
    assert got == {
        "nope.txt": "EW001", "empty.txt": "EW002", "blank.txt": "EW002", "latin.txt": "EW003",
        "photo.txt": "EW004", "huge.txt": "EW005", "login.html": "EW006", "only_links.txt": "EW009",
        "report.pdf": "EW010", "batch.jsonl:2": "EW007", "batch.jsonl:4": "EW008", "batch.jsonl:5": "EW011",
    }
    assert [Path(a.source_path).name for a in arts] == ["good.txt", "batch.jsonl:1", "batch.jsonl:3", "batch.jsonl:7"]
    by = {Path(d.path).name: d for d in drops}
    assert "utf-8" in by["latin.txt"].message and "0xe1" in by["latin.txt"].message
    assert "50 MB" in by["huge.txt"].message and "20 MB" in by["huge.txt"].message
    assert str(by["huge.txt"]).startswith("EW005 ")


def test_size_limit_is_checked_before_reading(tmp_path, monkeypatch):
    f = tmp_path / "big.txt"
    f.write_text(STORY * 20000)  # about 2 MB
    monkeypatch.setattr(Path, "read_bytes", lambda self: pytest.fail("read a file over the limit"))
    _, drops = split(read_paths([f], max_file_mb=1))
    assert [d.code for d in drops] == ["EW005"]


def test_other_encoding_and_byte_order_mark(tmp_path):
    f = tmp_path / "latin.txt"
    story = "LIMA, Peru (AP) — Peruvian police detained a protest leader in Cañete on Tuesday."
    f.write_bytes(story.encode("cp1252"))
    arts, drops = split(read_paths([f], encoding="cp1252"))
    assert drops == [] and "Cañete" in arts[0].text
    bom = tmp_path / "bom.txt"
    bom.write_bytes(b"\xef\xbb\xbf" + STORY.encode())
    (a,) = read_paths([bom])
    assert a.dateline_place == "KAMPALA" and not a.text.startswith("\ufeff")


def test_unknown_encoding_is_refused_up_front():
    with pytest.raises(EventwatchError) as e:
        list(read_paths([DATA], encoding="utf-9"))
    assert e.value.code == "EW003"


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="needs file permissions (not root)")
def test_unreadable_file_is_ew013(tmp_path):
    f = tmp_path / "locked.txt"
    f.write_text(STORY)
    f.chmod(0)
    try:
        _, drops = split(read_paths([f]))
    finally:
        f.chmod(0o644)
    assert [d.code for d in drops] == ["EW013"]


# ---- HTML ---------------------------------------------------------------------------------------------

JUNK = ("Related Stories", "Togo extends state", "Share this article", "Copyright", "Home", "(Example/Kofi Asante)",
        "Divers clean coral", "Related News", "Scarborough Shoal", "About us", "All rights reserved",
        "towed into port")


def test_html_with_article_element():
    (a,) = read_paths([DATA / "semantic_article.html"])
    assert a.source_format == "html"
    assert (a.title, a.published, a.url) == ("Ghana, Togo agree joint patrols on border", "2024-07-18",
                                             "https://news.example.org/africa/ghana-togo-patrols")
    assert (a.dateline_place, a.agency) == ("ACCRA", "Reuters")
    body = body_text(a)
    assert body.startswith("ACCRA, July 18 (Reuters) - Ghana and Togo agreed")
    assert body.endswith("killed four soldiers in June.")
    assert body.count("\n\n") == 2  # three paragraphs, blank-line separated
    assert not [j for j in JUNK if j in body]


def test_html_with_plain_divs():
    (a,) = read_paths([DATA / "plain_divs.html"])
    assert (a.title, a.published, a.dateline_place, a.agency) == (
        "Philippine navy rescues fishermen after collision", "2024-02-21", "MANILA", "AFP")
    body = body_text(a)
    assert body.startswith("MANILA, Feb 21 (AFP) - The Philippine navy rescued 14 fishermen")
    assert body.endswith("for questioning.")
    assert not [j for j in JUNK if j in body]
    kinds = {b.kind for b in a.blocks}
    assert {"photos", "related", "navigation", "copyright", "caption"} <= kinds


def test_html_is_never_fetched_the_url_is_metadata(monkeypatch):
    def no_network(*args, **kwargs):
        raise AssertionError("ingest tried to open a connection")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
    html = (DATA / "semantic_article.html").read_text()
    a = article_from_html(html, url="https://news.example.org/other", id="h1")
    assert (a.id, a.url) == ("h1", "https://news.example.org/other")
    rec = article_from_record({"id": "r1", "url": "https://news.example.org/r1", "text": STORY})
    assert rec.url == "https://news.example.org/r1"


def test_html_without_article_text_is_ew006():
    with pytest.raises(EventwatchError) as e:
        article_from_html("<html><head><title>Log in</title></head><body></body></html>", source_path="x.html")
    assert (e.value.code, e.value.path) == ("EW006", "x.html")


# ---- JSON and JSONL -------------------------------------------------------------------------------------

def test_jsonl_records_with_one_malformed_line():
    arts, drops = split(read_paths([DATA / "batch.jsonl"]))
    assert [d.code for d in drops] == ["EW007", "EW008", "EW011"]
    assert drops[0].path.endswith("batch.jsonl:2") and "line 2" in drops[0].message
    k1, k3, anon = arts
    assert (k1.id, k1.title, k1.published, k1.url) == ("k-001", "Uganda police disperse opposition rally",
                                                      "2024-09-03", "https://news.example.org/k-001")
    assert all(a.source_format == "jsonl" for a in arts)
    assert [b.kind for b in k1.blocks] == ["body", "body", "credit"]
    # an html record: trafilatura + the same boilerplate filter
    assert (k3.id, k3.title, k3.published, k3.dateline_place) == ("k-003", "Zambia, Malawi sign border accord",
                                                                   "2024-09-04", "LUSAKA")
    assert "Copyright" not in body_text(k3)
    assert anon.id.startswith("a") and anon.dateline_place == "ABUJA"


def test_json_file_with_an_array_or_one_object(tmp_path):
    recs = [{"id": "j1", "text": STORY}, {"id": "j2"}, "not an object"]
    f = tmp_path / "feed.json"
    f.write_text(json.dumps(recs, indent=2))
    arts, drops = split(read_paths([f]))
    assert [a.id for a in arts] == ["j1"]
    assert [(d.code, d.path.rsplit(":", 1)[1]) for d in drops] == [("EW008", "6"), ("EW007", "9")]
    one = tmp_path / "one.json"
    one.write_text(json.dumps({"id": "o1", "text": STORY, "published": "2024-09-03T10:00:00Z"}))
    (a,) = read_paths([one])
    assert (a.id, a.published) == ("o1", "2024-09-03")


def test_same_text_same_id_across_formats_and_runs(tmp_path):
    (tmp_path / "s.txt").write_text(STORY)
    (tmp_path / "s.jsonl").write_text(json.dumps({"text": STORY}) + "\n")
    first = [a.id for a in read_paths([tmp_path])]
    second = [a.id for a in read_paths([tmp_path])]
    assert first == second and len(set(first)) == 1
