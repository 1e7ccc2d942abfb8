from datetime import date, timedelta

import pytest

from dashboard.domain.allowance_projection import (
    PROJECTED,
    SENT,
    RunOut,
    allowance_by_month,
    run_out,
    run_out_words,
)
from dashboard.domain.allowance_usage import allowance_run_out_date, allowance_usage

TODAY = date(2026, 5, 10)  # day 40 of FY2026


def by_month(allowance: int, monthly: dict[str, int], today: date = TODAY):
    return allowance_by_month(allowance_usage(allowance, 2026, monthly), 2026, today)


def test_months_up_to_today_are_sent_and_the_rest_projected():
    view = by_month(20_000, {"April": 7_500, "May": 2_500})

    assert list(view.sent["month"]) == ["April", "May"]
    assert list(view.sent["fragments"]) == [7_500, 2_500]
    assert list(view.projected["month"]) == [
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
        "January",
        "February",
        "March",
    ]
    # 10,000 in 40 days is 250 a day; the rest of May (21 days) sits on top of May's 2,500.
    may = view.projected.iloc[0]
    assert (may["bottom"], may["fragments"], may["top"]) == (2_500, 21 * 250, 2_500 + 21 * 250)
    assert view.projected.iloc[1]["fragments"] == 30 * 250
    assert view.per_day == 250.0


def test_the_running_total_is_sent_to_today_then_projected_to_the_years_end():
    view = by_month(20_000, {"April": 7_500, "May": 2_500})
    sent = view.cumulative[view.cumulative["kind"] == SENT]
    projected = view.cumulative[view.cumulative["kind"] == PROJECTED]

    assert list(zip(sent["day"], sent["fragments"], strict=True)) == [
        (date(2026, 4, 1), 0),
        (date(2026, 5, 1), 7_500),
        (TODAY + timedelta(days=1), 10_000),
    ]
    assert projected.iloc[0]["day"] == TODAY + timedelta(days=1)
    assert projected.iloc[0]["fragments"] == 10_000
    assert projected.iloc[-1]["day"] == date(2027, 4, 1)
    assert projected.iloc[-1]["fragments"] == 365 * 250
    # The bars add up to the running total.
    assert view.sent["fragments"].sum() + view.projected["fragments"].sum() == 365 * 250


@pytest.mark.parametrize(
    ("allowance", "monthly"),
    [
        (20_000, {"April": 7_500, "May": 2_500}),
        (20_000, {"April": 2_000, "May": 333}),
        (40_000, {"April": 3_001, "May": 2_999}),
        (10_000, {"April": 1, "May": 7_000}),
    ],
)
def test_the_projection_crosses_the_allowance_on_the_run_out_date(allowance, monthly):
    view = by_month(allowance, monthly)
    projected = view.cumulative[view.cumulative["kind"] == PROJECTED]

    assert view.run_out is not None and not view.run_out.passed
    assert view.run_out.day == allowance_run_out_date(allowance, view.used, 2026, TODAY)
    # A point is the total by the start of its day: at or over the allowance once the
    # run-out day has gone by, under it before.
    for day, fragments in zip(projected["day"], projected["fragments"], strict=True):
        assert (fragments >= allowance) == (day > view.run_out.day), day


def test_an_allowance_used_up_ran_out_within_the_month_that_crossed_it():
    # 6,000 in April, 6,000 in the 10 days of May so far: 4,000 more were needed, reached
    # by the 7th day at 600 a day.
    view = by_month(10_000, {"April": 6_000, "May": 6_000})

    assert view.run_out == RunOut(date(2026, 5, 7), passed=True)
    assert view.run_out_words() == ("Allowance ran out on", "7 May 2026")
    assert "(300.0 a day)" in view.pace_note()  # 12,000 over the 40 days so far


def test_an_allowance_used_up_in_a_whole_month_past():
    # 30,000 over April's 30 days is 1,000 a day: 20,000 by the end of the 20th.
    usage = allowance_usage(20_000, 2026, {"April": 30_000, "May": 5})

    assert run_out(usage, 2026, TODAY) == RunOut(date(2026, 4, 20), passed=True)


def test_exactly_used_up_ran_out_on_the_last_day_it_was_reached():
    usage = allowance_usage(1_000, 2026, {"April": 1_000})

    assert run_out(usage, 2026, TODAY) == RunOut(date(2026, 4, 30), passed=True)


