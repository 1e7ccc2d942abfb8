"""Notification counts by channel and status, as DataFrames for tables and charts.

The API's statistics give ``requested``, ``delivered`` and ``failed`` per channel; the admin
shows "sending" as what is neither delivered nor failed yet.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

if TYPE_CHECKING:
    from dashboard.notify_client.schemas.services import Statistics

CHANNELS: tuple[str, ...] = ("email", "sms", "letter")
CHANNEL_LABELS: dict[str, str] = {"email": "Emails", "sms": "Text messages", "letter": "Letters"}
STATUSES: tuple[str, ...] = ("delivered", "failed", "sending")

_COUNT_COLUMNS = ("requested", "delivered", "failed", "sending")


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
