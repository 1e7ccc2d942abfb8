"""The Allowances loader: against the sandbox, every live service's and sector's figures equal a
per-service computation from monthly-usage and free-sms-fragment-limit, this year and last, in
at most four API calls; against recorded answers, what it does when a part fails or is slow."""

import re
from collections import defaultdict
from datetime import date
from uuid import uuid4

import pytest

from dashboard.cache.request_cache import RequestCache
from dashboard.concurrency import TookTooLong
from dashboard.domain.financial_year import FINANCIAL_YEAR_MONTHS, current_financial_year
from dashboard.domain.platform_service import NOTIFY_SERVICE_ID
from dashboard.domain.sectors import normalise_organisation_type, sector_name
from dashboard.loaders.allowances import allowances_from, load_allowances
from dashboard.loaders.context import LoaderContext
from dashboard.loaders.sections import Failed, Ready
from dashboard.notify_client import NotifyClients, build_clients
from dashboard.notify_client.calls import Outcome
from dashboard.notify_client.schemas.platform import VOLUMES_BY_SERVICE
from dashboard.notify_client.schemas.services import SERVICES
from tests.conftest import TEST_API, clients_without_cache, settings_for_tests
from tests.samples import sample_body

FIGURES = ("allowance", "used", "remaining", "chargeable", "cost")
PLATFORM_ROUTES = {
    "GET /service",
    "GET /platform-stats/volumes-by-service",
    "GET /platform-stats/data-for-billing-report",
}


def sandbox_context(live_sandbox, cache: RequestCache) -> LoaderContext:
    clients = build_clients(settings_for_tests(api_host_name=live_sandbox.url), cache)
    return LoaderContext(clients=clients, api_label=live_sandbox.url)


def per_service(api: NotifyClients, service_id: str, year: int) -> dict[str, float]:
    """A service's figures from its own endpoints and the contract's rule: the allowance is
    used up month by month from April, and what is beyond it costs that month's rate."""
    allowance = api.billing.get_free_sms_fragment_limit(service_id, year).free_sms_fragment_limit
    texts = sorted(
        (
            row
            for row in api.billing.get_monthly_usage(service_id, year)
            if row.notification_type == "sms"
        ),
        key=lambda row: FINANCIAL_YEAR_MONTHS.index(row.month),
    )
    left, chargeable, cost = allowance, 0, 0.0
    for row in texts:
        free = min(left, row.chargeable_units)
        left -= free
        chargeable += row.chargeable_units - free
        cost += (row.chargeable_units - free) * row.rate
    used = sum(row.chargeable_units for row in texts)
    return {
        "allowance": allowance,
        "used": used,
        "remaining": max(0, allowance - used),
        "chargeable": chargeable,
        "cost": cost,
    }


def assert_same(shown: dict, expected: dict, label: str) -> None:
    """Counts exactly, costs to the penny (each side adds its own rounded amounts)."""
    assert [shown[name] for name in FIGURES[:4]] == [expected[name] for name in FIGURES[:4]], label
    assert shown["cost"] == pytest.approx(expected["cost"], abs=0.005), label


@pytest.mark.parametrize("years_ago", [0, 1], ids=["this financial year", "last financial year"])
def test_every_live_service_and_sector_equals_its_own_billing_in_four_calls(
    live_sandbox, cache, years_ago
):
    year = current_financial_year() - years_ago
    api = clients_without_cache(settings_for_tests(api_host_name=live_sandbox.url))
    live = {row.service_id for row in api.services.get_live_services_data()}
    sectors = {
        service.id: sector_name(normalise_organisation_type(service.organisation_type))
        for service in api.services.get_services()
    }
    live_sandbox.reset_request_counts()

    section = load_allowances(sandbox_context(live_sandbox, cache), year)

    calls = live_sandbox.request_counts()
    assert isinstance(section, Ready)
    assert set(calls) <= PLATFORM_ROUTES and sum(calls.values()) <= 4, calls
    tables = section.value.tables
    assert tables.excluded == () and section.value.missing == ()
    rows = {row["service_id"]: row for row in tables.services.to_dict("records")}
    (own,) = tables.platform.to_dict("records")
    assert own["service_id"] == NOTIFY_SERVICE_ID
    assert set(rows) | {own["service_id"]} == live, "live: the API's meaning"
    expected = {service_id: per_service(api, service_id, year) for service_id in live}
    for service_id, row in [*rows.items(), (NOTIFY_SERVICE_ID, own)]:
        assert_same(row, expected[service_id], service_id)
    by_sector: dict[str, dict[str, float]] = defaultdict(lambda: dict.fromkeys(FIGURES, 0))
    for service_id in rows:
        for name in FIGURES:
            by_sector[sectors[service_id]][name] += expected[service_id][name]
    shown_sectors = tables.sectors.set_index("sector")
    assert set(shown_sectors.index) == set(by_sector)
    for sector, figures in by_sector.items():
        shown = shown_sectors.loc[sector]
        shown = {"allowance": shown["total_allowance"], **shown[list(FIGURES[1:])].to_dict()}
        assert_same(shown, figures, sector)
    assert any(row["cost"] > 0 for row in rows.values()), "someone must pay"


