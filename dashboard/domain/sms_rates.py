"""Notify's price per SMS fragment, excluding VAT, by the date each price took effect.

Costs beyond the free allowance are priced at the rate in force in the month the messages
were sent, so a year can mix rates (FY2022 changed price on 1 May 2022).
"""

from __future__ import annotations

from bisect import bisect_right
from datetime import date
from decimal import Decimal

#: (date the rate took effect, pounds per fragment), oldest first.
SMS_RATES: tuple[tuple[date, Decimal], ...] = (
    (date(2017, 4, 1), Decimal("0.0158")),
    (date(2021, 4, 1), Decimal("0.016")),
    (date(2022, 4, 1), Decimal("0.0161")),
    (date(2022, 5, 1), Decimal("0.0172")),
    (date(2023, 4, 1), Decimal("0.0197")),
    (date(2024, 4, 1), Decimal("0.0227")),
    (date(2025, 4, 1), Decimal("0.0233")),
    (date(2026, 4, 1), Decimal("0.024")),
)

_EFFECTIVE_DATES = tuple(effective for effective, _ in SMS_RATES)


def sms_rate_on(day: date) -> Decimal:
    """Pounds per SMS fragment on ``day``; days before the first rate use the first rate."""
    index = bisect_right(_EFFECTIVE_DATES, day) - 1
    return SMS_RATES[max(index, 0)][1]
