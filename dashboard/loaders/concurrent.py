"""Run a page's independent client calls at once, keeping each one's answer, error and lookups."""

import time
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from contextvars import copy_context
from dataclasses import dataclass
from typing import Any

from dashboard.cache.request_cache import Lookup, recording


@dataclass(frozen=True)
class Outcome:
    """One call's value (or the exception it raised), its lookups and how long it took."""

    value: Any
    error: Exception | None
    lookups: tuple[Lookup, ...]
    milliseconds: float


def _run(call: Callable[[], Any]) -> Outcome:
    started = time.perf_counter()
    with recording() as lookups:
        try:
            value, error = call(), None
        except Exception as failure:  # each section of a page reports its own failure
            value, error = None, failure
    return Outcome(value, error, tuple(lookups), (time.perf_counter() - started) * 1000)


def gather(calls: Mapping[str, Callable[[], Any]], max_workers: int = 8) -> dict[str, Outcome]:
    """Every call's outcome by name; a failing call never stops the others."""
    if len(calls) <= 1:
        return {name: _run(call) for name, call in calls.items()}
    with ThreadPoolExecutor(max_workers=min(max_workers, len(calls))) as pool:
        futures = {
            name: pool.submit(copy_context().run, _run, call) for name, call in calls.items()
        }
        return {name: future.result() for name, future in futures.items()}
