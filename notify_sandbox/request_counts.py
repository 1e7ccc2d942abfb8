"""How many requests the sandbox has served, by method and route.

The benchmark and tests read these counts to learn how many API calls a page made, cold and
warm. They are served at /_sandbox/requests, a path the real API does not have.
"""

import re
import threading
from collections import Counter

from werkzeug.routing import Rule

_CONVERTER = re.compile(r"<(?:[^:<>]+:)?([^<>]+)>")


def route_key(method: str, rule: Rule | None) -> str:
    """ "GET /service/<service_id>/statistics": the method and the route, without converters;
    "GET (no route)" for a path the API does not serve."""
    route = _CONVERTER.sub(r"<\1>", rule.rule) if rule is not None else "(no route)"
    return f"{method} {route}"


class RequestCounts:
    """A counter that the server's threads share."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._counts: Counter[str] = Counter()

    def add(self, key: str) -> None:
        """Count one request."""
        with self._lock:
            self._counts[key] += 1

    def snapshot(self) -> dict[str, int]:
        """The counts so far, by route key, in order."""
        with self._lock:
            return dict(sorted(self._counts.items()))

    def reset(self) -> None:
        """Start counting from zero."""
        with self._lock:
            self._counts.clear()
