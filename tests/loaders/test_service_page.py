"""The Service page's loaders against the recorded answers: one typed section per part, the slow
monthly usage left to its own loader, failures kept to their section."""

import re
import threading
from decimal import Decimal
from uuid import uuid4

import pytest

from dashboard.domain.allowance_projection import AllowanceByMonth
from dashboard.domain.financial_year import financial_year_of, london_today
from dashboard.loaders.allowance_by_month import load_allowance_by_month
from dashboard.loaders.context import LoaderContext
from dashboard.loaders.sections import Failed, Ready, Section
from dashboard.loaders.service_page import (
    NotAServiceId,
    ServicePage,
    empty_service_cache,
    forget_service,
    load_service_choices,
    load_service_page,
)
from dashboard.notify_client import NotifyClients, build_clients
from tests.conftest import TEST_API, settings_for_tests
from tests.samples import sample_body, sample_service_id

MONTHLY_USAGE = "/billing/monthly-usage"


def context_of(clients: NotifyClients, deadline_seconds: float = 15.0) -> LoaderContext:
    return LoaderContext(clients, TEST_API, max_workers=8, deadline_seconds=deadline_seconds)


def mock_everything_for(requests_mock, service_id: str) -> None:
    """The recorded answers for every call the Service page makes."""
    base = f"{TEST_API}/service/{service_id}"
    requests_mock.get(base, json=sample_body("GET_service"))
    requests_mock.get(f"{base}/data-retention", json=sample_body("GET_service_data_retention"))
    requests_mock.get(
        re.compile(re.escape(f"{base}/statistics") + r"\?.*today_only=True"),
        json=sample_body("GET_service_statistics_today_only"),
    )
    requests_mock.get(
        re.compile(re.escape(f"{base}/statistics") + r"\?.*today_only=False"),
        json=sample_body("GET_service_statistics_limit_days_30"),
    )
    requests_mock.get(
        f"{base}/billing/free-sms-fragment-limit",
        json=sample_body("GET_service_billing_free_sms_fragment_limit"),
    )
    requests_mock.get(
        f"{base}/billing/yearly-usage-summary",
        json=sample_body("GET_service_billing_yearly_usage_summary"),
    )
    requests_mock.get(
        f"{base}{MONTHLY_USAGE}", json=sample_body("GET_service_billing_monthly_usage")
    )
    requests_mock.get(
        f"{base}/notifications/monthly", json=sample_body("GET_service_notifications_monthly")
    )
    requests_mock.get(f"{base}/template", json=sample_body("GET_service_template_list"))
    requests_mock.get(f"{base}/email-reply-to", json=[])
    requests_mock.get(f"{base}/organisation", json=sample_body("GET_service_organisation"))
    requests_mock.get(
        f"{base}/template-statistics", json=sample_body("GET_service_template_statistics")
    )
    requests_mock.get(
        f"{base}/notifications/templates_usage/monthly",
        json=sample_body("GET_service_templates_usage_monthly"),
    )
    requests_mock.get(f"{TEST_API}/service", json=sample_body("GET_service_list"))
    mock_detailed(requests_mock, sample_body("GET_service_list_detailed"))


def mock_detailed(requests_mock, body: dict) -> None:
    """Every detailed list (the windows before) answers this body; the services list keeps its
    own, which the windows' counts are checked against."""
    requests_mock.get(re.compile(re.escape(f"{TEST_API}/service?detailed=True")), json=body)


def load(clients: NotifyClients, days: str | None = "7", **context: float) -> ServicePage:
    """The page with its later parts read too, so that what a test counts afterwards is final."""
    page = load_service_page(context_of(clients, **context), sample_service_id(), days)
    assert isinstance(page, ServicePage)
    page.later.result()
    return page


def months_of(clients: NotifyClients, page: ServicePage) -> Section[AllowanceByMonth]:
    """What the page reads last: the allowance it has, month by month."""
    assert isinstance(page.allowance, Ready)
    return load_allowance_by_month(context_of(clients), page.service_id, page.allowance.value)


def error_body() -> dict[str, str]:
    return {"result": "error", "message": "Internal server error"}


