# Two commands for a fresh machine (Python >= 3.11 and the package registries):
#   make demo   set up, ingest the bundled sample corpus, print a summary
#   make test   set up, run the whole test suite (what .ci/run calls)
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
DEMO_DB ?= demo.duckdb

.PHONY: demo test test-fast bench evaluate clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "eventwatch needs Python >= 3.11"'
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[test]'
	touch $@

demo: $(VENV)/.installed
	rm -f $(DEMO_DB)
	$(VENV)/bin/eventwatch assets import samples/assets.geojson --db $(DEMO_DB)
	$(VENV)/bin/eventwatch ingest samples/articles --db $(DEMO_DB)
	$(VENV)/bin/eventwatch summary --db $(DEMO_DB) --examples 8

test: $(VENV)/.installed
	$(PY) -m pytest -q -ra

test-fast: $(VENV)/.installed
	$(PY) -m pytest -q -m "not slow"

evaluate: $(VENV)/.installed
	$(VENV)/bin/eventwatch evaluate samples/gold.jsonl
	@if [ -f ../shared/eval/dev.jsonl ]; then $(VENV)/bin/eventwatch evaluate ../shared/eval/dev.jsonl; fi

bench: $(VENV)/.installed
	$(PY) benchmarks/throughput.py

clean:
	rm -rf $(VENV) $(DEMO_DB) .pytest_cache
