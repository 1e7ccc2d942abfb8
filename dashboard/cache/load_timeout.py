"""How long the API call the cache is making now may take: set per kind by the cache, read by
the client, so that a platform-wide call that takes 10 s is not cut off at a per-service
call's timeout, and a per-service call is not given a platform call's patience.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

_seconds: ContextVar[float | None] = ContextVar("load_timeout_seconds", default=None)


def current() -> float | None:
    """The timeout of the load in progress in this context; None outside the cache's loads."""
    return _seconds.get()


@contextmanager
def limited_to(seconds: float | None) -> Iterator[None]:
    """Within the block, API calls take `seconds` as their timeout (None: the client's own)."""
    token = _seconds.set(seconds)
    try:
        yield
    finally:
        _seconds.reset(token)