def test_the_recorded_service_loads_every_section(requests_mock, clients):
    mock_everything_for(requests_mock, sample_service_id())

    page = load(clients, "30")

    assert page.failures() == ()
    assert isinstance(page.service, Ready) and page.service.value.name == (
        "Apply for a parking permit"
    )
    assert page.service.value.trial_notice is None
    assert (page.window.days.days, page.window.days.maximum, page.window.notes) == (30, 30, ())
    assert isinstance(page.counts, Ready)
    sms = page.counts.value.by_channel.set_index("channel").loc["sms"]
    assert (sms.requested, sms.delivered, sms.failed, sms.sending) == (547, 473, 61, 13)
    assert isinstance(page.limits, Ready)
    assert [bar.text.split(" of ")[0] for bar in page.limits.value] == [
        "Emails: 58",
        "Text messages: 35",
        "Letters: 1",
    ]
    assert isinstance(page.checklist, Ready) and page.checklist.value == ()


def test_the_allowance_figures_come_from_the_yearly_summary_as_the_api_works_them_out(
    requests_mock, clients
):
    mock_everything_for(requests_mock, sample_service_id())

    page = load(clients)

    assert isinstance(page.allowance, Ready)
    allowance = page.allowance.value
    totals = allowance.totals
    # The recorded summary: 829,102 fragments at 2.4p against 20,000 free, and the API's own
    # charged_units and cost for them (809,102 and £19,418.448).
    assert (totals.allowance, totals.used, totals.remaining, totals.chargeable) == (
        20_000,
        829_102,
        0,
        809_102,
    )
    assert totals.cost == Decimal("19418.448")
    assert (allowance.sector, allowance.sector_default, allowance.is_custom) == (
        "Central government",
        20_000,
        False,
    )


def test_counts_and_limits_are_ready_while_the_later_parts_are_still_read(requests_mock, clients):
    mock_everything_for(requests_mock, sample_service_id())
    release = threading.Event()

    def held_back(request, context):
        release.wait(10)
        return sample_body("GET_service_billing_yearly_usage_summary")

    requests_mock.get(
        f"{TEST_API}/service/{sample_service_id()}/billing/yearly-usage-summary", json=held_back
    )

    page = load_service_page(context_of(clients), sample_service_id(), "7")

    assert isinstance(page, ServicePage)
    assert isinstance(page.counts, Ready) and isinstance(page.limits, Ready)
    assert not page.later.done()
    release.set()
    assert isinstance(page.allowance, Ready)


def test_the_fast_load_never_asks_for_monthly_usage(requests_mock, clients):
    mock_everything_for(requests_mock, sample_service_id())

    load(clients)

    paths = [request.path for request in requests_mock.request_history]
    assert paths and not any(path.endswith(MONTHLY_USAGE) for path in paths)


def test_the_allowance_by_month_comes_from_monthly_usage(requests_mock, clients):
    mock_everything_for(requests_mock, sample_service_id())

    page = load(clients)
    calls = requests_mock.call_count

    section = months_of(clients, page)

    assert isinstance(section, Ready)
    months = section.value
    assert (months.allowance, months.used) == (20_000, 41)
    assert months.sent["fragments"].sum() == 41
    assert requests_mock.call_count == calls + 1
    assert requests_mock.last_request.path.endswith(MONTHLY_USAGE)


def test_this_year_by_month_groups_statuses_as_the_statistics_endpoint_does(requests_mock, clients):
    mock_everything_for(requests_mock, sample_service_id())

    page = load(clients)

    assert isinstance(page.year_by_month, Ready)
    monthly = page.year_by_month.value.monthly.set_index(["month", "channel"])
    september = monthly.loc[("2026-09", "sms")]
    # created 21, delivered 12,101, failed 18, permanent-failure 341, sending 137,
    # technical-failure 72, temporary-failure 295: none cancelled.
    assert (september.requested, september.delivered, september.failed) == (
        21 + 12_101 + 18 + 341 + 137 + 72 + 295,
        12_101,
        18 + 341 + 72 + 295,
    )
    table = page.year_by_month.value.table
    assert list(table["Month"])[:2] == ["April 2026", "May 2026"]
    assert table.set_index("Month").loc["September 2026", "Text messages failed"] == 726


def test_one_failing_call_fails_only_its_section(requests_mock, clients):
    mock_everything_for(requests_mock, sample_service_id())
    base = f"{TEST_API}/service/{sample_service_id()}"
    requests_mock.get(f"{base}/billing/yearly-usage-summary", status_code=500, json=error_body())

    page = load(clients)

    assert page.allowance == Failed(
        f"The Notify API at {TEST_API} had an internal error (500).", page.allowance.freshness
    )
    assert page.failures() == (page.allowance.message,)
    assert isinstance(page.counts, Ready) and isinstance(page.limits, Ready)


