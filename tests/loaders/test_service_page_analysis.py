"""The Service page's comparison, templates and failures by cause: against recorded answers
(what it asks for, the unusual rule's verdict) and against the sandbox (its figures are the
API's for the same days)."""

import copy
from datetime import timedelta

import pytest

from dashboard.cache.policy import DEFAULT_TTLS
from dashboard.cache.request_cache import RequestCache
from dashboard.domain.comparison import earlier_windows
from dashboard.domain.financial_year import current_financial_year, london_today
from dashboard.domain.statistics import grouped_counts
from dashboard.loaders.context import LoaderContext
from dashboard.loaders.sections import Ready
from dashboard.loaders.service_page import ServicePage, load_service_choices, load_service_page
from dashboard.notify_client import NotifyClients, build_clients
from tests.conftest import TEST_API, clients_without_cache, settings_for_tests
from tests.failure_causes import CHANNEL_NAMES, busiest_service, failed_by_cause
from tests.loaders.test_service_page import load, mock_detailed, mock_everything_for
from tests.samples import sample_body, sample_service_id


def detailed_with(sms_requested: int, sms_failed: int) -> dict:
    """The recorded detailed list with the sample service's texts changed."""
    body = copy.deepcopy(sample_body("GET_service_list_detailed"))
    for row in body["data"]:
        if row["id"] == sample_service_id():
            row["statistics"]["sms"] = {
                "requested": sms_requested,
                "delivered": sms_requested - sms_failed,
                "failed": sms_failed,
            }
    return body


def test_the_window_is_compared_with_the_four_before_it(requests_mock, clients):
    mock_everything_for(requests_mock, sample_service_id())

    page = load(clients, "30")

    today = london_today()
    detailed = [
        (request.qs["start_date"][0], request.qs["end_date"][0])
        for request in requests_mock.request_history
        if request.path == "/service" and "detailed" in request.qs
    ]
    expected = earlier_windows(today - timedelta(days=30), today)
    assert sorted(detailed) == sorted((s.isoformat(), e.isoformat()) for s, e in expected)
    assert isinstance(page.comparison, Ready)
    comparison = page.comparison.value
    sms = next(item for item in comparison.items if item.channel == "sms")
    recorded = next(
        row
        for row in sample_body("GET_service_list_detailed")["data"]
        if row["id"] == sample_service_id()
    )["statistics"]["sms"]
    assert (sms.requested, sms.failed) == (547, 61)
    assert (sms.previous_requested, sms.previous_failed) == (
        recorded["requested"],
        recorded["failed"],
    )
    assert comparison.earlier_read == 4
    assert comparison.settling is not None and "still settling" in comparison.settling


def test_a_failure_rate_far_above_the_earlier_windows_is_flagged(requests_mock, clients):
    mock_everything_for(requests_mock, sample_service_id())
    # Texts: 61 of 547 failed in the window (11 %), 10 of 1,000 in each earlier one (1 %).
    mock_detailed(requests_mock, detailed_with(1000, 10))

    page = load(clients, "30")

    assert isinstance(page.comparison, Ready)
    flagged = page.comparison.value.unusual()
    assert [item.channel for item in flagged] == ["sms"]
    assert flagged[0].verdict.reason == "11.2% against 1.0% before."
    assert (
        "Yes: 11.2% against 1.0% before."
        in page.comparison.value.table["Failure rate unusual"].tolist()
    )


def test_a_failure_rate_like_the_earlier_windows_is_not_flagged(requests_mock, clients):
    mock_everything_for(requests_mock, sample_service_id())
    mock_detailed(requests_mock, detailed_with(1000, 110))

    page = load(clients, "30")

    assert isinstance(page.comparison, Ready) and page.comparison.value.unusual() == []


