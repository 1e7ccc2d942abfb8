"""The financial year's end, forecast for one service or a group of them, with an 80 % range.

A service's year-end text fragments are what it has sent so far plus its pace so far (the
fragments sent from 1 April to today over those days, today included, as the Service page's
run-out date has always counted) carried on to 31 March. The range widens the fragments still
to come by how uncertain that pace is: the months seen tell us its level to within
``spread / sqrt(months seen)``, the months to come vary around it by ``spread / sqrt(months
left)``, and the level itself drifts by ``DRIFT`` a month. ``spread`` is how much the service's
complete months have varied (on a log scale), pulled towards a typical service's
(``TYPICAL_SPREAD``) so that one or two months cannot make a range look certain. The range
narrows as the year goes on and is nothing once the year has ended: a past year is what was
sent. Chargeable fragments and their cost follow from each end of the range with the year's
allowance and the rates in force (``allowance_usage``): the range of a cost is the cost of the
range's ends.

A group's range (a sector, an organisation, the platform) is not the sum of its services'
ends, which would claim every service lands at its high end at once, nor what independent
services would give (the square root of the sum of the squared distances from each expected
value to that side), which is too sure: services share seasons and growth. Each side is the
expected total less (or plus) a blend of the two, weighted by ``CORRELATION`` (or, for the
finance pages' forecasts from the year's total alone, ``TOTAL_CORRELATION``).

The constants are calibrated by ``devtools/backtest.py`` on the sandbox's past years, which
scores both forecasts. At 2,000 services, ``forecast_service``'s ranges held 78 % of services'
year-end fragments and 84 % of the platform's; ``forecast_from_total``'s, with its own
``TOTAL_SPREAD`` and ``TOTAL_CORRELATION``, 78 % and 84 % (with ``TYPICAL_SPREAD`` and
``CORRELATION`` they held 73 % and 34 %: the README gives every figure).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from types import MappingProxyType

from dashboard.domain.allowance_usage import allowance_totals
from dashboard.domain.financial_year import (
    FINANCIAL_YEAR_MONTHS,
    canonical_month,
    financial_year_bounds,
    month_start,
)

#: The share of outcomes the range is meant to hold.
COVERAGE = 0.8
#: The normal quantile for ``COVERAGE`` (each tail holds 10 %).
_Z = 1.2816
#: How much a typical service's month varies around its level, as a log-scale spread.
TYPICAL_SPREAD = 0.35
#: How many months of ``TYPICAL_SPREAD`` a service's own months are weighed against.
PRIOR_MONTHS = 3.0
#: How far a service's level drifts in a month, as a log-scale spread.
DRIFT = 0.08
#: How much services' surprises move together in a group's total (0: independent, 1: all at
#: once): seasons and growth are shared, so a platform's total is less sure than independence
#: would make it.
CORRELATION = 0.2
#: The spread `forecast_from_total` gives every service, whose months it does not know: wider
#: than ``TYPICAL_SPREAD``, which is only a prior for a service's own months. In the backtest
#: (2,000 services) 78 % of services' year-end fragments fell inside its ranges at 0.42, 73 %
#: at 0.35.
TOTAL_SPREAD = 0.42
#: ``CORRELATION`` for a group of `forecast_from_total`'s forecasts (the finance pages'). With one
#: spread for all, the biggest services, which vary more than a typical one and make most of a
#: total, get ranges too narrow; a group's range makes up for it by adding its services'
#: distances nearly as if they all moved together. In the backtest the platform's year end fell
#: inside its range in 84 % of months at 0.8 (with ``TOTAL_SPREAD``), 34 % at 0.2.
TOTAL_CORRELATION = 0.8

#: The method in one sentence, for the pages to show beside any forecast.
METHOD = (
    "Forecast: each service's fragments so far plus its pace so far (per day since 1 April) "
    "to 31 March; the 80 % range widens with how much its months have varied and how much of "
    "the year is left, and a past year is what was sent."
)


@dataclass(frozen=True)
class Range:
    """An expected value and the 80 % range around it (``low <= expected <= high``)."""

    low: int
    expected: int
    high: int


@dataclass(frozen=True)
class MoneyRange:
    """An expected amount of money in pounds, excluding VAT, and its 80 % range."""

    low: Decimal
    expected: Decimal
    high: Decimal


@dataclass(frozen=True)
class ServiceForecast:
    """One service's year end: fragments, chargeable fragments and their cost, each a range.

    ``over_on`` is the day the expected pace uses the allowance up, when that is after today
    and this year; ``already_over`` says the allowance was used up by today; ``may_go_over``
    says the range's high end goes over when the expected value does not. ``final`` marks a
    year that has ended: every range is then what happened.
    """

    financial_year: int
    allowance: int
    used: int
    fragments: Range
    chargeable: Range
    cost: MoneyRange
    over_on: date | None
    already_over: bool
    may_go_over: bool
    final: bool

    @property
    def over_month(self) -> date | None:
        """The first day of the month the service is expected to go over its allowance."""
        return None if self.over_on is None else self.over_on.replace(day=1)


@dataclass(frozen=True)
class GroupForecast:
    """The sum of several services' forecasts, with a range for the sum (see the module)."""

    services: int
    fragments: Range
    chargeable: Range
    cost: MoneyRange
    expected_over: int


