"""The reworked tables in Chromium at 1,400 px: each fits its column, names are whole, links
open the Service page, filters, the sort and the page live in the URL (a reload and a shared
link keep them), the picker finds a service by its id, and axe finds no serious barrier.

The grid draws on a canvas; its accessible copy (read here) holds each cell's value, not the
text drawn, so number formats are checked with AppTest (`tests/app/test_tables.py`)."""

import contextlib
import re
import time
from collections.abc import Callable
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
from playwright.sync_api import Locator, Page
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from dashboard.app_pages.allowances import service_columns
from tests.browser.axe_check import check
from tests.browser.conftest import Served, wait_for_app
from tests.browser.test_platform_pages import first_live_service, open_page, table_widths

pytestmark = pytest.mark.browser


#: The Allowances page's tables before its services: sectors, letters by sector, the year
#: ahead's two and GOV.UK Notify's own service; the services table is the next.
ALLOWANCES_SERVICES = 5
ALLOWANCES_TABLES = ALLOWANCES_SERVICES + 1


def cells(page: Page, index: int) -> list[str]:
    """The cells a table draws (its accessible copy holds the rows on screen)."""
    table = page.locator('[data-testid="stDataFrame"]').nth(index)
    table.scroll_into_view_if_needed()
    page.wait_for_timeout(300)
    return [text.strip() for text in table.locator("td").all_text_contents()]


def search_box(page: Page):
    return page.locator('[data-testid="stSidebar"] input[aria-label="Search by name or id"]')


def query(page: Page) -> dict[str, list[str]]:
    return parse_qs(urlsplit(page.url).query)


def assert_no_serious_barrier(page: Page) -> None:
    report = check(page)
    assert report.blocking() == [], report.describe(report.blocking())


def test_the_overview_tables_fit_and_name_services_in_full(page: Page, served: Served):
    open_page(page, served.url, tables=3)

    widths = table_widths(page)
    assert all(width["columns"] <= width["visible"] for width in widths), widths
    assert any(len(text) > 40 and "–" in text for text in cells(page, 0) + cells(page, 1))
    assert_no_serious_barrier(page)


def test_all_services_filters_and_sort_survive_a_reload_and_a_shared_link(
    page: Page, served: Served
):
    open_page(page, f"{served.url}/services", tables=1)
    sidebar = page.locator('[data-testid="stSidebar"]')

    sidebar.get_by_text("Trial", exact=True).click()
    page.wait_for_function("() => location.search.includes('status=Trial')", timeout=60_000)
    wait_for_app(page)
    search_box(page).fill("a")
    search_box(page).press("Enter")
    page.wait_for_function("() => location.search.includes('q=a')", timeout=60_000)
    wait_for_app(page)
    shared = page.url

    page.reload()
    open_page(page, page.url, tables=1)
    assert query(page)["status"] == ["Trial"] and query(page)["q"] == ["a"]
    assert search_box(page).input_value() == "a"
    assert sidebar.locator("label:has(input:checked)").filter(has_text="Trial").count() == 1
    (width,) = table_widths(page)
    assert width["columns"] <= width["visible"], width
    assert_no_serious_barrier(page)

    other = page.context.new_page()
    other.set_viewport_size({"width": 1400, "height": 1000})
    open_page(other, shared, tables=1)
    assert search_box(other).input_value() == "a"
    other.close()


def test_all_services_rows_link_to_their_service_page(page: Page, served: Served):
    open_page(page, f"{served.url}/services?sort=name", tables=1)

    links = [text for text in cells(page, 0) if text.startswith("service?")]
    assert links
    for link in links:
        assert re.fullmatch(r"service\?service_id=[0-9a-f-]{36}&days=7#.+", link), link


