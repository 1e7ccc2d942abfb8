"""A year's free text allowance month by month: what was sent, where the pace so far takes the
rest of the year, and the day the allowance runs out (or ran out).

The pace is the fragments used over the days from 1 April to today. The projection continues
it from today to 31 March, and the run-out date ahead is the day that same pace reaches the
allowance (`forecast.expected_run_out`, the year-end forecast's own), so the projected line
crosses the allowance on that date. An allowance already used up ran out in the month where
the months sent crossed it; the day within that month assumes its texts were spread evenly
over it, which is where the chart's line crosses too.

Months not yet happened are never drawn as if they had been sent: each month ahead, and the
running total ahead, carries the year-end forecast's 80 % range (`forecast.forecast_service`)
as well as the pace so far. The fragments still to come at the range's low (or high) end are
spread evenly over the days left, as the pace is, so the running total's range ends on 31 March
at exactly the forecast's range.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any, NamedTuple

import pandas as pd

from dashboard.domain.allowance_usage import AllowanceUsage
from dashboard.domain.financial_year import financial_year_bounds
from dashboard.domain.forecast import ServiceForecast, expected_run_out, forecast_service

SENT = "Sent"
PROJECTED = "Projected at the pace so far"

#: Columns of the months sent; `start` and `end` (exclusive) bound each month.
SENT_COLUMNS = (
    "month",
    "start",
    "end",
    "fragments",
    "free_used",
    "chargeable",
    "cost",
    "bottom",
    "top",
)
#: Columns of the months ahead: `fragments` more at the pace so far (on top of what the month
#: has sent, `bottom`, to `top`), and the 80 % range of them, `low` to `high` (drawn from
#: `top_low` to `top_high`).
PROJECTED_COLUMNS = (
    "month",
    "start",
    "end",
    "fragments",
    "low",
    "high",
    "bottom",
    "top",
    "top_low",
    "top_high",
)
#: Columns of the running total: fragments used by the start of `day`, sent or projected, and
#: the 80 % range of a projected total (`low` to `high`; a sent one is what was sent).
CUMULATIVE_COLUMNS = ("day", "fragments", "low", "high", "kind")


@dataclass(frozen=True)
class RunOut:
    """The day the allowance runs out at the pace so far, or the day it ran out."""

    day: date
    passed: bool


@dataclass(frozen=True, eq=False)
class AllowanceByMonth:
    """The months sent, the rest of the year projected, the running total and the run-out.

    Not comparable with ``==`` (it holds DataFrames).
    """

    allowance: int
    used: int
    per_day: float
    sent: pd.DataFrame
    projected: pd.DataFrame
    cumulative: pd.DataFrame
    run_out: RunOut | None
    year_end: ServiceForecast | None = None

    def run_out_words(self) -> tuple[str, str]:
        """A label and a value for the run-out (see `run_out_words`)."""
        return run_out_words(self.run_out, self.allowance)

    def pace_note(self) -> str:
        """What the chart's bars and ranges are, in a sentence under it."""
        note = (
            "Bars up to today are the fragments sent. The months ahead have not happened, so "
            "they are no bars but each month's 80 % range (the grey band), its line at the pace "
            f"so far ({self.per_day:,.1f} a day) to 31 March; the running total ahead is its "
            "80 % range (the orange band) around a dashed line at that pace. A day within a "
            "month assumes its texts were spread evenly over it."
        )
        forecast = self.year_end
        if forecast is None or forecast.final or forecast.used == 0:
            return note
        fragments, cost = forecast.fragments, forecast.cost
        return (
            f"{note} By 31 March: {fragments.expected:,} fragments (80 % range "
            f"{fragments.low:,} to {fragments.high:,}) and £{cost.expected:,.2f} of texts "
            f"beyond the allowance (£{cost.low:,.2f} to £{cost.high:,.2f}, excluding VAT), "
            "from the same forecast as the finance pages."
        )


class _Month(NamedTuple):
    """One row of `AllowanceUsage.monthly`, typed."""

    month: str
    start: date
    end: date
    fragments: int
    free_used: int
    chargeable: int
    cost: Decimal
    cumulative: int


def _next_month(day: date) -> date:
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)


def _months(usage: AllowanceUsage) -> list[_Month]:
    return [
        _Month(
            month=str(row["month"]),
            start=row["month_start"],
            end=_next_month(row["month_start"]),
            fragments=int(row["fragments"]),
            free_used=int(row["free_used"]),
            chargeable=int(row["chargeable"]),
            cost=row["cost"],
            cumulative=int(row["cumulative_fragments"]),
        )
        for row in usage.monthly.to_dict("records")
    ]