def _days_counted(financial_year: int, today: date) -> tuple[int, int]:
    """Days of the year counted so far (today included) and days in the whole year."""
    start, end = financial_year_bounds(financial_year)
    total = (end - start).days + 1
    counted = min(total, max(0, (today - start).days + 1))
    return counted, total


def expected_run_out(allowance: int, used: int, financial_year: int, today: date) -> date | None:
    """The day the pace so far reaches the allowance, if that is within the year.

    The pace is ``used`` over the days from 1 April to ``today`` inclusive. When the allowance
    is already used up, this is the (past) day the pace reached it. None with no allowance,
    nothing used, a year not begun, or a pace that does not use the allowance up this year.
    """
    counted, total = _days_counted(financial_year, today)
    if used <= 0 or allowance <= 0 or counted == 0:
        return None
    day_number = -(-allowance * counted // used)  # first day d with used * d / counted >= it
    if day_number > total:
        return None
    return financial_year_bounds(financial_year)[0] + timedelta(days=day_number - 1)


def _spread(complete_months: list[int]) -> float:
    """The log-scale spread of a service's complete months, pulled towards a typical one."""
    logs = [math.log1p(fragments) for fragments in complete_months]
    if len(logs) < 2:
        return TYPICAL_SPREAD
    mean = sum(logs) / len(logs)
    squares = sum((value - mean) ** 2 for value in logs)
    variance = (PRIOR_MONTHS * TYPICAL_SPREAD**2 + squares) / (PRIOR_MONTHS + len(logs) - 1)
    return math.sqrt(variance)


def _log_width(counted: int, total: int, spread: float) -> float:
    """The log-scale half-width of the 80 % range of the fragments still to come."""
    month_days = total / 12
    seen = max(counted / month_days, 0.25)
    left = (total - counted) / month_days
    variance = spread**2 / seen + spread**2 / max(left, 1.0) + DRIFT**2 * left
    return _Z * math.sqrt(variance)


def _next_month(day: date) -> date:
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)


@cache
def _days_by_month(financial_year: int, first: date, until: date) -> Mapping[str, int]:
    """The days from ``first`` up to ``until`` (not included) in each month of the year
    (kept: every service of a page asks the same; read only)."""
    days: dict[str, int] = {}
    for name in FINANCIAL_YEAR_MONTHS:
        begins = month_start(financial_year, name)
        inside = (min(_next_month(begins), until) - max(begins, first)).days
        if inside > 0:
            days[name] = inside
    return MappingProxyType(days)


def _months_to_come(financial_year: int, counted: int, fragments: float) -> dict[str, float]:
    """``fragments`` spread evenly over the days of the year not yet counted, by month."""
    start, end = financial_year_bounds(financial_year)
    days = _days_by_month(financial_year, start + timedelta(days=counted), end + timedelta(1))
    days_left = sum(days.values())
    return {name: fragments * inside / days_left for name, inside in days.items()}


def _cost(
    allowance: int, financial_year: int, sent: Mapping[str, int], to_come: Mapping[str, float]
) -> Decimal:
    months = {
        name: sent.get(name, 0) + round(to_come.get(name, 0.0)) for name in FINANCIAL_YEAR_MONTHS
    }
    return allowance_totals(allowance, financial_year, months).cost


