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
	$(BIN)/python -m dashboard.serve

## Check import order, then run every test (cache, client, sandbox, pages, browser, notebook).
test: $(INSTALLED)
	$(BIN)/isort --check-only --diff dashboard tests
	$(BIN)/python -m pytest

lint: $(INSTALLED)
	$(BIN)/ruff check dashboard tests
	$(BIN)/ruff format --check dashboard tests
	$(BIN)/isort --check-only --diff dashboard tests

## Measure the cache: warm against cold pages, telemetry on against off, batched against one by one.
bench: $(INSTALLED)
	$(BIN)/python -m dashboard.bench

## Drive realistic page views through the loaders to fill the cache telemetry (the running
## API, or a sandbox of its own when none answers).
traffic: $(INSTALLED)
	$(BIN)/python -m dashboard.traffic --views 5000 --seed 1

## Renew the README's screenshots from the browser tests.
screenshots: $(INSTALLED)
	UPDATE_SCREENSHOTS=1 $(BIN)/python -m pytest tests/browser -q

## Open notebooks/ in JupyterLab (installed into .venv on first use).
notebook: $(INSTALLED)
	$(BIN)/python -m pip install --quiet -r requirements-notebook.txt
	$(BIN)/jupyter lab notebooks/
