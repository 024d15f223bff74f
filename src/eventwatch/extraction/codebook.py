"""The CAMEO v1.1b3 event codebook: name, root, quad class, Goldstein weight and PLOVER type per code.

The codes live in data/cameo.tsv (its header comment says where each column comes from); this module
reads the file once per process and answers look-ups from a dict, so it is cheap to call per event.
It imports nothing heavy: the store, the API and the tests use it without spaCy.
"""
from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache

from ..errors import error
from ..settings import DATA_DIR

FILE = "cameo.tsv"
COLUMNS = ["code", "name", "root", "quad_class", "goldstein", "plover"]
QUAD_NAMES = {1: "verbal cooperation", 2: "material cooperation", 3: "verbal conflict", 4: "material conflict"}
# The 20 cue categories, as the CAMEO manual names them (rows of cameo.tsv are 3- and 4-digit codes only)
ROOT_NAMES = {
    "01": "MAKE PUBLIC STATEMENT", "02": "APPEAL", "03": "EXPRESS INTENT TO COOPERATE", "04": "CONSULT",
    "05": "ENGAGE IN DIPLOMATIC COOPERATION", "06": "ENGAGE IN MATERIAL COOPERATION", "07": "PROVIDE AID",
    "08": "YIELD", "09": "INVESTIGATE", "10": "DEMAND", "11": "DISAPPROVE", "12": "REJECT", "13": "THREATEN",
    "14": "PROTEST", "15": "EXHIBIT FORCE POSTURE", "16": "REDUCE RELATIONS", "17": "COERCE", "18": "ASSAULT",
    "19": "FIGHT", "20": "USE UNCONVENTIONAL MASS VIOLENCE",
}


@dataclass(frozen=True)
class CodeInfo:
    """One CAMEO event code. ``quad_class``: 1 verbal coop, 2 material coop, 3 verbal conflict, 4 material conflict."""

    code: str
    name: str
    root: str
    quad_class: int
    goldstein: float
    plover: str


@lru_cache(maxsize=1)
def codebook() -> dict[str, CodeInfo]:
    """Every CAMEO code, keyed by its string code, in file order.

    >>> codebook()["1831"].name
    'Carry out suicide bombing'
    """
    path = DATA_DIR / FILE
    with open(path, encoding="utf-8") as fh:
        lines = [ln for ln in fh if ln.strip() and not ln.startswith("#")]
    reader = csv.DictReader(lines, delimiter="\t")
    if reader.fieldnames != COLUMNS:
        raise error("EW021", name=FILE, detail=f"header is {reader.fieldnames}, expected {COLUMNS}")
    out: dict[str, CodeInfo] = {}
    for n, r in enumerate(reader, start=2):
        try:
            ci = CodeInfo(r["code"], r["name"], r["root"], int(r["quad_class"]), float(r["goldstein"]), r["plover"])
        except (TypeError, ValueError) as exc:
            raise error("EW021", name=FILE, detail=f"row {n} ({r.get('code')!r}): {exc}") from None
        if ci.code in out:
            raise error("EW021", name=FILE, detail=f"code {ci.code} appears twice")
        out[ci.code] = ci
    return out


def is_valid(code) -> bool:
    """Whether ``code`` is a CAMEO event code (a string such as ``"0234"``; ``"234"`` is not one).

    >>> is_valid("0234"), is_valid("234"), is_valid("19")
    (True, False, False)
    """
    return isinstance(code, str) and code in codebook()


def info(code: str) -> CodeInfo:
    """The codebook entry of ``code``; EW060 for a code that is not in CAMEO v1.1b3.

    >>> info("190").goldstein
    -10.0
    """
    found = codebook().get(code.strip()) if isinstance(code, str) else None
    if found is None:
        raise error("EW060", value=code)
    return found


def roots() -> list[str]:
    """The 20 two-digit roots, in order: ``["01", "02", ..., "20"]``."""
    return list(ROOT_NAMES)


def root_name(root) -> str:
    """The CAMEO name of a root; takes the root (``"18"``, ``18``) or any code under it (``"1831"``).

    >>> root_name("1831")
    'ASSAULT'
    """
    key = f"{root:02d}" if isinstance(root, int) else str(root).strip()[:2]
    if key not in ROOT_NAMES:
        raise error("EW060", value=root)
    return ROOT_NAMES[key]
