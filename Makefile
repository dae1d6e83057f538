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

run: $(VENV)/.installed
	$(VENV)/bin/kg ingest --store $(STORE) examples $(SHARED_ARTICLES)
	$(VENV)/bin/kg serve --store $(STORE)

test: $(VENV)/.installed
	$(VENV)/bin/python -m pytest
