"""A working day of readers against a sandbox as slow as the platform, measured.

`python -m devtools.working_day [--views 2000] [--hours 8] [--compress 120] [--services 2000]`
(`make bench` runs it after its own figures; a small run: `--views 300 --compress 480
--services 200`).

The day is compressed `--compress` times: every TTL and every API delay is divided by it, so
that what expires and what a miss costs keep their proportions (8 hours at 120 times is 4
minutes; the services list's 5.1 s is 43 ms). The sandbox answers with `--latency platform`
for a platform of `--platform-services` (2,000) whatever the size of its own data.

The views follow `devtools.traffic`'s plan (services by a Zipf law, the days slider, Refresh
now and then, All services and Allowances) with an Overview for one view in six, at random
times over the day, several at once, in this process. The sandbox and the warm-up job
(`python -m dashboard.warm`, on its schedule: every 4 minutes, compressed, and once before the
first reader, as it would have run overnight) each run in a process of their own, as the real
API and a cron job do, on a `redis-server` of its own: in the readers' process their work
would hold the readers' interpreter.
The same day is replayed three ways: with nothing ahead of the readers, with the warm-up
job, and with the warm-up job and refresh ahead.

For each way: the share of views that waited for an API call (any lookup that was not a hit),
and for a platform-wide call (with the kinds they waited for); the page time's p50, p95 and
p99 and the warm views' p99 (views that waited for nothing), as measured: a wait for the API
is `--compress` times shorter than at real speed, the rest of a page's time is not; the
platform-wide API calls made; and what the slowest 1 % of views waited for (each miss, and
whose load it joined).
"""

import argparse
import math
import os
import random
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path

import redis
import requests

from dashboard import warm
from dashboard.cache.connection import RedisConnection
from dashboard.cache.policy import DEFAULT_REFRESH_AHEAD, DEFAULT_TTLS, LOAD_TIMEOUTS
from dashboard.cache.request_cache import Lookup, RequestCache, recording
from dashboard.domain.financial_year import current_financial_year, london_today
from dashboard.loaders.overview import load_overview
from dashboard.loaders.sections import Failed
from dashboard.notify_client import build_clients
from dashboard.notify_client.derived import is_derived
from dashboard.runtime import Runtime, build_runtime
from dashboard.settings import PROJECT_ROOT, TTL_PREFIX, Settings
from devtools import traffic
from devtools.readers import redis_server
from devtools.serve import stop_with_parent
from devtools.served import free_port
from notify_sandbox import open_database
from notify_sandbox.__main__ import serve_app
from notify_sandbox.app import create_app
from notify_sandbox.platform_latency import MEASURED_SERVICES

OVERVIEW = "overview"
OVERVIEW_SHARE = 1 / 6
#: The warm-up job's schedule and reach at real speed (see `dashboard.warm`).
WARM_EVERY_SECONDS = 240.0
#: Kinds whose call covers the whole platform: a reader must never wait for one.
PLATFORM_KINDS = (
    "services",
    "services-detailed",
    "live-services",
    "platform-stats",
    "volumes-by-service",
    "billing-report",
)
READERS_AT_ONCE = 8
WAYS = {
    "nothing ahead": (False, False),
    "warm-up job": (True, False),
    "warm-up + refresh ahead": (True, True),
}


@dataclass(frozen=True)
class ViewResult:
    """One view: its page, how long it took, and what it waited for."""

    page: str
    milliseconds: float
    waited_api: bool
    platform_waits: tuple[str, ...]
    failed: str | None
    #: Each lookup that was not a hit: "kind outcome ms [flight|lock] key", slowest first.
    waits: tuple[str, ...] = ()

    @property
    def waited_platform(self) -> bool:
        return bool(self.platform_waits)


@dataclass(frozen=True)
class DayFigures:
    """One way of replaying the day."""

    way: str
    views: list[ViewResult]
    platform_calls: int
    compress: float

    def share(self, waited: Callable[[ViewResult], bool]) -> float:
        return sum(1 for view in self.views if waited(view)) / max(1, len(self.views))

    def platform_waits(self) -> Counter[str]:
        """The platform-wide kinds readers waited for, and how often."""
        return Counter(kind for view in self.views for kind in view.platform_waits)


def percentile(values: Sequence[float], share: float) -> float:
    """The value below which `share` of them lie (nearest rank); 0 when there are none."""
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


def is_platform_kind(kind: str) -> bool:
    return any(kind == name or kind.startswith(name + "-") for name in PLATFORM_KINDS)


