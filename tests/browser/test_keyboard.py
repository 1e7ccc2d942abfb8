"""The dashboard with the keyboard alone: Tab to each control, then type, Enter, Space or arrows.

No click anywhere: the service picker, the days (typed into the number beside the slider), the
filters, the CSV buttons and Refresh are each reached by Tab and worked from the keyboard.
"""

import io
import time
from urllib.parse import parse_qs, urlsplit

import pandas as pd
import pytest
import requests
from playwright.sync_api import Page

from dashboard.domain.financial_year import current_financial_year, financial_year_label
from dashboard.domain.liveness import LIVE
from dashboard.settings import Settings
from tests.browser.conftest import SERVICES, Served, wait_for_app
from tests.conftest import clients_without_cache

pytestmark = pytest.mark.browser

#: More Tab presses than any page has stops before the control a test looks for.
MOST_TABS = 160
#: What the focused element is called: its label, else its text.
FOCUSED_NAME = """() => {
    const focused = document.activeElement;
    return focused.getAttribute('aria-label') || focused.innerText || '';
}"""

#: The option the arrow keys have reached in the focused list.
HIGHLIGHTED = """() => {
    const id = document.activeElement.getAttribute('aria-activedescendant');
    return id && document.getElementById(id).innerText.trim();
}"""


def tab_to(page: Page, name: str) -> None:
    """Press Tab until the control called `name` has the focus; fail if it is never reached."""
    for _ in range(MOST_TABS):
        page.keyboard.press("Tab")
        if page.evaluate(FOCUSED_NAME).strip() == name:
            return
    pytest.fail(f"Tab never reached {name!r}")


def choose_option(page: Page, option: str) -> None:
    """In the focused searchable list: type the option, arrow down to it, and press Enter."""
    page.keyboard.type(option)
    for _ in range(10):
        page.keyboard.press("ArrowDown")
        highlighted = page.evaluate(HIGHLIGHTED)
        if highlighted == option:
            page.keyboard.press("Enter")
            return
    pytest.fail(f"The arrow keys never reached {option!r} (last: {highlighted!r})")


def shown(page: Page) -> str:
    """All services' count of the rows its filters keep ("26 of 120 services match the
    filters")."""
    return page.locator(
        '[data-testid="stCaptionContainer"]', has_text="services match the filters"
    ).inner_text()


def wait_for_filter(page: Page, before: str) -> None:
    """Until the page has rerun with the new filter: its count of rows shown has changed."""
    page.wait_for_function(
        """before => [...document.querySelectorAll('[data-testid="stCaptionContainer"]')]
            .some(c => c.innerText.includes('services match the filters')
                && c.innerText !== before)""",
        arg=before,
        timeout=60_000,
    )
    wait_for_app(page)


def query(page: Page, name: str) -> str | None:
    return parse_qs(urlsplit(page.url).query).get(name, [None])[0]


def live_service(served: Served) -> tuple[str, str]:
    """A live service's id and name, read from the sandbox API."""
    clients = clients_without_cache(Settings(api_host_name=served.api_url))
    service_id = next(row.service_id for row in clients.services.get_live_services_data())
    return service_id, clients.services.get_service(service_id).name


def download_with_keyboard(page: Page, button: str) -> pd.DataFrame:
    tab_to(page, button)
    with page.expect_download() as download:
        page.keyboard.press("Enter")
    return pd.read_csv(io.BytesIO(open(download.value.path(), "rb").read()))


