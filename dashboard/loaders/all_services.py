"""Every service in one table from three API calls, however many services there are."""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import pandas as pd

from dashboard.domain.daily_limits import LimitUsage, daily_limit_usage
from dashboard.domain.excluded import Excluded
from dashboard.domain.links import service_page_link
from dashboard.domain.liveness import service_status
from dashboard.domain.sectors import normalise_organisation_type, sector_name
from dashboard.domain.service_table import LIMIT_COLUMNS, WINDOW_COLUMNS
from dashboard.domain.statistics import CHANNELS, totals
from dashboard.loaders.context import LoaderContext
from dashboard.loaders.errors import describe_error
from dashboard.loaders.sections import Failed, Ready, Section, merged_freshness
from dashboard.notify_client import NotifyClients
from dashboard.notify_client.calls import Outcome
from dashboard.notify_client.schemas.services import (
    DetailedService,
    Service,
    Statistics,
)

SERVICE_COLUMNS: tuple[str, ...] = (
    "service_id",
    "name",
    "link",
    "sector",
    "organisation_type",
    "status",
)
COLUMNS: tuple[str, ...] = (*SERVICE_COLUMNS, *LIMIT_COLUMNS, *WINDOW_COLUMNS)

#: Each optional call, and what the page is without when it fails.
PARTS = {
    "today": "Today's use of the daily limits is not shown: ",
    "window": "Counts for the window are not shown: ",
}
WHICH_COUNTS = {"today": "today", "window": "the window"}


@dataclass(frozen=True)
class AllServices:
    """The table, the window it counts, the services it could not place and missing parts."""

    table: pd.DataFrame
    days: int
    start: date
    end: date
    excluded: tuple[Excluded, ...] = ()
    missing: tuple[str, ...] = ()


def window_start(days: int, today: date) -> date:
    """The first day of a window of today and `days` days before it."""
    return today - timedelta(days=days)


def all_services_calls(
    clients: NotifyClients, days: int, today: date
) -> dict[str, Callable[[], Any]]:
    """The three calls by name; another loader may run them with its own (the Overview)."""
    services = clients.services
    start = window_start(days, today)
    return {
        "services": services.get_services,
        "window": lambda: services.get_services_detailed(start, today),
        "today": lambda: services.get_services_detailed(today, today),
    }


def tightest_limit(usages: list[LimitUsage]) -> LimitUsage:
    """The daily limit with the most used, the smallest limit first when they tie (nothing
    sent: the letter limit is nearest)."""
    return max(usages, key=lambda usage: (usage.fraction, -usage.limit))


def _limit_columns(service: Service, today: Statistics) -> dict[str, object]:
    """Today's use of the tightest limit: channel, sent, limit and fraction all of one channel,
    so that sent / limit = fraction and the row's colour follows that fraction."""
    tightest = tightest_limit(daily_limit_usage(service, today))
    return {
        "tightest_channel": tightest.label,
        "sent_today": tightest.used,
        "daily_limit": tightest.limit,
        "limit_used": tightest.fraction,
        "limit_level": tightest.level,
        **{f"{channel}_today": getattr(today, channel).requested for channel in CHANNELS},
    }


def _window_columns(window: Statistics) -> dict[str, object]:
    counts = totals(window)
    return {
        **counts,
        "failure_rate": counts["failed"] / counts["requested"] if counts["requested"] else 0.0,
        **{f"{channel}_requested": getattr(window, channel).requested for channel in CHANNELS},
    }


def service_row(
    service: Service, days: int, window: Statistics | None, today: Statistics | None
) -> dict[str, object]:
    """One service's line; without today's counts or the window's, their columns are absent
    (blank in a table of other services' rows)."""
    organisation_type = normalise_organisation_type(service.organisation_type)
    row: dict[str, object] = {
        "service_id": service.id,
        "name": service.name,
        "link": service_page_link(service.id, days, service.name),
        "sector": sector_name(organisation_type),
        "organisation_type": organisation_type,
        "status": service_status(service),
    }
    if today is not None:
        row |= _limit_columns(service, today)
    if window is not None:
        row |= _window_columns(window)
    return row


def _counts_by_id(outcome: Outcome) -> dict[str, Statistics] | None:
    if outcome.error is not None:
        return None
    return {row.id: row.statistics for row in outcome.value}


def _unplaced(outcomes: Mapping[str, Outcome], known: set[str]) -> tuple[Excluded, ...]:
    """Services with counts that the services list does not have, once each."""
    found: dict[str, DetailedService] = {}
    for name in PARTS:
        if outcomes[name].error is None:
            for row in outcomes[name].value:
                if row.id not in known:
                    found.setdefault(row.id, row)
    return tuple(
        Excluded(row.id, row.name, "has counts, but is not in the services list")
        for row in found.values()
    )


def _uncounted(
    services: list[Service], counts: Mapping[str, dict[str, Statistics] | None]
) -> tuple[Excluded, ...]:
    """Services of the list that a list of counts leaves out. The detailed list holds every
    service, with zeros for one that sent nothing, so a service missing from it is a short
    answer: its counts are unknown (blank in the table), never taken as zero."""
    found = []
    for service in services:
        absent = [
            WHICH_COUNTS[name]
            for name, by_id in counts.items()
            if by_id is not None and service.id not in by_id
        ]
        if absent:
            found.append(
                Excluded(
                    service.id,
                    service.name,
                    f"the API's counts for {' and for '.join(absent)} leave it out",
                )
            )
    return tuple(found)


def all_services_from(
    outcomes: Mapping[str, Outcome], days: int, today: date, api_label: str
) -> Section[AllServices]:
    """The section from the three calls: failed without the services list; without today's
    or the window's counts, ready without their columns and saying so."""
    freshness = merged_freshness([outcomes[name] for name in ("services", *PARTS)])
    if outcomes["services"].error is not None:
        return Failed(describe_error(outcomes["services"].error, api_label), freshness)
    services: list[Service] = outcomes["services"].value
    counts = {name: _counts_by_id(outcomes[name]) for name in PARTS}
    rows = [
        service_row(
            service,
            days,
            None if counts["window"] is None else counts["window"].get(service.id),
            None if counts["today"] is None else counts["today"].get(service.id),
        )
        for service in services
    ]
    columns = [
        column
        for column in COLUMNS
        if (column not in LIMIT_COLUMNS or counts["today"] is not None)
        and (column not in WINDOW_COLUMNS or counts["window"] is not None)
    ]
    table = pd.DataFrame(rows, columns=columns)
    order = "limit_used" if "limit_used" in table else "requested" if "requested" in table else None
    if order is not None:
        table = table.sort_values(order, ascending=False, kind="stable")
    errors = {name: outcomes[name].error for name in PARTS}
    missing = tuple(
        lead + describe_error(error, api_label)
        for (name, lead), error in zip(PARTS.items(), errors.values(), strict=True)
        if error is not None
    )
    return Ready(
        AllServices(
            table.reset_index(drop=True),
            days,
            window_start(days, today),
            today,
            excluded=(
                *_unplaced(outcomes, {service.id for service in services}),
                *_uncounted(services, counts),
            ),
            missing=missing,
        ),
        freshness,
    )


def load_all_services(context: LoaderContext, days: int, today: date) -> Section[AllServices]:
    """Services, their counts for the window and for today: three calls, read concurrently
    within the page's deadline."""
    outcomes = context.gather(all_services_calls(context.clients, days, today))
    return all_services_from(outcomes, days, today, context.api_label)
