"""A service day by day: each day's detailed list read once into a small key every service's
page shares, settled days kept a month, and the days adding up to the API's own window."""

from datetime import timedelta

import pytest

from dashboard.cache.policy import DAY, DEFAULT_TTLS
from dashboard.cache.request_cache import RequestCache
from dashboard.domain.financial_year import london_today
from dashboard.loaders.context import LoaderContext
from dashboard.loaders.sections import Ready
from dashboard.loaders.service_trend import load_service_trend
from dashboard.notify_client import build_clients
from tests.conftest import settings_for_tests


@pytest.fixture
def context(live_sandbox, redis_client) -> LoaderContext:
    cache = RequestCache(redis_client, DEFAULT_TTLS)
    clients = build_clients(settings_for_tests(api_host_name=live_sandbox.url), cache)
    return LoaderContext(clients, live_sandbox.url)


def busiest(context: LoaderContext) -> str:
    today = london_today()
    rows = context.clients.services.get_services_detailed(today - timedelta(days=7), today)
    return max(rows, key=lambda row: row.statistics.email.requested).id


@pytest.mark.parametrize("days", [1, 7, 14])
def test_the_days_add_up_to_the_apis_window(context, days):
    service_id = busiest(context)
    today = london_today()

    section = load_service_trend(context, service_id, days, today)

    assert isinstance(section, Ready)
    trend = section.value
    statistics = context.clients.services.get_service_statistics(service_id, days)
    for channel, label in (("email", "Emails"), ("sms", "Text messages")):
        shown = trend.days[trend.days["label"] == label]
        counts = getattr(statistics, channel)
        requested = shown[shown["measure"] == "Requested"]["count"].sum()
        failed = shown[shown["measure"] == "Failed"]["count"].sum()
        assert (requested, failed) == (counts.requested, counts.failed)
    assert len(trend.table) == days + 1
    assert trend.table["Day"].iloc[0].endswith("(so far)")


def test_each_day_is_read_once_for_every_service_and_settled_days_kept_a_month(
    context, live_sandbox, redis_client
):
    today = london_today()
    services = context.clients.services.get_services()
    live_sandbox.reset_request_counts()

    load_service_trend(context, services[0].id, 14, today)
    cold = dict(live_sandbox.request_counts())
    live_sandbox.reset_request_counts()
    for service in services[1:6]:
        load_service_trend(context, service.id, 14, today)

    assert cold == {"GET /service": 15}  # one call per day, never per service
    assert live_sandbox.request_counts() == {}
    settled = redis_client.ttl(f"day-counts-{(today - timedelta(days=14)).isoformat()}")
    recent = redis_client.ttl(f"day-counts-{today.isoformat()}")
    assert 30 * DAY - 5 <= settled <= 30 * DAY
    assert recent <= DEFAULT_TTLS["daily-counts"]
    whole = redis_client.ttl(
        f"services-detailed-{today - timedelta(days=14)}-{today - timedelta(days=14)}-False"
    )
    assert whole <= DEFAULT_TTLS["services-detailed-day"]
    small = len(redis_client.get(f"day-counts-{today.isoformat()}") or b"")
    assert small > 0
