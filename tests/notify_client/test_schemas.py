"""The schemas: the recorded answers as typed values, the 2018 forms, and what they refuse."""

import json
from datetime import UTC, datetime

import pytest

from dashboard.notify_client.schemas import billing, platform, services, templates, users
from dashboard.notify_client.schemas.platform import BILLING_REPORT, VOLUMES_BY_SERVICE
from dashboard.notify_client.schemas.services import SERVICES
from tests.samples import sample_body, sample_service_id, sample_user_id


def service_2018(**changes) -> dict:
    """A service as the 2018 API returned it: one message_limit, email_from, research_mode."""
    service = {
        "id": "5d9ec8e4-1a44-4bd0-8a37-5e2cf3f2e4a6",
        "name": "Renew a licence",
        "active": True,
        "restricted": False,
        "message_limit": 250_000,
        "email_from": "renew.a.licence",
        "research_mode": False,
        "organisation_type": "nhs",
        "created_at": "2018-03-01T10:00:00.000000Z",
    }
    return {"data": service | changes}


def recorded_service(**changes) -> dict:
    return {"data": sample_body("GET_service")["data"] | changes}


def test_a_service_today():
    service = services.SERVICE(sample_body("GET_service"))

    assert (service.id, service.name) == (sample_service_id(), "Apply for a parking permit")
    assert (service.active, service.restricted, service.organisation_type) == (
        True,
        False,
        "central",
    )
    assert (
        service.email_message_limit,
        service.sms_message_limit,
        service.letter_message_limit,
        service.international_sms_message_limit,
    ) == (250_000, 250_000, 20_000, 100)
    assert service.message_limit is None
    assert not service.has_one_daily_limit


def test_a_service_in_2018():
    service = services.SERVICE(service_2018())

    assert service.has_one_daily_limit
    assert (service.message_limit, service.email_from, service.research_mode) == (
        250_000,
        "renew.a.licence",
        False,
    )
    assert service.organisation_type == "nhs"
    assert service.sms_message_limit is None


def test_a_service_says_whether_the_api_counts_it_as_live():
    counted = services.SERVICE(recorded_service())
    not_counted = services.SERVICE(recorded_service(count_as_live=False))

    assert counted.count_as_live is True
    assert not_counted.count_as_live is False
    assert services.SERVICE(service_2018()).count_as_live is True, "2018 had no such field"
    with pytest.raises(ValueError, match="count_as_live"):
        services.SERVICE(recorded_service(count_as_live="yes"))


def test_a_service_without_a_sector_has_none():
    (notify, parking) = services.SERVICES(sample_body("GET_service_list"))

    assert notify.organisation_type is None
    assert parking.organisation_type == "central"


@pytest.mark.parametrize(
    "changes",
    [
        {"sms_message_limit": None},
        {"letter_message_limit": "20000"},
        {"email_message_limit": True},
        {"email_message_limit": -1},
    ],
)
def test_a_service_with_a_daily_limit_that_is_not_a_count_is_refused(changes):
    with pytest.raises(ValueError):
        services.SERVICE(recorded_service(**changes))


def test_a_service_needs_one_form_of_daily_limits_whole():
    body = sample_body("GET_service")["data"]
    partial = {key: value for key, value in body.items() if key != "letter_message_limit"}
    neither = {
        key: value for key, value in service_2018()["data"].items() if key != "message_limit"
    }

    for service in (partial, neither, partial | {"message_limit": 1_000}):
        with pytest.raises(ValueError, match="message_limit"):
            services.SERVICE({"data": service})


def test_a_problem_is_said_in_one_line_with_where_it_is():
    with pytest.raises(ValueError) as raised:
        services.SERVICES({"data": [sample_body("GET_service")["data"] | {"name": None}]})

    assert str(raised.value) == "data.0.name: Input should be a valid string"


def test_fields_the_schema_does_not_name_are_ignored():
    body = recorded_service(brand_new_field={"anything": [1, 2]})

    assert services.SERVICE(body) == services.SERVICE(sample_body("GET_service"))


