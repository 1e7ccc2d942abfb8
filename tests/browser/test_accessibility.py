"""axe-core on every page and state, in Chromium at 1,400 px: no serious or critical violation.

The states: each page against the sandbox, the Service page with every kind of service id, and
each page when the API is down (a closed port) or refuses the token (a wrong secret).
"""

import uuid
from collections.abc import Iterator

import pytest
from playwright.sync_api import Page

from dashboard.settings import Settings
from tests.browser.axe_check import check
from tests.browser.conftest import Served, serving, wait_for_app
from tests.conftest import clients_without_cache
from tests.redis_server import free_port

pytestmark = pytest.mark.browser

#: Every page as the sidebar opens it; `{live}` stands for a live service's id.
PAGES = [
    "/",
    "/service?service_id={live}",
    "/services",
    "/allowances",
    "/organisations",
    "/cache",
]


def malformed_id() -> str:
    return "not-a-uuid"


def service_ids(served: Served) -> dict[str, str]:
    """A live and a trial service's ids, read from the sandbox API."""
    clients = clients_without_cache(Settings(api_host_name=served.api_url))
    services = clients.services.get_services()
    live = next(row.service_id for row in clients.services.get_live_services_data())
    trial = next(service.id for service in services if service.restricted and service.active)
    return {"live": live, "trial": trial}


def assert_accessible(page: Page, url: str) -> None:
    """Open the page, let it finish, and fail on any serious or critical violation, naming
    each rule, its impact and where it is."""
    page.goto(url)
    page.wait_for_selector('[data-testid="stMain"] h1', timeout=120_000)
    wait_for_app(page, timeout=120_000)
    report = check(page)
    print(f"\n{url}: {report.rules_checked} rules checked, violations {report.impacts()}")
    if report.violations:
        print(report.describe(report.violations))
    blocking = report.blocking()
    if blocking:
        pytest.fail(f"{url}:\n{report.describe(blocking)}", pytrace=False)


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/service",
        "/service?service_id={live}",
        "/service?service_id={trial}",
        "/service?service_id={malformed}",
        "/service?service_id={unknown}",
        "/services",
        "/allowances",
        "/cache",
    ],
)
def test_every_page_and_state_has_no_serious_violation(page: Page, served: Served, path: str):
    ids = {**service_ids(served), "malformed": malformed_id(), "unknown": str(uuid.uuid4())}
    assert_accessible(page, served.url + path.format(**ids))


@pytest.fixture(scope="module")
def api_down(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The dashboard reading an API at a port nothing listens on."""
    closed = f"http://127.0.0.1:{free_port()}"
    with serving(tmp_path_factory.mktemp("api-down"), {"API_HOST_NAME": closed}) as url:
        yield url


@pytest.fixture(scope="module")
def token_refused(tmp_path_factory: pytest.TempPathFactory, served: Served) -> Iterator[str]:
    """The dashboard signing its requests to the sandbox with a secret the sandbox refuses."""
    overrides = {"API_HOST_NAME": served.api_url, "ADMIN_CLIENT_SECRET": uuid.uuid4().hex}
    with serving(tmp_path_factory.mktemp("refused"), overrides) as url:
        yield url


@pytest.mark.parametrize("path", PAGES)
def test_every_page_with_the_api_down_has_no_serious_violation(
    page: Page, api_down: str, path: str
):
    assert_accessible(page, api_down + path.format(live=uuid.uuid4()))


@pytest.mark.parametrize("path", PAGES)
def test_every_page_with_the_token_refused_has_no_serious_violation(
    page: Page, token_refused: str, served: Served, path: str
):
    assert_accessible(page, token_refused + path.format(**service_ids(served)))
