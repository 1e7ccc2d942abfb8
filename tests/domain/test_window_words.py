"""The window's words say exactly which days are counted."""

from datetime import date

import pytest

from dashboard.domain.window_words import describe_window


@pytest.mark.parametrize(
    ("days", "start", "end", "words"),
    [
        (
            7,
            date(2026, 11, 20),
            date(2026, 11, 27),
            "Today and the 7 days before (20 to 27 November 2026)",
        ),
        (
            1,
            date(2026, 11, 26),
            date(2026, 11, 27),
            "Today and the 1 day before (26 to 27 November 2026)",
        ),
        (
            30,
            date(2026, 10, 28),
            date(2026, 11, 27),
            "Today and the 30 days before (28 October to 27 November 2026)",
        ),
        (
            90,
            date(2026, 10, 3),
            date(2027, 1, 1),
            "Today and the 90 days before (3 October 2026 to 1 January 2027)",
        ),
    ],
)
def test_today_and_the_days_before_with_their_dates(days, start, end, words):
    assert describe_window(days, start, end) == words
