"""The app served as `make run` serves it, driven in headless Chromium by Playwright.

The Chromium is Debian's when it is on the PATH, else Playwright's own build (see
`devtools/chromium.py`, which `make test` runs first to install one where none is found).
"""

import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Request, sync_playwright

from devtools.chromium import HEADLESS_ARGS, INSTALL_HINT, Chromium, find_chromium
from devtools.served import wait_until_healthy
from tests.redis_server import free_port

ROOT = Path(__file__).resolve().parents[2]
SERVICES = 120
SCREENSHOTS = ROOT / "docs" / "screenshots"

pytestmark = pytest.mark.browser


@dataclass(frozen=True)
class Served:
    """Where the dashboard and the sandbox it reads are listening."""

    url: str
    api_url: str


@pytest.fixture(scope="session")
def chromium() -> Chromium:
    """The browser to drive; with none, every browser test fails and says what to install."""
    found = find_chromium()
    if found is None:
        pytest.fail(INSTALL_HINT)
    return found


@contextmanager
def serving(
    directory: Path, overrides: dict[str, str], arguments: list[str] | None = None
) -> Iterator[str]:
    """`python -m devtools.serve` (what `make run` runs) on a free port with its own Redis,
    the environment changed by `overrides`; stopped on leaving. Yields the dashboard's URL."""
    port = free_port()
    # Redis 5 s to answer, not 0.25: on a loaded machine a read that times out goes to the API.
    environment = {
        **os.environ,
        "REDIS_DATA_DIR": str(directory),
        "REDIS_SOCKET_TIMEOUT_SECONDS": "5",
    }
    for name in ("API_HOST_NAME", "REDIS_URL", "ADMIN_CLIENT_SECRET"):
        environment.pop(name, None)
    process = subprocess.Popen(
        [sys.executable, "-m", "devtools.serve", "--port", str(port), *(arguments or [])],
        cwd=ROOT,
        env={**environment, **overrides},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_healthy(url, process)
        yield url
    finally:
        process.send_signal(2)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()


@pytest.fixture(scope="session")
def served(tmp_path_factory: pytest.TempPathFactory, chromium: Chromium) -> Iterator[Served]:
    """`make run` on free ports: the dashboard, the sandbox API and the embedded Redis."""
    api_port = free_port()
    arguments = ["--api-port", str(api_port), "--services", str(SERVICES)]
    with serving(tmp_path_factory.mktemp("redis"), {}, arguments) as url:
        yield Served(url, f"http://127.0.0.1:{api_port}")


@pytest.fixture(scope="session")
def browser(chromium: Chromium) -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium.executable, args=HEADLESS_ARGS
        )
        yield browser
        browser.close()


#: What a test leaves behind in the shared context's sites and clears: all but the HTTP cache.
SITE_DATA = "local_storage,indexeddb,websql,service_workers,cache_storage,file_systems"


@pytest.fixture(scope="session")
def browser_context(browser: Browser) -> Iterator[BrowserContext]:
    """One browser context per worker, its HTTP cache kept from test to test: Streamlit's
    scripts (about 5 MB) are then fetched and compiled once, not on every test's first page,
    which halves the browser's CPU time per page load. The `page` fixture clears what a test
    leaves (cookies, storage, other pages) after it."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    # A page's first, cold view reads everything from the sandbox; with three workers' tests
    # beside it on two cores it has taken over Playwright's 30 s default.
    context.set_default_timeout(60_000)
    yield context
    context.close()


def _clear_what_a_test_left(context: BrowserContext, keeper: Page, origins: set[str]) -> None:
    """Every page but `keeper` closed, then the cookies and every visited site's storage
    (the sidebar's width and state, sign-in cookies) cleared, as a new context would have
    none; `keeper` last."""
    for other in context.pages:
        if other is not keeper:
            other.close()
    context.clear_cookies()
    context.clear_permissions()
    if keeper.is_closed():  # the test closed its own page
        keeper = context.new_page()
    if origins:
        session = context.new_cdp_session(keeper)
        for origin in origins:
            session.send(
                "Storage.clearDataForOrigin", {"origin": origin, "storageTypes": SITE_DATA}
            )
        session.detach()
    keeper.close()


@pytest.fixture
def page(browser_context: BrowserContext) -> Iterator[Page]:
    """A fresh page; a script error in it (a chart Vega could not draw, say) fails the test.

    Failed loads of outside resources are left out: this machine has no network.
    """
    origins: set[str] = set()

    def visited(request: Request) -> None:
        parts = urlsplit(request.url)
        if parts.scheme in ("http", "https"):
            origins.add(f"{parts.scheme}://{parts.netloc}")

    browser_context.on("request", visited)
    page = browser_context.new_page()
    errors = []
    page.on(
        "console",
        lambda message: (
            errors.append(message.text)
            if message.type == "error" and not message.text.startswith("Failed to load resource")
            else None
        ),
    )
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page
    browser_context.remove_listener("request", visited)
    _clear_what_a_test_left(browser_context, page, origins)
    assert errors == []


def wait_for_app(page: Page, timeout: float = 60_000) -> None:
    """Until the script has finished running and no exception reached the page."""
    page.wait_for_selector(
        '[data-testid="stApp"][data-test-script-state="notRunning"]', timeout=timeout
    )
    assert page.locator('[data-testid="stException"]').count() == 0


def screenshot(page: Page, name: str) -> None:
    """The README's pictures, renewed by `make screenshots` (UPDATE_SCREENSHOTS=1) only, so
    that a test run leaves the working tree as it found it.

    A tall viewport first: Streamlit scrolls inside its main area, not the document.
    """
    if os.environ.get("UPDATE_SCREENSHOTS") != "1":
        return
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size({"width": 1400, "height": 2200})
    page.wait_for_timeout(500)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
