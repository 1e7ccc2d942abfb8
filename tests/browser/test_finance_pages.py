"""The finance pages in Chromium at 1,400 px: each new table fits beside the sidebar with its
key columns in view, axe finds nothing serious, and each CSV holds the figures the page's
loader gives (unclipped, with the billing details)."""

import io

import pandas as pd
import pytest
from playwright.sync_api import Page
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from dashboard.app_pages.tables import HEADER_HEIGHT, ROW_HEIGHT
from dashboard.domain.financial_year import current_financial_year
from dashboard.loaders.context import LoaderContext
from dashboard.loaders.organisations import load_organisations
from dashboard.loaders.sections import Ready
from dashboard.settings import Settings
from tests.browser.conftest import Served, screenshot, wait_for_app
from tests.browser.test_accessibility import assert_accessible
from tests.browser.test_platform_pages import headers, open_page, table_widths
from tests.conftest import clients_without_cache

pytestmark = pytest.mark.browser

ORGANISATION_COLUMNS = [
    "Organisation",
    "Total cost (£)",
    "Text cost (£)",
    "Letter cost (£)",
    "Services",
    "Over",
    "Text fragments",
    "Free allowance used",
    "Chargeable",
    "Letters",
    "Letter sheets",
]
SERVICE_COLUMNS = ["Service", "Total cost (£)", "Text cost (£)", "Letter cost (£)", "Allowance"]
YEAR_AHEAD = ["So far (£)", "31 March, expected (£)", "Low, 80 % (£)", "High, 80 % (£)"]
YEAR_AHEAD_FRAGMENTS = [
    "Fragments so far",
    "Fragments, 31 March",
    "Fragments low",
    "Fragments high",
    "Chargeable so far",
    "Chargeable, 31 March",
    "Chargeable low",
    "Chargeable high",
]
#: The year ahead's CSV holds both of its tables' figures, each with its range.
YEAR_AHEAD_CSV = {
    f"year_end_{figure}{end}"
    for figure in ("fragments", "chargeable")
    for end in ("", "_low", "_high")
}


def download(page: Page, label: str) -> pd.DataFrame:
    with page.expect_download() as done:
        page.get_by_role("button", name=label).click()
    return pd.read_csv(io.BytesIO(open(done.value.path(), "rb").read()), keep_default_na=False)


def organisations_of(served: Served):
    clients = clients_without_cache(Settings(api_host_name=served.api_url))
    section = load_organisations(
        LoaderContext(clients=clients, api_label=served.api_url), current_financial_year()
    )
    assert isinstance(section, Ready)
    return section.value.finance


def test_at_1400_px_the_organisations_tables_fit_with_their_key_columns(page: Page, served: Served):
    open_page(page, f"{served.url}/organisations", tables=4)

    widths = table_widths(page)
    # organisations, the year ahead's two, the first organisation's services
    assert len(widths) >= 4
    assert all(width["columns"] <= width["visible"] for width in widths), widths
    assert headers(page, 0) == ORGANISATION_COLUMNS
    assert headers(page, 1)[1:] == YEAR_AHEAD_FRAGMENTS
    assert set(YEAR_AHEAD) <= set(headers(page, 2))
    assert headers(page, 3)[: len(SERVICE_COLUMNS)] == SERVICE_COLUMNS
    screenshot(page, "organisations")


def test_the_organisations_csvs_hold_the_figures_unclipped(page: Page, served: Served):
    open_page(page, f"{served.url}/organisations", tables=4)
    finance = organisations_of(served)

    organisations = download(page, "Download organisations CSV")
    services = download(page, "Download this organisation's services CSV")
    ahead = download(page, "Download the year ahead by organisation CSV")

    expected = finance.organisations
    assert list(organisations["organisation"]) == list(expected["organisation"])
    for column in ("total_cost", "text_cost", "letter_cost", "fragments", "letter_sheets"):
        assert organisations[column].tolist() == pytest.approx(expected[column].tolist())
    first = expected.iloc[0]["organisation_id"]
    mine = finance.services[finance.services["organisation_id"] == first]
    assert sorted(services["service_id"]) == sorted(mine["service_id"])
    assert {"purchase_order_number", "billing_reference", "contact_names"} <= set(services)
    assert services["total_cost"].sum() == pytest.approx(expected.iloc[0]["total_cost"])
    assert set(ahead) >= YEAR_AHEAD_CSV
    for column in sorted(YEAR_AHEAD_CSV):
        assert ahead[column].tolist() == expected[column].tolist(), column


