"""Refresh ahead in Chromium, against a sandbox as slow as the platform (`--latency platform`
at the size of 2,000 services: the services list 5.1 s, a year of volumes-by-service 2.4 s).

The Overview is loaded warm; then every key is put near the end of its life, and the page
loads as fast as warm (the readers get the values they had while the dashboard refreshes them
behind them); then, once those values would have expired, it is still as fast.
"""

import time
from collections.abc import Iterator

import pytest
import redis
from playwright.sync_api import Page

from dashboard.cache.atomic import LOCK_PREFIX
from dashboard.settings import DEVELOPMENT_CLIENT_SECRET
from notify_sandbox import build_database
from notify_sandbox.platform_latency import MEASURED_SERVICES
from notify_sandbox.serving import BackgroundSandbox
from tests.browser.conftest import Served, serving, wait_for_app
from tests.redis_server import RedisServer

pytestmark = pytest.mark.browser

SERVICES = 40
#: What a value has left once put near its end: in the last 20 % of every kind's life.
NEAR_END_MS = 12_000
#: A page read from Redis is this much slower than warm at most, for a busy machine's noise
#: (with three test workers, a page after the end took 3.3 and 4.4 s more than warm): less
#: than a wait for the services list alone (5.1 s from this API; a page that waits for its
#: calls takes about 11 s more than warm here).
MARGIN_SECONDS = 4.5


@pytest.fixture(scope="module")
def platform_slow(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Served, str]]:
    """The dashboard (as `make run` serves it) on a platform-slow sandbox and a Redis of the
    test's own; yields where it is served and the Redis URL."""
    folder = tmp_path_factory.mktemp("platform-slow")
    database = build_database(folder / "sandbox.sqlite", 1, SERVICES)
    sandbox = BackgroundSandbox(
        database,
        "notify-admin",
        DEVELOPMENT_CLIENT_SECRET,
        latency="platform",
        latency_scale=MEASURED_SERVICES / SERVICES,
    ).start()
    server = RedisServer(folder).start()
    overrides = {
        "API_HOST_NAME": sandbox.url,
        "ADMIN_CLIENT_SECRET": DEVELOPMENT_CLIENT_SECRET,
        "REDIS_URL": server.url,
        "PAGE_DEADLINE_SECONDS": "60",
    }
    try:
        with serving(folder / "data", overrides) as url:
            yield Served(url, sandbox.url), server.url
    finally:
        sandbox.stop()
        server.stop()


def load_seconds(page: Page, url: str) -> float:
    """Seconds from asking for the Overview to its script having run with its metrics drawn."""
    started = time.perf_counter()
    page.goto(url)
    page.wait_for_selector('[data-testid="stMetricValue"]', timeout=120_000)
    wait_for_app(page, timeout=120_000)
    return time.perf_counter() - started


def cached_values(client: redis.Redis) -> list[bytes]:
    """The values the dashboard keeps (not its locks, copies, generations or telemetry)."""
    return [key for key in client.scan_iter(count=1000) if not key.startswith(b"dashboard-")]


def test_a_page_near_its_keys_end_and_after_it_loads_as_fast_as_warm(
    page: Page, platform_slow: tuple[Served, str]
):
    served, redis_url = platform_slow
    client = redis.Redis.from_url(redis_url)
    load_seconds(page, served.url)  # cold, or warmed by the warm-up job: now all cached
    warm = min(load_seconds(page, served.url) for _ in range(2))

    keys = cached_values(client)
    assert b"services" in keys
    for key in keys:
        client.pexpire(key, NEAR_END_MS)
    near_end_at = time.monotonic()
    near_end = load_seconds(page, served.url)

    refreshed_by = time.monotonic() + 60
    while client.pttl("services") <= NEAR_END_MS and time.monotonic() < refreshed_by:
        time.sleep(0.2)
    assert client.pttl("services") > NEAR_END_MS, "the services list was not refreshed ahead"
    # Every refresh the load started has finished (on a loaded machine a slow platform call
    # may outlast the services list's): what comes after the end reads what they stored.
    while any(client.scan_iter(match=f"{LOCK_PREFIX}*")) and time.monotonic() < refreshed_by:
        time.sleep(0.2)
    time.sleep(max(0.0, near_end_at + NEAR_END_MS / 1000 + 1 - time.monotonic()))
    after_the_end = load_seconds(page, served.url)

    assert near_end < warm + MARGIN_SECONDS
    assert after_the_end < warm + MARGIN_SECONDS
    client.close()
