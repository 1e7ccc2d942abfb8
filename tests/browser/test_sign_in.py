"""Sign-in in a real browser, through a real OIDC provider (oidc-provider-mock) on localhost.

The dashboard is served as a deployment would run it: `streamlit run` with an `[auth]` section
in its secrets, `ALLOWED_EMAIL_DOMAINS` and `CACHE_ADMINS`, and a Redis server with a password.
It reads the sandbox API that the `served` fixture started.
"""

import os
import re
import subprocess
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import quote

import oidc_provider_mock
import pytest
import redis
import requests
from playwright.sync_api import Page, expect

from dashboard.notify_client.schemas.services import Service
from dashboard.settings import Settings
from devtools.serve import streamlit_command
from devtools.served import wait_until_healthy
from tests.browser.axe_check import check
from tests.browser.conftest import ROOT, Served, wait_for_app
from tests.conftest import clients_without_cache
from tests.redis_server import RedisServer, free_port

pytestmark = pytest.mark.browser

DOMAIN = "digital.cabinet-office.gov.uk"
READER = f"reader@{DOMAIN}"
ADMIN = f"admin@{DOMAIN}"
OUTSIDER = f"someone@evil-{DOMAIN}.example"


@dataclass(frozen=True)
class SignInDashboard:
    """The dashboard with sign-in, the provider it signs in with, and the Redis it caches in."""

    url: str
    provider_url: str
    redis: redis.Redis


def secrets_toml(dashboard_url: str, provider_url: str) -> str:
    """A secrets file as the README describes it, with fresh secrets."""
    return (
        "[auth]\n"
        f'redirect_uri = "{dashboard_url}/oauth2callback"\n'
        f'cookie_secret = "{uuid.uuid4().hex}"\n'
        'client_id = "notify-dashboard"\n'
        f'client_secret = "{uuid.uuid4().hex}"\n'
        f'server_metadata_url = "{provider_url}/.well-known/openid-configuration"\n'
    )


@pytest.fixture(scope="module")
def provider() -> Iterator[str]:
    """The OIDC provider, on a free port in this process; it knows the three accounts."""
    with oidc_provider_mock.run_server_in_thread() as server:
        url = f"http://localhost:{server.server_port}"
        for email in (READER, ADMIN, OUTSIDER):
            claims = {"email": email, "email_verified": True, "name": email.split("@")[0]}
            requests.put(f"{url}/users/{quote(email)}", json=claims, timeout=5).raise_for_status()
        yield url


