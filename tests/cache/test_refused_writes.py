"""A Redis that refuses writes (full with noeviction, a read-only replica) still serves hits."""

import json
import logging
import time
from collections.abc import Iterator
from uuid import uuid4

import pytest
import redis

from dashboard.cache.policy import DEFAULT_TTLS
from dashboard.cache.request_cache import CacheInvalidationFailed, RequestCache, recording
from dashboard.notify_client import NotifyClients, build_clients
from dashboard.notify_client.schemas.services import SERVICE
from tests.conftest import TEST_API, settings_for_tests
from tests.redis_server import RedisServer
from tests.samples import sample_body

SYNC_TIMEOUT_SECONDS = 30


def fill(client: redis.Redis) -> None:
    """Write until Redis says it is out of memory, with big values and then small ones; then
    hold it below what it uses. Filled to the limit alone, it was not full for long: Redis
    frees its buffers after the last write, and a later small write fitted again."""
    for size in (10_000, 100):
        for number in range(100_000):
            try:
                client.set(f"filler-{size}-{number}", "x" * size)
            except redis.exceptions.OutOfMemoryError:
                break
        else:
            raise AssertionError("Redis never filled up")
    used = int(client.info("memory")["used_memory"])
    client.config_set("maxmemory", used // 2)


@pytest.fixture
def full_redis(tmp_path) -> Iterator[redis.Redis]:
    server = RedisServer(
        tmp_path, options=("--maxmemory", "1mb", "--maxmemory-policy", "noeviction")
    ).start()
    client = redis.Redis.from_url(server.url, socket_timeout=5)
    yield client
    client.close()
    server.stop()


@pytest.fixture
def primary_and_replica(tmp_path) -> Iterator[tuple[redis.Redis, redis.Redis]]:
    (tmp_path / "primary").mkdir()
    (tmp_path / "replica").mkdir()
    primary = RedisServer(tmp_path / "primary").start()
    replica = RedisServer(tmp_path / "replica", options=RedisServer.replica_of(primary)).start()
    clients = redis.Redis.from_url(primary.url), redis.Redis.from_url(replica.url)
    yield clients
    for client in clients:
        client.close()
    replica.stop()
    primary.stop()


def replicated(replica: redis.Redis, key: str) -> None:
    deadline = time.monotonic() + SYNC_TIMEOUT_SECONDS
    while not replica.exists(key):
        assert time.monotonic() < deadline, "the replica never caught up"
        time.sleep(0.05)


def clients_on(client: redis.Redis) -> NotifyClients:
    """Clients whose cache would leave Redis alone for a minute if it counted it as down."""
    return build_clients(
        settings_for_tests(), RequestCache(client, DEFAULT_TTLS, retry_after_seconds=60)
    )


def mock_service(requests_mock, service_id: str) -> None:
    requests_mock.get(f"{TEST_API}/service/{service_id}", json=sample_body("GET_service"))


def service_body(service_id: str) -> dict:
    """The recorded service's answer, for another id."""
    return {"data": sample_body("GET_service")["data"] | {"id": service_id}}


def refusals(caplog) -> list[str]:
    return [record.getMessage() for record in caplog.records if "refused" in record.getMessage()]


def test_a_full_redis_serves_its_hits_and_the_api_serves_its_misses(
    requests_mock, full_redis, caplog
):
    cached_id, new_id = str(uuid4()), str(uuid4())
    full_redis.set(f"service-{cached_id}", json.dumps(service_body(cached_id)), ex=600)
    fill(full_redis)
    clients = clients_on(full_redis)
    mock_service(requests_mock, new_id)

    with caplog.at_level(logging.WARNING), recording() as lookups:
        hits = [clients.services.get_service(cached_id) for _ in range(3)]
        miss = clients.services.get_service(new_id)
        clients.cache.flush_telemetry()
        hits.append(clients.services.get_service(cached_id))

    assert hits == [SERVICE(service_body(cached_id))] * 4
    assert miss == SERVICE(sample_body("GET_service"))
    assert [lookup.outcome for lookup in lookups] == ["hit"] * 3 + ["miss", "hit"]
    assert requests_mock.call_count == 1
    assert len(refusals(caplog)) == 1  # once, not per lookup
    assert not [r for r in caplog.records if "reading from the API instead" in r.getMessage()]


def test_a_read_only_replica_serves_hits_stores_nothing_and_refuses_updates(
    requests_mock, primary_and_replica, caplog
):
    primary, replica = primary_and_replica
    cached_id, new_id = str(uuid4()), str(uuid4())
    primary.set(f"service-{cached_id}", json.dumps(service_body(cached_id)), ex=600)
    replicated(replica, f"service-{cached_id}")
    clients = clients_on(replica)
    mock_service(requests_mock, new_id)
    update = requests_mock.post(f"{TEST_API}/service/{cached_id}", json={"data": {}})

    with caplog.at_level(logging.WARNING), recording() as lookups:
        hits = [clients.services.get_service(cached_id) for _ in range(3)]
        miss = clients.services.get_service(new_id)
        with pytest.raises(CacheInvalidationFailed, match="not sent"):
            clients.services.update_service(cached_id, name="Renamed")

    assert hits == [SERVICE(service_body(cached_id))] * 3
    assert miss == SERVICE(sample_body("GET_service"))
    assert [lookup.outcome for lookup in lookups] == ["hit"] * 3 + ["miss"]
    assert update.call_count == 0
    assert replica.exists(f"service-{new_id}") == 0
    assert len(refusals(caplog)) == 1