def test_a_live_service_makes_no_checklist_calls(requests_mock, clients):
    mock_everything_for(requests_mock, sample_service_id())

    page = load(clients, "7")

    paths = [request.path for request in requests_mock.request_history]
    assert not any(path.endswith(("/template", "/email-reply-to")) for path in paths)
    assert isinstance(page.checklist, Ready) and page.checklist.value == ()


def test_a_trial_service_makes_both_checklist_calls(requests_mock, clients):
    mock_everything_for(requests_mock, sample_service_id())
    trial = copy.deepcopy(sample_body("GET_service"))
    trial["data"]["restricted"] = True
    requests_mock.get(f"{TEST_API}/service/{sample_service_id()}", json=trial)

    page = load(clients, "7")

    paths = [request.path for request in requests_mock.request_history]
    assert any(path.endswith("/template") for path in paths)
    assert any(path.endswith("/email-reply-to") for path in paths)
    assert isinstance(page.checklist, Ready) and len(page.checklist.value) > 0


@pytest.mark.parametrize(("days", "asked"), [("3", "3"), ("30", "7")])
def test_templates_are_read_for_the_window_up_to_seven_days(requests_mock, clients, days, asked):
    mock_everything_for(requests_mock, sample_service_id())

    page = load(clients, days)

    (request,) = [
        r for r in requests_mock.request_history if r.path.endswith("/template-statistics")
    ]
    assert request.qs == {"whole_days": [asked]}
    assert isinstance(page.templates, Ready)
    assert (page.templates.value.note is None) == (days == "3")


def test_the_service_leads_with_its_status_organisation_and_sector(requests_mock, clients):
    mock_everything_for(requests_mock, sample_service_id())

    page = load(clients, "7")

    assert isinstance(page.service, Ready)
    assert page.service.value.lead == "Live · HM Revenue & Customs · Central government"


def test_an_organisation_that_cannot_be_read_is_said_and_the_rest_stands(requests_mock, clients):
    mock_everything_for(requests_mock, sample_service_id())
    requests_mock.get(
        f"{TEST_API}/service/{sample_service_id()}/organisation",
        status_code=500,
        json={"result": "error", "message": "Internal server error"},
    )

    page = load(clients, "7")

    assert isinstance(page.service, Ready)
    assert page.service.value.organisation.startswith("Organisation not read")


# Against the sandbox: the figures are the API's own for the same days.


@pytest.fixture
def api(live_sandbox) -> NotifyClients:
    return clients_without_cache(settings_for_tests(api_host_name=live_sandbox.url))


@pytest.mark.parametrize("days", [1, 7, 20])
def test_the_previous_window_equals_the_apis_counts_for_those_days(api, days):
    service_id = busiest_service(api)
    today = london_today()

    page = load_service_page(LoaderContext(api, "sandbox"), service_id, str(days))

    assert isinstance(page, ServicePage) and isinstance(page.comparison, Ready)
    days = page.window.days.days  # as far back as the service keeps data
    start, end = earlier_windows(today - timedelta(days=days), today)[0]
    assert (end - start).days == days
    expected = next(
        row.statistics
        for row in api.services.get_services_detailed(start, end)
        if row.id == service_id
    )
    now = api.services.get_service_statistics(service_id, days)
    for item in page.comparison.value.items:
        before, current = getattr(expected, item.channel), getattr(now, item.channel)
        assert (item.previous_requested, item.previous_delivered, item.previous_failed) == (
            before.requested,
            before.delivered,
            before.failed,
        )
        assert (item.requested, item.delivered, item.failed) == (
            current.requested,
            current.delivered,
            current.failed,
        )
    table = page.comparison.value.table.set_index("Channel")
    for item in page.comparison.value.items:
        if item.used:
            shown = table.loc[item.label]
            assert (
                shown["Requested before"],
                shown["Delivered before"],
                shown["Failed before"],
                shown["Failure rate before"],
            ) == (
                item.previous_requested,
                item.previous_delivered,
                item.previous_failed,
                pytest.approx(item.previous_failure_rate),
            )