@pytest.fixture(scope="module")
def dashboard(
    served: Served, provider: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[SignInDashboard]:
    """`streamlit run` with `[auth]`, on a free port, stopped (with its Redis) at the end."""
    directory = tmp_path_factory.mktemp("sign-in")
    cache = RedisServer(directory, password=uuid.uuid4().hex).start()
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    secrets = directory / "secrets.toml"
    secrets.write_text(secrets_toml(url, provider))
    environment = {
        **os.environ,
        "API_HOST_NAME": served.api_url,
        "REDIS_URL": cache.url,
        "ALLOWED_EMAIL_DOMAINS": DOMAIN,
        "CACHE_ADMINS": ADMIN,
    }
    environment.pop("ADMIN_CLIENT_SECRET", None)
    process = subprocess.Popen(
        streamlit_command(port, "127.0.0.1", "--secrets.files", str(secrets)),
        cwd=ROOT,
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    client = redis.Redis.from_url(cache.url)
    try:
        wait_until_healthy(url, process)
        yield SignInDashboard(url, provider, client)
    finally:
        client.close()
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        cache.stop()


def sandbox_services(served: Served) -> list[Service]:
    """Every service the sandbox API lists, read without a cache."""
    clients = clients_without_cache(Settings(api_host_name=served.api_url))
    return clients.services.get_services()


def sign_in(page: Page, dashboard: SignInDashboard, email: str) -> None:
    """From the sign-in screen, through the provider's form, back to the dashboard."""
    page.goto(dashboard.url)
    wait_for_app(page)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{dashboard.provider_url}/oauth2/authorize*")
    page.fill('input[name="sub"]', email)
    page.get_by_role("button", name="Authorize", exact=True).click()
    page.wait_for_url(f"{dashboard.url}/")
    wait_for_app(page)


def sidebar(page: Page):
    return page.locator('[data-testid="stSidebar"]')


def test_before_sign_in_no_service_name_or_number_and_nothing_read(
    page: Page, dashboard: SignInDashboard, served: Served
):
    dashboard.redis.flushdb()
    services = sandbox_services(served)
    names = [service.name for service in services]
    service_id = services[0].id

    paths = (f"/service?service_id={service_id}&days=30", "/", "/services", "/allowances", "/cache")
    for path in paths:
        page.goto(f"{dashboard.url}{path}")
        wait_for_app(page)
        expect(page.get_by_role("button", name="Sign in")).to_be_visible()
        text = page.inner_text("body")

        assert not re.search(r"\d", text), text
        assert not [name for name in names if name in text]
        assert page.locator('[data-testid="stSidebarNavLink"]').count() == 0
    assert dashboard.redis.dbsize() == 0


def shown(text: str) -> re.Pattern[str]:
    """Text with an email address as the page draws it: the claim is plain text, with an
    invisible word joiner after the `@` so that no email link is made of it."""
    return re.compile(re.escape(text).replace("@", "@\u2060?"))


def test_signing_in_with_an_allowed_domain_shows_the_dashboard(
    page: Page, dashboard: SignInDashboard
):
    sign_in(page, dashboard, READER)

    expect(sidebar(page)).to_contain_text(shown(f"Signed in as {READER}"))
    expect(page.locator('[data-testid="stSidebarNavLink"]')).to_have_count(7)
    page.goto(f"{dashboard.url}/services")
    wait_for_app(page)
    page.wait_for_selector('[data-testid="stDataFrame"]')
    assert dashboard.redis.dbsize() > 0


def test_another_domain_is_refused_naming_the_account(page: Page, dashboard: SignInDashboard):
    sign_in(page, dashboard, OUTSIDER)

    refusal = page.locator('[data-testid="stAlert"]').first
    expect(refusal).to_contain_text(shown(f"You are signed in as {OUTSIDER}"))
    expect(refusal).to_contain_text(f"only for accounts at {DOMAIN}")
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    assert page.locator('[data-testid="stSidebarNavLink"]').count() == 0
    page.goto(f"{dashboard.url}/services")
    wait_for_app(page)
    assert page.locator('[data-testid="stDataFrame"]').count() == 0


def test_signing_out_returns_to_the_sign_in_screen(page: Page, dashboard: SignInDashboard):
    sign_in(page, dashboard, READER)

    sidebar(page).get_by_role("button", name="Sign out").click()
    # The provider offers to end its own session too, then sends the reader back.
    page.wait_for_url(f"{dashboard.provider_url}/oauth2/end_session*")
    page.get_by_role("button", name="End session").click()
    page.wait_for_url(f"{dashboard.url}/")
    wait_for_app(page)

    expect(page.get_by_role("button", name="Sign in")).to_be_visible()
    assert "Signed in as" not in page.inner_text("body")
    page.goto(f"{dashboard.url}/services")
    wait_for_app(page)
    expect(page.get_by_role("button", name="Sign in")).to_be_visible()


@pytest.mark.parametrize(("email", "has_button"), [(ADMIN, True), (READER, False)])
def test_the_cache_button_is_there_for_a_cache_admin_only(
    page: Page, dashboard: SignInDashboard, email: str, has_button: bool
):
    sign_in(page, dashboard, email)

    page.goto(f"{dashboard.url}/cache")
    wait_for_app(page)

    expect(page.get_by_role("heading", name="Cache", exact=True)).to_be_visible()
    button = page.get_by_role("button", name="Empty its cache")
    expect(button).to_have_count(1 if has_button else 0)


def test_the_sign_in_and_refusal_screens_have_no_serious_accessibility_violation(
    page: Page, dashboard: SignInDashboard
):
    page.goto(dashboard.url)
    wait_for_app(page)
    expect(page.get_by_role("button", name="Sign in")).to_be_visible()
    before = check(page)

    sign_in(page, dashboard, OUTSIDER)
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    refused = check(page)

    assert before.blocking() == [], before.describe(before.blocking())
    assert refused.blocking() == [], refused.describe(refused.blocking())
