from datetime import date

import pytest

from dashboard.domain.comparison import (
    change_words,
    compare_channels,
    comparison_table,
    earlier_windows,
    rate_change_line,
    rate_change_words,
    span_words,
    unused_channels_line,
)
from dashboard.notify_client.schemas.services import ChannelCounts, Statistics


def stats(email=(0, 0, 0), sms=(0, 0, 0), letter=(0, 0, 0)) -> Statistics:
    def counts(values):
        return ChannelCounts(requested=values[0], delivered=values[1], failed=values[2])

    return Statistics(email=counts(email), sms=counts(sms), letter=counts(letter))


def test_earlier_windows_are_the_same_length_and_touch_each_other():
    windows = earlier_windows(date(2026, 11, 25), date(2026, 12, 2), 3)
    assert windows == [
        (date(2026, 11, 17), date(2026, 11, 24)),
        (date(2026, 11, 9), date(2026, 11, 16)),
        (date(2026, 11, 1), date(2026, 11, 8)),
    ]


def test_one_day_windows_go_back_a_day_at_a_time():
    assert earlier_windows(date(2026, 12, 2), date(2026, 12, 2), 2) == [
        (date(2026, 12, 1), date(2026, 12, 1)),
        (date(2026, 11, 30), date(2026, 11, 30)),
    ]


@pytest.mark.parametrize(
    ("start", "end", "words"),
    [
        (date(2026, 11, 17), date(2026, 11, 24), "17 to 24 November"),
        (date(2026, 11, 28), date(2026, 12, 4), "28 November to 4 December"),
        (date(2026, 12, 28), date(2027, 1, 3), "28 December 2026 to 3 January 2027"),
        (date(2026, 12, 3), date(2026, 12, 3), "3 December"),
    ],
)
def test_span_words(start, end, words):
    assert span_words(start, end) == words


@pytest.mark.parametrize(
    ("now", "before", "words"),
    [
        (112, 100, "up 12 % on 17 to 24 November"),
        (88, 100, "down 12 % on 17 to 24 November"),
        (1002, 1000, "about the same as on 17 to 24 November"),
        (5, 0, "up from none on 17 to 24 November"),
        (0, 0, "none on 17 to 24 November"),
        (0, 40, "down 100 % on 17 to 24 November"),
    ],
)
def test_change_in_words(now, before, words):
    assert change_words(now, before, "17 to 24 November") == words


def test_a_rate_change_is_said_in_points_with_the_rate_before():
    assert rate_change_words(0.039, 0.027, 1000, "17 to 24 November") == (
        "up 1.2 points on 17 to 24 November (2.7%)"
    )
    assert rate_change_words(0.02, 0.03, 1000, "x") == "down 1 points on x (3.0%)"
    assert rate_change_words(0.02, 0.02, 1000, "x") == "the same as on x (2.0%)"
    assert rate_change_words(0.02, 0.0, 0, "x") == "nothing sent on x"


def test_compare_channels_puts_each_window_beside_the_one_before_and_judges_it():
    current = stats(email=(1000, 880, 100), sms=(200, 196, 4))
    earlier = [stats(email=(1000, 975, 20), sms=(100, 98, 2))] * 4
    email, sms, letter = compare_channels(
        current, earlier, (date(2026, 11, 17), date(2026, 11, 24))
    )
    assert (email.requested, email.previous_requested, email.failed, email.previous_failed) == (
        1000,
        1000,
        100,
        20,
    )
    assert email.failed_change == "up 400 % on 17 to 24 November"
    assert email.verdict.unusual
    assert sms.requested_change == "up 100 % on 17 to 24 November"
    assert not sms.verdict.unusual  # 4 failures: below the minimum
    assert not letter.used


def test_without_an_earlier_window_nothing_is_unusual_and_previous_is_zero():
    (email, *_) = compare_channels(stats(email=(100, 50, 50)), [], (date(2026, 11, 1),) * 2)
    assert email.previous_requested == 0
    assert not email.verdict.unusual


def test_unused_channels_are_one_line_and_left_out_of_the_table():
    items = compare_channels(stats(email=(10, 10, 0)), [stats()], (date(2026, 11, 1),) * 2)
    assert (
        unused_channels_line(items)
        == "No text messages or letters in this window or the one before."
    )
    table = comparison_table(items)
    assert table["Channel"].tolist() == ["Emails"]
    assert table["Failure rate unusual"].tolist() == ["No"]


def test_every_channel_used_needs_no_line():
    items = compare_channels(
        stats(email=(1, 1, 0), sms=(1, 1, 0), letter=(1, 1, 0)), [], (date(2026, 11, 1),) * 2
    )
    assert unused_channels_line(items) is None


def test_the_table_puts_every_figure_beside_the_same_figure_before():
    items = compare_channels(
        stats(email=(200, 180, 20)), [stats(email=(100, 95, 5))], (date(2026, 11, 1),) * 2
    )
    (row,) = comparison_table(items).to_dict("records")
    assert {
        name: row[name]
        for name in (
            "Requested",
            "Requested before",
            "Delivered",
            "Delivered before",
            "Failed",
            "Failed before",
            "Failure rate",
            "Failure rate before",
        )
    } == {
        "Requested": 200,
        "Requested before": 100,
        "Delivered": 180,
        "Delivered before": 95,
        "Failed": 20,
        "Failed before": 5,
        "Failure rate": 0.1,
        "Failure rate before": 0.05,
    }
    assert row["Requested: change"] == "up 100 % on 1 November"


def test_the_failure_rates_change_is_one_line_of_words_for_the_used_channels():
    items = compare_channels(
        stats(email=(200, 180, 20), sms=(100, 100, 0)),
        [stats(email=(100, 95, 5), sms=(100, 100, 0))],
        (date(2026, 11, 17), date(2026, 11, 24)),
    )
    assert rate_change_line(items) == (
        "Emails: failure rate up 5 points on 17 to 24 November (5.0%). "
        "Text messages: failure rate the same as on 17 to 24 November (0.0%)."
    )
    assert rate_change_line(compare_channels(stats(), [], (date(2026, 11, 1),) * 2)) is None
