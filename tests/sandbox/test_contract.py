"""Every endpoint answers with the recorded samples' keys (recursively) and status codes."""

from datetime import date

import pytest
from flask.testing import FlaskClient

from notify_sandbox.clock import london_today
from tests.samples import (
    load_sample,
    sample_body,
    sample_service_id,
    sample_template_id,
    sample_user_id,
)
from tests.sandbox.helpers import SERVICES, get, item_shape, notify_service_id, shape, unknown_id


def current_financial_year() -> int:
    today = london_today()
    return today.year if today.month >= 4 else today.year - 1


def service_path(*parts: str) -> str:
    return "/".join([f"/service/{sample_service_id()}", *parts])


def without_go_live_at(service: dict) -> dict:
    """A service object without its go-live time, which moves with the day the data is read."""
    return {key: value for key, value in service.items() if key != "go_live_at"}


def test_a_service_has_the_recorded_fields_and_values(client: FlaskClient) -> None:
    status, body = load_sample("GET_service")

    response = get(client, service_path())

    assert response.status_code == status
    assert shape(response.get_json()) == shape(body)
    assert without_go_live_at(response.get_json()["data"]) == without_go_live_at(body["data"])
    assert date.fromisoformat(response.get_json()["data"]["go_live_at"][:10]) < london_today()


def test_the_service_list_has_the_recorded_fields(client: FlaskClient) -> None:
    status, body = load_sample("GET_service_list")

    response = get(client, "/service")

    services = response.get_json()["data"]
    assert response.status_code == status
    assert item_shape(services) == item_shape(body["data"])
    assert len(services) == SERVICES
    assert services[0] == body["data"][0]  # GOV.UK Notify, the oldest service
    by_id = {service["id"]: service for service in services}
    assert without_go_live_at(by_id[sample_service_id()]) == without_go_live_at(body["data"][1])


def test_the_detailed_service_list_has_the_recorded_fields(client: FlaskClient) -> None:
    status, body = load_sample("GET_service_list_detailed")
    today = london_today().isoformat()

    response = get(
        client,
        "/service",
        detailed="True",
        start_date=today,
        end_date=today,
        only_active="True",
        include_from_test_key="False",
    )

    services = response.get_json()["data"]
    assert response.status_code == status
    assert item_shape(services) == item_shape(body["data"])
    assert all(service["active"] for service in services)
    created_at = {service["id"]: service["created_at"] for service in services}
    assert created_at[notify_service_id()].endswith(" GMT")


def test_live_services_data_has_the_recorded_fields(client: FlaskClient) -> None:
    status, body = load_sample("GET_service_live_services_data")

    response = get(client, "/service/live-services-data")

    live = {entry["service_id"]: entry for entry in response.get_json()["data"]}
    assert response.status_code == status
    assert item_shape(list(live.values())) == item_shape(body["data"])
    recorded = {entry["service_id"]: entry for entry in body["data"]}
    contact = (
        "contact_name",
        "contact_email",
        "contact_mobile",
        "organisation_name",
        "organisation_type",
        "service_name",
    )
    for key in contact:
        assert live[sample_service_id()][key] == recorded[sample_service_id()][key]
    assert live[notify_service_id()]["free_sms_fragment_limit"] == 250_000
    assert live[notify_service_id()]["live_date"] is None
    assert live[sample_service_id()]["live_date"].endswith(" GMT")


@pytest.mark.parametrize(
    ("sample", "params"),
    [
        ("GET_service_statistics_limit_days_7", {"limit_days": 7, "today_only": "False"}),
        ("GET_service_statistics_limit_days_30", {"limit_days": 30, "today_only": "False"}),
        ("GET_service_statistics_today_only", {"today_only": "True"}),
    ],
)
def test_statistics_have_the_recorded_fields(
    client: FlaskClient, sample: str, params: dict
) -> None:
    status, body = load_sample(sample)

    response = get(client, service_path("statistics"), **params)

    assert response.status_code == status
    assert shape(response.get_json()) == shape(body)


def test_statistics_of_an_unknown_service_are_the_recorded_zeros(client: FlaskClient) -> None:
    status, body = load_sample("GET_service_statistics_unknown_service")

    response = get(client, f"/service/{unknown_id()}/statistics", limit_days=7)

    assert (response.status_code, response.get_json()) == (status, body)


