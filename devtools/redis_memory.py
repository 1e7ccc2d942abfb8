"""What the cache holds per service once every page has been loaded, against the Notify team's
estimate: about 2 KB per service and 4 KB per template.

Loading every Service page of 10,000 services would take longer than the whole benchmark, so
the benchmark loads every page for a sample of services (and the platform-wide pages once) and
scales the sample's own keys to every service. Redis answers MEMORY USAGE for each key (no
sampling inside Redis either); the last good copies are counted with the values they copy.
Telemetry, locks and generations are left out: they do not grow with the services.
"""

import json
import re
from collections import Counter
from dataclasses import dataclass

import redis

from dashboard.cache import atomic, inspection

SERVICE_ESTIMATE_BYTES = 2 * 1024
TEMPLATE_ESTIMATE_BYTES = 4 * 1024
COPIES = inspection.OWN_KEYS[atomic.STALE_PREFIX]
# Keys that hold no answer and do not grow with the number of services.
_LEFT_OUT = {inspection.TELEMETRY, *inspection.OWN_KEYS.values()} - {COPIES}
_OWN_KEY = re.compile(r"^service-" + inspection.UUID)
_PIPELINE = 1000


@dataclass(frozen=True)
class KeyUse:
    """One key: the kind of answer it holds, whether it is a last good copy, its bytes."""

    key: str
    kind: str
    copy: bool
    size: int

    @property
    def of_one_service(self) -> bool:
        return _OWN_KEY.match(self.key) is not None


def key_uses(client: redis.Redis) -> list[KeyUse]:
    """Every key that holds an answer or its copy, with its MEMORY USAGE."""
    names = []
    for raw in client.scan_iter(count=1000):
        name = raw.decode(errors="replace")
        copy = name.startswith(atomic.STALE_PREFIX)
        base = name.removeprefix(atomic.STALE_PREFIX)
        kind = inspection.kind_of(name if not copy else base)
        if kind not in _LEFT_OUT:
            names.append((name, base, kind, copy))
    sizes: list[int] = []
    for start in range(0, len(names), _PIPELINE):
        pipe = client.pipeline(transaction=False)
        for name, *_ in names[start : start + _PIPELINE]:
            pipe.memory_usage(name, samples=0)
        sizes += [size or 0 for size in pipe.execute()]
    return [
        KeyUse(base, kind, copy, size)
        for (_, base, kind, copy), size in zip(names, sizes, strict=True)
    ]


def templates_held(client: redis.Redis, uses: list[KeyUse]) -> int:
    """How many templates the cached template lists among `uses` hold."""
    keys = [use.key for use in uses if use.kind == "templates" and not use.copy]
    values = client.mget(keys) if keys else []
    return sum(len(json.loads(value)["data"]) for value in values if value is not None)


@dataclass(frozen=True)
class MemoryUse:
    """Bytes in Redis after every page was loaded for `sampled` of `services` services."""

    services: int
    sampled: int
    own_bytes: int  # the sampled services' own keys, values and copies
    shared_bytes: int  # keys that cover every service: lists, platform-wide reports
    service_key_bytes: int  # the sampled services' `service-{id}` values
    templates: int  # templates in the sampled services' template lists
    template_list_bytes: int  # those lists' values
    by_kind: tuple[tuple[str, int, int], ...]  # kind (copies apart), keys, bytes

    @property
    def bytes_per_service(self) -> float:
        """Everything kept, shared by every service and scaled from the sample, per service."""
        return (self.shared_bytes + self.own_bytes * self.services / self.sampled) / self.services

    @property
    def estimate_per_service(self) -> float:
        """The Notify team's estimate for a service with the sample's mean number of templates."""
        return SERVICE_ESTIMATE_BYTES + TEMPLATE_ESTIMATE_BYTES * self.templates / self.sampled

    @property
    def bytes_per_service_key(self) -> float:
        return self.service_key_bytes / self.sampled

    @property
    def bytes_per_template(self) -> float | None:
        return self.template_list_bytes / self.templates if self.templates else None


def memory_use(uses: list[KeyUse], services: int, sampled: int, templates: int) -> MemoryUse:
    """Sum the keys by what they cover: one service's, or every service's."""
    keys: Counter[str] = Counter()
    sizes: Counter[str] = Counter()
    for use in uses:
        kind = COPIES if use.copy else use.kind
        keys[kind] += 1
        sizes[kind] += use.size
    return MemoryUse(
        services=services,
        sampled=sampled,
        own_bytes=sum(use.size for use in uses if use.of_one_service),
        shared_bytes=sum(use.size for use in uses if not use.of_one_service),
        service_key_bytes=sum(use.size for use in uses if use.kind == "service" and not use.copy),
        templates=templates,
        template_list_bytes=sum(
            use.size for use in uses if use.kind == "templates" and not use.copy
        ),
        by_kind=tuple(
            (kind, keys[kind], sizes[kind])
            for kind in sorted(sizes, key=sizes.__getitem__, reverse=True)
        ),
    )