def forecast_service(
    monthly_fragments: Mapping[str, int], allowance: int, financial_year: int, today: date
) -> ServiceForecast:
    """A service's year end from its fragments month by month so far (month names, as
    ``sms_fragments_by_month`` gives them; months after today are ignored, so pass none).

    Raises ValueError for a month name that is not one, or a negative count or allowance.
    """
    counted, total = _days_counted(financial_year, today)
    sent: dict[str, int] = {}
    for name, fragments in monthly_fragments.items():
        if fragments < 0:
            raise ValueError(f"Fragments cannot be negative: {name} {fragments}")
        canonical = canonical_month(name)
        sent[canonical] = sent.get(canonical, 0) + int(fragments)
    start = financial_year_bounds(financial_year)[0]
    counted_until = start + timedelta(days=counted)
    complete = [
        sent.get(name, 0)
        for name in FINANCIAL_YEAR_MONTHS
        if _next_month(month_start(financial_year, name)) <= counted_until
    ]
    return _forecast(sent, _spread(complete), allowance, financial_year, today, counted, total)


def forecast_from_total(
    used: int, allowance: int, financial_year: int, today: date
) -> ServiceForecast:
    """A service's year end from its fragments so far alone (no months: a platform-wide answer
    gives only the year's total), with a typical service's spread (``TOTAL_SPREAD``); sum
    its forecasts with ``TOTAL_CORRELATION``.

    The fragments so far are taken as spread evenly over the days counted, for their cost.
    """
    if used < 0:
        raise ValueError(f"Fragments cannot be negative: {used}")
    counted, total = _days_counted(financial_year, today)
    start = financial_year_bounds(financial_year)[0]
    days = _days_by_month(financial_year, start, start + timedelta(days=counted))
    so_far = {name: used * inside / counted for name, inside in days.items()}
    sent = _whole(so_far, used)
    return _forecast(sent, TOTAL_SPREAD, allowance, financial_year, today, counted, total)


def _whole(shares: Mapping[str, float], total: int) -> dict[str, int]:
    """Whole fragments per month that add up to ``total`` exactly (largest remainders)."""
    floors = {name: math.floor(value) for name, value in shares.items()}
    short = total - sum(floors.values())
    by_remainder = sorted(shares, key=lambda name: floors[name] - shares[name])
    for name in by_remainder[: max(0, short)]:
        floors[name] += 1
    return {name: value for name, value in floors.items() if value}


def _forecast(
    sent: Mapping[str, int],
    spread: float,
    allowance: int,
    financial_year: int,
    today: date,
    counted: int,
    total: int,
) -> ServiceForecast:
    if allowance < 0:
        raise ValueError(f"An allowance cannot be negative: {allowance}")
    used = sum(sent.values())
    rest = used * (total - counted) / counted if counted else 0.0
    width = _log_width(counted, total, spread) if rest > 0 else 0.0
    ends = {
        "low": rest * math.exp(-width),
        "expected": rest,
        "high": rest * math.exp(width),
    }
    fragments = {
        "low": used + math.floor(ends["low"]),
        "expected": used + round(ends["expected"]),
        "high": used + math.ceil(ends["high"]),
    }
    if fragments["high"] <= allowance:  # nothing to charge at any end: most services
        costs = dict.fromkeys(ends, Decimal("0.00"))
    else:
        costs = {
            side: _cost(
                allowance, financial_year, sent, _months_to_come(financial_year, counted, value)
            ).quantize(Decimal("0.01"), ROUND_HALF_UP)
            for side, value in ends.items()
        }
    over_on = expected_run_out(allowance, used, financial_year, today)
    already_over = allowance > 0 and used >= allowance or allowance == 0 and used > 0
    if already_over:
        over_on = None
    return ServiceForecast(
        financial_year=financial_year,
        allowance=allowance,
        used=used,
        fragments=Range(**fragments),
        chargeable=Range(**{side: max(0, value - allowance) for side, value in fragments.items()}),
        cost=MoneyRange(**costs),
        over_on=over_on,
        already_over=already_over,
        may_go_over=not already_over and over_on is None and fragments["high"] > allowance,
        final=counted == total,
    )


def _spread_of_sum(distances: list[float], correlation: float) -> float:
    """How far a group's total may be from its expected value, from its services' distances:
    between independent (root of the sum of squares) and moving together (the plain sum),
    weighted by `correlation`."""
    squares = sum(distance * distance for distance in distances)
    together = sum(distances)
    return math.sqrt((1 - correlation) * squares + correlation * together * together)


