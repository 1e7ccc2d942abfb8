"""A sandbox of its own for each alerts test (sends write to it), a real Redis, and the
checker's parts built as `python -m dashboard.alerts` builds them."""

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis

from dashboard.cache.alert_ledger import AlertLedger
from dashboard.cache.policy import DEFAULT_TTLS
from dashboard.cache.request_cache import RequestCache
from dashboard.notify_client import NotifyClients, build_clients
from dashboard.notify_client.notifications import NotificationsSender
from dashboard.settings import AlertSettings, Settings
from notify_sandbox import build_database
from notify_sandbox.serving import BackgroundSandbox

SECRET = "alerts-test-secret-of-at-least-32-bytes"
SERVICES = 60
SEED = 5


@pytest.fixture(scope="session")
def alerts_database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("alerts-sandbox")
    return build_database(directory / "sandbox.sqlite", SEED, SERVICES)


@pytest.fixture
def sandbox(alerts_database: Path, tmp_path: Path) -> Iterator[BackgroundSandbox]:
    copy = Path(shutil.copy(alerts_database, tmp_path / "sandbox.sqlite"))
    server = BackgroundSandbox(copy, "notify-admin", SECRET).start()
    yield server
    server.stop()


@pytest.fixture
def alert_clients(sandbox: BackgroundSandbox, redis_client: redis.Redis) -> NotifyClients:
    settings = Settings(api_host_name=sandbox.url, admin_client_secret=SECRET)
    return build_clients(settings, RequestCache(redis_client, DEFAULT_TTLS, retry_after_seconds=0))


@pytest.fixture
def alert_settings(sandbox: BackgroundSandbox) -> AlertSettings:
    return AlertSettings(api_url=sandbox.url, dashboard_url="https://dashboard.test")


@pytest.fixture
def sender(alert_settings: AlertSettings) -> NotificationsSender:
    return NotificationsSender(alert_settings.api_key, alert_settings.api_url)


@pytest.fixture
def ledger(redis_client: redis.Redis) -> AlertLedger:
    return AlertLedger(redis_client, lease_seconds=60)
