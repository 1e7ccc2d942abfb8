"""Single flight across processes: a short Redis lock, waiters that read the value when it lands,
and a bounded wait after which they call the API themselves."""

import json
import threading
from uuid import uuid4

import pytest

from dashboard.cache import atomic
from dashboard.cache.request_cache import CacheRequest, RequestCache, recording
from devtools.single_flight import measure

TTLS = {"thing": 60}
HOUR_MS = 3_600_000


@pytest.mark.slow
def test_fifty_threads_in_each_of_two_processes_make_one_api_call(redis_server):
    assert measure(redis_server.url, threads=50, processes=2) == 1


def test_a_lock_whose_holder_died_costs_the_bounded_wait_and_no_more(redis_client):
    cache = RequestCache(redis_client, TTLS, flight_wait_seconds=0.3)
    key = f"thing-{uuid4()}"
    redis_client.set(atomic.lock_key(key), "a reader that died", px=HOUR_MS)
    calls = []

    with recording() as lookups:
        answer = cache.fetch(key, "thing", lambda: calls.append(key) or {"n": 1})

    assert answer == {"n": 1}
    assert calls == [key]
    assert lookups[0].milliseconds >= 300  # it waited for the value first
    assert redis_client.pttl(atomic.lock_key(key)) > HOUR_MS - 60_000  # long before the lock ends
    assert json.loads(redis_client.get(key)) == {"n": 1}  # stored for the next reader


def test_when_the_holder_lets_go_without_a_value_a_waiter_takes_the_lock(redis_client):
    """A holder whose API call failed frees its lock: a waiter then loads, holding the lock."""
    cache = RequestCache(redis_client, TTLS, flight_wait_seconds=60)
    key = f"thing-{uuid4()}"
    redis_client.set(atomic.lock_key(key), "a holder about to fail", px=300)
    locks_seen = []

    def load() -> dict:
        locks_seen.append(redis_client.get(atomic.lock_key(key)))
        return {"n": 2}

    assert cache.fetch(key, "thing", load) == {"n": 2}
    assert locks_seen[0] not in (None, b"a holder about to fail")
    assert redis_client.exists(atomic.lock_key(key)) == 0  # freed once the value was stored


def test_a_waiter_reads_the_value_another_process_stored(redis_client):
    """Two caches on one Redis stand for two processes; the second waits for the first's load."""
    first = RequestCache(redis_client, TTLS)
    second = RequestCache(redis_client, TTLS, flight_wait_seconds=60)
    key = f"thing-{uuid4()}"
    loading, release = threading.Event(), threading.Event()
    calls = []

    def slow_load() -> dict:
        calls.append("first")
        loading.set()
        release.wait()
        return {"from": "first"}

    holder = threading.Thread(target=lambda: first.fetch(key, "thing", slow_load))
    holder.start()
    loading.wait()
    threading.Timer(0.1, release.set).start()
    with recording() as lookups:
        answer = second.fetch(key, "thing", lambda: calls.append("second") or {"from": "second"})
    holder.join()

    assert answer == {"from": "first"}
    assert calls == ["first"]
    assert [(lookup.outcome, lookup.waited_for) for lookup in lookups] == [("miss", "lock")]


def test_a_batch_waits_for_the_keys_another_process_loads_and_loads_the_rest(redis_client):
    first = RequestCache(redis_client, TTLS)
    second = RequestCache(redis_client, TTLS, flight_wait_seconds=60)
    keys = [f"thing-{uuid4()}" for _ in range(3)]
    loading, release = threading.Event(), threading.Event()
    calls = []

    def load(key: str, by: str):
        def run() -> dict:
            calls.append((by, key))
            if by == "first":
                loading.set()
                release.wait()
            return {"key": key, "by": by}

        return run

    holder = threading.Thread(target=lambda: first.fetch(keys[0], "thing", load(keys[0], "first")))
    holder.start()
    loading.wait()
    threading.Timer(0.1, release.set).start()
    answers = second.fetch_many([CacheRequest(key, "thing", load(key, "second")) for key in keys])
    holder.join()

    assert [answer.value["by"] for answer in answers] == ["first", "second", "second"]
    assert sorted(calls) == sorted([("first", keys[0]), ("second", keys[1]), ("second", keys[2])])
