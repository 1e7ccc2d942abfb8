"""Every key format a cached method uses, and one service's keys named from them.

The formats are known (`service-{service_id}-statistics-{limit_days}`, …), so emptying one
service's keys needs no SCAN: its keys are named from the formats, with the values each other
placeholder can take, and deleted by name. The time that takes grows with the number of names,
never with the number of other keys in Redis (a Redis shared with the admin app holds millions).
"""

import itertools
import re
from collections.abc import Iterable, Mapping

from dashboard.cache import atomic

# Every key format a cached method uses, with its kind: the Cache page sorts keys by it.
KEY_FORMATS: dict[str, str] = {}

PLACEHOLDER = re.compile(r"\{(\w+)\}")
SERVICE_ID = "service_id"


def register_key_format(key_format: str, kind: str) -> None:
    """Tell the key census which kind a key format holds (cached methods do this themselves)."""
    KEY_FORMATS[key_format] = kind


def service_formats() -> list[str]:
    """The formats of keys that belong to one service: those that start with its own key."""
    return sorted(key for key in KEY_FORMATS if key.startswith("service-{service_id}"))


def unnamed_formats(values: Mapping[str, Iterable[object]]) -> list[str]:
    """The service formats whose other placeholders `values` does not cover."""
    return [
        key_format
        for key_format in service_formats()
        if set(PLACEHOLDER.findall(key_format)) - {SERVICE_ID} - set(values)
    ]


def service_keys(service_id: str, values: Mapping[str, Iterable[object]]) -> list[str]:
    """Every key of one service that the formats and the values name (a format with a
    placeholder `values` does not cover is left out: see `unnamed_formats`)."""
    skipped = set(unnamed_formats(values))
    keys = []
    for key_format in service_formats():
        if key_format in skipped:
            continue
        names = [name for name in PLACEHOLDER.findall(key_format) if name != SERVICE_ID]
        for combination in itertools.product(*(list(values[name]) for name in names)):
            filled = dict(zip(names, combination, strict=True))
            keys.append(key_format.format(service_id=service_id, **filled))
    return keys


def with_own_keys(keys: Iterable[str], *, last_good: bool) -> list[str]:
    """The keys, their single-flight locks and (with `last_good`) their last good copies."""
    prefixes = ("", atomic.LOCK_PREFIX, *((atomic.STALE_PREFIX,) if last_good else ()))
    return [prefix + key for key in keys for prefix in prefixes]
