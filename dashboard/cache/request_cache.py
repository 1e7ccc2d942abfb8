"""Read-through caching of API responses in Redis: fails open, loads once, keeps a good copy.

A Redis that is down, slow or holding a value that does not decode is a miss: the caller gets
the API's answer, a warning is logged, and the cache tries Redis again a moment later. A Redis
that refuses writes (full, or a read-only replica) still serves what it holds.

Concurrent misses for one key make one API call: within a process the readers share one load
(`flights`), and across processes the loading reader holds a short Redis lock while the others
wait for the value to land, up to a bounded wait after which they call the API themselves.
When the API fails, the last good copy of the value (kept 30 days) is served, marked stale.

Refresh ahead: a current value read in the last part of its life (its last 20 % by default,
set per kind in `policy`) is served as it is, and one background refresh replaces it, under
the same lock as a miss, so one refresh runs across processes however many read it. A reader
waits for the API only for a key with no current value; a key nobody reads is let expire.
Each kind's API call has its own timeout (`load_timeout`), and a flight's lock outlasts it.
An update (`invalidate`) moves each key's generation, so a reader that raced it cannot store the
old value (see `atomic`).

Every lookup is counted (see `telemetry`; the counts ride on the next Redis command) and noted
for whoever is `recording()`, so that a page can say where each number came from and how old
it is.

A value read from Redis is checked by its schema straight from the bytes (`from_json`), and
the typed value is kept in this process (`memo`) while Redis keeps giving the same bytes: a warm
page reads Redis as before, but does not decode the same big lists on every view.
"""

import atexit
import concurrent.futures
import contextlib
import json
import logging
import threading
import time
import weakref
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any
from uuid import uuid4

import redis
from notifications_python_client.errors import APIError, InvalidResponse

from dashboard.cache import atomic, load_timeout, telemetry
from dashboard.cache.flights import Flights
from dashboard.cache.key_formats import service_keys, with_own_keys
from dashboard.cache.memo import DecodedMemo
from dashboard.cache.telemetry import AHEAD, WARM_UP, LookupEvent, RefreshEvent
from dashboard.concurrency import Result, run_all, timed_call

logger = logging.getLogger(__name__)

OFF = "off"
# Whose load a miss waited for (`Lookup.waited_for`).
FLIGHT, LOCK = "flight", "lock"
# Telemetry waits for the next Redis command; while Redis is down the oldest is dropped.
MAX_PENDING_EVENTS = 10_000
# The loading reader's lock outlives an API call that takes its whole timeout (10 s by default);
# a kind with a longer timeout holds its lock that much longer (`FLIGHT_LOCK_MARGIN_SECONDS`).
FLIGHT_LOCK_SECONDS = 15.0
FLIGHT_LOCK_MARGIN_SECONDS = 5.0
# Background refreshes at once in one process; more wait their turn.
REFRESH_WORKERS = 4

# What `refresh` did: loaded and stored it; not due (fresh, refreshed by another, or no TTL);
# another reader holds its lock; the API failed (the value and its last good copy stay); an
# update moved on while it loaded (not stored); no Redis to refresh in.
REFRESHED, NOT_DUE, HELD_ELSEWHERE, REFRESH_FAILED, MOVED_ON, NO_REDIS = (
    "refreshed",
    "not due",
    "held elsewhere",
    "failed",
    "moved on",
    "no redis",
)
# How long a reader waits for another process's load before it calls the API itself.
FLIGHT_WAIT_SECONDS = 3.0
POLL_FIRST_SECONDS = 0.005
POLL_MAX_SECONDS = 0.1
# Names per UNLINK when one service's keys are emptied.
DELETE_BATCH = 500
# Keys per MGET when a derived answer peeks at what is cached (a day's counts: about 80 KB
# at 2,000 services).
PEEK_BATCH = 8


@dataclass(frozen=True)
class Lookup:
    """Where one answer came from, and when it was read from the API.

    `outcome` is `hit` (from Redis), `miss` (read from the API), `corrupt` (a value in Redis
    that did not decode, deleted), `invalid` (the API's answer was refused), `stale` (the API
    failed: the last good copy, read from the API at `stored_at`), `error` (Redis failed) or
    `off` (no cache). `waited_for` says whose load a miss waited for instead of its own:
    `flight` (another reader's in this process), `lock` (another process's, or the warm-up
    job's), or "" (none: its own load, or no wait).
    """

    key: str
    kind: str
    outcome: str
    age_seconds: float | None
    milliseconds: float
    stored_at: float | None = None
    waited_for: str = ""

    @property
    def from_cache(self) -> bool:
        return self.outcome == "hit"

    @property
    def stale(self) -> bool:
        return self.outcome == "stale"


