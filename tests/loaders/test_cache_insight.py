"""The Cache page's numbers: every outcome counted by kind, hit rate over every lookup."""

from uuid import uuid4

import pytest

from dashboard.loaders.cache_insight import load_cache_insight
from tests.conftest import TEST_API
from tests.samples import sample_body


def test_hits_misses_and_stale_copies_are_counted_by_kind(requests_mock, clients, redis_client):
    service_id = str(uuid4())
    url = f"{TEST_API}/service/{service_id}"
    requests_mock.get(url, json=sample_body("GET_service"))
    clients.services.get_service(service_id)  # miss
    clients.services.get_service(service_id)  # hit
    redis_client.delete(f"service-{service_id}")
    requests_mock.get(url, status_code=500, json={})
    clients.services.get_service(service_id)  # stale: the API failed, the copy stood in

    insight = load_cache_insight(clients, "test Redis", hours=1)

    row = insight.by_kind.set_index("kind").loc["service"]
    assert (row["hit"], row["miss"], row["stale"], row["invalid"], row["lookups"]) == (
        1,
        1,
        1,
        0,
        3,
    )
    assert row["hit_rate"] == pytest.approx(1 / 3)
