"""The UK financial year that Notify bills by: 1 April to 31 March, London time.

Notify's allowances, rates and yearly usage all follow the financial year that starts on
1 April in the UK, so "today" has to be today in London, not in UTC: for an hour after
midnight on 1 April (BST) a UTC clock still says 31 March.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

LONDON = ZoneInfo("Europe/London")

#: The first financial year Notify billed (its allowance table starts here).
FIRST_FINANCIAL_YEAR = 2016

#: Month names in financial-year order, as the API's monthly usage rows spell them.
FINANCIAL_YEAR_MONTHS: tuple[str, ...] = (
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
    "January",
    "February",
    "March",
)

_CALENDAR_MONTH = {name: (index + 3) % 12 + 1 for index, name in enumerate(FINANCIAL_YEAR_MONTHS)}


def london_today(now: datetime | None = None) -> date:
    """Today's date in London, because Notify's days and years start at London midnight.

    ``now`` defaults to the current time; a naive ``now`` is taken to be UTC.
    """
    if now is None:
        now = datetime.now(UTC)
    elif now.tzinfo is None:
        now = now.replace(tzinfo=UTC)
    return now.astimezone(LONDON).date()


def financial_year_of(day: date) -> int:
    """The financial year (named by the year it starts in) that ``day`` falls in."""
    return day.year if day.month >= 4 else day.year - 1


def current_financial_year(now: datetime | None = None) -> int:
    """This financial year in London, so that 1 April BST starts a new year at once."""
    return financial_year_of(london_today(now))


def financial_year_bounds(year: int) -> tuple[date, date]:
    """First and last day of financial year ``year``: 1 April ``year`` to 31 March ``year + 1``."""
    return date(year, 4, 1), date(year + 1, 3, 31)


def financial_year_label(year: int) -> str:
    """How GOV.UK writes a financial year, e.g. "2026 to 2027"."""
    return f"{year} to {year + 1}"


def financial_years(now: datetime | None = None) -> list[int]:
    """Every financial year Notify has billed, newest first, for a year picker."""
    return list(range(current_financial_year(now), FIRST_FINANCIAL_YEAR - 1, -1))


def month_number(month_name: str) -> int:
    """Calendar month number (1–12) of an English month name; ValueError if it is not one."""
    key = month_name.strip().title() if isinstance(month_name, str) else month_name
    try:
        return _CALENDAR_MONTH[key]
    except KeyError:
        raise ValueError(f"Not a month name: {month_name!r}") from None


def canonical_month(month_name: str) -> str:
    """The month's name as the API and ``FINANCIAL_YEAR_MONTHS`` spell it ("april" → "April")."""
    return FINANCIAL_YEAR_MONTHS[(month_number(month_name) - 4) % 12]


def month_start(year: int, month_name: str) -> date:
    """First day of the named month within financial year ``year``.

    January to March belong to the calendar year after ``year``: (2026, "January") is
    2027-01-01. Raises ValueError for a name that is not a month.
    """
    month = month_number(month_name)
    return date(year if month >= 4 else year + 1, month, 1)
