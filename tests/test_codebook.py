"""data/cameo.tsv is a complete, consistent CAMEO v1.1b3 codebook, and codebook.py answers from it."""
import csv
import subprocess
import sys

import pytest

from eventwatch.errors import EventwatchError
from eventwatch.extraction import codebook
from eventwatch.settings import DATA_DIR

PLOVER = {"AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT", "REQUEST", "ACCUSE", "REJECT",
          "THREATEN", "PROTEST", "SANCTION", "MOBILIZE", "COERCE", "ASSAULT"}


def raw_rows() -> list[dict]:
    with open(DATA_DIR / "cameo.tsv", encoding="utf-8") as fh:
        lines = [ln for ln in fh if ln.strip() and not ln.startswith("#")]
    return list(csv.DictReader(lines, delimiter="\t"))


def quad_of(root: str) -> int:
    r = int(root)
    return 1 if r <= 5 else 2 if r <= 9 else 3 if r <= 14 else 4


def test_file_is_a_complete_consistent_codebook():
    rows = raw_rows()
    codes = [r["code"] for r in rows]
    assert len(codes) == len(set(codes)), "duplicate codes"
    assert 280 <= len(codes) <= 300
    for r in rows:
        code = r["code"]
        assert code.isdigit() and len(code) in (3, 4), r
        assert r["root"] == code[:2], r
        assert int(r["quad_class"]) == quad_of(r["root"]), r
        assert -10.0 <= float(r["goldstein"]) <= 10.0, r
        assert r["plover"] in PLOVER, r
        assert r["name"] and r["name"] == r["name"].strip(), r
        if len(code) == 4:
            assert code[:3] in codes, f"{code} has no 3-digit parent"
    assert sorted({r["root"] for r in rows}) == [f"{i:02d}" for i in range(1, 21)]
    # every root has its "not specified" base code (010, 020, ..., 200)
    assert all(root + "0" in codes for root in codebook.roots())


def test_every_root_and_all_v1_1b3_subcodes_present():
    cb = codebook.codebook()
    for code in ["0211", "0214", "0256", "028", "0356", "046", "057", "0874", "094", "1056", "108", "1125",
                 "1246", "129", "1385", "139", "1454", "155", "1663", "176", "1831", "1834", "1952", "196",
                 "204", "2041", "2042"]:
        assert code in cb, code
    counts = {root: sum(1 for c in cb if c.startswith(root)) for root in codebook.roots()}
    assert counts["10"] == 27 and counts["18"] == 14 and counts["19"] == 9 and counts["20"] == 7


@pytest.mark.parametrize("code, name, root, quad, goldstein, plover", [
    ("0234", "Appeal for military protection or peacekeeping", "02", 1, 3.4, "REQUEST"),
    ("1831", "Carry out suicide bombing", "18", 4, -10.0, "ASSAULT"),
    ("040", "Consult, not specified below", "04", 1, 1.0, "CONSULT"),
    ("190", "Use conventional military force, not specified below", "19", 4, -10.0, "ASSAULT"),
    ("057", "Sign formal agreement", "05", 1, 8.0, "SUPPORT"),
    ("0871", "Declare truce, ceasefire", "08", 2, 9.0, "RETREAT"),
    ("0813", "Ease curfew", "08", 2, 5.0, "RETREAT"),
    ("083", "Accede to requests or demands for political reform, not specified below", "08", 2, 5.0, "CONCEDE"),
    ("091", "Investigate crime, corruption", "09", 2, -2.0, "ACCUSE"),
    ("1053", "Demand release of persons or property", "10", 3, -5.0, "REQUEST"),
    ("111", "Criticize or denounce", "11", 3, -2.0, "ACCUSE"),
    ("173", "Arrest, detain, or charge with legal action", "17", 4, -5.0, "COERCE"),
    ("163", "Impose embargo, boycott, or sanctions", "16", 4, -8.0, "SANCTION"),
    ("154", "Mobilize or increase armed forces", "15", 4, -7.2, "MOBILIZE"),
    ("202", "Engage in mass killings", "20", 4, -10.0, "ASSAULT"),
    ("0874", "Retreat or surrender militarily", "08", 2, 10.0, "RETREAT"),
])
def test_known_values(code, name, root, quad, goldstein, plover):
    ci = codebook.info(code)
    assert (ci.code, ci.name, ci.root, ci.quad_class, ci.goldstein, ci.plover) == (
        code, name, root, quad, goldstein, plover)


def test_lookups_and_unknown_codes():
    assert codebook.is_valid("0234") and codebook.is_valid("190")
    assert not codebook.is_valid("234")  # codes are strings with their leading zero
    assert not codebook.is_valid("19") and not codebook.is_valid("999") and not codebook.is_valid(190)
    assert codebook.roots() == [f"{i:02d}" for i in range(1, 21)]
    assert codebook.root_name("18") == "ASSAULT" == codebook.root_name(18) == codebook.root_name("1833")
    assert codebook.root_name("04") == "CONSULT"
    with pytest.raises(EventwatchError) as exc:
        codebook.info("0999")
    assert exc.value.code == "EW060" and "0999" in str(exc.value) and exc.value.hint
    with pytest.raises(EventwatchError):
        codebook.root_name("21")
    assert codebook.codebook() is codebook.codebook()  # loaded once


def test_loading_does_not_import_spacy():
    code = ("import sys; from eventwatch.extraction import codebook; codebook.codebook(); "
            "assert 'spacy' not in sys.modules, 'spacy imported'")
    subprocess.run([sys.executable, "-c", code], check=True)
