from datetime import date
from decimal import Decimal

import pytest

from dashboard.domain.allowance_usage import allowance_run_out_date, allowance_totals
from dashboard.domain.forecast import (
    METHOD,
    TOTAL_CORRELATION,
    Range,
    expected_run_out,
    forecast_from_total,
    forecast_service,
    over_range_words,
    over_words,
    sum_forecasts,
)

YEAR = 2026
END_OF_SEPTEMBER = date(2026, 9, 30)  # 183 of the year's 365 days


def test_the_expected_year_end_is_the_pace_so_far_carried_to_31_march():
    months = dict.fromkeys(("April", "May", "June", "July", "August", "September"), 1000)
    forecast = forecast_service(months, 10_000, YEAR, END_OF_SEPTEMBER)

    assert forecast.used == 6_000
    assert forecast.fragments.expected == 6_000 + round(6_000 * 182 / 183)
    assert forecast.chargeable.expected == forecast.fragments.expected - 10_000
    assert forecast.fragments.low < forecast.fragments.expected < forecast.fragments.high
    assert forecast.cost.low < forecast.cost.expected < forecast.cost.high
    assert not forecast.final


def test_a_steady_service_has_a_narrower_range_than_an_erratic_one():
    steady = forecast_service(
        dict.fromkeys(("April", "May", "June", "July", "August", "September"), 1_000),
        0,
        YEAR,
        END_OF_SEPTEMBER,
    )
    erratic = forecast_service(
        {"April": 100, "May": 2_500, "June": 200, "July": 2_000, "August": 100, "September": 1_100},
        0,
        YEAR,
        END_OF_SEPTEMBER,
    )
    assert steady.fragments.expected == erratic.fragments.expected
    width = lambda f: f.fragments.high - f.fragments.low  # noqa: E731
    assert width(steady) < width(erratic)


def test_the_range_narrows_as_the_year_goes_on():
    def width(today: date, months: tuple[str, ...]) -> float:
        forecast = forecast_service(dict.fromkeys(months, 1_000), 0, YEAR, today)
        return (forecast.fragments.high - forecast.fragments.low) / forecast.fragments.expected

    april_to_june = ("April", "May", "June")
    to_december = april_to_june + ("July", "August", "September", "October", "November", "December")
    assert width(date(2026, 12, 31), to_december) < width(date(2026, 6, 30), april_to_june)


def test_one_month_of_data_gives_a_wider_range_than_six_steady_ones():
    one = forecast_service({"April": 3_000}, 30_000, YEAR, date(2026, 4, 30))
    six = forecast_service(
        dict.fromkeys(("April", "May", "June", "July", "August", "September"), 3_000),
        30_000,
        YEAR,
        END_OF_SEPTEMBER,
    )

    assert one.fragments.expected == 3_000 + 3_000 * 335 // 30
    relative = lambda f: (f.fragments.high - f.fragments.low) / f.fragments.expected  # noqa: E731
    assert relative(one) > 2 * relative(six)
    assert one.fragments.low >= 3_000  # never less than was sent


def test_a_service_with_no_texts_is_forecast_to_send_none():
    forecast = forecast_service({}, 30_000, YEAR, END_OF_SEPTEMBER)

    assert forecast.fragments == Range(0, 0, 0)
    assert forecast.chargeable == Range(0, 0, 0)
    assert forecast.cost.high == 0
    assert forecast.over_on is None and not forecast.already_over and not forecast.may_go_over
    assert over_words(forecast) == ""


def test_a_year_not_yet_begun_has_nothing_to_forecast():
    forecast = forecast_from_total(0, 30_000, 2027, END_OF_SEPTEMBER)

    assert forecast.fragments == Range(0, 0, 0)
    assert not forecast.final


def test_a_past_year_is_what_was_sent_with_no_range():
    months = {"April": 20_000, "October": 15_000, "March": 5_000}
    forecast = forecast_service(months, 30_000, 2025, END_OF_SEPTEMBER)
    actual = allowance_totals(30_000, 2025, months)

    assert forecast.final
    assert forecast.fragments == Range(40_000, 40_000, 40_000)
    assert forecast.chargeable == Range(10_000, 10_000, 10_000)
    assert forecast.cost.low == forecast.cost.expected == forecast.cost.high == actual.cost
    assert forecast.already_over and over_words(forecast) == "Over already"


def test_a_custom_allowance_moves_the_chargeable_fragments_and_the_month_not_the_texts():
    months = dict.fromkeys(("April", "May", "June", "July", "August", "September"), 5_000)
    default = forecast_service(months, 40_000, YEAR, END_OF_SEPTEMBER)
    custom = forecast_service(months, 50_000, YEAR, END_OF_SEPTEMBER)

    assert default.fragments == custom.fragments
    assert default.chargeable.expected - custom.chargeable.expected == 10_000
    assert default.cost.expected > custom.cost.expected
    assert default.over_month == date(2026, 11, 1)
    assert custom.over_month == date(2027, 1, 1)
    assert over_words(custom) == "Expected over Jan 2027"
    low, high = custom.cost.low, custom.cost.high
    assert over_range_words(custom) == f"Expected over Jan 2027; £{low:,.0f} to £{high:,.0f}"


