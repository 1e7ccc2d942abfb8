"""The `cached` decorator: keys from argument names, a kind per call, validation before keeping."""

import json
from uuid import uuid4

import pytest
import redis

from dashboard.cache.decorators import cached
from dashboard.cache.request_cache import InvalidAnswer, RequestCache

TTLS = {"open-year": 60, "closed-year": 3600, "thing": 60}


def year_kind(thing_id: str, year: int) -> str:
    return "closed-year" if year < 2026 else "open-year"


def positive(answer: dict) -> int:
    if not isinstance(answer.get("count"), int) or answer["count"] < 0:
        raise ValueError("count must be a whole number of at least 0")
    return answer["count"]


class Things:
    """A stand-in resource client: its answers come from a dict the test controls."""

    def __init__(self, cache: RequestCache, answers: dict) -> None:
        self.cache = cache
        self.answers = answers
        self.calls = 0

    @cached("thing-{thing_id}-{year}", kind=year_kind, kinds=("open-year", "closed-year"))
    def by_year(self, thing_id: str, year: int) -> dict:
        self.calls += 1
        return {"thing": thing_id, "year": year}

    @cached("thing-{thing_id}", kind="thing", validate=positive)
    def count(self, thing_id: str) -> dict:
        self.calls += 1
        return self.answers[thing_id]


@pytest.fixture
def things(redis_client: redis.Redis) -> Things:
    return Things(RequestCache(redis_client, TTLS, retry_after_seconds=0), {})


def test_a_kind_chosen_per_call_keeps_each_answer_for_its_own_ttl(things, redis_client):
    thing_id = str(uuid4())
    things.by_year(thing_id, 2026)
    things.by_year(thing_id, year=2024)
    assert 0 < redis_client.ttl(f"thing-{thing_id}-2026") <= 60
    assert 60 < redis_client.ttl(f"thing-{thing_id}-2024") <= 3600


def test_a_batch_answers_in_call_order_and_loads_each_key_once(things):
    calls = [{"thing_id": str(uuid4()), "year": 2023} for _ in range(3)]
    first = things.by_year.many(calls)
    again = things.by_year.many(calls)
    assert things.calls == 3
    assert [answer.value for answer in again] == [answer.value for answer in first]
    assert [answer.value["thing"] for answer in first] == [call["thing_id"] for call in calls]


def test_a_batch_may_mix_kinds_each_kept_for_its_own_ttl(things, redis_client):
    thing_id = str(uuid4())
    answers = things.by_year.many([{"thing_id": thing_id, "year": y} for y in (2023, 2026)])
    assert [answer.value["year"] for answer in answers] == [2023, 2026]
    assert 60 < redis_client.ttl(f"thing-{thing_id}-2023") <= 3600
    assert 0 < redis_client.ttl(f"thing-{thing_id}-2026") <= 60


def test_a_chosen_kind_must_name_its_kinds():
    with pytest.raises(TypeError):
        cached("x-{year}", kind=year_kind)


def test_an_answer_that_does_not_fit_is_refused_and_never_kept(things, redis_client):
    thing_id = str(uuid4())
    things.answers[thing_id] = {"count": "twelve"}
    with pytest.raises(InvalidAnswer, match="not in the expected form"):
        things.count(thing_id)
    assert redis_client.get(f"thing-{thing_id}") is None


def test_an_answer_that_fits_is_kept_as_the_api_gave_it_and_returned_typed(things, redis_client):
    thing_id = str(uuid4())
    things.answers[thing_id] = {"count": 12, "extra": "kept"}
    assert things.count(thing_id) == 12
    assert json.loads(redis_client.get(f"thing-{thing_id}")) == {"count": 12, "extra": "kept"}
    assert things.count(thing_id) == 12
    assert things.calls == 1


def test_a_kept_value_that_no_longer_fits_is_deleted_and_read_again(things, redis_client):
    thing_id = str(uuid4())
    redis_client.set(f"thing-{thing_id}", json.dumps({"count": -1}))
    things.answers[thing_id] = {"count": 3}
    assert things.count(thing_id) == 3
    assert json.loads(redis_client.get(f"thing-{thing_id}")) == {"count": 3}
