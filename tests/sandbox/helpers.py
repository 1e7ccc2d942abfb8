"""Tokens, requests and JSON shapes for the sandbox's tests."""

from unittest import mock

from flask.testing import FlaskClient
from notifications_python_client.authentication import create_jwt_token, epoch_seconds
from werkzeug.test import TestResponse

CLIENT_ID = "notify-admin"
SECRET = "sandbox-test-secret-of-at-least-32-bytes"
SERVICES = 80
SEED = 1


def notify_service_id() -> str:
    """GOV.UK Notify's own service, the first of the recorded service list."""
    return "d6aa2c68-a2d9-4437-ab19-3ae8eb202553"


def unknown_id() -> str:
    return "00000000-0000-4000-8000-000000000000"


def token(secret: str = SECRET, client_id: str = CLIENT_ID, iat_offset: int = 0) -> str:
    """A token signed by the client library, issued `iat_offset` seconds from now."""
    issued_at = epoch_seconds() + iat_offset
    with mock.patch(
        "notifications_python_client.authentication.epoch_seconds", return_value=issued_at
    ):
        return create_jwt_token(secret, client_id)


def bearer(**token_arguments: object) -> dict[str, str]:
    return {"Authorization": f"Bearer {token(**token_arguments)}"}


def get(client: FlaskClient, path: str, **params: object) -> TestResponse:
    """An authenticated GET, as the dashboard's client makes it."""
    return client.get(path, query_string=params, headers=bearer())


def post(client: FlaskClient, path: str, body: object) -> TestResponse:
    return client.post(path, json=body, headers=bearer())


def shape(value: object) -> object:
    """The keys of a JSON value, recursively: objects by key, lists by their objects' shapes.

    Scalars (and so lists of scalars, empty or not) have no keys and compare equal.
    """
    if isinstance(value, dict):
        return {key: shape(item) for key, item in value.items()}
    if isinstance(value, list):
        shapes = []
        for item in value:
            if isinstance(item, dict | list) and shape(item) not in shapes:
                shapes.append(shape(item))
        return shapes
    return None


def item_shape(value: list) -> object:
    """The one shape every item of a list has (fails if items differ)."""
    shapes = shape(value)
    assert len(shapes) == 1, f"items of differing shapes: {shapes}"
    return shapes[0]


#: The status columns of the sandbox's daily counts, as the tests name them (the contract's
#: statuses, with underscores).
STATUS_COLUMNS = (
    "created",
    "sending",
    "pending",
    "sent",
    "delivered",
    "failed",
    "technical_failure",
    "temporary_failure",
    "permanent_failure",
    "validation_failed",
    "virus_scan_failed",
    "cancelled",
)
#: What the API counts as requested: every status but cancelled.
REQUESTED_COLUMNS = tuple(status for status in STATUS_COLUMNS if status != "cancelled")
