import copy
from datetime import date
from decimal import Decimal

import pytest

from dashboard.domain.allowance_usage import (
    MONTHLY_COLUMNS,
    AllowanceUsage,
    allowance_run_out_date,
    allowance_totals,
    allowance_usage,
    sms_fragments_by_month,
    yearly_allowance_totals,
)
from dashboard.domain.financial_year import FINANCIAL_YEAR_MONTHS
from dashboard.domain.sectors import default_free_allowance
from dashboard.notify_client.schemas.billing import (
    FREE_ALLOWANCE,
    MONTHLY_USAGE,
    YEARLY_USAGE,
    UsageRow,
)
from tests.samples import sample_body


def month_row(usage: AllowanceUsage, month: str) -> dict:
    rows = usage.monthly[usage.monthly["month"] == month].to_dict("records")
    assert len(rows) == 1
    return rows[0]


def test_central_fy2026_over_its_allowance():
    allowance = default_free_allowance("central", 2026)
    usage = allowance_usage(allowance, 2026, {"April": 12_000, "May": 13_000})

    assert allowance == 20_000
    assert (usage.allowance, usage.used, usage.remaining, usage.chargeable) == (
        20_000,
        25_000,
        0,
        5_000,
    )
    # 5,000 × £0.024
    assert usage.cost == Decimal("120.00")
    april, may = month_row(usage, "April"), month_row(usage, "May")
    assert (april["free_used"], april["chargeable"], april["cost"]) == (12_000, 0, 0)
    assert (may["free_used"], may["chargeable"], may["cost"]) == (8_000, 5_000, Decimal("120"))
    assert may["rate"] == Decimal("0.024")
    assert may["cumulative_fragments"] == 25_000


def test_fy2022_prices_each_month_at_its_own_rate():
    # Local government FY2022: 20,000 free. April uses it up and 5,000 more at 1.61p;
    # all 10,000 in May are charged at 1.72p, the rate from 1 May 2022.
    allowance = default_free_allowance("local", 2022)
    usage = allowance_usage(allowance, 2022, {"April": 25_000, "May": 10_000})

    assert allowance == 20_000
    assert usage.used == 35_000
    assert usage.remaining == 0
    assert usage.chargeable == 15_000
    april, may = month_row(usage, "April"), month_row(usage, "May")
    assert (april["chargeable"], april["rate"], april["cost"]) == (
        5_000,
        Decimal("0.0161"),
        Decimal("80.50"),
    )
    assert (may["chargeable"], may["rate"], may["cost"]) == (
        10_000,
        Decimal("0.0172"),
        Decimal("172.00"),
    )
    assert usage.cost == Decimal("252.50")


def test_fy2022_allowance_carries_into_may():
    # Central FY2022: 40,000 free; 30,000 in April leaves 10,000 for May's 25,000.
    usage = allowance_usage(40_000, 2022, {"May": 25_000, "April": 30_000})

    assert month_row(usage, "April")["chargeable"] == 0
    assert month_row(usage, "May")["free_used"] == 10_000
    assert month_row(usage, "May")["chargeable"] == 15_000
    assert usage.cost == Decimal("258.00")  # 15,000 × £0.0172


def test_local_service_under_its_allowance():
    allowance = default_free_allowance("local", 2026)
    usage = allowance_usage(allowance, 2026, {"April": 3_000, "June": 2_500, "November": 41})

    assert allowance == 10_000
    assert (usage.used, usage.remaining, usage.chargeable) == (5_541, 4_459, 0)
    assert usage.cost == 0
    assert usage.monthly["free_used"].sum() == 5_541
    assert usage.monthly["chargeable"].sum() == 0


def test_nhs_gp_fy2026_pays_for_everything():
    allowance = default_free_allowance("nhs_gp", 2026)
    usage = allowance_usage(allowance, 2026, {"April": 100, "January": 200})

    assert allowance == 0
    assert (usage.used, usage.remaining, usage.chargeable) == (300, 0, 300)
    # January 2027 is still in FY2026: £0.024 a fragment.
    assert month_row(usage, "January")["month_start"] == date(2027, 1, 1)
    assert month_row(usage, "January")["cost"] == Decimal("4.80")
    assert usage.cost == Decimal("7.20")


def test_cost_is_exact_to_fractions_of_a_penny():
    usage = allowance_usage(0, 2022, {"April": 1, "May": 1})
    assert usage.cost == Decimal("0.0333")  # 1.61p + 1.72p, not rounded


