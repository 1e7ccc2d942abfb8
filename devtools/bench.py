"""`make bench`: what the cache buys and what its telemetry costs, as ratios from one run.

The machine is shared and noisy, so every figure is a ratio of medians measured in the same
run, with the two sides interleaved: cold against warm Service pages, a warm page with
telemetry on against off, a batched read against one key at a time, and the All services
and Allowances pages cold against warm. Then a count: the API calls that one cold key costs
when 50 threads in each of 2 processes ask for it at once (single flight).
"""

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from dashboard.domain.financial_year import current_financial_year, london_today
from dashboard.loaders.all_services import load_all_services
from dashboard.loaders.allowances import load_allowances
from dashboard.loaders.service_page import forget_service, load_service_page
from dashboard.runtime import Runtime, build_runtime
from dashboard.settings import PROJECT_ROOT, Settings
from devtools import single_flight
from notify_sandbox import open_database
from notify_sandbox.serving import BackgroundSandbox


def timed(action: Callable[[], object]) -> float:
    started = time.perf_counter()
    action()
    return (time.perf_counter() - started) * 1000


def median_ms(samples: list[float]) -> float:
    return statistics.median(samples)


def service_pages(runtime: Runtime, service_ids: list[str], rounds: int) -> dict[str, float]:
    """Cold (this service's keys emptied first) and warm loads of the same pages, interleaved."""
    clients, context = runtime.clients, runtime.context
    cold, warm = [], []
    for _ in range(rounds):
        for service_id in service_ids:
            forget_service(clients, service_id)
            cold.append(timed(lambda sid=service_id: load_service_page(context, sid, "7")))
            warm.append(timed(lambda sid=service_id: load_service_page(context, sid, "7")))
    return {"cold": median_ms(cold), "warm": median_ms(warm)}


def telemetry_cost(runtime: Runtime, service_ids: list[str], rounds: int) -> dict[str, float]:
    """Warm pages with telemetry on and off, alternating, on the same Redis."""
    context = runtime.context
    cache = runtime.cache
    on, off = [], []
    for service_id in service_ids:
        load_service_page(context, service_id, "7")
    for _ in range(rounds):
        for service_id in service_ids:
            for enabled, samples in ((True, on), (False, off)):
                cache.telemetry_enabled = enabled
                samples.append(timed(lambda sid=service_id: load_service_page(context, sid, "7")))
    cache.telemetry_enabled = True
    return {"on": median_ms(on), "off": median_ms(off)}


def batched_reads(runtime: Runtime, service_ids: list[str], rounds: int) -> dict[str, float]:
    """Warm allowance reads for many services: one pipelined round trip against one each."""
    billing = runtime.clients.billing
    year = current_financial_year()
    calls = [{"service_id": service_id, "financial_year": year} for service_id in service_ids]
    billing.get_free_sms_fragment_limit.many(calls)
    batched, single = [], []
    for _ in range(rounds):
        batched.append(timed(lambda: billing.get_free_sms_fragment_limit.many(calls)))
        single.append(
            timed(lambda: [billing.get_free_sms_fragment_limit(**call) for call in calls])
        )
    return {"batched": median_ms(batched), "one by one": median_ms(single)}


def whole_pages(runtime: Runtime, rounds: int) -> dict[str, dict[str, float]]:
    """All services and Allowances, cold (cache emptied) and warm."""
    today, year = london_today(), current_financial_year()
    results = {}
    for name, load in [
        ("All services", lambda: load_all_services(runtime.context, 7, today)),
        ("Allowances", lambda: load_allowances(runtime.context, year, today)),
    ]:
        cold, warm = [], []
        for _ in range(rounds):
            runtime.cache.client.flushdb()
            cold.append(timed(load))
            warm.append(timed(load))
        results[name] = {"cold": median_ms(cold), "warm": median_ms(warm)}
    return results


def report(rows: list[tuple[str, str, float, str, float]]) -> str:
    lines = [
        "| measure | A | median A | B | median B | A / B |",
        "|---|---|---|---|---|---|",
    ]
    for measure, a_name, a_ms, b_name, b_ms in rows:
        lines.append(
            f"| {measure} | {a_name} | {a_ms:,.1f} ms | {b_name} | {b_ms:,.1f} ms "
            f"| {a_ms / b_ms:,.2f} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--services", type=int, default=2000, help="services in the sandbox")
    parser.add_argument("--sample", type=int, default=20, help="Service pages per round")
    parser.add_argument("--rounds", type=int, default=5, help="rounds of each measure")
    parser.add_argument("--page-rounds", type=int, default=3, help="rounds of whole pages")
    args = parser.parse_args(argv)

    print(f"Preparing a sandbox of {args.services:,} services…", flush=True)
    database = open_database(PROJECT_ROOT / ".data", 1, args.services)
    settings = Settings()
    sandbox = BackgroundSandbox(
        database, settings.admin_client_id, settings.admin_client_secret
    ).start()
    with tempfile.TemporaryDirectory() as redis_dir:
        runtime = build_runtime(
            replace(settings, api_host_name=sandbox.url, redis_data_dir=Path(redis_dir))
        )
        if runtime.cache.client is None:
            print("The benchmark needs Redis:", runtime.redis.warning, file=sys.stderr)
            return 1
        services = runtime.clients.services.get_services()
        sample = [service.id for service in services[:: max(1, len(services) // args.sample)]]
        sample = sample[: args.sample]
        print(f"Measuring ({args.rounds} rounds of {len(sample)} Service pages)…", flush=True)
        pages = service_pages(runtime, sample, args.rounds)
        telemetry = telemetry_cost(runtime, sample, args.rounds)
        batch = batched_reads(runtime, [service.id for service in services], args.rounds)
        whole = whole_pages(runtime, args.page_rounds)
        flight_calls = single_flight.measure(
            single_flight.url_of(runtime.cache.client), threads=50, processes=2
        )
    sandbox.stop()
    print()
    print(
        report(
            [
                ("Service page", "cold", pages["cold"], "warm", pages["warm"]),
                ("warm Service page", "telemetry on", telemetry["on"], "off", telemetry["off"]),
                (
                    f"{len(services):,} allowances, warm",
                    "one by one",
                    batch["one by one"],
                    "batched",
                    batch["batched"],
                ),
                *[
                    (f"{name} page", "cold", figures["cold"], "warm", figures["warm"])
                    for name, figures in whole.items()
                ],
            ]
        )
    )
    print()
    print(f"Single flight: 50 threads + 2 processes, one cold key -> API calls: {flight_calls}")
    print("(50 threads in each of 2 processes, sharing the benchmark's Redis)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
