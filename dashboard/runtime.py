"""Wires settings, Redis, the cache and the clients together: the one place that builds them.

The app keeps one `Runtime` per server process (`st.cache_resource`); the notebook, the
traffic generator and the benchmark build their own from the same settings.
"""

from dataclasses import dataclass

from dashboard.cache.connection import RedisConnection, connect_redis
from dashboard.cache.policy import resolve_ttls
from dashboard.cache.request_cache import RequestCache
from dashboard.notify_client import NotifyClients, build_clients
from dashboard.settings import Settings, load_settings


@dataclass(frozen=True)
class Runtime:
    """Everything a loader needs, built once."""

    settings: Settings
    redis: RedisConnection
    clients: NotifyClients

    @property
    def cache(self) -> RequestCache:
        return self.clients.cache


def build_runtime(settings: Settings | None = None) -> Runtime:
    """Connect to Redis (or start the embedded one) and build clients that cache in it."""
    settings = settings or load_settings()
    connection = connect_redis(settings)
    cache = RequestCache(
        connection.client,
        resolve_ttls(settings.cache_ttl_overrides),
        telemetry_enabled=settings.cache_telemetry,
        retry_after_seconds=settings.redis_retry_after_seconds,
        max_workers=settings.api_max_workers,
    )
    return Runtime(settings, connection, build_clients(settings, cache))
