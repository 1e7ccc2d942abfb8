"""Drive realistic page views through the real loaders, to fill the cache and its telemetry.

`python -m devtools.traffic --views 5000 --seed 1 [--api http://127.0.0.1:6011]`

Each view does what a page of the app does when someone opens it: the Service page reads the
service list for its picker and then the service (a few popular services and a long tail, by a
Zipf law; the days slider mostly on 7, sometimes 30, rarely anything else; now and then the
Refresh button first); All services reads its three platform-wide calls; Allowances, now and
then, reads its four platform-wide calls for a year. The same seed and the same service list
give the same views in the same order.

Views follow one another with no pause, in real time. There is no time scale: Redis expires keys
by its own clock, so running faster than real time would mean shortening the TTLs, and the
telemetry would then record a different cache from the one being measured. In a run of a few
minutes only the shortest TTLs (statistics today: 60 s; statistics: 5 min) expire; the
notebook's TTL replay says what longer runs and other TTLs would do.
"""

import argparse
import itertools
import random
import socket
import sys
import time
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from urllib.parse import urlsplit

from notifications_python_client.errors import APIError

from dashboard.cache import telemetry
from dashboard.domain.financial_year import financial_years, london_today
from dashboard.domain.retention import choose_days
from dashboard.loaders.all_services import load_all_services
from dashboard.loaders.allowance_by_month import load_allowance_by_month
from dashboard.loaders.allowances import load_allowances
from dashboard.loaders.errors import describe_error
from dashboard.loaders.sections import Failed, Ready
from dashboard.loaders.service_page import (
    NotAServiceId,
    forget_service,
    load_service_page,
    service_choices,
)
from dashboard.redaction import redacted_url
from dashboard.runtime import Runtime, build_runtime
from dashboard.settings import PROJECT_ROOT, Settings, load_settings
from notify_sandbox import open_database
from notify_sandbox.serving import BackgroundSandbox

SERVICE, ALL_SERVICES, ALLOWANCES = "service", "all-services", "allowances"
# Finance opens Allowances rarely.
PAGE_WEIGHTS: Mapping[str, float] = {SERVICE: 0.947, ALL_SERVICES: 0.05, ALLOWANCES: 0.003}
DAYS_WEIGHTS: Mapping[int, float] = {7: 70, 30: 20, 14: 3, 1: 2, 3: 2, 60: 2, 90: 1}
ZIPF_EXPONENT = 1.1
SLIDER_SHARE = 0.2  # a Service view that moves the slider on the service just shown
REFRESH_SHARE = 0.02  # a Service view that presses Refresh first
PREVIOUS_YEAR_SHARE = 0.1  # an Allowances view of last financial year, not this one
ALL_SERVICES_MAX_DAYS = 90  # the All services page's slider goes this far
PROGRESS_EVERY = 500
SANDBOX_SEED = 1


@dataclass(frozen=True)
class View:
    """One page view: which page, for what, and whether Refresh was pressed first."""

    page: str
    service_id: str | None = None
    days: int | None = None
    financial_year: int | None = None
    refresh: bool = False


def _days(rng: random.Random, other_than: int | None = None) -> int:
    choices = [days for days in DAYS_WEIGHTS if days != other_than]
    return rng.choices(choices, weights=[DAYS_WEIGHTS[days] for days in choices])[0]


def plan_views(
    service_ids: Sequence[str], views: int, seed: int, years: Sequence[int]
) -> list[View]:
    """The views to make, drawn from the seed alone: the same inputs always give the same plan.

    Services are ranked by popularity in an order shuffled by the seed (not the API's order),
    and drawn with weight 1 / rank^1.1. `years` lists financial years, the current one first.
    """
    rng = random.Random(seed)
    ranked = sorted(service_ids)
    rng.shuffle(ranked)
    popularity = list(
        itertools.accumulate(1 / (rank + 1) ** ZIPF_EXPONENT for rank in range(len(ranked)))
    )
    pages, page_weights = list(PAGE_WEIGHTS), list(PAGE_WEIGHTS.values())
    plan: list[View] = []
    for _ in range(views):
        page = rng.choices(pages, weights=page_weights)[0]
        previous = plan[-1] if plan else None
        if page == SERVICE and not ranked:
            page = ALL_SERVICES
        if page == SERVICE:
            if previous is not None and previous.page == SERVICE and rng.random() < SLIDER_SHARE:
                view = View(SERVICE, previous.service_id, _days(rng, other_than=previous.days))
            else:
                service_id = rng.choices(ranked, cum_weights=popularity)[0]
                view = View(SERVICE, service_id, _days(rng), refresh=rng.random() < REFRESH_SHARE)
        elif page == ALL_SERVICES:
            view = View(ALL_SERVICES, days=_days(rng))
        else:
            last_year = len(years) > 1 and rng.random() < PREVIOUS_YEAR_SHARE
            view = View(ALLOWANCES, financial_year=years[1 if last_year else 0])
        plan.append(view)
    return plan


