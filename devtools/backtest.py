"""Backtest the year-end forecasts (`dashboard/domain/forecast.py`) on the sandbox's past years.

For each financial year that has ended and that the sandbox has whole, it reads every live
service's texts month by month (volumes-by-service for each month: 12 platform-wide calls a
year, plus the year's allowances), then, as the year stood at the end of each month from April
to February, forecasts each service's year end and compares it with how the year ended. Both
forecasts the dashboard shows are scored: `forecast_from_total` (the year's total so far, one
spread for every service, groups summed with `TOTAL_CORRELATION`: Allowances, Organisations and
the allowance alert) and
`forecast_service` (the months so far and the service's own spread: the Service page). Each is
scored on the three figures it gives: year-end fragments, chargeable fragments and text cost
(the year's actual chargeable fragments and cost are its months priced with its allowance at
the year's rates, `allowance_usage.allowance_totals`, as the forecast prices them). It reports:

- **coverage**: the share of service forecasts whose figure fell inside its 80 % range (target
  75 % to 85 %), for services that had sent texts by the month of the forecast (and, for
  chargeable fragments and cost, that were or might be charged);
- **the platform total's own range**: how often the platform's year-end total fell inside the
  80 % range `forecast.sum_forecasts` gives it;
- **the platform total's error**: |forecast − actual| / actual of the sum of every service's
  expected figure, at the end of months 3, 6 and 9 (June, September, December), the median
  over the years.

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
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from pathlib import Path

from dashboard.cache.policy import DEFAULT_TTLS
from dashboard.cache.request_cache import RequestCache
from dashboard.domain.allowance_table import allowance_probe
from dashboard.domain.allowance_usage import allowance_totals
from dashboard.domain.financial_year import (
    FINANCIAL_YEAR_MONTHS,
    current_financial_year,
    month_start,
)
from dashboard.domain.forecast import (
    CORRELATION,
    TOTAL_CORRELATION,
    GroupForecast,
    ServiceForecast,
    forecast_from_total,
    forecast_service,
    sum_forecasts,
)
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


#: The two forecasts scored: what Allowances, Organisations and the allowance alert show
#: (`forecast_from_total`: the year's total so far, a typical service's spread), and what the
#: Service page shows (`forecast_service`: the months so far, the service's own spread).
PAGES = "pages"
SERVICE_PAGE = "service page"
METHODS: tuple[str, ...] = (PAGES, SERVICE_PAGE)
#: How each forecast's services are summed (as the pages that show it sum them).
CORRELATIONS: Mapping[str, float] = {PAGES: TOTAL_CORRELATION, SERVICE_PAGE: CORRELATION}
#: The figures each forecast gives, each with its 80 % range.
FIGURES: tuple[str, ...] = ("fragments", "chargeable", "cost")


@dataclass(frozen=True)
class Score:
    """How one forecast did on one figure: coverage of the 80 % range by month of forecast
    (over `scored` service forecasts), and the platform total's errors and own range."""

    coverage_by_month: Mapping[int, float]
    coverage: float
    scored: int
    platform_errors: Mapping[int, tuple[float, ...]]
    platform_coverage: float

    def median_error(self, month: int) -> float:
        return statistics.median(self.platform_errors[month])


@dataclass(frozen=True)
class Backtest:
    """Each forecast's `Score` for each figure: ``scores[method][figure]``."""

    years: tuple[int, ...]
    services: int
    scores: Mapping[str, Mapping[str, Score]]


@dataclass
class _Tally:
    """What one forecast's scoring of one figure gathers before it is a `Score`."""

    inside: dict[int, list[bool]] = field(
        default_factory=lambda: {month: [] for month in range(1, 12)}
    )
    platform_inside: list[bool] = field(default_factory=list)
    errors: dict[int, list[float]] = field(
        default_factory=lambda: {month: [] for month in REPORTED_MONTHS}
    )

    def score(self) -> Score:
        every = [hit for hits in self.inside.values() for hit in hits]
        platform = self.platform_inside
        return Score(
            coverage_by_month={
                month: sum(hits) / len(hits) for month, hits in self.inside.items() if hits
            },
            coverage=sum(every) / len(every) if every else 0.0,
            scored=len(every),
            platform_errors={month: tuple(values) for month, values in self.errors.items()},
            platform_coverage=sum(platform) / len(platform) if platform else 0.0,
        )


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


