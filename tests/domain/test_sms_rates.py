from datetime import date
from decimal import Decimal

import pytest

from dashboard.domain.sms_rates import SMS_RATES, sms_rate_on


@pytest.mark.parametrize(
    ("day", "rate"),
    [
        (date(2016, 4, 1), "0.0158"),
        (date(2017, 3, 31), "0.0158"),
        (date(2017, 4, 1), "0.0158"),
        (date(2021, 3, 31), "0.0158"),
        (date(2021, 4, 1), "0.016"),
        (date(2022, 4, 1), "0.0161"),
        (date(2022, 4, 15), "0.0161"),
        (date(2022, 4, 30), "0.0161"),
        (date(2022, 5, 1), "0.0172"),
        (date(2023, 4, 1), "0.0197"),
        (date(2024, 4, 1), "0.0227"),
        (date(2025, 4, 1), "0.0233"),
        (date(2026, 3, 31), "0.0233"),
        (date(2026, 4, 1), "0.024"),
        (date(2026, 5, 1), "0.024"),
        (date(2030, 1, 1), "0.024"),
    ],
)
def test_sms_rate_on(day, rate):
    assert sms_rate_on(day) == Decimal(rate)
    assert isinstance(sms_rate_on(day), Decimal)


def test_rates_are_in_date_order():
    dates = [effective for effective, _ in SMS_RATES]
    assert dates == sorted(dates)
    assert len(set(dates)) == len(dates)
