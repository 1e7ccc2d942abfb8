"""Answers of the wrong shape, for every endpoint: refused, never kept, and deleted when found.

Each endpoint's recorded answer is broken five ways (a null, a value of the wrong type, a missing
key, `{"data": null}` or a bare null, a list where an object belongs) and served by requests-mock
to clients that cache in a real Redis.
"""

import copy
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest

from dashboard.cache.request_cache import InvalidAnswer, recording
from dashboard.notify_client.schemas import billing, platform, services, templates, users
from tests.conftest import TEST_API
from tests.notify_client.helpers import cached_keys, reply_to_addresses
from tests.samples import sample_body, sample_service_id, sample_template_id, sample_user_id

SERVICE_ID = sample_service_id()
WEEK = {"start_date": date(2026, 11, 20), "end_date": date(2026, 11, 27)}
YEAR = {"start_date": date(2025, 4, 1), "end_date": date(2026, 3, 31)}


@dataclass(frozen=True)
class Endpoint:
    """One client method, a good answer for it, and where to break that answer."""

    resource: str
    method: str
    arguments: dict
    path: str
    key: str
    answer: Any
    schema: Callable[[Any], Any]
    typed: tuple  # a value that is not a string (or is one, for a list of names)
    required: tuple  # a key the contract requires, inside an object

    @property
    def wrapped(self) -> bool:
        return isinstance(self.answer, dict) and set(self.answer) == {"data"}

    def __str__(self) -> str:
        return self.method


