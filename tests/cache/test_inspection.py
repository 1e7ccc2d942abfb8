"""The key census: every key sorted into its kind, memory from a sample."""

from uuid import uuid4

from dashboard.cache import atomic, inspection
from dashboard.cache.inspection import kind_of


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
    assert kind_of("someone-elses-key") == "other"


def test_the_census_counts_keys_and_samples_their_memory(redis_client):
    service_ids = [str(uuid4()) for _ in range(5)]
    for service_id in service_ids:
        redis_client.set(f"service-{service_id}", "x" * 1000)
        redis_client.hset(atomic.stale_key(f"service-{service_id}"), "value", "x" * 1000)

    census = {entry.kind: entry for entry in inspection.key_census(redis_client, sample_size=3)}

    assert set(census) == {"service", "last good copies"}
    assert census["service"].keys == 5 and census["service"].sampled == 3
    assert census["service"].bytes_per_key > 1000
    assert census["service"].estimated_bytes == round(census["service"].bytes_per_key * 5)
