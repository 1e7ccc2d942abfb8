"""Wires settings, Redis, the cache and the clients together: the one place that builds them.

The app keeps one `Runtime` per server process (`shared_runtime`), outside Streamlit's caches:
any client can clear those (a `clear_cache` message, even from the sign-in screen), and a
runtime rebuilt on every clear would leave the old one's Redis connections open until Redis
refused new clients. The notebook, the traffic generator and the benchmark build their own
from the same settings.
"""

import hashlib
import json
import threading
from dataclasses import asdict, dataclass

from dashboard.cache.connection import RedisConnection, connect_redis
from dashboard.cache.policy import DEFAULT_REFRESH_AHEAD, load_timeouts, resolve_ttls
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

    def close(self) -> None:
        """Close its Redis connections (and stop an embedded Redis no other process uses)."""
        if self.redis.client is not None:
            self.redis.client.close()
        self.redis.close()

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
        load_timeouts=load_timeouts(settings.platform_services),
        default_load_timeout=settings.api_timeout_seconds,
    )
    return Runtime(settings, connection, build_clients(settings, cache))


_shared_lock = threading.Lock()
_shared: dict[str, Runtime] = {}


def _identity(settings: Settings) -> str:
    """A digest of every setting, secrets included, so that no secret is kept in clear."""
    fields = json.dumps(
        asdict(settings),
        sort_keys=True,
        default=lambda value: sorted(value) if isinstance(value, frozenset) else str(value),
    )
    return hashlib.sha256(fields.encode()).hexdigest()


def shared_runtime(settings: Settings | None = None) -> Runtime:
    """The server process's one runtime, built on first use and then kept, whatever clients
    send; built again (the old one closed) only when the settings change."""
    settings = settings or load_settings()
    identity = _identity(settings)
    with _shared_lock:
        current = _shared.get(identity)
        if current is not None:
            return current
        old = list(_shared.values())
        _shared.clear()
        _shared[identity] = current = build_runtime(settings)
    for runtime in old:
        runtime.close()
    return current


def forget_shared_runtime() -> None:
    """Close and drop the process's runtime: the next page builds a new one (tests do this)."""
    with _shared_lock:
        old = list(_shared.values())
        _shared.clear()
    for runtime in old:
        runtime.close()
