"""Near-duplicate wire copies: recognised before extraction, stored once, every report kept as a source.

Fixtures (tests/data/dedup, all written by us): 01 a Reuters wire story; 02 the same story on an
outlet's page with another headline, caption and related links, its last two paragraphs cut;
03 a JSONL record of it from another outlet with a few words changed; 04 an independently written
AFP report of the same attack; 05 an unrelated article.

Most tests replace the spaCy extractor with a recorder (the thing tested is which articles reach
it and what is stored); the end-to-end CLI test at the bottom runs the real pipeline.
"""
import json
from pathlib import Path

import pytest

from eventwatch import api, dedup
from eventwatch.readers import read_paths
from eventwatch.records import Article, Event
from eventwatch.store import Store
from eventwatch.text import prepare

DATA = Path(__file__).parent / "data" / "dedup"
WIRE, TRIMMED, EDITED, INDEPENDENT, UNRELATED = sorted(DATA.iterdir())


def articles(*paths) -> list[Article]:
    return [a for a in read_paths(list(paths)) if isinstance(a, Article)]


@pytest.fixture
def extracted(monkeypatch):
    """Replace extraction with a recorder: one event per article, and the ids it was asked to parse."""
    seen: list[str] = []

    def fake(chunk, n_process=None, **kw):
        for a in chunk:
            seen.append(a.id)
            yield a, [Event(article_id=a.id, sentence_index=0, span=(0, 10), sentence=a.text[:10], code="190",
                            quad_class=4)], None

    monkeypatch.setattr(api, "extract_articles", fake)
    return seen


def ingest(tmp_path, *paths, **kw):
    return api.ingest([str(p) for p in paths], db=str(tmp_path / "d.duckdb"), **kw)


def sources(tmp_path) -> dict[str, list[dict]]:
    with Store(str(tmp_path / "d.duckdb"), read_only=True) as s:
        ids = [a.id for a in s.articles()]
        return s.article_sources(ids)


# ---- the similarity logic --------------------------------------------------------------------------

def test_containment_and_jaccard_separate_copies_from_independent_reports():
    wire, trimmed, edited, independent, unrelated = [
        dedup.shingles(a.text, a.blocks) for a in articles(WIRE, TRIMMED, EDITED, INDEPENDENT, UNRELATED)]
    m = dedup.verify(trimmed, wire)
    # the outlet's page lost two paragraphs and its dateline agency: every sequence it keeps is the wire's
    assert m.is_copy and m.containment >= 0.98 and m.jaccard < 0.8
    m = dedup.verify(edited, wire)
    assert m.is_copy and 0.85 < m.containment < 1.0
    # the other direction: the full story adds two paragraphs to the stored trimmed copy -> not a copy of it
    assert not dedup.verify(wire, trimmed).is_copy
    # same attack, same facts, other words: nothing alike at the level of 5-word sequences
    assert dedup.verify(independent, wire).containment < 0.1 and not dedup.verify(independent, wire).is_copy
    assert dedup.verify(unrelated, wire).containment == 0.0


def test_short_texts_and_one_paragraph_briefs_are_never_merged():
    a = dedup.shingles("Police arrested two men in Kabul on Tuesday after a shooting at a checkpoint, officials said.")
    assert dedup.verify(a, a).containment == 1.0 and not dedup.verify(a, a).is_copy  # under MIN_SHINGLES
    wire = articles(WIRE)[0]
    body = dedup.body_text(wire.text, wire.blocks)
    lead = dedup.shingles(" ".join(body.split("\n")[:2]))  # a brief: the first two paragraphs
    m = dedup.verify(lead, dedup.shingles(wire.text, wire.blocks))
    assert m.containment == 1.0 and m.jaccard < dedup.MIN_JACCARD and not m.is_copy


