"""How long the API call the cache is making now may take: set per kind by the cache, read by
the client, so that a platform-wide call that takes 10 s is not cut off at a per-service
call's timeout, and a per-service call is not given a platform call's patience.

After a page's deadline no API call is made at all (`after_the_deadline`): a read that had
not started by then gives what Redis holds, its value or its last good copy.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

_seconds: ContextVar[float | None] = ContextVar("load_timeout_seconds", default=None)
_past_deadline: ContextVar[bool] = ContextVar("past_page_deadline", default=False)


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


def past_deadline() -> bool:
    """Whether this context reads after its page's deadline: the client then calls no API."""
    return _past_deadline.get()


@contextmanager
def after_the_deadline() -> Iterator[None]:
    """Within the block, an API call fails at once with `TimeoutError` (the cache then serves
    the last good copy): the page's deadline has passed, so nothing may wait for the API."""
    token = _past_deadline.set(True)
    try:
        yield
    finally:
        _past_deadline.reset(token)