def test_monthly_frame_has_all_twelve_months_in_financial_year_order():
    usage = allowance_usage(20_000, 2026, {"November": 41})
    monthly = usage.monthly

    assert tuple(monthly.columns) == MONTHLY_COLUMNS
    assert list(monthly["month"]) == list(FINANCIAL_YEAR_MONTHS)
    assert monthly["month_start"].iloc[0] == date(2026, 4, 1)
    assert monthly["month_start"].iloc[-1] == date(2027, 3, 1)
    for column in ("fragments", "free_used", "chargeable", "cumulative_fragments"):
        assert monthly[column].dtype == "int64"
    assert all(isinstance(value, Decimal) for value in monthly["rate"])
    assert all(isinstance(value, Decimal) for value in monthly["cost"])
    assert list(monthly["cumulative_fragments"]) == [0] * 7 + [41] * 5


def test_nothing_sent():
    usage = allowance_usage(5_000, 2026, {})
    assert (usage.used, usage.remaining, usage.chargeable, usage.cost) == (0, 5_000, 0, 0)
    assert len(usage.monthly) == 12


def test_month_names_in_any_case_are_added_together():
    usage = allowance_usage(0, 2026, {"april": 2, "April": 3})
    assert month_row(usage, "April")["fragments"] == 5


def test_does_not_change_its_argument():
    monthly = {"May": 13_000, "April": 12_000}
    before = copy.deepcopy(monthly)
    allowance_usage(20_000, 2026, monthly)
    assert monthly == before
    assert list(monthly) == list(before)


@pytest.mark.parametrize(
    ("allowance", "monthly", "message"),
    [
        (20_000, {"Smarch": 1}, "Not a month name"),
        (20_000, {"April": -1}, "negative"),
        (-1, {"April": 1}, "negative"),
    ],
)
def test_rejects_bad_input(allowance, monthly, message):
    with pytest.raises(ValueError, match=message):
        allowance_usage(allowance, 2026, monthly)


def test_sample_monthly_usage_end_to_end():
    fragments = sms_fragments_by_month(
        MONTHLY_USAGE(sample_body("GET_service_billing_monthly_usage"))
    )
    allowance = FREE_ALLOWANCE(sample_body("GET_service_billing_free_sms_fragment_limit"))

    usage = allowance_usage(
        allowance.free_sms_fragment_limit, allowance.financial_year_start, fragments
    )

    assert fragments == {"November": 41}
    assert (usage.used, usage.remaining, usage.chargeable, usage.cost) == (41, 19_959, 0, 0)


@pytest.mark.parametrize(
    ("allowance", "used", "year", "today", "expected"),
    [
        # 10,000 in the 40 days to 10 May is 250 a day: 20,000 takes 80 days, to 19 June.
        (20_000, 10_000, 2026, date(2026, 5, 10), date(2026, 6, 19)),
        # 1,000 in 40 days is 25 a day: 800 days, after the year ends.
        (20_000, 1_000, 2026, date(2026, 5, 10), None),
        # Exactly on the last day (FY2026 has 365 days), and one day too late.
        (365, 1, 2026, date(2026, 4, 1), date(2027, 3, 31)),
        (366, 1, 2026, date(2026, 4, 1), None),
        # Already used up: 625 a day reached 20,000 on day 32, 2 May.
        (20_000, 25_000, 2026, date(2026, 5, 10), date(2026, 5, 2)),
        (20_000, 20_000, 2026, date(2026, 4, 1), date(2026, 4, 1)),
        # A year that has ended is paced over all its 365 days: 183 days, to 30 September.
        (10_000, 20_000, 2025, date(2026, 11, 27), date(2025, 9, 30)),
        # Nothing used, no allowance, or the year has not started.
        (20_000, 0, 2026, date(2026, 5, 10), None),
        (0, 300, 2026, date(2026, 5, 10), None),
        (20_000, 100, 2026, date(2026, 3, 31), None),
    ],
)
def test_allowance_run_out_date(allowance, used, year, today, expected):
    assert allowance_run_out_date(allowance, used, year, today) == expected


