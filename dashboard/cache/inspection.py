"""What is in Redis, by kind of data: key counts and memory, for the Cache page and notebook."""

import functools
import random
import re
from collections import defaultdict
from dataclasses import dataclass

import redis

from dashboard.cache import atomic, telemetry
from dashboard.cache.decorators import KEY_FORMATS

UUID = r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
PLACEHOLDER = re.compile(r"\{(\w+)\}")
OTHER = "other"
TELEMETRY = "telemetry"
# The cache's own keys beside the values (see `atomic`), each counted as a kind of its own.
OWN_KEYS = {
    atomic.STALE_PREFIX: "last good copies",
    atomic.LOCK_PREFIX: "single-flight locks",
    atomic.GENERATION_PREFIX: "generations",
}


def _pattern(key_format: str) -> re.Pattern:
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
def _patterns(formats: tuple[tuple[str, str], ...]) -> list[tuple[re.Pattern, str]]:
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


def key_census(client: redis.Redis, sample_size: int = 50, seed: int = 0) -> list[KindCensus]:
    """Scan every key once, group by kind, and ask MEMORY USAGE of a sample of each kind."""
    by_kind: dict[str, list[bytes]] = defaultdict(list)
    for key in client.scan_iter(count=1000):
        by_kind[kind_of(key.decode(errors="replace"))].append(key)
    chooser = random.Random(seed)
    census = []
    for kind, keys in sorted(by_kind.items()):
        sample = keys if len(keys) <= sample_size else chooser.sample(keys, sample_size)
        pipe = client.pipeline(transaction=False)
        for key in sample:
            pipe.memory_usage(key, samples=0)
        sizes = [size or 0 for size in pipe.execute()]
        census.append(KindCensus(kind, len(keys), len(sample), sum(sizes)))
    return census


def memory_info(client: redis.Redis) -> dict[str, object]:
    """The few lines of INFO memory worth showing."""
    info = client.info("memory")
    return {
        "used_memory": info.get("used_memory"),
        "used_memory_human": info.get("used_memory_human"),
        "used_memory_peak_human": info.get("used_memory_peak_human"),
        "maxmemory_human": info.get("maxmemory_human"),
        "maxmemory_policy": info.get("maxmemory_policy"),
    }
