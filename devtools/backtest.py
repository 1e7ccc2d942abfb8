"""Backtest the year-end forecast (`dashboard/domain/forecast.py`) on the sandbox's past years.

For each financial year that has ended and that the sandbox has whole, it reads every live
service's texts month by month (volumes-by-service for each month: 12 platform-wide calls a
year, plus the year's allowances), then, as the year stood at the end of each month from April
to February, forecasts each service's year-end fragments and compares them with how the year
ended. It reports:

- **coverage**: the share of services whose year-end fragments fell inside their 80 % range
  (target 75 % to 85 %), for services that had sent texts by the month of the forecast;
- **the platform total's own range**: how often the platform's year-end total fell inside the
  80 % range `forecast.sum_forecasts` gives it;
- **the platform total's error**: |forecast − actual| / actual of the sum of every service's
  expected year-end fragments, at the end of months 3, 6 and 9 (June, September, December),
  the median over the years.

The sandbox's history is generated (`notify_sandbox/history.py`), so these figures say how the
method copes with growth, seasons, noise and services that start and stop, not how it would
do on the real platform's years.

    python -m devtools.backtest [--services 2000]
"""

from __future__ import annotations

import argparse
import statistics
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from pathlib import Path

from dashboard.cache.policy import DEFAULT_TTLS
from dashboard.cache.request_cache import RequestCache
from dashboard.domain.allowance_table import allowance_probe
from dashboard.domain.financial_year import (
    FINANCIAL_YEAR_MONTHS,
    current_financial_year,
    month_start,
)
from dashboard.domain.forecast import forecast_service, sum_forecasts
from dashboard.notify_client import NotifyClients, build_clients
from dashboard.settings import PROJECT_ROOT, Settings

#: The months (1 = April) at whose end the platform total's error is reported.
REPORTED_MONTHS = (3, 6, 9)
DATA_DIR = PROJECT_ROOT / ".data"


@dataclass(frozen=True)
class YearOfTexts:
    """Each live service's fragments month by month (April first) and its allowance."""

    financial_year: int
    months: Mapping[str, tuple[int, ...]]
    allowances: Mapping[str, int]


@dataclass(frozen=True)
class Backtest:
    """Coverage of the 80 % range by month of forecast, and the platform total's errors."""

    years: tuple[int, ...]
    services: int
    coverage_by_month: Mapping[int, float]
    coverage: float
    platform_errors: Mapping[int, tuple[float, ...]]
    platform_coverage: float

    def median_error(self, month: int) -> float:
        return statistics.median(self.platform_errors[month])


def _month_end(year: int, month: int) -> date:
    """The last day of month `month` (1 = April) of financial year `year`."""
    first = month_start(year, FINANCIAL_YEAR_MONTHS[month - 1])
    return (first.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)


def read_year(clients: NotifyClients, year: int) -> YearOfTexts:
    """A year's texts by service and month, in 13 platform-wide calls."""
    platform = clients.platform
    allowances = {
        entry.service_id: entry.free_allowance
        for entry in platform.get_volumes_by_service(*allowance_probe(year))
    }
    by_service: dict[str, list[int]] = {}
    for index, name in enumerate(FINANCIAL_YEAR_MONTHS):
        first = month_start(year, name)
        for entry in platform.get_volumes_by_service(first, _month_end(year, index + 1)):
            by_service.setdefault(entry.service_id, [0] * 12)[index] = entry.sms_chargeable_units
    return YearOfTexts(
        year,
        {service_id: tuple(months) for service_id, months in by_service.items()},
        {service_id: allowances.get(service_id, 0) for service_id in by_service},
    )


def score(years: Sequence[YearOfTexts]) -> Backtest:
    """Forecast each year as it stood at the end of each month and compare with its end."""
    inside: dict[int, list[bool]] = {month: [] for month in range(1, 12)}
    platform_inside: list[bool] = []
    errors: dict[int, list[float]] = {month: [] for month in REPORTED_MONTHS}
    services: set[str] = set()
    for year in years:
        for month in range(1, 12):
            today = _month_end(year.financial_year, month)
            expected_total = actual_total = 0
            forecasts = []
            for service_id, months in year.months.items():
                so_far = dict(zip(FINANCIAL_YEAR_MONTHS[:month], months[:month], strict=True))
                actual = sum(months)
                forecast = forecast_service(
                    so_far, year.allowances[service_id], year.financial_year, today
                )
                forecasts.append(forecast)
                expected_total += forecast.fragments.expected
                actual_total += actual
                if sum(so_far.values()) > 0:
                    services.add(service_id)
                    inside[month].append(
                        forecast.fragments.low <= actual <= forecast.fragments.high
                    )
            platform = sum_forecasts(forecasts).fragments
            platform_inside.append(platform.low <= actual_total <= platform.high)
            if month in errors and actual_total:
                errors[month].append(abs(expected_total - actual_total) / actual_total)
    every = [hit for hits in inside.values() for hit in hits]
    return Backtest(
        years=tuple(year.financial_year for year in years),
        services=len(services),
        coverage_by_month={month: sum(hits) / len(hits) for month, hits in inside.items() if hits},
        coverage=sum(every) / len(every) if every else 0.0,
        platform_errors={month: tuple(values) for month, values in errors.items()},
        platform_coverage=sum(platform_inside) / len(platform_inside) if platform_inside else 0.0,
    )


def whole_years(clients: NotifyClients, newest_first: int) -> list[int]:
    """The ended financial years the sandbox has from April: those with texts in April."""
    years = []
    for year in range(newest_first, newest_first - 10, -1):
        april = clients.platform.get_volumes_by_service(date(year, 4, 1), date(year, 4, 30))
        if not any(entry.sms_chargeable_units for entry in april):
            break
        years.append(year)
    return sorted(years)


def run(clients: NotifyClients) -> Backtest:
    """The backtest over every ended year the API has whole."""
    years = whole_years(clients, current_financial_year() - 1)
    return score([read_year(clients, year) for year in years])


def report(result: Backtest) -> str:
    lines = [
        f"Backtest of the year-end forecast: {len(result.years)} financial years "
        f"({', '.join(str(year) for year in result.years)}), {result.services:,} services",
        f"80 % range coverage, every month of forecast: {result.coverage:.1%} (target 75-85 %)",
        "By month of forecast (1 = end of April): "
        + ", ".join(f"{month}: {share:.0%}" for month, share in result.coverage_by_month.items()),
    ]
    lines.append(
        "Platform total inside its own 80 % range, every year and month of forecast: "
        f"{result.platform_coverage:.0%}"
    )
    for month in REPORTED_MONTHS:
        if result.platform_errors.get(month):
            errors = ", ".join(f"{value:.1%}" for value in result.platform_errors[month])
            lines.append(
                f"Platform total at month {month}: median error {result.median_error(month):.1%} "
                f"(each year: {errors})"
            )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    from notify_sandbox import open_database
    from notify_sandbox.serving import BackgroundSandbox

    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--services", type=int, default=2000, help="sandbox size (2000)")
    parser.add_argument("--data-dir", type=Path, default=DATA_DIR)
    args = parser.parse_args(argv)
    settings = replace(Settings(), api_timeout_seconds=120.0)
    database = open_database(args.data_dir, 1, args.services)
    sandbox = BackgroundSandbox(
        database, settings.admin_client_id, settings.admin_client_secret
    ).start()
    try:
        clients = build_clients(
            replace(settings, api_host_name=sandbox.url), RequestCache(None, DEFAULT_TTLS)
        )
        print(report(run(clients)))
    finally:
        sandbox.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