ENDPOINTS = [
    Endpoint(
        "services",
        "get_services",
        {},
        "/service",
        "services",
        sample_body("GET_service_list"),
        services.SERVICES,
        ("data", 1, "sms_message_limit"),
        ("data", 1, "name"),
    ),
    Endpoint(
        "services",
        "get_services_detailed",
        WEEK,
        "/service",
        "services-detailed-2026-11-20-2026-11-27-False",
        sample_body("GET_service_list_detailed"),
        services.DETAILED_SERVICES,
        ("data", 0, "statistics", "sms", "failed"),
        ("data", 0, "statistics"),
    ),
    Endpoint(
        "services",
        "get_live_services_data",
        {},
        "/service/live-services-data",
        "live-services-data",
        sample_body("GET_service_live_services_data"),
        services.LIVE_SERVICES,
        ("data", 0, "sms_totals"),
        ("data", 0, "service_id"),
    ),
    Endpoint(
        "services",
        "get_service",
        {"service_id": SERVICE_ID},
        f"/service/{SERVICE_ID}",
        f"service-{SERVICE_ID}",
        sample_body("GET_service"),
        services.SERVICE,
        ("data", "email_message_limit"),
        ("data", "restricted"),
    ),
    Endpoint(
        "services",
        "get_service_statistics",
        {"service_id": SERVICE_ID, "limit_days": 7},
        f"/service/{SERVICE_ID}/statistics",
        f"service-{SERVICE_ID}-statistics-7",
        sample_body("GET_service_statistics_limit_days_7"),
        services.STATISTICS,
        ("data", "sms", "requested"),
        ("data", "letter"),
    ),
    Endpoint(
        "services",
        "get_service_statistics_today",
        {"service_id": SERVICE_ID},
        f"/service/{SERVICE_ID}/statistics",
        f"service-{SERVICE_ID}-statistics-today",
        sample_body("GET_service_statistics_today_only"),
        services.STATISTICS,
        ("data", "email", "delivered"),
        ("data", "sms", "failed"),
    ),
    Endpoint(
        "services",
        "get_data_retention",
        {"service_id": SERVICE_ID},
        f"/service/{SERVICE_ID}/data-retention",
        f"service-{SERVICE_ID}-data-retention",
        sample_body("GET_service_data_retention"),
        services.DATA_RETENTION,
        (2, "days_of_retention"),
        (2, "notification_type"),
    ),
    Endpoint(
        "services",
        "get_reply_to_email_addresses",
        {"service_id": SERVICE_ID},
        f"/service/{SERVICE_ID}/email-reply-to",
        f"service-{SERVICE_ID}-email-reply-to",
        reply_to_addresses(),
        services.REPLY_TO_ADDRESSES,
        (0, "is_default"),
        (0, "email_address"),
    ),
    Endpoint(
        "services",
        "get_notifications_monthly",
        {"service_id": SERVICE_ID, "year": 2026},
        f"/service/{SERVICE_ID}/notifications/monthly",
        f"service-{SERVICE_ID}-notifications-monthly-2026",
        sample_body("GET_service_notifications_monthly"),
        services.NOTIFICATIONS_MONTHLY,
        ("data", "2026-09", "sms", "delivered"),
        ("data", "2026-09", "letter"),
    ),
    Endpoint(
        "billing",
        "get_free_sms_fragment_limit",
        {"service_id": SERVICE_ID, "financial_year": 2026},
        f"/service/{SERVICE_ID}/billing/free-sms-fragment-limit",
        f"service-{SERVICE_ID}-free-sms-fragment-limit-2026",
        sample_body("GET_service_billing_free_sms_fragment_limit"),
        billing.FREE_ALLOWANCE,
        ("free_sms_fragment_limit",),
        ("financial_year_start",),
    ),
    Endpoint(
        "billing",
        "get_yearly_usage",
        {"service_id": SERVICE_ID, "year": 2026},
        f"/service/{SERVICE_ID}/billing/yearly-usage-summary",
        f"service-{SERVICE_ID}-yearly-usage-2026",
        sample_body("GET_service_billing_yearly_usage_summary"),
        billing.YEARLY_USAGE,
        (3, "chargeable_units"),
        (3, "notification_type"),
    ),
    Endpoint(
        "billing",
        "get_monthly_usage",
        {"service_id": SERVICE_ID, "year": 2026},
        f"/service/{SERVICE_ID}/billing/monthly-usage",
        f"service-{SERVICE_ID}-monthly-usage-2026",
        sample_body("GET_service_billing_monthly_usage"),
        billing.MONTHLY_USAGE,
        (0, "chargeable_units"),
        (0, "month"),
    ),
    Endpoint(
        "platform",
        "get_platform_stats",
        YEAR,
        "/platform-stats",
        "platform-stats-2025-04-01-2026-03-31",
        sample_body("GET_platform_stats_totals"),
        platform.PLATFORM_STATS,
        ("sms", "total"),
        ("email", "failures"),
    ),
    Endpoint(
        "platform",
        "get_volumes_by_service",
        YEAR,
        "/platform-stats/volumes-by-service",
        "platform-volumes-by-service-2025-04-01-2026-03-31",
        sample_body("GET_platform_stats_volumes_by_service"),
        platform.VOLUMES_BY_SERVICE,
        (0, "free_allowance"),
        (0, "service_id"),
    ),
    Endpoint(
        "platform",
        "get_data_for_billing_report",
        YEAR,
        "/platform-stats/data-for-billing-report",
        "platform-billing-report-2025-04-01-2026-03-31",
        sample_body("GET_platform_stats_data_for_billing_report"),
        platform.BILLING_REPORT,
        (0, "sms_cost"),
        (0, "sms_chargeable_units"),
    ),
    Endpoint(
        "templates",
        "get_templates",
        {"service_id": SERVICE_ID},
        f"/service/{SERVICE_ID}/template",
        f"service-{SERVICE_ID}-templates",
        sample_body("GET_service_template_list"),
        templates.TEMPLATES,
        ("data", 0, "template_type"),
        ("data", 0, "name"),
    ),
    Endpoint(
        "templates",
        "get_template",
        {"service_id": SERVICE_ID, "template_id": sample_template_id()},
        f"/service/{SERVICE_ID}/template/{sample_template_id()}",
        f"service-{SERVICE_ID}-template-{sample_template_id()}-version-None",
        sample_body("GET_service_template"),
        templates.TEMPLATE,
        ("data", "version"),
        ("data", "content"),
    ),
    Endpoint(
        "templates",
        "get_template_versions",
        {"service_id": SERVICE_ID, "template_id": sample_template_id()},
        f"/service/{SERVICE_ID}/template/{sample_template_id()}/versions",
        f"service-{SERVICE_ID}-template-{sample_template_id()}-versions",
        sample_body("GET_service_template_versions"),
        templates.TEMPLATE_VERSIONS,
        ("data", 0, "version"),
        ("data", 0, "created_by"),
    ),
    Endpoint(
        "services",
        "get_service_organisation",
        {"service_id": SERVICE_ID},
        f"/service/{SERVICE_ID}/organisation",
        f"service-{SERVICE_ID}-organisation",
        sample_body("GET_service_organisation"),
        services.SERVICE_ORGANISATION,
        ("name",),
        ("name",),
    ),
    Endpoint(
        "templates",
        "get_template_statistics",
        {"service_id": SERVICE_ID, "whole_days": 7},
        f"/service/{SERVICE_ID}/template-statistics",
        f"service-{SERVICE_ID}-template-statistics-7",
        sample_body("GET_service_template_statistics"),
        templates.TEMPLATE_STATISTICS,
        ("data", 0, "count"),
        ("data", 0, "template_type"),
    ),
    Endpoint(
        "templates",
        "get_templates_usage_monthly",
        {"service_id": SERVICE_ID, "year": 2026},
        f"/service/{SERVICE_ID}/notifications/templates_usage/monthly",
        f"service-{SERVICE_ID}-templates-usage-monthly-2026",
        sample_body("GET_service_templates_usage_monthly"),
        templates.TEMPLATE_USAGE,
        ("stats", 0, "count"),
        ("stats", 0, "name"),
    ),
    Endpoint(
        "platform",
        "get_daily_volumes",
        {"start_date": date(2026, 11, 18), "end_date": date(2026, 12, 1)},
        "/platform-stats/daily-volumes-report",
        "platform-daily-volumes-2026-11-18-2026-12-01",
        sample_body("GET_platform_stats_daily_volumes_report"),
        platform.DAILY_VOLUMES,
        (0, "email_totals"),
        (0, "day"),
    ),
    Endpoint(
        "users",
        "get_user",
        {"user_id": sample_user_id()},
        f"/user/{sample_user_id()}",
        f"user-{sample_user_id()}",
        sample_body("GET_user"),
        users.USER,
        ("data", "failed_login_count"),
        ("data", "permissions"),
    ),
]


