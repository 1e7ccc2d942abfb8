"""The organisations client against the responses recorded from the real API."""

import pytest
from notifications_python_client.errors import HTTPError

from dashboard.notify_client.schemas.organisations import ORGANISATION_USAGE, ORGANISATIONS
from tests.conftest import clients_without_cache, settings_for_tests
from tests.notify_client.helpers import mock_sample
from tests.samples import load_sample


def hmrc_id() -> str:
    """The organisation services-with-usage was recorded for (HM Revenue & Customs)."""
    return "d0d46fcb-2815-57f3-a852-6a2507e05604"


@pytest.fixture
def uncached_clients():
    return clients_without_cache(settings_for_tests())


def test_organisations_are_read_typed(requests_mock, uncached_clients):
    mock_sample(requests_mock, "GET", "/organisations", "GET_organisations")

    answer = uncached_clients.organisations.get_organisations()

    assert answer == ORGANISATIONS(load_sample("GET_organisations")[1])
    by_name = {organisation.name: organisation for organisation in answer}
    assert by_name["HM Revenue & Customs"].count_of_live_services == 1
    assert by_name["HM Revenue & Customs"].organisation_type == "central"
    assert requests_mock.last_request.path == "/organisations"


def test_services_with_usage_send_the_year_and_are_read_typed(requests_mock, uncached_clients):
    path = f"/organisations/{hmrc_id()}/services-with-usage"
    mock_sample(requests_mock, "GET", path, "GET_organisation_services_with_usage")

    answer = uncached_clients.organisations.get_services_with_usage(hmrc_id(), 2026)

    assert answer == ORGANISATION_USAGE(load_sample("GET_organisation_services_with_usage")[1])
    (service,) = answer.services
    assert (service.service_name, service.sms_billable_units, service.chargeable_billable_sms) == (
        "HMRC Tax Alerts",
        837_007,
        817_007,
    )
    assert service.letter_cost == 44_165.12 and answer.updated_at is None
    assert requests_mock.last_request.qs == {"year": ["2026"]}


def test_a_bad_year_is_the_recorded_400(requests_mock, uncached_clients):
    path = f"/organisations/{hmrc_id()}/services-with-usage"
    mock_sample(requests_mock, "GET", path, "GET_organisation_services_with_usage_bad_year")

    with pytest.raises(HTTPError) as raised:
        uncached_clients.organisations.get_services_with_usage(hmrc_id(), 0)

    assert (raised.value.status_code, raised.value.message) == (400, "No valid year provided")


@pytest.mark.parametrize(
    ("schema", "body"),
    [
        (ORGANISATIONS, [{"id": "x", "name": "X", "organisation_type": None, "active": "yes"}]),
        (ORGANISATION_USAGE, {"services": [{"service_id": "x"}], "updated_at": None}),
        (ORGANISATION_USAGE, {"updated_at": None}),
    ],
)
def test_answers_out_of_contract_do_not_fit(schema, body):
    with pytest.raises(ValueError):
        schema(body)


def test_both_are_cached(requests_mock, clients):
    mock_sample(requests_mock, "GET", "/organisations", "GET_organisations")
    path = f"/organisations/{hmrc_id()}/services-with-usage"
    mock_sample(requests_mock, "GET", path, "GET_organisation_services_with_usage")

    for _ in range(2):
        clients.organisations.get_organisations()
        clients.organisations.get_services_with_usage(hmrc_id(), 2026)

    assert requests_mock.call_count == 2
