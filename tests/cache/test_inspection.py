"""The key census: every key sorted into its kind, memory from a sample, capped and kept."""

from uuid import uuid4

import pytest
import redis

from dashboard.cache import atomic, inspection
from dashboard.cache.connection import client_options
from dashboard.cache.inspection import kind_of
from dashboard.cache.policy import DEFAULT_TTLS
from dashboard.cache.request_cache import RequestCache
from dashboard.settings import Settings
from tests.redis_server import free_port


def plant_services(client: redis.Redis, count: int) -> list[str]:
    """`count` service values of about 1 KB each; their keys."""
    keys = [f"service-{uuid4()}" for _ in range(count)]
    pipe = client.pipeline(transaction=False)
    for key in keys:
        pipe.set(key, "x" * 1000)
    pipe.execute()
    return keys


def scans_made(client: redis.Redis) -> int:
    return int(client.info("commandstats").get("cmdstat_scan", {}).get("calls", 0))


def test_keys_are_sorted_into_kinds_by_the_formats_that_made_them(clients):
    service_id, template_id = str(uuid4()), str(uuid4())

    assert kind_of(f"service-{service_id}") == "service"
    assert kind_of(f"service-{service_id}-statistics-today") == "statistics-today"
    assert kind_of(f"service-{service_id}-statistics-30") == "statistics"
    assert kind_of(f"service-{service_id}-templates") == "templates"
    assert kind_of(f"service-{service_id}-template-{template_id}-version-None") == "template"
    assert kind_of(f"service-{service_id}-template-{template_id}-version-3") == "template"
    assert kind_of(f"service-{service_id}-template-{template_id}-versions") == "template-versions"
    assert kind_of("dashboard-telemetry:events") == "telemetry"
    assert kind_of(atomic.stale_key(f"service-{service_id}")) == "last good copies"
    assert kind_of(atomic.lock_key(f"service-{service_id}")) == "single-flight locks"
    assert kind_of(atomic.generation_key(f"service-{service_id}")) == "generations"
    assert kind_of(inspection.CENSUS_KEY) == "key census"
    assert kind_of("someone-elses-key") == "other"


def test_the_notebooks_census_counts_every_key_and_samples_their_memory(redis_client):
    for key in plant_services(redis_client, 5):
        redis_client.hset(atomic.stale_key(key), "value", "x" * 1000)

    census = {entry.kind: entry for entry in inspection.key_census(redis_client, sample_size=3)}

    assert set(census) == {"service", "last good copies"}
    assert census["service"].keys == 5 and census["service"].sampled == 3
    assert census["service"].bytes_per_key > 1000
    assert census["service"].estimated_bytes == round(census["service"].bytes_per_key * 5)


def test_a_census_stops_at_its_cap_and_says_so(cache, redis_client):
    plant_services(redis_client, 5000)
    redis_client.config_resetstat()

    census = inspection.take_census(cache, max_keys=1000)
    capped_scans = scans_made(redis_client)
    redis_client.config_resetstat()
    inspection.key_census(redis_client)

    assert (census.counted, census.capped, census.max_keys) == (1000, True, 1000)
    assert census.total_keys == 5000
    assert sum(kind.keys for kind in census.kinds) == 1000
    assert 1 <= capped_scans < scans_made(redis_client)  # it stopped reading, not just counting


def test_a_census_that_reads_every_key_is_not_capped(cache, redis_client):
    plant_services(redis_client, 10)

    census = inspection.take_census(cache, max_keys=10)

    assert (census.counted, census.capped, census.total_keys) == (10, False, 10)
    assert [(kind.kind, kind.keys) for kind in census.kinds] == [("service", 10)]


def test_a_census_is_kept_a_few_minutes_for_every_process(cache, redis_client):
    plant_services(redis_client, 3)
    assert inspection.last_census(cache) is None

    taken = inspection.take_census(cache, max_keys=100, now=1_800_000_000.0)
    another_process = RequestCache(redis_client, DEFAULT_TTLS)

    assert inspection.last_census(another_process) == taken
    assert taken.taken_at == 1_800_000_000.0
    assert 0 < redis_client.ttl(inspection.CENSUS_KEY) <= inspection.CENSUS_TTL_SECONDS


def test_a_kept_census_that_does_not_decode_is_no_census(cache, redis_client):
    redis_client.set(inspection.CENSUS_KEY, '{"kinds": "not a list"}')

    assert inspection.last_census(cache) is None


def test_memory_is_one_info_command(cache):
    memory = inspection.memory(cache)

    assert memory["used_memory"] > 0
    assert str(memory["used_memory_human"]).endswith(("K", "M", "G", "B"))


@pytest.mark.parametrize(
    "ask",
    [
        lambda cache: inspection.take_census(cache),
        inspection.last_census,
        inspection.memory,
        lambda cache: inspection.hit_counts(cache, hours=1),
    ],
    ids=["census", "last census", "memory", "hit counts"],
)
def test_a_redis_that_does_not_answer_raises_inspection_failed(ask):
    down = redis.Redis(port=free_port(), **client_options(Settings()))

    with pytest.raises(inspection.InspectionFailed, match="ConnectionError"):
        ask(RequestCache(down, DEFAULT_TTLS))


def test_with_the_cache_off_there_is_nothing_to_ask():
    with pytest.raises(inspection.InspectionFailed, match="the cache is off"):
        inspection.memory(RequestCache(None, DEFAULT_TTLS))
