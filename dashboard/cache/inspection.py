"""What is in Redis, by kind of data, and how the cache has done: for the Cache page and notebook.

A Redis shared with the admin app holds the production keyspace, so the page never scans it on
render: a census is asked for, reads at most `max_keys` keys, and is kept under the cache's own
key (`dashboard-census`, a few minutes) for every dashboard process to show with its age.
The functions that take a `RequestCache` raise `InspectionFailed`, never redis' own errors.
"""

import contextlib
import functools
import json
import random
import re
import time
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from typing import Any

import redis

from dashboard.cache import atomic, telemetry
from dashboard.cache.decorators import KEY_FORMATS
from dashboard.cache.request_cache import RequestCache

UUID = r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
PLACEHOLDER = re.compile(r"\{(\w+)\}")
OTHER = "other"
TELEMETRY = "telemetry"
CENSUS_KEY = "dashboard-census"
CENSUS_TTL_SECONDS = 10 * 60
DEFAULT_MAX_KEYS = 10_000
SAMPLE_SIZE = 50
SCAN_BATCH = 1000
# The cache's own keys beside the values (see `atomic`), each counted as a kind of its own.
OWN_KEYS = {
    atomic.STALE_PREFIX: "last good copies",
    atomic.LOCK_PREFIX: "single-flight locks",
    atomic.GENERATION_PREFIX: "generations",
    CENSUS_KEY: "key census",
}


class InspectionFailed(RuntimeError):
    """Redis did not answer a question about itself; `reason` names what went wrong."""

    def __init__(self, reason: str) -> None:
        super().__init__(f"Redis did not answer ({reason})")
        self.reason = reason


def _pattern(key_format: str) -> re.Pattern[str]:
    """A key format as a regular expression: ids are UUIDs, anything else has no dash."""
    parts, position = [], 0
    for match in PLACEHOLDER.finditer(key_format):
        parts.append(re.escape(key_format[position : match.start()]))
        name = match.group(1)
        parts.append(UUID if name.endswith("_id") else r"[^\-]+(?:-\d\d-\d\d)?")
        position = match.end()
    parts.append(re.escape(key_format[position:]))
    return re.compile("^" + "".join(parts) + "$")


@functools.cache
def _patterns(formats: tuple[tuple[str, str], ...]) -> list[tuple[re.Pattern[str], str]]:
    """Most literal formats first, so `...-statistics-today` wins over `...-statistics-{days}`."""
    ordered = sorted(formats, key=lambda item: len(PLACEHOLDER.findall(item[0])))
    return [(_pattern(key_format), kind) for key_format, kind in ordered]


def kind_of(key: str) -> str:
    """The kind of data a key holds, by the format that made it."""
    if key.startswith(telemetry.PREFIX):
        return TELEMETRY
    for prefix, kind in OWN_KEYS.items():
        if key.startswith(prefix):
            return kind
    for pattern, kind in _patterns(tuple(KEY_FORMATS.items())):
        if pattern.match(key):
            return kind
    return OTHER


@dataclass(frozen=True)
class KindCensus:
    """Keys of one kind, and their memory estimated from a sample."""

    kind: str
    keys: int
    sampled: int
    sampled_bytes: int

    @property
    def bytes_per_key(self) -> float:
        return self.sampled_bytes / self.sampled if self.sampled else 0.0

    @property
    def estimated_bytes(self) -> int:
        return round(self.bytes_per_key * self.keys)


@dataclass(frozen=True)
class Census:
    """One census: the keys it counted by kind, whether it stopped at its cap, and when.

    `total_keys` is what Redis said it held (DBSIZE) as the census ran: with `capped`, the
    kinds cover the first `counted` keys that SCAN gave, not all of them.
    """

    kinds: tuple[KindCensus, ...]
    counted: int
    capped: bool
    max_keys: int
    total_keys: int
    taken_at: float

    def to_json(self) -> str:
        return json.dumps(asdict(self))

    @classmethod
    def from_json(cls, raw: bytes | str) -> "Census":
        """A stored census; `ValueError` when the value is not one."""
        try:
            fields = json.loads(raw)
            kinds = tuple(KindCensus(**kind) for kind in fields.pop("kinds"))
            return cls(kinds=kinds, **fields)
        except (TypeError, KeyError, AttributeError, UnicodeDecodeError) as error:
            raise ValueError(f"Not a key census: {error}") from error