def test_a_limit_days_that_is_not_a_number_gives_the_recorded_500(client: FlaskClient) -> None:
    status, body = load_sample("GET_service_statistics_limit_days_not_a_number")

    response = get(client, service_path("statistics"), limit_days="abc")

    assert (response.status_code, response.get_json()) == (status, body)
    assert b"Traceback" not in response.data


def test_an_unknown_service_gives_the_recorded_404(client: FlaskClient) -> None:
    status, body = load_sample("GET_service_unknown_id")

    response = get(client, f"/service/{unknown_id()}")

    assert (response.status_code, response.get_json()) == (status, body)


@pytest.mark.parametrize(
    "path", ["/service/not-a-uuid", "/service/not-a-uuid/statistics", "/user/12345"]
)
def test_a_malformed_id_is_a_plain_404(client: FlaskClient, path: str) -> None:
    response = get(client, path)

    assert (response.status_code, response.get_json()) == load_sample("GET_service_unknown_id")


def test_data_retention_is_the_recorded_bare_list(client: FlaskClient) -> None:
    status, body = load_sample("GET_service_data_retention")

    response = get(client, service_path("data-retention"))

    assert response.status_code == status
    assert item_shape(response.get_json()) == item_shape(body)
    settings = [
        (row["id"], row["notification_type"], row["days_of_retention"])
        for row in response.get_json()
    ]
    assert settings == [
        (row["id"], row["notification_type"], row["days_of_retention"]) for row in body
    ]


def test_a_service_without_retention_settings_has_an_empty_list(client: FlaskClient) -> None:
    response = get(client, f"/service/{notify_service_id()}/data-retention")

    assert (response.status_code, response.get_json()) == (200, [])


def test_the_free_allowance_for_a_year_is_the_recorded_object(client: FlaskClient) -> None:
    status, body = load_sample("GET_service_billing_free_sms_fragment_limit")

    response = get(
        client, service_path("billing", "free-sms-fragment-limit"), financial_year_start=2026
    )

    assert (response.status_code, response.get_json()) == (status, body)


def test_the_free_allowance_defaults_to_this_financial_year(client: FlaskClient) -> None:
    response = get(client, service_path("billing", "free-sms-fragment-limit"))

    assert response.status_code == 200
    assert response.get_json()["financial_year_start"] == current_financial_year()


def test_monthly_usage_rows_have_the_recorded_fields(client: FlaskClient) -> None:
    status, body = load_sample("GET_service_billing_monthly_usage")

    response = get(client, service_path("billing", "monthly-usage"), year=current_financial_year())

    assert response.status_code == status
    assert item_shape(response.get_json()) == item_shape(body)


def test_yearly_usage_rows_have_the_contracts_fields(client: FlaskClient) -> None:
    response = get(
        client, service_path("billing", "yearly-usage-summary"), year=current_financial_year()
    )

    assert response.status_code == 200
    assert set(item_shape(response.get_json())) == {
        "notification_type",
        "chargeable_units",
        "notifications_sent",
        "rate",
        "cost",
        "free_allowance_used",
        "charged_units",
    }


@pytest.mark.parametrize("endpoint", ["yearly-usage-summary", "monthly-usage"])
@pytest.mark.parametrize("params", [{}, {"year": "twenty"}], ids=["no year", "not a number"])
def test_usage_without_a_valid_year_gives_the_recorded_400(
    client: FlaskClient, endpoint: str, params: dict
) -> None:
    status, body = load_sample("GET_service_billing_yearly_usage_summary_no_year")

    response = get(client, service_path("billing", endpoint), **params)

    assert (response.status_code, response.get_json()) == (status, body)


def test_reply_to_addresses_have_the_contracts_fields(client: FlaskClient) -> None:
    response = get(client, service_path("email-reply-to"))

    assert response.status_code == 200
    assert set(item_shape(response.get_json())) == {
        "id",
        "service_id",
        "email_address",
        "is_default",
        "archived",
        "created_at",
        "updated_at",
    }


def test_the_template_list_is_the_recorded_one(client: FlaskClient) -> None:
    status, body = load_sample("GET_service_template_list")

    response = get(client, service_path("template"))

    assert (response.status_code, response.get_json()) == (status, body)


def test_a_template_has_the_recorded_fields(client: FlaskClient) -> None:
    status, body = load_sample("GET_service_template")

    response = get(client, service_path("template", sample_template_id()))

    template = response.get_json()["data"]
    assert response.status_code == status
    assert shape(response.get_json()) == shape(body)
    for key in (
        "id",
        "name",
        "subject",
        "content",
        "template_type",
        "version",
        "service",
        "created_by",
        "postage",
        "archived",
        "hidden",
    ):
        assert template[key] == body["data"][key]


