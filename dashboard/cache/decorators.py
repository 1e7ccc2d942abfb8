"""Decorators that put a client method behind the cache, as the Notify admin app does.

The key is a format filled from the method's own argument names (`service-{service_id}`), so
the keys written here are the ones the admin app writes and reads, and vice versa.
"""

import functools
import inspect
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, Protocol

from dashboard.cache.request_cache import BatchResult, RequestCache

# Every key format a cached method uses, with its kind: the Cache page sorts keys by it.
KEY_FORMATS: dict[str, str] = {}


def register_key_format(key_format: str, kind: str) -> None:
    """Tell the key census which kind a key format holds (cached methods do this themselves)."""
    KEY_FORMATS[key_format] = kind


def _as_is(value: Any) -> Any:
    return value


class CachedClient(Protocol):
    cache: RequestCache


KindChooser = Callable[..., str]


def _bound_arguments(
    method: Callable, client: CachedClient, args: tuple, kwargs: dict
) -> dict[str, Any]:
    bound = inspect.signature(method).bind(client, *args, **kwargs)
    bound.apply_defaults()
    return dict(bound.arguments)


def _key_builder(method: Callable, key_format: str) -> Callable[..., str]:
    def build(client: CachedClient, *args: Any, **kwargs: Any) -> str:
        return key_format.format(**_bound_arguments(method, client, args, kwargs))

    return build


def _kind_chooser(method: Callable, kind: str | KindChooser) -> Callable[..., str]:
    """The kind of one call: fixed, or chosen from the call's arguments (a closed year, say)."""

    def choose(client: CachedClient, *args: Any, **kwargs: Any) -> str:
        if isinstance(kind, str):
            return kind
        arguments = _bound_arguments(method, client, args, kwargs)
        arguments.pop("self", None)
        return kind(**arguments)

    return choose


def cached(
    key_format: str,
    kind: str | KindChooser,
    validate: Callable[[Any], Any] | None = None,
    kinds: Sequence[str] = (),
) -> Callable:
    """Answer from Redis when it can, else call the API and keep its JSON for the kind's TTL.

    `kind` may be a function of the method's arguments, so that one method's answers can be
    kept for different times (a closed financial year far longer than the current one); it
    then names the kinds it may choose in `kinds`, the first being the one the census shows.
    `validate` turns the JSON into the method's typed answer (see `RequestCache.fetch`).
    """
    check = validate if validate is not None else _as_is
    if not isinstance(kind, str) and not kinds:
        raise TypeError("A kind chosen per call must name its possible kinds")
    register_key_format(key_format, kind if isinstance(kind, str) else kinds[0])

    def decorator(method: Callable) -> Callable:
        build_key = _key_builder(method, key_format)
        choose_kind = _kind_chooser(method, kind)

        @functools.wraps(method)
        def wrapper(client: CachedClient, *args: Any, **kwargs: Any) -> Any:
            key = build_key(client, *args, **kwargs)
            return client.cache.fetch(
                key,
                choose_kind(client, *args, **kwargs),
                lambda: method(client, *args, **kwargs),
                check,
            )

        wrapper.cache_kind = choose_kind
        wrapper.cache_validate = check
        wrapper.cache_key = build_key
        return wrapper

    return decorator


def invalidates(
    *key_formats: str, when_changed: Mapping[str, Iterable[str]] | None = None
) -> Callable:
    """Delete the affected keys before and after a write, so no stale copy survives a race.

    `when_changed` maps a key format to attribute names: that key is deleted only when the
    write changes one of them. A format ending in `*` is a pattern.
    """
    conditional = {key: frozenset(names) for key, names in (when_changed or {}).items()}

    def decorator(method: Callable) -> Callable:
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
            client.cache.delete(*keys)
            try:
                return method(client, *args, **kwargs)
            finally:
                client.cache.delete(*keys)

        return wrapper

    return decorator


def call_many(method: Callable, calls: Sequence[Mapping[str, Any]]) -> BatchResult:
    """Call one cached client method for many argument sets: one Redis read for them all.

    `method` is a bound method decorated with `cached`; the result's values and errors are keyed
    by the cache key of each call, in the order of `calls`, as `keys_for` gives them.
    """
    client = method.__self__
    function = method.__func__
    if not calls:
        return BatchResult()
    kinds = {function.cache_kind(client, **arguments) for arguments in calls}
    if len(kinds) > 1:
        raise ValueError(f"One batch reads one kind of data, not {', '.join(sorted(kinds))}")
    keys = keys_for(method, calls)
    loads = {
        key: functools.partial(function.__wrapped__, client, **arguments)
        for key, arguments in zip(keys, calls, strict=True)
    }
    return client.cache.fetch_many(kinds.pop(), loads, function.cache_validate)


def keys_for(method: Callable, calls: Sequence[Mapping[str, Any]]) -> list[str]:
    """The cache keys of a cached bound method's calls."""
    return [method.__func__.cache_key(method.__self__, **arguments) for arguments in calls]
