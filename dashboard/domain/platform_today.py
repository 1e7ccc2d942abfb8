"""The whole platform's notifications by channel, as the Overview shows them.

The figures by channel are the detailed services list's (requested leaves out cancelled
notifications, failed is every failed status): the sum of All services' rows, one definition
of "Failed" on every page. `/platform-stats` is read for what the list does not give, failures
by cause and test-key sends, and it counts differently (`PLATFORM_STATS_DIFFERENCE`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from dashboard.domain.statistics import CHANNEL_LABELS, CHANNELS

if TYPE_CHECKING:
    from dashboard.notify_client.schemas.platform import PlatformStats
    from dashboard.notify_client.schemas.services import DetailedService

#: What the Overview says of the two sources, so the reader knows why causes may not add up.
PLATFORM_STATS_DIFFERENCE = (
    "Requested and failed are the sum of every service's row on All services. The causes come "
    "from the API's platform statistics, which count cancelled notifications in their totals "
    "and give four failure statuses apart, leaving out validation-failed and the older failed: "
    "their causes can add up to less than Failed."
)
REQUESTED_COLUMNS: tuple[str, ...] = (
    "channel",
    "label",
    "requested",
    "delivered",
    "failed",
    "failure_rate",
)


def requested_by_channel(rows: list[DetailedService]) -> pd.DataFrame:
    """One row per channel: every service's requested, delivered and failed added up, and the
    failure rate (0 when nothing was requested)."""
    result = []
    for channel in CHANNELS:
        requested = sum(getattr(row.statistics, channel).requested for row in rows)
        delivered = sum(getattr(row.statistics, channel).delivered for row in rows)
        failed = sum(getattr(row.statistics, channel).failed for row in rows)
        result.append(
            {
                "channel": channel,
                "label": CHANNEL_LABELS[channel],
                "requested": requested,
                "delivered": delivered,
                "failed": failed,
                "failure_rate": failed / requested if requested else 0.0,
            }
        )
    return pd.DataFrame(result, columns=list(REQUESTED_COLUMNS))


def failures_by_status(stats: PlatformStats) -> dict[str, dict[str, int]]:
    """The platform statistics' failures by channel and status, for `causes_by_channel`."""
    counts = {}
    for channel in CHANNELS:
        failures = getattr(stats, channel).failures
        counts[channel] = {
            "permanent-failure": failures.permanent_failure,
            "temporary-failure": failures.temporary_failure,
            "technical-failure": failures.technical_failure,
            "virus-scan-failed": failures.virus_scan_failed,
        }
    return counts


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
