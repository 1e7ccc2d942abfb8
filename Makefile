# The two commands a new user needs: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed

.PHONY: run test lint bench traffic screenshots notebook

$(INSTALLED): requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $(INSTALLED)

## Serve the dashboard on http://localhost:8501, with the sandbox API and the embedded Redis.
run: $(INSTALLED)
	$(BIN)/python -m devtools.serve

## Check import order, then run every test (cache, client, sandbox, pages, browser, notebook).
test: $(INSTALLED)
	$(BIN)/isort --check-only --diff dashboard devtools notify_sandbox tests
	$(BIN)/python -m pytest

lint: $(INSTALLED)
	$(BIN)/ruff check dashboard devtools notify_sandbox tests
	$(BIN)/ruff format --check dashboard devtools notify_sandbox tests
	$(BIN)/isort --check-only --diff dashboard devtools notify_sandbox tests

## Issue 7's figures at 500, 2,000 and 10,000 services (cold ones with the real API's latency).
bench: $(INSTALLED)
	$(BIN)/python -m devtools.bench

## Drive realistic page views through the loaders to fill the cache telemetry (the running
## API, or a sandbox of its own when none answers).
traffic: $(INSTALLED)
	$(BIN)/python -m devtools.traffic --views 5000 --seed 1

## Renew the README's screenshots from the browser tests.
screenshots: $(INSTALLED)
	UPDATE_SCREENSHOTS=1 $(BIN)/python -m pytest tests/browser -q

## Open notebooks/ in JupyterLab (installed into .venv on first use).
notebook: $(INSTALLED)
	$(BIN)/python -m pip install --quiet -r requirements-notebook.txt
	$(BIN)/jupyter lab notebooks/