def test_the_templates_equal_the_apis_template_statistics(api):
    service_id = busiest_service(api)

    page = load_service_page(LoaderContext(api, "sandbox"), service_id, "5")

    assert isinstance(page, ServicePage) and isinstance(page.templates, Ready)
    rows = api.templates.get_template_statistics(service_id, 5)
    table = page.templates.value.table.set_index("Template")
    by_template: dict[str, dict[str, int]] = {}
    for row in rows:
        by_template.setdefault(row.template_name, {})[row.status] = row.count
    assert len(table) == len(by_template) > 0
    for name, statuses in by_template.items():
        counts = grouped_counts(statuses)
        assert table.loc[name, "Requested"] == counts["requested"]
        assert table.loc[name, "Failed"] == counts["failed"]
    # The templates add up to the service's own counts over the same days.
    assert table["Requested"].sum() == sum(
        getattr(api.services.get_service_statistics(service_id, 5), channel).requested
        for channel in ("email", "sms", "letter")
    )
    causes = page.templates.value.causes
    assert causes["Failed"].sum() == table["Failed"].sum()


def test_this_year_by_template_equals_the_apis_monthly_template_use(api):
    service_id = busiest_service(api)
    year = current_financial_year()

    page = load_service_page(LoaderContext(api, "sandbox"), service_id, "7")

    assert isinstance(page, ServicePage) and isinstance(page.template_months, Ready)
    usage = api.templates.get_templates_usage_monthly(service_id, year)
    table = page.template_months.value.table
    assert table["Total"].sum() == sum(row.count for row in usage.stats) > 0


def test_this_years_failures_by_cause_equal_the_apis_monthly_statuses(api):
    service_id = busiest_service(api)
    year = current_financial_year()

    page = load_service_page(LoaderContext(api, "sandbox"), service_id, "7")

    assert isinstance(page, ServicePage) and isinstance(page.year_by_month, Ready)
    months = api.services.get_notifications_monthly(service_id, year)
    expected = failed_by_cause(months)
    year_by_month = page.year_by_month.value
    causes = year_by_month.causes
    shown = {(row["Channel"], row["Cause"]): row["Failed"] for _, row in causes.iterrows()}
    assert shown == expected and len(shown) >= 3
    # One figure, one meaning: each channel's causes add up to the failed of its months.
    for label in CHANNEL_NAMES.values():
        in_causes = causes.loc[causes["Channel"] == label, "Failed"].sum()
        assert in_causes == year_by_month.table[f"{label} failed"].sum()


def test_cold_a_live_services_page_makes_fourteen_calls_and_warm_none(live_sandbox, redis_client):
    """The 5 first calls, the 9 later ones (the 4 windows before shared with All services), no
    checklist calls for a live service; the day-by-day counts are their own loader. The page
    reads the picker's names (from the services list) before the page, and the windows before
    are checked against them, so the services list is the picker's call, not the page's."""
    cache = RequestCache(redis_client, DEFAULT_TTLS)
    clients = build_clients(settings_for_tests(api_host_name=live_sandbox.url), cache)
    context = LoaderContext(clients, live_sandbox.url)
    service_id = next(row.service_id for row in clients.services.get_live_services_data())
    redis_client.flushdb()
    assert isinstance(load_service_choices(context), Ready)
    live_sandbox.reset_request_counts()

    page = load_service_page(context, service_id, "7")
    assert isinstance(page, ServicePage)
    page.later.result()
    cold = live_sandbox.request_counts()
    live_sandbox.reset_request_counts()
    again = load_service_page(context, service_id, "7")
    assert isinstance(again, ServicePage)
    again.later.result()

    assert sum(cold.values()) == 14
    assert cold["GET /service"] == 4  # the windows before, for every service at once
    assert "GET /service/<uuid:service_id>/template" not in cold
    assert live_sandbox.request_counts() == {}
