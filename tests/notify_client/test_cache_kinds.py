"""The new methods' keys and kinds: a financial year that has ended is kept far longer."""

from datetime import date, timedelta

import pytest

from dashboard.cache.request_cache import recording
from dashboard.domain.financial_year import (
    current_financial_year,
    financial_year_of,
    london_today,
)
from tests.notify_client.helpers import mock_sample
from tests.samples import sample_service_id

MINUTE, HOUR, WEEK = 60, 3600, 7 * 86400


def year_range(year: int) -> dict[str, date]:
    return {"start_date": date(year, 4, 1), "end_date": date(year + 1, 3, 31)}


def range_key(prefix: str, year: int) -> str:
    return f"{prefix}-{year}-04-01-{year + 1}-03-31"


RANGE_METHODS = [
    (
        "get_platform_stats",
        "/platform-stats",
        "GET_platform_stats_totals",
        "platform-stats",
        5 * MINUTE,
    ),
    (
        "get_volumes_by_service",
        "/platform-stats/volumes-by-service",
        "GET_platform_stats_volumes_by_service",
        "volumes-by-service",
        HOUR,
    ),
    (
        "get_data_for_billing_report",
        "/platform-stats/data-for-billing-report",
        "GET_platform_stats_data_for_billing_report",
        "billing-report",
        HOUR,
    ),
]
KEY_PREFIXES = {
    "get_platform_stats": "platform-stats",
    "get_volumes_by_service": "platform-volumes-by-service",
    "get_data_for_billing_report": "platform-billing-report",
}


@pytest.mark.parametrize(("method", "path", "sample", "kind", "ttl"), RANGE_METHODS)
def test_a_platform_range_in_a_closed_year_is_kept_a_week(
    requests_mock, clients, redis_client, method, path, sample, kind, ttl
):
    mock_sample(requests_mock, "GET", path, sample)
    year = current_financial_year()

    with recording() as lookups:
        getattr(clients.platform, method)(**year_range(year))
        getattr(clients.platform, method)(**year_range(year - 1))
        getattr(clients.platform, method)(**year_range(year - 1))

    assert [(lookup.kind, lookup.outcome) for lookup in lookups] == [
        (kind, "miss"),
        (f"{kind}-closed-year", "miss"),
        (f"{kind}-closed-year", "hit"),
    ]
    assert ttl - 5 <= redis_client.ttl(range_key(KEY_PREFIXES[method], year)) <= ttl
    assert WEEK - 5 <= redis_client.ttl(range_key(KEY_PREFIXES[method], year - 1)) <= WEEK
    assert requests_mock.call_count == 2


def test_monthly_notifications_of_a_closed_year_are_kept_a_week(
    requests_mock, clients, redis_client
):
    service_id = sample_service_id()
    mock_sample(
        requests_mock,
        "GET",
        f"/service/{service_id}/notifications/monthly",
        "GET_service_notifications_monthly",
    )
    year = current_financial_year()

    with recording() as lookups:
        clients.services.get_notifications_monthly(service_id, year)
        clients.services.get_notifications_monthly(service_id, year - 1)

    assert [lookup.kind for lookup in lookups] == [
        "notifications-monthly",
        "notifications-monthly-closed-year",
    ]
    key = f"service-{service_id}-notifications-monthly-{{}}"
    assert HOUR - 5 <= redis_client.ttl(key.format(year)) <= HOUR
    assert WEEK - 5 <= redis_client.ttl(key.format(year - 1)) <= WEEK


