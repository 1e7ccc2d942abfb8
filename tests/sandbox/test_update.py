"""POST /service/<id>: allowed attributes change, anything wrong is a 400 with field messages."""

import pytest
from flask.testing import FlaskClient

from notify_sandbox.clock import london_today
from tests.samples import load_sample, sample_service_id
from tests.sandbox.helpers import get, notify_service_id, post, unknown_id


def this_financial_year() -> int:
    today = london_today()
    return today.year if today.month >= 4 else today.year - 1


def service_path() -> str:
    return f"/service/{sample_service_id()}"


def allowance(client: FlaskClient, year: int | None = None) -> int:
    params = {} if year is None else {"financial_year_start": year}
    response = get(client, f"{service_path()}/billing/free-sms-fragment-limit", **params)
    return response.get_json()["free_sms_fragment_limit"]


def test_an_update_returns_and_keeps_the_changed_service(writable_client: FlaskClient) -> None:
    changes = {
        "sms_message_limit": 1000,
        "email_message_limit": 5000,
        "prefix_sms": False,
        "contact_link": "https://example.gov.uk/help",
        "name": "Apply for a permit",
    }

    response = post(writable_client, service_path(), changes)

    assert response.status_code == 200
    assert {key: response.get_json()["data"][key] for key in changes} == changes
    stored = get(writable_client, service_path()).get_json()["data"]
    assert {key: stored[key] for key in changes} == changes


def test_an_update_answers_with_a_whole_service(writable_client: FlaskClient) -> None:
    response = post(writable_client, service_path(), {"active": True})

    assert response.get_json()["data"].keys() == load_sample("GET_service")[1]["data"].keys()


def test_permissions_are_replaced(writable_client: FlaskClient) -> None:
    response = post(writable_client, service_path(), {"permissions": ["email", "sms"]})

    assert response.get_json()["data"]["permissions"] == ["email", "sms"]


def test_a_free_allowance_applies_from_this_financial_year(writable_client: FlaskClient) -> None:
    before = allowance(writable_client, 2022)

    response = post(writable_client, service_path(), {"free_sms_fragment_limit": 123_456})

    assert response.status_code == 200
    assert allowance(writable_client) == 123_456
    assert allowance(writable_client, 2022) == before


def test_a_new_organisation_type_brings_its_sectors_allowance(
    writable_client: FlaskClient,
) -> None:
    response = post(writable_client, service_path(), {"organisation_type": "nhs_gp"})

    assert response.get_json()["data"]["organisation_type"] == "nhs_gp"
    assert allowance(writable_client) == (0 if this_financial_year() >= 2024 else 10_000)


def test_going_live_sets_the_go_live_time(writable_client: FlaskClient) -> None:
    services = get(writable_client, "/service").get_json()["data"]
    trial = next(service for service in services if service["restricted"])

    response = post(
        writable_client,
        f"/service/{trial['id']}",
        {"restricted": False, "sms_message_limit": 250_000},
    )

    live = response.get_json()["data"]
    assert live["restricted"] is False
    assert live["go_live_at"].startswith(london_today().isoformat()[:4])
    assert live["go_live_user"] == trial["created_by"]


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        (
            {"organisation_type": "parish"},
            "organisation_type",
            "Must be one of: central, local, nhs_central, nhs_local, nhs_gp, emergency_service, "
            "school_or_college, other.",
        ),
        ({"sms_message_limit": "lots"}, "sms_message_limit", "Not a valid integer."),
        ({"email_message_limit": 2.5}, "email_message_limit", "Not a valid integer."),
        ({"letter_message_limit": True}, "letter_message_limit", "Not a valid integer."),
        (
            {"international_sms_message_limit": -1},
            "international_sms_message_limit",
            "Must be greater than or equal to 0.",
        ),
        ({"free_sms_fragment_limit": "ten"}, "free_sms_fragment_limit", "Not a valid integer."),
        ({"restricted": "no"}, "restricted", "Not a valid boolean."),
        ({"name": "  "}, "name", "Field may not be blank."),
        ({"name": "GOV.UK Notify"}, "name", "Duplicate service name 'GOV.UK Notify'"),
        (
            {"permissions": ["sms", "carrier_pigeon"]},
            "permissions",
            "Invalid Service Permission: 'carrier_pigeon'",
        ),
        ({"permissions": ["sms", "sms"]}, "permissions", "Duplicate Service Permission: ['sms']"),
        ({"research_mode": True}, "research_mode", "Unknown field."),
    ],
)
def test_a_bad_update_is_a_400_with_a_field_message(
    writable_client: FlaskClient, body: dict, field: str, message: str
) -> None:
    before = get(writable_client, service_path()).get_json()

    response = post(writable_client, service_path(), body)

    assert response.status_code == 400
    assert response.get_json() == {"result": "error", "message": {field: [message]}}
    assert get(writable_client, service_path()).get_json() == before


def test_a_body_that_is_not_an_object_is_a_400(writable_client: FlaskClient) -> None:
    response = post(writable_client, service_path(), ["sms_message_limit", 5])

    assert response.status_code == 400
    assert response.get_json()["result"] == "error"


def test_updating_an_unknown_service_is_a_404(writable_client: FlaskClient) -> None:
    response = post(writable_client, f"/service/{unknown_id()}", {"active": False})

    assert (response.status_code, response.get_json()) == load_sample("GET_service_unknown_id")


def test_an_update_needs_a_token(writable_client: FlaskClient) -> None:
    response = writable_client.post(f"/service/{notify_service_id()}", json={"active": False})

    assert response.status_code == 401