def test_the_service_page_by_keyboard(page: Page, served: Served):
    service_id, name = live_service(served)
    page.goto(f"{served.url}/service")
    wait_for_app(page)

    tab_to(page, "Service")
    choose_option(page, f"{name} · {service_id}")  # the picker lists each name with its id
    page.wait_for_function(f"() => location.search.includes({service_id!r})", timeout=60_000)
    wait_for_app(page)
    page.wait_for_selector('[data-testid="stMetricValue"]')

    tab_to(page, "Days, as a number")
    page.keyboard.press("Control+A")
    page.keyboard.type("5")
    page.keyboard.press("Enter")
    page.wait_for_function("() => location.search.includes('days=5')", timeout=60_000)
    wait_for_app(page)
    slider = page.locator('[data-testid="stSlider"] input[type="range"]')
    assert slider.get_attribute("value") == "5"
    assert "Today and the 5 days before" in page.inner_text('[data-testid="stMain"]')

    requests.delete(f"{served.api_url}/_sandbox/requests", timeout=5).raise_for_status()
    tab_to(page, "Refresh")
    page.keyboard.press("Space")
    # Until the rerun has read the service again (on a loaded machine it may start later than
    # any fixed pause), or 30 s have passed.
    deadline = time.monotonic() + 30
    while True:
        counts = requests.get(f"{served.api_url}/_sandbox/requests", timeout=5).json()["requests"]
        if counts.get("GET /service/<service_id>", 0) >= 1 or time.monotonic() > deadline:
            break
        page.wait_for_timeout(200)
    wait_for_app(page)
    assert counts.get("GET /service/<service_id>", 0) >= 1, counts  # read again, not cached


def test_the_all_services_filters_days_and_csv_by_keyboard(page: Page, served: Served):
    page.goto(f"{served.url}/services")
    wait_for_app(page)
    page.wait_for_selector('[data-testid="stDataFrame"]')

    tab_to(page, "Days, as a number")
    page.keyboard.press("Control+A")
    page.keyboard.type("3")
    page.keyboard.press("Enter")
    page.wait_for_function("() => location.search.includes('days=3')", timeout=60_000)
    wait_for_app(page)
    assert page.locator('[data-testid="stSlider"] input').get_attribute("value") == "3"

    tab_to(page, "Sector")
    before = shown(page)
    choose_option(page, "Central government")
    page.keyboard.press("Escape")
    wait_for_filter(page, before)
    tab_to(page, "Only services at 80% of a daily limit or more")
    page.keyboard.press("Shift+Tab")  # back from the checkbox to the status radios ("All")
    before = shown(page)
    page.keyboard.press("ArrowDown")  # the next status: Live
    wait_for_filter(page, before)

    table = download_with_keyboard(page, "Download CSV")
    assert 0 < len(table) < SERVICES
    assert set(table["sector"]) == {"Central government"}
    assert set(table["status"]) == {LIVE}

    word = table["name"].iloc[0].split()[0]
    tab_to(page, "Search by name or id")
    before = shown(page)
    page.keyboard.type(word)
    page.keyboard.press("Enter")
    wait_for_filter(page, before)
    searched = download_with_keyboard(page, "Download CSV")
    assert len(searched) >= 1
    assert searched["name"].str.contains(word, case=False, regex=False).all()

    checkbox = page.get_by_label("Only services at 80% of a daily limit or more")
    tab_to(page, "Only services at 80% of a daily limit or more")
    page.keyboard.press("Space")
    wait_for_app(page)
    assert checkbox.is_checked()
    assert query(page, "days") == "3"


def test_the_allowances_year_and_csv_by_keyboard(page: Page, served: Served):
    page.goto(f"{served.url}/allowances")
    wait_for_app(page, timeout=120_000)
    page.wait_for_selector('[data-testid="stDataFrame"]')
    last_year = current_financial_year() - 1

    tab_to(page, "Financial year")
    choose_option(page, financial_year_label(last_year))
    page.wait_for_function(f"() => location.search.includes('year={last_year}')", timeout=60_000)
    wait_for_app(page, timeout=120_000)
    page.wait_for_selector('[data-testid="stDataFrame"]')

    sectors = download_with_keyboard(page, "Download sectors CSV")
    assert sectors["services"].sum() > 0
    assert f"By sector, {financial_year_label(last_year)}" in page.inner_text(
        '[data-testid="stMain"]'
    )
