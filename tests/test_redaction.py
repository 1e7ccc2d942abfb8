"""Credentials in a URL are never shown, logged or put in a file name."""

import logging

import pytest
from notifications_python_client.errors import HTTP503Error

from dashboard.loaders.errors import describe_error
from dashboard.redaction import host_label, redact_logs_of, redacted_text, redacted_url
from dashboard.settings import Settings, load_settings


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("https://dash:s3cret@api.example:8443/v2", "https://dash:***@api.example:8443/v2"),
        ("redis://:s3cret@host:6379/0", "redis://***@host:6379/0"),
        ("rediss://token-s3cret@host/1", "rediss://***@host/1"),
        ("http://127.0.0.1:6011", "http://127.0.0.1:6011"),
    ],
)
def test_a_url_is_shown_without_its_credentials(url, shown):
    assert redacted_url(url) == shown


def test_a_host_label_has_nothing_of_the_user():
    assert host_label("https://dash:s3cret@api.example:8443/v2") == "api.example:8443"


def test_an_error_message_never_names_the_api_host_password():
    error = HTTP503Error(response=None, message="Request failed")

    message = describe_error(error, "https://dash:s3cret@api.example")

    assert "s3cret" not in message
    assert "https://dash:***@api.example" in message


def test_settings_never_print_their_secrets():
    settings = load_settings(
        {
            "API_HOST_NAME": "https://dash:api-s3cret@api.example",
            "ADMIN_CLIENT_SECRET": "admin-s3cret",
            "REDIS_URL": "redis://:redis-s3cret@cache:6379/0",
        },
        secrets_file=Settings().redis_data_dir / "no-such-file.toml",
    )

    assert "s3cret" not in repr(settings)
    assert settings.admin_client_secret == "admin-s3cret"


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        (
            "GET on http://dash:s3cret@127.0.0.1:6011/service failed",
            "GET on http://dash:***@127.0.0.1:6011/service failed",
        ),
        ("to redis://:s3cret@cache:6379/0 and", "to redis://***@cache:6379/0 and"),
        ("token rediss://s3cret@cache/0", "token rediss://***@cache/0"),
        ("nothing http://127.0.0.1:6011/x here", "nothing http://127.0.0.1:6011/x here"),
    ],
)
def test_urls_inside_text_lose_their_credentials(text, shown):
    assert redacted_text(text) == shown


def test_a_library_log_line_with_a_url_password_is_redacted(caplog):
    redact_logs_of("tests.some_library")
    logging.getLogger("tests.some_library").warning("request on %s failed", "https://u:s3cret@h/x")

    assert caplog.records[-1].getMessage() == "request on https://u:***@h/x failed"