def test_an_organisations_usage_in_a_closed_year_is_kept_a_week(
    requests_mock, clients, redis_client
):
    organisation_id = "d0d46fcb-2815-57f3-a852-6a2507e05604"
    mock_sample(
        requests_mock,
        "GET",
        f"/organisations/{organisation_id}/services-with-usage",
        "GET_organisation_services_with_usage",
    )
    year = current_financial_year()

    with recording() as lookups:
        clients.organisations.get_services_with_usage(organisation_id, year)
        clients.organisations.get_services_with_usage(organisation_id, year - 1)
        clients.organisations.get_services_with_usage(organisation_id, year - 1)

    assert [(lookup.kind, lookup.outcome) for lookup in lookups] == [
        ("organisation-usage", "miss"),
        ("organisation-usage-closed-year", "miss"),
        ("organisation-usage-closed-year", "hit"),
    ]
    key = f"organisation-{organisation_id}-services-with-usage-{{}}"
    assert HOUR - 5 <= redis_client.ttl(key.format(year)) <= HOUR
    assert WEEK - 5 <= redis_client.ttl(key.format(year - 1)) <= WEEK
    assert requests_mock.call_count == 2


def test_a_services_monthly_notifications_go_with_the_rest_of_its_keys(
    requests_mock, clients, redis_client
):
    service_id = sample_service_id()
    mock_sample(
        requests_mock,
        "GET",
        f"/service/{service_id}/notifications/monthly",
        "GET_service_notifications_monthly",
    )
    clients.services.get_notifications_monthly(service_id, 2026)

    clients.cache.forget_service(service_id, values={"year": [2026]})

    assert redis_client.exists(f"service-{service_id}-notifications-monthly-2026") == 0


@pytest.mark.parametrize(
    ("resource", "method", "path", "sample", "kind", "ttl"),
    [
        (
            "services",
            "get_services_detailed",
            "/service",
            "GET_service_list_detailed",
            "services-detailed",
            5 * MINUTE,
        ),
        (
            "platform",
            "get_daily_volumes",
            "/platform-stats/daily-volumes-report",
            "GET_platform_stats_daily_volumes_report",
            "daily-volumes",
            15 * MINUTE,
        ),
    ],
)
def test_a_range_of_settled_days_is_kept_a_week(
    requests_mock, clients, redis_client, resource, method, path, sample, kind, ttl
):
    mock_sample(requests_mock, "GET", path, sample)
    today = london_today()
    # Ranges of days, not one day: one day's detailed list is kept as daily counts instead.
    recent = (today - timedelta(days=12), today - timedelta(days=10))
    settled = (today - timedelta(days=17), today - timedelta(days=11))

    with recording() as lookups:
        for start, end in (recent, settled):
            getattr(getattr(clients, resource), method)(start_date=start, end_date=end)

    assert [lookup.kind for lookup in lookups] == [kind, f"{kind}-settled"]
    prefix = getattr(type(getattr(clients, resource)), method).key_format.split("{")[0]
    for (start, end), expected in ((recent, ttl), (settled, WEEK)):
        found = redis_client.ttl(
            f"{prefix}{start}-{end}" + ("-False" if resource == "services" else "")
        )
        assert expected - 5 <= found <= expected


@pytest.mark.parametrize(("method", "path", "sample", "kind", "ttl"), RANGE_METHODS)
def test_a_settled_range_of_this_year_is_kept_a_week_and_today_is_not(
    requests_mock, clients, redis_client, method, path, sample, kind, ttl
):
    mock_sample(requests_mock, "GET", path, sample)
    today = london_today()
    settled = today - timedelta(days=11)
    expected = "closed-year" if financial_year_of(settled) < current_financial_year() else "settled"

    with recording() as lookups:
        getattr(clients.platform, method)(start_date=settled, end_date=settled)
        getattr(clients.platform, method)(start_date=today, end_date=today)

    assert [lookup.kind for lookup in lookups] == [f"{kind}-{expected}", kind]
    settled_key = f"{KEY_PREFIXES[method]}-{settled}-{settled}"
    assert WEEK - 5 <= redis_client.ttl(settled_key) <= WEEK
    assert ttl - 5 <= redis_client.ttl(f"{KEY_PREFIXES[method]}-{today}-{today}") <= ttl
