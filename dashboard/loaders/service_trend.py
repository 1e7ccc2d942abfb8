"""One service day by day over its window, from the detailed services list of each single day.

No endpoint gives one service day by day. The detailed list for one day gives every service's
counts for it (about 1.2 MB and 140 ms at 2,000 services), so each day is read once into a
small key of its own, every service's requested and failed by channel (`daily-counts-{day}`,
a fifteenth of the list's size), and a day more than 10 days old, which no longer changes, is
kept a month: a trend costs one call per day once, then about one a day, and every service's
page shares the same keys. The whole list is not kept (`services-detailed-day`, 5 minutes).
"""

from dataclasses import dataclass
from datetime import date, timedelta
from functools import partial

import pandas as pd

from dashboard.cache.decorators import register_key_format
from dashboard.cache.request_cache import CacheRequest
from dashboard.domain.daily_trend import DAY_COUNT_FIELDS, service_days, service_trend_table
from dashboard.domain.settling import is_settled, settling_note
from dashboard.loaders.context import LoaderContext
from dashboard.loaders.sections import Section, section_of
from dashboard.notify_client import NotifyClients
from dashboard.notify_client.calls import gather
from dashboard.notify_client.schemas.base import AnswerSchema, Count, Text

DAILY_COUNTS_KEY = "daily-counts-{day}"
register_key_format(DAILY_COUNTS_KEY, "daily-counts")

#: Service id → its requested and failed by channel on one day (`DAY_COUNT_FIELDS`' order).
_DAY_COUNTS: AnswerSchema[dict[str, tuple[int, int, int, int, int, int]]] = AnswerSchema(
    dict[Text, tuple[Count, Count, Count, Count, Count, Count]], wrapped=False
)


@dataclass(frozen=True, eq=False)
class ServiceTrend:
    """A service's window day by day: long for the chart, wide as text beside it."""

    start: date
    today: date
    days: pd.DataFrame
    table: pd.DataFrame
    settling: str | None


def _day_counts(clients: NotifyClients, day: date) -> dict[str, list[int]]:
    """Every service's counts on one day, from that day's detailed list (services that sent
    nothing are left out)."""
    counts = {}
    for row in clients.services.get_services_detailed(day, day):
        values = [getattr(getattr(row.statistics, c), m) for c, m in DAY_COUNT_FIELDS]
        if any(values):
            counts[row.id] = values
    return counts


DayCounts = dict[str, tuple[int, ...]]


def day_counts(clients: NotifyClients, days: list[date], today: date) -> dict[date, DayCounts]:
    """Each day's counts for every service, from the cache in one round trip, the days not
    there read from the API at once."""
    requests = [
        CacheRequest(
            DAILY_COUNTS_KEY.format(day=day.isoformat()),
            "daily-counts-settled" if is_settled(day, today) else "daily-counts",
            partial(_day_counts, clients, day),
            _DAY_COUNTS,
        )
        for day in days
    ]
    results = clients.cache.fetch_many(requests)
    return {day: result.unwrap() for day, result in zip(days, results, strict=True)}


def load_service_trend(
    context: LoaderContext, service_id: str, days: int, today: date
) -> Section[ServiceTrend]:
    """The service's requested and failed by channel for each day of today and `days` before."""
    start = today - timedelta(days=days)
    dates = [start + timedelta(days=n) for n in range(days + 1)]
    read = gather(
        {"days": lambda: day_counts(context.clients, dates, today)},
        context.max_workers,
        context.deadline_seconds,
    )["days"]

    def build(by_day: dict[date, DayCounts]) -> ServiceTrend:
        mine = {day: counts[service_id] for day, counts in by_day.items() if service_id in counts}
        frame = service_days(mine, start, today)
        return ServiceTrend(
            start, today, frame, service_trend_table(frame), settling_note(start, today, today)
        )

    return section_of([read], build, context.api_label)
