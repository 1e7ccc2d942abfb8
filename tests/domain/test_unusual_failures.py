import pytest

from dashboard.domain.unusual_failures import (
    MAX_EARLIER_WINDOWS,
    MIN_FAILED,
    MIN_REQUESTED,
    MIN_RISE,
    MULTIPLE,
    UNUSUAL_MEANING,
    WindowCounts,
    is_unusual,
    judge_failure_rate,
)


def steady(rate_per_thousand: int, windows: int = 4) -> list[WindowCounts]:
    """Earlier windows of 1,000 messages each at one failure rate."""
    return [WindowCounts(1000, rate_per_thousand)] * windows


def test_a_rate_far_above_every_earlier_window_is_unusual():
    verdict = judge_failure_rate(WindowCounts(1000, 100), steady(20))
    assert verdict.unusual
    assert verdict.rate == pytest.approx(0.1)
    assert verdict.usual_rate == pytest.approx(0.02)
    assert verdict.highest_earlier == pytest.approx(0.02)
    assert verdict.reason == "10.0% against 2.0% before."


def test_one_failure_in_three_is_not_judged():
    assert not is_unusual(WindowCounts(3, 1), steady(0))


def test_the_minimum_number_of_requested_messages_is_the_edge():
    earlier = steady(0)
    assert not is_unusual(WindowCounts(MIN_REQUESTED - 1, 10), earlier)
    assert is_unusual(WindowCounts(MIN_REQUESTED, 10), earlier)


def test_the_minimum_number_of_failures_is_the_edge():
    # 200 messages and no failures before: only the count of failures decides.
    earlier = steady(0)
    assert not is_unusual(WindowCounts(200, MIN_FAILED - 1), earlier)
    assert is_unusual(WindowCounts(200, MIN_FAILED), earlier)


def test_a_rate_equal_to_the_highest_earlier_window_is_not_unusual():
    earlier = [
        WindowCounts(1000, 10),
        WindowCounts(1000, 10),
        WindowCounts(1000, 10),
        WindowCounts(1000, 80),
    ]
    assert not is_unusual(WindowCounts(1000, 80), earlier)
    assert is_unusual(WindowCounts(1000, 81), earlier)


def test_the_rate_must_reach_the_stated_multiple_of_the_earlier_rate():
    # Earlier together 5 %: twice that is 10 %, which is also more than 2 points above.
    earlier = steady(50)
    assert MULTIPLE == 2.0
    assert not is_unusual(WindowCounts(1000, 99), earlier)
    assert is_unusual(WindowCounts(1000, 100), earlier)


def test_a_small_rate_that_doubles_is_not_unusual_without_the_stated_rise():
    # 0.5 % to 2.4 % is more than twice, but less than 2 points above.
    earlier = steady(5)
    assert not is_unusual(WindowCounts(1000, 24), earlier)
    assert is_unusual(WindowCounts(1000, 5 + int(MIN_RISE * 1000)), earlier)


def test_a_rise_of_exactly_the_stated_points_counts_despite_floating_point():
    # 0.03 - 0.01 is 0.019999999999999997 in floating point.
    assert is_unusual(WindowCounts(1000, 30), steady(10))


def test_no_earlier_window_with_messages_means_nothing_to_compare_with():
    verdict = judge_failure_rate(WindowCounts(1000, 500), [WindowCounts(0, 0)] * 4)
    assert not verdict.unusual
    assert verdict.usual_rate is None
    assert verdict.reason == "No earlier window to compare with."
    assert not is_unusual(WindowCounts(1000, 500), [])


def test_windows_with_nothing_requested_are_skipped_not_counted_as_zero():
    earlier = [WindowCounts(0, 0), WindowCounts(1000, 60)]
    verdict = judge_failure_rate(WindowCounts(1000, 100), earlier)
    assert verdict.usual_rate == pytest.approx(0.06)
    assert not verdict.unusual  # 10 % is less than twice 6 %


def test_only_the_nearest_windows_count():
    # A bad fifth window back is beyond the rule's look-back.
    earlier = [*steady(10, MAX_EARLIER_WINDOWS), WindowCounts(1000, 500)]
    assert is_unusual(WindowCounts(1000, 100), earlier)


def test_the_earlier_rate_is_pooled_over_messages_not_averaged_over_windows():
    # 1 in 100 and 200 in 10,000: pooled 2 %, averaged 1.5 %.
    verdict = judge_failure_rate(
        WindowCounts(1000, 50), [WindowCounts(100, 1), WindowCounts(10000, 200)]
    )
    assert verdict.usual_rate == pytest.approx(201 / 10100)


def test_the_verdict_leaves_its_arguments_alone():
    earlier = steady(20)
    before = list(earlier)
    judge_failure_rate(WindowCounts(1000, 100), earlier)
    assert earlier == before


def test_the_meaning_names_every_threshold():
    assert UNUSUAL_MEANING == (
        "A failure rate is unusual when at least 50 messages were requested and 5 failed, and "
        "the rate is above the highest of the service's 4 previous windows of the same length, "
        "at least 2 times their rate taken together and at least 2 percentage points above it."
    )
