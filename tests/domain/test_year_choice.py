"""A `?year=` value becomes a year that is shown, never an error."""

import pytest

from dashboard.domain.year_choice import choose_financial_year

YEARS = [2026, 2025, 2024]


@pytest.mark.parametrize("requested", [None, "", "  "])
def test_nothing_asked_for_is_the_newest_year_quietly(requested):
    choice = choose_financial_year(requested, YEARS)

    assert (choice.year, choice.message) == (2026, None)


def test_a_year_shown_here_is_chosen():
    choice = choose_financial_year(" 2024 ", YEARS)

    assert (choice.year, choice.message) == (2024, None)


@pytest.mark.parametrize("requested", ["1999", "2027", "twenty", "-2025", "2025.0"])
def test_anything_else_falls_back_to_the_newest_and_says_what_was_asked(requested):
    choice = choose_financial_year(requested, YEARS)

    assert choice.year == 2026
    assert f"“{requested}” is not a financial year shown here" in choice.message
    assert "showing 2026 to 2027" in choice.message


def test_a_long_value_is_shortened_in_the_message():
    choice = choose_financial_year("9" * 500, YEARS)

    assert len(choice.message) < 120
    assert "…" in choice.message