def view_result(
    page: str, milliseconds: float, lookups: list[Lookup], failed: str | None
) -> ViewResult:
    """What one view waited for, from the lookups it made."""
    # A small key made from other cached answers waits for the API only through them (their
    # own lookups, recorded too), unless it waited for another reader's making of it.
    waits = [
        lookup
        for lookup in lookups
        if lookup.outcome not in ("hit", "off")
        and not (is_derived(lookup.key) and not lookup.waited_for)
    ]
    return ViewResult(
        page,
        milliseconds,
        bool(waits),
        tuple(lookup.kind for lookup in waits if is_platform_kind(lookup.kind)),
        failed,
        tuple(
            f"{lookup.kind} {lookup.outcome} {lookup.milliseconds:,.0f} ms"
            + (f" ({lookup.waited_for})" if lookup.waited_for else "")
            + f" {lookup.key}"
            for lookup in sorted(waits, key=lambda lookup: -lookup.milliseconds)
        ),
    )


def slowest(day: "DayFigures", share: float = 0.01) -> list[ViewResult]:
    """The slowest `share` of the day's views (at least one), slowest first."""
    ordered = sorted(day.views, key=lambda view: -view.milliseconds)
    return ordered[: max(1, math.ceil(share * len(ordered)))] if ordered else []


def plan_day(
    service_ids: Sequence[str], views: int, seconds: float, seed: int
) -> list[tuple[float, traffic.View]]:
    """The views and when each starts (seconds from the start of the compressed day)."""
    rng = random.Random(seed)
    years = [current_financial_year(), current_financial_year() - 1]
    plan = traffic.plan_views(service_ids, views, seed, years)
    plan = [traffic.View(OVERVIEW) if rng.random() < OVERVIEW_SHARE else view for view in plan]
    starts = sorted(rng.uniform(0, seconds) for _ in plan)
    return list(zip(starts, plan, strict=True))


def show(runtime: Runtime, view: traffic.View) -> str | None:
    """One view as its page loads it; the page's error message, if it showed one."""
    if view.page == OVERVIEW:
        overview = load_overview(runtime.context, london_today())
        sections = (overview.platform_today, overview.services, overview.allowances)
        return next((s.message for s in sections if isinstance(s, Failed)), None)
    return traffic._show(runtime, view)


def scaled_ttls(compress: float) -> dict[str, int]:
    """Every TTL divided by the compression, rounded up (Redis keeps whole seconds)."""
    return {kind: math.ceil(ttl / compress) for kind, ttl in DEFAULT_TTLS.items()}


def cache_for(client: redis.Redis, compress: float, refresh_ahead: bool) -> RequestCache:
    return RequestCache(
        client,
        scaled_ttls(compress),
        telemetry_enabled=False,
        refresh_ahead=DEFAULT_REFRESH_AHEAD if refresh_ahead else None,
        load_timeouts=LOAD_TIMEOUTS,
        default_load_timeout=120.0,
    )


def warm_up_environment(api: str, redis_url: str, settings: Settings, compress: float) -> dict:
    """The warm-up job's environment: the dashboard's settings, with the day's TTLs."""
    return {
        **os.environ,
        "API_HOST_NAME": api,
        "ADMIN_CLIENT_SECRET": settings.admin_client_secret,
        "REDIS_URL": redis_url,
        "REDIS_SOCKET_TIMEOUT_SECONDS": "5",
        "API_TIMEOUT_SECONDS": "120",
        "CACHE_TELEMETRY": "0",
        **{
            TTL_PREFIX + kind.upper().replace("-", "_"): str(ttl)
            for kind, ttl in scaled_ttls(compress).items()
        },
    }


@contextmanager
def warming(environment: dict, every: float, due_within: float) -> Iterator[None]:
    """The warm-up job as production runs it, a process of its own (`python -m dashboard.warm`):
    once before the block, as it would have run overnight, then every `every` seconds in it.
    In the readers' process its work (and the sandbox's) would hold their interpreter."""
    command = [sys.executable, "-m", "dashboard.warm", "--due-within", f"{due_within:g}"]
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL, "cwd": PROJECT_ROOT}
    subprocess.run(command, env=environment, check=False, timeout=1800, **quiet)  # type: ignore[call-overload]
    process = subprocess.Popen(
        [*command, "--every", f"{every:g}"],
        env=environment,
        preexec_fn=stop_with_parent,
        **quiet,  # type: ignore[arg-type]
    )
    try:
        yield
    finally:
        process.terminate()
        process.wait(timeout=30)