class InvalidAnswer(ValueError):
    """The API answered, but not in the form the contract describes: never cached."""

    def __init__(self, kind: str, key: str, reason: str) -> None:
        super().__init__(
            f"The API's answer for {key} ({kind}) is not in the expected form: {reason}"
        )
        self.kind = kind
        self.key = key
        self.reason = reason


class CacheInvalidationFailed(RuntimeError):
    """Redis did not empty the keys a write changes, so the write was not sent.

    A cached copy that outlived a change would be served as current; an error is better.
    """


def _as_is(value: Any) -> Any:
    return value


@dataclass(frozen=True)
class CacheRequest:
    """One answer to read through the cache: its key, kind, how to load it and check it."""

    key: str
    kind: str
    load: Callable[[], Any]
    validate: Callable[[Any], Any] = _as_is


def api_failed(error: Exception) -> bool:
    """An API that did not answer usefully: down, slow, a 5xx or 429, not JSON, or refused.

    A 4xx other than 429 is an answer (no such service, a bad request, a refused token): the
    caller must see it, not a copy from before.
    """
    if isinstance(error, InvalidAnswer | InvalidResponse | ConnectionError | TimeoutError):
        return True
    return isinstance(error, APIError) and (error.status_code >= 500 or error.status_code == 429)


@dataclass
class _Key:
    """What one fetch knows about one key, from its read to its answer."""

    request: CacheRequest
    outcome: str
    milliseconds: float
    value: Any = None
    error: Exception | None = None
    resolved: bool = False
    age: float | None = None
    stored_at: float | None = None
    size: int = 0
    raw: str | None = None
    claim: int | None = None
    token: str = ""
    generations: list[str] | None = None
    refresh: bool = False
    waited_for: str = ""

    @property
    def key(self) -> str:
        return self.request.key

    def resolve(self, value: Any = None, error: Exception | None = None) -> None:
        self.value, self.error, self.resolved = value, error, True


@dataclass(frozen=True)
class _Shared:
    """What a flight's leader hands its followers."""

    value: Any
    error: Exception | None
    outcome: str
    age: float | None
    stored_at: float | None
    size: int


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


_in_refresh: ContextVar[bool] = ContextVar("cache_in_refresh", default=False)


def refreshing() -> bool:
    """Whether the load running in this context refreshes a value before it expires (the
    warm-up job's, or ahead of a read): nobody waits for it, so it may take a slower way."""
    return _in_refresh.get()


_request_notes: ContextVar[tuple[list[tuple["RequestCache", CacheRequest]], ...]] = ContextVar(
    "cache_request_notes", default=()
)


@contextmanager
def noting_requests() -> Iterator[list[tuple["RequestCache", CacheRequest]]]:
    """Collect each request made inside the block, as it starts, with the cache it was made
    to: a caller that stops waiting (a page's deadline) can then read its last good copy."""
    notes: list[tuple[RequestCache, CacheRequest]] = []
    token = _request_notes.set((*_request_notes.get(), notes))
    try:
        yield notes
    finally:
        _request_notes.reset(token)


def _flush_at_exit(cache_ref: "weakref.ref[RequestCache]") -> None:
    """Send what telemetry is left when the process ends; a Redis already gone loses it."""
    cache = cache_ref()
    if cache is None or not cache._pending or not cache._available():
        return
    pipe, _, _ = cache._pipeline_with_pending()
    with contextlib.suppress(redis.RedisError):
        pipe.execute(raise_on_error=False)


def _decode(raw: bytes | str) -> str:
    return raw.decode() if isinstance(raw, bytes) else raw