def test_the_cost_is_the_expected_chargeable_fragments_at_the_years_rate():
    months = dict.fromkeys(("April", "May", "June", "July", "August", "September"), 5_000)
    forecast = forecast_service(months, 0, YEAR, END_OF_SEPTEMBER)

    # FY2026's rate is £0.024 all year; the fragments to come are rounded month by month.
    assert abs(forecast.cost.expected - forecast.chargeable.expected * Decimal("0.024")) < 1


def test_the_run_out_day_is_the_one_the_service_page_has_always_given():
    for allowance, used, today in [
        (40_000, 30_000, END_OF_SEPTEMBER),
        (250_000, 1, date(2026, 4, 2)),
        (10_000, 12_000, date(2026, 5, 10)),
        (10_000, 0, date(2026, 5, 10)),
        (0, 5, date(2026, 5, 10)),
    ]:
        assert expected_run_out(allowance, used, YEAR, today) == allowance_run_out_date(
            allowance, used, YEAR, today
        )


def test_a_service_whose_high_end_crosses_its_allowance_may_go_over():
    months = dict.fromkeys(("April", "May", "June"), 1_000)
    forecast = forecast_service(months, 13_000, YEAR, date(2026, 6, 30))

    assert forecast.fragments.expected < 13_000 < forecast.fragments.high
    assert forecast.over_on is None and forecast.may_go_over
    assert over_words(forecast) == "May go over"
    assert over_range_words(forecast) == f"May go over; £0 to £{forecast.cost.high:,.0f}"


def test_from_a_total_the_expected_value_matches_the_months():
    months = dict.fromkeys(("April", "May", "June", "July", "August", "September"), 1_000)
    by_month = forecast_service(months, 2_000, YEAR, END_OF_SEPTEMBER)
    by_total = forecast_from_total(6_000, 2_000, YEAR, END_OF_SEPTEMBER)

    assert by_total.fragments.expected == by_month.fragments.expected
    assert by_total.chargeable.expected == by_month.chargeable.expected
    assert abs(by_total.cost.expected - by_month.cost.expected) < Decimal("0.05")


def test_a_group_range_is_narrower_than_the_sum_of_its_ends():
    forecasts = [
        forecast_from_total(used, 1_000, YEAR, END_OF_SEPTEMBER) for used in (500, 3_000, 9_000)
    ]
    group = sum_forecasts(forecasts)

    assert group.services == 3
    assert group.fragments.expected == sum(item.fragments.expected for item in forecasts)
    assert sum(item.fragments.low for item in forecasts) < group.fragments.low
    assert group.fragments.high < sum(item.fragments.high for item in forecasts)
    assert group.cost.low <= group.cost.expected <= group.cost.high
    assert group.expected_over == 2


def test_a_group_of_none_is_zero():
    group = sum_forecasts([])
    assert group.fragments == Range(0, 0, 0) and group.cost.expected == 0


@pytest.mark.parametrize("bad", [{"April": -1}, {"Smarch": 1}])
def test_bad_months_are_refused(bad):
    with pytest.raises(ValueError):
        forecast_service(bad, 0, YEAR, END_OF_SEPTEMBER)


def test_the_method_is_one_sentence():
    assert METHOD.count(". ") == 0 and METHOD.endswith(".")


def test_a_group_range_is_wider_than_independent_services_would_make_it():
    """Services share seasons and growth: the group's range is between independence and all
    moving at once."""
    forecasts = [forecast_from_total(3_000, 0, YEAR, END_OF_SEPTEMBER) for _ in range(25)]
    one = forecasts[0].fragments
    group = sum_forecasts(forecasts).fragments

    independent = 5 * (one.high - one.expected)  # root of 25 equal squares
    together = 25 * (one.high - one.expected)
    assert independent < group.high - group.expected < together


def test_forecasts_from_totals_alone_are_wider_and_summed_nearer_to_moving_together():
    """One spread for every service misses that the biggest vary most: the pages' forecasts
    (from the year's total) are wider than a service's own months would make them, and their
    group's range adds their distances nearer to all at once (both from the backtest)."""
    months = dict.fromkeys(("April", "May", "June", "July", "August", "September"), 500)
    steady = forecast_service(months, 0, YEAR, END_OF_SEPTEMBER).fragments
    total = forecast_from_total(3_000, 0, YEAR, END_OF_SEPTEMBER)
    assert total.fragments.expected == steady.expected
    assert total.fragments.high - total.fragments.low > steady.high - steady.low

    forecasts = [total] * 25
    pages = sum_forecasts(forecasts, TOTAL_CORRELATION).fragments
    service_page = sum_forecasts(forecasts).fragments
    together = 25 * (total.fragments.high - total.fragments.expected)
    assert service_page.high < pages.high < service_page.expected + together


def test_a_service_expected_to_stay_within_its_allowance_has_no_range_words():
    months = dict.fromkeys(("April", "May", "June", "July", "August", "September"), 100)
    forecast = forecast_service(months, 250_000, YEAR, END_OF_SEPTEMBER)

    assert forecast.fragments.high < 250_000
    assert over_range_words(forecast) == ""