def test_template_versions_have_the_recorded_fields_newest_first(client: FlaskClient) -> None:
    status, body = load_sample("GET_service_template_versions")
    letter = sample_body("GET_service_template_list")["data"][1]["id"]

    recorded = get(client, service_path("template", sample_template_id(), "versions"))
    several = get(client, service_path("template", letter, "versions"))

    assert recorded.status_code == status
    assert shape(recorded.get_json()) == shape(body)
    assert recorded.get_json()["data"][0]["created_by"] == body["data"][0]["created_by"]
    versions = [entry["version"] for entry in several.get_json()["data"]]
    assert versions == sorted(versions, reverse=True) and len(versions) > 1


def test_one_template_version_has_the_versions_fields(client: FlaskClient) -> None:
    versions = sample_body("GET_service_template_versions")["data"]

    response = get(client, service_path("template", sample_template_id(), "version", "1"))

    assert response.status_code == 200
    assert shape(response.get_json()["data"]) == shape(versions[0])


@pytest.mark.parametrize(
    "path",
    [
        f"template/{unknown_id()}",
        f"template/{sample_template_id()}/version/99",
    ],
)
def test_a_missing_template_is_a_404(client: FlaskClient, path: str) -> None:
    response = get(client, service_path(*path.split("/")))

    assert (response.status_code, response.get_json()) == load_sample("GET_service_unknown_id")


def test_a_template_of_another_service_is_a_404(client: FlaskClient) -> None:
    response = get(client, f"/service/{notify_service_id()}/template/{sample_template_id()}")

    assert response.status_code == 404


def test_a_user_has_the_recorded_fields_and_values(client: FlaskClient) -> None:
    status, body = load_sample("GET_user")

    response = get(client, f"/user/{sample_user_id()}")

    user = response.get_json()["data"]
    assert response.status_code == status
    assert shape(response.get_json()) == shape(body)
    for key in (
        "name",
        "email_address",
        "mobile_number",
        "auth_type",
        "state",
        "platform_admin",
        "permissions",
        "services",
        "organisations",
        "organisation_permissions",
        "failed_login_count",
    ):
        assert user[key] == body["data"][key]


def test_an_unknown_user_is_a_404(client: FlaskClient) -> None:
    response = get(client, f"/user/{unknown_id()}")

    assert (response.status_code, response.get_json()) == load_sample("GET_service_unknown_id")


def whole_financial_year() -> dict[str, str]:
    year = current_financial_year()
    return {"start_date": f"{year}-04-01", "end_date": f"{year + 1}-03-31"}


def assert_by_organisation_then_name(entries: list[dict]) -> None:
    """The recorded lists' order: by organisation, those without one last, then by name."""
    named = [entry for entry in entries if entry["organisation_name"]]
    unnamed = [entry for entry in entries if not entry["organisation_name"]]
    assert entries == named + unnamed
    assert [(entry["organisation_name"], entry["service_name"]) for entry in named] == sorted(
        (entry["organisation_name"], entry["service_name"]) for entry in named
    )
    assert [entry["service_name"] for entry in unnamed] == sorted(
        entry["service_name"] for entry in unnamed
    )


def test_volumes_by_service_have_the_recorded_fields(client: FlaskClient) -> None:
    status, body = load_sample("GET_platform_stats_volumes_by_service")

    response = get(client, "/platform-stats/volumes-by-service", **whole_financial_year())

    entries = response.get_json()
    assert response.status_code == status
    assert item_shape(entries) == item_shape(body)
    recorded_notify = body[-1]
    notify = {entry["service_id"]: entry for entry in entries}[notify_service_id()]
    for key in ("service_name", "organisation_id", "organisation_name", "free_allowance"):
        assert notify[key] == recorded_notify[key]
    assert_by_organisation_then_name(entries)
    assert all(isinstance(entry["letter_cost"], float) for entry in entries)