class SandboxProcess:
    """The platform-latency sandbox in a process of its own, as the real API is: its work never
    holds the readers' interpreter. Counts its requests over HTTP (`/_sandbox/requests`)."""

    def __init__(self, database: Path, settings: Settings, scale: float) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process = subprocess.Popen(
            [sys.executable, "-m", "devtools.working_day", "--serve-sandbox", str(database)]
            + [f"{scale!r}", str(self.port)],
            env={**os.environ, "ADMIN_CLIENT_SECRET": settings.admin_client_secret},
            cwd=PROJECT_ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            preexec_fn=stop_with_parent,
        )
        deadline = time.monotonic() + 60
        while True:
            try:
                requests.get(f"{self.url}/_sandbox/requests", timeout=1).raise_for_status()
                return
            except requests.RequestException:
                if time.monotonic() > deadline or self.process.poll() is not None:
                    self.stop()
                    raise RuntimeError("The working day's sandbox did not start") from None
                time.sleep(0.1)

    def request_counts(self) -> dict[str, int]:
        counts: dict[str, int] = requests.get(f"{self.url}/_sandbox/requests", timeout=10).json()[
            "requests"
        ]
        return counts

    def reset_request_counts(self) -> None:
        requests.delete(f"{self.url}/_sandbox/requests", timeout=10).raise_for_status()

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)


def serve_sandbox(database: Path, scale: float, port: int) -> None:
    """`--serve-sandbox`: serve the database with platform latency, as `make run` serves the
    sandbox (waitress), until stopped."""
    settings = Settings()
    secret = os.environ.get("ADMIN_CLIENT_SECRET", settings.admin_client_secret)
    app = create_app(
        database, settings.admin_client_id, secret, latency="platform", latency_scale=scale
    )
    serve_app(app, "127.0.0.1", port)


def replay(
    way: str,
    sandbox: SandboxProcess,
    connection: RedisConnection,
    settings: Settings,
    day: list[tuple[float, traffic.View]],
    compress: float,
) -> DayFigures:
    """One day of views, the cache emptied first; the warm-up job and refresh ahead as `way`."""
    with_warm_up, refresh_ahead = WAYS[way]
    client = connection.client
    assert client is not None and settings.redis_url is not None
    client.flushdb()
    site = replace(settings, api_host_name=sandbox.url)
    readers = Runtime(
        site, connection, build_clients(site, cache_for(client, compress, refresh_ahead))
    )
    results: list[ViewResult] = []
    lock = threading.Lock()

    def read(view: traffic.View) -> None:
        started = time.perf_counter()
        with recording() as lookups:
            try:
                failed = show(readers, view)
            except Exception as error:  # counted, as a page would show it
                failed = f"{type(error).__name__}: {error}"
        elapsed = (time.perf_counter() - started) * 1000
        with lock:
            results.append(view_result(view.page, elapsed, lookups, failed))

    warm_up = (
        warming(
            warm_up_environment(sandbox.url, settings.redis_url, settings, compress),
            WARM_EVERY_SECONDS / compress,
            warm.DUE_WITHIN_SECONDS / compress,
        )
        if with_warm_up
        else _nothing()
    )
    with warm_up:
        sandbox.reset_request_counts()
        began = time.monotonic()
        with ThreadPoolExecutor(READERS_AT_ONCE) as pool:
            for start, view in day:
                time.sleep(max(0.0, began + start - time.monotonic()))
                pool.submit(read, view)
        readers.cache.wait_for_refreshes()
    calls = sandbox.request_counts()
    platform_calls = sum(
        count
        for route, count in calls.items()
        if route in ("GET /service", "GET /service/live-services-data")
        or route.startswith("GET /platform-stats")
    )
    return DayFigures(way, results, platform_calls, compress)


@contextmanager
def _nothing() -> Iterator[None]:
    yield


