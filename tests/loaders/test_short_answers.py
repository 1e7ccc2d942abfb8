"""Short and doubled platform answers never change a total in silence.

Every platform endpoint the Overview, All services and Allowances read is cut in the sandbox
(half its rows, its rows twice, its first row only, none; for `/platform-stats`, an object,
half its channels, the same, its first channel only, none), one at a time: the services
list, the counts for the window (with the four earlier windows), for the window before on its
own, for the three windows before that on their own, for today, volumes-by-service twice, the
billing report, the daily volumes report and the platform statistics. Each page's loader is
run on it with no cache (so no last good copy hides the answer). A load whose totals differ
from the whole answers' must say so: the section failed, a part is named missing, or the
services its totals exclude are not those of the whole answers. Silently wrong loads: 0.
"""

import json
import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta

import pandas as pd
import pytest
from flask import Response, request

from dashboard.domain.allowance_table import totals
from dashboard.domain.financial_year import current_financial_year, london_today
from dashboard.domain.service_table import headline_counts
from dashboard.loaders.all_services import AllServices, load_all_services
from dashboard.loaders.allowances import Allowances, load_allowances
from dashboard.loaders.context import LoaderContext
from dashboard.loaders.overview import PlatformToday, Trend, load_overview
from dashboard.loaders.sections import Failed, Section
from notify_sandbox import build_database
from notify_sandbox.serving import BackgroundSandbox
from tests.conftest import TEST_SECRET, clients_without_cache, settings_for_tests

MUTATIONS: dict[str, Callable[[list], list]] = {
    "half": lambda rows: rows[: len(rows) // 2],
    "doubled": lambda rows: rows + rows,
    "first row only": lambda rows: rows[:1],
    "empty": lambda rows: [],
}
#: The same cuts of an object (`/platform-stats`, by channel): JSON cannot name a key twice.
OBJECT_MUTATIONS: dict[str, Callable[[dict], dict]] = {
    "half": lambda body: dict(list(body.items())[: len(body) // 2]),
    "doubled": lambda body: body,
    "first row only": lambda body: dict(list(body.items())[:1]),
    "empty": lambda body: {},
}


def _dates() -> tuple[str | None, str | None]:
    return request.args.get("start_date"), request.args.get("end_date")


#: The last day of the window before All services' week (`earlier_windows`: 8 days each).
WINDOW_BEFORE_END = london_today() - timedelta(days=8)


def _earlier(ends: Callable[[date], bool]) -> bool:
    """A detailed list of an earlier window whose last day `ends` accepts."""
    start, end = _dates()
    return (
        request.path == "/service"
        and "detailed" in request.args
        and start != end
        and end is not None
        and ends(date.fromisoformat(end))
    )


#: Each platform endpoint the platform pages read, told apart by its path and dates.
ENDPOINTS: dict[str, Callable[[], bool]] = {
    "services list": lambda: request.path == "/service" and "detailed" not in request.args,
    # The window's list (a week to today) and the four earlier windows' lists, together, then
    # the window before on its own and the three before it on their own.
    "counts for the window": lambda: (
        request.path == "/service" and "detailed" in request.args and len(set(_dates())) == 2
    ),
    "counts for the window before": lambda: _earlier(lambda end: end == WINDOW_BEFORE_END),
    "counts for the three windows before that": lambda: _earlier(
        lambda end: end < WINDOW_BEFORE_END
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
    "daily-volumes-report": lambda: request.path.endswith("/daily-volumes-report"),
    "platform-stats": lambda: request.path == "/platform-stats",
}
PAGE_ENDPOINTS = {
    "All services": (
        "services list",
        "counts for the window",
        "counts for the window before",
        "counts for the three windows before that",
        "counts for today",
    ),
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
        if fault.endpoint == "platform-stats":
            response.set_data(json.dumps(OBJECT_MUTATIONS[fault.mutation](body)))
            return response
        wrapped = isinstance(body, dict)
        rows = MUTATIONS[fault.mutation](body["data"] if wrapped else body)
        response.set_data(json.dumps({**body, "data": rows} if wrapped else rows))
        return response

    sandbox.start()
    yield sandbox, fault
    sandbox.stop()


def _services_figures(section: Section[AllServices]) -> dict[str, object]:
    """The headline counts, the window's and the window before's sums, and the services the
    unusual rule flags."""
    table = section.value.table
    summed = ("requested", "failed", "sent_today", "previous_requested", "previous_failed")
    return {
        **headline_counts(table),
        **{f"sum of {column}": float(table[column].sum()) for column in summed if column in table},
        "unusual": (
            sorted(table.loc[table["failure_unusual"].astype(bool), "service_id"])
            if "failure_unusual" in table
            else None
        ),
    }


def _trend_figures(section: Section[Trend]) -> dict[str, object]:
    """Each day's count by channel, a blank day as None."""
    days = section.value.days
    return {
        f"{row['day']} {row['label']}": None if pd.isna(row["count"]) else int(row["count"])
        for row in days.to_dict("records")
    }


def _today_figures(section: Section[PlatformToday]) -> dict[str, object]:
    """Today by channel, and the failures by cause and test-key sends when shown."""
    today = section.value
    figures = {"by channel": today.by_channel.to_dict("records")}
    for name, frame in (("causes", today.causes), ("platform", today.platform)):
        figures[name] = None if frame is None else frame.to_dict("records")
    return figures


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
    if section.freshness.stale_since is not None:
        return True
    if isinstance(value, Trend):
        return value.missing is not None and value.missing != whole_value.missing
    if isinstance(value, PlatformToday):
        return value.causes_missing is not None or value.left_out is not None
    tables = getattr(value, "tables", value)
    whole_tables = getattr(whole_value, "tables", whole_value)
    return bool(value.missing) or {item.service_id for item in tables.excluded} != {
        item.service_id for item in whole_tables.excluded
    }


def _loads(context: LoaderContext, today: date) -> dict[str, Callable[[], dict[str, Section]]]:
    year = current_financial_year()
    return {
        "All services": lambda: {"services": load_all_services(context, 7, today)},
        "Allowances": lambda: {"allowances": load_allowances(context, year, today)},
        "Overview": lambda: (
            lambda overview: {
                "services": overview.services,
                "allowances": overview.allowances,
                "trend": overview.trend,
                "today": overview.platform_today,
            }
        )(load_overview(context, today)),
    }


FIGURES = {
    "services": _services_figures,
    "allowances": _allowance_figures,
    "trend": _trend_figures,
    "today": _today_figures,
}


def test_no_mutated_answer_changes_a_total_in_silence(faulty, capsys):
    sandbox, fault = faulty
    clients = clients_without_cache(settings_for_tests(api_host_name=sandbox.url))
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
    assert tried == 4 * (5 + 4 + len(ENDPOINTS))
    assert wrong >= tried  # every cut changes a figure of at least one part, and each is said
