"""The platform pages in Chromium at 1,400 px: nothing is fetched from another host, the tables
fit beside the sidebar, an old service link still opens, and outside text stays text."""

import time
from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import Browser, Page

from dashboard.settings import DEVELOPMENT_CLIENT_SECRET, Settings
from notify_sandbox import build_database
from notify_sandbox.serving import BackgroundSandbox
from tests.browser.conftest import Served, screenshot, serving, wait_for_app
from tests.conftest import clients_without_cache

pytestmark = pytest.mark.browser

#: Every page, as a reader reaches it from the sidebar.
PAGES = ["/", "/service", "/services", "/allowances", "/organisations", "/cache"]
#: The columns finance needs, which must be on screen without scrolling sideways.
FINANCE = [
    "Service",
    "Service page",
    "Total cost (£)",
    "Text cost (£)",
    "Letter cost (£)",
    "Letters",
    "Allowance",
    "Fragments used",
    "Chargeable",
    "Over",
]


def first_live_service(api_url: str) -> str:
    clients = clients_without_cache(Settings(api_host_name=api_url))
    return next(row.service_id for row in clients.services.get_live_services_data())


def open_page(page: Page, url: str, tables: int = 0) -> None:
    """Open a page and wait until it has run and drawn this many tables."""
    page.goto(url)
    page.wait_for_selector('[data-testid="stMain"] h1', timeout=120_000)
    page.wait_for_function(
        """count => document.querySelectorAll('[data-testid="stDataFrame"] .dvn-scroller')
            .length >= count""",
        arg=tables,
        timeout=120_000,
    )
    wait_for_app(page, timeout=120_000)


def table_widths(page: Page) -> list[dict]:
    """Each drawn table's visible width against the width of all its columns (a table in a
    closed expander is not drawn)."""
    return page.evaluate(
        """() => [...document.querySelectorAll('[data-testid="stDataFrame"]')]
            .filter(table => table.querySelector('.dvn-scroller'))
            .map(table => {
            const scroller = table.querySelector('.dvn-scroller');
            return {visible: scroller.clientWidth, columns: scroller.scrollWidth};
        })"""
    )


def headers(page: Page, index: int) -> list[str]:
    """The column headers a table draws (its accessible copy lists the columns on screen)."""
    table = page.locator('[data-testid="stDataFrame"]').nth(index)
    table.scroll_into_view_if_needed()
    page.wait_for_timeout(300)
    return [text.strip() for text in table.locator("th").all_text_contents()]


def test_no_page_asks_another_host_for_anything(page: Page, served: Served):
    """Page icon, fonts, icons, charts: all from the dashboard itself (the machine is offline,
    so a request elsewhere would be a console error; online it would leak each visit)."""
    requests = []
    page.on("request", lambda request: requests.append(request.url))
    service_id = first_live_service(served.api_url)

    for path in PAGES:
        open_page(
            page,
            f"{served.url}{path}?service_id={service_id}"
            if path == "/service"
            else f"{served.url}{path}",
        )
        page.wait_for_timeout(1_000)

    dashboard = urlsplit(served.url).netloc
    elsewhere = sorted(
        {
            url
            for url in requests
            if urlsplit(url).scheme not in ("data", "blob") and urlsplit(url).netloc != dashboard
        }
    )
    assert len(requests) > 20
    assert elsewhere == []
    icon = page.locator("link[rel='shortcut icon']").get_attribute("href")
    assert urlsplit(icon).netloc in ("", dashboard) and "/media/" in icon


def tables_once_services_are_drawn(page: Page, at_most: float = 30.0) -> list[list[str]]:
    """Every table's headers once one lists services: the page draws its sector tables
    first, and the services' tables may come seconds later on a loaded machine."""
    deadline = time.monotonic() + at_most
    while True:
        count = page.locator('[data-testid="stDataFrame"]').count()
        every_table = [headers(page, n) for n in range(count)]
        if any(shown[:1] == ["Service"] for shown in every_table):
            return every_table
        assert time.monotonic() < deadline, every_table
        page.wait_for_timeout(500)


