"""The client against the responses recorded from the real API: what it sends, what it returns."""

import time
from datetime import date
from uuid import uuid4

import jwt
import pytest
import requests
from notifications_python_client.errors import HTTP503Error, HTTPError, InvalidResponse

from dashboard.notify_client.schemas import billing, platform, services, templates, users
from tests.conftest import (
    TEST_API,
    TEST_SECRET,
    clients_without_cache,
    settings_for_tests,
)
from tests.notify_client.helpers import cached_keys, mock_sample
from tests.redis_server import free_port
from tests.samples import (
    load_sample,
    sample_service_id,
    sample_template_id,
    sample_user_id,
)


@pytest.fixture
def uncached_clients():
    """Clients with the cache off, so every call reaches requests-mock."""
    return clients_without_cache(settings_for_tests())


FINANCIAL_YEAR = {"start_date": date(2026, 4, 1), "end_date": date(2027, 3, 31)}
FINANCIAL_YEAR_QUERY = {"start_date": ["2026-04-01"], "end_date": ["2027-03-31"]}

# resource, method, arguments, path, query sent, recorded answer, its schema
CALLS = [
    ("services", "get_services", {}, "/service", {}, "GET_service_list", services.SERVICES),
    (
        "services",
        "get_service",
        {"service_id": sample_service_id()},
        f"/service/{sample_service_id()}",
        {},
        "GET_service",
        services.SERVICE,
    ),
    (
        "services",
        "get_live_services_data",
        {},
        "/service/live-services-data",
        {},
        "GET_service_live_services_data",
        services.LIVE_SERVICES,
    ),
    (
        "services",
        "get_service_statistics",
        {"service_id": sample_service_id(), "limit_days": 30},
        f"/service/{sample_service_id()}/statistics",
        {"limit_days": ["30"], "today_only": ["false"]},
        "GET_service_statistics_limit_days_30",
        services.STATISTICS,
    ),
    (
        "services",
        "get_service_statistics_today",
        {"service_id": sample_service_id()},
        f"/service/{sample_service_id()}/statistics",
        {"today_only": ["true"]},
        "GET_service_statistics_today_only",
        services.STATISTICS,
    ),
    (
        "services",
        "get_data_retention",
        {"service_id": sample_service_id()},
        f"/service/{sample_service_id()}/data-retention",
        {},
        "GET_service_data_retention",
        services.DATA_RETENTION,
    ),
    (
        "services",
        "get_notifications_monthly",
        {"service_id": sample_service_id(), "year": 2026},
        f"/service/{sample_service_id()}/notifications/monthly",
        {"year": ["2026"]},
        "GET_service_notifications_monthly",
        services.NOTIFICATIONS_MONTHLY,
    ),
    (
        "billing",
        "get_free_sms_fragment_limit",
        {"service_id": sample_service_id(), "financial_year": 2026},
        f"/service/{sample_service_id()}/billing/free-sms-fragment-limit",
        {"financial_year_start": ["2026"]},
        "GET_service_billing_free_sms_fragment_limit",
        billing.FREE_ALLOWANCE,
    ),
    (
        "billing",
        "get_yearly_usage",
        {"service_id": sample_service_id(), "year": 2026},
        f"/service/{sample_service_id()}/billing/yearly-usage-summary",
        {"year": ["2026"]},
        "GET_service_billing_yearly_usage_summary",
        billing.YEARLY_USAGE,
    ),
    (
        "billing",
        "get_monthly_usage",
        {"service_id": sample_service_id(), "year": 2026},
        f"/service/{sample_service_id()}/billing/monthly-usage",
        {"year": ["2026"]},
        "GET_service_billing_monthly_usage",
        billing.MONTHLY_USAGE,
    ),
    (
        "platform",
        "get_platform_stats",
        FINANCIAL_YEAR,
        "/platform-stats",
        FINANCIAL_YEAR_QUERY,
        "GET_platform_stats_totals",
        platform.PLATFORM_STATS,
    ),
    (
        "platform",
        "get_volumes_by_service",
        FINANCIAL_YEAR,
        "/platform-stats/volumes-by-service",
        FINANCIAL_YEAR_QUERY,
        "GET_platform_stats_volumes_by_service",
        platform.VOLUMES_BY_SERVICE,
    ),
    (
        "platform",
        "get_data_for_billing_report",
        FINANCIAL_YEAR,
        "/platform-stats/data-for-billing-report",
        FINANCIAL_YEAR_QUERY,
        "GET_platform_stats_data_for_billing_report",
        platform.BILLING_REPORT,
    ),
    (
        "templates",
        "get_templates",
        {"service_id": sample_service_id()},
        f"/service/{sample_service_id()}/template",
        {"detailed": ["false"]},
        "GET_service_template_list",
        templates.TEMPLATES,
    ),
    (
        "templates",
        "get_template",
        {"service_id": sample_service_id(), "template_id": sample_template_id()},
        f"/service/{sample_service_id()}/template/{sample_template_id()}",
        {},
        "GET_service_template",
        templates.TEMPLATE,
    ),
    (
        "templates",
        "get_template",
        {"service_id": sample_service_id(), "template_id": sample_template_id(), "version": 1},
        f"/service/{sample_service_id()}/template/{sample_template_id()}/version/1",
        {},
        "GET_service_template",
        templates.TEMPLATE,
    ),
    (
        "templates",
        "get_template_versions",
        {"service_id": sample_service_id(), "template_id": sample_template_id()},
        f"/service/{sample_service_id()}/template/{sample_template_id()}/versions",
        {},
        "GET_service_template_versions",
        templates.TEMPLATE_VERSIONS,
    ),
    (
        "services",
        "get_service_organisation",
        {"service_id": sample_service_id()},
        f"/service/{sample_service_id()}/organisation",
        {},
        "GET_service_organisation",
        services.SERVICE_ORGANISATION,
    ),
    (
        "templates",
        "get_template_statistics",
        {"service_id": sample_service_id(), "whole_days": 7},
        f"/service/{sample_service_id()}/template-statistics",
        {"whole_days": ["7"]},
        "GET_service_template_statistics",
        templates.TEMPLATE_STATISTICS,
    ),
    (
        "templates",
        "get_templates_usage_monthly",
        {"service_id": sample_service_id(), "year": 2026},
        f"/service/{sample_service_id()}/notifications/templates_usage/monthly",
        {"year": ["2026"]},
        "GET_service_templates_usage_monthly",
        templates.TEMPLATE_USAGE,
    ),
    (
        "platform",
        "get_daily_volumes",
        {"start_date": date(2026, 11, 18), "end_date": date(2026, 12, 1)},
        "/platform-stats/daily-volumes-report",
        {"start_date": ["2026-11-18"], "end_date": ["2026-12-01"]},
        "GET_platform_stats_daily_volumes_report",
        platform.DAILY_VOLUMES,
    ),
    (
        "users",
        "get_user",
        {"user_id": sample_user_id()},
        f"/user/{sample_user_id()}",
        {},
        "GET_user",
        users.USER,
    ),
]


