"""Lookup outcomes counted per kind of data per hour, and a capped stream of the lookups.

Counters answer "how well does the cache work" cheaply for the Cache page; the stream keeps the
order of requests so that the notebook can replay them through other TTLs. Both live in the
same Redis as the cache, under their own prefix, and never hold a key in clear (only a hash).
Refreshes (ahead of expiry, or by the warm-up job) are counted in the same hourly counters,
by kind, by whom and by what they did, but are not lookups: they stay out of the stream and
out of the hit rates.
"""

import hashlib
import time
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, cast

import redis

PREFIX = "dashboard-telemetry"
EVENTS_KEY = f"{PREFIX}:events"
COUNTS_RETENTION_SECONDS = 30 * 24 * 60 * 60
EVENTS_MAX_LENGTH = 200_000
EVENTS_PAGE_SIZE = 5_000
# A stream entry as redis-py gives it: its id and its fields, both as bytes.
StreamEntry = tuple[bytes, dict[bytes, bytes]]
# What a lookup found (see `request_cache.Lookup`): the first five reached Redis and count
# towards its hit rate; `error` is a Redis that failed, so the lookup never reached it.
REACHED_REDIS: tuple[str, ...] = ("hit", "miss", "corrupt", "invalid", "stale")
OUTCOMES: tuple[str, ...] = (*REACHED_REDIS, "error")
# Who refreshed a value before it expired: a reader's background refresh, or the warm-up job.
AHEAD, WARM_UP = "refresh-ahead", "warm-up"
REFRESHERS: tuple[str, ...] = (AHEAD, WARM_UP)


@dataclass(frozen=True)
class LookupEvent:
    """One cache lookup: what kind of data, what happened, how long it took and how big it was."""

    kind: str
    key: str
    outcome: str
    milliseconds: float
    size_bytes: int = 0
    at: float = 0.0


@dataclass(frozen=True)
class RefreshEvent:
    """One refresh of a value before it expired: by whom (`REFRESHERS`) and what it did
    (`request_cache.refresh`'s answer: refreshed, failed, held elsewhere, moved on)."""

    kind: str
    by: str
    done: str
    at: float = 0.0


def hour_bucket(at: float) -> str:
    """The UTC hour an event belongs to, as `YYYYMMDDHH`."""
    return datetime.fromtimestamp(at, UTC).strftime("%Y%m%d%H")


def counts_key(hour: str) -> str:
    return f"{PREFIX}:counts:{hour}"


def key_hash(key: str) -> str:
    """A short stable stand-in for a key: events replay without naming services."""
    return hashlib.blake2b(key.encode(), digest_size=8).hexdigest()


def add_to_pipeline(
    pipe: redis.client.Pipeline, events: Iterable[LookupEvent | RefreshEvent]
) -> None:
    """Queue the counters (summed per hour, kind and outcome) and one stream entry per lookup;
    a refresh is a counter of its own (`{kind}:{by}:{done}`) and no stream entry."""
    counts: Counter[tuple[str, str]] = Counter()
    milliseconds: defaultdict[tuple[str, str], float] = defaultdict(float)
    refreshes: Counter[tuple[str, str]] = Counter()
    for event in events:
        if isinstance(event, RefreshEvent):
            refreshes[(hour_bucket(event.at), f"{event.kind}:{event.by}:{event.done}")] += 1
            continue
        bucket = (hour_bucket(event.at), f"{event.kind}:{event.outcome}")
        counts[bucket] += 1
        milliseconds[bucket] += event.milliseconds
        pipe.xadd(
            EVENTS_KEY,
            {
                "at": f"{event.at:.6f}",
                "kind": event.kind,
                "key": key_hash(event.key),
                "outcome": event.outcome,
                "ms": f"{event.milliseconds:.3f}",
                "bytes": event.size_bytes,
            },
            maxlen=EVENTS_MAX_LENGTH,
            approximate=True,
        )
    for (hour, field), count in counts.items():
        pipe.hincrby(counts_key(hour), field, count)
        pipe.hincrbyfloat(counts_key(hour), f"{field}:ms", milliseconds[(hour, field)])
    for (hour, field), count in refreshes.items():
        pipe.hincrby(counts_key(hour), field, count)
    for hour in {hour for hour, _ in (*counts, *refreshes)}:
        pipe.expire(counts_key(hour), COUNTS_RETENTION_SECONDS)