def _json_decoder(validate: Callable[[Any], Any]) -> Callable[[bytes | str], Any]:
    """How to check JSON text with `validate`: a schema's own parser when it has one (see
    `AnswerSchema.from_json`), else `json.loads` and the call."""
    from_json: Callable[[bytes | str], Any] | None = getattr(validate, "from_json", None)
    if from_json is not None:
        return from_json
    return lambda raw: validate(json.loads(raw))


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
        flight_lock_seconds: float = FLIGHT_LOCK_SECONDS,
        flight_wait_seconds: float = FLIGHT_WAIT_SECONDS,
        refresh_ahead: Mapping[str, float] | None = None,
        load_timeouts: Mapping[str, float] | None = None,
        default_load_timeout: float | None = None,
    ) -> None:
        """`refresh_ahead` gives, per kind, the share of a value's life at whose end a read
        refreshes it in the background (none: never ahead); `load_timeouts` each kind's API
        timeout, else `default_load_timeout`, else the client's own."""
        self.client = client
        self.ttls = dict(ttls)
        self.telemetry_enabled = telemetry_enabled
        self.retry_after_seconds = retry_after_seconds
        self.max_workers = max_workers
        self.flight_lock_seconds = flight_lock_seconds
        self.flight_wait_seconds = flight_wait_seconds
        self.refresh_ahead = dict(refresh_ahead or {})
        self.load_timeouts = dict(load_timeouts or {})
        self.default_load_timeout = default_load_timeout
        self.process_counts: Counter[tuple[str, str]] = Counter()
        # Background refreshes by what they did (`refresh`'s answers), and "started".
        self.refresh_counts: Counter[str] = Counter()
        self._refreshing: set[str] = set()
        self._refresher: concurrent.futures.ThreadPoolExecutor | None = None
        self._unavailable_until = 0.0
        self._lock = threading.Lock()
        self._pending: deque[LookupEvent | RefreshEvent] = deque(maxlen=MAX_PENDING_EVENTS)
        self._refusals_logged: set[str] = set()
        self._flights = Flights()
        self._memo = DecodedMemo()
        atexit.register(_flush_at_exit, weakref.ref(self))

    @property
    def enabled(self) -> bool:
        return self.client is not None

    @property
    def _redis(self) -> redis.Redis:
        """The client, where `enabled` (or `_available`) was checked before."""
        if self.client is None:
            raise RuntimeError("The cache is off: no Redis to ask")
        return self.client

    def _available(self) -> bool:
        return self.enabled and time.monotonic() >= self._unavailable_until

    def _failed(self, action: str, error: Exception) -> None:
        logger.warning("Redis %s failed, reading from the API instead: %s", action, error)
        with self._lock:
            self._unavailable_until = time.monotonic() + self.retry_after_seconds

    def _refused(self, action: str, error: Exception) -> None:
        """A write Redis refused (full, read-only): logged once, and Redis stays in use."""
        text = str(error)
        if isinstance(error, redis.exceptions.OutOfMemoryError) or "-OOM " in text:
            reason = "it is full (maxmemory, noeviction)"
        elif isinstance(error, redis.exceptions.ReadOnlyError) or "-READONLY " in text:
            reason = "it is a read-only replica"
        else:
            reason = type(error).__name__
        with self._lock:
            if reason in self._refusals_logged:
                return
            self._refusals_logged.add(reason)
        logger.warning(
            "Redis refused a %s because %s; it still serves what it holds (logged once): %s",
            action,
            reason,
            text,
        )

    def ttl(self, kind: str) -> int:
        return self.ttls[kind]

    def _age(self, kind: str, pttl: int) -> float | None:
        return max(0.0, self.ttl(kind) - pttl / 1000) if pttl >= 0 else None

    def load_timeout(self, kind: str) -> float | None:
        """Seconds an API call for this kind may take; None: the client's own timeout."""
        return self.load_timeouts.get(kind, self.default_load_timeout)

    def lock_seconds(self, kind: str) -> float:
        """How long a flight's lock lasts: beyond the longest its API call may take."""
        timeout = self.load_timeout(kind) or 0.0
        return max(self.flight_lock_seconds, timeout + FLIGHT_LOCK_MARGIN_SECONDS)

    def refresh_point_seconds(self, kind: str) -> float:
        """Seconds before its end from which a read of this kind refreshes it (0: never)."""
        return self.refresh_ahead.get(kind, 0.0) * self.ttl(kind)

    def _due(self, kind: str, pttl: Any) -> bool:
        """A current value in the last part of its life; one with no TTL never is."""
        point = self.refresh_point_seconds(kind)
        return point > 0 and isinstance(pttl, int) and 0 <= pttl <= point * 1000

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
        return self.fetch_many([CacheRequest(key, kind, load, validate)])[0].unwrap()

    def fetch_many(self, requests: Sequence[CacheRequest]) -> list[Result[Any]]:
        """Each request's answer or exception, in order: one Redis round trip for them all.

        The misses are loaded concurrently, each at most once across readers (single flight).
        """
        unique: dict[str, CacheRequest] = {}
        for request in requests:
            unique.setdefault(request.key, request)
        for notes in _request_notes.get():
            notes.extend((self, request) for request in unique.values())
        started_at = time.time()
        started = time.perf_counter()
        cached = self._read(list(unique))
        read_ms = (time.perf_counter() - started) * 1000 / max(1, len(unique))
        states = {
            key: self._from_read(request, cached, started_at, read_ms)
            for key, request in unique.items()
        }
        missed = [state for state in states.values() if not state.resolved]
        if missed:
            self._settle_misses(missed)
        self._record(list(states.values()), started_at)
        self._refresh_in_background([state.request for state in states.values() if state.refresh])
        answers = {
            key: Result(state.value, state.error, state.milliseconds)
            for key, state in states.items()
        }
        return [answers[request.key] for request in requests]

    def peek(self, requests: Sequence[CacheRequest]) -> list[Any] | None:
        """The values Redis holds for these requests, checked by their validators, or None
        when any is missing or does not fit, or Redis cannot say. Nothing is loaded, counted
        or kept in this process: a derived answer asks whether it can be made from what is
        cached without an API call. Read `PEEK_BATCH` keys a command, so that no reply
        outlasts the socket timeout."""
        if not self._available():
            return None
        values = []
        for first in range(0, len(requests), PEEK_BATCH):
            batch = requests[first : first + PEEK_BATCH]
            try:
                raws = self._redis.mget([request.key for request in batch])
            except redis.RedisError as error:
                self._failed("read", error)
                return None
            for request, raw in zip(batch, raws, strict=True):
                if raw is None:
                    return None
                try:
                    values.append(_json_decoder(request.validate)(raw))
                except ValueError:
                    return None
        return values

    def last_good(self, request: CacheRequest) -> tuple[Any, Lookup] | None:
        """The last good copy of a request's answer and a `stale` lookup for it, read now and
        nothing else: for a caller whose deadline passed while the API had not answered.
        None when there is none, it does not fit, or Redis cannot say."""
        if not self._available():
            return None
        started = time.perf_counter()
        try:
            raw, stored = self._redis.hmget(atomic.stale_key(request.key), "value", "stored_at")
        except redis.RedisError as error:
            self._failed("last good copy read", error)
            return None
        if raw is None or stored is None:
            return None
        try:
            value, stored_at = self._decoded(request, raw), float(stored)
        except (TypeError, ValueError):
            return None
        lookup = Lookup(
            request.key,
            request.kind,
            "stale",
            max(0.0, time.time() - stored_at),
            (time.perf_counter() - started) * 1000,
            stored_at,
        )
        self._note([lookup])
        return value, lookup

    def _from_read(
        self,
        request: CacheRequest,
        cached: dict[str, tuple[Any, Any]] | None,
        started_at: float,
        read_ms: float,
    ) -> _Key:
        """A hit, or what kind of miss: nothing there, a value that does not fit, no Redis."""
        if not self.enabled:
            return _Key(request, OFF, read_ms)
        if cached is None:
            return _Key(request, "error", read_ms)
        state = _Key(request, "miss", read_ms)
        raw, pttl = cached[request.key]
        if raw is None:
            return state
        state.size = len(raw) if isinstance(raw, bytes) else 0
        try:
            if isinstance(raw, Exception):  # a key of another type (WRONGTYPE)
                raise ValueError(str(raw))
            value = self._decoded(request, raw)
        except ValueError:
            state.outcome = "corrupt"
            return state
        state.outcome = "hit"
        state.refresh = self._due(request.kind, pttl)
        state.age = self._age(request.kind, pttl)
        state.stored_at = started_at - state.age if state.age is not None else None
        state.resolve(value)
        return state

    def _settle_misses(self, missed: list[_Key]) -> None:
        """Lead the flights of keys nobody in this process is loading; follow the others."""
        states = {state.key: state for state in missed}
        led, followed = self._flights.join(states)
        try:
            if led:
                self._lead([states[key] for key in led])
        finally:
            for key, flight in led.items():
                state = states[key]
                if not state.resolved:
                    state.resolve(error=RuntimeError(f"The load of {key} did not finish"))
                self._flights.finish(
                    key,
                    flight,
                    _Shared(
                        state.value,
                        state.error,
                        state.outcome,
                        state.age,
                        state.stored_at,
                        state.size,
                    ),
                )
        for key, flight in followed.items():
            state = states[key]
            started = time.perf_counter()
            shared: _Shared = flight.wait()
            state.milliseconds += (time.perf_counter() - started) * 1000
            state.waited_for = FLIGHT
            state.resolve(shared.value, shared.error)
            state.age, state.stored_at, state.size = shared.age, shared.stored_at, shared.size
            if shared.outcome in ("stale", "invalid"):
                state.outcome = shared.outcome

    def _lead(self, states: list[_Key]) -> None:
        """Claim each key's lock and load what this reader holds; then wait for the keys
        another process is loading, and load those whose value did not land."""
        if self._available():
            self._claim(states, delete_corrupt=True)
        self._load_and_store([s for s in states if not s.resolved and s.claim != atomic.HELD])
        waiting = [state for state in states if state.claim == atomic.HELD]
        if waiting:
            self._await(waiting)
            self._load_and_store([state for state in waiting if not state.resolved])

    def _load_and_store(self, states: list[_Key]) -> None:
        if not states:
            return
        results = run_all(
            {state.key: self._validated_load(state) for state in states}, self.max_workers
        )
        for state in states:
            result = results[state.key]
            state.milliseconds += result.milliseconds
            if result.error is None:
                state.raw, value = result.unwrap()
                state.size = len(state.raw)
                state.stored_at = time.time()
                state.resolve(value)
            else:
                state.resolve(error=result.error)
                if isinstance(result.error, InvalidAnswer):
                    state.outcome = "invalid"
        self._store(states)

    def _validated_load(self, state: _Key) -> Callable[[], tuple[str, Any]]:
        """A load that gives the answer's JSON text (what is stored) and its validated value."""
        request = state.request

        def run() -> tuple[str, Any]:
            with load_timeout.limited_to(self.load_timeout(request.kind)):
                raw = request.load()
            try:
                value = request.validate(raw)
            except ValueError as error:
                reason = str(error).splitlines()[0]
                raise InvalidAnswer(request.kind, request.key, reason) from error
            text = json.dumps(raw)
            self._memo.remember(request.key, text, request.validate, value)
            return text, value

        return run

    def refresh(self, request: CacheRequest, due_within_seconds: float, by: str = WARM_UP) -> str:
        """Load and store the value now if it is missing or expires within the given time,
        unless another reader holds its lock: the warm-up job's step, and a refresh ahead's
        (`by`, as the telemetry counts it; a refresh that was not due is not counted).

        A failed load leaves the current value and its last good copy as they are. Answers
        what it did (`REFRESHED`, `NOT_DUE`, ...); never raises.
        """
        done = self._refresh(request, due_within_seconds)
        if done not in (NOT_DUE, NO_REDIS) and self.telemetry_enabled:
            with self._lock:
                self._pending.append(RefreshEvent(request.kind, by, done, time.time()))
        return done

    def _refresh(self, request: CacheRequest, due_within_seconds: float) -> str:
        if not self._available():
            return NO_REDIS
        state = _Key(request, "refresh", 0.0, token=uuid4().hex)
        generations = atomic.generation_keys(request.key)
        try:
            reply = self._redis.eval(
                atomic.CLAIM_REFRESH,
                2 + len(generations),
                request.key,
                atomic.lock_key(request.key),
                *generations,
                state.token,
                int(self.lock_seconds(request.kind) * 1000),
                int(due_within_seconds * 1000),
            )
        except redis.RedisError as error:
            self._failed("refresh", error)
            return NO_REDIS
        if reply[0] != atomic.REFRESH_LOCKED:
            return NOT_DUE if reply[0] == atomic.NOT_DUE else HELD_ELSEWHERE
        state.generations = [_decode(generation) for generation in reply[1:]]
        token = _in_refresh.set(True)
        try:
            result = timed_call(self._validated_load(state))
        finally:
            _in_refresh.reset(token)
        if result.error is not None:
            logger.warning("Refreshing %s failed; its value stays: %s", request.key, result.error)
            with contextlib.suppress(redis.RedisError):
                self._redis.eval(atomic.RELEASE, 1, atomic.lock_key(request.key), state.token)
            return REFRESH_FAILED
        state.raw, value = result.unwrap()
        state.stored_at = time.time()
        state.resolve(value)
        pipe = self._redis.pipeline(transaction=False)
        self._queue_store(pipe, state)
        replies = self._execute(pipe, [], 0, "refresh write")
        if replies is None or isinstance(replies[0], Exception):
            if replies is not None:
                self._refused("value write", replies[0])
            return NO_REDIS
        return REFRESHED if replies[0] == 1 else MOVED_ON

    def due(self, requests: Sequence[CacheRequest], due_within_seconds: float) -> list[bool]:
        """Per request, whether `refresh` could find it due: missing, or expiring within the
        given time (a key with no TTL never is). One round trip for them all, so that a job
        that covers hundreds of keys asks `refresh` (a script each) only of those; True for
        every one when Redis cannot say (`refresh` then says why)."""
        if not requests or not self._available():
            return [True] * len(requests)
        pipe = self._redis.pipeline(transaction=False)
        for request in requests:
            pipe.pttl(request.key)
        try:
            remaining = pipe.execute()
        except redis.RedisError as error:
            self._failed("read", error)
            return [True] * len(requests)
        within = due_within_seconds * 1000
        return [pttl == -2 or 0 <= pttl <= within for pttl in remaining]

    def _refresh_in_background(self, requests: list[CacheRequest]) -> None:
        """One background refresh per key at a time in this process (and, by its lock, across
        processes); the reader that asked has its answer already."""
        for request in requests:
            with self._lock:
                if request.key in self._refreshing:
                    continue
                self._refreshing.add(request.key)
                if self._refresher is None:
                    self._refresher = concurrent.futures.ThreadPoolExecutor(
                        REFRESH_WORKERS, thread_name_prefix="cache-refresh"
                    )
                self.refresh_counts["started"] += 1
                self._refresher.submit(self._refresh_one, request)

    def _refresh_one(self, request: CacheRequest) -> None:
        try:
            done = self.refresh(request, self.refresh_point_seconds(request.kind), by=AHEAD)
        except Exception:  # a refresh must never take its worker down
            logger.exception("Refreshing %s failed", request.key)
            done = REFRESH_FAILED
        with self._lock:
            self._refreshing.discard(request.key)
            self.refresh_counts[done] += 1

    def wait_for_refreshes(self, timeout: float = 30.0) -> None:
        """Until no background refresh is running (tests, the benchmark, a process ending)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._lock:
                if not self._refreshing:
                    return
            time.sleep(0.01)

    def _decoded(self, request: CacheRequest, raw: bytes | str) -> Any:
        """A value from Redis checked by its request's validator (ValueError when it does not
        fit), decoded only when these are not the bytes this process decoded last time."""
        return self._memo.decode(
            request.key, raw, request.validate, _json_decoder(request.validate)
        )

    def _claim(self, states: list[_Key], delete_corrupt: bool = False) -> None:
        """Ask Redis, per key, for the value if it landed meanwhile, else for the lock."""
        started = time.perf_counter()
        pipe = self._redis.pipeline(transaction=False)
        corrupt = [state.key for state in states if state.outcome == "corrupt"]
        if delete_corrupt and corrupt:
            pipe.delete(*corrupt)
        skip = len(pipe)
        for state in states:
            lock_ms = int(self.lock_seconds(state.request.kind) * 1000)
            state.token = uuid4().hex
            generations = atomic.generation_keys(state.key)
            pipe.eval(
                atomic.CLAIM,
                2 + len(generations),
                state.key,
                atomic.lock_key(state.key),
                *generations,
                state.token,
                lock_ms,
            )
        replies = self._execute(pipe, [], 0, "claim")
        share = (time.perf_counter() - started) * 1000 / len(states)
        for index, state in enumerate(states):
            state.milliseconds += share
            reply = replies[skip + index] if replies is not None else None
            self._apply_claim(state, reply)

    def _apply_claim(self, state: _Key, reply: Any) -> None:
        if reply is None or isinstance(reply, Exception):
            if isinstance(reply, Exception):
                self._refused("single-flight lock", reply)
            state.claim, state.token, state.generations = None, "", None
            return
        state.claim = reply[0]
        if state.claim == atomic.LANDED:
            state.token = ""
            try:
                value = self._decoded(state.request, reply[1])
            except ValueError:
                state.outcome, state.claim, state.generations = "corrupt", None, None
                return
            state.age = self._age(state.request.kind, reply[2])
            state.stored_at = time.time() - state.age if state.age is not None else None
            state.size = len(reply[1])
            state.resolve(value)
            return
        state.generations = [_decode(generation) for generation in reply[3:]]
        if state.claim == atomic.HELD:
            state.token = ""

    def wait_seconds(self, kind: str) -> float:
        """How long a reader waits for another process's load of this kind before calling the
        API itself: `flight_wait_seconds`, or a slow kind's whole timeout, since its call
        takes longer than that (the services list 5 s at the platform's size)."""
        return max(self.flight_wait_seconds, self.load_timeouts.get(kind, 0.0))

    def _await(self, waiting: list[_Key]) -> None:
        """Poll for values another process is loading; take the lock if its holder lets go.

        After its wait (`wait_seconds`) a key still locked is loaded here too, so a holder
        that died costs a page that wait and no more.
        """
        started = time.perf_counter()
        now = time.monotonic()
        deadlines = {state.key: now + self.wait_seconds(state.request.kind) for state in waiting}
        delay = POLL_FIRST_SECONDS
        polled = list(waiting)
        while polled:
            now = time.monotonic()
            polled = [state for state in polled if deadlines[state.key] > now]
            if not polled:
                break
            remaining = min(deadlines[state.key] for state in polled) - now
            time.sleep(min(delay, remaining))
            delay = min(delay * 2, POLL_MAX_SECONDS)
            self._claim(polled)
            polled = [state for state in polled if state.claim == atomic.HELD]
            if not self._available():
                break
        waited = (time.perf_counter() - started) * 1000
        for state in waiting:
            state.waited_for = LOCK
            if state.claim == atomic.HELD:
                state.milliseconds += waited

    def _store(self, states: list[_Key]) -> None:
        """Store what loaded (unless an update moved on), free locks, read copies for failures."""
        if not self._available():
            return
        actions = []
        for state in states:
            if state.error is None and state.generations is not None:
                actions.append(("store", state))
            elif state.error is not None and state.token:
                actions.append(("release", state))
            if state.error is not None and api_failed(state.error):
                actions.append(("stale", state))
        if not actions:
            return
        started = time.perf_counter()
        pipe, pending, skip = self._pipeline_with_pending()
        for action, state in actions:
            if action == "store":
                self._queue_store(pipe, state)
            elif action == "release":
                pipe.eval(atomic.RELEASE, 1, atomic.lock_key(state.key), state.token)
            else:
                pipe.hmget(atomic.stale_key(state.key), "value", "stored_at")
        replies = self._execute(pipe, pending, skip, "write")
        if replies is None:
            return
        corrupt_copies = []
        for (action, state), reply in zip(actions, replies, strict=True):
            if action == "stale":
                if not self._serve_stale(state, reply):
                    corrupt_copies.append(atomic.stale_key(state.key))
            elif isinstance(reply, Exception):
                self._refused("value write" if action == "store" else "lock release", reply)
        if corrupt_copies:
            with contextlib.suppress(redis.RedisError):
                self._redis.delete(*corrupt_copies)
        share = (time.perf_counter() - started) * 1000 / len(states)
        for state in states:
            state.milliseconds += share

    def _queue_store(self, pipe: redis.client.Pipeline, state: _Key) -> None:
        # Only a value loaded after its generations were read is stored (see `_store`).
        assert state.raw is not None and state.generations is not None
        generations = atomic.generation_keys(state.key)
        pipe.eval(
            atomic.STORE,
            3 + len(generations),
            state.key,
            atomic.stale_key(state.key),
            atomic.lock_key(state.key),
            *generations,
            state.raw,
            self.ttl(state.request.kind),
            atomic.STALE_TTL_SECONDS,
            f"{state.stored_at:.3f}",
            state.token,
            *state.generations,
        )

    def _serve_stale(self, state: _Key, reply: Any) -> bool:
        """Answer with the last good copy, if there is one; False when it does not fit."""
        if not isinstance(reply, Exception) and reply[0] is None:
            return True
        try:
            if isinstance(reply, Exception):
                raise ValueError(str(reply))
            value = self._decoded(state.request, reply[0])
            stored_at = float(reply[1])
        except (TypeError, ValueError):
            state.outcome = "corrupt"
            return False
        state.outcome = "stale"
        state.stored_at = stored_at
        state.age = max(0.0, time.time() - stored_at)
        state.size = len(reply[0])
        state.resolve(value)
        return True

    def _record(self, states: list[_Key], started_at: float) -> None:
        lookups, events = [], []
        for state in states:
            request = state.request
            lookup = Lookup(
                request.key,
                request.kind,
                state.outcome,
                state.age,
                state.milliseconds,
                state.stored_at,
                state.waited_for,
            )
            lookups.append(lookup)
            if state.outcome != OFF:
                events.append(
                    LookupEvent(
                        request.kind,
                        request.key,
                        state.outcome,
                        state.milliseconds,
                        state.size,
                        started_at,
                    )
                )
        self._defer(events)
        self._note(lookups)

    def _defer(self, events: list[LookupEvent]) -> None:
        """Keep events to send with the next Redis command: a hit costs one round trip, not two."""
        if self.telemetry_enabled and self.enabled:
            with self._lock:
                self._pending.extend(events)

    def _pipeline_with_pending(
        self,
    ) -> tuple[redis.client.Pipeline, list[LookupEvent | RefreshEvent], int]:
        """A pipeline that starts with the telemetry waiting to be sent, those events, and how
        many commands they take."""
        pipe = self._redis.pipeline(transaction=False)
        with self._lock:
            pending, self._pending = list(self._pending), deque(maxlen=MAX_PENDING_EVENTS)
        telemetry.add_to_pipeline(pipe, pending)
        return pipe, pending, len(pipe)

    def _execute(
        self,
        pipe: redis.client.Pipeline,
        pending: list[LookupEvent | RefreshEvent],
        skip: int,
        action: str,
    ) -> list[Any] | None:
        """The replies to a pipeline's commands after its `skip` telemetry commands; None when
        Redis failed (the telemetry then waits for the next pipeline).

        A command Redis refuses (full, read-only) comes back as its error in the replies, so
        that refused writes never cost the reads beside them; refused telemetry is dropped.
        """
        try:
            replies = pipe.execute(raise_on_error=False)
        except redis.RedisError as error:
            with self._lock:
                self._pending.extendleft(reversed(pending))
            self._failed(action, error)
            return None
        refused = [reply for reply in replies[:skip] if isinstance(reply, Exception)]
        if refused:
            self._refused("telemetry write", refused[0])
        return replies[skip:]

    def flush_telemetry(self) -> None:
        """Send the waiting telemetry now (before reading the counters, and at exit)."""
        if self._available() and self._pending:
            self._execute(*self._pipeline_with_pending(), "telemetry write")

    def _read(self, keys: list[str]) -> dict[str, tuple[Any, Any]] | None:
        """Each key's raw value (or the error Redis gave for it) and remaining TTL in ms; None
        when Redis cannot be used."""
        if not self._available():
            return None
        pipe, pending, skip = self._pipeline_with_pending()
        for key in keys:
            pipe.get(key)
            pipe.pttl(key)
        replies = self._execute(pipe, pending, skip, "read")
        if replies is None:
            return None
        return {key: (replies[2 * i], replies[2 * i + 1]) for i, key in enumerate(keys)}

    def _note(self, lookups: list[Lookup]) -> None:
        self.process_counts.update((lookup.kind, lookup.outcome) for lookup in lookups)
        for recorder in _recorders.get():
            recorder.extend(lookups)

    def invalidate(self, keys: Sequence[str], *, strict: bool = True) -> None:
        """Before and after a write: new generations for these keys, and the keys, their last
        good copies and their locks deleted (a name ending in `*` is a pattern).

        With `strict`, a Redis that does not do it raises `CacheInvalidationFailed` (the write
        must not go ahead); otherwise it is logged.
        """
        self._flights.drop(keys)
        if not self.enabled or not keys:
            return
        exact = [key for key in keys if not key.endswith("*")]
        patterns = [key for key in keys if key.endswith("*")]
        try:
            pipe = self._redis.pipeline(transaction=True)
            for key in keys:
                pipe.set(atomic.generation_key(key), uuid4().hex, ex=atomic.GENERATION_TTL_SECONDS)
            for key in exact:
                pipe.delete(key, atomic.stale_key(key), atomic.lock_key(key))
            pipe.execute()
            matched = [
                found
                for pattern in patterns
                for prefix in ("", atomic.STALE_PREFIX)
                for found in self._redis.scan_iter(match=prefix + pattern, count=1000)
            ]
            if matched:
                self._redis.delete(*matched)
        except redis.RedisError as error:
            if strict:
                raise CacheInvalidationFailed(
                    f"Redis did not empty the cache of {', '.join(keys)} ({error}); "
                    "the change was not sent."
                ) from error
            logger.error("Redis did not empty %s after a write: %s", ", ".join(keys), error)

    def forget_service(
        self,
        service_id: str,
        *,
        values: Mapping[str, Iterable[object]],
        keep_last_good: bool = False,
    ) -> None:
        """Empty every key of one service and its locks, by name; a Redis error is only logged.

        The names come from the key formats and `values` (what each other placeholder can
        take: the days of a window, the years): never a SCAN, so the time does not grow with
        the other keys in Redis. Refresh keeps the last good copies (`keep_last_good`): a reader
        who presses it while the API is down must still see the numbers from before. The Cache
        page's "empty" removes them too. Generations stay: they guard updates.
        """
        if not self.enabled:
            return
        names = with_own_keys(service_keys(service_id, values), last_good=not keep_last_good)
        try:
            pipe = self._redis.pipeline(transaction=False)
            for start in range(0, len(names), DELETE_BATCH):
                pipe.unlink(*names[start : start + DELETE_BATCH])
            pipe.execute()
        except redis.RedisError as error:
            self._failed("delete", error)