@pytest.mark.parametrize(
    ("resource", "method", "arguments", "path", "query", "sample", "schema"), CALLS
)
def test_each_method_calls_its_endpoint_and_returns_the_answer_typed(
    requests_mock, uncached_clients, resource, method, arguments, path, query, sample, schema
):
    mock_sample(requests_mock, "GET", path, sample)

    answer = getattr(getattr(uncached_clients, resource), method)(**arguments)

    assert answer == schema(load_sample(sample)[1])
    assert not isinstance(answer, dict) or "data" not in answer
    assert requests_mock.last_request.path == path
    assert requests_mock.last_request.qs == query


def test_detailed_services_list_sends_dates_and_leaves_out_test_key_notifications(
    requests_mock, uncached_clients
):
    mock_sample(requests_mock, "GET", "/service", "GET_service_list_detailed")

    answer = uncached_clients.services.get_services_detailed(
        date(2026, 11, 20), date(2026, 11, 27), only_active=True
    )

    assert answer[0].statistics.email.requested == 640
    assert requests_mock.last_request.qs == {
        "detailed": ["true"],
        "start_date": ["2026-11-20"],
        "end_date": ["2026-11-27"],
        "include_from_test_key": ["false"],
        "only_active": ["true"],
    }


def test_every_request_carries_a_fresh_admin_jwt(requests_mock, uncached_clients):
    mock_sample(requests_mock, "GET", f"/service/{sample_service_id()}", "GET_service")

    uncached_clients.services.get_service(sample_service_id())

    scheme, token = requests_mock.last_request.headers["Authorization"].split(" ")
    assert scheme == "Bearer"
    assert jwt.get_unverified_header(token) == {"typ": "JWT", "alg": "HS256"}
    claims = jwt.decode(token, key=TEST_SECRET, algorithms=["HS256"])
    assert claims["iss"] == "notify-admin"
    assert abs(claims["iat"] - time.time()) <= 30
    with pytest.raises(jwt.InvalidSignatureError):
        jwt.decode(token, key="another-secret-that-is-at-least-32-bytes", algorithms=["HS256"])