def test_at_1400_px_the_allowances_tables_fit_with_the_finance_columns(page: Page, served: Served):
    open_page(page, f"{served.url}/allowances", tables=4)

    # Sectors, letters by sector, the year ahead (two), the platform's own service, every
    # service (then any services with costs that are not live).
    every_table = tables_once_services_are_drawn(page)
    widths = table_widths(page)
    assert len(widths) >= 4
    assert all(width["columns"] <= width["visible"] for width in widths), widths
    assert FINANCE in [shown[: len(FINANCE)] for shown in every_table]
    assert {"Over", "Under", "Chargeable", "Text cost (£)", "Total cost (£)"} <= set(every_table[0])


def test_at_1400_px_the_all_services_table_fits(page: Page, served: Served):
    open_page(page, f"{served.url}/services", tables=1)

    (width,) = table_widths(page)
    assert width["columns"] <= width["visible"], width
    assert headers(page, 0)[:7] == [
        "Service",
        "Service page",
        "Status",
        "Tightest channel",
        "Sent today",
        "Daily limit",
        "Limit used",
    ]


def test_the_overview_is_the_first_page_and_links_to_the_others(page: Page, served: Served):
    open_page(page, served.url, tables=3)

    main = page.inner_text('[data-testid="stMain"]')
    for part in (
        "Today across the platform",
        "Nearest their daily limits today",
        "Biggest senders",
    ):
        assert part in main
    assert all(width["columns"] <= width["visible"] for width in table_widths(page))
    screenshot(page, "overview")
    page.set_viewport_size({"width": 1400, "height": 1000})
    page.get_by_text("Every service's allowance, use and cost: Allowances").click()
    page.wait_for_url("**/allowances?year=*")
    wait_for_app(page, timeout=120_000)
    assert "Free text message allowances" in page.inner_text('[data-testid="stMain"]')


def test_a_service_link_from_before_the_overview_still_opens_the_service(
    page: Page, served: Served
):
    service_id = first_live_service(served.api_url)

    page.goto(f"{served.url}/?service_id={service_id}&days=3")
    page.wait_for_url("**/service?*")
    wait_for_app(page)

    assert parse_qs(urlsplit(page.url).query)["service_id"] == [service_id]
    page.wait_for_selector('[data-testid="stMetricValue"]')


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """The dashboard on a sandbox whose live services include markdown and HTML names."""
    folder = tmp_path_factory.mktemp("hostile")
    database = build_database(folder / "sandbox.sqlite", 1, 40, hostile_names=True)
    sandbox = BackgroundSandbox(database, "notify-admin", DEVELOPMENT_CLIENT_SECRET).start()
    overrides = {"API_HOST_NAME": sandbox.url, "ADMIN_CLIENT_SECRET": DEVELOPMENT_CLIENT_SECRET}
    try:
        with serving(folder / "redis", overrides) as url:
            yield Served(url, sandbox.url)
    finally:
        sandbox.stop()


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/services?days=[x](https://evil.example)",
        "/services?days=**bold**",
        "/allowances?year=<img src=x onerror=alert(1)>",
        "/allowances?year=[x](https://evil.example)",
    ],
)
def test_names_and_url_values_stay_text(browser: Browser, hostile: Served, path: str):
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    try:
        open_page(page, f"{hostile.url}{path}")

        links_away = page.evaluate(
            """() => [...document.querySelectorAll('a')]
                .filter(a => a.hostname === 'evil.example').length"""
        )
        bold = page.evaluate(
            """() => [...document.querySelectorAll('strong, b')]
                .filter(b => b.textContent.includes('bold')).length"""
        )
        images = page.locator('[data-testid="stMain"] img[src="x"]').count()
        assert (links_away, bold, images, dialogs) == (0, 0, 0, [])
        query = parse_qs(urlsplit(f"{hostile.url}{path}").query)
        for (value,) in query.values():  # the words themselves are shown as they are
            shown = page.inner_text('[data-testid="stMain"]').replace("\u2060", "")
            assert f"“{value}”" in shown
    finally:
        page.close()