def test_the_billing_report_has_the_recorded_fields(client: FlaskClient) -> None:
    status, body = load_sample("GET_platform_stats_data_for_billing_report")

    response = get(client, "/platform-stats/data-for-billing-report", **whole_financial_year())

    entries = response.get_json()
    assert response.status_code == status
    assert item_shape(entries) == item_shape(body)
    assert_by_organisation_then_name(entries)
    letters_only = [entry for entry in entries if entry["sms_cost"] == 0]
    texts_only = [entry for entry in entries if entry["total_letters"] == 0]
    assert letters_only and all(entry["sms_chargeable_units"] == 0 for entry in letters_only)
    assert texts_only and all(entry["letter_breakdown"] == "" for entry in texts_only)


@pytest.mark.parametrize(
    ("sample", "dates"),
    [
        (
            "GET_platform_stats_data_for_billing_report_bad_date",
            {"start_date": "2026-13-01", "end_date": "2027-03-31"},
        ),
        (
            "GET_platform_stats_data_for_billing_report_two_years",
            {"start_date": "2025-04-01", "end_date": "2026-04-30"},
        ),
    ],
    ids=["malformed date", "two financial years"],
)
def test_the_billing_reports_400s_are_the_recorded_ones(
    client: FlaskClient, sample: str, dates: dict
) -> None:
    status, body = load_sample(sample)

    response = get(client, "/platform-stats/data-for-billing-report", **dates)

    assert (response.status_code, response.get_json()) == (status, body)


def test_a_malformed_date_for_volumes_is_the_recorded_400(client: FlaskClient) -> None:
    status, body = load_sample("GET_platform_stats_data_for_billing_report_bad_date")

    response = get(
        client, "/platform-stats/volumes-by-service", start_date="1 April", end_date="2027-03-31"
    )

    assert (response.status_code, response.get_json()) == (status, body)


def test_a_billing_report_ending_before_it_starts_is_a_400(client: FlaskClient) -> None:
    response = get(
        client,
        "/platform-stats/data-for-billing-report",
        start_date="2026-06-01",
        end_date="2026-05-31",
    )

    assert response.status_code == 400
    assert response.get_json() == {
        "result": "error",
        "message": "Start date must be before end date",
    }


@pytest.mark.parametrize(
    "path", ["/platform-stats/volumes-by-service", "/platform-stats/data-for-billing-report"]
)
def test_a_report_without_its_dates_is_the_apis_500(client: FlaskClient, path: str) -> None:
    response = get(client, path, start_date="2026-04-01")

    assert (response.status_code, response.get_json()) == load_sample(
        "GET_service_statistics_limit_days_not_a_number"
    )


def test_platform_stats_have_the_recorded_fields(client: FlaskClient) -> None:
    status, body = load_sample("GET_platform_stats_totals")

    response = get(client, "/platform-stats", start_date="2026-04-01", end_date="2026-11-27")

    assert response.status_code == status
    assert shape(response.get_json()) == shape(body)


def test_platform_stats_refuse_a_date_as_the_apis_schema_does(client: FlaskClient) -> None:
    response = get(client, "/platform-stats", start_date="2026-02-30", end_date="yesterday")

    assert response.status_code == 400
    assert response.get_json() == {
        "status_code": 400,
        "errors": [
            {"error": "ValidationError", "message": "start_date 2026-02-30 is not a date"},
            {"error": "ValidationError", "message": "end_date yesterday is not a date"},
        ],
    }


def test_monthly_statuses_have_the_recorded_fields(client: FlaskClient) -> None:
    status, body = load_sample("GET_service_notifications_monthly")
    year = current_financial_year()

    response = get(client, service_path("notifications", "monthly"), year=year)

    months = response.get_json()["data"]
    assert response.status_code == status
    assert shape(response.get_json()).keys() == shape(body).keys() == {"data"}
    assert all(set(channels) == {"email", "sms", "letter"} for channels in months.values())
    assert all(set(channels) == {"email", "sms", "letter"} for channels in body["data"].values())
    assert list(months)[0] == f"{year}-04"


@pytest.mark.parametrize("params", [{}, {"year": "twenty"}], ids=["no year", "not a number"])
def test_monthly_statuses_without_a_valid_year_are_a_400(client: FlaskClient, params: dict) -> None:
    response = get(client, service_path("notifications", "monthly"), **params)

    assert response.status_code == 400
    assert response.get_json() == {"result": "error", "message": "Year must be a number"}


def test_monthly_statuses_of_an_unknown_service_are_the_recorded_404(client: FlaskClient) -> None:
    response = get(client, f"/service/{unknown_id()}/notifications/monthly", year=2026)

    assert (response.status_code, response.get_json()) == load_sample("GET_service_unknown_id")
