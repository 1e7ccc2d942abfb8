"""`make bench`: issue 7's figures at 500, 2,000 and 10,000 services, from one run.

`python -m devtools.bench [--services 500,2000,10000]` (one size for a quick run). At each size
it serves the generated sandbox twice from threads: with the real API's latency for every
"cold" figure, so that cold means what a user of the real API waits, and without it to fill the
cache for the memory figures. The cache has an embedded Redis of its own. API calls are the
sandbox's own request counts. Every figure is a median, and every ratio is of two sides
measured in the same run, interleaved: the machine is shared and noisy.

- Allowances, cold: API calls for one financial year, and the time, the platform-wide way
  against the per-service way (two calls per live service, measured on a sample of live
  services and scaled to all of them: at 1.4 s a call it would take minutes).
- Service page, cold: the counts and limits against the statistics call alone; cold against
  warm ("cold" empties that service's keys first).
- All services: cold against warm, warm, and warm in a process that has not decoded it yet.
- Warm pages' growth from the fewest services to the most; telemetry on against off.
- Redis memory per service once every page has been loaded for a sample of services.
- Single flight: API calls when 50 threads in each of 2 processes ask for one cold key.
- Server time per warm view, page by page: the page script's own CPU time (`server_time`).
- Browser settle time per warm page in Chromium, less an empty Streamlit page measured in the
  same rounds (`browser_settle`).
- The alerts checker: API calls and time of one cold check of every kind of rule (what it
  reads and evaluates; it sends nothing here).
- The Overview (with its trend) and a Service page: cold API calls priced with the sandbox's
  platform-scale table, and the calls warm (`page_calls`).
- Readers at once (`readers`): 50 raw WebSocket sessions opened together on 1 and 2 real
  dashboard processes on a warm cache, p50 and p95 view time (`--readers 0` to leave it out).
- A working day of readers against a sandbox as slow as the platform (`working_day`; its
  flags here too, `--views 0` to leave it out).

Pages are loaded through `page_loads`, the one module that knows the loaders.
"""

import argparse
import atexit
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path
from typing import TypeVar

import redis

from dashboard.alerts.checker import read_platform
from dashboard.cache.request_cache import RequestCache
from dashboard.concurrency import run_all
from dashboard.domain.alert_checks import crossings
from dashboard.domain.alert_rules import KINDS, parse_rules
from dashboard.domain.financial_year import current_financial_year, london_today
from dashboard.notify_client import NotifyClients, build_clients
from dashboard.runtime import build_runtime
from dashboard.settings import PROJECT_ROOT, Settings
from devtools import (
    browser_settle,
    page_calls,
    page_loads,
    readers,
    server_time,
    single_flight,
    working_day,
)
from devtools.bench_figures import Comparison, scaled
from devtools.bench_report import SizeFigures, memory_by_kind, report
from devtools.chromium import find_chromium
from devtools.redis_memory import MemoryUse, key_uses, memory_use, templates_held
from notify_sandbox import open_database
from notify_sandbox.serving import BackgroundSandbox

DEFAULT_SIZES = "500,2000,10000"
DATA_DIR = PROJECT_ROOT / ".data"
T = TypeVar("T")


@dataclass(frozen=True)
class Options:
    """How much of each measure to take: enough for a median, bounded in time."""

    rounds: int = 3  # cold rounds: whole pages, allowances
    warm_rounds: int = 10  # warm loads of a page
    pages: int = 4  # services whose Service page is loaded cold, each round
    warm_pages: int = 10  # services whose Service page is loaded warm, each round
    allowance_sample: int = 16  # live services read the per-service way, each round
    memory_sample: int = 200  # services whose every page is loaded for the memory figures


@dataclass(frozen=True)
class Api:
    """One size's sandbox, as slow as the real API, clients for it and for a fast one, and the
    cache and Redis they share."""

    sandbox: BackgroundSandbox
    real: NotifyClients
    fast: NotifyClients
    label: str
    fresh: Callable[[], NotifyClients]  # clients on a cache with nothing decoded yet
    cache: RequestCache
    redis: redis.Redis


