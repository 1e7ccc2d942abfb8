"""One service day by day over its window, from the detailed services list of each single day.

No endpoint gives one service day by day. The detailed list for one day gives every service's
counts for it (about 1.2 MB and 140 ms at 2,000 services), so each day is read once into a
small key of its own, every service's requested, delivered and failed by channel
(`day-counts-{day}`, a tenth of the list's size; the trend reads requested and failed), and
a day more than 10 days old, which no longer changes, is kept a month: a trend costs one
call per day once, then about one a day, and every service's page shares the same keys. The
whole list is not kept (`services-detailed-day`, 5 minutes).
"""

from dataclasses import dataclass
from datetime import date, timedelta
from functools import partial

import pandas as pd

from dashboard.domain.daily_trend import service_days, service_trend_table
from dashboard.domain.settling import settling_note
from dashboard.loaders.context import LoaderContext
from dashboard.loaders.output_memo import OUTPUTS
from dashboard.loaders.sections import Section, section_of
from dashboard.notify_client.calls import Assembled
from dashboard.notify_client.derived import DayCounts, day_counts, day_counts_from


@dataclass(frozen=True, eq=False)
class ServiceTrend:
    """A service's window day by day: long for the chart, wide as text beside it."""

    start: date
    today: date
    days: pd.DataFrame
    table: pd.DataFrame
    settling: str | None


def load_service_trend(
    context: LoaderContext, service_id: str, days: int, today: date
) -> Section[ServiceTrend]:
    """The service's requested and failed by channel for each day of today and `days` before."""
    start = today - timedelta(days=days)
    dates = [start + timedelta(days=n) for n in range(days + 1)]
    # Late, the days' last good copies, each day's own (not the first day's for them all).
    days_read = Assembled(
        partial(day_counts, context.clients, dates, today), partial(day_counts_from, dates)
    )
    read = context.gather({"days": days_read})["days"]

    def build(by_day: dict[date, DayCounts]) -> ServiceTrend:
        mine = {day: counts[service_id] for day, counts in by_day.items() if service_id in counts}
        frame = service_days(mine, start, today)
        return ServiceTrend(
            start, today, frame, service_trend_table(frame), settling_note(start, today, today)
        )

    def kept(by_day: dict[date, DayCounts]) -> ServiceTrend:
        # Built once per process for the same answers: the service's counts of each day, the
        # cache's own objects while Redis holds the same bytes (not the dicts around them,
        # each reader's own copy, whose thousands of entries would cost more to compare).
        answers = [by_day[day].get(service_id) for day in dates]
        key = ("service-trend", service_id, start, today)
        return OUTPUTS.build(key, answers, lambda: build(by_day))

    return section_of([read], kept, context.api_label)