def _changed(answer: Any, path: tuple, change: Callable[[Any, Any], None]) -> Any:
    """A copy of the answer with `change(holder, name)` done to what `path` leads to."""
    broken = copy.deepcopy(answer)
    holder = broken
    for part in path[:-1]:
        holder = holder[part]
    change(holder, path[-1])
    return broken


def _set(value: Any) -> Callable[[Any, Any], None]:
    def change(holder: Any, name: Any) -> None:
        holder[name] = value

    return change


def a_null(endpoint: Endpoint) -> Any:
    return _changed(endpoint.answer, endpoint.typed, _set(None))


def a_value_of_the_wrong_type(endpoint: Endpoint) -> Any:
    """A string where a number or flag belongs; a number where the contract has a name."""

    def change(holder: Any, name: Any) -> None:
        value = holder[name]
        holder[name] = 12 if isinstance(value, str) else str(value)

    return _changed(endpoint.answer, endpoint.typed, change)


def a_missing_key(endpoint: Endpoint) -> Any:
    return _changed(endpoint.answer, endpoint.required, lambda holder, name: holder.pop(name))


def no_data(endpoint: Endpoint) -> Any:
    return {"data": None} if endpoint.wrapped else None


def a_list_where_an_object_belongs(endpoint: Endpoint) -> Any:
    """The object holding the required key, put in a list."""

    def change(holder: Any, name: Any) -> None:
        holder[name] = [holder[name]]

    if len(endpoint.required) == 1:
        return [endpoint.answer]
    return _changed(endpoint.answer, endpoint.required[:-1], change)


BREAKAGES = [
    a_null,
    a_value_of_the_wrong_type,
    a_missing_key,
    no_data,
    a_list_where_an_object_belongs,
]


def call(clients, endpoint: Endpoint) -> Any:
    return getattr(getattr(clients, endpoint.resource), endpoint.method)(**endpoint.arguments)


def test_every_cached_method_is_broken_here(clients):
    """A new client method must join the table, so that its answers are checked too."""
    methods = {
        (resource, name)
        for resource in ("services", "billing", "platform", "templates", "users")
        for name in dir(getattr(clients, resource))
        if hasattr(getattr(getattr(clients, resource), name), "many")
    }
    assert methods == {(endpoint.resource, endpoint.method) for endpoint in ENDPOINTS}


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=str)
def test_each_good_answer_fits(endpoint):
    endpoint.schema(endpoint.answer)


