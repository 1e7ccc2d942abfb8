"""Each kind's API call gets its kind's timeout: a platform-wide list is not cut off at a
per-service call's 10 s, and a call made outside the cache keeps the client's own."""

from dashboard.cache.policy import DEFAULT_TTLS, LOAD_TIMEOUTS
from dashboard.cache.request_cache import RequestCache
from dashboard.notify_client import build_clients
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
