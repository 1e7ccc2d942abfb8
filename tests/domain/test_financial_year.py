from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from dashboard.domain.financial_year import (
    FINANCIAL_YEAR_MONTHS,
    FIRST_FINANCIAL_YEAR,
    LONDON,
    canonical_month,
    current_financial_year,
    financial_year_bounds,
    financial_year_label,
    financial_year_of,
    financial_years,
    london_today,
    month_start,
)


@pytest.mark.parametrize(
    ("day", "year"),
    [
        (date(2027, 3, 31), 2026),
        (date(2026, 4, 1), 2026),
        (date(2026, 3, 31), 2025),
        (date(2026, 12, 31), 2026),
        (date(2027, 1, 1), 2026),
        (date(2016, 4, 1), 2016),
    ],
)
def test_financial_year_of(day, year):
    assert financial_year_of(day) == year


@pytest.mark.parametrize(
    ("now", "today"),
    [
        # Winter (GMT): London is UTC.
        (datetime(2025, 12, 31, 23, 30, tzinfo=UTC), date(2025, 12, 31)),
        (datetime(2026, 1, 1, 0, 30, tzinfo=UTC), date(2026, 1, 1)),
        # Summer (BST): London is an hour ahead.
        (datetime(2026, 7, 14, 23, 30, tzinfo=UTC), date(2026, 7, 15)),
        (datetime(2026, 7, 14, 22, 59, tzinfo=UTC), date(2026, 7, 14)),
        # Another zone is converted, not read as London.
        (datetime(2026, 7, 15, 8, 0, tzinfo=timezone(timedelta(hours=10))), date(2026, 7, 14)),
        # A naive time is UTC.
        (datetime(2026, 7, 14, 23, 30), date(2026, 7, 15)),
    ],
)
def test_london_today(now, today):
    assert london_today(now) == today


def test_london_today_defaults_to_now():
    assert london_today() == datetime.now(LONDON).date()


@pytest.mark.parametrize(
    ("now", "year"),
    [
        # 31 March 2027 is in BST: the new year starts at 23:00 UTC.
        (datetime(2027, 3, 31, 22, 59, 59, tzinfo=UTC), 2026),
        (datetime(2027, 3, 31, 23, 0, tzinfo=UTC), 2027),
        (datetime(2027, 3, 31, 23, 30, tzinfo=UTC), 2027),
        # 31 March 2024 was the day the clocks went forward: it began in GMT (midnight UTC is
        # midnight London) and ended in BST.
        (datetime(2024, 3, 30, 23, 30, tzinfo=UTC), 2023),
        (datetime(2024, 3, 31, 0, 30, tzinfo=UTC), 2023),
        (datetime(2024, 3, 31, 22, 59, tzinfo=UTC), 2023),
        (datetime(2024, 3, 31, 23, 0, tzinfo=UTC), 2024),
        (datetime(2026, 4, 1, 0, 0, tzinfo=LONDON), 2026),
    ],
)
def test_current_financial_year_turns_at_london_midnight(now, year):
    assert current_financial_year(now) == year


def test_financial_year_bounds():
    assert financial_year_bounds(2026) == (date(2026, 4, 1), date(2027, 3, 31))


def test_financial_year_label():
    assert financial_year_label(2026) == "2026 to 2027"


def test_financial_years_newest_first_down_to_2016():
    years = financial_years(datetime(2026, 11, 27, 12, tzinfo=UTC))
    assert years[0] == 2026
    assert years[-1] == FIRST_FINANCIAL_YEAR == 2016
    assert years == list(range(2026, 2015, -1))


def test_financial_years_in_the_first_year():
    assert financial_years(datetime(2016, 4, 1, 12, tzinfo=UTC)) == [2016]


def test_financial_year_months_run_april_to_march():
    assert len(FINANCIAL_YEAR_MONTHS) == 12
    assert FINANCIAL_YEAR_MONTHS[0] == "April"
    assert FINANCIAL_YEAR_MONTHS[8] == "December"
    assert FINANCIAL_YEAR_MONTHS[-1] == "March"


@pytest.mark.parametrize(
    ("year", "month", "start"),
    [
        (2026, "April", date(2026, 4, 1)),
        (2026, "December", date(2026, 12, 1)),
        (2026, "January", date(2027, 1, 1)),
        (2026, "March", date(2027, 3, 1)),
        (2022, "may", date(2022, 5, 1)),
    ],
)
def test_month_start(year, month, start):
    assert month_start(year, month) == start


@pytest.mark.parametrize("name", ["Smarch", "", "Apr"])
def test_month_start_rejects_other_names(name):
    with pytest.raises(ValueError, match="Not a month name"):
        month_start(2026, name)


def test_canonical_month():
    assert canonical_month(" november ") == "November"
