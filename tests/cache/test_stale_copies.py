"""Stale-if-error: the last good copy of a value, served when the API fails after it expired."""

import json
import time
from uuid import uuid4

import pytest
import requests

from dashboard.cache import atomic, telemetry
from dashboard.cache.decorators import cached
from dashboard.cache.request_cache import InvalidAnswer, RequestCache, recording
from dashboard.notify_client.schemas.services import SERVICE
from tests.conftest import TEST_API
from tests.samples import sample_body

DAY = 86400


def counted(redis_client) -> dict[tuple[str, str], int]:
    return {
        (row["kind"], row["outcome"]): row["count"]
        for row in telemetry.read_counts(redis_client, hours=1)
    }


def read_once_then_expire(requests_mock, clients, redis_client, service_id: str) -> float:
    """Read the service from the API, let its value expire, and say when it was read."""
    requests_mock.get(f"{TEST_API}/service/{service_id}", json=sample_body("GET_service"))
    before = time.time()
    clients.services.get_service(service_id)
    redis_client.delete(f"service-{service_id}")
    return before


@pytest.mark.parametrize(
    "failure",
    [
        {"status_code": 500, "json": {"message": "Internal server error"}},
        {"status_code": 502, "text": "Bad gateway"},
        {"status_code": 429, "json": {"message": "Too many requests"}},
        {"exc": requests.exceptions.ConnectionError},
        {"exc": requests.exceptions.ReadTimeout},
        {"status_code": 200, "text": "<html>not JSON</html>"},
    ],
    ids=["500", "502", "429", "connection refused", "timeout", "not JSON"],
)
def test_when_the_api_fails_the_last_good_copy_is_served_and_marked_stale(
    requests_mock, clients, redis_client, failure
):
    service_id = str(uuid4())
    read_at = read_once_then_expire(requests_mock, clients, redis_client, service_id)
    requests_mock.get(f"{TEST_API}/service/{service_id}", **failure)

    with recording() as lookups:
        answer = clients.services.get_service(service_id)

    assert answer == SERVICE(sample_body("GET_service"))
    [lookup] = lookups
    assert lookup.outcome == "stale" and lookup.stale and not lookup.from_cache
    assert read_at <= lookup.stored_at <= time.time()
    assert redis_client.exists(f"service-{service_id}") == 0  # nothing new to keep


@pytest.mark.parametrize("status", [400, 403, 404])
def test_an_api_that_answers_no_is_not_covered_up_by_an_old_copy(
    requests_mock, clients, redis_client, status
):
    service_id = str(uuid4())
    read_once_then_expire(requests_mock, clients, redis_client, service_id)
    requests_mock.get(
        f"{TEST_API}/service/{service_id}", status_code=status, json={"message": "No"}
    )

    with pytest.raises(Exception, match=str(status)):
        clients.services.get_service(service_id)


def test_the_copy_is_kept_thirty_days_beside_an_unchanged_admin_key(
    requests_mock, clients, redis_client
):
    service_id = str(uuid4())
    requests_mock.get(f"{TEST_API}/service/{service_id}", json=sample_body("GET_service"))

    clients.services.get_service(service_id)

    key = f"service-{service_id}"
    assert json.loads(redis_client.get(key)) == sample_body("GET_service")
    assert json.loads(redis_client.hget(atomic.stale_key(key), "value")) == sample_body(
        "GET_service"
    )
    assert 29 * DAY < redis_client.ttl(atomic.stale_key(key)) <= 30 * DAY


def test_with_no_copy_the_apis_failure_reaches_the_caller(requests_mock, clients):
    service_id = str(uuid4())
    requests_mock.get(f"{TEST_API}/service/{service_id}", status_code=500, json={})

    with recording() as lookups, pytest.raises(Exception, match="500"):
        clients.services.get_service(service_id)

    assert [lookup.outcome for lookup in lookups] == ["miss"]


class Counts:
    """A stand-in client whose answers must hold a whole number of at least 0."""

    def __init__(self, cache: RequestCache) -> None:
        self.cache = cache
        self.answers: dict[str, object] = {}

    @staticmethod
    def check(answer: dict) -> int:
        if not isinstance(answer.get("count"), int) or answer["count"] < 0:
            raise ValueError("count must be a whole number of at least 0")
        return answer["count"]

    @cached("count-{count_id}", kind="count", validate=check)
    def get(self, count_id: str) -> dict:
        return self.answers[count_id]


@pytest.fixture
def counts(redis_client) -> Counts:
    return Counts(RequestCache(redis_client, {"count": 60}, retry_after_seconds=0))


def test_an_answer_refused_by_validation_is_counted_invalid_and_never_kept(counts, redis_client):
    count_id = str(uuid4())
    counts.answers[count_id] = {"count": None}

    with recording() as lookups, pytest.raises(InvalidAnswer):
        counts.get(count_id)
    counts.cache.flush_telemetry()

    assert [lookup.outcome for lookup in lookups] == ["invalid"]
    assert redis_client.exists(f"count-{count_id}", atomic.stale_key(f"count-{count_id}")) == 0
    assert counted(redis_client) == {("count", "invalid"): 1}


def test_an_answer_refused_by_validation_is_replaced_by_the_last_good_copy(counts, redis_client):
    count_id = str(uuid4())
    counts.answers[count_id] = {"count": 7}
    counts.get(count_id)
    redis_client.delete(f"count-{count_id}")
    counts.answers[count_id] = {"count": "seven"}

    with recording() as lookups:
        answer = counts.get(count_id)
    counts.cache.flush_telemetry()

    assert answer == 7
    assert [lookup.outcome for lookup in lookups] == ["stale"]
    assert counted(redis_client) == {("count", "miss"): 1, ("count", "stale"): 1}


def test_a_copy_that_no_longer_fits_is_deleted_and_counted_corrupt(counts, redis_client):
    count_id = str(uuid4())
    key = f"count-{count_id}"
    redis_client.hset(atomic.stale_key(key), mapping={"value": '{"count": -1}', "stored_at": 1})
    counts.answers[count_id] = {"count": "broken"}

    with recording() as lookups, pytest.raises(InvalidAnswer):
        counts.get(count_id)
    counts.cache.flush_telemetry()

    assert [lookup.outcome for lookup in lookups] == ["corrupt"]
    assert redis_client.exists(atomic.stale_key(key)) == 0
    assert counted(redis_client) == {("count", "corrupt"): 1}


def test_a_copy_of_the_wrong_type_is_deleted_too(counts, redis_client):
    count_id = str(uuid4())
    key = f"count-{count_id}"
    redis_client.set(atomic.stale_key(key), "not a hash")
    counts.answers[count_id] = {"count": "broken"}

    with pytest.raises(InvalidAnswer):
        counts.get(count_id)

    assert redis_client.exists(atomic.stale_key(key)) == 0