def test_monthly_usage_failing_fails_only_the_months(requests_mock, clients):
    mock_everything_for(requests_mock, sample_service_id())
    base = f"{TEST_API}/service/{sample_service_id()}"
    requests_mock.get(f"{base}{MONTHLY_USAGE}", status_code=500, json=error_body())

    page = load(clients)
    months = months_of(clients, page)

    assert isinstance(page.allowance, Ready)
    assert isinstance(months, Failed)
    assert months.message == f"The Notify API at {TEST_API} had an internal error (500)."


def test_an_answer_not_in_the_expected_form_is_said_in_its_section_and_never_kept(
    requests_mock, clients, redis_client
):
    mock_everything_for(requests_mock, sample_service_id())
    base = f"{TEST_API}/service/{sample_service_id()}"
    requests_mock.get(
        f"{base}/billing/yearly-usage-summary",
        json=[{"notification_type": "sms", "chargeable_units": "41", "rate": 0.024}],
    )

    page = load(clients)

    assert isinstance(page.allowance, Failed)
    assert page.allowance.message == (
        f"The Notify API at {TEST_API} answered, but its answer for this part "
        "(yearly-usage) was not in the expected form, so it is not shown."
    )
    assert isinstance(page.counts, Ready) and isinstance(page.limits, Ready)
    year = financial_year_of(london_today())
    assert redis_client.exists(f"service-{sample_service_id()}-yearly-usage-{year}") == 0


def test_without_data_retention_the_window_stops_at_seven_days_and_says_why(requests_mock, clients):
    mock_everything_for(requests_mock, sample_service_id())
    base = f"{TEST_API}/service/{sample_service_id()}"
    requests_mock.get(f"{base}/data-retention", status_code=500, json=error_body())

    page = load(clients, "30")

    assert page.window.days.days == 7
    assert page.window.notes[-1] == (
        "Data retention could not be read, so the window stops at 7 days: "
        f"The Notify API at {TEST_API} had an internal error (500)."
    )
    assert isinstance(page.counts, Ready)
    assert window_requests(requests_mock) == ["30", "7"]


def test_the_window_heading_says_exactly_which_days_are_counted(requests_mock, clients):
    mock_everything_for(requests_mock, sample_service_id())

    page = load(clients, "7")

    assert re.fullmatch(
        r"Today and the 7 days before \(\d+ (\w+ )?to \d+ \w+\)", page.window.heading
    )


def test_at_the_deadline_every_part_not_read_says_so(requests_mock, clients):
    """requests-mock answers one request at a time, so one held answer holds them all."""
    release = threading.Event()

    def held(request, context):
        release.wait(10)
        return {}

    requests_mock.get(re.compile(re.escape(TEST_API)), json=held)
    try:
        page = load(clients, "30", deadline_seconds=1.2)
    finally:
        release.set()

    waited = f"The Notify API at {TEST_API} has not answered this part after 1 second:"
    # The service, counts, limits, allowance, year by month, checklist (the service unread),
    # comparison, templates and this year by template.
    assert len(page.failures()) == 9
    assert all(message.startswith(waited) for message in page.failures())
    assert page.window.days.days == 7
    assert page.window.notes[-1].startswith("Data retention could not be read")


def test_an_unknown_service_fails_every_part_that_needs_it(requests_mock, clients):
    service_id = str(uuid4())
    mock_everything_for(requests_mock, service_id)
    requests_mock.get(
        f"{TEST_API}/service/{service_id}",
        status_code=404,
        json={"result": "error", "message": "No result found"},
    )

    page = load_service_page(context_of(clients), service_id, None)

    assert isinstance(page, ServicePage)
    assert isinstance(page.service, Failed)
    assert page.service.message == f"There is no service with id {service_id}."
    assert all(
        isinstance(section, Failed) for section in (page.limits, page.allowance, page.checklist)
    )


@pytest.mark.parametrize("service_id", ["not-a-uuid", "", "da73e75a-0996-44f7-ab19", "'; DROP"])
def test_a_malformed_id_is_refused_before_any_request(requests_mock, cache, service_id):
    # An API of its own, so that a read an earlier test left running cannot count here.
    api = "https://malformed-id.notify.test"
    clients = build_clients(settings_for_tests(api_host_name=api), cache)

    page = load_service_page(context_of(clients), service_id, None)

    assert isinstance(page, NotAServiceId)
    assert "is not a service id" in page.message
    assert [r.url for r in requests_mock.request_history if r.url.startswith(api)] == []


