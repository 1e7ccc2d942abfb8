"""The Service page in Chromium, reading a sandbox whose live services have hostile names.

Text from the URL and from the API reaches the page as text: markdown and HTML in a link's
parameters or in a service's name make no link, no bold, no image, no maths and no script.
The rest of the page is drawn before the allowance month by month, whose call (monthly usage)
takes the real API 1.4 s: the test holds that answer back until it has looked.
"""

import re
import threading
from collections.abc import Iterator
from urllib.parse import urlencode

import pytest
from flask import request
from playwright.sync_api import Page, expect

from notify_sandbox import build_database
from notify_sandbox.serving import BackgroundSandbox
from tests.browser.conftest import Served, serving, wait_for_app
from tests.conftest import TEST_SECRET, clients_without_cache, settings_for_tests

pytestmark = pytest.mark.browser

HOSTILE_NAMES = (
    "[x](https://evil.example)",
    "<img src=x onerror=alert(1)>",
    "**bold**",
    "Fees of $1 + $2 :red[red]",
)
URL_PAYLOADS = ("[x](https://evil.example)", "<img src=x onerror=alert(1)>", "**bold**")
WORD_JOINER = "\u2060"
#: The longest the sandbox holds monthly usage back while a test looks at the rest of the page.
HOLD_SECONDS = 90


@pytest.fixture(scope="module")
def monthly_usage_gate() -> threading.Event:
    """Open unless a test closes it: the sandbox answers monthly usage once it is open."""
    gate = threading.Event()
    gate.set()
    return gate


@pytest.fixture(scope="module")
def hostile(
    tmp_path_factory: pytest.TempPathFactory, monthly_usage_gate: threading.Event
) -> Iterator[Served]:
    """`python -m devtools.serve` reading a sandbox of 40 services, four with hostile names."""
    directory = tmp_path_factory.mktemp("hostile")
    database = build_database(directory / "sandbox.sqlite", 1, 40, hostile_names=True)
    sandbox = BackgroundSandbox(database, "notify-admin", TEST_SECRET)

    @sandbox.app.before_request
    def hold_monthly_usage() -> None:
        if request.path.endswith("/billing/monthly-usage"):
            monthly_usage_gate.wait(timeout=HOLD_SECONDS)

    sandbox.start()
    # The held answer must outlast neither the call's timeout nor the page's deadline, however
    # long a loaded machine takes to draw the rest of the page while it is held.
    overrides = {
        "API_HOST_NAME": sandbox.url,
        "ADMIN_CLIENT_SECRET": TEST_SECRET,
        "API_TIMEOUT_SECONDS": str(HOLD_SECONDS * 2),
        "PAGE_DEADLINE_SECONDS": str(HOLD_SECONDS * 3),
    }
    try:
        with serving(directory, overrides) as url:
            yield Served(url, sandbox.url)
    finally:
        sandbox.stop()


def ids_by_name(served: Served) -> dict[str, str]:
    clients = clients_without_cache(settings_for_tests(api_host_name=served.api_url))
    return {service.name: service.id for service in clients.services.get_services()}


def wait_until_shown(page: Page, text: str) -> None:
    """Wait for `text` to be visible; if it never is, fail with what the page said instead."""
    try:
        expect(page.get_by_text(text).first).to_be_visible(timeout=15_000)
    except AssertionError as error:
        shown = page.inner_text('[data-testid="stMain"]')
        raise AssertionError(f"{text!r} is not shown; the page reads:\n{shown}") from error


def open_and_check(page: Page, url: str, ready: str) -> str:
    """Open the page, wait until it shows `ready` (a pattern: Streamlit draws some elements
    after its script has finished), and check that nothing in it became markup; the main
    area's text."""
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(url)
    wait_for_app(page)
    page.get_by_text(re.compile(ready)).first.wait_for(timeout=60_000)
    assert page.locator('a[href*="evil.example"]').count() == 0
    assert page.locator('img[src="x"]').count() == 0
    assert page.locator("strong", has_text="bold").count() == 0
    assert page.locator(".katex").count() == 0  # "$1 + $2" is not maths
    assert dialogs == []
    return page.inner_text('[data-testid="stMain"]').replace(WORD_JOINER, "")


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_a_hostile_service_name_is_shown_as_it_is(page: Page, hostile: Served, name: str):
    service_id = ids_by_name(hostile)[name]

    url = f"{hostile.url}/?{urlencode({'service_id': service_id})}"
    text = open_and_check(page, url, ready="Allowance r(uns|an) out")

    header = page.locator('[data-testid="stMain"] h2').first.inner_text()
    assert header.replace(WORD_JOINER, "") == name
    assert name in text
    assert "Emails requested" in text


@pytest.mark.parametrize("payload", URL_PAYLOADS)
def test_a_hostile_service_id_in_the_url_is_shown_as_it_is(
    page: Page, hostile: Served, payload: str
):
    url = f"{hostile.url}/?{urlencode({'service_id': payload})}"
    text = open_and_check(page, url, ready="is not a service id")

    assert f"“{payload}” is not a service id" in text


@pytest.mark.parametrize("payload", URL_PAYLOADS)
def test_a_hostile_number_of_days_in_the_url_is_shown_as_it_is(
    page: Page, hostile: Served, payload: str
):
    service_id = ids_by_name(hostile)["**bold**"]
    query = urlencode({"service_id": service_id, "days": payload})

    text = open_and_check(page, f"{hostile.url}/?{query}", ready="is not a number of days")

    assert f"“{payload}” is not a number of days" in text


def test_the_rest_of_the_page_is_drawn_before_the_allowance_month_by_month(
    page: Page, hostile: Served, monthly_usage_gate: threading.Event
):
    service_id = ids_by_name(hostile)["GOV.UK Notify"]
    monthly_usage_gate.clear()
    try:
        page.goto(f"{hostile.url}/?{urlencode({'service_id': service_id})}")
        page.get_by_text("Reading the allowance month by month").wait_for(timeout=60_000)
        # The months are held back for as long as the gate is shut, so the parts above and
        # below them may take their time to arrive: each is waited for, not polled once.
        for shown in (
            "Emails requested",
            "Daily limits today",
            "Chargeable fragments",
            "This year by month",  # drawn below the months
        ):
            wait_until_shown(page, shown)
        assert page.get_by_text(re.compile("Allowance r(uns|an) out")).count() == 0
    finally:
        monthly_usage_gate.set()

    page.get_by_text(re.compile("Allowance r(uns|an) out")).wait_for(timeout=60_000)
    wait_for_app(page)
    assert page.get_by_text("Reading the allowance month by month").count() == 0
