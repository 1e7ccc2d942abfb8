"""Several dashboards, one Redis: two processes share the cache and the telemetry, and the
Cache page counts them all.

Two real Python processes read through the real loaders, pointed by `REDIS_URL` at one real
redis-server that needs a password, as dashboards behind a load balancer would be.
"""

import json
import os
import subprocess
import sys
import uuid
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis

from dashboard.runtime import forget_shared_runtime
from tests.app.conftest import open_page
from tests.redis_server import RedisServer

ROOT = Path(__file__).resolve().parents[2]
CACHE_PAGE = "app_pages/cache.py"


@pytest.fixture
def shared_redis(tmp_path: Path) -> Iterator[RedisServer]:
    server = RedisServer(tmp_path, password=uuid.uuid4().hex).start()
    yield server
    server.stop()


def start_dashboard_process(service_id: str) -> subprocess.Popen:
    """One Service page view in a process of its own, with this test's environment."""
    return subprocess.Popen(
        [sys.executable, "-m", "tests.app.dashboard_process", service_id],
        cwd=ROOT,
        env=dict(os.environ),  # REDIS_URL, API_HOST_NAME, ADMIN_CLIENT_SECRET from the test
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def lookups_of(process: subprocess.Popen) -> Counter:
    """Wait for the process; the lookups it counted, by kind and outcome."""
    try:
        out, err = process.communicate(timeout=120)
    finally:
        process.kill()
    assert process.returncode == 0, err
    return Counter({(kind, outcome): count for kind, outcome, count in json.loads(out)})


def cache_page_counts(at) -> tuple[Counter, Counter]:
    """What the Cache page counted from Redis, and what it says this process looked up."""
    by_kind = at.dataframe[0].value.set_index("kind")
    shown = Counter(
        {
            (kind, outcome): int(by_kind.loc[kind, outcome])
            for kind in by_kind.index
            for outcome in ("hit", "miss", "error", "corrupt")
            if by_kind.loc[kind, outcome]
        }
    )
    # The page lists this process's lookups last, when it made any.
    last = at.dataframe[-1].value
    this_process = Counter(
        {(row.kind, row.outcome): row.count for row in last.itertuples()}
        if "outcome" in last
        else {}
    )
    return shown, this_process


def first_service(sandbox_db) -> str:
    return sandbox_db.execute("SELECT id FROM services ORDER BY sid LIMIT 1").fetchone()[0]


def test_redis_refuses_a_client_without_the_password(shared_redis):
    anonymous = redis.Redis(host="127.0.0.1", port=shared_redis.port)

    with pytest.raises(redis.AuthenticationError):
        anonymous.ping()
    anonymous.close()


def test_two_processes_share_the_cache_and_the_cache_page_counts_both(
    app_environment, monkeypatch, shared_redis, sandbox_db
):
    monkeypatch.setenv("REDIS_URL", shared_redis.url)
    forget_shared_runtime()
    service_id = first_service(sandbox_db)

    first = lookups_of(start_dashboard_process(service_id))
    second = lookups_of(start_dashboard_process(service_id))

    # The first process read everything from the API (each kind's first lookup a miss; the
    # only hits are the picker's names again, which each detailed list is checked against);
    # the second found all of it cached (the picker's names among them, so it did not need
    # the services list they came from).
    assert first and all((kind, "miss") in first for kind, _ in first)
    assert {kind for kind, outcome in first if outcome == "hit"} <= {"services"}
    assert {outcome for _, outcome in second} == {"hit"}
    # The windows before are kept as small keys made from detailed lists: the second process
    # finds the small keys and never looks up the lists they were made from.
    made_from = {"services-detailed", "services-detailed-settled", "services-detailed-day"}
    assert {kind for kind, _ in second} == {kind for kind, _ in first} - made_from

    at = open_page(CACHE_PAGE)

    assert not at.exception
    shown, this_process = cache_page_counts(at)
    expected = first + second + this_process
    assert shown == expected
    hits = sum(count for (_, outcome), count in expected.items() if outcome == "hit")
    metrics = {metric.label: metric.value for metric in at.metric}
    assert metrics["Hit rate"] == f"{hits / expected.total():.1%}"
    assert metrics["API calls saved"] == f"{hits:,}"
    assert "***" in at.caption[0].value and shared_redis.password not in at.caption[0].value


def test_two_processes_at_once_count_every_lookup_in_the_shared_telemetry(
    app_environment, monkeypatch, shared_redis, sandbox_db
):
    monkeypatch.setenv("REDIS_URL", shared_redis.url)
    forget_shared_runtime()
    service_id = first_service(sandbox_db)

    started = [start_dashboard_process(service_id) for _ in range(2)]
    both = [lookups_of(process) for process in started]
    at = open_page(CACHE_PAGE)

    assert not at.exception
    shown, this_process = cache_page_counts(at)
    assert all(both)
    assert shown == both[0] + both[1] + this_process
