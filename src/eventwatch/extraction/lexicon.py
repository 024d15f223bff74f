"""Reading the lexicon data files (data/lexicon/*.tsv): one place, so every stage parses them alike."""
from __future__ import annotations

import csv
from functools import lru_cache

from ..settings import DATA_DIR


def data_rows(path: str) -> list[dict[str, str]]:
    """The rows of the TSV file data/PATH as dicts; lines starting with # are comments."""
    with open(DATA_DIR / path, encoding="utf-8") as fh:
        lines = [ln for ln in fh if ln.strip() and not ln.startswith("#")]
    return list(csv.DictReader(lines, delimiter="\t"))


def rows(name: str) -> list[dict[str, str]]:
    """The rows of data/lexicon/NAME."""
    return data_rows(f"lexicon/{name}")


@lru_cache(maxsize=None)
def word_set(name: str) -> frozenset[str]:
    """A closed word set of the parse rules, from data/lexicon/wordsets.tsv.

    >>> "hold" in word_set("light_verbs")
    True
    """
    for r in rows("wordsets.tsv"):
        if r["set"] == name:
            return frozenset(w for w in r["words"].split("|") if w)
    raise KeyError(f"word set {name!r} missing from data/lexicon/wordsets.tsv")