def timed(action: Callable[[], object]) -> float:
    started = time.perf_counter()
    action()
    return (time.perf_counter() - started) * 1000


def evenly(items: Sequence[T], count: int) -> list[T]:
    """`count` items spread over the whole sequence (all of them when there are fewer)."""
    if count >= len(items):
        return list(items)
    step = len(items) / count
    return [items[int(index * step)] for index in range(count)]


def fill_service_pages(api: Api, service_ids: list[str]) -> None:
    """Load these services' pages from the sandbox without latency, a few at once (not timed)."""
    results = run_all(
        {sid: partial(page_loads.service_page, api.fast, api.label, sid) for sid in service_ids},
        max_workers=4,
    )
    for result in results.values():
        result.unwrap()


def all_services(api: Api, options: Options) -> tuple[Comparison, Comparison, float]:
    """Cold (Redis emptied) against warm, interleaved; then the warm page against its three
    reads alone, interleaved; and warm in a new process."""
    today = london_today()
    page = partial(page_loads.all_services, api.real, api.label, today)
    cold, warm = [], []
    for _ in range(options.rounds):
        api.redis.flushdb()
        cold.append(timed(page))
        warm.append(timed(page))
    warm_again, reads = [], []
    for _ in range(options.warm_rounds):
        warm_again.append(timed(page))
        reads.append(timed(partial(page_loads.all_services_reads, api.real, today)))
    first_views = [
        timed(partial(page_loads.all_services, api.fresh(), api.label, today))
        for _ in range(options.rounds)
    ]
    return (
        Comparison(tuple(cold), tuple(warm)),
        Comparison(tuple(warm_again), tuple(reads)),
        statistics.median(first_views),
    )


def allowances(api: Api, options: Options) -> tuple[int, Comparison, int, int]:
    """Cold, one financial year: the platform-wide calls against two calls per live service.

    The per-service way is measured on a sample of live services and scaled to all of them
    (the services list it starts with is counted once, as measured). Gives the live services,
    per service against bulk, and the API calls of each way."""
    year = current_financial_year()
    bulk, per_service = [], []
    bulk_calls = per_service_calls = live = 0
    for _ in range(options.rounds):
        api.redis.flushdb()
        api.sandbox.reset_request_counts()
        bulk.append(timed(partial(page_loads.allowances_bulk, api.real, year)))
        bulk_calls = sum(api.sandbox.request_counts().values())

        api.redis.flushdb()
        api.sandbox.reset_request_counts()
        started = time.perf_counter()
        services = page_loads.live_services(api.real)
        list_ms = (time.perf_counter() - started) * 1000
        list_calls = sum(api.sandbox.request_counts().values())
        sample = [service.id for service in evenly(services, options.allowance_sample)]
        api.sandbox.reset_request_counts()
        sample_ms = timed(partial(page_loads.allowances_per_service, api.real, year, sample))
        sample_calls = sum(api.sandbox.request_counts().values())
        live = len(services)
        per_service.append(list_ms + scaled(sample_ms, len(sample), live))
        per_service_calls = list_calls + round(scaled(sample_calls, len(sample), live))
    return live, Comparison(tuple(per_service), tuple(bulk)), bulk_calls, per_service_calls


def service_pages(
    api: Api, service_ids: list[str], options: Options
) -> tuple[Comparison, Comparison]:
    """The cold counts and limits against the cold statistics call, and cold (the service's
    keys emptied) against warm Service pages, all interleaved, service by service."""
    page_loads.service_page(api.real, api.label, service_ids[0])  # the picker's names, once
    statistics_call, counts, cold, warm = [], [], [], []
    for _ in range(options.rounds):
        for service_id in service_ids:
            page_loads.forget(api.real, service_id)
            statistics_call.append(timed(partial(page_loads.statistics_call, api.real, service_id)))
            page_loads.forget(api.real, service_id)
            counts.append(page_loads.service_counts_and_limits_ms(api.real, service_id))
            page_loads.forget(api.real, service_id)
            page = partial(page_loads.service_page, api.real, api.label, service_id)
            cold.append(timed(page))
            warm.append(timed(page))
    return (
        Comparison(tuple(counts), tuple(statistics_call)),
        Comparison(tuple(cold), tuple(warm)),
    )


