# The two commands a new user needs: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
CHECKED := dashboard devtools notify_sandbox tests
# pytest-xdist workers for `make test`: more than the cores, since many tests wait on a server
# or a browser (make test TEST_WORKERS=1 runs them one by one).
TEST_WORKERS ?= 3

.PHONY: run test lint chromium bench backtest traffic screenshots notebook alerts

$(INSTALLED): requirements.txt
	@echo "Setting up $(VENV): Python packages from requirements.txt (about a minute the first time)…"
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	@# One line per package as pip collects it, and pip's own exit status.
	bash -c '$(BIN)/python -m pip install --progress-bar off -r requirements.txt \
		| grep --line-buffered -E "^(Collecting|Installing|Successfully|ERROR)"; exit $${PIPESTATUS[0]}'
	touch $(INSTALLED)
	@echo "$(VENV) is ready."

## Serve the dashboard on http://localhost:8501 (or PORT), with the sandbox API (on 6011, or
## API_PORT) and the embedded Redis: `make run PORT=8600 API_PORT=6012`.
run: $(INSTALLED)
	$(BIN)/python -m devtools.serve $(if $(PORT),--port $(PORT)) $(if $(API_PORT),--api-port $(API_PORT))

## Beside `make run`: check the alert rules every minute and send through the sandbox's Notify
## (ALERTS_FILE defaults to docs/alerts.example.toml; EVERY=5m to check less often).
alerts: $(INSTALLED)
	ALERTS_FILE=$${ALERTS_FILE:-docs/alerts.example.toml} \
		$(BIN)/python -m dashboard.alerts run --every $${EVERY:-1m}

## Lint first (as the Notify admin's Makefile does), make sure there is a Chromium, then run
## every test (cache, client, sandbox, pages, browser, notebook), in parallel (pytest-xdist; the
## tests that share a module's server in one worker).
test: lint chromium
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadgroup

## Lint (ruff), formatting (ruff format), import order (isort) and types (mypy, see mypy.ini).
lint: $(INSTALLED)
	$(BIN)/ruff check $(CHECKED)
	$(BIN)/ruff format --check $(CHECKED)
	$(BIN)/isort --check-only --diff $(CHECKED)
	$(BIN)/mypy

## The browser tests' Chromium: the one on the PATH, else Playwright's download, else apt as root.
chromium: $(INSTALLED)
	$(BIN)/python -m devtools.chromium

## Issue 7's figures at 500, 2,000 and 10,000 services (cold ones with the real API's latency),
## then a working day of readers against a sandbox as slow as the platform (devtools/working_day.py).
bench: $(INSTALLED)
	$(BIN)/python -m devtools.bench

## The year-end forecast against the sandbox's past years (coverage of its 80 % range, errors).
backtest: $(INSTALLED)
	$(BIN)/python -m devtools.backtest

## Drive realistic page views through the loaders to fill the cache telemetry (the running
## API, or a sandbox of its own when none answers).
traffic: $(INSTALLED)
	$(BIN)/python -m devtools.traffic --views 5000 --seed 1

## Renew the README's screenshots from the browser tests.
screenshots: chromium
	UPDATE_SCREENSHOTS=1 $(BIN)/python -m pytest tests/browser -q

## Open notebooks/ in JupyterLab (installed into .venv on first use). Jupyter refuses to run as
## root without --allow-root, so it is added for uid 0 (NOTEBOOK_UID, the user's own by default).
NOTEBOOK_UID ?= $(shell id -u)
notebook: $(INSTALLED)
	@echo "Installing JupyterLab into $(VENV) (once)…"
	$(BIN)/python -m pip install --quiet -r requirements-notebook.txt
	$(BIN)/jupyter lab $(if $(filter 0,$(NOTEBOOK_UID)),--allow-root) notebooks/
