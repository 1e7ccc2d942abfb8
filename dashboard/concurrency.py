"""Run independent calls at once, keeping each one's value or exception and how long it took.

The cache loads a batch's misses with it, and the loaders a page's sections. Each call runs in
a copy of the caller's context, so what the caller is recording (`cache.recording`) sees the
lookups made in the worker threads too.
"""

import time
from collections.abc import Callable, Hashable, Mapping
from concurrent.futures import ThreadPoolExecutor, wait
from contextvars import copy_context
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

K = TypeVar("K", bound=Hashable)
T = TypeVar("T")


@dataclass(frozen=True)
class Result(Generic[T]):
    """One call's value, or the exception it raised, and its milliseconds."""

    value: T | None = None
    error: Exception | None = None
    milliseconds: float = 0.0

    @property
    def ok(self) -> bool:
        return self.error is None

    def unwrap(self) -> T:
        """The value, or the call's own exception raised again."""
        if self.error is not None:
            raise self.error
        return self.value  # type: ignore[return-value]


def timed_call(call: Callable[[], T]) -> Result[T]:
    """Call it, keeping an exception instead of raising it: one failure never stops the rest."""
    started = time.perf_counter()
    try:
        value = call()
    except Exception as error:  # handed back to the caller with its call's name
        return Result(error=error, milliseconds=(time.perf_counter() - started) * 1000)
    return Result(value=value, milliseconds=(time.perf_counter() - started) * 1000)


def seconds_in_words(seconds: float) -> str:
    """Whole seconds, as a reader says them: "1 second", "5 seconds" (never "4.97673")."""
    whole = round(seconds)
    if whole < 1:
        return "less than a second"
    return "1 second" if whole == 1 else f"{whole:,} seconds"


class TookTooLong(TimeoutError):
    """A call still running when its caller's deadline came: it goes on, and its answer is
    kept by the cache for the next load."""

    def __init__(self, seconds: float) -> None:
        super().__init__(f"still running after {seconds_in_words(seconds)}")
        self.seconds = seconds


def run_all(
    calls: Mapping[K, Callable[[], Any]],
    max_workers: int = 8,
    deadline_seconds: float | None = None,
) -> dict[K, Result[Any]]:
    """Every call's result by name, in the order given; several calls run in threads.

    With a deadline, the calls not done by then give `TookTooLong` and are left to finish
    in the background, so a page shows what it has instead of waiting on its slowest part.
    """
    if len(calls) <= 1 and deadline_seconds is None:
        return {name: timed_call(call) for name, call in calls.items()}
    pool = ThreadPoolExecutor(max_workers=max(1, min(max_workers, len(calls))))
    try:
        futures = {
            name: pool.submit(copy_context().run, timed_call, call) for name, call in calls.items()
        }
        wait(futures.values(), timeout=deadline_seconds)
        return {
            name: future.result()
            if future.done()
            else Result(error=TookTooLong(deadline_seconds or 0.0))
            for name, future in futures.items()
        }
    finally:
        pool.shutdown(wait=False)
