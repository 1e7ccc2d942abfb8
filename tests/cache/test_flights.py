"""Single flight within a process: concurrent misses for one key make one API call."""

import threading
import time
from uuid import uuid4

import pytest
import redis
from redis.backoff import NoBackoff
from redis.retry import Retry

from dashboard.cache.flights import Flights
from dashboard.cache.request_cache import RequestCache, recording
from tests.redis_server import free_port

THREADS = 50
TTLS = {"thing": 60}


class CountingAPI:
    """A stand-in API call that holds its answer until every reader has asked."""

    def __init__(self, readers: int) -> None:
        self.readers = readers
        self.asked = 0
        self.calls = 0
        self.lock = threading.Lock()

    def ask(self, cache: RequestCache, key: str) -> dict:
        with self.lock:
            self.asked += 1
        return cache.fetch(key, "thing", self.load)

    def load(self) -> dict:
        with self.lock:
            self.calls += 1
        while self.asked < self.readers:
            time.sleep(0.001)
        time.sleep(0.5)  # every reader has asked; give the last ones time to join the flight
        return {"answer": 42}


def redis_that_is_down() -> redis.Redis:
    return redis.Redis(
        port=free_port(),
        socket_connect_timeout=0.25,
        socket_timeout=0.25,
        retry=Retry(NoBackoff(), 0),
    )


def script_calls(client: redis.Redis) -> int:
    return client.info("commandstats").get("cmdstat_eval", {}).get("calls", 0)


@pytest.mark.parametrize("state", ["up", "down", "off"])
def test_fifty_threads_asking_for_one_cold_key_make_one_api_call(redis_client, state):
    """With Redis up, only the leader claims the key's lock and stores: nobody else polls."""
    client = {"up": redis_client, "down": redis_that_is_down(), "off": None}[state]
    scripts_before = script_calls(redis_client)
    cache = RequestCache(client, TTLS, retry_after_seconds=60)
    api = CountingAPI(THREADS)
    key = f"thing-{uuid4()}"
    answers, lookups = [], []

    def read() -> None:
        with recording() as mine:
            answers.append(api.ask(cache, key))
        lookups.extend(mine)

    readers = [threading.Thread(target=read) for _ in range(THREADS)]
    for reader in readers:
        reader.start()
    for reader in readers:
        reader.join()

    assert api.calls == 1
    assert answers == [{"answer": 42}] * THREADS
    expected = {"up": {"miss"}, "down": {"error"}, "off": {"off"}}[state]
    assert {lookup.outcome for lookup in lookups} == expected
    # One reader led the flight; every other one waited for it, and its lookup says so.
    assert sorted(lookup.waited_for for lookup in lookups) == [""] + ["flight"] * (THREADS - 1)
    assert script_calls(redis_client) - scripts_before == (2 if state == "up" else 0)


def test_a_flight_is_led_once_followed_by_the_rest_and_forgotten_when_finished():
    flights = Flights()

    led, followed = flights.join(["a", "b"])
    again_led, again_followed = flights.join(["b", "c"])
    flights.finish("b", led["b"], "answer")

    assert (set(led), set(followed)) == ({"a", "b"}, set())
    assert (set(again_led), set(again_followed)) == ({"c"}, {"b"})
    assert again_followed["b"].wait() == "answer"
    assert set(flights.join(["b"])[0]) == {"b"}


def test_dropped_flights_are_not_joined_and_their_leaders_still_finish_them():
    flights = Flights()
    led, _ = flights.join(["service-1", "service-1-limit-2026", "service-2"])

    flights.drop(["service-1", "service-1-limit-*"])
    fresh, followed = flights.join(["service-1", "service-1-limit-2026", "service-2"])
    flights.finish("service-1", led["service-1"], "old")

    assert set(fresh) == {"service-1", "service-1-limit-2026"}
    assert set(followed) == {"service-2"}
    assert led["service-1"].wait() == "old"
    assert flights.join(["service-1"])[1]["service-1"] is fresh["service-1"]
