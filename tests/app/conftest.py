"""Pages in Streamlit's AppTest against the sandbox over HTTP and a real Redis."""

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from streamlit.components.v2 import manifest_scanner
from streamlit.testing.v1 import AppTest

from dashboard.runtime import forget_shared_runtime
from notify_sandbox.serving import BackgroundSandbox
from tests.conftest import TEST_SECRET
from tests.redis_server import RedisServer

APP = str(Path(__file__).resolve().parents[2] / "dashboard" / "app.py")
TIMEOUT = 60


@pytest.fixture(scope="session", autouse=True)
def components_scanned_once() -> Iterator[None]:
    """Streamlit's scan of the installed packages for components, once per test process as a
    served app does it (once per server), not on every AppTest run: AppTest rescans all 116
    distributions' metadata for each new app, which was most of a short page test's time."""
    original = manifest_scanner.scan_component_manifests
    found = original()
    patch = pytest.MonkeyPatch()
    patch.setattr(
        manifest_scanner, "scan_component_manifests", lambda max_workers=None: list(found)
    )
    yield
    patch.undo()


@pytest.fixture
def app_environment(
    monkeypatch, live_sandbox: BackgroundSandbox, redis_server: RedisServer, redis_client
):
    """Settings for the app under test; the runtime the app keeps is rebuilt for each test."""
    with app_reading(monkeypatch, live_sandbox.url, redis_server.url):
        yield


@contextmanager
def app_reading(monkeypatch: pytest.MonkeyPatch, api_url: str, redis_url: str) -> Iterator[None]:
    """The app's settings for a sandbox at `api_url` and the Redis at `redis_url`, with a
    runtime built afresh on entering and forgotten on leaving."""
    monkeypatch.setenv("API_HOST_NAME", api_url)
    monkeypatch.setenv("ADMIN_CLIENT_SECRET", TEST_SECRET)
    monkeypatch.setenv("REDIS_URL", redis_url)
    # The tests' Redis always answers, but on a loaded machine (three workers, a browser) not
    # always within the app's 0.25 s: a read that times out goes to the API instead, and a test
    # of the last good copies then saw none (as bench and working_day do, 5 s; a Redis that is
    # down is a closed port, refused at once).
    monkeypatch.setenv("REDIS_SOCKET_TIMEOUT_SECONDS", "5")
    forget_shared_runtime()
    yield
    forget_shared_runtime()


@pytest.fixture
def sandbox_db(live_sandbox: BackgroundSandbox) -> Iterator[sqlite3.Connection]:
    connection = sqlite3.connect(f"file:{live_sandbox.database}?mode=ro", uri=True)
    connection.row_factory = sqlite3.Row
    yield connection
    connection.close()


def open_page(page: str | None = None, /, **query: str) -> AppTest:
    """Run the app (on one of its pages) with these query parameters.

    A page is opened directly where AppTest can find it before the first run (by its file
    name), as a reader opening its address would; one whose address differs from its file
    name (All services, at /services) is reached from the first page, which runs first.
    """
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    for name, value in query.items():
        at.query_params[name] = value
    guessed = at.switch_page(page)._page_hash if page is not None else None
    at.run()
    if page is not None and at.switch_page(page)._page_hash != guessed:
        for name, value in query.items():
            at.query_params[name] = value
        at.run()
    return at
