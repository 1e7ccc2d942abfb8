"""Race-free invalidation: after an acknowledged update no reader leaves the old value in Redis."""

import json
import random
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from uuid import uuid4

import pytest
import redis

from dashboard.cache import atomic
from dashboard.cache.connection import client_options
from dashboard.cache.decorators import cached, invalidates
from dashboard.cache.request_cache import CacheInvalidationFailed, RequestCache
from dashboard.settings import Settings
from tests.redis_server import free_port

# A store that skipped the generation check left about 100 of 1,000 values stale here.
RACES = 1_000
TTLS = {"thing": 600, "thing-limit": 600}


class VersionedAPI:
    """A stand-in API: each thing has a version, and a write moves it on."""

    def __init__(self) -> None:
        self.versions: dict[str, int] = {}
        self.lock = threading.Lock()
        self.reading = threading.Event()
        self.hold_reads = threading.Event()
        self.hold_reads.set()

    def read(self, thing_id: str) -> dict:
        with self.lock:
            version = self.versions.get(thing_id, 0)
        self.reading.set()
        self.hold_reads.wait()
        time.sleep(random.random() / 2000)  # a write may slip in before the answer is stored
        return {"thing": thing_id, "version": version}

    def write(self, thing_id: str) -> None:
        with self.lock:
            self.versions[thing_id] = self.versions.get(thing_id, 0) + 1


class Things:
    """A stand-in client with the decorators the Notify clients use."""

    def __init__(self, cache: RequestCache, api: VersionedAPI) -> None:
        self.cache = cache
        self.api = api

    @cached("thing-{thing_id}", kind="thing")
    def get(self, thing_id: str) -> dict:
        return self.api.read(thing_id)

    @cached("thing-{thing_id}-limit-{year}", kind="thing-limit")
    def get_limit(self, thing_id: str, year: int) -> dict:
        return self.api.read(f"{thing_id}-limit")

    @invalidates("thing-{thing_id}", when_changed={"thing-{thing_id}-limit-*": {"limit"}})
    def update(self, thing_id: str, **changes: object) -> None:
        self.api.write(thing_id)
        if "limit" in changes:
            self.api.write(f"{thing_id}-limit")


def stale_values(redis_client: redis.Redis, api: VersionedAPI, keys: dict[str, str]) -> int:
    """Keys whose value in Redis is older than the API's version of it."""
    stale = 0
    for key, versioned in keys.items():
        raw = redis_client.get(key)
        if raw is not None and json.loads(raw)["version"] < api.versions.get(versioned, 0):
            stale += 1
    return stale


@pytest.mark.slow
def test_a_thousand_update_and_read_races_leave_no_stale_value(redis_client):
    """Readers and writers on two caches (two processes) sharing one Redis, interleaved."""
    api = VersionedAPI()
    caches = [RequestCache(redis_client, TTLS, telemetry_enabled=False) for _ in range(2)]
    clients = [Things(cache, api) for cache in caches]
    thing_ids = [str(uuid4()) for _ in range(RACES)]
    chooser = random.Random(7)
    tasks = []
    for thing_id in thing_ids:
        reader, other, writer = (chooser.choice(clients) for _ in range(3))
        race = [
            lambda c=reader, t=thing_id: c.get(t),
            lambda c=writer, t=thing_id: c.update(t),
            lambda c=other, t=thing_id: c.get(t),
        ]
        chooser.shuffle(race)
        tasks.extend(race)

    with ThreadPoolExecutor(max_workers=16) as pool:
        for future in [pool.submit(task) for task in tasks]:
            future.result()

    assert all(api.versions[thing_id] == 1 for thing_id in thing_ids)
    assert stale_values(redis_client, api, {f"thing-{t}": t for t in thing_ids}) == 0


