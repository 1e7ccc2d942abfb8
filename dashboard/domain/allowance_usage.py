"""How much of a free text-message allowance a service has used, and what the rest costs.

Notify uses up the yearly allowance of free SMS fragments in financial-year order (April
first); fragments beyond it are charged at the rate in force in the month they were sent.
Money is kept in ``Decimal`` so that totals are exact to the penny; round only for display.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import pandas as pd

from dashboard.domain.financial_year import (
    FINANCIAL_YEAR_MONTHS,
    canonical_month,
    financial_year_bounds,
    month_start,
)
from dashboard.domain.sms_rates import sms_rate_on

if TYPE_CHECKING:
    from dashboard.notify_client.schemas.billing import MonthlyUsageRow, UsageRow

MONTHLY_COLUMNS: tuple[str, ...] = (
    "month",
    "month_start",
    "fragments",
    "free_used",
    "chargeable",
    "rate",
    "cost",
    "cumulative_fragments",
)


@dataclass(frozen=True)
class AllowanceTotals:
    """A year's allowance, fragments used, free left, chargeable fragments and their cost."""

    allowance: int
    used: int
    remaining: int
    chargeable: int
    cost: Decimal


@dataclass(frozen=True, eq=False)
class AllowanceUsage(AllowanceTotals):
    """A service's free SMS allowance for one financial year and how it was used.

    ``monthly`` has one row for each of the 12 months, April to March (months without
    usage have zeros), with columns ``MONTHLY_COLUMNS``: ``month`` (name), ``month_start``
    (``datetime.date``), ``fragments``, ``free_used``, ``chargeable`` and
    ``cumulative_fragments`` (int64), ``rate`` (pounds per fragment) and ``cost`` (pounds),
    both ``Decimal`` objects. Not comparable with ``==`` (it holds a DataFrame).
    """

    monthly: pd.DataFrame


def _monthly_rows(
    allowance: int, financial_year: int, monthly_fragments: Mapping[str, int]
) -> list[dict[str, Any]]:
    """Spread ``allowance`` over the year's months, April first, and price what is left over."""
    if allowance < 0:
        raise ValueError(f"An allowance cannot be negative: {allowance}")
    fragments_by_month: dict[str, int] = dict.fromkeys(FINANCIAL_YEAR_MONTHS, 0)
    for name, fragments in monthly_fragments.items():
        if fragments < 0:
            raise ValueError(f"Fragments cannot be negative: {name} {fragments}")
        canonical = canonical_month(name)
        fragments_by_month[canonical] += int(fragments)

    rows = []
    left = allowance
    cumulative = 0
    for name, fragments in fragments_by_month.items():
        start = month_start(financial_year, name)
        free_used = min(fragments, left)
        left -= free_used
        chargeable = fragments - free_used
        rate = sms_rate_on(start)
        cumulative += fragments
        rows.append(
            {
                "month": name,
                "month_start": start,
                "fragments": fragments,
                "free_used": free_used,
                "chargeable": chargeable,
                "rate": rate,
                "cost": chargeable * rate,
                "cumulative_fragments": cumulative,
            }
        )
    return rows


def _totals(allowance: int, rows: list[dict[str, Any]]) -> dict[str, Any]:
    used = rows[-1]["cumulative_fragments"]
    return {
        "allowance": allowance,
        "used": used,
        "remaining": max(0, allowance - used),
        "chargeable": max(0, used - allowance),
        "cost": sum((row["cost"] for row in rows), Decimal(0)),
    }


def allowance_totals(
    allowance: int, financial_year: int, monthly_fragments: Mapping[str, int]
) -> AllowanceTotals:
    """The year's totals without the monthly frame: cheap enough for thousands of services."""
    return AllowanceTotals(
        **_totals(allowance, _monthly_rows(allowance, financial_year, monthly_fragments))
    )


def _rate_order(financial_year: int) -> dict[Decimal, int]:
    """Each SMS rate in force during the year, by the month (0 for April) it first applied."""
    order: dict[Decimal, int] = {}
    for index, name in enumerate(FINANCIAL_YEAR_MONTHS):
        order.setdefault(sms_rate_on(month_start(financial_year, name)), index)
    return order


