"""Each earlier window's counts kept small: read once from the detailed list, then from their
own key by every page that compares, settled windows kept a week."""

from datetime import timedelta

from dashboard.cache.policy import DEFAULT_TTLS
from dashboard.cache.request_cache import RequestCache, recording
from dashboard.domain.financial_year import london_today
from dashboard.notify_client import build_clients
from dashboard.notify_client.derived import statistics_of, window_counts
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
    assert sorted(lookup.kind for lookup in cold) == [
        "services-detailed-settled",
        "window-counts-settled",
    ]
    assert [(lookup.kind, lookup.outcome) for lookup in warm] == [("window-counts-settled", "hit")]
    ttl = redis_client.ttl(f"window-counts-{start}-{end}")
    assert WEEK - 5 <= ttl <= WEEK
    assert len(redis_client.get(f"window-counts-{start}-{end}")) * 5 < len(
        redis_client.get(f"services-detailed-{start}-{end}-False")
    )
