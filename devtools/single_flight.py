"""How many API calls one cold key costs when many threads in several processes ask at once.

`python -m devtools.single_flight --redis-url redis://127.0.0.1:6379/0 [--threads 50]
[--processes 2]`; `make bench` reports the same measure on its own Redis.

Each process started here builds its own `RequestCache` on the shared Redis and starts its
threads; once every process is ready (a counter in Redis), one signal (a key in Redis) lets
all the threads ask for the same cold key at once. The stand-in for the API call counts its
calls in Redis (INCR), so the count covers every process, then waits a moment, as an API does.
With single flight the answer is 1.
"""

import argparse
import subprocess
import sys
import threading
import time
from uuid import uuid4

import redis

from dashboard.cache import atomic
from dashboard.cache.request_cache import RequestCache
from dashboard.settings import PROJECT_ROOT

KIND = "single-flight"
START_TIMEOUT_SECONDS = 60.0


def _keys(key: str) -> tuple[str, str, str]:
    """The counters of API calls and of ready processes, and the signal to start."""
    return f"{key}:api-calls", f"{key}:ready", f"{key}:go"


def url_of(client: redis.Redis) -> str:
    """A URL other processes can reach the same Redis at (a unix socket or host and port)."""
    options = client.connection_pool.connection_kwargs
    db = options.get("db", 0)
    if "path" in options:
        return f"unix://{options['path']}?db={db}"
    return f"redis://{options.get('host', 'localhost')}:{options.get('port', 6379)}/{db}"


def measure(
    redis_url: str, threads: int = 50, processes: int = 2, load_seconds: float = 0.2
) -> int:
    """API calls made when `threads` threads in each of `processes` processes ask for one key."""
    key = f"single-flight-{uuid4()}"
    calls, ready, go = _keys(key)
    client = redis.Redis.from_url(redis_url)
    command = [sys.executable, "-m", "devtools.single_flight", "--redis-url", redis_url]
    children = [
        subprocess.Popen(
            [*command, "--child", key, "--threads", str(threads), "--load", str(load_seconds)],
            cwd=PROJECT_ROOT,
        )
        for _ in range(processes)
    ]
    try:
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        while int(client.get(ready) or 0) < processes:
            if time.monotonic() > deadline or any(c.poll() is not None for c in children):
                raise RuntimeError("The single-flight processes did not start")
            time.sleep(0.05)
        client.set(go, 1)
        codes = [child.wait(timeout=START_TIMEOUT_SECONDS) for child in children]
        if any(codes):
            raise RuntimeError(f"A single-flight process failed (exit codes {codes})")
        return int(client.get(calls) or 0)
    finally:
        for child in children:
            if child.poll() is None:
                child.kill()
                child.wait()
        client.delete(key, atomic.stale_key(key), calls, ready, go)
        client.close()


def _ask_together(redis_url: str, key: str, threads: int, load_seconds: float) -> bool:
    """One process's threads asking for the key at the signal; True when all got the answer."""
    calls, ready, go = _keys(key)
    client = redis.Redis.from_url(redis_url)
    cache = RequestCache(client, {KIND: 60}, telemetry_enabled=False)

    def load() -> dict:
        client.incr(calls)
        time.sleep(load_seconds)
        return {"answer": key}

    start = threading.Barrier(threads + 1)
    answers = []

    def ask() -> None:
        start.wait()
        answers.append(cache.fetch(key, KIND, load))

    workers = [threading.Thread(target=ask) for _ in range(threads)]
    for worker in workers:
        worker.start()
    client.incr(ready)
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    while not client.exists(go) and time.monotonic() < deadline:
        time.sleep(0.001)
    start.wait()
    for worker in workers:
        worker.join()
    return answers == [{"answer": key}] * threads


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--redis-url", required=True)
    parser.add_argument("--threads", type=int, default=50, help="threads in each process")
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--load", type=float, default=0.2, help="seconds the API call takes")
    parser.add_argument("--child", metavar="KEY", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        return 0 if _ask_together(args.redis_url, args.child, args.threads, args.load) else 1
    calls = measure(args.redis_url, args.threads, args.processes, args.load)
    print(
        f"{args.threads} threads in each of {args.processes} processes, one cold key: "
        f"{calls} API call{'s' if calls != 1 else ''}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
