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
from tests.live_sandbox import statuses_today

#: Each route the Overview reads once, except volumes-by-service: the year's allowances and use.
COLD_CALLS = {
    # The list, the window's counts, today's and the four windows before (the comparison and
    # the unusual rule).
    "GET /service": 7,
    "GET /platform-stats": 1,
    "GET /platform-stats/daily-volumes-report": 1,
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
def test_cold_it_makes_twelve_calls_whatever_the_number_of_services(request, cache, platform):
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
    assert isinstance(overview.trend, Ready)


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
    platform = overview.platform_today.value.platform.set_index("channel")
    assert platform.loc["sms", "total"] == stats.sms.total
    assert platform.loc["email", "test_key"] == stats.email.test_key


def test_todays_figures_by_channel_are_the_sum_of_all_services_rows(live_sandbox, cache):
    """One definition: the Overview's requested and failed by channel today are what every
    service's row on All services adds up to; the causes name how /platform-stats differs."""
    context = context_on(live_sandbox, cache)
    today = london_today()

    overview = load_overview(context, today)

    rows = context.clients.services.get_services_detailed(today, today)
    table = load_all_services(context, SENDERS_DAYS, today).value.table
    by_channel = overview.platform_today.value.by_channel.set_index("channel")
    for channel in ("email", "sms", "letter"):
        assert by_channel.loc[channel, "requested"] == table[f"{channel}_today"].sum()
        assert by_channel.loc[channel, "failed"] == sum(
            getattr(row.statistics, channel).failed for row in rows
        )
    assert "leaving out validation-failed" in overview.platform_today.value.difference


#: /platform-stats' failure fields and the causes they are shown as, written out here.
PLATFORM_CAUSES = {
    "permanent_failure": "Permanent failure",
    "temporary_failure": "Temporary failure",
    "technical_failure": "Technical failure",
    "virus_scan_failed": "Virus scan failed (letters)",
}
CHANNEL_NAMES = {"email": "Emails", "sms": "Text messages", "letter": "Letters"}


def test_todays_causes_are_the_platform_stats_answer(live_sandbox, cache):
    context = context_on(live_sandbox, cache)
    today = london_today()

    causes = load_overview(context, today).platform_today.value.causes

    stats = context.clients.platform.get_platform_stats(today, today)
    expected = {
        (label, cause): getattr(getattr(stats, channel).failures, field)
        for channel, label in CHANNEL_NAMES.items()
        for field, cause in PLATFORM_CAUSES.items()
        if getattr(getattr(stats, channel).failures, field)
    }
    shown = {(row["Channel"], row["Cause"]): row["Failed"] for _, row in causes.iterrows()}
    assert shown == expected and len(shown) >= 3


def test_platform_stats_differ_from_all_services_by_exactly_the_statuses_named(live_sandbox, cache):
    """Where /platform-stats and the sum of All services' rows differ, the difference is the
    count of the statuses the page names, read from the sandbox's own file: totals count
    cancelled ones; the causes leave out validation-failed and the older failed."""
    context = context_on(live_sandbox, cache)
    today = london_today()

    platform_today = load_overview(context, today).platform_today.value

    difference = platform_today.difference
    assert "cancelled" in difference
    assert "validation-failed" in difference and "the older failed" in difference
    statuses = statuses_today(live_sandbox.database)
    by_channel = platform_today.by_channel.set_index("channel")
    platform = platform_today.platform.set_index("channel")
    causes = platform_today.causes
    differing = 0
    for channel, label in CHANNEL_NAMES.items():
        counts = statuses[channel]
        requested = by_channel.loc[channel, "requested"]
        assert platform.loc[channel, "total"] - requested == counts["cancelled"]
        in_causes = causes.loc[causes["Channel"] == label, "Failed"].sum()
        left_out = counts["validation-failed"] + counts["failed"]
        assert by_channel.loc[channel, "failed"] - in_causes == left_out
        differing += counts["cancelled"] + left_out
    assert differing > 0  # the sandbox has statuses that make the two differ


def test_the_trend_is_the_daily_volumes_report_for_thirty_days(live_sandbox, cache):
    context = context_on(live_sandbox, cache)
    today = london_today()

    trend = load_overview(context, today).trend.value

    rows = context.clients.platform.get_daily_volumes(trend.start, today)
    assert (today - trend.start).days == 29
    assert len(trend.table) == 30
    emails = trend.days[trend.days["label"] == "Emails"].set_index("day")["count"]
    assert {row.day: row.email_totals for row in rows} == {
        day: count for day, count in emails.items() if count
    }
    assert trend.table["Day"].iloc[0].endswith("(so far)")


def test_the_trend_is_built_once_for_the_same_daily_volumes(live_sandbox, cache, redis_client):
    context = context_on(live_sandbox, cache)
    today = london_today()

    first = load_overview(context, today).trend.value
    warm = load_overview(context, today).trend.value
    redis_client.flushdb()  # the answer expires: read from the API again
    reread = load_overview(context, today).trend.value

    assert warm is first
    assert reread is not first and reread.table.equals(first.table)
