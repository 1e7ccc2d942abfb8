"""The finance pages say what a year holds: a year before the API's data says so instead of
showing zeros; a past year says its services are today's live ones and lists those with costs
that are no longer live."""

import pytest

from dashboard.domain.financial_year import current_financial_year
from notify_sandbox.history import HISTORY_YEARS
from tests.app.conftest import open_page

PAGES = ["app_pages/allowances.py", "app_pages/organisations.py"]


def infos(at) -> str:
    return "\n".join(info.value for info in at.info)


@pytest.mark.parametrize("page", PAGES)
def test_a_year_before_the_data_says_so_and_shows_no_zeros(app_environment, page):
    year = current_financial_year() - HISTORY_YEARS - 1

    at = open_page(page, year=str(year))

    assert not at.exception
    assert "its data does not reach back this far" in infos(at)
    assert len(at.dataframe) == 0 and len(at.metric) == 0


@pytest.mark.parametrize("page", PAGES)
def test_a_past_year_says_what_it_holds(app_environment, page):
    year = current_financial_year() - 2

    at = open_page(page, year=str(year))

    assert not at.exception
    assert "The services listed are those live today" in infos(at)
    assert "excluding VAT" in "\n".join(caption.value for caption in at.caption)


@pytest.mark.parametrize("page", PAGES)
def test_this_year_has_no_note_and_says_its_method(app_environment, page):
    at = open_page(page)

    assert not at.exception
    assert infos(at) == ""
    assert any(caption.value.startswith("Forecast:") for caption in at.caption)