def _show(runtime: Runtime, view: View) -> str | None:
    """Load one view as its page would; the page's error message, if it showed one."""
    clients, host = runtime.clients, runtime.settings.api_host_name
    if view.page == SERVICE:
        if view.refresh:
            forget_service(clients, view.service_id)
        try:
            service_choices(clients)
        except Exception as error:  # the page shows the message and stops
            return describe_error(error, host)
        page = load_service_page(runtime.context, view.service_id, view.days)
        if isinstance(page, NotAServiceId):
            return page.message
        months = (
            load_allowance_by_month(runtime.context, page.service_id, page.allowance.value)
            if isinstance(page.allowance, Ready)
            else None
        )
        failures = page.failures() + ((months.message,) if isinstance(months, Failed) else ())
        return next(iter(failures), None)
    if view.page == ALL_SERVICES:
        days = choose_days(view.days, ALL_SERVICES_MAX_DAYS).days
        section = load_all_services(runtime.context, days, london_today())
        return section.message if isinstance(section, Failed) else None
    section = load_allowances(runtime.context, view.financial_year)
    return section.message if isinstance(section, Failed) else None


def counts_since(before: Counter, after: Counter) -> dict[tuple[str, str], int]:
    """Lookups by (kind, outcome) made between two readings of `process_counts`."""
    return {key: after[key] - before[key] for key in after if after[key] - before[key]}


def hit_rate(counts: Mapping[tuple[str, str], int]) -> float:
    """Hits over lookups that reached Redis (errors and `off` are not lookups of the cache)."""
    looked = sum(n for (_, outcome), n in counts.items() if outcome in telemetry.REACHED_REDIS)
    hits = sum(n for (_, outcome), n in counts.items() if outcome == "hit")
    return hits / looked if looked else 0.0


def run_traffic(
    runtime: Runtime,
    views: int,
    seed: int,
    on_progress: Callable[[dict], None] | None = None,
    progress_every: int = PROGRESS_EVERY,
) -> dict:
    """Make `views` page views against the runtime's API and cache; say what happened.

    Raises the client's error when the service list cannot be read at all (no API there). A
    view whose loader raises is counted under `crashes` and the run goes on.
    `on_progress` gets {views, total, seconds, hit_rate} every `progress_every` views.
    """
    cache = runtime.cache
    before = Counter(cache.process_counts)
    started = time.perf_counter()
    service_ids = [service.id for service in runtime.clients.services.get_services()]
    plan = plan_views(service_ids, views, seed, financial_years())
    errors: Counter[str] = Counter()
    crashes: Counter[str] = Counter()
    for done, view in enumerate(plan, start=1):
        try:
            if _show(runtime, view) is not None:
                errors[view.page] += 1
        except Exception as error:  # a bug in a loader: the app would show a traceback
            crashes[f"{view.page}: {type(error).__name__}: {error}"] += 1
        if on_progress is not None and (done % progress_every == 0 or done == len(plan)):
            on_progress(
                {
                    "views": done,
                    "total": len(plan),
                    "seconds": time.perf_counter() - started,
                    "hit_rate": hit_rate(counts_since(before, cache.process_counts)),
                }
            )
    cache.flush_telemetry()  # the last views' telemetry waits for a next Redis command
    lookups = counts_since(before, cache.process_counts)
    kinds = sorted({kind for kind, _ in lookups})
    return {
        "views": len(plan),
        "seed": seed,
        "seconds": time.perf_counter() - started,
        "services": len(service_ids),
        "pages": dict(Counter(view.page for view in plan)),
        "refreshes": sum(view.refresh for view in plan),
        "page_errors": dict(errors),
        "crashes": dict(crashes),
        "lookups": lookups,
        "hit_rate": hit_rate(lookups),
        "hit_rate_by_kind": {
            kind: hit_rate({key: n for key, n in lookups.items() if key[0] == kind})
            for kind in kinds
        },
        "plan": plan,
    }


