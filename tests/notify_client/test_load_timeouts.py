"""Each kind's API call gets its kind's timeout: a platform-wide list is not cut off at a
per-service call's 10 s, and a call made outside the cache keeps the client's own."""

from datetime import date
from pathlib import Path

import pytest

from dashboard.cache.policy import DEFAULT_TTLS, LOAD_TIMEOUTS, load_timeouts
from dashboard.cache.request_cache import RequestCache
from dashboard.notify_client import build_clients
from dashboard.settings import load_settings
from notify_sandbox.platform_latency import platform_seconds
from tests.conftest import TEST_API, settings_for_tests
from tests.samples import sample_body, sample_service_id


def test_the_services_list_waits_longer_than_one_service(redis_client, requests_mock):
    cache = RequestCache(
        redis_client, DEFAULT_TTLS, load_timeouts=LOAD_TIMEOUTS, default_load_timeout=10.0
    )
    clients = build_clients(settings_for_tests(api_timeout_seconds=7.0), cache)
    service_id = sample_service_id()
    listed = requests_mock.get(f"{TEST_API}/service", json=sample_body("GET_service_list"))
    one = requests_mock.get(f"{TEST_API}/service/{service_id}", json=sample_body("GET_service"))

    clients.services.get_services()
    clients.services.get_service(service_id)
    outside_the_cache = clients.services.get(f"/service/{service_id}")

    assert listed.last_request.timeout == LOAD_TIMEOUTS["services"] > 10.0
    assert one.request_history[0].timeout == 10.0
    assert outside_the_cache["data"]["id"] == service_id
    assert one.request_history[1].timeout == 7.0


def test_the_slowest_platform_call_has_more_than_its_cost_at_platform_scale():
    # live-services-data takes 10.5 s on a platform of 2,000 services.
    assert LOAD_TIMEOUTS["live-services"] > 2 * 10.5
    assert all(kind in DEFAULT_TTLS for kind in LOAD_TIMEOUTS)


#: The slowest call of each platform-wide kind that a page or the warm-up job makes, on
#: 2 December 2026: a window of 91 days (the longest a page offers), this financial year so
#: far, and a whole past year.
TODAY, THIS_YEAR = date(2026, 12, 2), 2026
WINDOW = {"detailed": "True", "start_date": "2026-09-02", "end_date": "2026-12-02"}
SETTLED_WINDOW = {"detailed": "True", "start_date": "2026-06-01", "end_date": "2026-08-30"}
SO_FAR = {"start_date": "2026-04-01", "end_date": "2026-12-02"}
PAST_YEAR = {"start_date": "2025-04-01", "end_date": "2026-03-31"}
SLOWEST = {
    "services": ("/service", {}),
    "live-services": ("/service/live-services-data", {}),
    "services-detailed": ("/service", WINDOW),
    "services-detailed-settled": ("/service", SETTLED_WINDOW),
    "volumes-by-service": ("/platform-stats/volumes-by-service", SO_FAR),
    "volumes-by-service-settled": ("/platform-stats/volumes-by-service", SO_FAR),
    "volumes-by-service-closed-year": ("/platform-stats/volumes-by-service", PAST_YEAR),
    "billing-report": ("/platform-stats/data-for-billing-report", SO_FAR),
    "billing-report-settled": ("/platform-stats/data-for-billing-report", SO_FAR),
    "billing-report-closed-year": ("/platform-stats/data-for-billing-report", PAST_YEAR),
}


@pytest.mark.parametrize("services", [500, 2000, 10_000, 50_000])
def test_each_platform_calls_timeout_is_twice_its_cost_at_that_size_and_its_lock_outlasts_it(
    services,
):
    """At 10,000 services the services list costs 25.5 s and this year's billing report 15.5 s,
    past the 20 s and 15 s that fit 2,000 services: the timeouts grow with the platform."""
    timeouts = load_timeouts(services)
    cache = RequestCache(None, DEFAULT_TTLS, load_timeouts=timeouts, default_load_timeout=10.0)

    assert set(SLOWEST) == set(LOAD_TIMEOUTS)
    for kind, (rule, arguments) in SLOWEST.items():
        cost = platform_seconds(rule, "view", arguments, services, TODAY, THIS_YEAR)
        assert timeouts[kind] >= 2 * cost, (kind, cost, timeouts[kind])
        assert timeouts[kind] >= LOAD_TIMEOUTS[kind]
        assert cache.lock_seconds(kind) > timeouts[kind]
        assert cache.wait_seconds(kind) >= timeouts[kind]


def test_the_platforms_size_is_a_setting_and_its_calls_carry_the_timeout_it_gives(
    redis_client, requests_mock
):
    settings = load_settings({"PLATFORM_SERVICES": "10000"}, secrets_file=Path("/nonexistent"))
    cache = RequestCache(
        redis_client,
        DEFAULT_TTLS,
        load_timeouts=load_timeouts(settings.platform_services),
        default_load_timeout=10.0,
    )
    clients = build_clients(settings_for_tests(), cache)
    listed = requests_mock.get(f"{TEST_API}/service", json=sample_body("GET_service_list"))

    clients.services.get_services()

    assert listed.last_request.timeout == 100.0  # five times 2,000 services' 20 s
    assert cache.lock_seconds("services") == 105.0
    assert load_settings({}, secrets_file=Path("/nonexistent")).platform_services == 2000
