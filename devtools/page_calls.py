"""Cold API calls of the Overview (with its trend) and of a Service page, priced at the size of
the real platform, and the calls of the same pages warm (issue 16).

`python -m devtools.page_calls --services 500,2000` (and from `make bench` at its sizes). At each
size a sandbox without latency is served from a thread over an empty Redis. Each page is loaded
cold (Redis emptied first: a reader's first view) and then warm, and the sandbox counts every
request by route. A cold call is priced with the sandbox's own table for `--latency platform`
(`notify_sandbox.platform_latency`: what the call costs the real API on a platform of this many
services), so the figures say what a reader of the real API would wait, which a sandbox on
this machine cannot: the calls run at once, so the slowest call is the page's floor, and the
sum is the work the API does for it. The wall time is this machine's, without latency.
"""

import argparse
import atexit
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import HTTPException

from dashboard.cache.request_cache import RequestCache
from dashboard.domain.financial_year import financial_year_of, london_today
from dashboard.notify_client import NotifyClients, build_clients
from dashboard.runtime import build_runtime
from dashboard.settings import PROJECT_ROOT, Settings
from devtools import page_loads
from devtools.bench_figures import ms
from notify_sandbox import open_database
from notify_sandbox.app import OPEN_ENDPOINTS
from notify_sandbox.platform_latency import platform_seconds
from notify_sandbox.request_counts import route_key
from notify_sandbox.serving import BackgroundSandbox

DEFAULT_SIZES = "500,2000,10000"
DATA_DIR = PROJECT_ROOT / ".data"
SEED = 1

WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


@dataclass(frozen=True)
class Served:
    """One request the sandbox answered."""

    method: str
    path: str
    query: str
    status: int


class Recorder:
    """WSGI middleware around the sandbox: every request it answers, with its arguments, which
    the sandbox's own counts (by route only) leave out and a call's price depends on."""

    def __init__(self, app: WsgiApp) -> None:
        self.app = app
        self._lock = threading.Lock()
        self._served: list[Served] = []

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        def recording(status: str, headers: Any, exc_info: Any = None) -> Any:
            served = Served(
                environ["REQUEST_METHOD"],
                environ.get("PATH_INFO", ""),
                environ.get("QUERY_STRING", ""),
                int(status.split(" ", 1)[0]),
            )
            with self._lock:
                self._served.append(served)
            return start_response(status, headers, exc_info)

        return self.app(environ, recording)

    def take(self) -> list[Served]:
        """The requests since the last take."""
        with self._lock:
            served, self._served = self._served, []
        return served


@dataclass(frozen=True)
class PageCalls:
    """One page at one size: its cold calls by route, each cold call's price in seconds, the
    cold load's wall time here, and the warm load's calls."""

    page: str
    services: int
    cold: dict[str, int]
    # Per call: its route (the detailed services list apart, as it is priced apart) and seconds
    # at the platform's size.
    priced: tuple[tuple[str, float], ...]
    wall_ms: float
    warm: dict[str, int]

    @property
    def cold_calls(self) -> int:
        return sum(self.cold.values())

    @property
    def warm_calls(self) -> int:
        return sum(self.warm.values())

    @property
    def priced_seconds(self) -> float:
        """The API's work for the cold page: every call's price added up."""
        return sum(seconds for _, seconds in self.priced)

    @property
    def slowest(self) -> tuple[str, float]:
        """The dearest call: the calls run at once, so the page waits at least this long."""
        return max(self.priced, key=lambda call: call[1], default=("–", 0.0))

    def by_route(self) -> dict[str, tuple[int, float]]:
        """Calls and seconds priced for each route, all its calls together, dearest first."""
        calls: Counter[str] = Counter()
        totals: Counter[str] = Counter()
        for route, seconds in self.priced:
            calls[route] += 1
            totals[route] += seconds
        return {route: (calls[route], totals[route]) for route, _ in totals.most_common()}


def price(
    sandbox: BackgroundSandbox, served: list[Served], services: int, today: date
) -> tuple[tuple[str, float], ...]:
    """Each answered API request's route and its cost on the real API at `services` services
    (the sandbox's `--latency platform` table); a refused one is priced at nothing, as the
    sandbox delays only successful answers."""
    adapter = sandbox.app.url_map.bind("sandbox")
    year = financial_year_of(today)
    priced = []
    for request in served:
        try:
            rule, _ = adapter.match(request.path, request.method, return_rule=True)
        except HTTPException:
            priced.append((route_key(request.method, None), 0.0))
            continue
        if rule.endpoint in OPEN_ENDPOINTS:
            continue
        arguments = MultiDict(parse_qsl(request.query, keep_blank_values=True))
        view = str(rule.endpoint).rpartition(".")[2]
        seconds = (
            platform_seconds(rule.rule, view, arguments, services, today, year)
            if request.status < 400
            else 0.0
        )
        detailed = rule.rule == "/service" and arguments.get("detailed") == "True"
        route = route_key(request.method, rule) + ("?detailed=True" if detailed else "")
        priced.append((route, seconds))
    return tuple(priced)