def telemetry(api: Api, service_ids: list[str], options: Options) -> Comparison:
    """Warm Service pages with telemetry on and off, alternating, on the same Redis."""
    fill_service_pages(api, service_ids)
    on: list[float] = []
    off: list[float] = []
    try:
        for _ in range(options.warm_rounds):
            for service_id in service_ids:
                page = partial(page_loads.service_page, api.real, api.label, service_id)
                for enabled, samples in ((True, on), (False, off)):
                    api.cache.telemetry_enabled = enabled
                    samples.append(timed(page))
    finally:
        api.cache.telemetry_enabled = True
    return Comparison(tuple(on), tuple(off))


def memory(api: Api, services: int, service_ids: list[str]) -> MemoryUse:
    """Every page loaded for a sample of services (the platform-wide pages once), then what
    Redis holds, scaled to every service."""
    api.redis.flushdb()
    page_loads.all_services(api.fast, api.label, london_today())
    page_loads.allowances_bulk(api.fast, current_financial_year())
    fill_service_pages(api, service_ids)
    uses = key_uses(api.redis)
    templates = templates_held(api.redis, uses)
    return memory_use(uses, services, len(service_ids), templates)


def alerts_check(api: Api) -> tuple[int, float]:
    """One cold check of a rule of every kind over all services, with the real API's latency:
    its API calls (a fixed number, whatever the number of services) and milliseconds."""
    rules = parse_rules(
        "".join(
            f'[[rules]]\nkind = "{kind}"\npercent = 80\nemail = ["ops@example.gov.uk"]\n'
            'services = "all"\n'
            for kind in KINDS
        )
    )
    api.redis.flushdb()
    api.sandbox.reset_request_counts()

    def check() -> None:
        day = london_today()
        crossings(rules, read_platform(api.real, day, "http://dashboard", api.label, set(KINDS)))

    milliseconds = timed(check)
    return sum(api.sandbox.request_counts().values()), milliseconds


@contextmanager
def sandbox_api(
    settings: Settings, cache: RequestCache, services: int, data_dir: Path = DATA_DIR
) -> Iterator[Api]:
    """The sandbox of `services` services, with real latency and without, until the block ends,
    on an empty Redis: nothing read at another size may stand in for this one's answers."""
    if cache.client is None:
        raise ValueError("The benchmark needs Redis")
    database = open_database(data_dir, 1, services)
    credentials = (database, settings.admin_client_id, settings.admin_client_secret)
    cache.client.flushdb()
    real = BackgroundSandbox(*credentials, latency="real").start()
    fast = BackgroundSandbox(*credentials).start()
    try:
        real_settings = replace(settings, api_host_name=real.url)

        def fresh() -> NotifyClients:
            new_cache = RequestCache(cache.client, cache.ttls, max_workers=cache.max_workers)
            return build_clients(real_settings, new_cache)

        yield Api(
            real,
            build_clients(real_settings, cache),
            build_clients(replace(settings, api_host_name=fast.url), cache),
            real.url,
            fresh,
            cache,
            cache.client,
        )
    finally:
        real.stop()
        fast.stop()


def measure(
    settings: Settings, cache: RequestCache, services: int, options: Options
) -> SizeFigures:
    """Every figure at one number of services."""
    print(f"{services:,} services: preparing the sandbox…", flush=True)
    with sandbox_api(settings, cache, services) as api:
        every = [service.id for service in api.fast.services.get_services()]
        print(f"{services:,} services: measuring…", flush=True)
        whole, warm, first_view = all_services(api, options)
        live, per_service, bulk_calls, per_service_calls = allowances(api, options)
        counts_ready, service_page = service_pages(api, evenly(every, options.pages), options)
        alert_calls, alert_ms = alerts_check(api)
        print(
            f"{services:,} services: a cold alerts check of every kind: {alert_calls} API calls, "
            f"{alert_ms / 1000:.1f} s",
            flush=True,
        )
        return SizeFigures(
            services=len(every),
            live=live,
            allowances=per_service,
            bulk_calls=bulk_calls,
            per_service_calls=per_service_calls,
            counts_ready=counts_ready,
            service_page=service_page,
            all_services=whole,
            all_services_warm=warm,
            all_services_first_view=first_view,
            telemetry=telemetry(api, evenly(every, options.warm_pages), options),
            memory=memory(api, len(every), evenly(every, options.memory_sample)),
        )