def test_the_client_id_comes_from_settings(requests_mock):
    clients = clients_without_cache(settings_for_tests(admin_client_id="notify-analytics"))
    requests_mock.get(f"{TEST_API}/service", json={"data": []})

    assert clients.services.get_services() == []

    token = requests_mock.last_request.headers["Authorization"].split(" ")[1]
    assert jwt.decode(token, key=TEST_SECRET, algorithms=["HS256"])["iss"] == "notify-analytics"


@pytest.mark.parametrize(
    ("sample", "status", "message"),
    [
        ("GET_service_unknown_id", 404, "No result found"),
        ("GET_service_billing_yearly_usage_summary_no_year", 400, "No valid year provided"),
        ("GET_service_statistics_limit_days_not_a_number", 500, "Internal server error"),
        (
            "AUTH_token_too_old",
            403,
            {"token": ["Error: Your system clock must be accurate to within 30 seconds"]},
        ),
        ("AUTH_bad_signature", 403, {"token": ["Invalid token: API key not found"]}),
        (
            "AUTH_wrong_issuer",
            401,
            {"token": ["Unauthorized: not allowed to perform this action"]},
        ),
    ],
)
def test_api_errors_become_typed_http_errors(
    requests_mock, uncached_clients, sample, status, message
):
    service_id = str(uuid4())
    mock_sample(requests_mock, "GET", f"/service/{service_id}", sample)

    with pytest.raises(HTTPError) as raised:
        uncached_clients.services.get_service(service_id)

    assert raised.value.status_code == status
    assert raised.value.message == message


# The 400s recorded from the platform, billing and template endpoints, and a 404 and a 500, on
# the new methods: method, arguments, path, recorded answer.
NEW_ENDPOINT_ERRORS = [
    (
        "platform",
        "get_data_for_billing_report",
        {"start_date": date(2026, 4, 1), "end_date": date(2027, 4, 1)},
        "/platform-stats/data-for-billing-report",
        "GET_platform_stats_data_for_billing_report_two_years",
    ),
    (
        "platform",
        "get_data_for_billing_report",
        FINANCIAL_YEAR,
        "/platform-stats/data-for-billing-report",
        "GET_platform_stats_data_for_billing_report_bad_date",
    ),
    (
        "platform",
        "get_volumes_by_service",
        FINANCIAL_YEAR,
        "/platform-stats/volumes-by-service",
        "GET_platform_stats_data_for_billing_report_bad_date",
    ),
    (
        "platform",
        "get_platform_stats",
        FINANCIAL_YEAR,
        "/platform-stats",
        "GET_service_statistics_limit_days_not_a_number",
    ),
    (
        "services",
        "get_notifications_monthly",
        {"service_id": sample_service_id(), "year": 2026},
        f"/service/{sample_service_id()}/notifications/monthly",
        "GET_service_billing_yearly_usage_summary_no_year",
    ),
    (
        "templates",
        "get_template_statistics",
        {"service_id": sample_service_id(), "whole_days": 8},
        f"/service/{sample_service_id()}/template-statistics",
        "GET_service_template_statistics_too_many_days",
    ),
    (
        "platform",
        "get_daily_volumes",
        {"start_date": date(2026, 11, 18), "end_date": date(2026, 12, 1)},
        "/platform-stats/daily-volumes-report",
        "GET_platform_stats_daily_volumes_report_bad_date",
    ),
    (
        "templates",
        "get_templates_usage_monthly",
        {"service_id": sample_service_id(), "year": 2026},
        f"/service/{sample_service_id()}/notifications/templates_usage/monthly",
        "GET_service_templates_usage_monthly_bad_year",
    ),
    (
        "services",
        "get_notifications_monthly",
        {"service_id": sample_service_id(), "year": 2026},
        f"/service/{sample_service_id()}/notifications/monthly",
        "GET_service_unknown_id",
    ),
]


