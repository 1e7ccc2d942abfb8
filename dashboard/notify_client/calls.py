"""Run a page's independent client calls at once, keeping each one's answer, error and lookups.

Loaders call the API only through here and the client methods: what each call found in the
cache comes back as `Lookup`s with its answer, so a loader never reaches into the cache.
`InvalidAnswer` is what a client method raises for an answer out of contract.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from dashboard.cache.request_cache import InvalidAnswer, Lookup, recording

__all__ = ["InvalidAnswer", "Lookup", "Outcome", "gather"]
from dashboard.concurrency import run_all


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
) -> dict[str, Outcome]:
    """Every call's outcome by name; a failing call never stops the others, and a call still
    running at the deadline is `TookTooLong` (its answer lands in the cache for next time)."""
    recorded: dict[str, list[Lookup]] = {}

    def recording_lookups(name: str, call: Callable[[], Any]) -> Callable[[], Any]:
        def run() -> Any:
            with recording() as lookups:
                recorded[name] = lookups
                return call()

        return run

    results = run_all(
        {name: recording_lookups(name, call) for name, call in calls.items()},
        max_workers,
        deadline_seconds,
    )
    return {
        name: Outcome(
            result.value, result.error, tuple(recorded.get(name, ())), result.milliseconds
        )
        for name, result in results.items()
    }