def _hourly_fields(
    client: redis.Redis, hours: int, now: float | None
) -> list[tuple[str, dict[str, float]]]:
    """Each of the last `hours` hours (oldest first) with its counters' fields."""
    now = time.time() if now is None else now
    start = datetime.fromtimestamp(now, UTC).replace(minute=0, second=0, microsecond=0)
    buckets = [(start - timedelta(hours=back)).strftime("%Y%m%d%H") for back in range(hours)][::-1]
    pipe = client.pipeline(transaction=False)
    for hour in buckets:
        pipe.hgetall(counts_key(hour))
    return [
        (hour, {name.decode(): float(value) for name, value in fields.items()})
        for hour, fields in zip(buckets, pipe.execute(), strict=True)
    ]


def read_refreshes(
    client: redis.Redis, hours: int = 24, now: float | None = None
) -> list[dict[str, Any]]:
    """Rows of {hour, kind, by, done, count}: the refreshes of the last `hours` hours."""
    rows: list[dict[str, Any]] = []
    for hour, decoded in _hourly_fields(client, hours, now):
        for name, value in decoded.items():
            kind, by, done = (name.split(":", 2) + ["", ""])[:3]
            if by in REFRESHERS and done:
                rows.append(
                    {
                        "hour": datetime.strptime(hour, "%Y%m%d%H").replace(tzinfo=UTC),
                        "kind": kind,
                        "by": by,
                        "done": done,
                        "count": int(value),
                    }
                )
    return rows


def read_counts(
    client: redis.Redis, hours: int = 24, now: float | None = None
) -> list[dict[str, Any]]:
    """Rows of {hour, kind, outcome, count, milliseconds} over the last `hours` hours."""
    rows: list[dict[str, Any]] = []
    for hour, decoded in _hourly_fields(client, hours, now):
        for name, value in decoded.items():
            kind, _, outcome = name.rpartition(":")
            if outcome in OUTCOMES:
                rows.append(
                    {
                        "hour": datetime.strptime(hour, "%Y%m%d%H").replace(tzinfo=UTC),
                        "kind": kind,
                        "outcome": outcome,
                        "count": int(value),
                        "milliseconds": decoded.get(f"{name}:ms", 0.0),
                    }
                )
    return rows


def _event(fields: dict[bytes, bytes]) -> dict[str, Any]:
    return {
        "at": float(fields[b"at"]),
        "kind": fields[b"kind"].decode(),
        "key": fields[b"key"].decode(),
        "outcome": fields[b"outcome"].decode(),
        "milliseconds": float(fields[b"ms"]),
        "size_bytes": int(fields[b"bytes"]),
    }


def read_events(
    client: redis.Redis, count: int | None = None, page_size: int = EVENTS_PAGE_SIZE
) -> list[dict[str, Any]]:
    """The recorded lookups in the order they happened (the newest `count` when given).

    Read a page at a time, so that no one command outlasts the cache's short socket timeout.
    """
    if count is not None:
        newest = cast(list[StreamEntry], client.xrevrange(EVENTS_KEY, count=count))
        return [_event(fields) for _, fields in newest[::-1]]
    events: list[dict[str, Any]] = []
    start = "-"
    while True:
        page = cast(list[StreamEntry], client.xrange(EVENTS_KEY, min=start, count=page_size))
        events.extend(_event(fields) for _, fields in page)
        if len(page) < page_size:
            return events
        start = "(" + page[-1][0].decode()
