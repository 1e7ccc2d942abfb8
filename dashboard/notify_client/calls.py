"""Run a page's independent client calls at once, keeping each one's answer, error and lookups.

Loaders call the API only through here and the client methods: what each call found in the
cache comes back as `Lookup`s with its answer, so a loader never reaches into the cache.
`InvalidAnswer` is what a client method raises for an answer out of contract.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from dashboard.cache.load_timeout import after_the_deadline
from dashboard.cache.request_cache import (
    CacheRequest,
    InvalidAnswer,
    Lookup,
    RequestCache,
    noting_requests,
    recording,
)
from dashboard.concurrency import TookTooLong, run_all

__all__ = ["Assembled", "InvalidAnswer", "Lookup", "Outcome", "gather"]


@dataclass(frozen=True)
class Outcome:
    """One call's value (or the exception it raised), its lookups and how long it took."""

    value: Any
    error: Exception | None
    lookups: tuple[Lookup, ...]
    milliseconds: float


@dataclass(frozen=True)
class Assembled:
    """A call that reads several cached answers and gives back something made of them (a
    service's days, each day's counts a key of its own). Late, its last good copy is made by
    `assemble` from the last good copy of each answer it asked for, by key; `assemble` raises
    `KeyError` when one it needs has none. The first answer's copy alone is the wrong value."""

    call: Callable[[], Any]
    assemble: Callable[[Mapping[str, Any]], Any]

    def __call__(self) -> Any:
        return self.call()


def gather(
    calls: Mapping[str, Callable[[], Any]],
    max_workers: int = 8,
    deadline_seconds: float | None = None,
    said_seconds: float | None = None,
) -> dict[str, Outcome]:
    """Every call's outcome by name; a failing call never stops the others.

    A call still running at the deadline goes on in the background (its answer lands in the
    cache for next time); meanwhile its last good copy is its outcome, a `stale` lookup, so the
    page shows it marked "as of". A call still queued then (more calls than workers) has asked
    for nothing yet: it is made again at once with no API call allowed, so that it gives what
    Redis holds, its value or its last good copy. With neither it is `TookTooLong`, which says
    `said_seconds` (the page's whole deadline) rather than what was left of it.
    """
    recorded: dict[str, list[Lookup]] = {}
    requested: dict[str, list[tuple[RequestCache, CacheRequest]]] = {}

    def recording_lookups(name: str, call: Callable[[], Any]) -> Callable[[], Any]:
        def run() -> Any:
            with recording() as lookups, noting_requests() as notes:
                recorded[name], requested[name] = lookups, notes
                return call()

        return run

    results = run_all(
        {name: recording_lookups(name, call) for name, call in calls.items()},
        max_workers,
        deadline_seconds,
    )
    outcomes = {}
    for name, result in results.items():
        if isinstance(result.error, TookTooLong):
            seconds = deadline_seconds if said_seconds is None else said_seconds
            notes, call = requested.get(name), calls[name]
            if notes is None:  # still queued: it never started
                outcomes[name] = _from_redis_only(call, seconds or 0.0)
            elif isinstance(call, Assembled):
                outcomes[name] = _assembled_copy(notes, call.assemble, seconds or 0.0)
            else:
                outcomes[name] = _last_good_copy(notes, seconds or 0.0)
        else:
            outcomes[name] = Outcome(
                result.value, result.error, tuple(recorded.get(name, ())), result.milliseconds
            )
    return outcomes


def _last_good_copy(notes: list[tuple[RequestCache, CacheRequest]], seconds: float) -> Outcome:
    """A late call's outcome: the last good copy of the first answer it asked for (a call is a
    client method; one that reads others first asks for its own answer first), else
    `TookTooLong`."""
    if notes:
        cache, request = notes[0]
        copy = cache.last_good(request)
        if copy is not None:
            value, lookup = copy
            return Outcome(value, None, (lookup,), lookup.milliseconds)
    return Outcome(None, TookTooLong(seconds), (), 0.0)


def _assembled_copy(
    notes: list[tuple[RequestCache, CacheRequest]],
    assemble: Callable[[Mapping[str, Any]], Any],
    seconds: float,
) -> Outcome:
    """A late `Assembled` call's outcome: made from the last good copies of the answers it
    asked for, else `TookTooLong`."""
    copies: dict[str, Any] = {}
    lookups: list[Lookup] = []
    for cache, request in notes:
        if request.key in copies:
            continue
        copy = cache.last_good(request)
        if copy is not None:
            copies[request.key], lookup = copy
            lookups.append(lookup)
    try:
        value = assemble(copies)
    except KeyError:
        return Outcome(None, TookTooLong(seconds), (), 0.0)
    return Outcome(value, None, tuple(lookups), sum(lookup.milliseconds for lookup in lookups))


def _from_redis_only(call: Callable[[], Any], seconds: float) -> Outcome:
    """A call that had not started by the deadline, made now without the API: what Redis holds
    (a value, or a last good copy marked stale), else `TookTooLong`."""
    with recording() as lookups, after_the_deadline():
        try:
            value = call()
        except TimeoutError:  # no copy of something it needed: the deadline is the reason
            return Outcome(None, TookTooLong(seconds), tuple(lookups), 0.0)
        except Exception as error:  # noqa: BLE001 - a call's own failure is its outcome
            return Outcome(None, error, tuple(lookups), 0.0)
    return Outcome(value, None, tuple(lookups), sum(lookup.milliseconds for lookup in lookups))
