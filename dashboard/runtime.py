"""Wires settings, Redis, the cache and the clients together: the one place that builds them.

The app keeps one `Runtime` per server process (`st.cache_resource`); the notebook, the
traffic generator and the benchmark build their own from the same settings.
"""

from dataclasses import dataclass

from dashboard.cache.connection import RedisConnection, connect_redis
from dashboard.cache.policy import DEFAULT_REFRESH_AHEAD, LOAD_TIMEOUTS, resolve_ttls
from dashboard.cache.request_cache import RequestCache
from dashboard.loaders.context import LoaderContext
from dashboard.notify_client import NotifyClients, build_clients
from dashboard.redaction import redacted_url
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

    @property
    def context(self) -> LoaderContext:
        """What the loaders are given: the clients, the API named without credentials, limits."""
        return LoaderContext(
            clients=self.clients,
            api_label=redacted_url(self.settings.api_host_name),
            max_workers=self.settings.api_max_workers,
            deadline_seconds=self.settings.page_deadline_seconds,
        )


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
        refresh_ahead=DEFAULT_REFRESH_AHEAD if settings.cache_refresh_ahead else None,
        load_timeouts=LOAD_TIMEOUTS,
        default_load_timeout=settings.api_timeout_seconds,
    )
    return Runtime(settings, connection, build_clients(settings, cache))