def test_a_reader_that_started_before_an_update_cannot_store_what_it_read(redis_client):
    api = VersionedAPI()
    reader = Things(RequestCache(redis_client, TTLS), api)
    writer = Things(RequestCache(redis_client, TTLS), api)
    thing_id = str(uuid4())
    api.hold_reads.clear()

    read = threading.Thread(target=lambda: reader.get(thing_id))
    read.start()
    api.reading.wait()  # the reader has its answer (version 0) but has not stored it
    writer.update(thing_id)
    api.hold_reads.set()
    read.join()

    assert redis_client.exists(f"thing-{thing_id}") == 0
    assert writer.get(thing_id)["version"] == 1


def test_a_pattern_guards_every_key_it_matches(redis_client):
    api = VersionedAPI()
    reader = Things(RequestCache(redis_client, TTLS), api)
    writer = Things(RequestCache(redis_client, TTLS), api)
    thing_id = str(uuid4())
    redis_client.set(f"thing-{thing_id}-limit-2025", json.dumps({"version": 0}))
    api.hold_reads.clear()

    read = threading.Thread(target=lambda: reader.get_limit(thing_id, 2026))
    read.start()
    api.reading.wait()
    writer.update(thing_id, limit=5)
    api.hold_reads.set()
    read.join()

    assert redis_client.exists(f"thing-{thing_id}-limit-2025", f"thing-{thing_id}-limit-2026") == 0
    assert atomic.generation_key(f"thing-{thing_id}-limit-*") in atomic.generation_keys(
        f"thing-{thing_id}-limit-2026"
    )


def test_an_update_that_does_not_change_a_pattern_leaves_its_keys(redis_client):
    things = Things(RequestCache(redis_client, TTLS), VersionedAPI())
    thing_id = str(uuid4())
    things.get_limit(thing_id, 2026)

    things.update(thing_id, name="only the name")

    assert redis_client.exists(f"thing-{thing_id}-limit-2026") == 1


def test_a_reader_after_an_update_does_not_join_a_load_that_began_before_it(redis_client):
    api = VersionedAPI()
    things = Things(RequestCache(redis_client, TTLS), api)
    thing_id = str(uuid4())
    api.hold_reads.clear()
    early = []

    read = threading.Thread(target=lambda: early.append(things.get(thing_id)))
    read.start()
    api.reading.wait()
    things.update(thing_id)
    threading.Timer(0.2, api.hold_reads.set).start()
    late = things.get(thing_id)
    read.join()

    assert early[0]["version"] == 0
    assert late["version"] == 1


def test_the_update_and_its_last_good_copy_are_both_emptied(redis_client):
    things = Things(RequestCache(redis_client, TTLS), VersionedAPI())
    thing_id = str(uuid4())
    things.get(thing_id)

    things.update(thing_id)

    key = f"thing-{thing_id}"
    assert redis_client.exists(key, atomic.stale_key(key), atomic.lock_key(key)) == 0
    assert redis_client.exists(atomic.generation_key(key)) == 1


def test_when_redis_cannot_empty_the_keys_the_update_is_not_sent():
    down = redis.Redis(port=free_port(), **client_options(Settings()))
    api = VersionedAPI()
    things = Things(RequestCache(down, TTLS), api)

    with pytest.raises(CacheInvalidationFailed, match="not sent"):
        things.update("a-thing")

    assert api.versions == {}


def test_when_redis_fails_after_the_update_the_update_still_counts(redis_client, caplog):
    """The API has the change: the caller is told it worked, and the failure is logged."""

    class FailingAfter(Things):
        @invalidates("thing-{thing_id}")
        def update(self, thing_id: str, **changes: object) -> None:
            self.api.write(thing_id)
            self.cache.client = redis.Redis(port=free_port(), **client_options(Settings()))

    api = VersionedAPI()
    things = FailingAfter(RequestCache(redis_client, TTLS), api)

    things.update("a-thing")

    assert api.versions == {"a-thing": 1}
    assert "did not empty" in caplog.text