@pytest.mark.parametrize(
    ("allowance", "monthly", "words"),
    [
        (20_000, {}, ("Allowance runs out", "Not this year")),
        (20_000, {"April": 100}, ("Allowance runs out", "Not this year")),
        (0, {"April": 100}, ("Allowance runs out", "No free allowance")),
        (20_000, {"April": 7_500, "May": 2_500}, ("Allowance runs out", "19 June 2026")),
    ],
)
def test_run_out_words(allowance, monthly, words):
    usage = allowance_usage(allowance, 2026, monthly)

    assert run_out_words(run_out(usage, 2026, TODAY), allowance) == words


def test_a_year_that_has_ended_has_no_projection():
    view = by_month(20_000, {"April": 1_000, "March": 2_000}, today=date(2027, 6, 1))

    assert len(view.sent) == 12
    assert view.projected.empty
    assert list(view.cumulative["kind"].unique()) == [SENT]
    assert view.cumulative.iloc[-1].to_dict() == {
        "day": date(2027, 4, 1),
        "fragments": 3_000,
        "low": 3_000,
        "high": 3_000,
        "kind": SENT,
    }
    assert view.run_out is None


def test_a_pace_that_does_not_use_it_up_projects_under_the_allowance():
    view = by_month(20_000, {"April": 100, "May": 333})

    assert view.run_out is None
    assert view.cumulative["fragments"].max() < 20_000


def test_nothing_sent_projects_nothing():
    view = by_month(20_000, {})

    assert view.projected["fragments"].sum() == 0
    assert view.per_day == 0.0
    assert view.run_out is None


def test_the_sent_months_keep_their_free_chargeable_and_cost():
    view = by_month(10_000, {"April": 6_000, "May": 6_000})

    may = view.sent.set_index("month").loc["May"]
    assert (may["free_used"], may["chargeable"]) == (4_000, 2_000)
    assert may["cost"] == pytest.approx(2_000 * 0.024)


def test_the_pace_note_gives_the_year_end_forecast_and_its_range():
    view = by_month(20_000, {"April": 7_500, "May": 2_500})

    assert view.year_end is not None
    assert view.year_end.fragments.expected == 10_000 * 365 // 40
    note = view.pace_note()
    assert f"By 31 March: {view.year_end.fragments.expected:,} fragments (80 % range" in note
    assert "excluding VAT" in note


def test_a_past_year_has_no_forecast_in_its_note():
    view = by_month(20_000, {"April": 7_500, "May": 2_500}, today=date(2027, 6, 1))

    assert view.year_end is not None and view.year_end.final
    assert "By 31 March" not in view.pace_note()


def test_the_months_ahead_carry_the_forecasts_range_ending_on_its_year_end():
    """Months not yet happened are a range around the pace so far, never a single figure: the
    running total's range ends on 31 March at the year-end forecast's own."""
    view = by_month(20_000, {"April": 7_500, "May": 2_500})
    ahead = view.cumulative[view.cumulative["kind"] == PROJECTED]
    forecast = view.year_end

    assert forecast is not None
    last = ahead.iloc[-1]
    assert (last["low"], last["high"]) == (forecast.fragments.low, forecast.fragments.high)
    assert (ahead["low"] <= ahead["fragments"]).all()
    assert (ahead["fragments"] <= ahead["high"]).all()
    assert ahead["high"].iloc[-1] - ahead["low"].iloc[-1] > 0
    # Each month ahead: its range around the pace so far, drawn on top of what it has sent.
    months = view.projected
    assert (months["low"] <= months["fragments"]).all()
    assert (months["fragments"] <= months["high"]).all()
    assert (months["top_low"] == months["bottom"] + months["low"]).all()
    assert (months["top_high"] == months["bottom"] + months["high"]).all()
    # The months' ranges add up to the running total's.
    assert view.used + months["low"].sum() == last["low"]
    assert view.used + months["high"].sum() == last["high"]


def test_a_year_that_has_ended_has_no_range():
    view = by_month(20_000, {"April": 1_000, "March": 2_000}, today=date(2027, 6, 1))

    assert (view.cumulative["low"] == view.cumulative["fragments"]).all()
    assert (view.cumulative["high"] == view.cumulative["fragments"]).all()
