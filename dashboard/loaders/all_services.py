"""Every service in one table from three API calls, however many services there are."""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from functools import partial
from typing import Any

import pandas as pd

from dashboard.domain.comparison import change_words, earlier_windows, span_words
from dashboard.domain.daily_limits import LEVEL_WORDS, LimitUsage, daily_limit_usage
from dashboard.domain.excluded import Excluded
from dashboard.domain.links import service_page_link
from dashboard.domain.liveness import service_status
from dashboard.domain.sectors import normalise_organisation_type, sector_name
from dashboard.domain.service_table import (
    ALL_CHANNELS,
    EARLIER_COLUMNS,
    LIMIT_COLUMNS,
    WINDOW_COLUMNS,
    scope_column,
)
from dashboard.domain.statistics import CHANNEL_LABELS, CHANNELS, totals
from dashboard.domain.unusual_failures import WindowCounts, is_unusual
from dashboard.loaders.context import LoaderContext
from dashboard.loaders.errors import describe_error
from dashboard.loaders.output_memo import OUTPUTS
from dashboard.loaders.sections import Failed, Ready, Section, merged_freshness
from dashboard.notify_client import NotifyClients
from dashboard.notify_client.calls import Outcome
from dashboard.notify_client.derived import NOTHING, Packed, current_window, window_counts
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
COLUMNS: tuple[str, ...] = (*SERVICE_COLUMNS, *LIMIT_COLUMNS, *WINDOW_COLUMNS, *EARLIER_COLUMNS)

#: The earlier windows of the same length read for the comparison and the unusual rule.
EARLIER = tuple(f"earlier-{number}" for number in range(4))

#: Each optional call, and what the page is without when it fails.
PARTS = {
    "today": "Today's use of the daily limits is not shown: ",
    "window": "Counts for the window are not shown: ",
    EARLIER[0]: "The window before is not shown: ",
}
WHICH_COUNTS = {"today": "today", "window": "the window"}
#: The columns the unusual rule fills: it needs all four earlier windows.
UNUSUAL_COLUMNS = ("failure_unusual", "unusual_channels")
NOT_FLAGGED = "Unusual failure rates are not flagged (the rule needs four earlier windows): "


@dataclass(frozen=True)
class AllServices:
    """The table, the window it counts, the services it could not place and missing parts."""

    table: pd.DataFrame
    days: int
    start: date
    end: date
    excluded: tuple[Excluded, ...] = ()
    missing: tuple[str, ...] = ()

    @property
    def previous_words(self) -> str:
        """The window before, e.g. "13 to 19 November"."""
        return span_words(*earlier_windows(self.start, self.end, 1)[0])


def window_start(days: int, today: date) -> date:
    """The first day of a window of today and `days` days before it."""
    return today - timedelta(days=days)


def all_services_calls(
    clients: NotifyClients, days: int, today: date
) -> dict[str, Callable[[], Any]]:
    """The three calls by name; another loader may run them with its own (the Overview)."""
    services = clients.services
    start = window_start(days, today)
    calls: dict[str, Callable[[], Any]] = {
        "services": services.get_services,
        # Today's list plus the days before it, kept by the warm-up job: no range call.
        "window": partial(current_window, clients, start, today),
        "today": lambda: services.get_services_detailed(today, today),
    }
    for name, (first, last) in zip(EARLIER, earlier_windows(start, today), strict=True):
        calls[name] = partial(window_counts, clients, first, last, today)
    return calls


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
        "limit_state": LEVEL_WORDS[tightest.level],
        **{f"{channel}_today": getattr(today, channel).requested for channel in CHANNELS},
    }


def _rate(failed: int, requested: int) -> float:
    return failed / requested if requested else 0.0


def _window_columns(window: Statistics) -> dict[str, object]:
    """The window's counts over every channel and for each: requested, delivered, failed and
    failure rate (the CSV holds each channel's; the page shows the chosen one's)."""
    counts = totals(window)
    row: dict[str, object] = {
        **counts,
        "failure_rate": _rate(counts["failed"], counts["requested"]),
    }
    for channel in CHANNELS:
        now = getattr(window, channel)
        row[scope_column(channel, "requested")] = now.requested
        row[scope_column(channel, "delivered")] = now.delivered
        row[scope_column(channel, "failed")] = now.failed
        row[scope_column(channel, "failure_rate")] = _rate(now.failed, now.requested)
    return row


def _before_columns(
    scope: str, requested: int, before: tuple[int, ...], span: str
) -> dict[str, object]:
    """One scope's window before (requested, delivered, failed) and the change in words."""
    before_requested, before_delivered, before_failed = before
    return {
        scope_column(scope, "previous_requested"): before_requested,
        scope_column(scope, "previous_delivered"): before_delivered,
        scope_column(scope, "previous_failed"): before_failed,
        scope_column(scope, "previous_failure_rate"): _rate(before_failed, before_requested),
        scope_column(scope, "requested_change"): change_words(requested, before_requested, span),
    }