def _actual(year: YearOfTexts, service_id: str) -> dict[str, float]:
    """How a service's year ended: its fragments, and the chargeable fragments and text cost
    they come to with its allowance at the year's rates (as the forecast prices them)."""
    months = year.months[service_id]
    totals = allowance_totals(
        year.allowances[service_id],
        year.financial_year,
        dict(zip(FINANCIAL_YEAR_MONTHS, months, strict=True)),
    )
    return {"fragments": sum(months), "chargeable": totals.chargeable, "cost": float(totals.cost)}


def _forecasts(
    year: YearOfTexts, service_id: str, month: int, today: date
) -> tuple[dict[str, ServiceForecast], bool]:
    """Both forecasts of a service as its year stood at the end of `month`, and whether it
    had sent texts by then."""
    months = year.months[service_id]
    so_far = dict(zip(FINANCIAL_YEAR_MONTHS[:month], months[:month], strict=True))
    allowance = year.allowances[service_id]
    used = sum(so_far.values())
    return {
        PAGES: forecast_from_total(used, allowance, year.financial_year, today),
        SERVICE_PAGE: forecast_service(so_far, allowance, year.financial_year, today),
    }, used > 0


def _figure(forecast: ServiceForecast | GroupForecast, name: str) -> tuple[float, float, float]:
    """A forecast's low, expected and high for one of `FIGURES`."""
    figure = getattr(forecast, name)
    return float(figure.low), float(figure.expected), float(figure.high)


def score(years: Sequence[YearOfTexts]) -> Backtest:
    """Forecast each year as it stood at the end of each month, with both forecasts, and
    compare each figure with how the year ended.

    A service's fragments are scored once it has sent texts; its chargeable fragments and
    cost only when there was or might be something to charge (its range's high end or its
    year's end above nothing): the many services far within their allowance are 0 inside
    0 to 0, which would say nothing.
    """
    tallies = {method: {name: _Tally() for name in FIGURES} for method in METHODS}
    services: set[str] = set()
    for year in years:
        actuals = {service_id: _actual(year, service_id) for service_id in year.months}
        for month in range(1, 12):
            today = _month_end(year.financial_year, month)
            made: dict[str, list[ServiceForecast]] = {method: [] for method in METHODS}
            for service_id, actual in actuals.items():
                forecasts, sent = _forecasts(year, service_id, month, today)
                if sent:
                    services.add(service_id)
                for method, forecast in forecasts.items():
                    made[method].append(forecast)
                    if not sent:
                        continue
                    for name in FIGURES:
                        low, _, high = _figure(forecast, name)
                        if name != "fragments" and high == 0 and actual[name] == 0:
                            continue
                        hit = low <= actual[name] + 1e-9 and actual[name] <= high + 1e-9
                        tallies[method][name].inside[month].append(hit)
            for method, forecasts_made in made.items():
                platform = sum_forecasts(forecasts_made, CORRELATIONS[method])
                for name in FIGURES:
                    low, expected, high = _figure(platform, name)
                    total = sum(actual[name] for actual in actuals.values())
                    tally = tallies[method][name]
                    tally.platform_inside.append(low <= total + 1e-9 and total <= high + 1e-9)
                    if month in tally.errors and total:
                        tally.errors[month].append(abs(expected - total) / total)
    return Backtest(
        years=tuple(year.financial_year for year in years),
        services=len(services),
        scores={
            method: {name: tally.score() for name, tally in figures.items()}
            for method, figures in tallies.items()
        },
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
    ]
    for method in METHODS:
        lines.append(
            f"\n{method}: "
            + (
                "forecast_from_total (Allowances, Organisations, the allowance alert)"
                if method == PAGES
                else "forecast_service (the Service page)"
            )
        )
        for name in FIGURES:
            figure = result.scores[method][name]
            lines.append(
                f"  {name}: 80 % range coverage {figure.coverage:.1%} of {figure.scored:,} "
                "forecasts (target 75-85 %); by month (1 = end of April): "
                + ", ".join(f"{share:.0%}" for share in figure.coverage_by_month.values())
            )
            lines.append(
                "    platform total inside its own 80 % range, every year and month: "
                f"{figure.platform_coverage:.0%}"
            )
            for month in REPORTED_MONTHS:
                if figure.platform_errors.get(month):
                    errors = ", ".join(f"{value:.1%}" for value in figure.platform_errors[month])
                    lines.append(
                        f"    platform total at month {month}: median error "
                        f"{figure.median_error(month):.1%} (each year: {errors})"
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
