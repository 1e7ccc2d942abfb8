"""Refresh ahead against a real Redis: a current value read in the last part of its life is
served as it is, and one background refresh replaces it; a failed refresh loses nothing."""

import json
import threading
import time
from uuid import uuid4

import redis
from notifications_python_client.errors import HTTPError

from dashboard.cache import atomic, load_timeout
from dashboard.cache.request_cache import (
    HELD_ELSEWHERE,
    MOVED_ON,
    NOT_DUE,
    REFRESH_FAILED,
    REFRESHED,
    CacheRequest,
    RequestCache,
    recording,
)

KIND = "thing"
TTL = 100  # seconds: the refresh point is 20 s before the end
OLD, NEW = {"n": "old"}, {"n": "new"}


def refreshing_cache(client: redis.Redis, **options: object) -> RequestCache:
    return RequestCache(
        client,
        {KIND: TTL},
        refresh_ahead={KIND: 0.2},
        retry_after_seconds=0,
        **options,  # type: ignore[arg-type]
    )


def stored(client: redis.Redis, value: dict, remaining_ms: int | None) -> str:
    """A current value with `remaining_ms` of life left (None: no TTL), and its good copy."""
    key = f"thing-{uuid4()}"
    client.set(key, json.dumps(value), px=remaining_ms)
    client.hset(atomic.stale_key(key), mapping={"value": json.dumps(value), "stored_at": "1.0"})
    return key


class Api:
    """A stand-in API call that counts its calls and answers `answer` (or raises it)."""

    def __init__(self, answer: object = NEW) -> None:
        self.answer = answer
        self.calls = 0

    def __call__(self) -> object:
        self.calls += 1
        if isinstance(self.answer, Exception):
            raise self.answer
        return self.answer


def test_a_value_read_just_before_the_refresh_point_is_only_served(redis_client):
    cache = refreshing_cache(redis_client)
    key, api = stored(redis_client, OLD, 20_500), Api()

    assert cache.fetch(key, KIND, api) == OLD
    cache.wait_for_refreshes()

    assert api.calls == 0
    assert cache.refresh_counts == {}
    assert json.loads(redis_client.get(key)) == OLD


def test_a_value_read_just_after_the_point_is_served_and_refreshed_behind_the_reader(
    redis_client,
):
    cache = refreshing_cache(redis_client)
    key = stored(redis_client, OLD, 19_500)
    release = threading.Event()

    def slow_api() -> dict:
        release.wait(10)
        return NEW

    with recording() as lookups:
        answer = cache.fetch(key, KIND, slow_api)
    release.set()
    cache.wait_for_refreshes()

    assert answer == OLD  # served at once, while the API was still answering
    assert lookups[0].outcome == "hit"
    assert json.loads(redis_client.get(key)) == NEW
    assert redis_client.pttl(key) > 99_000  # a whole life again
    assert json.loads(redis_client.hget(atomic.stale_key(key), "value")) == NEW
    assert redis_client.exists(atomic.lock_key(key)) == 0
    assert cache.refresh_counts == {"started": 1, REFRESHED: 1}


def test_a_key_with_no_ttl_is_never_refreshed_ahead(redis_client):
    cache = refreshing_cache(redis_client)
    key, api = stored(redis_client, OLD, None), Api()

    assert cache.fetch(key, KIND, api) == OLD
    cache.wait_for_refreshes()

    assert api.calls == 0
    assert redis_client.pttl(key) == -1


def test_a_kind_without_refresh_ahead_is_left_to_expire(redis_client):
    cache = RequestCache(redis_client, {KIND: TTL}, retry_after_seconds=0)
    key, api = stored(redis_client, OLD, 1_000), Api()

    assert cache.fetch(key, KIND, api) == OLD
    cache.wait_for_refreshes()

    assert api.calls == 0


def test_a_refresh_that_fails_keeps_the_served_value_and_its_last_good_copy(redis_client):
    cache = refreshing_cache(redis_client)
    key = stored(redis_client, OLD, 10_000)
    api = Api(HTTPError(message="the API is down"))

    assert cache.fetch(key, KIND, api) == OLD
    cache.wait_for_refreshes()

    assert api.calls == 1
    assert json.loads(redis_client.get(key)) == OLD
    assert 0 < redis_client.pttl(key) <= 10_000  # not extended: it will expire as it would have
    assert json.loads(redis_client.hget(atomic.stale_key(key), "value")) == OLD
    assert redis_client.exists(atomic.lock_key(key)) == 0  # the next reader may try again
    assert cache.refresh_counts == {"started": 1, REFRESH_FAILED: 1}