def _sum_range(ranges: list[Range], correlation: float) -> Range:
    expected = sum(item.expected for item in ranges)
    below = _spread_of_sum([float(item.expected - item.low) for item in ranges], correlation)
    above = _spread_of_sum([float(item.high - item.expected) for item in ranges], correlation)
    return Range(
        low=max(sum(item.low for item in ranges), math.floor(expected - below)),
        expected=expected,
        high=min(sum(item.high for item in ranges), math.ceil(expected + above)),
    )


def _sum_money(ranges: list[MoneyRange], correlation: float) -> MoneyRange:
    expected = sum((item.expected for item in ranges), Decimal(0))
    below = Decimal(
        _spread_of_sum([float(item.expected - item.low) for item in ranges], correlation)
    )
    above = Decimal(
        _spread_of_sum([float(item.high - item.expected) for item in ranges], correlation)
    )
    cent = Decimal("0.01")
    return MoneyRange(
        low=max(sum((i.low for i in ranges), Decimal(0)), (expected - below).quantize(cent)),
        expected=expected,
        high=min(sum((i.high for i in ranges), Decimal(0)), (expected + above).quantize(cent)),
    )


def sum_forecasts(
    forecasts: Iterable[ServiceForecast], correlation: float = CORRELATION
) -> GroupForecast:
    """The forecasts of a sector, an organisation or the platform, added up (see the module):
    `correlation` is ``TOTAL_CORRELATION`` for `forecast_from_total`'s forecasts."""
    items = list(forecasts)
    return GroupForecast(
        services=len(items),
        fragments=_sum_range([item.fragments for item in items], correlation),
        chargeable=_sum_range([item.chargeable for item in items], correlation),
        cost=_sum_money([item.cost for item in items], correlation),
        expected_over=sum(1 for item in items if item.already_over or item.over_on is not None),
    )


def forecast_fields(
    forecast: ServiceForecast | GroupForecast, cost: str = "year_end_cost"
) -> dict[str, int | float]:
    """A forecast's year-end fragments, chargeable fragments and text cost (named `cost`),
    each with its 80 % range as `_low` and `_high`: the columns every finance table and CSV
    gives a service, a sector or an organisation, so the pages cannot name them apart."""
    fields: dict[str, int | float] = {}
    for name, figure in (
        ("year_end_fragments", forecast.fragments),
        ("year_end_chargeable", forecast.chargeable),
    ):
        fields |= {name: figure.expected, f"{name}_low": figure.low, f"{name}_high": figure.high}
    money = forecast.cost
    fields |= {
        cost: float(money.expected),
        f"{cost}_low": float(money.low),
        f"{cost}_high": float(money.high),
    }
    return fields


def forecast_columns(cost: str = "year_end_cost") -> tuple[str, ...]:
    """The names `forecast_fields` gives, in their order."""
    return tuple(
        f"{name}{end}"
        for name in ("year_end_fragments", "year_end_chargeable", cost)
        for end in ("", "_low", "_high")
    )


def group_words(group: GroupForecast) -> str:
    """A group's year end in one line, each figure with its 80 % range, as both finance pages'
    headlines say it: "1,234,567 text fragments (1,100,000 to 1,400,000), 234,567 chargeable
    (200,000 to 300,000)"."""
    fragments, chargeable = group.fragments, group.chargeable
    return (
        f"{fragments.expected:,} text fragments ({fragments.low:,} to {fragments.high:,}), "
        f"{chargeable.expected:,} chargeable ({chargeable.low:,} to {chargeable.high:,})"
    )


def over_words(forecast: ServiceForecast) -> str:
    """What a table says about a service and its allowance this year, in a few words."""
    if forecast.already_over:
        return "Over already"
    if forecast.over_on is not None:
        return f"Expected over {forecast.over_on:%b %Y}"
    if forecast.may_go_over:
        return "May go over"
    return ""


def over_range_words(forecast: ServiceForecast) -> str:
    """`over_words` and, for a service that is or may be over, its text cost by 31 March as
    the 80 % range in whole pounds: "Expected over Jan 2027; £1,200 to £3,400". Nothing for
    a service expected to stay within its allowance."""
    words = over_words(forecast)
    if not words:
        return ""
    return f"{words}; £{forecast.cost.low:,.0f} to £{forecast.cost.high:,.0f}"
