"""The last value decoded from each key, kept in this process while Redis holds the same bytes.

A warm page reads the same big answers again and again (every service, twice with their
counts): checking them against their schemas costs far more than reading them. The memo keeps,
per key, the digest of the bytes it decoded and the typed value they gave. A read still goes to
Redis first, so an expired, changed or deleted value is seen exactly as before; only when Redis
hands back the very bytes decoded last time is their value reused. Bytes that do not fit are
never kept, so a corrupt value is corrupt every time it is read.
"""

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

# About the memory of the decoded values of every list at 10,000 services, several times over.
MAX_BYTES = 64 * 1024 * 1024


@dataclass(frozen=True)
class _Entry:
    digest: bytes
    validate: Callable[[Any], Any]
    value: Any
    size: int


def _digest(raw: bytes | str) -> bytes:
    return hashlib.sha256(raw.encode() if isinstance(raw, str) else raw).digest()


def _fresh(value: Any) -> Any:
    """A list or dict of its own for each reader: the objects in it are frozen, the container
    is not, and a reader that sorted or appended to it must not change what the next one gets."""
    if isinstance(value, list):
        return list(value)
    if isinstance(value, dict):
        return dict(value)
    return value


class DecodedMemo:
    """Per key: the digest of the bytes last decoded, with which validator, and their value.

    The least recently used keys are dropped once their bytes add up to more than `max_bytes`.
    """

    def __init__(self, max_bytes: int = MAX_BYTES) -> None:
        self.max_bytes = max_bytes
        self._lock = threading.Lock()
        self._entries: OrderedDict[str, _Entry] = OrderedDict()
        self._bytes = 0

    def decode(
        self,
        key: str,
        raw: bytes | str,
        validate: Callable[[Any], Any],
        decode: Callable[[bytes | str], Any],
    ) -> Any:
        """`decode(raw)`, or the value it gave last time these bytes were read under `key` with
        the same `validate`; a `ValueError` from `decode` propagates and nothing is kept."""
        digest = _digest(raw)
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None and entry.digest == digest and entry.validate is validate:
                self._entries.move_to_end(key)
                return _fresh(entry.value)
        value = decode(raw)
        self._keep(key, _Entry(digest, validate, value, len(raw)))
        return _fresh(value)

    def remember(
        self, key: str, raw: bytes | str, validate: Callable[[Any], Any], value: Any
    ) -> None:
        """Keep a value just checked by `validate` against the bytes about to be stored, so the
        first read after a load does not decode them again."""
        self._keep(key, _Entry(_digest(raw), validate, _fresh(value), len(raw)))

    def _keep(self, key: str, entry: _Entry) -> None:
        if entry.size > self.max_bytes:
            return
        with self._lock:
            old = self._entries.pop(key, None)
            if old is not None:
                self._bytes -= old.size
            self._entries[key] = entry
            self._bytes += entry.size
            while self._bytes > self.max_bytes:
                _, dropped = self._entries.popitem(last=False)
                self._bytes -= dropped.size
