"""Keep the platform warm: read the platform-wide answers the pages need before they expire.

At the platform's size these calls take seconds (the services list 5 s, a year of
volumes-by-service or the billing report 3 s), so the first reader after one expires would
wait for it. This job refreshes each one that is missing or expires within the next
`--due-within` seconds (10 minutes by default), so readers find them current all day:

    python -m dashboard.warm                  # once: for cron, a systemd timer, a CronJob
    python -m dashboard.warm --every 240      # beside the dashboard (`make run` does this)

Run it every 4 minutes: more often than the shortest TTL it covers (5 minutes), so that a run
that takes a while (the services list alone takes 5 s at the platform's size) still refreshes
each answer before the last one expires. A key another reader is loading is left to it (the
same lock as a miss), and what is current is left alone, so any number of these jobs and
dashboards can run at once.
Answers about a settled period (a range that ended more than 10 days ago, or a past financial
year) are kept a week (see `cache.policy`), so the job seldom reloads them.

The alerts checker calls `warm_platform` with its own clients before it checks.
"""

import argparse
import logging
import sys
import time
from dataclasses import dataclass
from datetime import date, timedelta

from dashboard.cache.request_cache import (
    HELD_ELSEWHERE,
    MOVED_ON,
    NOT_DUE,
    REFRESHED,
    CacheRequest,
)
from dashboard.concurrency import run_all
from dashboard.domain.allowance_table import allowance_probe, usage_range
from dashboard.domain.comparison import earlier_windows
from dashboard.domain.daily_trend import trend_start
from dashboard.domain.financial_year import (
    FIRST_FINANCIAL_YEAR,
    financial_year_of,
    london_today,
)
from dashboard.domain.retention import LONGEST_RETENTION_DAYS
from dashboard.loaders.all_services import window_start
from dashboard.loaders.overview import SENDERS_DAYS
from dashboard.notify_client import NotifyClients
from dashboard.notify_client.derived import (
    day_requests,
    service_names_request,
    window_counts_request,
)
from dashboard.runtime import build_runtime

logger = logging.getLogger(__name__)

#: Refresh what would expire before the next run of a job every 4 minutes, with room to spare.
DUE_WITHIN_SECONDS = 600.0
#: What a run may answer for a key without anything being wrong.
FINE = frozenset({REFRESHED, NOT_DUE, HELD_ELSEWHERE, MOVED_ON})


@dataclass(frozen=True)
class Warmed:
    """What the job did for one key, and how long it took."""

    key: str
    kind: str
    done: str
    milliseconds: float

    @property
    def ok(self) -> bool:
        return self.done in FINE


#: Windows whose sums are kept made ahead: the default and the next most chosen. Any other
#: window (1 to 90 days) is summed from the kept days by its first reader, with no API call.
WINDOWS_DAYS = (SENDERS_DAYS, 30)
#: The longest window a page offers: All services' slider, a service's longest retention.
LONGEST_WINDOW_DAYS = LONGEST_RETENTION_DAYS


def kept_days(today: date) -> list[date]:
    """Every day a page can count: the longest window and the four of its length before it
    (455 days). Each day's counts are one small key, a day's detailed list (140 ms at 2,000
    services); a settled day is kept a month, so a run reloads the 11 days still settling."""
    start = window_start(LONGEST_WINDOW_DAYS, today)
    first = min(earliest for earliest, _ in earlier_windows(start, today))
    return [first + timedelta(days=n) for n in range((today - first).days + 1)]


def platform_requests(clients: NotifyClients, today: date) -> list[list[CacheRequest]]:
    """The platform-wide calls every page can make today, in three steps, each needing the
    one before: the services list (the picker's names come from it); then the picker's
    names, today's counts and every day's, the platform's totals and trend, and the
    Allowances and Organisations calls for every financial year they offer (a past one is
    kept a week); then the sums of All services' usual windows and of the four windows
    before them, from the days (no API call)."""
    services, platform = clients.services, clients.platform
    allowances = []
    for year in range(financial_year_of(today), FIRST_FINANCIAL_YEAR - 1, -1):
        first, last = usage_range(year, today)
        allowances += [
            platform.get_volumes_by_service.request(*allowance_probe(year)),
            platform.get_volumes_by_service.request(first, last),
            platform.get_data_for_billing_report.request(first, last),
        ]
    yesterday = today - timedelta(days=1)
    windows = [
        window_counts_request(clients, first, last, today)
        for days in WINDOWS_DAYS
        for first, last in (
            (window_start(days, today), yesterday),
            *earlier_windows(window_start(days, today), today),
        )
    ]
    return [
        [services.get_services.request()],
        [
            service_names_request(clients),
            services.get_services_detailed.request(today, today),
            *day_requests(clients, kept_days(today), today),
            platform.get_platform_stats.request(today, today),
            platform.get_daily_volumes.request(trend_start(today), today),
            *allowances,
        ],
        windows,
    ]


def warm_platform(
    clients: NotifyClients,
    today: date | None = None,
    due_within_seconds: float = DUE_WITHIN_SECONDS,
    max_workers: int = 4,
) -> list[Warmed]:
    """Refresh each platform-wide answer that is missing or due within the given seconds;
    what was done for each. Never raises: a failed call keeps its current value. Which keys
    are due is asked in one round trip (most of the 455 days are settled and kept a month)."""
    cache = clients.cache

    def warm(request: CacheRequest) -> Warmed:
        started = time.perf_counter()
        done = cache.refresh(request, due_within_seconds)
        return Warmed(request.key, request.kind, done, (time.perf_counter() - started) * 1000)

    warmed = []
    for step in platform_requests(clients, today or london_today()):
        due = cache.due(step, due_within_seconds)
        warmed += [
            Warmed(request.key, request.kind, NOT_DUE, 0.0)
            for request, is_due in zip(step, due, strict=True)
            if not is_due
        ]
        chosen = [request for request, is_due in zip(step, due, strict=True) if is_due]
        done = run_all({r.key: (lambda r=r: warm(r)) for r in chosen}, max_workers)
        warmed += [result.unwrap() for result in done.values()]
    cache.flush_telemetry()  # the run's refreshes, counted for the Cache page
    return warmed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m dashboard.warm", description=__doc__)
    parser.add_argument(
        "--due-within",
        type=float,
        default=DUE_WITHIN_SECONDS,
        help="refresh what expires within this many seconds (default 600)",
    )
    parser.add_argument(
        "--every", type=float, help="run again every this many seconds, until stopped"
    )
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    runtime = build_runtime()
    if not runtime.cache.enabled:
        print(f"Nothing to warm without a cache ({runtime.redis.description})", file=sys.stderr)
        return 1
    next_run = time.monotonic()
    while True:
        warmed = warm_platform(runtime.clients, due_within_seconds=args.due_within)
        for item in warmed:
            logger.info(
                "%-34s %-15s %8.0f ms  %s", item.kind, item.done, item.milliseconds, item.key
            )
        if args.every is None:
            return 0 if all(item.ok for item in warmed) else 1
        # At a fixed rate, however long the run took.
        next_run += args.every
        time.sleep(max(0.0, next_run - time.monotonic()))


if __name__ == "__main__":
    sys.exit(main())
