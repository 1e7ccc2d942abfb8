"""Notification counts by channel and status, as DataFrames for tables and charts.

The API's statistics give ``requested``, ``delivered`` and ``failed`` per channel; the admin
shows "sending" as what is neither delivered nor failed yet. The monthly counts come by
status instead, and are grouped here by the same rules the statistics endpoint uses.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import TYPE_CHECKING

import pandas as pd

if TYPE_CHECKING:
    from dashboard.notify_client.schemas.services import NotificationsByChannel, Statistics

CHANNELS: tuple[str, ...] = ("email", "sms", "letter")
CHANNEL_LABELS: dict[str, str] = {"email": "Emails", "sms": "Text messages", "letter": "Letters"}
STATUSES: tuple[str, ...] = ("delivered", "failed", "sending")

_COUNT_COLUMNS = ("requested", "delivered", "failed", "sending")

#: The statistics endpoint's groups of statuses: "requested" is every status but these,
NOT_REQUESTED_STATUSES: frozenset[str] = frozenset({"cancelled"})
#: "delivered" is these,
DELIVERED_STATUSES: frozenset[str] = frozenset({"delivered", "sent"})
#: and "failed" these.
FAILED_STATUSES: frozenset[str] = frozenset(
    {
        "failed",
        "technical-failure",
        "temporary-failure",
        "permanent-failure",
        "validation-failed",
        "virus-scan-failed",
    }
)

MONTHLY_STATISTICS_COLUMNS: tuple[str, ...] = (
    "month",
    "month_start",
    "channel",
    "label",
    "requested",
    "delivered",
    "failed",
    "sending",
)


def _counts(statistics: Statistics, channel: str) -> dict[str, int]:
    """One channel's counts; sending never goes below 0."""
    counts = getattr(statistics, channel)
    return {
        "requested": counts.requested,
        "delivered": counts.delivered,
        "failed": counts.failed,
        "sending": max(0, counts.requested - counts.delivered - counts.failed),
    }


def statistics_frame(statistics: Statistics) -> pd.DataFrame:
    """One row per channel (email, sms, letter) with counts and failure rate, for a table.

    Columns: channel, label, requested, delivered, failed, sending (int64) and failure_rate
    (failed / requested, 0.0 when nothing was requested).
    """
    rows = []
    for channel in CHANNELS:
        counts = _counts(statistics, channel)
        requested = counts["requested"]
        rows.append(
            {
                "channel": channel,
                "label": CHANNEL_LABELS[channel],
                **counts,
                "failure_rate": counts["failed"] / requested if requested else 0.0,
            }
        )
    # Python ints and floats: pandas infers int64 and float64 without a costly astype.
    return pd.DataFrame(rows, columns=["channel", "label", *_COUNT_COLUMNS, "failure_rate"])


def tidy_statistics(statistics: Statistics) -> pd.DataFrame:
    """Long form for stacked charts: one row per channel and status (delivered, failed, sending).

    Columns channel, label, status and count (int64); channels in ``CHANNELS`` order and
    statuses in ``STATUSES`` order.
    """
    rows = [
        {
            "channel": channel,
            "label": CHANNEL_LABELS[channel],
            "status": status,
            "count": _counts(statistics, channel)[status],
        }
        for channel in CHANNELS
        for status in STATUSES
    ]
    return pd.DataFrame(rows, columns=["channel", "label", "status", "count"])


def totals(statistics: Statistics) -> dict[str, int]:
    """Requested, delivered, failed and sending over all channels, for headline numbers."""
    result = dict.fromkeys(_COUNT_COLUMNS, 0)
    for channel in CHANNELS:
        for column, value in _counts(statistics, channel).items():
            result[column] += value
    return result


def grouped_counts(by_status: Mapping[str, int]) -> dict[str, int]:
    """Requested, delivered, failed and sending from counts by status, as the statistics
    endpoint groups them; a status it does not name counts as requested and still sending."""
    requested = sum(n for status, n in by_status.items() if status not in NOT_REQUESTED_STATUSES)
    delivered = sum(n for status, n in by_status.items() if status in DELIVERED_STATUSES)
    failed = sum(n for status, n in by_status.items() if status in FAILED_STATUSES)
    return {
        "requested": requested,
        "delivered": delivered,
        "failed": failed,
        "sending": max(0, requested - delivered - failed),
    }


def monthly_statistics_frame(months: Mapping[str, NotificationsByChannel]) -> pd.DataFrame:
    """One row per month and channel, months in order, with ``MONTHLY_STATISTICS_COLUMNS``.

    ``months`` maps "2026-04" to that month's counts by channel and status (the monthly
    notifications answer); ``month_start`` is the month's first day, counts are int64.
    """
    rows = [
        {
            "month": month,
            "month_start": date(int(month[:4]), int(month[5:7]), 1),
            "channel": channel,
            "label": CHANNEL_LABELS[channel],
            **grouped_counts(getattr(months[month], channel)),
        }
        for month in sorted(months)
        for channel in CHANNELS
    ]
    frame = pd.DataFrame(rows, columns=list(MONTHLY_STATISTICS_COLUMNS))
    counts = list(_COUNT_COLUMNS)
    return frame.astype(dict.fromkeys(counts, "int64"))


def monthly_statistics_table(monthly: pd.DataFrame) -> pd.DataFrame:
    """One row per month ("April 2026") and a column per channel and count, for a table:
    "Emails requested", "Emails delivered", "Emails failed", then texts, then letters."""
    columns = [
        (channel, count) for channel in CHANNELS for count in ("requested", "delivered", "failed")
    ]
    months = monthly.drop_duplicates("month")[["month", "month_start"]]
    table = pd.DataFrame({"Month": [start.strftime("%B %Y") for start in months["month_start"]]})
    for channel, count in columns:
        values = monthly[monthly["channel"] == channel].set_index("month")[count]
        table[f"{CHANNEL_LABELS[channel]} {count}"] = [int(values[m]) for m in months["month"]]
    return table