def test_lists_of_services_give_rfc_1123_times():
    detailed = services.DETAILED_SERVICES(sample_body("GET_service_list_detailed"))
    live = services.LIVE_SERVICES(sample_body("GET_service_live_services_data"))

    assert detailed[0].created_at == datetime(2026, 11, 27, 16, 25, 16, tzinfo=UTC)
    assert detailed[0].statistics.sms.failed == 47
    assert detailed[1].notification_type is None
    assert live[0].live_date == datetime(2026, 8, 29, 16, 25, 16, tzinfo=UTC)
    assert (live[1].live_date, live[1].organisation_type) == (None, None)
    assert live[0].free_sms_fragment_limit == 20_000


def test_single_objects_give_iso_8601_times():
    rows = services.DATA_RETENTION(sample_body("GET_service_data_retention"))
    template = templates.TEMPLATE(sample_body("GET_service_template"))

    assert rows[2].created_at == datetime(2026, 11, 27, 16, 25, 17, 20275, tzinfo=UTC)
    assert rows[2].updated_at is None
    assert [(row.notification_type, row.days_of_retention) for row in rows] == [
        ("email", 7),
        ("sms", 7),
        ("letter", 30),
    ]
    assert template.updated_at == datetime(2026, 11, 27, 16, 25, 17, 87979, tzinfo=UTC)


def test_a_time_in_the_other_form_is_refused():
    retention = sample_body("GET_service_data_retention")
    detailed = sample_body("GET_service_list_detailed")
    rfc_in_a_single_object = [retention[0] | {"created_at": "Fri, 27 Nov 2026 16:25:16 GMT"}]
    iso_in_a_list = {"data": [detailed["data"][0] | {"created_at": "2026-11-27T16:25:16Z"}]}
    number = [retention[0] | {"created_at": 1795796716}]

    for schema, body in [
        (services.DATA_RETENTION, rfc_in_a_single_object),
        (services.DETAILED_SERVICES, iso_in_a_list),
        (services.DATA_RETENTION, number),
    ]:
        with pytest.raises(ValueError, match="created_at"):
            schema(body)


@pytest.mark.parametrize("changes", [{"notification_type": "push"}, {"days_of_retention": None}])
def test_retention_for_another_channel_or_of_no_days_is_refused(changes):
    with pytest.raises(ValueError):
        services.DATA_RETENTION([sample_body("GET_service_data_retention")[0] | changes])


def test_statistics_always_hold_three_channels():
    body = sample_body("GET_service_statistics_limit_days_7")
    statistics = services.STATISTICS(body)

    assert (statistics.email.requested, statistics.sms.delivered, statistics.letter.failed) == (
        640,
        310,
        0,
    )
    without_letters = {
        "data": {key: value for key, value in body["data"].items() if key != "letter"}
    }
    with pytest.raises(ValueError, match="data.letter: Field required"):
        services.STATISTICS(without_letters)


def test_monthly_notifications_by_month_channel_and_status():
    months = services.NOTIFICATIONS_MONTHLY(sample_body("GET_service_notifications_monthly"))

    assert list(months) == [f"2026-{month:02d}" for month in range(4, 12)]
    assert months["2026-04"].sms == {}
    assert months["2026-09"].email["delivered"] == 18_020
    assert months["2026-11"].letter["permanent-failure"] == 58


def test_a_month_that_is_not_one_is_refused():
    body = sample_body("GET_service_notifications_monthly")
    renamed = {"data": {"2026-13": body["data"]["2026-09"]}}

    with pytest.raises(ValueError, match="2026-13"):
        services.NOTIFICATIONS_MONTHLY(renamed)


def test_billing_today():
    allowance = billing.FREE_ALLOWANCE(sample_body("GET_service_billing_free_sms_fragment_limit"))
    yearly = billing.YEARLY_USAGE(sample_body("GET_service_billing_yearly_usage_summary"))
    (monthly,) = billing.MONTHLY_USAGE(sample_body("GET_service_billing_monthly_usage"))

    assert (allowance.free_sms_fragment_limit, allowance.financial_year_start) == (20_000, 2026)
    sms = yearly[3]
    assert (sms.notification_type, sms.chargeable_units, sms.charged_units) == (
        "sms",
        829_102,
        809_102,
    )
    assert (sms.free_allowance_used, sms.cost, sms.rate) == (20_000, 19_418.448, 0.024)
    assert (monthly.month, monthly.chargeable_units, monthly.postage) == ("November", 41, "none")


