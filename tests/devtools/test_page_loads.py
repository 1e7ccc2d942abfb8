"""What the benchmark loads, against the sandbox over HTTP and a real Redis: the API calls each
load makes, counted by the sandbox."""

import time
from collections.abc import Iterator
from uuid import uuid4

import pytest
import redis

from dashboard.cache.policy import DEFAULT_TTLS
from dashboard.cache.request_cache import RequestCache
from dashboard.domain.financial_year import current_financial_year, london_today
from dashboard.notify_client import build_clients
from devtools import page_loads
from tests.conftest import TEST_SECRET, settings_for_tests

YEAR = current_financial_year()
PAGE_LOADS_DB = 9


def quiet(sandbox, still_for: float = 0.5, at_most: float = 15.0) -> dict[str, int]:
    """The sandbox's counts once no request has come for `still_for` seconds: a page's later
    parts (a failed page's too) go on reading in a thread of their own after it returns."""
    deadline = time.monotonic() + at_most
    counts = sandbox.request_counts()
    while time.monotonic() < deadline:
        time.sleep(still_for)
        again = sandbox.request_counts()
        if again == counts:
            break
        counts = again
    return counts


@pytest.fixture
def page_loads_redis(redis_server, live_sandbox) -> Iterator[redis.Redis]:
    """A database of the tests' Redis for these counts alone: an earlier test's page (an
    AppTest's later parts, in this worker) may still store what it read in the usual one after
    this test has emptied it, and a day it keeps would spare this test's page a call. Emptied
    once the sandbox is quiet, so that what an earlier page here still reads is gone too."""
    quiet(live_sandbox)
    client = redis.Redis.from_url(redis_server.url, db=PAGE_LOADS_DB)
    client.flushdb()
    yield client
    client.close()


@pytest.fixture
def sandbox_clients(live_sandbox, page_loads_redis):
    live_sandbox.reset_request_counts()
    cache = RequestCache(page_loads_redis, DEFAULT_TTLS, retry_after_seconds=0)
    return build_clients(settings_for_tests(api_host_name=live_sandbox.url), cache)


def calls(sandbox) -> dict[str, int]:
    counts = quiet(sandbox)
    sandbox.reset_request_counts()
    return counts


def test_allowances_the_bulk_way_are_four_calls_a_year_then_none(live_sandbox, sandbox_clients):
    page_loads.allowances_bulk(sandbox_clients, YEAR)
    cold = calls(live_sandbox)
    page_loads.allowances_bulk(sandbox_clients, YEAR)

    # The year's use, and the one-day probe that reads the year's allowance (see the README).
    assert cold == {
        "GET /platform-stats/data-for-billing-report": 1,
        "GET /platform-stats/volumes-by-service": 2,
        "GET /service": 1,
    }
    assert calls(live_sandbox) == {}


def test_allowances_the_per_service_way_are_two_calls_a_service(live_sandbox, sandbox_clients):
    live = [service.id for service in page_loads.live_services(sandbox_clients)][:3]
    calls(live_sandbox)

    results = page_loads.allowances_per_service(sandbox_clients, YEAR, live)

    assert len(results) == 6
    assert calls(live_sandbox) == {
        "GET /service/<service_id>/billing/free-sms-fragment-limit": 3,
        "GET /service/<service_id>/billing/monthly-usage": 3,
    }


def test_what_is_drawn_first_never_waits_on_monthly_usage(live_sandbox, sandbox_clients):
    service_id = page_loads.live_services(sandbox_clients)[0].id
    calls(live_sandbox)

    page_loads.service_counts_and_limits(sandbox_clients, service_id)

    cold = calls(live_sandbox)
    assert cold["GET /service/<service_id>/statistics"] == 2
    assert cold["GET /service/<service_id>/billing/yearly-usage-summary"] == 1
    assert "GET /service/<service_id>/billing/monthly-usage" not in cold


def test_a_service_page_reads_every_section_once_then_nothing(live_sandbox, sandbox_clients):
    service_id = page_loads.live_services(sandbox_clients)[0].id
    calls(live_sandbox)

    page = page_loads.service_page(sandbox_clients, live_sandbox.url, service_id)
    cold = calls(live_sandbox)
    page_loads.service_page(sandbox_clients, live_sandbox.url, service_id)

    assert page.service_id == service_id
    assert cold["GET /service/<service_id>/billing/monthly-usage"] == 1
    assert calls(live_sandbox) == {}


def test_a_page_that_fails_is_not_measured(live_sandbox, sandbox_clients):
    with pytest.raises(page_loads.PageFailed, match="no service"):
        page_loads.service_page(sandbox_clients, live_sandbox.url, str(uuid4()))


def test_a_refused_token_fails_the_all_services_page(live_sandbox, cache):
    refused = build_clients(
        settings_for_tests(api_host_name=live_sandbox.url, admin_client_secret="x" + TEST_SECRET),
        cache,
    )

    with pytest.raises(page_loads.PageFailed, match="refused"):
        page_loads.all_services(refused, live_sandbox.url, london_today())


def test_the_all_services_page_has_a_row_per_service(sandbox_clients, live_sandbox):
    page = page_loads.all_services(sandbox_clients, live_sandbox.url, london_today())

    assert len(page.table) == len(sandbox_clients.services.get_services())


def test_the_all_services_reads_are_the_pages_seven_calls(live_sandbox, sandbox_clients):
    page_loads.all_services_reads(sandbox_clients, london_today())
    cold = calls(live_sandbox)
    page_loads.all_services(sandbox_clients, live_sandbox.url, london_today())

    assert cold == {"GET /service": 7}
    assert calls(live_sandbox) == {}
