"""A window of counts beside the window of the same length just before it, in words.

A figure alone cannot say whether it is normal; beside the same figure for the days before it,
it can. The change is said in words ("up 12 % on 17 to 24 November") so that it never rests on
a colour, and the unusual-failure rule (`unusual_failures`) is judged on the same windows.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING

import pandas as pd

from dashboard.domain.statistics import CHANNEL_LABELS, CHANNELS
from dashboard.domain.unusual_failures import (
    MAX_EARLIER_WINDOWS,
    UnusualVerdict,
    WindowCounts,
    judge_failure_rate,
)

if TYPE_CHECKING:
    from dashboard.notify_client.schemas.services import Statistics

#: The channels in words inside a sentence.
CHANNEL_WORDS = {"email": "emails", "sms": "text messages", "letter": "letters"}


def earlier_windows(
    start: date, end: date, count: int = MAX_EARLIER_WINDOWS
) -> list[tuple[date, date]]:
    """The `count` windows of the same length as `start` to `end` just before it, nearest first."""
    length = (end - start).days + 1
    return [
        (start - timedelta(days=length * n), start - timedelta(days=length * (n - 1) + 1))
        for n in range(1, count + 1)
    ]


def span_words(start: date, end: date) -> str:
    """E.g. "17 to 24 November", "28 November to 4 December", "3 December"; years are named
    only when the span crosses one."""
    if start == end:
        return f"{start:%-d %B}"
    if start.year != end.year:
        return f"{start:%-d %B %Y} to {end:%-d %B %Y}"
    if start.month != end.month:
        return f"{start:%-d %B} to {end:%-d %B}"
    return f"{start:%-d} to {end:%-d %B}"


def change_words(now: int, before: int, span: str) -> str:
    """A count's change on the window before, e.g. "up 12 % on 17 to 24 November"."""
    if before == 0:
        return f"none on {span}" if now == 0 else f"up from none on {span}"
    change = round((now - before) / before * 100)
    if change == 0:
        return f"about the same as on {span}"
    return f"{'up' if change > 0 else 'down'} {abs(change):,} % on {span}"


def rate_change_words(now: float, before: float, before_requested: int, span: str) -> str:
    """A failure rate's change in percentage points, e.g. "up 1.2 points on 17 to 24 November"."""
    if before_requested == 0:
        return f"nothing sent on {span}"
    points = round((now - before) * 100, 1)
    if points == 0:
        return f"the same as on {span} ({before:.1%})"
    direction = "up" if points > 0 else "down"
    return f"{direction} {abs(points):g} points on {span} ({before:.1%})"


@dataclass(frozen=True)
class ChannelComparison:
    """One channel's window beside the one before, with the change in words and the verdict of
    the unusual-failure rule over up to four earlier windows."""

    channel: str
    label: str
    requested: int
    delivered: int
    failed: int
    previous_requested: int
    previous_delivered: int
    previous_failed: int
    requested_change: str
    failed_change: str
    rate_change: str
    verdict: UnusualVerdict

    @property
    def failure_rate(self) -> float:
        return self.failed / self.requested if self.requested else 0.0

    @property
    def previous_failure_rate(self) -> float:
        return self.previous_failed / self.previous_requested if self.previous_requested else 0.0

    @property
    def used(self) -> bool:
        """Whether the channel sent anything in either window."""
        return self.requested > 0 or self.previous_requested > 0


def compare_channels(
    current: Statistics, earlier: Sequence[Statistics], previous_span: tuple[date, date]
) -> list[ChannelComparison]:
    """Each channel's window beside `earlier[0]` (the window just before, `previous_span`),
    judged against every window in `earlier` (nearest first). With no earlier window read,
    the previous figures are zeros and the changes say nothing was read."""
    span = span_words(*previous_span)
    comparisons = []
    for channel in CHANNELS:
        now = getattr(current, channel)
        windows = [getattr(statistics, channel) for statistics in earlier]
        before = windows[0] if windows else None
        before_requested = before.requested if before else 0
        before_failed = before.failed if before else 0
        now_rate = now.failed / now.requested if now.requested else 0.0
        before_rate = before_failed / before_requested if before_requested else 0.0
        verdict = judge_failure_rate(
            WindowCounts(now.requested, now.failed),
            [WindowCounts(window.requested, window.failed) for window in windows],
        )
        comparisons.append(
            ChannelComparison(
                channel=channel,
                label=CHANNEL_LABELS[channel],
                requested=now.requested,
                delivered=now.delivered,
                failed=now.failed,
                previous_requested=before_requested,
                previous_delivered=before.delivered if before else 0,
                previous_failed=before_failed,
                requested_change=change_words(now.requested, before_requested, span),
                failed_change=change_words(now.failed, before_failed, span),
                rate_change=rate_change_words(now_rate, before_rate, before_requested, span),
                verdict=verdict,
            )
        )
    return comparisons


def unused_channels_line(comparisons: Sequence[ChannelComparison]) -> str | None:
    """One line for the channels that sent nothing in either window (None when all did)."""
    unused = [CHANNEL_WORDS[item.channel] for item in comparisons if not item.used]
    if not unused:
        return None
    names = unused[0] if len(unused) == 1 else f"{', '.join(unused[:-1])} or {unused[-1]}"
    return f"No {names} in this window or the one before."


def rate_change_line(comparisons: Sequence[ChannelComparison]) -> str | None:
    """Each used channel's failure rate against the window before, in words, as one line
    (None when no channel was used): "Emails: failure rate up 1.2 points on 17 to 24 November
    (2.7%)."."""
    changes = [
        f"{item.label}: failure rate {item.rate_change}." for item in comparisons if item.used
    ]
    return " ".join(changes) or None


COMPARISON_COLUMNS: tuple[str, ...] = (
    "Channel",
    "Requested",
    "Requested before",
    "Requested: change",
    "Delivered",
    "Delivered before",
    "Failed",
    "Failed before",
    "Failure rate",
    "Failure rate before",
    "Failure rate unusual",
)


def comparison_table(comparisons: Sequence[ChannelComparison]) -> pd.DataFrame:
    """The used channels' comparison as a table whose every cell reads as text or a number:
    each figure of the window beside the same figure for the window before (the failure
    rate's change in words is `rate_change_line`, so that the table fits at 1,400 px)."""
    rows = [
        {
            "Channel": item.label,
            "Requested": item.requested,
            "Requested before": item.previous_requested,
            "Requested: change": item.requested_change,
            "Delivered": item.delivered,
            "Delivered before": item.previous_delivered,
            "Failed": item.failed,
            "Failed before": item.previous_failed,
            "Failure rate": item.failure_rate,
            "Failure rate before": item.previous_failure_rate,
            "Failure rate unusual": "Yes: " + item.verdict.reason if item.verdict.unusual else "No",
        }
        for item in comparisons
        if item.used
    ]
    return pd.DataFrame(rows, columns=list(COMPARISON_COLUMNS))
