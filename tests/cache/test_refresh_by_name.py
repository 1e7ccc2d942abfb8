"""Refresh empties one service's keys by name, never by SCAN or KEYS: against a real
redis-server holding 200,000 other keys (a Redis shared with the admin app), it takes no longer
than against an empty one, and sends neither command. (A SCAN of 200,000 keys takes about a
fifth of a second, ten times the bound; a million keys took 15 s to fill on a loaded machine.)"""

import statistics
import time
from collections.abc import Iterator
from uuid import uuid4

import pytest
import redis

from dashboard.cache import atomic
from dashboard.cache.key_formats import service_formats, service_keys, unnamed_formats
from dashboard.cache.policy import DEFAULT_TTLS
from dashboard.cache.request_cache import RequestCache
from dashboard.loaders.service_page import empty_service_cache, forget_service, key_values
from dashboard.notify_client import build_clients
from tests.conftest import settings_for_tests
from tests.redis_server import RedisServer

OTHER_KEYS = 200_000
#: Formats Refresh does not name: a template's versions, which no page reads.
TEMPLATE_FORMATS = {
    "service-{service_id}-template-{template_id}-version-{version}",
    "service-{service_id}-template-{template_id}-versions",
}
#: Other keys made inside Redis, a batch at a time (one long script would block it).
FILL = """
for i = tonumber(ARGV[1]), tonumber(ARGV[2]) do
  redis.call('SET', 'admin-' .. i .. '-service-' .. ARGV[3], 'x')
end
"""
BATCH = 50_000


@pytest.fixture(scope="module")
def own_redis(tmp_path_factory: pytest.TempPathFactory) -> Iterator[redis.Redis]:
    """A redis-server of this module's own: 200,000 keys do not belong in the shared one."""
    server = RedisServer(tmp_path_factory.mktemp("million")).start()
    # Filling the keys on a loaded machine can take longer than redis-py's default wait.
    client = redis.Redis.from_url(server.url, socket_timeout=120)
    yield client
    client.close()
    server.stop()


def _scans(client: redis.Redis) -> int:
    """SCAN and KEYS commands Redis has run: either reads every key."""
    stats = client.info("commandstats")
    return sum(int(stats.get(f"cmdstat_{name}", {}).get("calls", 0)) for name in ("scan", "keys"))


def _refresh_seconds(client: redis.Redis, service_id: str, rounds: int = 7) -> float:
    """The median time of Refresh for one service whose page keys are all there."""
    clients = build_clients(settings_for_tests(), RequestCache(client, DEFAULT_TTLS))
    keys = service_keys(
        service_id, {"limit_days": [7, 30], "year": [2026], "financial_year": [2026]}
    )
    forget_service(clients, service_id)  # connects and warms up: not timed
    times = []
    for _ in range(rounds):
        client.mset(dict.fromkeys(keys, "{}") | {atomic.stale_key(k): "{}" for k in keys})
        started = time.perf_counter()
        forget_service(clients, service_id)
        times.append(time.perf_counter() - started)
        assert client.exists(*keys) == 0
        assert client.exists(*(atomic.stale_key(key) for key in keys)) == len(keys)
    return statistics.median(times)


def test_every_format_of_a_service_is_named_but_a_templates_versions():
    """A new cached method with a placeholder of its own must say what values it takes."""
    assert set(unnamed_formats(key_values())) == TEMPLATE_FORMATS
    assert len(service_formats()) > len(TEMPLATE_FORMATS)


def test_refresh_time_does_not_grow_with_200_000_other_keys(own_redis: redis.Redis):
    service_id = str(uuid4())
    empty = _refresh_seconds(own_redis, service_id)
    for first in range(1, OTHER_KEYS + 1, BATCH):
        own_redis.eval(FILL, 0, first, first + BATCH - 1, service_id)
    assert own_redis.dbsize() >= OTHER_KEYS
    scans = _scans(own_redis)

    crowded = _refresh_seconds(own_redis, service_id)

    names = len(service_keys(service_id, key_values()))
    print(
        f"\nRefresh ({names} keys named, each with its lock): {empty * 1000:.2f} ms with no "
        f"other keys, {crowded * 1000:.2f} ms beside {OTHER_KEYS:,} ({crowded / empty:.1f}×)"
    )
    assert _scans(own_redis) == scans
    assert crowded < 3 * empty + 0.02  # a SCAN of 200,000 keys takes about 0.2 s
    # The other keys, even those whose names contain the service's id, are untouched.
    assert own_redis.exists(f"admin-1-service-{service_id}") == 1
    own_redis.flushdb()


def test_the_cache_pages_empty_removes_the_last_good_copies_too(own_redis: redis.Redis):
    service_id = str(uuid4())
    clients = build_clients(settings_for_tests(), RequestCache(own_redis, DEFAULT_TTLS))
    key = f"service-{service_id}-free-sms-fragment-limit-2020"
    own_redis.mset({key: "{}", atomic.stale_key(key): "{}", atomic.lock_key(key): "x"})
    other = f"service-{uuid4()}"
    own_redis.set(other, "{}")

    empty_service_cache(clients, service_id)

    assert own_redis.exists(key, atomic.stale_key(key), atomic.lock_key(key)) == 0
    assert own_redis.exists(other) == 1
