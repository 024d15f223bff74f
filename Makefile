# Two commands for a fresh machine (Python >= 3.11, Node.js >= 18 and the package registries):
#   make demo   set up, ingest the bundled sample corpus, print a summary, serve the dashboard
#   make test   set up, run the whole test suite (what .ci/run calls)
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
DEMO_DB ?= demo.duckdb
PORT ?= 8000
# the dashboard, built from web/ into the package (not committed: it bundles third-party code)
WEB_BUILT := src/eventwatch/web/static/index.html

.PHONY: demo serve web test test-fast bench evaluate clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "eventwatch needs Python >= 3.11"'
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[test]'
	touch $@

web: $(WEB_BUILT)

$(WEB_BUILT): web/package.json web/package-lock.json web/build.mjs $(shell find web/src -type f 2>/dev/null)
	cd web && npm ci --no-audit --no-fund && npm run build

demo: $(VENV)/.installed web
	rm -f $(DEMO_DB)
	$(VENV)/bin/eventwatch assets import samples/assets.geojson --db $(DEMO_DB)
	$(VENV)/bin/eventwatch ingest samples/articles samples/story/articles --db $(DEMO_DB)
	$(VENV)/bin/eventwatch summary --db $(DEMO_DB) --examples 8
	$(VENV)/bin/eventwatch demo --db $(DEMO_DB) --port $(PORT)

serve: $(VENV)/.installed web
	$(VENV)/bin/eventwatch serve --db $(DEMO_DB) --port $(PORT) --open-reads

test: $(VENV)/.installed web
	cd web && npm test --silent
	$(PY) -m pytest -q -ra

test-fast: $(VENV)/.installed web
	$(PY) -m pytest -q -m "not slow"

evaluate: $(VENV)/.installed
	$(VENV)/bin/eventwatch evaluate samples/gold.jsonl
	@if [ -f ../shared/eval/dev.jsonl ]; then $(VENV)/bin/eventwatch evaluate ../shared/eval/dev.jsonl; fi

bench: $(VENV)/.installed
	$(PY) benchmarks/throughput.py

clean:
	rm -rf $(VENV) $(DEMO_DB) .pytest_cache web/node_modules src/eventwatch/web/static