def _print_progress(progress: dict) -> None:
    print(
        f"{progress['views']:>7,} of {progress['total']:,} views  "
        f"{progress['seconds']:6.1f} s  hit rate so far {progress['hit_rate']:.1%}",
        flush=True,
    )


def _print_summary(summary: dict) -> None:
    seconds = summary["seconds"]
    print(
        f"\n{summary['views']:,} views of {summary['services']:,} services in {seconds:.1f} s "
        f"({summary['views'] / seconds:.0f} views/s)"
    )
    pages = ", ".join(f"{page} {count:,}" for page, count in sorted(summary["pages"].items()))
    print(f"Pages: {pages}; Refresh pressed {summary['refreshes']:,} times")
    if summary["page_errors"]:
        shown = ", ".join(f"{page} {n:,}" for page, n in sorted(summary["page_errors"].items()))
        print(f"Views that showed an error: {shown}")
    for crash, count in sorted(summary["crashes"].items()):
        print(f"Crashed {count:,} times (a bug, not the API): {crash}")
    print(f"Hit rate: {summary['hit_rate']:.1%}")
    for kind, rate in summary["hit_rate_by_kind"].items():
        looked = sum(n for (k, _), n in summary["lookups"].items() if k == kind)
        print(f"  {kind:<18} {rate:6.1%} of {looked:>8,} lookups")


def api_reachable(url: str, timeout: float = 1.0) -> bool:
    """Whether anything listens where the settings say the API is."""
    parts = urlsplit(url)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        with socket.create_connection((parts.hostname, port), timeout=timeout):
            return True
    except OSError:
        return False


def start_sandbox(settings: Settings, services: int, data_dir: Path) -> BackgroundSandbox:
    """A sandbox of generated services (built once in `data_dir`), served from a thread."""
    database = open_database(data_dir, SANDBOX_SEED, services)
    return BackgroundSandbox(
        database, settings.admin_client_id, settings.admin_client_secret
    ).start()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--views", type=int, default=5000, help="page views to make")
    parser.add_argument("--seed", type=int, default=1, help="the random seed of the views")
    parser.add_argument("--api", help="the API's URL (default: API_HOST_NAME or the sandbox's)")
    parser.add_argument(
        "--services",
        type=int,
        default=2000,
        help="services in the sandbox started when no API answers",
    )
    parser.add_argument(
        "--data-dir",
        type=Path,
        default=PROJECT_ROOT / ".data",
        help="where that sandbox keeps its generated database",
    )
    args = parser.parse_args(argv)

    settings = load_settings()
    if args.api:
        settings = replace(settings, api_host_name=args.api.rstrip("/"))
    sandbox = None
    if not api_reachable(settings.api_host_name):
        print(
            f"Nothing answers at {redacted_url(settings.api_host_name)}: starting a sandbox…",
            flush=True,
        )
        sandbox = start_sandbox(settings, args.services, args.data_dir)
        settings = replace(settings, api_host_name=sandbox.url)
    runtime = build_runtime(settings)
    print(f"API {redacted_url(settings.api_host_name)}; cache: {runtime.redis.description}")
    if runtime.redis.warning:
        print(f"Warning: {runtime.redis.warning}", file=sys.stderr)
    try:
        summary = run_traffic(runtime, args.views, args.seed, on_progress=_print_progress)
    except APIError as error:  # an API that refuses or fails: say why, not a traceback
        print(describe_error(error, settings.api_host_name), file=sys.stderr)
        return 1
    finally:
        if sandbox is not None:
            sandbox.stop()
    _print_summary(summary)
    return 0


if __name__ == "__main__":
    sys.exit(main())
