"""The finance pages say what a year holds: a year before the API's data says so instead of
showing zeros; a past year says its services are today's live ones and lists those with costs
that are no longer live, and does not call today's count its own; services with costs that are
not live link to their Service page."""

import json
from urllib.parse import quote

import pytest

from dashboard.domain.financial_year import current_financial_year
from notify_sandbox.history import HISTORY_YEARS
from tests.app.conftest import open_page
from tests.app.shown import shown_table

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


@pytest.mark.parametrize("page", PAGES)
def test_services_with_costs_that_are_not_live_link_to_their_service_page(app_environment, page):
    at = open_page(page)  # the test sandbox's trial services have costs this year

    table = shown_table(at, "status")
    config = json.loads(table.proto.columns)
    not_live = table.value

    assert len(not_live) > 0
    assert config["link"]["type_config"]["type"] == "link"
    assert "name" not in config  # the name is the link's text
    assert all(link.startswith("service?service_id=") for link in not_live["link"])
    assert [link.rsplit("#", 1)[1] for link in not_live["link"]] == [
        quote(name, safe="") for name in not_live["name"]
    ]


def test_a_past_years_first_figure_says_its_services_are_todays(app_environment):
    past = open_page(PAGES[0], year=str(current_financial_year() - 1))
    this = open_page(PAGES[0])

    assert [metric.label for metric in past.metric][0] == "Services live today"
    assert [metric.label for metric in this.metric][0] == "Live services"
