"""Each earlier window's counts kept small: read once from the detailed list, then from their
own key by every page that compares, settled windows kept a week."""

import json
from datetime import timedelta

from dashboard.cache.policy import DEFAULT_REFRESH_AHEAD, DEFAULT_TTLS
from dashboard.cache.request_cache import REFRESHED, RequestCache, recording
from dashboard.domain.financial_year import london_today
from dashboard.notify_client import build_clients
from dashboard.notify_client.derived import (
    current_window,
    day_counts,
    day_requests,
    service_choices,
    statistics_of,
    window_counts,
)
from tests.conftest import settings_for_tests

WEEK = 7 * 86400


def test_a_windows_counts_are_the_detailed_lists_and_read_once(live_sandbox, redis_client):
    clients = build_clients(
        settings_for_tests(api_host_name=live_sandbox.url),
        RequestCache(redis_client, DEFAULT_TTLS),
    )
    today = london_today()
    start, end = today - timedelta(days=23), today - timedelta(days=16)

    with recording() as cold:
        counts = window_counts(clients, start, end, today)
    with recording() as warm:
        again = window_counts(clients, start, end, today)

    rows = clients.services.get_services_detailed(start, end)
    for row in rows:
        assert statistics_of(counts.get(row.id, (0,) * 9)) == row.statistics
    assert again == counts
    # The list is checked against the picker's names (made from the services list, which
    # every page reads anyway): a list that leaves out a service is refused.
    assert sorted(lookup.kind for lookup in cold) == [
        "services",
        "services",
        "services-detailed-settled",
        "window-counts-settled",
    ]
    assert [(lookup.kind, lookup.outcome) for lookup in warm] == [("window-counts-settled", "hit")]
    ttl = redis_client.ttl(f"window-counts-{start}-{end}")
    assert WEEK - 5 <= ttl <= WEEK
    assert len(redis_client.get(f"window-counts-{start}-{end}")) * 5 < len(
        redis_client.get(f"services-detailed-{start}-{end}-False")
    )


def test_a_refresh_ahead_of_the_days_before_today_reads_their_list_when_a_day_is_gone(
    live_sandbox, redis_client
):
    """A reader with a day missing reads the window's own list; a refresh ahead, which nobody
    waits for, reads the days' list instead of failing, so the sum stays current."""
    cache = RequestCache(redis_client, DEFAULT_TTLS, refresh_ahead=DEFAULT_REFRESH_AHEAD)
    clients = build_clients(settings_for_tests(api_host_name=live_sandbox.url), cache)
    today = london_today()
    start, yesterday = today - timedelta(days=7), today - timedelta(days=1)
    days = [start + timedelta(days=n) for n in range(7)]
    cache.fetch_many(day_requests(clients, days, today))
    current_window(clients, start, today)  # sums the kept days into the window's key
    redis_client.delete(f"day-counts-{days[3]}")
    redis_client.pexpire(f"window-counts-{start}-{yesterday}", 10_000)  # near its end
    live_sandbox.reset_request_counts()

    with recording() as lookups:
        rows = current_window(clients, start, today)
    cache.wait_for_refreshes()

    assert {lookup.outcome for lookup in lookups} == {"hit"}
    assert cache.refresh_counts[REFRESHED] == 1
    assert live_sandbox.request_counts() == {"GET /service": 1}  # the days' list, in the background
    assert redis_client.ttl(f"window-counts-{start}-{yesterday}") > 60
    expected = clients.services.get_services_detailed(start, today)
    assert {row.id: row.statistics for row in rows} == {row.id: row.statistics for row in expected}


def test_a_window_and_its_days_read_again_from_redis_are_not_made_again(live_sandbox, redis_client):
    """Every reader's view of All services and the trend reads the same kept answers: their
    sums and projections are made once per value (the cache hands each reader a fresh dict of
    the same objects, which the memos must see as the same answer)."""
    clients = build_clients(
        settings_for_tests(api_host_name=live_sandbox.url),
        RequestCache(redis_client, DEFAULT_TTLS),
    )
    today = london_today()
    start = today - timedelta(days=6)
    days = [start + timedelta(days=n) for n in range(7)]
    day_counts(clients, days, today)  # keeps the days, so the window is summed from them
    first_rows, first_days = current_window(clients, start, today), day_counts(clients, days, today)

    rows, by_day = current_window(clients, start, today), day_counts(clients, days, today)

    assert rows is first_rows
    assert all(by_day[day] is first_days[day] for day in days)


def test_a_kept_list_read_before_a_service_existed_is_read_again_not_refused(
    live_sandbox, redis_client
):
    """A settled window's list is kept a week and the services list an hour, so the list may
    predate a service the services list names: it is read once more, and the counts stand."""
    clients = build_clients(
        settings_for_tests(api_host_name=live_sandbox.url),
        RequestCache(redis_client, DEFAULT_TTLS),
    )
    today = london_today()
    start, end = today - timedelta(days=30), today - timedelta(days=23)
    whole = clients.services.get_services_detailed(start, end)
    key = f"services-detailed-{start}-{end}-False"
    kept = json.loads(redis_client.get(key))
    rows = kept["data"] if isinstance(kept, dict) else kept
    newest = rows.pop()  # as if the list had been read before this service was made
    redis_client.set(key, json.dumps(kept), keepttl=True)
    service_choices(clients)  # the services list, which every page reads anyway
    live_sandbox.reset_request_counts()

    counts = window_counts(clients, start, end, today)

    assert live_sandbox.request_counts() == {"GET /service": 1}  # the list, once more
    for row in whole:
        assert statistics_of(counts.get(row.id, (0,) * 9)) == row.statistics
    again = json.loads(redis_client.get(key))
    assert newest["id"] in {
        row["id"] for row in (again["data"] if isinstance(again, dict) else again)
    }
