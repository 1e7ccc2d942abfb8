"""Each kind of failure becomes a sentence for the page, with no secret and no traceback."""

import json
import re

import pytest
import requests

from dashboard.loaders.sections import Failed
from dashboard.loaders.service_page import ServicePage, load_service_page, service_choices
from tests.conftest import TEST_API, TEST_SECRET
from tests.loaders.test_service_page import context_of
from tests.samples import load_sample, sample_body, sample_service_id


@pytest.mark.parametrize(
    "sample", ["AUTH_token_too_old", "AUTH_bad_signature", "AUTH_wrong_issuer"]
)
def test_a_refused_token_says_to_check_the_secret_and_clock(requests_mock, clients, sample):
    status, body = load_sample(sample)
    requests_mock.get(re.compile(re.escape(TEST_API)), status_code=status, json=body)

    page = load_service_page(context_of(clients), sample_service_id(), None)

    assert isinstance(page, ServicePage) and isinstance(page.service, Failed)
    assert "ADMIN_CLIENT_SECRET" in page.service.message
    assert "clock" in page.service.message
    assert all(TEST_SECRET not in message for message in page.failures())


def test_an_api_that_is_down_says_so(requests_mock, clients):
    requests_mock.get(re.compile(re.escape(TEST_API)), exc=requests.ConnectionError)

    page = load_service_page(context_of(clients), sample_service_id(), None)

    assert isinstance(page, ServicePage) and isinstance(page.service, Failed)
    assert page.service.message.startswith(f"The Notify API at {TEST_API} could not be reached")


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