def sizes_of(text: str) -> list[int]:
    """ "500,2000,10000" -> [500, 2000, 10000]."""
    try:
        sizes = [int(part.replace("_", "")) for part in text.split(",") if part.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(f"not numbers of services: {text!r}") from None
    if not sizes or min(sizes) < 1:
        raise argparse.ArgumentTypeError(f"not numbers of services: {text!r}")
    return sizes


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--services",
        type=sizes_of,
        default=sizes_of(DEFAULT_SIZES),
        help=f"numbers of services, comma-separated (default {DEFAULT_SIZES})",
    )
    working_day.add_arguments(parser)
    readers.add_arguments(parser)
    args = parser.parse_args(argv)
    options = Options()
    # Generous timeouts: a slow answer on a busy machine must not turn into a cache miss.
    settings = replace(Settings(), api_timeout_seconds=120.0, redis_socket_timeout_seconds=5.0)
    with tempfile.TemporaryDirectory() as redis_dir:
        runtime = build_runtime(replace(settings, redis_data_dir=Path(redis_dir)))
        try:
            if runtime.cache.client is None:
                print("The benchmark needs Redis:", runtime.redis.warning, file=sys.stderr)
                return 1
            try:
                figures = [
                    measure(settings, runtime.cache, size, options) for size in args.services
                ]
                calls = [
                    page
                    for size in args.services
                    for page in page_calls.measure(runtime.cache, size, settings, DATA_DIR)
                ]
            except page_loads.PageFailed as failure:
                print(f"A page did not load, so nothing was measured: {failure}", file=sys.stderr)
                return 1
            print("Single flight…", flush=True)
            flight_calls = single_flight.measure(
                single_flight.url_of(runtime.cache.client), threads=50, processes=2
            )
            failed = {
                (kind, outcome): count
                for (kind, outcome), count in runtime.cache.process_counts.items()
                if outcome in ("error", "corrupt", "invalid", "stale")
            }
        finally:
            runtime.redis.close()
            atexit.unregister(runtime.redis.close)
    cores, (one, five, fifteen) = os.cpu_count(), os.getloadavg()
    print()
    print(f"{cores} cores; load average {one:.1f}, {five:.1f}, {fifteen:.1f} at the end of the run")
    print()
    print(report(figures))
    print()
    print(f"Single flight: 50 threads + 2 processes, one cold key -> API calls: {flight_calls}")
    print()
    print(f"Redis by kind at {figures[-1].services:,} services, after the memory run:")
    print(memory_by_kind(figures[-1].memory))
    if failed:
        print(f"\nLookups that did not go as planned (these figures are suspect): {failed}")
    print()
    print("Server time per warm view (the page script's CPU time, median; target 50 ms):")
    script_times = {size: server_time.measure(size, DATA_DIR) for size in args.services}
    print(server_time.report(script_times))
    print()
    chromium = find_chromium()
    if chromium is None:
        print("Browser settle time: not measured, no Chromium (`python -m devtools.chromium`).")
    else:
        print(
            "Browser settle time per warm page less an empty Streamlit page (median; the "
            f"page's own in brackets; target +{browser_settle.TARGET_SECONDS:.1f} s):"
        )
        settled = {size: browser_settle.measure(size, DATA_DIR, chromium) for size in args.services}
        print(browser_settle.report(settled))
    print()
    print("Cold API calls priced at the platform's size, and warm calls (`page_calls`):")
    print(page_calls.report(calls))
    if args.readers:
        for size in args.services:
            print()
            runs = readers.measure(args.readers, size, args.processes, DATA_DIR)
            script_ms = {times.page: times.view_ms for times in script_times[size]}
            print(readers.report(args.readers, size, runs, script_ms))
    if args.views:
        print()
        print(working_day.main_report(args))
    return 0


if __name__ == "__main__":
    sys.exit(main())
