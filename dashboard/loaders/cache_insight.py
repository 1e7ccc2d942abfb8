"""What the Cache page shows: hit rates from the telemetry, and what Redis holds by kind."""

from dataclasses import dataclass, field

import pandas as pd
import redis

from dashboard.cache import inspection, telemetry
from dashboard.notify_client import NotifyClients

COUNT_COLUMNS = ("hour", "kind", "outcome", "count", "milliseconds")


@dataclass(frozen=True)
class CacheInsight:
    """Counters over a period, keys and memory by kind; `error` when Redis cannot be read."""

    description: str
    process_counts: pd.DataFrame
    counts: pd.DataFrame = field(default_factory=pd.DataFrame)
    by_kind: pd.DataFrame = field(default_factory=pd.DataFrame)
    by_hour: pd.DataFrame = field(default_factory=pd.DataFrame)
    census: pd.DataFrame = field(default_factory=pd.DataFrame)
    memory: dict = field(default_factory=dict)
    error: str | None = None


def _rates(counts: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    """Hits, misses, errors and corrupt values, hit rate and mean latency per group."""
    wide = counts.pivot_table(
        index=by, columns="outcome", values="count", aggfunc="sum", fill_value=0
    ).reindex(columns=list(telemetry.OUTCOMES), fill_value=0)
    ms = counts.pivot_table(
        index=by, columns="outcome", values="milliseconds", aggfunc="sum", fill_value=0.0
    ).reindex(columns=["hit", "miss"], fill_value=0.0)
    lookups = wide.sum(axis=1)
    result = wide.assign(
        lookups=lookups,
        hit_rate=(wide["hit"] / lookups).where(lookups > 0, 0.0),
        hit_ms=(ms["hit"] / wide["hit"]).where(wide["hit"] > 0),
        miss_ms=(ms["miss"] / wide["miss"]).where(wide["miss"] > 0),
        api_calls_saved=wide["hit"],
    )
    return result.reset_index()


def load_cache_insight(clients: NotifyClients, description: str, hours: int = 24) -> CacheInsight:
    """Read the last `hours` of counters and a census of keys; says so when Redis is not there."""
    process = pd.DataFrame(
        [
            {"kind": kind, "outcome": outcome, "count": count}
            for (kind, outcome), count in sorted(clients.cache.process_counts.items())
        ],
        columns=["kind", "outcome", "count"],
    )
    client = clients.cache.client
    if client is None:
        return CacheInsight(description, process, error="The cache is off: nothing to show.")
    clients.cache.flush_telemetry()
    try:
        counts = pd.DataFrame(telemetry.read_counts(client, hours=hours), columns=COUNT_COLUMNS)
        census = pd.DataFrame(
            [
                {
                    "kind": entry.kind,
                    "keys": entry.keys,
                    "bytes_per_key": entry.bytes_per_key,
                    "estimated_bytes": entry.estimated_bytes,
                }
                for entry in inspection.key_census(client)
            ],
            columns=["kind", "keys", "bytes_per_key", "estimated_bytes"],
        )
        memory = inspection.memory_info(client)
    except redis.RedisError as error:
        message = (
            f"Redis did not answer ({type(error).__name__}); pages read from the API meanwhile."
        )
        return CacheInsight(description, process, error=message)
    if counts.empty:
        return CacheInsight(description, process, counts, census=census, memory=memory)
    return CacheInsight(
        description,
        process,
        counts,
        by_kind=_rates(counts, ["kind"]).sort_values("lookups", ascending=False),
        by_hour=_rates(counts, ["hour"]),
        census=census,
        memory=memory,
    )
