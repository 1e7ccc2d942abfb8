"""Refresh ahead across real processes: two dashboards on one Redis read the services list
near the end of its life at the same moment; both are answered from Redis at once, and the
platform is asked for it once."""

import json
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis

from dashboard.cache.policy import DEFAULT_TTLS
from dashboard.cache.request_cache import REFRESHED, RequestCache
from dashboard.notify_client import build_clients
from notify_sandbox.serving import BackgroundSandbox
from tests.conftest import TEST_SECRET, settings_for_tests
from tests.redis_server import RedisServer

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def shared_redis(tmp_path: Path) -> Iterator[RedisServer]:
    server = RedisServer(tmp_path, password=uuid.uuid4().hex).start()
    yield server
    server.stop()


@pytest.fixture
def slow_sandbox(live_sandbox: BackgroundSandbox) -> Iterator[BackgroundSandbox]:
    """The test sandbox's data, as slow as the platform would be at its size."""
    sandbox = BackgroundSandbox(
        live_sandbox.database, "notify-admin", TEST_SECRET, latency="platform"
    ).start()
    yield sandbox
    sandbox.stop()


def reader(go_key: str, environment: dict[str, str]) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "tests.app.refresh_reader", go_key],
        cwd=ROOT,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


@pytest.mark.slow
def test_two_dashboards_reading_a_key_near_its_end_make_one_refresh(
    shared_redis: RedisServer, slow_sandbox: BackgroundSandbox
) -> None:
    client = redis.Redis.from_url(shared_redis.url)
    warm = RequestCache(client, DEFAULT_TTLS, telemetry_enabled=False)
    build_clients(settings_for_tests(api_host_name=slow_sandbox.url), warm).services.get_services()
    client.pexpire("services", 30_000)  # 30 s of its hour left: in its last 20 %
    slow_sandbox.reset_request_counts()
    go_key = f"go-{uuid.uuid4()}"
    environment = {
        **os.environ,
        "REDIS_URL": shared_redis.url,
        "API_HOST_NAME": slow_sandbox.url,
        "ADMIN_CLIENT_SECRET": TEST_SECRET,
        "CACHE_REFRESH_AHEAD": "1",
    }
    processes = [reader(go_key, environment) for _ in range(2)]
    try:
        client.set(go_key, 1)
        results = []
        for process in processes:
            out, err = process.communicate(timeout=120)
            assert process.returncode == 0, err
            results.append(json.loads(out))
    finally:
        for process in processes:
            process.kill()

    assert [result["outcomes"] for result in results] == [["hit"], ["hit"]]
    assert sum(result["refreshes"].get(REFRESHED, 0) for result in results) == 1
    assert slow_sandbox.request_counts() == {"GET /service": 1}
    assert client.pttl("services") > 3_500_000  # a whole hour again
    client.close()