@pytest.mark.parametrize("breakage", BREAKAGES, ids=lambda breakage: breakage.__name__)
@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=str)
def test_an_answer_that_does_not_fit_is_refused_and_nothing_is_kept(
    requests_mock, clients, redis_client, endpoint, breakage
):
    requests_mock.get(f"{TEST_API}{endpoint.path}", text=json.dumps(breakage(endpoint)))

    with pytest.raises(InvalidAnswer) as raised:
        call(clients, endpoint)

    assert raised.value.key == endpoint.key
    assert "not in the expected form" in str(raised.value)
    assert cached_keys(redis_client) == []


@pytest.mark.parametrize("breakage", BREAKAGES, ids=lambda breakage: breakage.__name__)
@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=str)
def test_a_kept_value_that_does_not_fit_is_corrupt_deleted_and_read_again(
    requests_mock, clients, redis_client, endpoint, breakage
):
    redis_client.set(endpoint.key, json.dumps(breakage(endpoint)), ex=600)
    requests_mock.get(f"{TEST_API}{endpoint.path}", json=endpoint.answer)

    with recording() as lookups:
        answer = call(clients, endpoint)

    assert answer == endpoint.schema(endpoint.answer)
    assert [lookup.outcome for lookup in lookups] == ["corrupt"]
    assert json.loads(redis_client.get(endpoint.key)) == endpoint.answer
    assert requests_mock.call_count == 1


@pytest.mark.parametrize("breakage", BREAKAGES, ids=lambda breakage: breakage.__name__)
def test_an_update_whose_answer_does_not_fit_raises_and_leaves_no_copy(
    requests_mock, clients, redis_client, breakage
):
    endpoint = next(endpoint for endpoint in ENDPOINTS if endpoint.method == "get_service")
    redis_client.set(endpoint.key, json.dumps(endpoint.answer))
    requests_mock.post(f"{TEST_API}{endpoint.path}", text=json.dumps(breakage(endpoint)))

    with pytest.raises(InvalidAnswer, match="not in the expected form"):
        clients.services.update_service(SERVICE_ID, name="Renamed")

    assert requests_mock.last_request.json() == {"name": "Renamed"}
    assert cached_keys(redis_client) == []


def _where(error: ValueError) -> str:
    """The place a one-line refusal names (the words after it follow JSON's or Python's terms)."""
    return str(error).split(":")[0]


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=str)
def test_each_good_answer_reads_the_same_from_its_json_text(endpoint):
    text = json.dumps(endpoint.answer)

    assert endpoint.schema.from_json(text) == endpoint.schema(endpoint.answer)
    assert endpoint.schema.from_json(text.encode()) == endpoint.schema(endpoint.answer)


@pytest.mark.parametrize("breakage", BREAKAGES, ids=lambda breakage: breakage.__name__)
@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=str)
def test_an_answer_refused_parsed_is_refused_as_json_text_at_the_same_place(endpoint, breakage):
    answer = breakage(endpoint)
    with pytest.raises(ValueError) as parsed:
        endpoint.schema(answer)
    with pytest.raises(ValueError) as from_text:
        endpoint.schema.from_json(json.dumps(answer))

    assert _where(from_text.value) == _where(parsed.value)


@pytest.mark.parametrize("text", [b"", b"\xff{", b"{not json", b'{"data": [1, 2'])
def test_text_that_is_not_json_does_not_fit(text):
    with pytest.raises(ValueError, match="Invalid JSON"):
        services.SERVICES.from_json(text)


@pytest.mark.parametrize("breakage", BREAKAGES, ids=lambda breakage: breakage.__name__)
@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=str)
def test_a_kept_value_that_stops_fitting_after_warm_reads_is_corrupt_and_read_again(
    requests_mock, clients, redis_client, endpoint, breakage
):
    requests_mock.get(f"{TEST_API}{endpoint.path}", json=endpoint.answer)
    for _ in range(2):  # cold, then warm: the value is now decoded in this process
        call(clients, endpoint)
    redis_client.set(endpoint.key, json.dumps(breakage(endpoint)), ex=600)

    with recording() as lookups:
        answer = call(clients, endpoint)

    assert answer == endpoint.schema(endpoint.answer)
    assert [lookup.outcome for lookup in lookups] == ["corrupt"]
    assert json.loads(redis_client.get(endpoint.key)) == endpoint.answer
    assert requests_mock.call_count == 2
