"""The sandbox's public sending API, through Flask's test client: service key auth, the real
API's validation and refusals, and what it stores."""

import re
import sqlite3
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from notifications_python_client.authentication import create_jwt_token
from werkzeug.test import TestResponse

from notify_sandbox import own_service
from tests.samples import load_sample
from tests.sandbox.helpers import bearer, notify_service_id, post, unknown_id


def alerts_template() -> str:
    return own_service.ALERT_TEMPLATES[0][0]


def alerts_text_template() -> str:
    return own_service.ALERT_TEMPLATES[1][0]


def key_headers(secret: str = own_service.TEST_KEY_SECRET, service_id: str | None = None) -> dict:
    token = create_jwt_token(secret, service_id or notify_service_id())
    return {"Authorization": f"Bearer {token}"}


def personalisation(**changes: object) -> dict:
    fields = {"count": 1, "warnings": ["A service: emails 800 of 1,000"], "dashboard_link": "x"}
    return fields | changes


def send_email(client: FlaskClient, headers: dict | None = None, **body: object) -> TestResponse:
    payload = {
        "email_address": "ops@example.gov.uk",
        "template_id": alerts_template(),
        "personalisation": personalisation(),
    } | body
    return client.post("/v2/notifications/email", json=payload, headers=headers or key_headers())


def new_key(client: FlaskClient, service_id: str, key_type: str) -> str:
    answer = post(
        client,
        f"/service/{service_id}/api-key",
        {"name": "alerts", "key_type": key_type, "created_by": unknown_id()},
    )
    assert answer.status_code == 201
    return answer.get_json()["data"]


def test_an_email_is_sent_with_the_documented_test_key_and_read_back(
    writable_client: FlaskClient,
) -> None:
    answer = send_email(writable_client, reference="alert-1")
    assert answer.status_code == 201
    body = answer.get_json()
    assert set(body) == {"id", "reference", "content", "uri", "template", "scheduled_for"}
    assert body["reference"] == "alert-1"
    assert "* A service: emails 800 of 1,000" in body["content"]["body"]
    assert body["content"]["subject"] == "1 warnings from the Notify dashboard"
    assert body["template"]["id"] == alerts_template()

    read = writable_client.get(f"/v2/notifications/{body['id']}", headers=key_headers())
    assert read.status_code == 200
    assert read.get_json()["status"] == "delivered"
    assert read.get_json()["email_address"] == "ops@example.gov.uk"

    listed = writable_client.get(
        "/v2/notifications", query_string={"reference": "alert-1"}, headers=key_headers()
    ).get_json()
    assert [row["id"] for row in listed["notifications"]] == [body["id"]]
    assert "next" in listed["links"]
    other = writable_client.get(
        "/v2/notifications", query_string={"reference": "alert-2"}, headers=key_headers()
    ).get_json()
    assert other["notifications"] == []


def test_a_bad_address_is_the_recorded_400(writable_client: FlaskClient) -> None:
    answer = send_email(writable_client, email_address="not-an-email")
    status, body = load_sample("POST_v2_notifications_email_invalid_address")
    assert answer.status_code == status
    assert answer.get_json() == body


def test_a_missing_personalisation_field_is_a_400(writable_client: FlaskClient) -> None:
    answer = send_email(writable_client, personalisation={"count": 2})
    assert answer.status_code == 400
    assert answer.get_json()["errors"] == [
        {"error": "BadRequestError", "message": "Missing personalisation: warnings, dashboard_link"}
    ]


def test_unknown_fields_and_templates_are_refused(writable_client: FlaskClient) -> None:
    extra = send_email(writable_client, colour="red")
    assert extra.status_code == 400
    assert extra.get_json()["errors"][0] == {
        "error": "ValidationError",
        "message": "Additional properties are not allowed (colour was unexpected)",
    }
    unknown = send_email(writable_client, template_id=unknown_id())
    assert unknown.get_json()["errors"][0]["message"] == "Template not found"
    wrong_kind = send_email(writable_client, template_id=alerts_text_template())
    assert wrong_kind.get_json()["errors"][0]["message"] == (
        "sms template is not suitable for email notification"
    )


@pytest.mark.parametrize(
    ("headers", "status", "message"),
    [
        ({}, 401, "Unauthorized: authentication token must be provided"),
        (
            {"Authorization": "Basic abc"},
            401,
            "Unauthorized: authentication bearer scheme must be used",
        ),
        (
            key_headers(secret="wrong-secret-of-some-length-000000"),
            403,
            "Invalid token: API key not found",
        ),
        (key_headers(service_id=unknown_id()), 403, "Invalid token: service not found"),
        (
            key_headers(service_id="notify-admin"),
            403,
            "Invalid token: service id is not the right data type",
        ),
    ],
)
def test_a_bad_key_is_refused(
    writable_client: FlaskClient, headers: dict, status: int, message: str
) -> None:
    answer = writable_client.post(
        "/v2/notifications/email", json={}, headers=headers or {"X-None": "1"}
    )
    assert answer.status_code == status
    assert answer.get_json() == {
        "status_code": status,
        "errors": [{"error": "AuthError", "message": message}],
    }


