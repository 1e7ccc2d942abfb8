"""Which days' counts are final, and the words for those that are not yet.

The API's nightly jobs rewrite the last 4 days' statuses (letters' 10) and the last 10 days'
billing: a message sent on Monday can fail on Thursday. So a day more than ``SETTLING_DAYS``
days old holds still and its counts can be kept for a long time, while the last 10 are read
again like today's; and a recent failure rate can read low, because late failures are not in
it yet.
"""

from datetime import date, timedelta

#: Days before today that the API may still rewrite (billing, and letters' statuses).
SETTLING_DAYS = 10


def first_settled_day(today: date) -> date:
    """The newest day whose counts no longer change: ``SETTLING_DAYS`` before today, less one."""
    return today - timedelta(days=SETTLING_DAYS + 1)


def is_settled(day: date, today: date) -> bool:
    """Whether a day's counts are final (it is more than ``SETTLING_DAYS`` days old)."""
    return day <= first_settled_day(today)


def settling_note(start: date, end: date, today: date) -> str | None:
    """What a reader of counts from ``start`` to ``end`` should know of the days still settling
    (None when every day has settled)."""
    if is_settled(end, today):
        return None
    first = max(start, first_settled_day(today) + timedelta(days=1))
    span = f"{first:%-d %B}" if first == end else f"{first:%-d %B} to {end:%-d %B}"
    return (
        f"The counts for {span} are still settling: Notify updates statuses for up to "
        f"{SETTLING_DAYS} days after sending, so late failures can still raise these figures."
    )
