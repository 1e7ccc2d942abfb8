"""The new sections in Chromium at 1,400 px: the comparison, day by day, templates, failures
by cause and this year by template on the Service page; the last 30 days and the unusual list
on the Overview; the unusual column and filter on All services. Each renders, every chart has
its figures beside it as text, and axe finds nothing serious (`test_accessibility.py` runs axe
on the same pages)."""

from datetime import timedelta

import pytest
from playwright.sync_api import Page

from dashboard.domain.financial_year import london_today
from dashboard.settings import Settings
from tests.browser.axe_check import check
from tests.browser.conftest import Served, wait_for_app
from tests.browser.test_platform_pages import headers, table_widths
from tests.conftest import clients_without_cache

pytestmark = pytest.mark.browser


def busiest(served: Served) -> str:
    clients = clients_without_cache(Settings(api_host_name=served.api_url))
    today = london_today()
    rows = clients.services.get_services_detailed(today - timedelta(days=7), today)
    return max(rows, key=lambda row: row.statistics.email.requested).id


def open_settled(page: Page, url: str) -> None:
    page.goto(url)
    page.wait_for_selector('[data-testid="stMain"] h1', timeout=120_000)
    wait_for_app(page, timeout=120_000)


def headings(page: Page) -> list[str]:
    return [
        text.strip() for text in page.locator('[data-testid="stMain"] h2, h3').all_inner_texts()
    ]


def assert_no_serious_violation(page: Page) -> None:
    report = check(page)
    blocking = report.blocking()
    assert not blocking, report.describe(blocking)


def test_the_service_pages_new_sections_render_with_their_figures_as_text(
    page: Page, served: Served
):
    page.set_viewport_size({"width": 1400, "height": 1000})
    open_settled(page, f"{served.url}/service?service_id={busiest(served)}&days=7")

    # The page draws its last parts after the rest: wait for the last section's button.
    page.get_by_text("Download this year by template as CSV").wait_for(timeout=60_000)
    found = headings(page)
    for start in (
        "Compared with ",
        "Day by day: ",
        "Templates: ",
        "This year by template and month",
    ):
        assert any(heading.startswith(start) for heading in found), (start, found)
    # Each chart's figures as text: the comparison is a table, day by day has a table beneath.
    assert page.get_by_text("Day by day as a table").count() == 1
    assert page.get_by_text("Who can act").count() >= 1
    assert page.get_by_text("Download the templates as CSV").count() == 1
    assert page.get_by_text("A failure rate is unusual when").count() >= 1
    # Every table fits its column, the comparison's now and before figures among them.
    tables = page.locator('[data-testid="stDataFrame"]').count()
    assert any("Failure rate before" in headers(page, index) for index in range(tables))
    widths = table_widths(page)
    assert all(width["columns"] <= width["visible"] for width in widths), widths
    assert_no_serious_violation(page)


def test_the_overviews_trend_and_unusual_list_render(page: Page, served: Served):
    page.set_viewport_size({"width": 1400, "height": 1000})
    open_settled(page, served.url + "/")

    found = headings(page)
    assert "The last 30 days" in found and "Failure rate unusual" in found
    assert page.get_by_text("The last 30 days as a table").count() == 1
    assert page.get_by_text("sum of every service's row on All services").count() == 1
    assert_no_serious_violation(page)


def test_all_services_has_the_unusual_filter_and_a_channels_window_before(
    page: Page, served: Served
):
    page.set_viewport_size({"width": 1400, "height": 1000})
    sidebar = page.locator('[data-testid="stSidebar"]')
    # A cold page past its deadline leaves out the unusual flags (and their filter) when an
    # earlier window is not read yet, and says so; the late reads fill the cache, so a view
    # a moment later has them.
    for _ in range(3):
        open_settled(page, served.url + "/services?columns=window&channel=sms")
        page.get_by_text("Download CSV").wait_for(timeout=60_000)
        if sidebar.get_by_text("Failure rate unusual", exact=True).count():
            break
        page.wait_for_timeout(3_000)

    assert sidebar.get_by_text("Failure rate unusual", exact=True).count() == 1
    assert sidebar.get_by_text("Channel compared", exact=True).count() == 1
    assert page.get_by_text("A failure rate is unusual when").count() == 1
    assert page.get_by_text("text messages only").count() == 1
    # A channel's figures now and before fit beside the sidebar, the name pinned and whole.
    (width,) = table_widths(page)
    assert width["columns"] <= width["visible"], width
    assert "Failure rate before" in headers(page, 0)
    assert_no_serious_violation(page)