def test_shingles_come_from_body_blocks_only():
    body = ("NAIROBI, March 5 (Reuters) - A roadside bomb struck a police vehicle near Elwak on Wednesday, "
            "killing three officers, police said.")
    plain = prepare(body)
    framed = prepare("Bomb kills three officers in Mandera\n\n" + body + "\n\nRelated: Curfew extended in Lamu "
                     "after night raids\n\nCopyright 2025 The Coast Herald. All rights reserved.")
    assert [b.kind for b in framed.blocks if b.kind != "body"]  # title, related links, copyright recognised
    assert dedup.shingles(framed.text, framed.blocks) == dedup.shingles(plain.text, plain.blocks)
    assert len(dedup.shingles(plain.text, plain.blocks)) == 20 - dedup.SHINGLE_WORDS + 1  # 20 words ("-" is none)


def test_signature_is_deterministic_and_lsh_finds_the_copy():
    w, t, i = articles(WIRE, TRIMMED, INDEPENDENT)
    s1, s2 = dedup.Signature.of(w), dedup.Signature.of(w)
    assert s1.bands == s2.bands and len(s1.bands) == dedup.lsh_params()[0]
    assert all(0 <= h < 2 ** 64 for h in s1.bands)
    index = dedup.ChunkIndex()
    index.add(w.id, s1)
    assert index.candidates(dedup.Signature.of(t)) == [w.id]
    assert index.candidates(dedup.Signature.of(i)) == []


def test_threshold_is_checked():
    assert dedup.check_threshold("0.9") == 0.9
    for bad in ("x", 0, 1.5, float("nan")):
        with pytest.raises(Exception) as e:
            dedup.check_threshold(bad)
        assert getattr(e.value, "code", None) == "EW070"


# ---- ingest ----------------------------------------------------------------------------------------

def test_copies_in_one_chunk_are_stored_once_and_never_parsed(tmp_path, extracted):
    r = ingest(tmp_path, DATA)
    wire, trimmed, edited, indep, unrel = articles(WIRE, TRIMMED, EDITED, INDEPENDENT, UNRELATED)
    assert (r.added, r.near_duplicates, r.duplicates, r.drops) == (3, 2, 0, [])
    assert sorted(extracted) == sorted([wire.id, indep.id, unrel.id])  # the copies cost no parse
    assert "2 near-duplicates (kept as extra sources of the stored article)" in r.to_text()
    assert r.to_dict()["near_duplicates"] == 2
    src = sources(tmp_path)
    assert set(src) == {wire.id, indep.id, unrel.id}
    rows = src[wire.id]
    assert [x["source_id"] for x in rows] == [wire.id, trimmed.id, edited.id]
    assert [x["agency"] for x in rows] == ["Reuters", "The Coast Herald", "Nairobi Today"]
    assert rows[2]["url"].startswith("https://nairobitoday.example/") and rows[2]["title"].startswith("Mandera:")
    assert rows[1]["similarity"] >= 0.98 and 0.85 < rows[2]["similarity"] < 1.0
    assert [len(src[indep.id]), len(src[unrel.id])] == [1, 1]
    with Store(str(tmp_path / "d.duckdb"), read_only=True) as s:
        summ = s.summary()
        assert (summ["articles"], summ["reports"], summ["events"]) == (3, 5, 3)


def test_copies_arriving_in_a_later_run_and_reingest_is_idempotent(tmp_path, extracted):
    r1 = ingest(tmp_path, WIRE, INDEPENDENT)
    assert (r1.added, r1.near_duplicates) == (2, 0)
    extracted.clear()
    r2 = ingest(tmp_path, TRIMMED, EDITED, UNRELATED)
    assert (r2.added, r2.near_duplicates) == (1, 2)
    assert extracted == [articles(UNRELATED)[0].id]
    extracted.clear()
    r3 = ingest(tmp_path, DATA)
    assert (r3.added, r3.near_duplicates, r3.duplicates) == (0, 0, 5) and extracted == []
    wire = articles(WIRE)[0]
    assert len(sources(tmp_path)[wire.id]) == 3


def test_copy_first_then_full_story(tmp_path, extracted):
    # the trimmed copy is stored first; the full story adds two paragraphs -> stored on its own
    r = ingest(tmp_path, TRIMMED)
    r2 = ingest(tmp_path, WIRE)
    assert (r.added, r2.added, r2.near_duplicates) == (1, 1, 0)


