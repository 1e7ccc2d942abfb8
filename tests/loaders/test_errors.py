"""Each kind of failure becomes a sentence for the page, with no secret and no traceback."""

import json
import re
from uuid import uuid4

import pytest
import requests

from dashboard.domain.financial_year import financial_year_of, london_today
from dashboard.loaders.service_page import load_service_page, service_choices
from tests.conftest import TEST_API, TEST_SECRET
from tests.samples import load_sample, sample_body, sample_service_id


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
        f"{base}/billing/monthly-usage", json=sample_body("GET_service_billing_monthly_usage")
    )
    requests_mock.get(f"{base}/template", json=sample_body("GET_service_template_list"))
    requests_mock.get(f"{base}/email-reply-to", json=[])


def test_the_recorded_service_loads_whole(requests_mock, clients):
    mock_everything_for(requests_mock, sample_service_id())

    page = load_service_page(clients, TEST_API, sample_service_id(), "30")

    assert page.errors == {}
    assert page.days.days == 30 and page.days.maximum == 30
    sms = page.statistics.set_index("channel").loc["sms"]
    assert (sms.requested, sms.delivered, sms.failed, sms.sending) == (547, 473, 61, 13)
    assert [usage.used for usage in page.limits] == [58, 35, 1]
    assert page.allowance.usage.allowance == 20000
    assert page.allowance.usage.used == 41
    assert page.allowance.sector == "Central government"
    assert not page.allowance.is_custom
    assert page.checklist is None


@pytest.mark.parametrize("service_id", ["not-a-uuid", "", "da73e75a-0996-44f7-ab19", "'; DROP"])
def test_a_malformed_id_is_refused_before_any_request(requests_mock, clients, service_id):
    page = load_service_page(clients, TEST_API, service_id, None)

    assert page.service is None
    assert "is not a service id" in page.errors["service"]
    assert requests_mock.call_count == 0


def test_an_unknown_service_says_so(requests_mock, clients):
    service_id = str(uuid4())
    mock_everything_for(requests_mock, service_id)
    status, body = load_sample("GET_service_unknown_id")
    requests_mock.get(f"{TEST_API}/service/{service_id}", status_code=status, json=body)

    page = load_service_page(clients, TEST_API, service_id, None)

    assert page.errors == {"service": f"There is no service with id {service_id}."}


@pytest.mark.parametrize(
    "sample", ["AUTH_token_too_old", "AUTH_bad_signature", "AUTH_wrong_issuer"]
)
def test_a_refused_token_says_to_check_the_secret_and_clock(requests_mock, clients, sample):
    status, body = load_sample(sample)
    requests_mock.get(re.compile(re.escape(TEST_API)), status_code=status, json=body)

    page = load_service_page(clients, TEST_API, sample_service_id(), None)

    assert "ADMIN_CLIENT_SECRET" in page.errors["service"]
    assert "clock" in page.errors["service"]
    assert TEST_SECRET not in str(page.errors)


def test_an_api_that_is_down_says_so(requests_mock, clients):
    requests_mock.get(re.compile(re.escape(TEST_API)), exc=requests.ConnectionError)

    page = load_service_page(clients, TEST_API, sample_service_id(), None)

    assert page.errors["service"].startswith(f"The Notify API at {TEST_API} could not be reached")


def test_one_failing_section_leaves_the_others(requests_mock, clients):
    mock_everything_for(requests_mock, sample_service_id())
    requests_mock.get(
        f"{TEST_API}/service/{sample_service_id()}/billing/monthly-usage",
        status_code=500,
        json={"result": "error", "message": "Internal server error"},
    )

    page = load_service_page(clients, TEST_API, sample_service_id(), "7")

    assert page.errors == {
        "allowance": f"The Notify API at {TEST_API} had an internal error (500)."
    }
    assert page.allowance is None
    assert page.statistics is not None and page.limits is not None


def test_an_answer_not_in_the_expected_form_is_said_in_its_section_and_never_kept(
    requests_mock, clients, redis_client
):
    mock_everything_for(requests_mock, sample_service_id())
    base = f"{TEST_API}/service/{sample_service_id()}"
    requests_mock.get(
        f"{base}/billing/monthly-usage",
        json=[{"month": "November", "notification_type": "sms", "chargeable_units": "41"}],
    )

    page = load_service_page(clients, TEST_API, sample_service_id(), "7")

    assert page.errors == {
        "allowance": f"The Notify API at {TEST_API} answered, but its answer for this part "
        "(monthly-usage) was not in the expected form, so it is not shown."
    }
    assert page.allowance is None
    assert page.statistics is not None and page.limits is not None
    year = financial_year_of(london_today())
    assert redis_client.exists(f"service-{sample_service_id()}-monthly-usage-{year}") == 0


def test_days_out_of_range_are_clamped_with_a_message(requests_mock, clients):
    mock_everything_for(requests_mock, sample_service_id())

    page = load_service_page(clients, TEST_API, sample_service_id(), "365")

    assert page.days.days == 30
    assert "choose 1 to 30 days" in page.days.message


def test_a_second_load_comes_from_the_cache(requests_mock, clients):
    mock_everything_for(requests_mock, sample_service_id())
    load_service_page(clients, TEST_API, sample_service_id(), "7")
    calls = requests_mock.call_count

    page = load_service_page(clients, TEST_API, sample_service_id(), "7")

    assert requests_mock.call_count == calls
    assert all(freshness.from_cache for freshness in page.freshness.values())


@pytest.mark.parametrize("planted", [[1, 2], {"an id": None}, "names", None])
def test_a_picker_list_of_the_wrong_shape_is_made_again(
    requests_mock, clients, redis_client, planted
):
    redis_client.set("service-names", json.dumps(planted))
    requests_mock.get(f"{TEST_API}/service", json=sample_body("GET_service_list"))

    choices = service_choices(clients)

    assert choices == {
        "da73e75a-0996-44f7-aeb4-62d5f5d5489e": "Apply for a parking permit",
        "d6aa2c68-a2d9-4437-ab19-3ae8eb202553": "GOV.UK Notify",
    }
    assert json.loads(redis_client.get("service-names")) == choices
