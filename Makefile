# Two entry points: `make run` (set up, ingest the examples, serve) and `make test`.
PYTHON ?= python3
VENV ?= .venv
STORE ?= kg-store
SHARED_ARTICLES := $(wildcard ../shared/corpus/text)

.PHONY: run test

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/python -m pip install --quiet --editable '.[test]'
	touch $@

# The query page's YASGUI and the Comunica client of the tests, from package-lock.json.
# Without npm there is no marker, so the next run tries again.
node_modules/.installed: package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
		npm ci --ignore-scripts --no-audit --no-fund && touch $@; \
	else \
		echo "npm not found: the query page (/sparql) will be a plain form and the Comunica test will be skipped;"; \
		echo "install Node.js and npm for YASGUI"; \
	fi

run: $(VENV)/.installed node_modules/.installed
	$(VENV)/bin/kg ingest --store $(STORE) examples $(SHARED_ARTICLES)
	$(VENV)/bin/kg serve --store $(STORE)

test: $(VENV)/.installed node_modules/.installed
	$(VENV)/bin/python -m pytest