def test_a_warm_load_calls_the_api_no_more(live_sandbox, cache):
    context = sandbox_context(live_sandbox, cache)
    load_allowances(context, current_financial_year())
    live_sandbox.reset_request_counts()

    section = load_allowances(context, current_financial_year())

    assert isinstance(section, Ready) and section.freshness.from_cache
    assert live_sandbox.request_counts() == {}


def mock_answers(requests_mock, services: list[dict], volumes: list[dict], report: list[dict]):
    requests_mock.get(f"{TEST_API}/service", json={"data": services})
    requests_mock.get(f"{TEST_API}/platform-stats/volumes-by-service", json=volumes)
    requests_mock.get(f"{TEST_API}/platform-stats/data-for-billing-report", json=report)


def recorded_live_service(name: str) -> tuple[dict, dict, dict]:
    """A service, its volumes row and its billing row, from the recorded samples."""
    service_id = str(uuid4())
    service = sample_body("GET_service")["data"] | {"id": service_id, "name": name}
    volumes = sample_body("GET_platform_stats_volumes_by_service")[0] | {
        "service_id": service_id,
        "service_name": name,
    }
    report = sample_body("GET_platform_stats_data_for_billing_report")[0] | {
        "service_id": service_id,
        "service_name": name,
    }
    return service, volumes, report


def context_for(clients: NotifyClients) -> LoaderContext:
    return LoaderContext(clients=clients, api_label=TEST_API)


def test_the_recorded_answers_make_a_row(requests_mock, clients):
    service, volumes, report = recorded_live_service("DVLA Vehicle Tax Reminders")
    mock_answers(requests_mock, [service], [volumes], [report])

    section = load_allowances(context_for(clients), 2026, today=date(2026, 11, 27))

    assert isinstance(section, Ready)
    (row,) = section.value.tables.services.to_dict("records")
    assert (row["allowance"], row["used"], row["chargeable"]) == (50_000, 295_378, 245_378)
    assert row["cost"] == pytest.approx(5889.072)
    ranges = [
        (*call.qs["start_date"], *call.qs["end_date"])
        for call in requests_mock.request_history
        if call.path == "/platform-stats/volumes-by-service"
    ]
    assert sorted(ranges) == [("2026-04-01", "2026-04-01"), ("2026-04-01", "2026-11-27")]


def test_a_refused_billing_report_leaves_the_rest_and_says_what_is_missing(requests_mock, clients):
    service, volumes, _ = recorded_live_service("Fines")
    mock_answers(requests_mock, [service], [volumes], [])
    requests_mock.get(
        f"{TEST_API}/platform-stats/data-for-billing-report", status_code=500, json={}
    )

    section = load_allowances(context_for(clients), 2026, today=date(2026, 11, 27))

    assert isinstance(section, Ready)
    (message,) = section.value.missing
    assert "Chargeable fragments and cost are not shown" in message
    assert "internal error (500)" in message
    assert not section.value.tables.has_charges
    assert list(section.value.tables.services["name"]) == ["Fines"]


@pytest.mark.parametrize("failing", ["/service", "/platform-stats/volumes-by-service"])
def test_without_the_services_or_the_volumes_the_section_fails_with_why(
    requests_mock, clients, failing
):
    service, volumes, report = recorded_live_service("Fines")
    mock_answers(requests_mock, [service], [volumes], [report])
    requests_mock.get(f"{TEST_API}{failing}", status_code=403, json={"result": "error"})

    section = load_allowances(context_for(clients), 2026, today=date(2026, 11, 27))

    assert isinstance(section, Failed)
    assert "refused the dashboard's token" in section.message


def test_a_call_past_the_deadline_is_said_missing_and_the_rest_is_shown():
    """What `gather` hands back for a call still running at the page's deadline."""
    service, volumes, _ = recorded_live_service("Fines")
    answered = {
        "services": SERVICES({"data": [service]}),
        "allowances": VOLUMES_BY_SERVICE([volumes]),
        "volumes": VOLUMES_BY_SERVICE([volumes]),
    }
    outcomes = {name: Outcome(value, None, (), 5.0) for name, value in answered.items()}
    outcomes["charges"] = Outcome(None, TookTooLong(15.0), (), 15_000.0)

    section = allowances_from(outcomes, 2026, TEST_API)

    assert isinstance(section, Ready)
    (message,) = section.value.missing
    assert "has not answered this part after 15 seconds" in message
    assert list(section.value.tables.services["name"]) == ["Fines"]
    assert section.freshness.milliseconds == 15_000.0


def test_when_the_api_stops_answering_the_last_good_copies_are_shown_marked(
    requests_mock, clients, redis_client
):
    service, volumes, report = recorded_live_service("Fines")
    mock_answers(requests_mock, [service], [volumes], [report])
    context = context_for(clients)
    load_allowances(context, 2026, today=date(2026, 11, 27))
    for key in redis_client.scan_iter():  # the values expire; their last good copies stay
        if not key.startswith(b"dashboard-"):
            redis_client.delete(key)
    requests_mock.get(re.compile(r".*"), status_code=503, json={})

    section = load_allowances(context, 2026, today=date(2026, 11, 27))

    assert isinstance(section, Ready)
    assert list(section.value.tables.services["name"]) == ["Fines"]
    assert section.freshness.stale_since is not None
    assert section.freshness.summary.startswith("As of ")
    assert "the API did not answer" in section.freshness.summary
