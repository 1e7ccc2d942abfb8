"""The Overview: the platform today, services near their limits, the biggest senders, and
allowance use by sector this year, from a fixed number of calls whatever the number of services.

It runs the All services and Allowances loaders' calls together (they share the services
list) with the platform's totals for today and its last 30 days: 12 calls, all at once, within
the page's deadline, whatever the number of services.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date

import pandas as pd

from dashboard.domain.daily_trend import missing_days, platform_days, trend_start, trend_table
from dashboard.domain.failure_causes import causes_by_channel
from dashboard.domain.financial_year import financial_year_of
from dashboard.domain.platform_today import (
    PLATFORM_STATS_DIFFERENCE,
    failures_by_status,
    platform_by_channel,
    requested_by_channel,
)
from dashboard.domain.settling import settling_note
from dashboard.loaders.all_services import AllServices, all_services_calls, all_services_from
from dashboard.loaders.allowances import Allowances, allowance_calls, allowances_from
from dashboard.loaders.context import LoaderContext
from dashboard.loaders.errors import describe_error
from dashboard.loaders.sections import Failed, Ready, Section, merged_freshness, section_of
from dashboard.notify_client.calls import Outcome
from dashboard.notify_client.schemas.platform import DailyVolumes
from dashboard.notify_client.schemas.services import DetailedService

#: The window of the biggest senders: today and the 7 days before, as All services opens.
SENDERS_DAYS = 7


@dataclass(frozen=True, eq=False)
class PlatformToday:
    """Today by channel as the sum of All services' rows, and, from the platform statistics
    (None when they could not be read, with `causes_missing` saying why), failures by cause
    and test-key sends; `difference` names how the two count."""

    by_channel: pd.DataFrame
    causes: pd.DataFrame | None
    platform: pd.DataFrame | None
    causes_missing: str | None
    difference: str = PLATFORM_STATS_DIFFERENCE
    left_out: str | None = None


@dataclass(frozen=True, eq=False)
class Trend:
    """The platform's last 30 days by channel: long for the chart, wide as text beside it;
    `missing` names the days the report left out (blank, not 0)."""

    start: date
    today: date
    days: pd.DataFrame
    table: pd.DataFrame
    settling: str | None
    missing: str | None = None


@dataclass(frozen=True)
class Overview:
    """The Overview's sections; each may have failed on its own."""

    today: date
    financial_year: int
    platform_today: Section[PlatformToday]
    services: Section[AllServices]
    allowances: Section[Allowances]
    trend: Section[Trend]


def _left_out(today: list[DetailedService], services: Outcome) -> str | None:
    """The sentence saying how many services of the services list today's counts leave out
    (a short answer: the list holds every service), so the sums exclude them; None if none."""
    if services.error is not None:
        return None
    listed = {row.id for row in today}
    count = sum(1 for service in services.value if service.id not in listed)
    if not count:
        return None
    named = "1 service" if count == 1 else f"{count:,} services"
    return (
        f"These figures exclude {named} that today's counts from the API leave out (named "
        "under the services nearest their daily limits)."
    )


def _platform_today(outcomes: Mapping[str, Outcome], api_label: str) -> Section[PlatformToday]:
    """Requested and failed from today's detailed list (saying which services it leaves out);
    causes from the platform statistics, left out (and said) when those fail."""
    today, platform = outcomes["today"], outcomes["platform"]
    freshness = merged_freshness([today, platform])
    if today.error is not None:
        return Failed(describe_error(today.error, api_label), freshness)
    by_channel = requested_by_channel(today.value)
    left_out = _left_out(today.value, outcomes["services"])
    if platform.error is not None:
        missing = "Failures by cause are not shown: " + describe_error(platform.error, api_label)
        return Ready(PlatformToday(by_channel, None, None, missing, left_out=left_out), freshness)
    stats = platform.value
    causes = causes_by_channel(failures_by_status(stats))
    return Ready(
        PlatformToday(by_channel, causes, platform_by_channel(stats), None, left_out=left_out),
        freshness,
    )


def _trend(start: date, today: date) -> Callable[[list[DailyVolumes]], Trend]:
    def build(rows: list[DailyVolumes]) -> Trend:
        days = platform_days(rows, start, today)
        return Trend(
            start,
            today,
            days,
            trend_table(days),
            settling_note(start, today, today),
            missing_days(rows, start, today),
        )

    return build


def load_overview(context: LoaderContext, today: date) -> Overview:
    """Every call of the page at once; each section is built from its own."""
    clients = context.clients
    year = financial_year_of(today)
    start = trend_start(today)
    calls = {
        **all_services_calls(clients, SENDERS_DAYS, today),
        **allowance_calls(clients, year, today),
        "platform": lambda: clients.platform.get_platform_stats(today, today),
        "trend": lambda: clients.platform.get_daily_volumes(start, today),
    }
    outcomes = context.gather(calls)
    return Overview(
        today=today,
        financial_year=year,
        platform_today=_platform_today(outcomes, context.api_label),
        services=all_services_from(outcomes, SENDERS_DAYS, today, context.api_label),
        allowances=allowances_from(outcomes, year, context.api_label, today),
        trend=section_of(
            [outcomes["trend"]],
            _trend(start, today),
            context.api_label,
            kept_as=("overview-trend", start, today),
        ),
    )
