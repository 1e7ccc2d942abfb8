from datetime import date

import pytest

from dashboard.domain.retention import (
    DEFAULT_RETENTION_DAYS,
    DaysChoice,
    choose_days,
    max_window_days,
    retention_by_channel,
    window_heading,
)
from dashboard.notify_client.schemas.services import DATA_RETENTION, RetentionRow
from tests.samples import sample_body


def rows_of(*retention: tuple[str, int]) -> list[RetentionRow]:
    """Data retention rows of one service: (channel, days) each."""
    return DATA_RETENTION(
        [
            {
                "id": f"5d9ec8e4-1a44-4bd0-8a37-5e2cf3f2e4a{index}",
                "service_id": "da73e75a-0996-44f7-aeb4-62d5f5d5489e",
                "service_name": "Apply for a parking permit",
                "notification_type": channel,
                "days_of_retention": days,
                "created_at": "2026-11-27T16:25:17.010297Z",
                "updated_at": None,
            }
            for index, (channel, days) in enumerate(retention)
        ]
    )


def test_default_is_seven_days():
    assert DEFAULT_RETENTION_DAYS == 7


def test_retention_of_the_recorded_service():
    rows = DATA_RETENTION(sample_body("GET_service_data_retention"))
    assert retention_by_channel(rows) == {"email": 7, "sms": 7, "letter": 30}
    assert max_window_days(rows) == 30


@pytest.mark.parametrize(
    ("rows", "retention", "window"),
    [
        ([], {"email": 7, "sms": 7, "letter": 7}, 7),
        ([("sms", 3)], {"email": 7, "sms": 3, "letter": 7}, 7),
        ([("email", 90), ("sms", 3)], {"email": 90, "sms": 3, "letter": 7}, 90),
    ],
)
def test_retention_by_channel(rows, retention, window):
    assert retention_by_channel(rows_of(*rows)) == retention
    assert max_window_days(rows_of(*rows)) == window


@pytest.mark.parametrize(
    ("requested", "maximum", "default", "choice"),
    [
        (None, 30, 7, DaysChoice(7, 30, None)),
        ("", 30, 7, DaysChoice(7, 30, None)),
        ("  ", 30, 7, DaysChoice(7, 30, None)),
        (None, 3, 7, DaysChoice(3, 3, None)),
        ("14", 30, 7, DaysChoice(14, 30, None)),
        (" 14 ", 30, 7, DaysChoice(14, 30, None)),
        (14, 30, 7, DaysChoice(14, 30, None)),
        ("1", 30, 7, DaysChoice(1, 30, None)),
        ("30", 30, 7, DaysChoice(30, 30, None)),
        (
            "abc",
            30,
            7,
            DaysChoice(
                7, 30, "“abc” is not a number of days: showing today and the 7 days before."
            ),
        ),
        (
            "7.5",
            30,
            7,
            DaysChoice(
                7, 30, "“7.5” is not a number of days: showing today and the 7 days before."
            ),
        ),
        (
            "abc",
            5,
            7,
            DaysChoice(5, 5, "“abc” is not a number of days: showing today and the 5 days before."),
        ),
        (
            "0",
            30,
            7,
            DaysChoice(
                1, 30, "0 days is too few: choose 1 to 30 days. Showing today and the day before."
            ),
        ),
        (
            -3,
            30,
            7,
            DaysChoice(
                1, 30, "-3 days is too few: choose 1 to 30 days. Showing today and the day before."
            ),
        ),
        (
            "90",
            30,
            7,
            DaysChoice(
                30,
                30,
                "90 days is more than this service keeps: choose 1 to 30 days. "
                "Showing today and the 30 days before.",
            ),
        ),
        (
            91,
            90,
            7,
            DaysChoice(
                90,
                90,
                "91 days is more than this service keeps: choose 1 to 90 days. "
                "Showing today and the 90 days before.",
            ),
        ),
    ],
)
def test_choose_days(requested, maximum, default, choice):
    assert choose_days(requested, maximum, default) == choice


def test_choose_days_shortens_very_long_text():
    choice = choose_days("x" * 200, 30)
    assert choice.days == 7
    assert choice.message is not None
    assert len(choice.message) < 100
    assert "…" in choice.message


@pytest.mark.parametrize("digits", ["9" * 4_000, "-" + "9" * 4_000, "9" * 5_000])
def test_a_number_of_thousands_of_digits_gets_a_short_message(digits):
    choice = choose_days(digits, 30)

    assert choice.days in (1, 7, 30)
    assert choice.message is not None
    assert len(choice.message) < 150
    assert "…" in choice.message


def test_choose_days_default_is_seven():
    assert choose_days(None, 90) == DaysChoice(7, 90, None)


@pytest.mark.parametrize(
    ("days", "today", "heading"),
    [
        (7, date(2026, 11, 27), "Today and the 7 days before (20 to 27 November)"),
        (1, date(2026, 11, 27), "Today and the day before (26 to 27 November)"),
        (30, date(2026, 11, 27), "Today and the 30 days before (28 October to 27 November)"),
        (7, date(2027, 1, 3), "Today and the 7 days before (27 December 2026 to 3 January 2027)"),
    ],
)
def test_the_window_heading_says_exactly_which_days_are_counted(days, today, heading):
    assert window_heading(days, today) == heading
