"""The sending client (`NotificationsAPIClient` with a service key) against the recorded and
documented answers of the public API, served by requests-mock."""

import pytest
import requests
import requests_mock
from notifications_python_client.authentication import decode_jwt_token, get_token_issuer
from notifications_python_client.errors import HTTP503Error, HTTPError

from dashboard.notify_client.notifications import NotificationsSender, error_kind, error_text
from dashboard.settings import SANDBOX_ALERTS_API_KEY
from tests.samples import load_sample

API = "https://api.notify.test"
SERVICE_ID = "d6aa2c68-a2d9-4437-ab19-3ae8eb202553"
TEMPLATE_ID = "4f8a1c2e-1d00-4c6b-9a51-0d1a11e70001"
NOTIFICATION_ID = "740e5834-3a29-46b4-9a6f-16142fde533a"


def sender() -> NotificationsSender:
    return NotificationsSender(SANDBOX_ALERTS_API_KEY, API)


def created_email() -> dict:
    """The documented 201 of POST /v2/notifications/email."""
    return {
        "id": NOTIFICATION_ID,
        "reference": "dashboard-alert-1",
        "content": {"subject": "s", "body": "b", "from_email": "notify@example.gov.uk"},
        "uri": f"{API}/v2/notifications/{NOTIFICATION_ID}",
        "template": {"id": TEMPLATE_ID, "version": 1, "uri": f"{API}/templates/{TEMPLATE_ID}"},
        "scheduled_for": None,
    }


def v2_error(status: int, error: str, message: str) -> dict:
    return {"status_code": status, "errors": [{"error": error, "message": message}]}


def test_a_send_is_signed_with_the_service_key_and_carries_the_reference() -> None:
    with requests_mock.Mocker() as mock:
        mock.post(f"{API}/v2/notifications/email", json=created_email(), status_code=201)
        sent = sender().send(
            "email", "ops@example.gov.uk", TEMPLATE_ID, {"count": 1}, "dashboard-alert-1"
        )
        request = mock.last_request
    assert (sent.id, sent.reference) == (NOTIFICATION_ID, "dashboard-alert-1")
    assert request.json() == {
        "email_address": "ops@example.gov.uk",
        "template_id": TEMPLATE_ID,
        "personalisation": {"count": 1},
        "reference": "dashboard-alert-1",
    }
    token = request.headers["Authorization"].removeprefix("Bearer ")
    assert get_token_issuer(token) == SERVICE_ID
    decode_jwt_token(token, SANDBOX_ALERTS_API_KEY[-36:])


def test_a_text_is_sent_to_a_phone_number() -> None:
    with requests_mock.Mocker() as mock:
        body = created_email() | {"content": {"body": "b", "from_number": "GOVUK"}}
        mock.post(f"{API}/v2/notifications/sms", json=body, status_code=201)
        sender().send("sms", "07700 900123", TEMPLATE_ID, {}, "r")
        assert mock.last_request.json()["phone_number"] == "07700 900123"


def test_the_recorded_bad_address_is_a_400_validation_error() -> None:
    status, body = load_sample("POST_v2_notifications_email_invalid_address")
    with requests_mock.Mocker() as mock:
        mock.post(f"{API}/v2/notifications/email", json=body, status_code=status)
        with pytest.raises(HTTPError) as raised:
            sender().send("email", "not-an-email", TEMPLATE_ID, {}, "r")
    assert raised.value.status_code == 400
    assert error_kind(raised.value) == "ValidationError"
    assert error_text(raised.value) == "email_address Not a valid email address"


@pytest.mark.parametrize(
    ("error", "message"),
    [
        ("TooManyRequestsError", "Exceeded send limits (email: 250000) for today"),
        ("RateLimitError", "Exceeded rate limit for key type TEAM of 3000 requests per 60 seconds"),
    ],
)
def test_the_two_429s_are_told_apart(error: str, message: str) -> None:
    with requests_mock.Mocker() as mock:
        mock.post(
            f"{API}/v2/notifications/email", json=v2_error(429, error, message), status_code=429
        )
        with pytest.raises(HTTPError) as raised:
            sender().send("email", "ops@example.gov.uk", TEMPLATE_ID, {}, "r")
    assert (raised.value.status_code, error_kind(raised.value)) == (429, error)
    assert error_text(raised.value) == message


def test_no_answer_is_a_503_with_no_error_kind() -> None:
    with requests_mock.Mocker() as mock:
        mock.post(f"{API}/v2/notifications/email", exc=requests.ConnectionError)
        with pytest.raises(HTTP503Error) as raised:
            sender().send("email", "ops@example.gov.uk", TEMPLATE_ID, {}, "r")
    assert error_kind(raised.value) == ""


def test_a_reference_is_looked_up_and_a_status_read_back() -> None:
    notification = {
        "id": NOTIFICATION_ID,
        "reference": "dashboard-alert-1",
        "type": "email",
        "status": "delivered",
        "created_at": "2026-12-02T07:00:00.000000Z",
        "completed_at": "2026-12-02T07:00:02.000000Z",
    }
    with requests_mock.Mocker() as mock:
        mock.get(
            f"{API}/v2/notifications?reference=dashboard-alert-1",
            json={"notifications": [notification], "links": {"current": "x"}},
        )
        mock.get(f"{API}/v2/notifications/{NOTIFICATION_ID}", json=notification)
        found = sender().find_by_reference("dashboard-alert-1")
        status = sender().status(NOTIFICATION_ID)
    assert [row.id for row in found] == [NOTIFICATION_ID]
    assert status.status == "delivered"