def test_sms_fragments_by_month_reads_both_shapes_in_financial_year_order():
    rows = MONTHLY_USAGE(
        [
            {"month": "January", "notification_type": "sms", "chargeable_units": 7, "rate": 0.024},
            {"month": "May", "notification_type": "sms", "chargeable_units": 100, "rate": 0.0172},
            {"month": "may", "notification_type": "sms", "chargeable_units": 20, "rate": 0.0172},
            {"month": "May", "notification_type": "letter", "chargeable_units": 999, "rate": 0.5},
            {"month": "April", "notification_type": "sms", "billing_units": 50, "rate": 0.0161},
            {"month": "June", "notification_type": "letter", "billing_units": 3, "rate": 0.3},
        ]
    )

    result = sms_fragments_by_month(rows)

    assert result == {"April": 50, "May": 120, "January": 7}
    assert list(result) == ["April", "May", "January"]


def test_sms_fragments_by_month_of_nothing():
    assert sms_fragments_by_month([]) == {}


@pytest.mark.parametrize("allowance", [0, 5_000, 20_000, 40_000])
def test_totals_alone_agree_with_the_full_usage(allowance):
    monthly = {"April": 12_000, "May": 13_000, "March": 4_000}

    totals = allowance_totals(allowance, 2022, monthly)
    usage = allowance_usage(allowance, 2022, monthly)

    assert (totals.allowance, totals.used, totals.remaining, totals.chargeable, totals.cost) == (
        usage.allowance,
        usage.used,
        usage.remaining,
        usage.chargeable,
        usage.cost,
    )


def test_a_tiny_pace_against_a_huge_allowance_never_runs_out():
    assert allowance_run_out_date(250_000_000, 1, 2026, date(2026, 4, 2)) is None


def yearly_rows(*rows: tuple[str, int, float]) -> list[UsageRow]:
    """Yearly usage summary rows: (channel, chargeable units, rate) each."""
    return YEARLY_USAGE(
        [
            {"notification_type": channel, "chargeable_units": units, "rate": rate}
            for channel, units, rate in rows
        ]
    )


@pytest.mark.parametrize("allowance", [0, 5_000, 20_000, 25_000, 40_000])
def test_yearly_totals_equal_the_monthly_ones_across_a_change_of_rate(allowance):
    # FY2022: April at 1.61p, May and March at 1.72p; the summary lists the later rate first.
    monthly = {"April": 12_000, "May": 13_000, "March": 4_000}
    rows = yearly_rows(("sms", 17_000, 0.0172), ("email", 900, 0.0), ("sms", 12_000, 0.0161))

    assert yearly_allowance_totals(allowance, 2022, rows) == allowance_totals(
        allowance, 2022, monthly
    )


def test_yearly_totals_of_the_recorded_summary_match_the_apis_own_charges():
    rows = YEARLY_USAGE(sample_body("GET_service_billing_yearly_usage_summary"))
    sms = next(row for row in rows if row.notification_type == "sms")

    totals = yearly_allowance_totals(20_000, 2026, rows)

    assert totals.used == sms.chargeable_units == 829_102
    assert totals.chargeable == sms.charged_units == 809_102
    assert totals.cost == Decimal(str(sms.cost)) == Decimal("19418.448")
    assert totals.remaining == 0


def test_yearly_totals_read_the_2018_form():
    rows = YEARLY_USAGE(
        [
            {"notification_type": "sms", "billing_units": 30_000, "rate": 0.0158},
            {"notification_type": "letter", "billing_units": 10, "rate": 0.3, "letter_total": 3},
        ]
    )

    totals = yearly_allowance_totals(25_000, 2018, rows)

    assert (totals.used, totals.chargeable, totals.cost) == (30_000, 5_000, Decimal("79.0"))


def test_a_rate_the_table_does_not_know_is_charged_last():
    # 2026 has one rate, 2.4p; a row at 3p goes after it, so the allowance covers the 2.4p row.
    rows = yearly_rows(("sms", 1_000, 0.03), ("sms", 20_000, 0.024))

    totals = yearly_allowance_totals(20_000, 2026, rows)

    assert (totals.used, totals.chargeable, totals.cost) == (21_000, 1_000, Decimal("30.00"))


def test_yearly_totals_of_nothing_and_a_negative_allowance():
    assert yearly_allowance_totals(5_000, 2026, []) == allowance_totals(5_000, 2026, {})
    with pytest.raises(ValueError, match="cannot be negative"):
        yearly_allowance_totals(-1, 2026, [])