def _earlier_columns(window: Statistics, earlier: list[Packed], span: str) -> dict[str, object]:
    """The window before's figures over every channel and for each, the change in words, and
    the channels whose failure rate the unusual rule flags against the earlier windows (nine
    numbers each: requested, delivered and failed by channel)."""
    before = earlier[0]
    row = _before_columns(
        ALL_CHANNELS,
        totals(window)["requested"],
        (sum(before[0::3]), sum(before[1::3]), sum(before[2::3])),
        span,
    )
    flagged = []
    for index, channel in enumerate(CHANNELS):
        counts = getattr(window, channel)
        row |= _before_columns(channel, counts.requested, before[3 * index : 3 * index + 3], span)
        earlier_windows_counts = [
            WindowCounts(packed[3 * index], packed[3 * index + 2]) for packed in earlier
        ]
        if is_unusual(WindowCounts(counts.requested, counts.failed), earlier_windows_counts):
            flagged.append(CHANNEL_LABELS[channel])
    return {
        **row,
        "failure_unusual": bool(flagged),
        "unusual_channels": ", ".join(flagged),
    }


def service_row(
    service: Service,
    days: int,
    window: Statistics | None,
    today: Statistics | None,
    earlier: list[Packed] | None = None,
    span: str = "",
) -> dict[str, object]:
    """One service's line; without today's counts, the window's or the window before, their
    columns are absent (blank in a table of other services' rows)."""
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
        if earlier:
            row |= _earlier_columns(window, earlier, span)
    return row


def _counts_by_id(outcome: Outcome) -> dict[str, Statistics] | None:
    if outcome.error is not None:
        return None
    return {row.id: row.statistics for row in outcome.value}


def _earlier_read(outcomes: Mapping[str, Outcome]) -> list[dict[str, Packed]]:
    """The earlier windows' counts by service id, nearest first, up to the first not read (the
    calls are optional: a caller that did not make them gets none)."""
    read = []
    for name in EARLIER:
        outcome = outcomes.get(name)
        if outcome is None or outcome.error is not None:
            break
        read.append(outcome.value)
    return read


def _unusual_error(
    outcomes: Mapping[str, Outcome], earlier: list[dict[str, Packed]]
) -> Exception | None:
    """Why the unusual rule cannot run when the window before was read but a further earlier
    window was not (with fewer windows it would flag other services, in silence)."""
    if not earlier or len(earlier) == len(EARLIER):
        return None
    unread = outcomes.get(EARLIER[len(earlier)])
    return None if unread is None else unread.error


def _unplaced(outcomes: Mapping[str, Outcome], known: set[str]) -> tuple[Excluded, ...]:
    """Services with counts that the services list does not have, once each."""
    found: dict[str, DetailedService] = {}
    for name in ("today", "window"):
        if name in outcomes and outcomes[name].error is None:
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
    freshness = merged_freshness(
        [
            outcomes[name]
            for name in dict.fromkeys(("services", *PARTS, *EARLIER))
            if name in outcomes
        ]
    )
    if outcomes["services"].error is not None:
        return Failed(describe_error(outcomes["services"].error, api_label), freshness)
    names = [name for name in dict.fromkeys(("services", *PARTS, *EARLIER)) if name in outcomes]
    value = OUTPUTS.build(
        ("all-services", days, today, api_label),
        [part for name in names for part in (outcomes[name].value, outcomes[name].error)],
        lambda: _all_services(outcomes, days, today, api_label),
    )
    return Ready(value, freshness)


def _all_services(
    outcomes: Mapping[str, Outcome], days: int, today: date, api_label: str
) -> AllServices:
    """The table and what it leaves out, from answers that include the services list."""
    services: list[Service] = outcomes["services"].value
    counts = {name: _counts_by_id(outcomes[name]) for name in ("today", "window")}
    earlier = _earlier_read(outcomes)
    start = window_start(days, today)
    span = span_words(*earlier_windows(start, today, 1)[0])
    rows = [
        service_row(
            service,
            days,
            None if counts["window"] is None else counts["window"].get(service.id),
            None if counts["today"] is None else counts["today"].get(service.id),
            [window.get(service.id, NOTHING) for window in earlier],
            span,
        )
        for service in services
    ]
    has_earlier = bool(earlier) and counts["window"] is not None
    unusual_error = _unusual_error(outcomes, earlier)
    columns = [
        column
        for column in COLUMNS
        if (column not in LIMIT_COLUMNS or counts["today"] is not None)
        and (column not in WINDOW_COLUMNS or counts["window"] is not None)
        and (column not in EARLIER_COLUMNS or has_earlier)
        and (column not in UNUSUAL_COLUMNS or unusual_error is None)
    ]
    table = pd.DataFrame(rows, columns=columns)
    order = "limit_used" if "limit_used" in table else "requested" if "requested" in table else None
    if order is not None:
        table = table.sort_values(order, ascending=False, kind="stable")
    errors = {name: outcomes[name].error if name in outcomes else None for name in PARTS}
    missing = tuple(
        lead + describe_error(error, api_label)
        for (name, lead), error in zip(PARTS.items(), errors.values(), strict=True)
        if error is not None
    )
    if has_earlier and unusual_error is not None:
        missing += (NOT_FLAGGED + describe_error(unusual_error, api_label),)
    return AllServices(
        table.reset_index(drop=True),
        days,
        window_start(days, today),
        today,
        excluded=(
            *_unplaced(outcomes, {service.id for service in services}),
            *_uncounted(services, counts),
        ),
        missing=missing,
    )


def load_all_services(context: LoaderContext, days: int, today: date) -> Section[AllServices]:
    """Services, their counts for the window and for today: three calls, read concurrently
    within the page's deadline."""
    outcomes = context.gather(all_services_calls(context.clients, days, today))
    return all_services_from(outcomes, days, today, context.api_label)
