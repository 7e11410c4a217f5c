# Two commands do all the set-up: `make run` and `make test` (see README.md).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
INDEX  ?= instance/index
PORT   ?= 8000

.PHONY: run test test-fast lint demo-index clean opensearch

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

# The OpenSearch backend's client, when SCRAPESEARCH_BACKEND=opensearch.
$(VENV)/.installed-opensearch: $(VENV)/.installed
	$(BIN)/python -m pip install --quiet -e '.[opensearch]'
	touch $@

ENGINE_DEPS := $(VENV)/.installed $(if $(filter opensearch,$(SCRAPESEARCH_BACKEND)),$(VENV)/.installed-opensearch)

# The demo index is built from the bundled samples the first time only (whichever backend
# SCRAPESEARCH_BACKEND names: `scrapesearch stats` says whether it has an index).
demo-index: $(ENGINE_DEPS)
	@if $(BIN)/scrapesearch stats --index-dir "$(INDEX)" >/dev/null 2>&1; then \
		echo "Using the existing index (delete it or run 'scrapesearch reindex' to rebuild)."; \
	else \
		$(BIN)/scrapesearch reindex --index-dir "$(INDEX)" samples/; \
	fi

run: demo-index
	@echo "Serving on http://127.0.0.1:$(PORT)"
	$(BIN)/scrapesearch serve --index-dir "$(INDEX)" --bind 127.0.0.1:$(PORT)

test: $(VENV)/.installed-dev
	$(BIN)/python -m pytest

# The developer's lane: everything but real-data, browser and gunicorn tests (under a minute).
test-fast: $(VENV)/.installed-dev
	$(BIN)/python -m pytest -m "not slow and not browser" -q

# A local one-node OpenSearch on 127.0.0.1:9200 for trying the OpenSearch backend (needs Java 17
# and Maven; Ctrl-C stops it). See README.md, "Past one machine".
opensearch:
	opensearch-node/start --nodes 1 --http 9200 --transport 9300

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .ruff_cache