def test_billing_in_2018_reads_billing_units_as_chargeable_units():
    yearly = billing.YEARLY_USAGE(
        [
            {"notification_type": "sms", "billing_units": 1_200, "rate": 0.0158, "letter_total": 0},
            {"notification_type": "letter", "billing_units": 30, "rate": 0.3, "letter_total": 9.0},
        ]
    )
    (monthly,) = billing.MONTHLY_USAGE(
        [{"month": "april", "notification_type": "sms", "billing_units": 50, "rate": 0.0158}]
    )

    assert [(row.chargeable_units, row.letter_total) for row in yearly] == [(1_200, 0.0), (30, 9.0)]
    assert (yearly[0].charged_units, yearly[0].cost, yearly[0].notifications_sent) == (
        None,
        None,
        None,
    )
    assert (monthly.month, monthly.chargeable_units) == ("April", 50)


@pytest.mark.parametrize(
    "row",
    [
        {"month": "Smarch", "notification_type": "sms", "chargeable_units": 1, "rate": 0.024},
        {"month": "May", "notification_type": "sms", "rate": 0.024},
        {"month": "May", "notification_type": "fax", "chargeable_units": 1, "rate": 0.024},
        {"month": "May", "notification_type": "sms", "chargeable_units": 1, "rate": "0.024"},
    ],
)
def test_a_usage_row_out_of_contract_is_refused(row):
    with pytest.raises(ValueError):
        billing.MONTHLY_USAGE([row])


def test_platform_totals():
    stats = platform.PLATFORM_STATS(sample_body("GET_platform_stats_totals"))

    assert (stats.sms.total, stats.sms.test_key, stats.letter.total) == (56_598, 882, 3_782)
    assert stats.email.failures.permanent_failure == 1_460
    assert stats.sms.failures.temporary_failure == 1_368


def test_volumes_and_the_billing_report():
    volumes = platform.VOLUMES_BY_SERVICE(sample_body("GET_platform_stats_volumes_by_service"))
    report = platform.BILLING_REPORT(sample_body("GET_platform_stats_data_for_billing_report"))

    assert len(volumes) == 7 and len(report) == 6
    dvla = volumes[0]
    assert (dvla.service_name, dvla.free_allowance, dvla.sms_chargeable_units) == (
        "DVLA Vehicle Tax Reminders",
        50_000,
        295_378,
    )
    assert (report[0].sms_chargeable_units, report[0].sms_cost) == (245_378, 5_889.072)
    assert report[0].purchase_order_number is None
    assert report[0].letter_breakdown.startswith("22452 second class letters")


def test_templates_and_users():
    summaries = templates.TEMPLATES(sample_body("GET_service_template_list"))
    template = templates.TEMPLATE(sample_body("GET_service_template"))
    (version,) = templates.TEMPLATE_VERSIONS(sample_body("GET_service_template_versions"))
    user = users.USER(sample_body("GET_user"))

    assert [summary.template_type for summary in summaries] == ["email", "letter", "email", "sms"]
    assert not any(summary.archived for summary in summaries)
    assert template.created_by == sample_user_id()
    assert (version.created_by.name, version.version) == ("Jo Bloggs", 1)
    assert "view_activity" in user.permissions[sample_service_id()]
    assert (user.services, user.logged_in_at) == ((sample_service_id(),), None)


@pytest.mark.parametrize(
    ("schema", "sample", "field"),
    [
        (SERVICES, "GET_service_list", "id"),
        (VOLUMES_BY_SERVICE, "GET_platform_stats_volumes_by_service", "service_id"),
        (BILLING_REPORT, "GET_platform_stats_data_for_billing_report", "service_id"),
    ],
)
def test_a_list_naming_a_service_twice_does_not_fit(schema, sample, field):
    """Summed, a doubled row would count a service twice."""
    body = sample_body(sample)
    rows = body["data"] if isinstance(body, dict) else body
    doubled = [*rows, rows[0]]
    answer = {**body, "data": doubled} if isinstance(body, dict) else doubled

    with pytest.raises(ValueError, match=rf"{len(rows)}\.{field}: .* is listed more than once"):
        schema(answer)
    with pytest.raises(ValueError, match="is listed more than once"):
        schema.from_json(json.dumps(answer))
    assert len(schema(body)) == len(rows)
