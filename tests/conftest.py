"""Fixtures shared by every layer's tests: a real Redis, a cache on it, clients on that cache."""

import threading
from collections.abc import Iterator

import pytest
import redis

from dashboard.cache.policy import DEFAULT_TTLS
from dashboard.cache.request_cache import RequestCache
from dashboard.notify_client import NotifyClients, build_clients
from dashboard.settings import Settings
from notify_sandbox.serving import BackgroundSandbox
from tests.live_sandbox import start_live_sandbox
from tests.redis_server import RedisServer

pytest_plugins = ["tests.leftovers"]

TEST_API = "https://api.notify.test"
TEST_SECRET = "test-secret-that-is-at-least-32-bytes"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Tests that share a module's fixture (a served dashboard, a sandbox) run in one worker.

    `make test` spreads the tests over pytest-xdist's workers with `--dist loadgroup`: each
    worker would otherwise start its own copy of a module's server for the one or two of its
    tests it was sent. Session fixtures (a Redis, a sandbox, a browser) are one per worker.
    """
    for item in items:
        fixtures = getattr(item, "_fixtureinfo", None)
        if fixtures is None:  # a notebook
            continue
        shared = sorted(
            name
            for name, definitions in fixtures.name2fixturedefs.items()
            if definitions[-1].scope in ("module", "class", "package")
        )
        if shared:
            item.add_marker(pytest.mark.xdist_group(f"{item.path.stem}:{'+'.join(shared)}"))


def settings_for_tests(**changes: object) -> Settings:
    """Settings for clients that talk to requests-mock's stand-in host."""
    return Settings(**{"api_host_name": TEST_API, "admin_client_secret": TEST_SECRET, **changes})


def clients_without_cache(settings: Settings) -> NotifyClients:
    """Clients with the cache off: every call reaches the API, so they read what it says now."""
    return build_clients(settings, RequestCache(None, DEFAULT_TTLS))


@pytest.fixture(scope="session")
def redis_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RedisServer]:
    server = RedisServer(tmp_path_factory.mktemp("redis")).start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def live_sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BackgroundSandbox]:
    sandbox = start_live_sandbox(tmp_path_factory.mktemp("sandbox"), "notify-admin", TEST_SECRET)
    yield sandbox
    sandbox.stop()


@pytest.fixture
def redis_client(redis_server: RedisServer) -> Iterator[redis.Redis]:
    client = redis.Redis.from_url(redis_server.url)
    client.flushdb()
    yield client
    client.close()


@pytest.fixture
def cache(redis_client: redis.Redis) -> RequestCache:
    return RequestCache(redis_client, DEFAULT_TTLS, retry_after_seconds=0)


@pytest.fixture
def clients(cache: RequestCache) -> NotifyClients:
    return build_clients(settings_for_tests(), cache)


@pytest.fixture(autouse=True)
def later_parts_finished() -> Iterator[None]:
    """After each test, its Service pages' later parts (threads of their own) have ended: one
    still running would make its calls into the next test's mocked API or emptied Redis."""
    yield
    for thread in threading.enumerate():
        if thread.name == "service-page-later":
            thread.join(timeout=30)
