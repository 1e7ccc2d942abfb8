"""Run a page's independent client calls at once, keeping each one's answer, error and lookups.

Loaders call the API only through here and the client methods: what each call found in the
cache comes back as `Lookup`s with its answer, so a loader never reaches into the cache.
`InvalidAnswer` is what a client method raises for an answer out of contract.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from dashboard.cache.request_cache import (
    CacheRequest,
    InvalidAnswer,
    Lookup,
    RequestCache,
    noting_requests,
    recording,
)
from dashboard.concurrency import TookTooLong, run_all

__all__ = ["InvalidAnswer", "Lookup", "Outcome", "gather"]


@dataclass(frozen=True)
class Outcome:
    """One call's value (or the exception it raised), its lookups and how long it took."""

    value: Any
    error: Exception | None
    lookups: tuple[Lookup, ...]
    milliseconds: float


def gather(
    calls: Mapping[str, Callable[[], Any]],
    max_workers: int = 8,
    deadline_seconds: float | None = None,
    said_seconds: float | None = None,
) -> dict[str, Outcome]:
    """Every call's outcome by name; a failing call never stops the others.

    A call still running at the deadline goes on in the background (its answer lands in the
    cache for next time); meanwhile its last good copy is its outcome, a `stale` lookup, so the
    page shows it marked "as of". With no copy it is `TookTooLong`, which says `said_seconds`
    (the page's whole deadline) rather than what was left of it.
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
            outcomes[name] = _last_good_copy(requested.get(name, []), seconds or 0.0)
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
