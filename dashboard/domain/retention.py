"""How far back a service keeps notifications, and the window of days a page may show.

The statistics endpoint will count any number of days, but a service only keeps
notifications for its retention period (7 days per channel unless set, 3 to 90): counting
further back would show empty days as if nothing had been sent.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING

from dashboard.domain.statistics import CHANNELS

if TYPE_CHECKING:
    from dashboard.notify_client.schemas.services import RetentionRow

DEFAULT_RETENTION_DAYS = 7
#: The most days a service may keep (the admin's form allows 3 to 90).
LONGEST_RETENTION_DAYS = 90
_MAX_SHOWN_TEXT = 30


def retention_by_channel(rows: list[RetentionRow]) -> dict[str, int]:
    """Days of retention for every channel: its row's ``days_of_retention``, else 7."""
    result = dict.fromkeys(CHANNELS, DEFAULT_RETENTION_DAYS)
    for row in rows:
        result[row.notification_type] = row.days_of_retention
    return result


def max_window_days(rows: list[RetentionRow]) -> int:
    """The longest retention across channels: as far back as any count can still be right."""
    return max(retention_by_channel(rows).values())


@dataclass(frozen=True)
class DaysChoice:
    """The number of days to show, the most allowed, and why the request was changed (if it was)."""

    days: int
    maximum: int
    message: str | None


#: What every page that shows longer windows says of the Service page's (one rule, said once).
SERVICE_PAGE_WINDOW = (
    "The Service page shows at most as many days as the service keeps its notifications "
    "(7 unless it chose 3 to 90), so a longer link opens it shortened, saying so."
)


def _the_last(days: int) -> str:
    """The window in the words of the page's heading (`window_heading`)."""
    return "today and the day before" if days == 1 else f"today and the {days} days before"


def _days(days: int) -> str:
    return "1 day" if days == 1 else f"{_cut(str(days))} days"


def _cut(text: str) -> str:
    """Text from outside as a message quotes it: at most `_MAX_SHOWN_TEXT` characters (a
    4,000-digit `?days=` must not become a 4,000-character warning)."""
    return text if len(text) <= _MAX_SHOWN_TEXT else text[: _MAX_SHOWN_TEXT - 1] + "…"


def choose_days(requested: str | int | None, maximum: int, default: int = 7) -> DaysChoice:
    """Turn a requested window (a ``?days=`` value or slider) into 1 to ``maximum`` days.

    Nothing requested gives ``min(default, maximum)`` quietly. Text that is not a whole
    number gives the default, and a number outside 1 to ``maximum`` is clamped into it; both
    with a message that says what is shown instead, so that a shared link never breaks.
    """
    maximum = max(1, int(maximum))
    fallback = min(max(1, int(default)), maximum)
    if requested is None:
        return DaysChoice(fallback, maximum, None)
    if isinstance(requested, int) and not isinstance(requested, bool):
        value = requested
    else:
        text = str(requested).strip()
        if not text:
            return DaysChoice(fallback, maximum, None)
        try:
            value = int(text)
        except ValueError:
            return DaysChoice(
                fallback,
                maximum,
                f"“{_cut(text)}” is not a number of days: showing {_the_last(fallback)}.",
            )
    if value < 1:
        return DaysChoice(
            1,
            maximum,
            f"{_days(value)} is too few: choose 1 to {_days(maximum)}. Showing {_the_last(1)}.",
        )
    if value > maximum:
        return DaysChoice(
            maximum,
            maximum,
            f"{_days(value)} is more than this service keeps: choose 1 to {_days(maximum)}. "
            f"Showing {_the_last(maximum)}.",
        )
    return DaysChoice(value, maximum, None)


def window_heading(days: int, today: date) -> str:
    """Exactly what a window of ``days`` counts: the statistics endpoint's today plus that many
    days before it, e.g. "Today and the 7 days before (20 to 27 November)"."""
    first = today - timedelta(days=days)
    before = "the day before" if days == 1 else f"the {days:,} days before"
    if first.year != today.year:
        span = f"{first:%-d %B %Y} to {today:%-d %B %Y}"
    elif first.month != today.month:
        span = f"{first:%-d %B} to {today:%-d %B}"
    else:
        span = f"{first.day} to {today:%-d %B}"
    return f"Today and {before} ({span})"
