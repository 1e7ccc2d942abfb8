"""The Overview loader: the same fixed number of API calls cold for a small and a larger
platform, none warm, and sections equal to those of the pages they link to."""

from collections.abc import Iterator

import pytest

from dashboard.domain.financial_year import current_financial_year, london_today
from dashboard.loaders.all_services import load_all_services
from dashboard.loaders.allowances import load_allowances
from dashboard.loaders.context import LoaderContext
from dashboard.loaders.overview import SENDERS_DAYS, load_overview
from dashboard.loaders.sections import Ready
from dashboard.notify_client import build_clients
from notify_sandbox import build_database
from notify_sandbox.serving import BackgroundSandbox
from tests.conftest import TEST_SECRET, settings_for_tests

#: Each route the Overview reads once, except volumes-by-service: the year's allowances and use.
COLD_CALLS = {
    "GET /service": 3,  # the list, the window's counts and today's
    "GET /platform-stats": 1,
    "GET /platform-stats/volumes-by-service": 2,
    "GET /platform-stats/data-for-billing-report": 1,
}


@pytest.fixture(scope="module")
def small_sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BackgroundSandbox]:
    database = build_database(tmp_path_factory.mktemp("small") / "sandbox.sqlite", 5, 12)
    sandbox = BackgroundSandbox(database, "notify-admin", TEST_SECRET).start()
    yield sandbox
    sandbox.stop()


def context_on(sandbox: BackgroundSandbox, cache) -> LoaderContext:
    clients = build_clients(settings_for_tests(api_host_name=sandbox.url), cache)
    return LoaderContext(clients=clients, api_label=sandbox.url)


@pytest.mark.parametrize("platform", ["small_sandbox", "live_sandbox"])
def test_cold_it_makes_seven_calls_whatever_the_number_of_services(request, cache, platform):
    sandbox: BackgroundSandbox = request.getfixturevalue(platform)
    today = london_today()
    expected = dict(COLD_CALLS)
    if (today.month, today.day) == (4, 1):  # the year so far is the probe's own range
        expected["GET /platform-stats/volumes-by-service"] = 1
    sandbox.reset_request_counts()

    overview = load_overview(context_on(sandbox, cache), today)

    assert sandbox.request_counts() == expected
    assert isinstance(overview.platform_today, Ready)
    assert isinstance(overview.services, Ready)
    assert isinstance(overview.allowances, Ready)


def test_warm_it_makes_none_and_its_sections_are_those_of_the_linked_pages(live_sandbox, cache):
    context = context_on(live_sandbox, cache)
    today = london_today()
    load_overview(context, today)
    live_sandbox.reset_request_counts()

    overview = load_overview(context, today)

    assert live_sandbox.request_counts() == {}
    services = load_all_services(context, SENDERS_DAYS, today).value
    assert overview.services.value.table.equals(services.table)
    allowances = load_allowances(context, current_financial_year()).value
    assert overview.allowances.value.tables.sectors.equals(allowances.tables.sectors)
    stats = context.clients.platform.get_platform_stats(today, today)
    platform = overview.platform_today.value.set_index("channel")
    assert platform.loc["sms", "total"] == stats.sms.total
    assert platform.loc["email", "test_key"] == stats.email.test_key
