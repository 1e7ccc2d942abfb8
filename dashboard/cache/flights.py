"""Single flight within a process: concurrent misses for one key share one load.

The first reader of a missing key leads a flight; readers that miss the same key meanwhile
follow it and get the leader's answer (or its exception) without a Redis round trip or an API
call of their own. An update drops the flights of the keys it changes, so a reader that starts
after the update never joins a load that began before it.
"""

import fnmatch
import threading
from collections.abc import Iterable
from typing import Any


class Flight:
    """One load in progress; `wait` gives what its leader finished it with."""

    def __init__(self) -> None:
        self._done = threading.Event()
        self._result: Any = None

    def finish(self, result: Any) -> None:
        self._result = result
        self._done.set()

    def wait(self) -> Any:
        self._done.wait()
        return self._result


class Flights:
    """The flights in progress in this process, by key."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._by_key: dict[str, Flight] = {}

    def join(self, keys: Iterable[str]) -> tuple[dict[str, Flight], dict[str, Flight]]:
        """The flights this reader now leads, and those it follows, by key."""
        led, followed = {}, {}
        with self._lock:
            for key in keys:
                flight = self._by_key.get(key)
                if flight is None:
                    flight = led[key] = self._by_key[key] = Flight()
                else:
                    followed[key] = flight
        return led, followed

    def finish(self, key: str, flight: Flight, result: Any) -> None:
        """Hand the result to the followers; the next reader of the key starts afresh."""
        with self._lock:
            if self._by_key.get(key) is flight:
                del self._by_key[key]
        flight.finish(result)

    def drop(self, keys: Iterable[str]) -> None:
        """Forget the flights of these keys (a name ending in `*` is a pattern)."""
        names = list(keys)
        exact = {name for name in names if not name.endswith("*")}
        patterns = [name for name in names if name.endswith("*")]
        with self._lock:
            for key in list(self._by_key):
                if key in exact or any(fnmatch.fnmatchcase(key, p) for p in patterns):
                    del self._by_key[key]