def test_many_readers_of_a_key_near_its_end_make_one_refresh(redis_client):
    cache = refreshing_cache(redis_client)
    key = stored(redis_client, OLD, 5_000)
    release = threading.Event()
    api = Api()

    def slow_api() -> object:
        release.wait(10)
        return api()

    answers = [cache.fetch(key, KIND, slow_api) for _ in range(20)]
    release.set()
    cache.wait_for_refreshes()

    assert answers == [OLD] * 20
    assert api.calls == 1


def test_a_refresh_another_process_holds_or_has_done_is_not_repeated(redis_client):
    cache = refreshing_cache(redis_client)
    held = stored(redis_client, OLD, 5_000)
    redis_client.set(atomic.lock_key(held), "another process", px=60_000)
    done = stored(redis_client, NEW, 99_000)
    api = Api()

    assert cache.refresh(CacheRequest(held, KIND, api), due_within_seconds=20) == HELD_ELSEWHERE
    assert cache.refresh(CacheRequest(done, KIND, api), due_within_seconds=20) == NOT_DUE
    assert api.calls == 0


def test_a_missing_key_is_due_and_loaded_by_refresh(redis_client):
    cache = refreshing_cache(redis_client)
    key = f"thing-{uuid4()}"

    assert cache.refresh(CacheRequest(key, KIND, Api()), due_within_seconds=0) == REFRESHED
    assert json.loads(redis_client.get(key)) == NEW


def test_a_refresh_that_raced_an_update_does_not_store_the_old_answer(redis_client):
    cache = refreshing_cache(redis_client)
    key = stored(redis_client, OLD, 5_000)

    def api_then_update() -> dict:
        cache.invalidate([key])
        return NEW

    assert cache.refresh(CacheRequest(key, KIND, api_then_update), 20) == MOVED_ON
    assert redis_client.get(key) is None


def test_a_slow_kinds_lock_outlasts_its_timeout_and_the_call_gets_that_timeout(redis_client):
    cache = refreshing_cache(redis_client, load_timeouts={KIND: 40.0}, default_load_timeout=10.0)
    key = f"thing-{uuid4()}"
    seen: dict[str, object] = {}

    def api() -> dict:
        seen["lock_ms"] = redis_client.pttl(atomic.lock_key(key))
        seen["timeout"] = load_timeout.current()
        return NEW

    cache.fetch(key, KIND, api)

    assert seen["timeout"] == 40.0
    assert isinstance(seen["lock_ms"], int) and seen["lock_ms"] > 40_000
    assert cache.load_timeout("another kind") == 10.0
    assert cache.lock_seconds("another kind") == cache.flight_lock_seconds


def test_a_reader_of_a_missing_key_waits_for_the_api(redis_client):
    cache = refreshing_cache(redis_client)
    key, api = f"thing-{uuid4()}", Api()

    with recording() as lookups:
        assert cache.fetch(key, KIND, api) == NEW

    assert lookups[0].outcome == "miss"
    assert api.calls == 1
    assert cache.refresh_counts == {}


def test_a_reader_waits_for_a_slow_kinds_load_in_another_process_beyond_the_default_wait(
    redis_client,
):
    """The services list takes 5 s at the platform's size: a second reader that gave up
    after the default 3 s would make a second 5 s call instead of waiting for the first."""
    cache = refreshing_cache(redis_client, flight_wait_seconds=0.2, load_timeouts={KIND: 5.0})
    other_process = refreshing_cache(redis_client)
    key, api = f"thing-{uuid4()}", Api()
    loading = threading.Event()

    def slow_api() -> dict:
        loading.set()
        time.sleep(0.8)
        return NEW

    first = threading.Thread(target=lambda: other_process.fetch(key, KIND, slow_api))
    first.start()
    loading.wait(5)
    answer = cache.fetch(key, KIND, api)
    first.join()

    assert answer == NEW
    assert api.calls == 0  # it waited 0.8 s for the other's value, past its default 0.2 s
    assert cache.wait_seconds(KIND) == 5.0
    assert cache.wait_seconds("another kind") == 0.2