def test_at_1400_px_the_allowances_year_ahead_fits_and_its_csv_is_unclipped(
    page: Page, served: Served
):
    open_page(page, f"{served.url}/allowances", tables=6)

    widths = table_widths(page)
    assert all(width["columns"] <= width["visible"] for width in widths), widths
    assert headers(page, 0)[:4] == ["Sector", "Services", "Over", "Under"]
    assert headers(page, 1)[:4] == ["Sector", "Letters", "Letter sheets", "Letter cost (£)"]
    assert headers(page, 2)[1:] == YEAR_AHEAD_FRAGMENTS
    assert set(YEAR_AHEAD) <= set(headers(page, 3))
    sectors = download(page, "Download sectors CSV")
    ahead = download(page, "Download the year ahead by sector CSV")
    assert set(ahead) >= YEAR_AHEAD_CSV
    assert ahead["year_end_chargeable"].tolist() == sectors["year_end_chargeable"].tolist()

    services = download(page, "Download services CSV")
    assert sectors["services_over"].sum() == services["over_allowance"].sum()
    assert sectors["letter_sheets"].sum() == services["letter_sheets"].sum() > 0
    shares = services["used"] / services["allowance"].where(services["allowance"] > 0)
    assert shares.max() > 1  # a share over 100 % stays over in the CSV
    assert services["total_cost"].tolist() == sorted(services["total_cost"], reverse=True)
    assert {"purchase_order_number", "billing_reference", "contact_email_addresses"} <= set(
        services
    )


@pytest.mark.parametrize(
    "path",
    ["/organisations", f"/organisations?year={current_financial_year() - 1}", "/allowances"],
)
def test_the_finance_pages_have_no_serious_violation(page: Page, served: Served, path: str):
    assert_accessible(page, served.url + path)


def click_second_rows_box(page: Page, url: str, attempts: int = 3) -> None:
    """Click the first table's second row's selection box (at its left edge) until the URL
    matches: the box is measured again each time, since a part of the page drawn late (a
    chart above the table) moves the table after it was measured."""
    for attempt in range(attempts):
        wait_for_app(page, timeout=60_000)
        table = page.locator('[data-testid="stDataFrame"]').first
        table.scroll_into_view_if_needed()
        box = table.bounding_box()
        assert box is not None
        page.mouse.click(box["x"] + 16, box["y"] + HEADER_HEIGHT + ROW_HEIGHT * 1.5)
        try:
            page.wait_for_url(url, timeout=20_000)
            return
        except PlaywrightTimeoutError:
            if attempt == attempts - 1:
                raise


def test_choosing_an_organisations_row_lists_its_services_and_puts_it_in_the_url(
    page: Page, served: Served
):
    """A click on a row's box (AppTest cannot click): the services below are that
    organisation's, the URL names it, and the row stays chosen after the rerun."""
    open_page(page, f"{served.url}/organisations", tables=3)
    chosen = organisations_of(served).organisations.iloc[1]
    click_second_rows_box(page, f"**organisation={chosen['organisation_id']}**")
    wait_for_app(page, timeout=60_000)
    heading = page.get_by_role("heading", name=f"Services of {chosen['organisation']}")
    heading.wait_for(timeout=60_000)
    services = download(page, "Download this organisation's services CSV")
    assert services["total_cost"].sum() == pytest.approx(chosen["total_cost"])