def test_no_near_dup_stores_every_report_and_later_runs_index_them(tmp_path, extracted, monkeypatch):
    r = ingest(tmp_path, WIRE, INDEPENDENT, near_dup=False)
    assert r.added == 2
    with Store(str(tmp_path / "d.duckdb")) as s:
        assert len(s.articles_without_bands(dedup.scheme())) == 2
    r = ingest(tmp_path, TRIMMED, near_dup=False)
    assert (r.added, r.near_duplicates) == (1, 0)
    monkeypatch.setenv("EVENTWATCH_NEAR_DUP", "0")
    assert ingest(tmp_path, EDITED).added == 1
    monkeypatch.delenv("EVENTWATCH_NEAR_DUP")
    # with the check on again, the articles stored without bands are indexed first
    r = ingest(tmp_path, UNRELATED)
    with Store(str(tmp_path / "d.duckdb")) as s:
        assert s.articles_without_bands(dedup.scheme()) == []
    assert r.added == 1


def test_stored_articles_without_bands_are_found_after_indexing(tmp_path, extracted):
    ingest(tmp_path, WIRE, near_dup=False)
    r = ingest(tmp_path, TRIMMED)  # the wire story gets its bands at the start of this run
    assert (r.added, r.near_duplicates) == (0, 1)


def test_replace_of_the_stored_article_keeps_its_copies(tmp_path, extracted):
    ingest(tmp_path, WIRE, TRIMMED)
    wire = articles(WIRE)[0]
    corrected = tmp_path / "corrected.jsonl"
    text = wire.text.replace("killing three officers", "killing four officers")
    corrected.write_text(json.dumps({"id": wire.id, "text": text, "agency": "Reuters"}) + "\n")
    extracted.clear()
    r = ingest(tmp_path, corrected)
    assert r.conflicts == 1 and extracted == [wire.id]  # same id, other text: never taken for a copy of itself
    r = ingest(tmp_path, corrected, replace=True)
    assert (r.replaced, r.near_duplicates) == (1, 0)
    rows = sources(tmp_path)[wire.id]
    assert [x["source_id"] for x in rows] == [wire.id, articles(TRIMMED)[0].id]
    with Store(str(tmp_path / "d.duckdb")) as s:
        assert "four officers" in s.article(wire.id).text
        assert s.articles_without_bands(dedup.scheme()) == []  # bands of the new text
    # and the replaced text still catches copies
    assert ingest(tmp_path, EDITED).near_duplicates == 1


def test_exact_copy_under_another_id_is_a_source(tmp_path, extracted):
    wire = articles(WIRE)[0]
    feed = tmp_path / "feed.jsonl"
    feed.write_text(json.dumps({"id": "daily-nation-123", "text": wire.text, "agency": "Daily Nation"}) + "\n")
    ingest(tmp_path, WIRE)
    r = ingest(tmp_path, feed)
    assert (r.near_duplicates, r.duplicates) == (1, 0)
    assert [x["agency"] for x in sources(tmp_path)[wire.id]] == ["Reuters", "Daily Nation"]
    assert ingest(tmp_path, feed).duplicates == 1


def test_copy_of_an_article_dropped_in_the_same_chunk_is_stored_itself(tmp_path, monkeypatch):
    wire_id = articles(WIRE)[0].id

    def failing(chunk, n_process=None, **kw):
        for a in chunk:
            yield a, ([] if a.id != wire_id else None), ("boom" if a.id == wire_id else None)

    monkeypatch.setattr(api, "extract_articles", failing)
    r = ingest(tmp_path, WIRE, TRIMMED, EDITED)
    # the wire story failed: its copies are not lost but extracted and stored themselves (the edited
    # one has two paragraphs more than the trimmed one, so it is not a copy of it)
    assert [d.code for d in r.drops] == ["EW012"]
    assert (r.added, r.near_duplicates) == (2, 0)
    assert set(sources(tmp_path)) == {articles(TRIMMED)[0].id, articles(EDITED)[0].id}


