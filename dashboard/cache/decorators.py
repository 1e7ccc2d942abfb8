"""Decorators that put a client method behind the cache, as the Notify admin app does.

The key is a format filled from the method's own argument names (`service-{service_id}`), so
the keys written here are the ones the admin app writes and reads, and vice versa.
"""

import functools
import inspect
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, Protocol, TypeVar, cast

from dashboard.cache import atomic
from dashboard.cache.key_formats import KEY_FORMATS as KEY_FORMATS
from dashboard.cache.key_formats import register_key_format as register_key_format
from dashboard.cache.request_cache import CacheRequest, RequestCache
from dashboard.concurrency import Result


def _as_is(value: Any) -> Any:
    return value


class CachedClient(Protocol):
    cache: RequestCache


KindChooser = Callable[..., str]
F = TypeVar("F", bound=Callable[..., Any])


class BoundCachedMethod:
    """A cached method of one client: call it for one answer, or `.many` for a batch."""

    def __init__(self, cached_method: "CachedMethod", client: CachedClient) -> None:
        self._cached = cached_method
        self._client = client

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self._client.cache.fetch_many([self._request(args, kwargs)])[0].unwrap()

    def many(self, calls: Sequence[Mapping[str, Any]]) -> list[Result[Any]]:
        """One answer per call's keyword arguments, in call order: a value or its exception.

        Every key is read in one Redis round trip, and the misses are loaded concurrently.
        """
        if not calls:
            return []
        return self._client.cache.fetch_many([self._request((), dict(call)) for call in calls])

    def request(self, *args: Any, **kwargs: Any) -> CacheRequest:
        """The cache's request for one call, unmade: its key, kind, load and check (for a job
        that refreshes keys before they expire, `dashboard.warm`)."""
        return self._request(args, kwargs)

    def _request(self, args: tuple[Any, ...], kwargs: dict[str, Any]) -> CacheRequest:
        cached_method, client = self._cached, self._client
        bound = cached_method.signature.bind(client, *args, **kwargs)
        bound.apply_defaults()
        arguments = bound.arguments
        return CacheRequest(
            key=cached_method.key_format.format(**arguments),
            kind=cached_method.choose_kind(arguments),
            load=functools.partial(cached_method.method, client, *args, **kwargs),
            validate=cached_method.validate,
        )


class CachedMethod:
    """A client method whose answers are read through the client's cache (see `cached`)."""

    def __init__(
        self,
        method: Callable[..., Any],
        key_format: str,
        kind: str | KindChooser,
        validate: Callable[[Any], Any],
    ) -> None:
        self.method = method
        self.signature = inspect.signature(method)
        self.key_format = key_format
        self.kind = kind
        self.validate = validate
        functools.update_wrapper(cast(Callable[..., Any], self), method)

    def choose_kind(self, arguments: Mapping[str, Any]) -> str:
        """The kind of one call: fixed, or chosen from its arguments (a closed year, say)."""
        if isinstance(self.kind, str):
            return self.kind
        return self.kind(**{name: value for name, value in arguments.items() if name != "self"})

    def __get__(self, client: CachedClient | None, owner: type | None = None) -> Any:
        if client is None:
            return self
        return BoundCachedMethod(self, client)


def cached(
    key_format: str,
    kind: str | KindChooser,
    validate: Callable[[Any], Any] | None = None,
    kinds: Sequence[str] = (),
) -> Callable[[Callable[..., Any]], CachedMethod]:
    """Answer from Redis when it can, else call the API and keep its JSON for the kind's TTL.

    `kind` may be a function of the method's arguments, so that one method's answers can be
    kept for different times (a closed financial year far longer than the current one); it
    then names the kinds it may choose in `kinds`, the first being the one the census shows.
    `validate` turns the JSON into the method's typed answer (see `RequestCache.fetch`).
    The decorated method also answers many calls at once: `client.method.many(calls)`.
    """
    check = validate if validate is not None else _as_is
    if not isinstance(kind, str) and not kinds:
        raise TypeError("A kind chosen per call must name its possible kinds")
    register_key_format(key_format, kind if isinstance(kind, str) else kinds[0])

    def decorator(method: Callable[..., Any]) -> CachedMethod:
        return CachedMethod(method, key_format, kind, check)

    return decorator


def invalidates(
    *key_formats: str, when_changed: Mapping[str, Iterable[str]] | None = None
) -> Callable[[F], F]:
    """Empty the affected keys before and after a write, so that no old copy survives a race.

    Before the call each key gets a new generation and is deleted; a reader that read the
    generation earlier cannot store what it loaded (see `atomic`). When Redis does not do this
    the write is not sent (`CacheInvalidationFailed`). After the call it is done again.
    `when_changed` maps a key format to attribute names: that key is emptied only when the
    write changes one of them. A format ending in `*` is a pattern.
    """
    conditional = {key: frozenset(names) for key, names in (when_changed or {}).items()}
    for key_format in (*key_formats, *conditional):
        if key_format.endswith("*"):
            atomic.register_pattern(key_format)

    def decorator(method: F) -> F:
        signature = inspect.signature(method)

        @functools.wraps(method)
        def wrapper(client: CachedClient, *args: Any, **kwargs: Any) -> Any:
            bound = signature.bind(client, *args, **kwargs)
            bound.apply_defaults()
            arguments = {**bound.arguments, **bound.kwargs}
            changed = set(bound.kwargs)
            formats = [
                *key_formats,
                *(key for key, names in conditional.items() if names & changed),
            ]
            keys = [key.format(**arguments) for key in formats]
            client.cache.invalidate(keys)
            try:
                return method(client, *args, **kwargs)
            finally:
                client.cache.invalidate(keys, strict=False)

        return cast(F, wrapper)

    return decorator