def test_a_trial_service_has_its_checklist_and_one_limit_per_channel(requests_mock, clients):
    mock_everything_for(requests_mock, sample_service_id())
    service = sample_body("GET_service")
    trial = {
        "data": service["data"]
        | {
            "restricted": True,
            "email_message_limit": 50,
            "sms_message_limit": 50,
            "letter_message_limit": 50,
        }
    }
    requests_mock.get(f"{TEST_API}/service/{sample_service_id()}", json=trial)

    page = load(clients)

    assert isinstance(page.service, Ready)
    assert page.service.value.trial_notice == (
        "This service is in trial mode: it can send messages only to its own team, up to 50 "
        "emails and 50 text messages a day, and no letters."
    )
    assert isinstance(page.checklist, Ready)
    assert [item.label for item in page.checklist.value] == [
        "Confirm your service name",
        "Tell us how many messages you expect to send",
        "Finish setting up your team",
        "Add templates with examples of your content",
        "Choose a ‘from’ name",
        "Add a reply-to email address",
        "Accept our data processing and financial agreement",
    ]


def window_requests(requests_mock) -> list[str]:
    """The `limit_days` of each request for a window's counts, in order."""
    return [
        request.qs["limit_days"][0]
        for request in requests_mock.request_history
        if request.path.endswith("/statistics") and request.qs["today_only"] == ["false"]
    ]


def test_a_window_retention_allows_is_read_once_beside_retention(requests_mock, clients):
    mock_everything_for(requests_mock, sample_service_id())

    load(clients, "30")

    assert window_requests(requests_mock) == ["30"]


def test_days_out_of_range_are_clamped_with_a_note_and_read_again(requests_mock, clients):
    mock_everything_for(requests_mock, sample_service_id())

    page = load(clients, "365")

    assert page.window.days.days == 30
    assert "choose 1 to 30 days" in page.window.notes[0]
    # Read for the most any service keeps, beside retention; then for what this one keeps.
    assert window_requests(requests_mock) == ["90", "30"]


def test_a_second_load_comes_from_the_cache(requests_mock, clients):
    mock_everything_for(requests_mock, sample_service_id())
    months_of(clients, load(clients))
    calls = requests_mock.call_count

    page = load(clients)
    months = months_of(clients, page)

    assert requests_mock.call_count == calls
    sections = [page.service, page.counts, page.limits, page.allowance, page.year_by_month]
    assert all(section.freshness.from_cache for section in [*sections, months])


def test_forgetting_the_service_reads_it_from_the_api_again(requests_mock, clients):
    mock_everything_for(requests_mock, sample_service_id())
    load(clients)

    forget_service(clients, sample_service_id())
    page = load(clients)

    assert page.service.freshness.summary == "Just read from the API"
    assert page.counts.freshness.summary == "Just read from the API"


def test_refresh_while_the_api_is_down_still_shows_the_last_numbers(requests_mock, clients):
    mock_everything_for(requests_mock, sample_service_id())
    load(clients)
    requests_mock.get(re.compile(re.escape(TEST_API)), status_code=503, json=error_body())

    forget_service(clients, sample_service_id())
    page = load(clients)

    assert isinstance(page.counts, Ready)
    assert page.counts.freshness.summary.startswith("As of ")


def test_emptying_a_services_cache_removes_its_last_good_copies_too(requests_mock, clients):
    mock_everything_for(requests_mock, sample_service_id())
    load(clients)
    requests_mock.get(re.compile(re.escape(TEST_API)), status_code=503, json=error_body())

    empty_service_cache(clients, sample_service_id())
    page = load(clients)

    assert isinstance(page.counts, Failed)
    assert "could not be reached" in page.counts.message


def test_the_pickers_choices_are_a_section(requests_mock, clients):
    requests_mock.get(f"{TEST_API}/service", json=sample_body("GET_service_list"))

    choices = load_service_choices(context_of(clients))

    assert isinstance(choices, Ready)
    assert list(choices.value.values()) == ["Apply for a parking permit", "GOV.UK Notify"]


def test_the_pickers_choices_fail_with_a_message(requests_mock, clients):
    requests_mock.get(f"{TEST_API}/service", status_code=500, json=error_body())

    choices = load_service_choices(context_of(clients))

    assert choices == Failed(
        f"The Notify API at {TEST_API} had an internal error (500).", choices.freshness
    )