def _scan(client: redis.Redis, max_keys: int | None) -> tuple[list[bytes], bool]:
    """Keys as SCAN gives them, at most `max_keys`; and whether more were left unread."""
    keys: list[bytes] = []
    for key in client.scan_iter(count=SCAN_BATCH):
        if max_keys is not None and len(keys) >= max_keys:
            return keys, True
        keys.append(key)
    return keys, False


def _by_kind(
    client: redis.Redis, keys: list[bytes], sample_size: int, seed: int
) -> list[KindCensus]:
    """Group keys by kind and ask MEMORY USAGE of a sample of each kind."""
    by_kind: dict[str, list[bytes]] = defaultdict(list)
    for key in keys:
        by_kind[kind_of(key.decode(errors="replace"))].append(key)
    chooser = random.Random(seed)
    census = []
    for kind, of_kind in sorted(by_kind.items()):
        sample = of_kind if len(of_kind) <= sample_size else chooser.sample(of_kind, sample_size)
        pipe = client.pipeline(transaction=False)
        for key in sample:
            pipe.memory_usage(key, samples=0)
        sizes = [size or 0 for size in pipe.execute()]
        census.append(KindCensus(kind, len(of_kind), len(sample), sum(sizes)))
    return census


def key_census(
    client: redis.Redis, sample_size: int = SAMPLE_SIZE, seed: int = 0
) -> list[KindCensus]:
    """Every key, by kind (the notebook's census: it reads the whole keyspace)."""
    keys, _ = _scan(client, None)
    return _by_kind(client, keys, sample_size, seed)


def memory_info(client: redis.Redis) -> dict[str, object]:
    """The few lines of INFO memory worth showing."""
    info = client.info("memory")
    return {
        "used_memory": info.get("used_memory"),
        "used_memory_human": info.get("used_memory_human"),
        "used_memory_peak": info.get("used_memory_peak"),
        "used_memory_peak_human": info.get("used_memory_peak_human"),
        "maxmemory_human": info.get("maxmemory_human"),
        "maxmemory_policy": info.get("maxmemory_policy"),
    }


@contextlib.contextmanager
def _asking(cache: RequestCache) -> Iterator[redis.Redis]:
    """The cache's Redis, with its errors turned into `InspectionFailed`."""
    if cache.client is None:
        raise InspectionFailed("the cache is off")
    try:
        yield cache.client
    except redis.RedisError as error:
        raise InspectionFailed(type(error).__name__) from error


def take_census(
    cache: RequestCache,
    max_keys: int = DEFAULT_MAX_KEYS,
    sample_size: int = SAMPLE_SIZE,
    now: float | None = None,
) -> Census:
    """Count at most `max_keys` keys by kind, and keep the result for the next few minutes."""
    with _asking(cache) as client:
        total = int(client.dbsize())
        keys, capped = _scan(client, max_keys)
        census = Census(
            kinds=tuple(_by_kind(client, keys, sample_size, seed=0)),
            counted=len(keys),
            capped=capped,
            max_keys=max_keys,
            total_keys=total,
            taken_at=time.time() if now is None else now,
        )
        client.set(CENSUS_KEY, census.to_json(), ex=CENSUS_TTL_SECONDS)
    return census


def last_census(cache: RequestCache) -> Census | None:
    """The census kept by the last `take_census` (of any process), or None: none in the last
    few minutes, or a value that is not one."""
    with _asking(cache) as client:
        raw = client.get(CENSUS_KEY)
    if raw is None:
        return None
    try:
        return Census.from_json(raw)
    except ValueError:
        return None


def memory(cache: RequestCache) -> dict[str, object]:
    """INFO memory of the cache's Redis: one command, however many keys it holds."""
    with _asking(cache) as client:
        return memory_info(client)


def hit_counts(cache: RequestCache, hours: int) -> list[dict[str, Any]]:
    """The counters of the last `hours` hours, this process's waiting telemetry included."""
    with _asking(cache) as client:
        cache.flush_telemetry()
        return telemetry.read_counts(client, hours=hours)


def refresh_counts(cache: RequestCache, hours: int) -> list[dict[str, Any]]:
    """The refreshes (ahead of expiry, and the warm-up job's) of the last `hours` hours, this
    process's waiting telemetry included."""
    with _asking(cache) as client:
        cache.flush_telemetry()
        return telemetry.read_refreshes(client, hours=hours)
