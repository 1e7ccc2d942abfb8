"""A settled range: one that ended more than 10 days ago, or in a month that has ended."""

from datetime import date

import pytest

from dashboard.domain.settled_periods import is_settled

TODAY = date(2026, 12, 20)


@pytest.mark.parametrize(
    ("end_date", "settled"),
    [
        (date(2026, 12, 20), False),
        (date(2026, 12, 10), False),  # 10 days ago: the API may still rebuild it
        (date(2026, 12, 9), True),
        (date(2026, 11, 30), True),  # a past month
        (date(2025, 4, 1), True),
    ],
)
def test_a_range_is_settled_after_10_days_or_when_its_month_has_ended(end_date, settled):
    assert is_settled(end_date, TODAY) is settled


def test_yesterday_in_a_month_that_ended_is_settled():
    assert is_settled(date(2026, 11, 30), date(2026, 12, 1))
    assert not is_settled(date(2026, 12, 1), date(2026, 12, 2))
