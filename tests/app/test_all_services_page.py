"""The All services page: one table for every service, from a handful of API calls."""

from datetime import timedelta

from dashboard.app_pages.shared import runtime
from dashboard.cache import telemetry
from dashboard.cache.policy import DEFAULT_TTLS
from dashboard.cache.request_cache import RequestCache
from dashboard.domain.financial_year import london_today
from dashboard.notify_client import build_clients
from dashboard.notify_client.services import SERVICE_NAMES_KEY
from tests.app.conftest import open_page
from tests.conftest import settings_for_tests

PAGE = "app_pages/all_services.py"


def table(at):
    return at.dataframe[0].value


def test_every_service_is_listed_with_the_apis_counts(app_environment, live_sandbox):
    clients = build_clients(
        settings_for_tests(api_host_name=live_sandbox.url), RequestCache(None, DEFAULT_TTLS)
    )
    today = london_today()
    expected = {
        row.id: row.statistics
        for row in clients.services.get_services_detailed(today - timedelta(days=7), today)
    }

    at = open_page(PAGE)

    assert not at.exception
    shown = table(at)
    assert len(shown) == 60
    assert {metric.label: metric.value for metric in at.metric}["Services"] == "60"
    for _, row in shown.iterrows():
        service_id = row["link"].split("service_id=")[1].split("&")[0]
        statistics = expected[service_id]
        channels = [statistics.email, statistics.sms, statistics.letter]
        assert row["requested"] == sum(counts.requested for counts in channels)
        assert row["failed"] == sum(counts.failed for counts in channels)


def test_the_table_is_read_in_three_api_calls(app_environment, live_sandbox, redis_client):
    """The services list, the window's counts and today's: no call per service."""
    at = open_page(PAGE)
    runtime().cache.flush_telemetry()

    api_calls = sorted(
        event["kind"]
        for event in telemetry.read_events(redis_client)
        if event["outcome"] == "miss" and event["key"] != telemetry.key_hash(SERVICE_NAMES_KEY)
    )
    assert not at.exception
    assert api_calls == ["services", "services-detailed", "services-detailed"]


def test_services_near_or_over_a_limit_come_first_and_can_be_filtered(app_environment):
    at = open_page(PAGE)
    everything = table(at)

    at.sidebar.checkbox[0].check().run()

    near = table(at)
    assert 0 < len(near) < len(everything)
    assert (near["limit_used"] >= 0.8).all()
    assert list(everything["limit_used"][: len(near)]) == list(near["limit_used"])


def test_search_and_mode_filters(app_environment):
    at = open_page(PAGE)
    first_name = table(at)["link"].iloc[0].split("#", 1)[1]

    at.sidebar.text_input[0].input(first_name).run()
    assert list(table(at)["link"].str.split("#").str[1]) == [first_name]

    at.sidebar.text_input[0].input("").run()
    at.sidebar.radio[0].set_value("Trial").run()
    assert set(table(at)["mode"]) == {"Trial"}


def test_rows_link_to_their_service_page_with_the_window(app_environment):
    at = open_page(PAGE, days="30")

    links = table(at)["link"]
    assert links.str.startswith("/?service_id=").all()
    assert links.str.contains("&days=30#").all()
    assert at.sidebar.slider[0].value == 30
