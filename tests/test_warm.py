"""The warm-up job against the sandbox and a real Redis: after it runs, the platform pages
make no API call; it reloads only what is missing or near its end, and a failure loses
nothing."""

import pytest
import redis

from dashboard import warm
from dashboard.cache.policy import DEFAULT_TTLS
from dashboard.cache.request_cache import (
    NOT_DUE,
    REFRESH_FAILED,
    REFRESHED,
    RequestCache,
    recording,
)
from dashboard.domain.comparison import earlier_windows
from dashboard.domain.financial_year import london_today
from dashboard.loaders.all_services import load_all_services, window_start
from dashboard.loaders.allowances import load_allowances
from dashboard.loaders.context import LoaderContext
from dashboard.loaders.overview import SENDERS_DAYS, load_overview
from dashboard.loaders.sections import Ready
from dashboard.loaders.service_page import service_choices
from dashboard.notify_client import NotifyClients, build_clients
from dashboard.notify_client.derived import current_window, packed_of, window_counts
from notify_sandbox.serving import BackgroundSandbox
from tests.conftest import TEST_SECRET, clients_without_cache, settings_for_tests


@pytest.fixture
def sandbox_clients(live_sandbox: BackgroundSandbox, cache: RequestCache) -> NotifyClients:
    return build_clients(settings_for_tests(api_host_name=live_sandbox.url), cache)


def test_after_a_run_the_platform_pages_make_no_api_call(live_sandbox, sandbox_clients):
    warmed = warm.warm_platform(sandbox_clients)
    live_sandbox.reset_request_counts()
    context = LoaderContext(clients=sandbox_clients, api_label=live_sandbox.url)
    today = london_today()

    with recording() as lookups:
        load_overview(context, today)
        load_all_services(context, SENDERS_DAYS, today)
        load_allowances(context, today.year if today.month >= 4 else today.year - 1)
        service_choices(sandbox_clients)

    assert [item.done for item in warmed] == [REFRESHED] * len(warmed)
    assert live_sandbox.request_counts() == {}
    assert lookups and {lookup.outcome for lookup in lookups} == {"hit"}


def test_after_a_run_every_window_the_pages_offer_is_the_apis_and_costs_no_call(
    live_sandbox, sandbox_clients
):
    """All services offers 1 to 90 days (a service page up to its retention, 90 at most):
    each window, and the four of its length before it, is summed from the days the job keeps."""
    today = london_today()
    warm.warm_platform(sandbox_clients, today)
    live_sandbox.reset_request_counts()
    context = LoaderContext(clients=sandbox_clients, api_label=live_sandbox.url)
    windows = range(1, warm.LONGEST_WINDOW_DAYS + 1)

    with recording() as lookups:
        sections = [load_all_services(context, days, today) for days in windows]
    made = {
        days: current_window(sandbox_clients, window_start(days, today), today) for days in windows
    }

    assert live_sandbox.request_counts() == {}
    assert all(isinstance(section, Ready) and not section.value.missing for section in sections)
    # A window the job did not sum is summed by its first reader from the kept days.
    assert {lookup.kind for lookup in lookups if lookup.outcome != "hit"} <= {
        "window-counts",
        "window-counts-settled",
    }
    api = clients_without_cache(settings_for_tests(api_host_name=live_sandbox.url))
    for days in windows:
        start = window_start(days, today)
        expected = {
            row.id: row.statistics for row in api.services.get_services_detailed(start, today)
        }
        assert {row.id: row.statistics for row in made[days]} == expected, days
        first, last = earlier_windows(start, today)[-1]
        before = {
            row.id: packed_of(row.statistics)
            for row in api.services.get_services_detailed(first, last)
            if any(packed_of(row.statistics))
        }
        assert window_counts(sandbox_clients, first, last, today) == before, days


def test_what_is_current_is_left_alone_and_what_is_near_its_end_is_reloaded(
    live_sandbox, sandbox_clients, redis_client: redis.Redis
):
    warm.warm_platform(sandbox_clients)
    redis_client.pexpire("services", 100_000)  # 100 s of its hour left
    live_sandbox.reset_request_counts()

    warmed = {
        item.key: item.done for item in warm.warm_platform(sandbox_clients, due_within_seconds=200)
    }

    assert warmed.pop("services") == REFRESHED
    assert set(warmed.values()) == {NOT_DUE}
    assert live_sandbox.request_counts() == {"GET /service": 1}
    assert redis_client.ttl("services") > DEFAULT_TTLS["services"] - 60


def test_a_run_when_the_api_is_down_keeps_every_value(cache: RequestCache, redis_client):
    down = build_clients(settings_for_tests(api_host_name="http://127.0.0.1:9"), cache)
    redis_client.set("services", b'{"data": []}', ex=60)

    warmed = {item.key: item for item in warm.warm_platform(down)}

    assert warmed["services"].done == REFRESH_FAILED and not warmed["services"].ok
    assert redis_client.get("services") == b'{"data": []}'


def test_the_command_warms_once_and_says_what_it_did(
    live_sandbox, redis_server, redis_client, monkeypatch, caplog
):
    monkeypatch.setenv("REDIS_URL", redis_server.url)
    monkeypatch.setenv("API_HOST_NAME", live_sandbox.url)
    monkeypatch.setenv("ADMIN_CLIENT_SECRET", TEST_SECRET)

    with caplog.at_level("INFO"):
        assert warm.main([]) == 0

    assert redis_client.exists("services", "service-names") == 2
    assert "refreshed" in caplog.text


def test_a_run_asks_only_what_is_due_to_be_refreshed(live_sandbox, sandbox_clients, redis_client):
    warm.warm_platform(sandbox_clients)
    scripts = redis_client.info("commandstats").get("cmdstat_eval", {}).get("calls", 0)

    again = warm.warm_platform(sandbox_clients, due_within_seconds=0)

    assert {item.done for item in again} == {NOT_DUE}
    assert len(again) > 455  # every day a page can count, and the rest
    assert redis_client.info("commandstats").get("cmdstat_eval", {}).get("calls", 0) == scripts
