"""The whole platform's notifications by channel, as the Overview shows them."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from dashboard.domain.statistics import CHANNEL_LABELS, CHANNELS

if TYPE_CHECKING:
    from dashboard.notify_client.schemas.platform import PlatformStats

COLUMNS: tuple[str, ...] = ("channel", "label", "total", "failed", "failure_rate", "test_key")


def platform_by_channel(stats: PlatformStats) -> pd.DataFrame:
    """One row per channel: notifications, failed (the API's four failure statuses added),
    the failure rate (0 when nothing was sent) and those sent with test keys."""
    rows = []
    for channel in CHANNELS:
        totals = getattr(stats, channel)
        failures = totals.failures
        failed = (
            failures.permanent_failure
            + failures.technical_failure
            + failures.temporary_failure
            + failures.virus_scan_failed
        )
        rows.append(
            {
                "channel": channel,
                "label": CHANNEL_LABELS[channel],
                "total": totals.total,
                "failed": failed,
                "failure_rate": failed / totals.total if totals.total else 0.0,
                "test_key": totals.test_key,
            }
        )
    return pd.DataFrame(rows, columns=list(COLUMNS))