def measure_page(
    name: str,
    load: Callable[[], object],
    sandbox: BackgroundSandbox,
    recorder: Recorder,
    cache: RequestCache,
    services: int,
) -> PageCalls:
    """The page cold on an emptied Redis, priced; then warm, counted."""
    assert cache.client is not None
    cache.client.flushdb()
    sandbox.reset_request_counts()
    recorder.take()
    started = time.perf_counter()
    load()
    wall_ms = (time.perf_counter() - started) * 1000
    cold = sandbox.request_counts()
    priced = price(sandbox, recorder.take(), services, london_today())
    if len(priced) != sum(cold.values()):
        raise RuntimeError(f"{name}: {len(priced)} requests recorded, {cold} counted")
    sandbox.reset_request_counts()
    load()
    return PageCalls(name, services, cold, priced, wall_ms, sandbox.request_counts())


@contextmanager
def recorded_sandbox(
    services: int, settings: Settings, data_dir: Path
) -> Iterator[tuple[BackgroundSandbox, Recorder]]:
    """The sandbox of `services` services, without latency, every request recorded."""
    database = open_database(data_dir, SEED, services)
    sandbox = BackgroundSandbox(database, settings.admin_client_id, settings.admin_client_secret)
    recorder = Recorder(sandbox.app.wsgi_app)
    sandbox.app.wsgi_app = recorder  # type: ignore[method-assign]
    sandbox.start()
    try:
        yield sandbox, recorder
    finally:
        sandbox.stop()


def measure(
    cache: RequestCache, services: int, settings: Settings, data_dir: Path = DATA_DIR
) -> list[PageCalls]:
    """The Overview and a live service's Service page at one size, cold and warm."""
    if cache.client is None:
        raise ValueError("Counting a page's calls needs Redis")
    # The settings' timeout for every call, not the platform kinds' own: on a busy machine a
    # sandbox's slow answer at 10,000 services must be counted, not abandoned.
    patient = RequestCache(cache.client, cache.ttls, max_workers=cache.max_workers)
    with recorded_sandbox(services, settings, data_dir) as (sandbox, recorder):
        clients: NotifyClients = build_clients(
            replace(settings, api_host_name=sandbox.url), patient
        )
        live = page_loads.live_services(clients)
        if not live:
            raise RuntimeError(f"No live service among {services:,}")
        service_id = live[len(live) // 2].id
        today = london_today()
        return [
            measure_page(
                "Overview",
                lambda: page_loads.overview(clients, sandbox.url, today),
                sandbox,
                recorder,
                patient,
                services,
            ),
            measure_page(
                "Service page",
                lambda: page_loads.service_page_with_trend(clients, sandbox.url, service_id),
                sandbox,
                recorder,
                patient,
                services,
            ),
        ]


def seconds(value: float) -> str:
    return f"{value:,.2f} s"


def report(figures: list[PageCalls]) -> str:
    """One line per page and size: the cold calls, their price at the platform's size (all of
    them, and the dearest), the wall time here, and the warm calls."""
    lines = [
        "| services | page | cold API calls | priced API time, all calls | slowest call (priced) "
        "| wall time here, no latency | warm API calls |",
        "|---|---|---|---|---|---|---|",
    ]
    for page in figures:
        route, dearest = page.slowest
        lines.append(
            f"| {page.services:,} | {page.page} | {page.cold_calls} | "
            f"{seconds(page.priced_seconds)} | {seconds(dearest)} (`{route}`) | "
            f"{ms(page.wall_ms)} | {page.warm_calls} |"
        )
    return "\n".join(lines)


def routes_report(page: PageCalls) -> str:
    """One page's cold calls by route, each route priced (all its calls together)."""
    lines = [
        f"{page.page} at {page.services:,} services, cold:",
        "| route | calls | priced |",
        "|---|---|---|",
    ]
    for route, (count, priced) in page.by_route().items():
        lines.append(f"| `{route}` | {count} | {seconds(priced)} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--services",
        default=DEFAULT_SIZES,
        help=f"numbers of services, comma-separated (default {DEFAULT_SIZES})",
    )
    args = parser.parse_args(argv)
    sizes = [int(part) for part in args.services.split(",")]
    settings = replace(Settings(), api_timeout_seconds=120.0, redis_socket_timeout_seconds=5.0)
    with tempfile.TemporaryDirectory() as redis_dir:
        runtime = build_runtime(replace(settings, redis_data_dir=Path(redis_dir)))
        try:
            if runtime.cache.client is None:
                print("Counting calls needs Redis:", runtime.redis.warning, file=sys.stderr)
                return 1
            figures = []
            for size in sizes:
                print(f"{size:,} services: cold and warm pages…", flush=True)
                figures += measure(runtime.cache, size, settings)
        except page_loads.PageFailed as failure:
            print(f"A page did not load, so nothing was counted: {failure}", file=sys.stderr)
            return 1
        finally:
            runtime.redis.close()
            atexit.unregister(runtime.redis.close)
    print()
    print(report(figures))
    for page in figures:
        print()
        print(routes_report(page))
    return 0


if __name__ == "__main__":
    sys.exit(main())
