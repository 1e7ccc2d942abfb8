"""Every route refuses a request as the real API does, with the recorded statuses and bodies."""

import pytest
from flask.testing import FlaskClient

from notify_sandbox.settings import settings_from
from tests.samples import load_sample, sample_service_id
from tests.sandbox.helpers import CLIENT_ID, SECRET, bearer, token


def service_path() -> str:
    return f"/service/{sample_service_id()}"


def test_a_fresh_token_from_the_admin_is_accepted(client: FlaskClient) -> None:
    response = client.get(service_path(), headers=bearer())

    assert response.status_code == 200
    assert response.get_json()["data"]["id"] == sample_service_id()


def test_no_header_is_refused_with_the_recorded_body(client: FlaskClient) -> None:
    status, body = load_sample("AUTH_no_header")

    response = client.get(service_path())

    assert (response.status_code, response.get_json()) == (status, body)


def test_a_scheme_other_than_bearer_is_refused(client: FlaskClient) -> None:
    response = client.get(service_path(), headers={"Authorization": f"Basic {token()}"})

    assert response.status_code == 401
    assert response.get_json() == {
        "result": "error",
        "message": {"token": ["Unauthorized: authentication bearer scheme must be used"]},
    }


def test_the_bearer_scheme_is_case_insensitive(client: FlaskClient) -> None:
    response = client.get(service_path(), headers={"Authorization": f"bearer {token()}"})

    assert response.status_code == 200


def test_a_wrong_issuer_is_refused_with_the_recorded_body(client: FlaskClient) -> None:
    status, body = load_sample("AUTH_wrong_issuer")

    response = client.get(service_path(), headers=bearer(client_id="someone-else"))

    assert (response.status_code, response.get_json()) == (status, body)


def test_a_bad_signature_is_refused_with_the_recorded_body(client: FlaskClient) -> None:
    status, body = load_sample("AUTH_bad_signature")

    response = client.get(
        service_path(), headers=bearer(secret="not-the-secret-but-long-enough-to-sign")
    )

    assert (response.status_code, response.get_json()) == (status, body)


@pytest.mark.parametrize("iat_offset", [-40, 40], ids=["40 s old", "40 s in the future"])
def test_a_token_more_than_30_s_off_is_refused_with_the_recorded_body(
    client: FlaskClient, iat_offset: int
) -> None:
    status, body = load_sample("AUTH_token_too_old")

    response = client.get(service_path(), headers=bearer(iat_offset=iat_offset))

    assert (response.status_code, response.get_json()) == (status, body)


@pytest.mark.parametrize("iat_offset", [-25, 25])
def test_a_token_within_30_s_is_accepted(client: FlaskClient, iat_offset: int) -> None:
    response = client.get(service_path(), headers=bearer(iat_offset=iat_offset))

    assert response.status_code == 200


def test_a_token_that_is_not_a_jwt_is_refused(client: FlaskClient) -> None:
    response = client.get(service_path(), headers={"Authorization": "Bearer not-a-jwt"})

    assert response.status_code == 403
    assert response.get_json()["message"]["token"] == [
        "Invalid token: signature, api token is not valid"
    ]


def test_unknown_paths_need_a_token_too(client: FlaskClient) -> None:
    assert client.get("/no-such-path").status_code == 401
    assert client.get("/no-such-path", headers=bearer()).status_code == 404


def test_the_status_check_needs_no_token(client: FlaskClient) -> None:
    response = client.get("/_status")

    assert (response.status_code, response.get_json()) == (200, {"status": "ok"})


def test_settings_default_to_the_dashboards_development_values() -> None:
    settings = settings_from({})

    assert (settings.client_id, settings.client_secret) == (
        "notify-admin",
        "dev-notify-secret-key-for-local-use-only",
    )


def test_settings_come_from_the_environment() -> None:
    settings = settings_from({"ADMIN_CLIENT_ID": CLIENT_ID, "ADMIN_CLIENT_SECRET": SECRET})

    assert (settings.client_id, settings.client_secret) == (CLIENT_ID, SECRET)