def test_the_picker_finds_a_service_by_its_id(page: Page, served: Served):
    service_id = first_live_service(served.api_url)
    open_page(page, f"{served.url}/service")

    picker = page.locator('[data-testid="stSidebar"] [data-testid="stSelectbox"]').first
    picker.click()
    page.keyboard.type(service_id)
    page.get_by_role("option").filter(has_text=service_id).first.wait_for(timeout=60_000)
    assert page.get_by_role("option").count() == 1
    page.keyboard.press("Enter")

    page.wait_for_function(
        f"() => location.search.includes('service_id={service_id}')", timeout=60_000
    )
    wait_for_app(page, timeout=120_000)


def test_the_month_table_fits_its_column(page: Page, served: Served):
    service_id = first_live_service(served.api_url)
    open_page(page, f"{served.url}/service?service_id={service_id}")
    page.wait_for_function(
        """() => [...document.querySelectorAll('[data-testid="stDataFrame"]')]
            .some(table => table.textContent.includes('Month'))""",
        timeout=120_000,
    )
    wait_for_app(page, timeout=120_000)

    widths = table_widths(page)
    assert all(width["columns"] <= width["visible"] for width in widths), widths
    assert_no_serious_barrier(page)


def test_the_cache_page_tables_fit_with_every_column_in_view(page: Page, served: Served):
    open_page(page, served.url, tables=3)  # a first page records lookups to show
    open_page(page, f"{served.url}/cache", tables=2)

    widths = page.evaluate(
        """() => [...document.querySelectorAll('[data-testid="stDataFrame"] .dvn-scroller')]
            .map(scroller => ({visible: scroller.clientWidth, columns: scroller.scrollWidth}))"""
    )  # the tables drawn; those in a closed expander are not
    assert all(width["columns"] <= width["visible"] for width in widths), widths
    assert_no_serious_barrier(page)


#: Lines of text the Allowances services' rows hold (`tables.FOUR_LINE_ROW_HEIGHT`), and the
#: grid's padding on either side of a cell's text.
WRAPPED_LINES = 4
CELL_PADDING = 8
#: How a wrapped name is laid out: word by word, as the grid wraps it, in the grid's font.
WRAPPED_LINE_COUNTS = """([names, width]) => {
    const context = document.createElement('canvas').getContext('2d');
    const family = getComputedStyle(document.querySelector('[data-testid="stApp"]')).fontFamily;
    context.font = `14px ${family}`;
    return names.map(name => {
        let lines = 1, line = '';
        for (const word of name.split(' ')) {
            const longer = line ? `${line} ${word}` : word;
            if (line && context.measureText(longer).width > width) { lines += 1; line = word; }
            else line = longer;
        }
        return [name, lines, context.measureText(line).width <= width];
    });
}"""


def showing(page: Page) -> str:
    """The words over a paged table: "Showing 26–50 of 120 services · page 2 of 5"."""
    return page.locator('[data-testid="stCaptionContainer"]', has_text="Showing").inner_text()


def open_list_until(page: Page, selectbox: Locator, shown: Callable[[], bool]) -> None:
    """Open a select box's list until it shows what `shown` looks for: a list opened while the
    page was still rerunning (a loaded machine) is drawn again, or closed, by that rerun."""
    deadline = time.monotonic() + 30
    while True:
        selectbox.click()
        with contextlib.suppress(PlaywrightTimeoutError):  # an empty list is looked at too
            page.get_by_role("option").first.wait_for(timeout=5_000)
        if shown():
            return
        if time.monotonic() > deadline:
            listed = page.get_by_role("option").all_inner_texts()
            pytest.fail(f"the list never showed what was looked for; it listed {listed}")
        page.keyboard.press("Escape")
        wait_for_app(page)


def choose_sort(page: Page, label: str) -> None:
    sort = page.locator('[data-testid="stMain"] [data-testid="stSelectbox"]').filter(
        has_text="Sort by"
    )
    option = page.get_by_role("option", name=label, exact=True)
    open_list_until(page, sort, lambda: option.count() == 1)
    option.click()


