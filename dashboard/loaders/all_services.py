"""Every service in one table from three API calls, however many services there are."""

from dataclasses import dataclass, field
from datetime import date, timedelta

import pandas as pd

from dashboard.domain.daily_limits import daily_limit_usage, highest_fraction, worst_level
from dashboard.domain.go_live import is_trial_mode
from dashboard.domain.sectors import normalise_organisation_type, sector_name
from dashboard.domain.statistics import CHANNELS, totals
from dashboard.loaders.concurrent import gather
from dashboard.loaders.errors import describe_error
from dashboard.loaders.freshness import Freshness, freshness_of
from dashboard.notify_client import NotifyClients
from dashboard.notify_client.schemas.services import ChannelCounts, Service, Statistics

COLUMNS = (
    "service_id",
    "name",
    "sector",
    "organisation_type",
    "mode",
    "active",
    "today",
    "daily_limit",
    "limit_used",
    "limit_level",
    "requested",
    "delivered",
    "failed",
    "sending",
    "failure_rate",
    *(f"{channel}_requested" for channel in CHANNELS),
)


@dataclass(frozen=True)
class AllServices:
    """The table, the window it counts, and what failed or how fresh it is."""

    table: pd.DataFrame
    days: int
    start: date
    end: date
    error: str | None = None
    freshness: Freshness | None = None
    warnings: list[str] = field(default_factory=list)


# What a service missing from a list of counts has sent.
_NOTHING = ChannelCounts(requested=0, delivered=0, failed=0)
_NO_MESSAGES = Statistics(email=_NOTHING, sms=_NOTHING, letter=_NOTHING)


def _row(service: Service, window: Statistics, today: Statistics) -> dict:
    """One service's line: today's use of its most used daily limit and the window's counts."""
    usages = daily_limit_usage(service, today)
    tightest = max(usages, key=lambda usage: usage.fraction)
    counts = totals(window)
    organisation_type = normalise_organisation_type(service.organisation_type)
    return {
        "service_id": service.id,
        "name": service.name,
        "sector": sector_name(organisation_type),
        "organisation_type": organisation_type,
        "mode": "Trial" if is_trial_mode(service) else "Live",
        "active": service.active,
        "today": totals(today)["requested"],
        "daily_limit": tightest.limit,
        "limit_used": highest_fraction(usages),
        "limit_level": worst_level(usages),
        **counts,
        "failure_rate": counts["failed"] / counts["requested"] if counts["requested"] else 0.0,
        **{f"{channel}_requested": getattr(window, channel).requested for channel in CHANNELS},
    }


def load_all_services(
    clients: NotifyClients, api_host: str, days: int, today: date, max_workers: int = 8
) -> AllServices:
    """Services, their counts for the window and for today: three calls, read concurrently."""
    start = today - timedelta(days=days)
    services = clients.services
    outcomes = gather(
        {
            "services": services.get_services,
            "window": lambda: services.get_services_detailed(start, today),
            "today": lambda: services.get_services_detailed(today, today),
        },
        max_workers,
    )
    freshness = freshness_of(
        (lookup for outcome in outcomes.values() for lookup in outcome.lookups),
        max(outcome.milliseconds for outcome in outcomes.values()),
    )
    failed = [outcome.error for outcome in outcomes.values() if outcome.error is not None]
    if failed:
        return AllServices(
            pd.DataFrame(columns=COLUMNS),
            days,
            start,
            today,
            error=describe_error(failed[0], api_host),
            freshness=freshness,
        )
    window = {row.id: row.statistics for row in outcomes["window"].value}
    today_counts = {row.id: row.statistics for row in outcomes["today"].value}
    rows = [
        _row(
            service,
            window.get(service.id, _NO_MESSAGES),
            today_counts.get(service.id, _NO_MESSAGES),
        )
        for service in outcomes["services"].value
    ]
    table = pd.DataFrame(rows, columns=COLUMNS).sort_values("limit_used", ascending=False)
    return AllServices(table.reset_index(drop=True), days, start, today, freshness=freshness)
