"""Each page in a real browser: no exception, the slider moves the counts, CSVs parse."""

import io

import pandas as pd
import pytest
from playwright.sync_api import Page

from dashboard.cache.connection import embedded_db_file
from dashboard.domain.retention import max_window_days
from dashboard.settings import Settings
from tests.browser.conftest import SERVICES, Served, screenshot, wait_for_app
from tests.conftest import clients_without_cache

pytestmark = pytest.mark.browser


def service_with_long_retention(served: Served) -> tuple[str, int]:
    """A live service whose window can go past 7 days and that sent more texts over 20 days
    than over 7 (the slider changes its counts; the README's screenshot shows an allowance in
    use), found through the sandbox API."""
    clients = clients_without_cache(Settings(api_host_name=served.api_url))
    for service in clients.services.get_services():
        longest = max_window_days(clients.services.get_data_retention(service.id))
        if longest < 30 or service.restricted:
            continue
        statistics = clients.services.get_service_statistics
        if statistics(service.id, 20).sms.requested > statistics(service.id, 7).sms.requested:
            return service.id, longest
    raise AssertionError("The sandbox has no live service sending texts and keeping 30 days")


def metric(page: Page, label: str) -> str:
    box = page.locator('[data-testid="stMetric"]').filter(has_text=label).first
    return box.locator('[data-testid="stMetricValue"]').inner_text()


def download_csv(page: Page, label: str) -> pd.DataFrame:
    with page.expect_download() as download:
        page.locator('[data-testid="stDownloadButton"] button').filter(has_text=label).click()
    return pd.read_csv(io.BytesIO(open(download.value.path(), "rb").read()))


def test_service_page_slider_changes_the_counts_and_the_url(page: Page, served: Served):
    service_id, longest = service_with_long_retention(served)
    page.goto(f"{served.url}/?service_id={service_id}")
    wait_for_app(page)
    page.wait_for_selector('[data-testid="stMetricValue"]')
    slider = page.locator('[data-testid="stSlider"] input[type="range"]')
    assert (slider.get_attribute("min"), slider.get_attribute("max")) == ("1", str(longest))
    assert slider.get_attribute("value") == "7"
    before = metric(page, "Text messages requested")

    track = page.locator('[data-testid="stSliderThumbValue"]').locator("xpath=../..")
    box = track.bounding_box()
    page.mouse.click(box["x"] + box["width"] * 0.95, box["y"] + box["height"] / 2)
    page.wait_for_function(
        "() => new URL(location.href).searchParams.get('days') !== null", timeout=60_000
    )
    wait_for_app(page)
    page.wait_for_function(
        f"""() => [...document.querySelectorAll('[data-testid="stMetric"]')]
            .find(m => m.innerText.includes('Text messages requested'))
            ?.querySelector('[data-testid="stMetricValue"]').innerText !== {before!r}""",
        timeout=60_000,
    )

    days = int(page.url.split("days=")[1].split("&")[0])
    assert 7 < days <= longest
    assert slider.get_attribute("value") == str(days)
    screenshot(page, "service")


def test_a_shared_link_reopens_the_same_view(page: Page, served: Served):
    service_id, longest = service_with_long_retention(served)
    page.goto(f"{served.url}/?service_id={service_id}&days=21")
    wait_for_app(page)
    page.wait_for_selector('[data-testid="stMetricValue"]')

    assert (
        page.locator('[data-testid="stSlider"] input[type="range"]').get_attribute("value") == "21"
    )
    assert "Today and the 21 days before" in page.inner_text('[data-testid="stMain"]')


def test_a_malformed_service_id_gets_a_message(page: Page, served: Served):
    page.goto(f"{served.url}/?service_id=not-a-uuid")
    wait_for_app(page)

    assert "is not a service id" in page.locator('[data-testid="stAlert"]').first.inner_text()


def test_all_services_page_downloads_every_service_as_csv(page: Page, served: Served):
    page.goto(f"{served.url}/services")
    wait_for_app(page)
    page.wait_for_selector('[data-testid="stDataFrame"]')

    table = download_csv(page, "Download CSV")

    assert len(table) == SERVICES
    assert {
        "name",
        "sector",
        "status",
        "tightest_channel",
        "sent_today",
        "daily_limit",
        "limit_used",
        "requested",
        "failed",
    } <= set(table)
    screenshot(page, "all-services")


def test_allowances_page_shows_sectors_and_downloads_both_tables(page: Page, served: Served):
    page.goto(f"{served.url}/allowances")
    wait_for_app(page, timeout=120_000)
    page.wait_for_selector('[data-testid="stDataFrame"]')

    sectors = download_csv(page, "Download sectors CSV")
    services = download_csv(page, "Download services CSV")

    assert sectors["services"].sum() == len(services)
    assert sectors["chargeable"].sum() == services["chargeable"].sum()
    screenshot(page, "allowances")


def test_cache_page_loads(page: Page, served: Served):
    page.goto(f"{served.url}/cache")
    wait_for_app(page)

    assert "Cache" in page.inner_text('[data-testid="stMain"]')
    # Its embedded Redis by the file's name alone: the folder is this machine's own.
    redis_line = f"Redis: embedded Redis ({embedded_db_file(served.api_url)})"
    assert page.get_by_text(redis_line, exact=True).count() == 1
    screenshot(page, "cache")