@pytest.mark.parametrize(("resource", "method", "arguments", "path", "sample"), NEW_ENDPOINT_ERRORS)
def test_the_new_endpoints_errors_are_typed_and_never_cached(
    requests_mock, clients, redis_client, resource, method, arguments, path, sample
):
    status, body = load_sample(sample)
    mock_sample(requests_mock, "GET", path, sample)

    for _ in range(2):
        with pytest.raises(HTTPError) as raised:
            getattr(getattr(clients, resource), method)(**arguments)

    assert (raised.value.status_code, raised.value.message) == (status, body["message"])
    assert requests_mock.call_count == 2
    assert cached_keys(redis_client) == []


def test_a_body_that_is_not_json_is_an_invalid_response(requests_mock, uncached_clients):
    requests_mock.get(f"{TEST_API}/service", text="<html>Bad gateway</html>")

    with pytest.raises(InvalidResponse):
        uncached_clients.services.get_services()


@pytest.mark.parametrize("failure", [requests.ConnectTimeout, requests.ReadTimeout])
def test_a_timeout_is_a_503(requests_mock, uncached_clients, failure):
    requests_mock.get(f"{TEST_API}/service", exc=failure)

    with pytest.raises(HTTP503Error) as raised:
        uncached_clients.services.get_services()

    assert raised.value.status_code == 503


def test_a_refused_connection_is_a_503():
    clients = clients_without_cache(
        settings_for_tests(api_host_name=f"http://127.0.0.1:{free_port()}")
    )

    with pytest.raises(HTTP503Error):
        clients.services.get_services()


def test_update_sends_only_the_attributes_given(requests_mock, uncached_clients):
    status, body = load_sample("GET_service")
    requests_mock.post(f"{TEST_API}/service/{sample_service_id()}", status_code=status, json=body)

    answer = uncached_clients.services.update_service(sample_service_id(), sms_message_limit=1000)

    assert requests_mock.last_request.json() == {"sms_message_limit": 1000}
    assert answer == services.SERVICE(body)


def test_update_refuses_other_attributes_before_any_request(requests_mock, uncached_clients):
    with pytest.raises(TypeError, match="created_by, email_from"):
        uncached_clients.services.update_service(
            sample_service_id(), name="New name", email_from="x", created_by="y"
        )

    assert requests_mock.call_count == 0


def test_update_validation_errors_keep_their_field_messages(requests_mock, uncached_clients):
    message = {"organisation_type": ["Invalid organisation type"]}
    requests_mock.post(
        f"{TEST_API}/service/{sample_service_id()}",
        status_code=400,
        json={"result": "error", "message": message},
    )

    with pytest.raises(HTTPError) as raised:
        uncached_clients.services.update_service(sample_service_id(), organisation_type="x")

    assert raised.value.status_code == 400
    assert raised.value.message == message


def test_template_statistics_keep_each_template_and_status_apart(requests_mock, uncached_clients):
    path = f"/service/{sample_service_id()}/template-statistics"
    mock_sample(requests_mock, "GET", path, "GET_service_template_statistics")

    rows = uncached_clients.templates.get_template_statistics(sample_service_id(), 7)

    paye = {row.status: row.count for row in rows if row.template_name.startswith("PAYE")}
    assert paye["delivered"] == 21774
    assert paye["permanent-failure"] == 515
    assert {row.template_type for row in rows} <= {"email", "sms", "letter"}


def test_daily_volumes_read_each_day_as_a_date(requests_mock, uncached_clients):
    mock_sample(
        requests_mock,
        "GET",
        "/platform-stats/daily-volumes-report",
        "GET_platform_stats_daily_volumes_report",
    )

    days = uncached_clients.platform.get_daily_volumes(date(2026, 11, 18), date(2026, 12, 1))

    assert days[0].day == date(2026, 11, 18)
    assert (days[0].email_totals, days[0].sms_totals, days[0].letter_totals) == (9813, 9048, 562)


def test_a_service_without_an_organisation_is_an_empty_one(requests_mock, uncached_clients):
    path = f"/service/{sample_service_id()}/organisation"
    requests_mock.get(f"{TEST_API}{path}", json={})

    organisation = uncached_clients.services.get_service_organisation(sample_service_id())

    assert organisation is None


def test_no_organisation_is_kept_and_read_back_as_none(requests_mock, clients):
    path = f"/service/{sample_service_id()}/organisation"
    requests_mock.get(f"{TEST_API}{path}", json={})

    first = clients.services.get_service_organisation(sample_service_id())
    second = clients.services.get_service_organisation(sample_service_id())

    assert first is None and second is None
    assert requests_mock.call_count == 1
