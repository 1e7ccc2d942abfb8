"""Short and doubled platform answers never change a total in silence.

Every platform endpoint the Overview, All services and Allowances read is cut in the sandbox
(half its rows, its rows twice, its first row only, none), one at a time, and each page's
loader is run on it with no cache (so no last good copy hides the answer). A load whose totals
differ from the whole answers' must say so: the section failed, a part is named missing, or the
services its totals exclude are not those of the whole answers. Silently wrong loads: 0.
"""

import json
import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date

import pytest
from flask import Response, request

from dashboard.cache.policy import DEFAULT_TTLS
from dashboard.cache.request_cache import RequestCache
from dashboard.domain.allowance_table import totals
from dashboard.domain.financial_year import current_financial_year, london_today
from dashboard.domain.service_table import headline_counts
from dashboard.loaders.all_services import AllServices, load_all_services
from dashboard.loaders.allowances import Allowances, load_allowances
from dashboard.loaders.context import LoaderContext
from dashboard.loaders.overview import load_overview
from dashboard.loaders.sections import Failed, Section
from dashboard.notify_client import build_clients
from notify_sandbox import build_database
from notify_sandbox.serving import BackgroundSandbox
from tests.conftest import TEST_SECRET, settings_for_tests

MUTATIONS: dict[str, Callable[[list], list]] = {
    "half": lambda rows: rows[: len(rows) // 2],
    "doubled": lambda rows: rows + rows,
    "first row only": lambda rows: rows[:1],
    "empty": lambda rows: [],
}


def _dates() -> tuple[str | None, str | None]:
    return request.args.get("start_date"), request.args.get("end_date")


#: Each list endpoint the platform pages read, told apart by its path and dates.
ENDPOINTS: dict[str, Callable[[], bool]] = {
    "services list": lambda: request.path == "/service" and "detailed" not in request.args,
    "counts for the window": lambda: (
        request.path == "/service" and "detailed" in request.args and len(set(_dates())) == 2
    ),
    "counts for today": lambda: (
        request.path == "/service" and "detailed" in request.args and len(set(_dates())) == 1
    ),
    "volumes-by-service, 1 April probe": lambda: (
        request.path.endswith("/volumes-by-service") and len(set(_dates())) == 1
    ),
    "volumes-by-service, the year": lambda: (
        request.path.endswith("/volumes-by-service") and len(set(_dates())) == 2
    ),
    "data-for-billing-report": lambda: request.path.endswith("/data-for-billing-report"),
}
PAGE_ENDPOINTS = {
    "All services": ("services list", "counts for the window", "counts for today"),
    "Allowances": (
        "services list",
        "volumes-by-service, 1 April probe",
        "volumes-by-service, the year",
        "data-for-billing-report",
    ),
    "Overview": tuple(ENDPOINTS),
}


@dataclass
class Fault:
    """Which endpoint the sandbox cuts, and how; none when both are None."""

    endpoint: str | None = None
    mutation: str | None = None


@pytest.fixture(scope="module")
def faulty(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[BackgroundSandbox, Fault]]:
    """A sandbox of 60 services whose answers a test can cut, one endpoint at a time."""
    database = build_database(tmp_path_factory.mktemp("short") / "sandbox.sqlite", 5, 60)
    sandbox = BackgroundSandbox(database, "notify-admin", TEST_SECRET)
    fault = Fault()

    @sandbox.app.after_request
    def cut(response: Response) -> Response:
        if fault.endpoint is None or not ENDPOINTS[fault.endpoint]() or response.status_code != 200:
            return response
        body = response.get_json()
        wrapped = isinstance(body, dict)
        rows = MUTATIONS[fault.mutation](body["data"] if wrapped else body)
        response.set_data(json.dumps({**body, "data": rows} if wrapped else rows))
        return response

    sandbox.start()
    yield sandbox, fault
    sandbox.stop()


def _services_figures(section: Section[AllServices]) -> dict[str, object]:
    table = section.value.table
    return {
        **headline_counts(table),
        **{
            f"sum of {column}": float(table[column].sum())
            for column in ("requested", "failed", "sent_today")
            if column in table
        },
    }


def _allowance_figures(section: Section[Allowances]) -> dict[str, object]:
    tables = section.value.tables
    figures: dict[str, object] = dict(totals(tables))
    for row in tables.sectors.to_dict("records"):
        figures |= {f"{row['sector']} {name}": value for name, value in row.items()}
    return {name: _comparable(value) for name, value in figures.items()}


def _comparable(value: object) -> object:
    """Pounds to the penny; a share of no allowance (NaN) as None, which equals itself."""
    if isinstance(value, float):
        return None if math.isnan(value) else round(value, 2)
    return value


def _said(section: Section, whole: Section) -> bool:
    """The page says its totals are not the whole answers': failed, a part missing, other
    services excluded, or an old copy."""
    if isinstance(section, Failed):
        return True
    value, whole_value = section.value, whole.value
    tables = getattr(value, "tables", value)
    whole_tables = getattr(whole_value, "tables", whole_value)
    return (
        bool(value.missing)
        or {item.service_id for item in tables.excluded}
        != {item.service_id for item in whole_tables.excluded}
        or section.freshness.stale_since is not None
    )


def _loads(context: LoaderContext, today: date) -> dict[str, Callable[[], dict[str, Section]]]:
    year = current_financial_year()
    return {
        "All services": lambda: {"services": load_all_services(context, 7, today)},
        "Allowances": lambda: {"allowances": load_allowances(context, year, today)},
        "Overview": lambda: (
            lambda overview: {"services": overview.services, "allowances": overview.allowances}
        )(load_overview(context, today)),
    }


FIGURES = {"services": _services_figures, "allowances": _allowance_figures}


def test_no_mutated_answer_changes_a_total_in_silence(faulty, capsys):
    sandbox, fault = faulty
    clients = build_clients(
        settings_for_tests(api_host_name=sandbox.url), RequestCache(None, DEFAULT_TTLS)
    )
    context = LoaderContext(clients=clients, api_label=sandbox.url)
    today = london_today()
    loads = _loads(context, today)
    fault.endpoint = fault.mutation = None
    whole = {page: load() for page, load in loads.items()}
    tried = wrong = 0
    silent: list[str] = []
    for page, endpoints in PAGE_ENDPOINTS.items():
        for endpoint in endpoints:
            for mutation in MUTATIONS:
                fault.endpoint, fault.mutation = endpoint, mutation
                try:
                    sections = loads[page]()
                finally:
                    fault.endpoint = fault.mutation = None
                tried += 1
                for part, section in sections.items():
                    truth = whole[page][part]
                    same = not isinstance(section, Failed) and FIGURES[part](section) == FIGURES[
                        part
                    ](truth)
                    if same:
                        continue
                    wrong += 1
                    if not _said(section, truth):
                        silent.append(f"{page} / {part}: {endpoint}, {mutation}")
    with capsys.disabled():
        print(f"\nshort answers: {tried} loads, {wrong} totals differ, {len(silent)} silently")
    assert silent == [], "\n".join(silent)
    assert tried == 4 * (3 + 4 + 6)
    assert wrong >= tried  # every cut changes a figure of at least one part, and each is said
