"""Telemetry counts exactly what a scripted sequence of lookups did."""

from uuid import uuid4

import redis

from dashboard.cache import telemetry
from dashboard.cache.policy import DEFAULT_TTLS
from dashboard.cache.request_cache import RequestCache
from dashboard.cache.telemetry import LookupEvent
from dashboard.notify_client import build_clients
from tests.conftest import TEST_API, settings_for_tests
from tests.redis_server import RedisServer
from tests.samples import sample_body


def test_counters_and_events_match_a_scripted_sequence(requests_mock, clients, redis_client):
    services = [str(uuid4()) for _ in range(3)]
    for service_id in services:
        requests_mock.get(f"{TEST_API}/service/{service_id}", json=sample_body("GET_service"))
        requests_mock.get(
            f"{TEST_API}/service/{service_id}/statistics",
            json=sample_body("GET_service_statistics_limit_days_7"),
        )
    script = [
        ("service", services[0]),  # miss
        ("service", services[0]),  # hit
        ("service", services[1]),  # miss
        ("statistics", services[0]),  # miss
        ("statistics", services[0]),  # hit
        ("service", services[0]),  # hit
    ]
    for kind, service_id in script:
        if kind == "service":
            clients.services.get_service(service_id)
        else:
            clients.services.get_service_statistics(service_id, limit_days=7)
    redis_client.set(f"service-{services[2]}", b"\x00garbage")
    clients.services.get_service(services[2])  # corrupt
    clients.cache.flush_telemetry()

    counted = {
        (row["kind"], row["outcome"]): row["count"]
        for row in telemetry.read_counts(redis_client, hours=1)
    }
    events = telemetry.read_events(redis_client)

    assert counted == {
        ("service", "miss"): 2,
        ("service", "hit"): 2,
        ("service", "corrupt"): 1,
        ("statistics", "miss"): 1,
        ("statistics", "hit"): 1,
    }
    assert [(event["kind"], event["outcome"]) for event in events] == [
        ("service", "miss"),
        ("service", "hit"),
        ("service", "miss"),
        ("statistics", "miss"),
        ("statistics", "hit"),
        ("service", "hit"),
        ("service", "corrupt"),
    ]
    assert events[0]["key"] == events[1]["key"] == telemetry.key_hash(f"service-{services[0]}")
    assert all(services[0] not in event["key"] for event in events)
    assert all(event["size_bytes"] > 0 and event["milliseconds"] >= 0 for event in events)


def test_telemetry_can_be_switched_off(requests_mock, redis_client: redis.Redis):
    cache = RequestCache(redis_client, DEFAULT_TTLS, telemetry_enabled=False)
    clients = build_clients(settings_for_tests(), cache)
    requests_mock.get(f"{TEST_API}/service", json={"data": []})

    clients.services.get_services()
    clients.services.get_services()
    cache.flush_telemetry()

    assert telemetry.read_counts(redis_client, hours=1) == []
    assert telemetry.read_events(redis_client) == []
    assert cache.process_counts == {("services", "miss"): 1, ("services", "hit"): 1}


def test_counts_are_kept_thirty_days(requests_mock, clients, redis_client):
    requests_mock.get(f"{TEST_API}/service", json={"data": []})

    clients.services.get_services()
    clients.cache.flush_telemetry()

    (key,) = list(redis_client.scan_iter(match=f"{telemetry.PREFIX}:counts:*"))
    assert 29 * 86400 < redis_client.ttl(key) <= 30 * 86400


def test_a_hit_sends_its_telemetry_with_the_next_command(requests_mock, clients, redis_client):
    requests_mock.get(f"{TEST_API}/service", json={"data": []})
    clients.services.get_services()
    clients.services.get_services()

    assert [e["outcome"] for e in telemetry.read_events(redis_client)] == ["miss"]

    clients.services.get_services()

    assert [e["outcome"] for e in telemetry.read_events(redis_client)] == ["miss", "hit"]


def test_lookups_while_redis_was_down_are_counted_once_it_is_back(requests_mock, tmp_path):
    server = RedisServer(tmp_path).start()
    try:
        client = redis.Redis.from_url(server.url, socket_timeout=0.25)
        cache = RequestCache(client, DEFAULT_TTLS, retry_after_seconds=0)
        clients = build_clients(settings_for_tests(), cache)
        requests_mock.get(f"{TEST_API}/service", json={"data": []})
        server.stop()
        clients.services.get_services()
        server.start()
        cache.flush_telemetry()
        counted = {
            (row["kind"], row["outcome"]): row["count"]
            for row in telemetry.read_counts(client, hours=1)
        }
    finally:
        server.stop()

    assert counted == {("services", "error"): 1}


def test_events_are_read_a_page_at_a_time_in_order(redis_client):
    pipe = redis_client.pipeline()
    telemetry.add_to_pipeline(
        pipe,
        [
            LookupEvent("service", f"service-{n}", "miss", 1.0, 10, 1_700_000_000 + n)
            for n in range(25)
        ],
    )
    pipe.execute()

    events = telemetry.read_events(redis_client, page_size=10)

    assert [event["at"] for event in events] == [1_700_000_000 + n for n in range(25)]
    assert [event["at"] for event in telemetry.read_events(redis_client, count=3)] == [
        1_700_000_022,
        1_700_000_023,
        1_700_000_024,
    ]