def _day_it_ran_out(usage: AllowanceUsage, counted_until: date) -> date:
    """The day the months sent crossed the allowance, spreading each month's texts evenly."""
    for month in _months(usage):
        if month.cumulative >= usage.allowance:
            before = month.cumulative - month.fragments
            days = (min(month.end, counted_until) - month.start).days
            # First whole day by which before + fragments * day / days reaches the allowance.
            day = max(1, -(-(usage.allowance - before) * days // month.fragments))
            return month.start + timedelta(days=day - 1)
    raise ValueError("The allowance was not used up")


def run_out(usage: AllowanceUsage, financial_year: int, today: date) -> RunOut | None:
    """When the allowance ran out (used up by today) or runs out at the pace so far; None when
    there is no allowance, nothing was used, or the pace does not use it up this year."""
    if usage.allowance <= 0 or usage.used <= 0:
        return None
    _, end = financial_year_bounds(financial_year)
    if usage.used >= usage.allowance:
        counted_until = min(today, end) + timedelta(days=1)
        return RunOut(_day_it_ran_out(usage, counted_until), passed=True)
    ahead = expected_run_out(usage.allowance, usage.used, financial_year, today)
    return RunOut(ahead, passed=False) if ahead is not None else None


def run_out_words(run_out: RunOut | None, allowance: int) -> tuple[str, str]:
    """A label and a value for the run-out: "ran out on" once the day has passed."""
    if run_out is not None and run_out.passed:
        return "Allowance ran out on", f"{run_out.day:%-d %B %Y}"
    if run_out is not None:
        return "Allowance runs out", f"{run_out.day:%-d %B %Y}"
    return "Allowance runs out", "No free allowance" if allowance <= 0 else "Not this year"


def _range_ahead(
    forecast: ServiceForecast, used: int, counted_until: date, end: date
) -> tuple[Callable[[date], int], Callable[[date], int]]:
    """The running total by the start of a day ahead at the forecast range's low and high end:
    the fragments still to come at each end, spread evenly over the days left."""
    days_left = (end + timedelta(days=1) - counted_until).days
    more_low = forecast.fragments.low - forecast.used
    more_high = forecast.fragments.high - forecast.used

    def share(day: date) -> float:
        return (day - counted_until).days / days_left if days_left > 0 else 0.0

    def low(day: date) -> int:
        return used + math.floor(more_low * share(day))

    def high(day: date) -> int:
        return used + math.ceil(more_high * share(day))

    return low, high


def allowance_by_month(usage: AllowanceUsage, financial_year: int, today: date) -> AllowanceByMonth:
    """The months up to today as sent, the rest of the year at the pace so far and as the
    forecast's 80 % range, a running total of each, and the run-out; a projected total is
    rounded down to whole fragments, its range outwards."""
    start, end = financial_year_bounds(financial_year)
    counted_until = max(start, min(today, end) + timedelta(days=1))  # the first day not counted
    days_counted = (counted_until - start).days

    def projected_total(day: date) -> int:
        return usage.used * (day - start).days // days_counted if days_counted else 0

    months = _months(usage)
    so_far = {month.month: month.fragments for month in months if month.start < counted_until}
    forecast = forecast_service(so_far, usage.allowance, financial_year, today)
    range_low, range_high = _range_ahead(forecast, usage.used, counted_until, end)

    def total_low(day: date) -> int:
        return min(range_low(day), projected_total(day))

    def total_high(day: date) -> int:
        return max(range_high(day), projected_total(day))

    sent: list[dict[str, Any]] = []
    projected: list[dict[str, Any]] = []
    cumulative: list[dict[str, Any]] = [
        {"day": start, "fragments": 0, "low": 0, "high": 0, "kind": SENT}
    ]
    for month in months:
        sent_in_month = 0
        if month.start < counted_until:
            sent_in_month = month.fragments
            sent.append(
                {
                    "month": month.month,
                    "start": month.start,
                    "end": month.end,
                    "fragments": month.fragments,
                    "free_used": month.free_used,
                    "chargeable": month.chargeable,
                    "cost": float(month.cost),
                    "bottom": 0,
                    "top": month.fragments,
                }
            )
            upto = min(month.end, counted_until)
            cumulative.append(
                {
                    "day": upto,
                    "fragments": month.cumulative,
                    "low": month.cumulative,
                    "high": month.cumulative,
                    "kind": SENT,
                }
            )
        if month.end > counted_until:
            first = max(month.start, counted_until)
            more = projected_total(month.end) - projected_total(first)
            low = total_low(month.end) - total_low(first)
            high = total_high(month.end) - total_high(first)
            projected.append(
                {
                    "month": month.month,
                    "start": month.start,
                    "end": month.end,
                    "fragments": more,
                    "low": low,
                    "high": high,
                    "bottom": sent_in_month,
                    "top": sent_in_month + more,
                    "top_low": sent_in_month + low,
                    "top_high": sent_in_month + high,
                }
            )
            if first == counted_until:
                cumulative.append(
                    {
                        "day": first,
                        "fragments": usage.used,
                        "low": usage.used,
                        "high": usage.used,
                        "kind": PROJECTED,
                    }
                )
            cumulative.append(
                {
                    "day": month.end,
                    "fragments": projected_total(month.end),
                    "low": total_low(month.end),
                    "high": total_high(month.end),
                    "kind": PROJECTED,
                }
            )
    return AllowanceByMonth(
        allowance=usage.allowance,
        used=usage.used,
        per_day=usage.used / days_counted if days_counted else 0.0,
        sent=pd.DataFrame(sent, columns=list(SENT_COLUMNS)),
        projected=pd.DataFrame(projected, columns=list(PROJECTED_COLUMNS)),
        cumulative=pd.DataFrame(cumulative, columns=list(CUMULATIVE_COLUMNS)),
        run_out=run_out(usage, financial_year, today),
        year_end=forecast,
    )