def test_the_admin_token_does_not_send(writable_client: FlaskClient) -> None:
    answer = post(writable_client, "/v2/notifications/email", {})
    assert answer.status_code == 403


def test_a_live_key_past_the_daily_limit_is_429(
    writable_client: FlaskClient, sandbox_database: Path
) -> None:
    secret = new_key(writable_client, notify_service_id(), "normal")
    post(writable_client, f"/service/{notify_service_id()}", {"email_message_limit": 0})
    answer = send_email(writable_client, key_headers(secret))
    assert answer.status_code == 429
    assert answer.get_json()["errors"] == [
        {"error": "TooManyRequestsError", "message": "Exceeded send limits (email: 0) for today"}
    ]


def test_a_live_send_counts_in_todays_statistics(writable_client: FlaskClient) -> None:
    secret = new_key(writable_client, notify_service_id(), "normal")
    path = f"/service/{notify_service_id()}/statistics"
    before = writable_client.get(path, query_string={"today_only": "True"}, headers=_admin())
    assert send_email(writable_client, key_headers(secret)).status_code == 201
    after = writable_client.get(path, query_string={"today_only": "True"}, headers=_admin())
    requested = [answer.get_json()["data"]["email"]["requested"] for answer in (before, after)]
    assert requested[1] == requested[0] + 1
    # A live key's message sent a moment ago is not yet delivered.
    listed = writable_client.get("/v2/notifications", headers=key_headers(secret)).get_json()
    assert [row["status"] for row in listed["notifications"]] == ["sending"]


def _admin() -> dict:
    return bearer()


def _trial_sender(database: Path) -> tuple[str, str, str, str]:
    """A trial service with an email template: its id, a team member's address, the template
    and its text."""
    with sqlite3.connect(database) as connection:
        return connection.execute(
            """SELECT services.id, users.email_address, templates.id, template_versions.content
               FROM services
               JOIN user_services ON user_services.service_id = services.id
               JOIN users ON users.id = user_services.user_id
               JOIN templates ON templates.service_id = services.id
               JOIN template_versions ON template_versions.template_id = templates.id
                 AND template_versions.version = templates.version
               WHERE services.restricted = 1 AND services.active = 1
                 AND templates.template_type = 'email' AND templates.archived = 0
               LIMIT 1"""
        ).fetchone()


def test_a_trial_service_sends_only_to_its_team(
    writable_client: FlaskClient, sandbox_database: Path
) -> None:
    service_id, member, template_id, content = _trial_sender(sandbox_database)
    headers = key_headers(new_key(writable_client, service_id, "normal"), service_id)
    # Every placeholder of the template and of its subject, filled.
    fields = dict.fromkeys(re.findall(r"\(\(([^()]+)\)\)", content), "x") | {
        "name": "x",
        "reference": "x",
    }
    with sqlite3.connect(sandbox_database) as connection:
        subject = connection.execute(
            "SELECT subject FROM template_versions WHERE template_id = ?", (template_id,)
        ).fetchone()[0]
    fields |= dict.fromkeys(re.findall(r"\(\(([^()]+)\)\)", subject or ""), "x")
    body = {"template_id": template_id, "personalisation": fields}
    stranger = send_email(writable_client, headers, **body)
    assert stranger.status_code == 400
    assert stranger.get_json()["errors"] == [
        {
            "error": "BadRequestError",
            "message": "Can’t send to this recipient when service is in trial mode "
            "– see https://www.notifications.service.gov.uk/trial-mode",
        }
    ]
    assert send_email(writable_client, headers, email_address=member, **body).status_code == 201


def test_send_faults_answer_500_then_429_then_send(writable_client: FlaskClient) -> None:
    writable_client.post("/_sandbox/send-faults", json={"status": 500, "count": 1})
    writable_client.post("/_sandbox/send-faults", json={"status": 429, "count": 1})
    first, second, third = (send_email(writable_client) for _ in range(3))
    assert first.status_code == 500
    assert second.status_code == 429
    assert second.get_json()["errors"][0]["error"] == "RateLimitError"
    assert third.status_code == 201


def test_a_text_message_over_918_characters_is_refused(writable_client: FlaskClient) -> None:
    body = {
        "phone_number": "07700 900123",
        "template_id": alerts_text_template(),
        "personalisation": personalisation(warnings=["x" * 900]),
    }
    answer = writable_client.post("/v2/notifications/sms", json=body, headers=key_headers())
    assert answer.status_code == 400
    assert answer.get_json()["errors"][0]["message"].startswith(
        "Your message is too long. Text messages cannot be longer than 918 characters."
    )
