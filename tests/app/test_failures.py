"""Every page when the API refuses the token or is down, or Redis is down: a message."""

import re

import pytest

from dashboard.runtime import forget_shared_runtime
from tests.app.conftest import open_page
from tests.redis_server import free_port

PAGES = [
    None,  # the Overview
    "app_pages/service.py",
    "app_pages/all_services.py",
    "app_pages/allowances.py",
    "app_pages/cache.py",
]
WRONG_SECRET = "a-wrong-secret-that-is-long-enough-for-hs256"


def messages(at) -> str:
    """The messages as a reader reads them: without the escapes that keep API text plain."""
    text = " ".join(element.value for element in [*at.error, *at.warning, *at.info])
    return re.sub(r"\\(.)", r"\1", text).replace("\u2060", "")


def reconfigure(monkeypatch, **environment: str) -> None:
    """Change the app's settings; the runtime it keeps is built again from them."""
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    forget_shared_runtime()


@pytest.fixture
def wrong_secret(app_environment, monkeypatch):
    reconfigure(monkeypatch, ADMIN_CLIENT_SECRET=WRONG_SECRET)


@pytest.fixture
def api_down(app_environment, monkeypatch):
    reconfigure(
        monkeypatch, API_HOST_NAME=f"http://127.0.0.1:{free_port()}", API_TIMEOUT_SECONDS="1"
    )


API_PASSWORD = "api-host-password-s3cret"


@pytest.fixture
def password_in_api_host(app_environment, monkeypatch, live_sandbox):
    url = live_sandbox.url.replace("http://", f"http://dashboard:{API_PASSWORD}@")
    reconfigure(monkeypatch, API_HOST_NAME=url)


@pytest.fixture
def redis_down(app_environment, monkeypatch):
    reconfigure(monkeypatch, REDIS_URL=f"redis://127.0.0.1:{free_port()}/0")


@pytest.mark.parametrize("page", PAGES)
def test_a_refused_token_says_what_to_check_and_never_the_secret(wrong_secret, page):
    at = open_page(page)

    assert not at.exception
    if page != "app_pages/cache.py":
        assert "ADMIN_CLIENT_SECRET" in messages(at)
    assert WRONG_SECRET not in str(at._tree)


@pytest.mark.parametrize("page", PAGES)
def test_an_api_that_is_down_says_so(api_down, page):
    at = open_page(page)

    assert not at.exception
    if page != "app_pages/cache.py":
        assert "could not be reached" in messages(at)


def test_with_redis_down_the_service_page_still_shows_its_numbers(redis_down, sandbox_db):
    service_id = sandbox_db.execute("SELECT id FROM services ORDER BY sid LIMIT 1").fetchone()[0]

    at = open_page(service_id=service_id)

    assert not at.exception
    assert any(metric.label == "Emails requested" for metric in at.metric)
    assert any("the cache is not answering" in caption.value for caption in at.caption)


def test_with_redis_down_the_cache_page_says_so(redis_down):
    at = open_page("app_pages/cache.py")

    assert not at.exception
    assert "Redis did not answer" in messages(at)


@pytest.mark.parametrize("page", PAGES)
def test_a_password_in_the_api_host_is_never_shown_or_logged(password_in_api_host, caplog, page):
    at = open_page(page)

    assert not at.exception
    assert API_PASSWORD not in str(at._tree)
    assert all(API_PASSWORD not in record.getMessage() for record in caplog.records)