def test_allowances_sort_survives_a_reload_and_a_shared_link(page: Page, served: Served):
    open_page(page, f"{served.url}/allowances", tables=ALLOWANCES_TABLES)

    choose_sort(page, "Name, A to Z")
    page.wait_for_function("() => location.search.includes('sort=name')", timeout=60_000)
    wait_for_app(page)
    shared = page.url
    page.reload()
    open_page(page, page.url, tables=ALLOWANCES_TABLES)

    assert query(page)["sort"] == ["name"]
    sort = page.locator('[data-testid="stMain"] [data-testid="stSelectbox"]').filter(
        has_text="Sort by"
    )
    chosen = sort.inner_text() + " " + sort.locator("input").first.input_value()
    assert "Name, A to Z" in chosen, chosen
    names = [
        unquote(text.split("#", 1)[1]) for text in cells(page, ALLOWANCES_SERVICES) if "#" in text
    ]
    assert len(names) > 1 and names == sorted(names)
    widths = table_widths(page)
    assert all(width["columns"] <= width["visible"] for width in widths), widths
    assert_no_serious_barrier(page)

    other = page.context.new_page()
    other.set_viewport_size({"width": 1400, "height": 1000})
    open_page(other, shared, tables=ALLOWANCES_TABLES)
    assert query(other)["sort"] == ["name"]
    other.close()


def test_allowances_names_are_whole_and_each_has_its_service_page_link(page: Page, served: Served):
    open_page(page, f"{served.url}/allowances?sort=name", tables=ALLOWANCES_TABLES)

    shown = cells(page, ALLOWANCES_SERVICES)
    links = [text for text in shown if text.startswith("service?")]
    assert links
    for link in links:
        assert re.fullmatch(r"service\?service_id=[0-9a-f-]{36}&days=7#.+", link), link
    names = [unquote(link.split("#", 1)[1]) for link in links]
    assert all(name in shown for name in names)  # each name is in its own cell, beside its link
    width = service_columns(forecast=True)["name"]["width"] - 2 * CELL_PADDING
    laid_out = page.evaluate(WRAPPED_LINE_COUNTS, [names, width])
    cut = [(name, lines) for name, lines, fits in laid_out if lines > WRAPPED_LINES or not fits]
    assert cut == [], f"names longer than {WRAPPED_LINES} lines of {width} px: {cut}"
    assert max(len(name) for name in names) > 25  # long names were among those checked


@pytest.mark.parametrize(("path", "tables"), [("/services", 1), ("/allowances", ALLOWANCES_TABLES)])
def test_page_two_is_in_the_url_and_survives_a_reload(
    page: Page, served: Served, path: str, tables: int
):
    open_page(page, f"{served.url}{path}?rows=25&sort=name", tables=tables)
    first = showing(page)
    assert first.startswith("Showing 1–25 of ") and " · page 1 of " in first

    page.get_by_role("button", name="Next page").click()
    page.wait_for_function("() => location.search.includes('page=2')", timeout=60_000)
    wait_for_app(page)
    second = showing(page)
    assert second.startswith("Showing 26–")
    page.reload()
    open_page(page, page.url, tables=tables)

    assert query(page)["page"] == ["2"] and query(page)["rows"] == ["25"]
    assert showing(page) == second
    assert page.get_by_role("button", name="Previous page").is_enabled()
    widths = table_widths(page)
    assert all(width["columns"] <= width["visible"] for width in widths), widths
    assert_no_serious_barrier(page)


def test_find_narrows_the_picker_to_the_service_of_a_pasted_id(page: Page, served: Served):
    service_id = first_live_service(served.api_url)
    open_page(page, f"{served.url}/service")

    find = page.locator('[data-testid="stSidebar"] input[aria-label="Find a service"]')
    find.fill(service_id)
    find.press("Enter")
    wait_for_app(page)
    picker = page.locator('[data-testid="stSidebar"] [data-testid="stSelectbox"]').first
    options = page.get_by_role("option")
    open_list_until(page, picker, lambda: options.count() == 1)
    assert service_id in options.first.inner_text()
    options.first.click()

    page.wait_for_function(
        f"() => location.search.includes('service_id={service_id}')", timeout=60_000
    )
    wait_for_app(page, timeout=120_000)
    assert_no_serious_barrier(page)