def test_plan_chunk_checks_copies_before_extraction(tmp_path):
    with Store(":memory:") as s:
        w, t, e, i, u = articles(WIRE, TRIMMED, EDITED, INDEPENDENT, UNRELATED)
        plan = dedup.plan_chunk(s, [w, t, e, i, u])
        assert [a.id for a in plan.keep] == [w.id, i.id, u.id]
        assert [(c.article.id, c.of, c.in_chunk) for c in plan.copies] == [(t.id, w.id, True), (e.id, w.id, True)]
        s.add(w, [])
        s.put_bands_many([plan.index_entry(w)], dedup.scheme())
        plan = dedup.plan_chunk(s, [t, i])
        assert [(c.article.id, c.of, c.in_chunk) for c in plan.copies] == [(t.id, w.id, False)]


# ---- end to end ------------------------------------------------------------------------------------

@pytest.mark.slow
def test_cli_end_to_end(tmp_path, capsys):
    from eventwatch.cli import main

    db = str(tmp_path / "e.duckdb")
    assert main(["ingest", str(DATA), "--db", db, "--quiet", "--workers", "1"]) == 0
    out = capsys.readouterr().out
    assert "3 added" in out and "2 near-duplicates (kept as extra sources of the stored article)" in out
    assert main(["summary", "--db", db, "--examples", "0"]) == 0
    out = capsys.readouterr().out
    assert "articles: 3" in out and "reports: 5 (2 near-duplicate copies" in out
    assert main(["events", "--db", db, "--format", "json"]) == 0
    evs = [json.loads(x) for x in capsys.readouterr().out.splitlines()]
    ids = {e["article_id"] for e in evs}
    wire, trimmed, edited, indep, _ = articles(WIRE, TRIMMED, EDITED, INDEPENDENT, UNRELATED)
    assert wire.id in ids and indep.id in ids  # both reports of the attack keep their own events
    assert not ids & {trimmed.id, edited.id}  # the copies add none
    db2 = str(tmp_path / "n.duckdb")
    assert main(["ingest", str(DATA), "--db", db2, "--quiet", "--workers", "1", "--no-near-dup", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["added"] == 5


def test_bands_made_another_way_are_recomputed(tmp_path, extracted):
    ingest(tmp_path, WIRE)
    with Store(str(tmp_path / "d.duckdb")) as s:  # as if an older eventwatch had indexed it
        s.con.execute("UPDATE article_minhash SET scheme = 'v0-old'")
        s.con.execute("UPDATE article_bands SET hash = hash + 1")
    r = ingest(tmp_path, TRIMMED)
    assert r.near_duplicates == 1


def test_threshold_and_switch_from_the_environment(tmp_path, extracted, monkeypatch):
    monkeypatch.setenv("EVENTWATCH_NEAR_DUPLICATE_THRESHOLD", "often")
    with pytest.raises(Exception) as e:
        ingest(tmp_path, WIRE)
    assert getattr(e.value, "code", None) == "EW070"
    # 0.95: the trimmed copy (every sequence in the wire) still is one, the edited copy (0.91) no longer
    monkeypatch.setenv("EVENTWATCH_NEAR_DUPLICATE_THRESHOLD", "0.95")
    r = ingest(tmp_path, WIRE, TRIMMED, EDITED)
    assert (r.added, r.near_duplicates) == (2, 1)
    monkeypatch.setenv("EVENTWATCH_NEAR_DUP", "off")
    assert ingest(tmp_path, INDEPENDENT).added == 1
    from eventwatch.settings import Settings

    assert Settings.load().near_dup is False
    monkeypatch.setenv("EVENTWATCH_NEAR_DUP", "1")
    assert Settings.load().near_dup is True


def test_copies_across_chunks_of_one_run(tmp_path, extracted, monkeypatch):
    monkeypatch.setattr(api, "INGEST_CHUNK", 1)  # every article its own chunk: copies meet only in the database
    r = ingest(tmp_path, DATA)
    assert (r.added, r.near_duplicates) == (3, 2)
    assert len(sources(tmp_path)[articles(WIRE)[0].id]) == 3
