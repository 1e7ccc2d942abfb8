"""Day by day: the platform's notifications per channel over a stretch of days, today marked
as a day still in progress.

`/platform-stats/daily-volumes-report` gives the platform by day in one small call; it counts
billable notifications (no statuses), so its figures are what was sent, not what failed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, timedelta
from typing import TYPE_CHECKING

import pandas as pd

from dashboard.domain.statistics import CHANNEL_LABELS

if TYPE_CHECKING:
    from dashboard.notify_client.schemas.platform import DailyVolumes

#: How many days the Overview's trend covers, today included.
TREND_DAYS = 30
TODAY_SO_FAR = "Today, so far"
WHOLE_DAY = "Whole day"

_FIELDS = {"email": "email_totals", "sms": "sms_totals", "letter": "letter_totals"}


def trend_start(today: date, days: int = TREND_DAYS) -> date:
    """The first day of a trend of `days` days that ends today."""
    return today - timedelta(days=days - 1)


def platform_days(rows: Sequence[DailyVolumes], start: date, today: date) -> pd.DataFrame:
    """Long form for a line per channel: day, channel label, count and whether the day is
    still in progress (today). A day the report leaves out has no count (None), not 0: the
    whole platform sends every day, so a missing day is more likely a short answer than a
    quiet day (`missing_days` names them)."""
    by_day = {row.day: row for row in rows}
    records = []
    day = start
    while day <= today:
        row = by_day.get(day)
        for channel, field in _FIELDS.items():
            records.append(
                {
                    "day": day,
                    "label": CHANNEL_LABELS[channel],
                    "count": getattr(row, field) if row is not None else None,
                    "progress": TODAY_SO_FAR if day == today else WHOLE_DAY,
                }
            )
        day += timedelta(days=1)
    return pd.DataFrame(records, columns=["day", "label", "count", "progress"])


def missing_days(rows: Sequence[DailyVolumes], start: date, today: date) -> str | None:
    """The sentence naming the days from `start` to today that the report has no row for
    (blank in the chart and table, never 0); None when it has every day."""
    listed = {row.day for row in rows}
    missing = [
        start + timedelta(days=offset)
        for offset in range((today - start).days + 1)
        if start + timedelta(days=offset) not in listed
    ]
    if not missing:
        return None
    shown = ", ".join(f"{day:%a %-d %b}" for day in missing[:5])
    more = f" and {len(missing) - 5} more" if len(missing) > 5 else ""
    days = "1 day" if len(missing) == 1 else f"{len(missing)} days"
    return (
        f"The API's daily report has no row for {days} ({shown}{more}): they are left blank, "
        "not counted as 0, because the platform sends every day and a missing day more likely "
        "means the answer was cut short."
    )


def trend_table(days: pd.DataFrame) -> pd.DataFrame:
    """The same figures as text beside the chart: one row per day, newest first, today named."""
    counts = days.assign(count=pd.to_numeric(days["count"]))  # a missing day is NaN, not 0
    wide = counts.pivot(index="day", columns="label", values="count")
    wide = wide[[label for label in CHANNEL_LABELS.values() if label in wide.columns]]
    wide = wide.sort_index(ascending=False)
    progress = days.drop_duplicates("day").set_index("day")["progress"]
    names = [
        f"{day:%a %-d %b} (so far)" if progress[day] == TODAY_SO_FAR else f"{day:%a %-d %b}"
        for day in wide.index
    ]
    table = wide.reset_index(drop=True).astype("Int64")  # a missing day stays blank
    table.insert(0, "Day", names)
    return table


#: The order of a service's counts for one day, as the daily-counts key keeps them.
DAY_COUNT_FIELDS: tuple[tuple[str, str], ...] = (
    ("email", "requested"),
    ("email", "failed"),
    ("sms", "requested"),
    ("sms", "failed"),
    ("letter", "requested"),
    ("letter", "failed"),
)
MEASURES = {"requested": "Requested", "failed": "Failed"}


def service_days(by_day: Mapping[date, Sequence[int]], start: date, today: date) -> pd.DataFrame:
    """Long form for one service's lines: day, channel label, measure (Requested or Failed),
    count and progress, for the channels it used in the days given; a day it sent nothing on
    counts 0."""
    used = {
        channel
        for counts in by_day.values()
        for (channel, measure), count in zip(DAY_COUNT_FIELDS, counts, strict=True)
        if measure == "requested" and count
    }
    records = []
    day = start
    while day <= today:
        counts = by_day.get(day, (0,) * len(DAY_COUNT_FIELDS))
        for (channel, measure), count in zip(DAY_COUNT_FIELDS, counts, strict=True):
            if channel in used:
                records.append(
                    {
                        "day": day,
                        "label": CHANNEL_LABELS[channel],
                        "measure": MEASURES[measure],
                        "count": count,
                        "progress": TODAY_SO_FAR if day == today else WHOLE_DAY,
                    }
                )
        day += timedelta(days=1)
    return pd.DataFrame(records, columns=["day", "label", "measure", "count", "progress"])


def service_trend_table(days: pd.DataFrame) -> pd.DataFrame:
    """One service's days as text: a row per day, newest first, a column per channel and
    measure ("Emails requested")."""
    if days.empty:
        return pd.DataFrame(columns=["Day"])
    named = days.assign(column=days["label"] + " " + days["measure"].str.lower())
    order = list(dict.fromkeys(named["column"]))
    wide = named.pivot_table(index="day", columns="column", values="count", aggfunc="sum")
    wide = wide[order].sort_index(ascending=False)
    progress = days.drop_duplicates("day").set_index("day")["progress"]
    names = [
        f"{day:%a %-d %b} (so far)" if progress[day] == TODAY_SO_FAR else f"{day:%a %-d %b}"
        for day in wide.index
    ]
    table = wide.reset_index(drop=True).astype("Int64")  # a missing day stays blank
    table.columns.name = None
    table.insert(0, "Day", names)
    return table