def report(figures: list[DayFigures]) -> str:
    """One line per way: shares of views that waited, page times measured and at real speed."""
    header = (
        "| way | views | waited for the API | for a platform-wide call | "
        "p50 / p95 / p99 ms | warm p99 ms | p99 − warm p99 | platform-wide API calls | "
        "pages failed |"
    )
    lines = [header, "|" + "---|" * 9]
    waits = []
    for day in figures:
        measured = [view.milliseconds for view in day.views]
        warm_p99 = percentile([v.milliseconds for v in day.views if not v.waited_api], 0.99)
        failed = sum(1 for view in day.views if view.failed)
        lines.append(
            f"| {day.way} | {len(day.views):,} | {day.share(lambda v: v.waited_api):.1%} | "
            f"{day.share(lambda v: v.waited_platform):.1%} | "
            + " / ".join(f"{percentile(measured, p):,.0f}" for p in (0.5, 0.95, 0.99))
            + f" | {warm_p99:,.0f} | {percentile(measured, 0.99) - warm_p99:+,.0f} | "
            f"{day.platform_calls:,} | {failed} |"
        )
        if day.platform_waits():
            waits.append(f"{day.way}: readers waited for {dict(day.platform_waits())}")
    return "\n".join([*lines, *waits])


def slowest_report(figures: list[DayFigures], lookups_shown: int = 4) -> str:
    """What the slowest 1 % of each way's views waited for: their misses, slowest first, and
    whose load each waited for (a flight in the process, another's lock)."""
    lines = []
    for day in figures:
        lines.append(f"Slowest 1% of views, {day.way}:")
        for view in slowest(day):
            waited = "; ".join(view.waits[:lookups_shown]) or "no lookup missed"
            lines.append(f"  {view.page} {view.milliseconds:,.0f} ms: {waited}")
    return "\n".join(lines)


def run(
    views: int,
    hours: float,
    compress: float,
    services: int,
    platform_services: int = MEASURED_SERVICES,
    seed: int = 1,
    ways: Sequence[str] = tuple(WAYS),
    data_dir: Path = PROJECT_ROOT / ".data",
) -> list[DayFigures]:
    """The day replayed each way against one sandbox and one Redis, each a process of its own
    (as are the warm-up job's runs), so that only the readers run in this one."""
    database = open_database(data_dir, seed, services)
    scale = platform_services / services / compress
    with tempfile.TemporaryDirectory() as redis_dir, redis_server(Path(redis_dir)) as redis_url:
        settings = replace(
            Settings(),
            api_timeout_seconds=120.0,
            redis_socket_timeout_seconds=5.0,
            redis_url=redis_url,
        )
        sandbox = SandboxProcess(database, settings, scale)
        runtime = build_runtime(settings)
        try:
            if runtime.cache.client is None:
                raise RuntimeError(f"The working day needs Redis: {runtime.redis.warning}")
            runtime.cache.client.flushdb()
            ids = [
                service.id
                for service in build_clients(
                    replace(settings, api_host_name=sandbox.url),
                    cache_for(runtime.cache.client, 1, False),
                ).services.get_services()
            ]
            day = plan_day(ids, views, hours * 3600 / compress, seed)
            figures = []
            for way in ways:
                print(
                    f"Working day: {way} ({views:,} views in {hours * 60 / compress:.1f} min)…",
                    flush=True,
                )
                figures.append(replay(way, sandbox, runtime.redis, settings, day, compress))
            return figures
        finally:
            sandbox.stop()
            runtime.redis.close()


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--views", type=int, default=2000, help="page views in the day")
    parser.add_argument("--hours", type=float, default=8.0, help="the day's length")
    parser.add_argument(
        "--compress", type=float, default=120.0, help="how many times faster than real time"
    )
    parser.add_argument("--day-services", type=int, default=2000, help="services in the sandbox")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    add_arguments(parser)
    # Internal: the sandbox's own process (see `SandboxProcess`).
    parser.add_argument("--serve-sandbox", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.serve_sandbox:
        database, scale, port = args.serve_sandbox
        serve_sandbox(Path(database), float(scale), int(port))
        return 0
    print()
    print(main_report(args))
    return 0


def main_report(args: argparse.Namespace) -> str:
    """Replay the day the command line asks for; its table, with the machine and its load."""
    figures = run(args.views, args.hours, args.compress, args.day_services)
    cores, (one, five, fifteen) = os.cpu_count(), os.getloadavg()
    heading = (
        f"Working day: {args.views:,} views over {args.hours:g} hours at {args.compress:g} "
        f"times real speed, {args.day_services:,} services in the sandbox answering as slowly "
        f"as {MEASURED_SERVICES:,}; {cores} cores, load average {one:.1f}, {five:.1f}, "
        f"{fifteen:.1f} at the end"
    )
    return heading + "\n" + report(figures) + "\n\n" + slowest_report(figures)


if __name__ == "__main__":
    sys.exit(main())
