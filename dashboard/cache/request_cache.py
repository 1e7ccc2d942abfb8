"""Read-through caching of API responses in Redis that fails open.

A Redis that is down, slow or holding a value that does not decode is a miss: the caller gets
the API's answer, a warning is logged, and the cache tries Redis again a moment later. Every
lookup is counted (see `telemetry`; the counts ride on the next Redis command) and noted for
whoever is `recording()`, so that a page can say where each number came from and how old it is.
"""

import atexit
import contextlib
import json
import logging
import threading
import time
import weakref
from collections import Counter, deque
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from contextvars import ContextVar, copy_context
from dataclasses import dataclass, field
from typing import Any

import redis

from dashboard.cache import telemetry
from dashboard.cache.telemetry import LookupEvent

logger = logging.getLogger(__name__)

OFF = "off"
# Telemetry waits for the next Redis command; while Redis is down the oldest is dropped.
MAX_PENDING_EVENTS = 10_000


@dataclass(frozen=True)
class Lookup:
    """Where one answer came from: `hit` (with its age), `miss`, `corrupt`, `error` or `off`."""

    key: str
    kind: str
    outcome: str
    age_seconds: float | None
    milliseconds: float

    @property
    def from_cache(self) -> bool:
        return self.outcome == "hit"


class InvalidAnswer(ValueError):
    """The API answered, but not in the form the contract describes: never cached."""

    def __init__(self, kind: str, key: str, reason: str) -> None:
        super().__init__(
            f"The API's answer for {key} ({kind}) is not in the expected form: {reason}"
        )
        self.kind = kind
        self.key = key
        self.reason = reason


def _as_is(value: Any) -> Any:
    return value


@dataclass(frozen=True)
class BatchResult:
    """Answers by key, and the exceptions of the loads that failed, by key."""

    values: dict[str, Any] = field(default_factory=dict)
    errors: dict[str, Exception] = field(default_factory=dict)


_recorders: ContextVar[tuple[list[Lookup], ...]] = ContextVar("cache_recorders", default=())


@contextmanager
def recording() -> Iterator[list[Lookup]]:
    """Collect every lookup made inside the block (in this context and those copied from it)."""
    lookups: list[Lookup] = []
    token = _recorders.set((*_recorders.get(), lookups))
    try:
        yield lookups
    finally:
        _recorders.reset(token)


def _load_all(loads: Mapping[str, Callable[[], Any]], max_workers: int) -> dict[str, tuple]:
    """Run the loads, concurrently when there are several; each gives (value, error, ms)."""

    def timed(load: Callable[[], Any]) -> tuple:
        started = time.perf_counter()
        try:
            return load(), None, (time.perf_counter() - started) * 1000
        except Exception as error:  # handed back to the caller with its key
            return None, error, (time.perf_counter() - started) * 1000

    if len(loads) <= 1:
        return {key: timed(load) for key, load in loads.items()}
    with ThreadPoolExecutor(max_workers=min(max_workers, len(loads))) as pool:
        futures = {key: pool.submit(copy_context().run, timed, load) for key, load in loads.items()}
        return {key: future.result() for key, future in futures.items()}


def _validated(
    kind: str, key: str, load: Callable[[], Any], validate: Callable[[Any], Any]
) -> Callable[[], tuple[Any, Any]]:
    """A load that gives the raw answer (what is stored) and its validated value."""

    def run() -> tuple[Any, Any]:
        raw = load()
        try:
            return raw, validate(raw)
        except ValueError as error:
            raise InvalidAnswer(kind, key, str(error).splitlines()[0]) from error

    return run


def _flush_at_exit(cache_ref: weakref.ref) -> None:
    """Send what telemetry is left when the process ends; a Redis already gone loses it."""
    cache = cache_ref()
    if cache is None or not cache._pending or not cache._available():
        return
    with contextlib.suppress(redis.RedisError):
        cache._pipeline_with_pending()[0].execute()


