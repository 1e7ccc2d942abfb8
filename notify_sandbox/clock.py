"""Dates and timestamps: London's today, and the API's several timestamp formats.

The generated file stores counts as "days ago" and timestamps relative to the day it was
built (its anchor). Serving shifts every stored timestamp by the days since the anchor, so a
file reopened weeks later still looks current and its dates agree with its counts.
"""

from datetime import UTC, date, datetime, time, timedelta
from email.utils import format_datetime
from zoneinfo import ZoneInfo

LONDON = ZoneInfo("Europe/London")
STORED_FORMAT = "%Y-%m-%dT%H:%M:%S.%f"


def london_today() -> date:
    """Today's date in London, which is where the API's days begin."""
    return datetime.now(LONDON).date()


def utc_now() -> datetime:
    """The current UTC time, naive like the API's database columns."""
    return datetime.now(UTC).replace(tzinfo=None)


def stored(moment: datetime) -> str:
    """Text for a naive UTC timestamp as the database keeps it."""
    return moment.strftime(STORED_FORMAT)


def at_midnight(day: date) -> datetime:
    """The naive start of a day, the base for generated timestamps."""
    return datetime.combine(day, time())


class Timeline:
    """Maps stored timestamps and days-ago to real dates for one request's today."""

    def __init__(self, anchor: date, today: date) -> None:
        self.anchor = anchor
        self.today = today
        self.shift = timedelta(days=(today - anchor).days)

    def moment(self, text: str | None) -> datetime | None:
        """A stored timestamp moved forward by the days since the file was built."""
        if text is None:
            return None
        return datetime.strptime(text, STORED_FORMAT) + self.shift

    def to_stored(self, moment: datetime) -> str:
        """Text to store for a real moment, so that `moment()` gives it back."""
        return stored(moment - self.shift)

    def days_ago(self, day: date) -> int:
        """How many days before today a date is."""
        return (self.today - day).days


def month_stretches(first: date, last: date) -> list[tuple[date, date]]:
    """The days from `first` to `last` cut where each month begins, as (first, last) pairs;
    none when `last` is before `first`. Billing rates change only on the 1st, so each stretch
    has one rate."""
    stretches = []
    while first <= last:
        next_month = (first.replace(day=28) + timedelta(days=4)).replace(day=1)
        stretches.append((first, min(last, next_month - timedelta(days=1))))
        first = next_month
    return stretches


def iso_z(moment: datetime | None) -> str | None:
    """ISO 8601 with microseconds and Z, the form of single objects' dates."""
    return None if moment is None else moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def plain(moment: datetime | None) -> str | None:
    """Python's str() of a datetime, the form of go_live_at and password_changed_at."""
    return None if moment is None else moment.strftime("%Y-%m-%d %H:%M:%S.%f")


def rfc1123(moment: datetime | None) -> str | None:
    """The HTTP date form that Flask gives datetimes inside lists."""
    if moment is None:
        return None
    return format_datetime(moment.replace(microsecond=0, tzinfo=UTC), usegmt=True)
