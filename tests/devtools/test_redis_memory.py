"""What Redis holds per service: keys read from a real Redis, summed by what they cover."""

import json
from uuid import uuid4

from dashboard.cache import atomic, telemetry
from devtools.redis_memory import (
    SERVICE_ESTIMATE_BYTES,
    TEMPLATE_ESTIMATE_BYTES,
    KeyUse,
    key_uses,
    memory_use,
    templates_held,
)
from tests.samples import sample_body


def test_every_answer_and_copy_is_measured_and_nothing_else(redis_client):
    service_id = str(uuid4())
    own = f"service-{service_id}"
    redis_client.set(own, json.dumps(sample_body("GET_service")))
    redis_client.hset(atomic.stale_key(own), mapping={"value": "{}", "stored_at": "1"})
    redis_client.set("services", json.dumps(sample_body("GET_service_list")))
    redis_client.set(atomic.lock_key(own), "token")
    redis_client.set(atomic.generation_key(own), "token")
    redis_client.set(f"{telemetry.PREFIX}counts", 1)

    uses = {(use.key, use.copy): use for use in key_uses(redis_client)}

    assert set(uses) == {(own, False), (own, True), ("services", False)}
    assert uses[(own, False)].kind == "service"
    assert uses[(own, True)].kind == "service"
    assert uses[(own, False)].of_one_service
    assert not uses[("services", False)].of_one_service
    for (key, copy), use in uses.items():
        name = atomic.stale_key(key) if copy else key
        assert use.size == redis_client.memory_usage(name, samples=0)


def test_the_templates_in_the_cached_lists_are_counted(redis_client):
    body = sample_body("GET_service_template_list")
    for _ in range(3):
        redis_client.set(f"service-{uuid4()}-templates", json.dumps(body))
    redis_client.hset(
        atomic.stale_key(f"service-{uuid4()}-templates"),
        mapping={"value": json.dumps(body), "stored_at": "1"},
    )

    assert templates_held(redis_client, key_uses(redis_client)) == 3 * len(body["data"])


def test_one_services_keys_scale_and_the_shared_ones_are_split():
    service_id = str(uuid4())
    uses = [
        KeyUse(f"service-{service_id}", "service", False, 1300),
        KeyUse(f"service-{service_id}", "service", True, 1400),
        KeyUse(f"service-{service_id}-templates", "templates", False, 900),
        KeyUse("services", "services", False, 400_000),
        KeyUse("service-names", "services", False, 100_000),
    ]

    memory = memory_use(uses, services=1000, sampled=1, templates=3)

    assert (memory.own_bytes, memory.shared_bytes) == (3600, 500_000)
    assert memory.bytes_per_service == (500_000 + 3600 * 1000) / 1000
    assert memory.estimate_per_service == SERVICE_ESTIMATE_BYTES + 3 * TEMPLATE_ESTIMATE_BYTES
    assert memory.bytes_per_service_key == 1300
    assert memory.bytes_per_template == 300
    assert memory.by_kind == (
        ("services", 2, 500_000),
        ("last good copies", 1, 1400),
        ("service", 1, 1300),
        ("templates", 1, 900),
    )


def test_no_templates_has_no_bytes_per_template():
    memory = memory_use([], services=10, sampled=2, templates=0)

    assert memory.bytes_per_template is None
    assert memory.estimate_per_service == SERVICE_ESTIMATE_BYTES