class RequestCache:
    """The cache every client call goes through; with no Redis it simply calls the API."""

    def __init__(
        self,
        client: redis.Redis | None,
        ttls: Mapping[str, int],
        *,
        telemetry_enabled: bool = True,
        retry_after_seconds: float = 2.0,
        max_workers: int = 8,
    ) -> None:
        self.client = client
        self.ttls = dict(ttls)
        self.telemetry_enabled = telemetry_enabled
        self.retry_after_seconds = retry_after_seconds
        self.max_workers = max_workers
        self.process_counts: Counter[tuple[str, str]] = Counter()
        self._unavailable_until = 0.0
        self._lock = threading.Lock()
        self._pending: deque[LookupEvent] = deque(maxlen=MAX_PENDING_EVENTS)
        atexit.register(_flush_at_exit, weakref.ref(self))

    @property
    def enabled(self) -> bool:
        return self.client is not None

    def _available(self) -> bool:
        return self.enabled and time.monotonic() >= self._unavailable_until

    def _failed(self, action: str, error: Exception) -> None:
        logger.warning("Redis %s failed, reading from the API instead: %s", action, error)
        with self._lock:
            self._unavailable_until = time.monotonic() + self.retry_after_seconds

    def ttl(self, kind: str) -> int:
        return self.ttls[kind]

    def fetch(
        self,
        key: str,
        kind: str,
        load: Callable[[], Any],
        validate: Callable[[Any], Any] = _as_is,
    ) -> Any:
        """The cached answer for key, or load()'s, stored for next time; load's errors propagate.

        `validate` turns the answer's JSON into what the caller gets and raises `ValueError` when
        it does not fit: a cached value that does not fit is corrupt, a loaded one is
        `InvalidAnswer` and is not stored.
        """
        result = self.fetch_many(kind, {key: load}, validate)
        if key in result.errors:
            raise result.errors[key]
        return result.values[key]

    def fetch_many(
        self,
        kind: str,
        loads: Mapping[str, Callable[[], Any]],
        validate: Callable[[Any], Any] = _as_is,
    ) -> BatchResult:
        """Many keys of one kind in one Redis round trip; the misses loaded concurrently."""
        started_at = time.time()
        started = time.perf_counter()
        cached = self._read(list(loads))
        read_ms = (time.perf_counter() - started) * 1000 / max(1, len(loads))

        values: dict[str, Any] = {}
        outcomes: dict[str, tuple[str, float | None, int]] = {}
        for key, (raw, pttl) in (cached or {}).items():
            if raw is None:
                continue
            try:
                values[key] = validate(json.loads(raw))
            except (ValueError, UnicodeDecodeError):
                outcomes[key] = ("corrupt", None, len(raw))
                continue
            age = self.ttl(kind) - pttl / 1000 if pttl >= 0 else None
            outcomes[key] = ("hit", max(0.0, age) if age is not None else None, len(raw))
        read_outcome = OFF if not self.enabled else ("miss" if cached is not None else "error")

        misses = {
            key: _validated(kind, key, load, validate)
            for key, load in loads.items()
            if key not in values
        }
        loaded = _load_all(misses, self.max_workers)
        errors = {key: error for key, (_, error, _) in loaded.items() if error is not None}
        stored = {}
        for key, (answer, error, _) in loaded.items():
            if error is None:
                raw, values[key] = answer
                stored[key] = json.dumps(raw)

        lookups, events = [], []
        for key in loads:
            outcome, age, size = outcomes.get(key, (read_outcome, None, 0))
            load_ms = loaded[key][2] if key in loaded else 0.0
            size = size or len(stored.get(key, ""))
            lookup = Lookup(key, kind, outcome, age, read_ms + load_ms)
            lookups.append(lookup)
            if outcome != OFF:
                events.append(
                    LookupEvent(kind, key, outcome, lookup.milliseconds, size, started_at)
                )
        corrupt = [key for key, (outcome, _, _) in outcomes.items() if outcome == "corrupt"]
        self._defer(events)
        if stored or corrupt:
            self._write(kind, stored, corrupt)
        self._note(lookups)
        return BatchResult(
            values={key: values[key] for key in loads if key in values}, errors=errors
        )

    def _defer(self, events: list[LookupEvent]) -> None:
        """Keep events to send with the next Redis command: a hit costs one round trip, not two."""
        if self.telemetry_enabled and self.enabled:
            with self._lock:
                self._pending.extend(events)

    def _pipeline_with_pending(self) -> tuple[redis.client.Pipeline, list[LookupEvent]]:
        """A pipeline that starts with the telemetry waiting to be sent, and those events."""
        pipe = self.client.pipeline(transaction=False)
        with self._lock:
            pending, self._pending = list(self._pending), deque(maxlen=MAX_PENDING_EVENTS)
        telemetry.add_to_pipeline(pipe, pending)
        return pipe, pending

    def _execute(self, pipe: redis.client.Pipeline, pending: list, action: str) -> list | None:
        """Run a pipeline; when Redis fails, its telemetry waits for the next one."""
        try:
            return pipe.execute()
        except redis.RedisError as error:
            with self._lock:
                self._pending.extendleft(reversed(pending))
            self._failed(action, error)
            return None

    def flush_telemetry(self) -> None:
        """Send the waiting telemetry now (before reading the counters, and at exit)."""
        if self._available() and self._pending:
            self._execute(*self._pipeline_with_pending(), "telemetry write")

    def _read(self, keys: list[str]) -> dict[str, tuple[bytes | None, int]] | None:
        """Each key's raw value and remaining TTL in ms; None when Redis cannot be used."""
        if not self._available():
            return None
        pipe, pending = self._pipeline_with_pending()
        skip = len(pipe)
        for key in keys:
            pipe.get(key)
            pipe.pttl(key)
        replies = self._execute(pipe, pending, "read")
        if replies is None:
            return None
        replies = replies[skip:]
        return {key: (replies[2 * i], replies[2 * i + 1]) for i, key in enumerate(keys)}

    def _write(self, kind: str, stored: dict[str, str], corrupt: list[str]) -> None:
        if not self._available():
            return
        pipe, pending = self._pipeline_with_pending()
        for key in corrupt:
            pipe.delete(key)
        for key, value in stored.items():
            pipe.set(key, value, ex=self.ttl(kind))
        self._execute(pipe, pending, "write")

    def _note(self, lookups: list[Lookup]) -> None:
        self.process_counts.update((lookup.kind, lookup.outcome) for lookup in lookups)
        for recorder in _recorders.get():
            recorder.extend(lookups)

    def delete(self, *keys: str) -> None:
        """Forget these keys (a name ending in `*` is a pattern); a Redis error is only logged."""
        if not self.enabled or not keys:
            return
        try:
            exact = [key for key in keys if not key.endswith("*")]
            matched = [
                found
                for pattern in keys
                if pattern.endswith("*")
                for found in self.client.scan_iter(match=pattern, count=1000)
            ]
            if exact or matched:
                self.client.delete(*exact, *matched)
        except redis.RedisError as error:
            self._failed("delete", error)

    def forget_service(self, service_id: str) -> None:
        """Empty every key of one service (the Refresh button and the Cache page)."""
        self.delete(f"service-{service_id}", f"service-{service_id}-*")