def yearly_allowance_totals(
    allowance: int, financial_year: int, yearly_rows: Sequence[UsageRow]
) -> AllowanceTotals:
    """The year's totals from its yearly usage summary: the figures ``allowance_totals`` gives
    from monthly usage, from a call that costs the API milliseconds instead of seconds.

    The summary has one SMS row per rate. Rates only change on the 1st of a month and only
    rise within a year, so taking the rows in the order their rates came into force takes the
    year's fragments in date order: the allowance is used up down them, and what is left of
    each row is charged at its rate, as month by month. A rate the table does not know goes
    after the known ones, lowest first.
    """
    if allowance < 0:
        raise ValueError(f"An allowance cannot be negative: {allowance}")
    order = _rate_order(financial_year)
    fragments_by_rate: dict[Decimal, int] = {}
    for row in yearly_rows:
        if row.notification_type == "sms":
            rate = Decimal(str(row.rate))
            fragments_by_rate[rate] = fragments_by_rate.get(rate, 0) + row.chargeable_units
    left, cost = allowance, Decimal(0)
    for rate in sorted(fragments_by_rate, key=lambda rate: (order.get(rate, len(order)), rate)):
        free = min(fragments_by_rate[rate], left)
        left -= free
        cost += (fragments_by_rate[rate] - free) * rate
    used = sum(fragments_by_rate.values())
    return AllowanceTotals(
        allowance=allowance,
        used=used,
        remaining=max(0, allowance - used),
        chargeable=max(0, used - allowance),
        cost=cost,
    )


def allowance_usage(
    allowance: int, financial_year: int, monthly_fragments: Mapping[str, int]
) -> AllowanceUsage:
    """Spread ``allowance`` over the year's fragments, April first, and price the rest.

    ``monthly_fragments`` maps month names ("April", …) to SMS fragments sent that month
    (see ``sms_fragments_by_month``). Raises ValueError for a name that is not a month or
    for a negative allowance or count.
    """
    rows = _monthly_rows(allowance, financial_year, monthly_fragments)
    monthly = pd.DataFrame(rows, columns=list(MONTHLY_COLUMNS))
    return AllowanceUsage(**_totals(allowance, rows), monthly=monthly)


def allowance_run_out_date(
    allowance: int, used: int, financial_year: int, today: date
) -> date | None:
    """The day the allowance runs out if the service keeps sending at its pace so far.

    The pace is ``used`` over the days from 1 April to ``today`` inclusive (to 31 March for
    a year that has ended). The run-out day is the first day on which that pace reaches the
    allowance. When the allowance is already used up this is the (estimated, past) day it
    ran out, on or before ``today``. None when nothing has been used, when there is no
    allowance to run out (0), when ``today`` is before the year starts, or when the pace
    would not use it up before the year ends.
    """
    start, end = financial_year_bounds(financial_year)
    if used <= 0 or allowance <= 0 or today < start:
        return None
    days_elapsed = (min(today, end) - start).days + 1
    # First day d with used / days_elapsed * d >= allowance, in integers.
    day_number = -(-allowance * days_elapsed // used)
    if day_number > (end - start).days + 1:
        return None  # checked before adding: a tiny pace would overflow the date
    return start + timedelta(days=day_number - 1)


def sms_fragments_by_month(monthly_rows: list[MonthlyUsageRow]) -> dict[str, int]:
    """SMS fragments sent per month from monthly usage rows of either API version.

    Reads the ``chargeable_units`` of the ``sms`` rows (2018's ``billing_units``, which the
    schema reads under that name) and adds up rows of the same month (one per rate or
    postage). Keys are month names in financial-year order, only months that have SMS rows;
    the input to ``allowance_usage``.
    """
    totals: dict[str, int] = {}
    for row in monthly_rows:
        if row.notification_type != "sms":
            continue
        totals[row.month] = totals.get(row.month, 0) + row.chargeable_units
    return {name: totals[name] for name in FINANCIAL_YEAR_MONTHS if name in totals}
