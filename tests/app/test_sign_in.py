"""The gate in app.py, in Streamlit's AppTest: nothing is read before an allowed sign-in.

The full sign-in through a real OIDC provider is in tests/browser/test_sign_in.py; here the
signed-in user is what `st.user` would hold after it.
"""

import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from streamlit import config
from streamlit.testing.v1 import AppTest

from tests.app.conftest import APP, TIMEOUT

DOMAIN = "digital.cabinet-office.gov.uk"
ADMIN = f"admin@{DOMAIN}"
CACHE_PAGE = "app_pages/cache.py"
AUTH = {
    "redirect_uri": "http://localhost:8501/oauth2callback",
    "cookie_secret": "a-cookie-secret-for-the-tests-only",
    "client_id": "notify-dashboard",
    "client_secret": "a-client-secret-for-the-tests-only",
    "server_metadata_url": "http://localhost:9400/.well-known/openid-configuration",
}


@contextmanager
def listening_on(address: str) -> Iterator[None]:
    """As `--server.address` would set it (the app reads it through `st.get_option`)."""
    before = config.get_option("server.address")
    config.set_option("server.address", address)
    try:
        yield
    finally:
        config.set_option("server.address", before)


def signed_in(email: str, verified: bool = True) -> dict:
    return {"is_logged_in": True, "email": email, "email_verified": verified, "name": "Reader"}


def run_app(user: dict | None, page: str | None = None) -> AppTest:
    """The app with `[auth]` configured and this user (None: nobody signed in yet)."""
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.secrets["auth"] = AUTH
    at.user = user if user is not None else {}
    at.run()
    if page is not None:
        at.switch_page(page)
        at.run()
    return at


def as_read(markdown: str) -> str:
    """Escaped text as a reader reads it: without the escapes and word joiners of `plain`."""
    return re.sub(r"\\(.)", r"\1", markdown).replace("\u2060", "")


def main_text(at: AppTest) -> str:
    return " ".join(str(element.value) for element in at.main if hasattr(element, "value"))


def test_before_sign_in_only_a_sign_in_button_and_nothing_read(
    app_environment, monkeypatch, redis_client
):
    monkeypatch.setenv("ALLOWED_EMAIL_DOMAINS", DOMAIN)

    for page in (None, CACHE_PAGE):
        at = run_app(None, page)

        assert not at.exception
        assert [button.label for button in at.button] == ["Sign in"]
        assert not at.metric and not at.dataframe and not at.sidebar.selectbox
        assert redis_client.dbsize() == 0


def test_an_allowed_reader_sees_the_pages_and_who_is_signed_in(
    app_environment, monkeypatch, redis_client
):
    monkeypatch.setenv("ALLOWED_EMAIL_DOMAINS", f"cabinetoffice.gov.uk,{DOMAIN.upper()}")

    at = run_app(signed_in(f"Reader@{DOMAIN}"), "app_pages/all_services.py")

    assert not at.exception
    assert at.dataframe
    captions = [as_read(caption.value) for caption in at.sidebar.caption]
    assert f"Signed in as **Reader@{DOMAIN}**" in captions
    assert "Sign out" in [button.label for button in at.sidebar.button]
    assert redis_client.dbsize() > 0


def test_another_domain_is_refused_politely_and_nothing_read(
    app_environment, monkeypatch, redis_client
):
    monkeypatch.setenv("ALLOWED_EMAIL_DOMAINS", DOMAIN)
    email = f"someone@evil-{DOMAIN}.example"

    at = run_app(signed_in(email), CACHE_PAGE)

    assert not at.exception
    refusal = as_read(at.warning[0].value)
    assert email in refusal and f"only for accounts at {DOMAIN}" in refusal
    assert [button.label for button in at.button] == ["Sign out"]
    assert not at.metric and not at.dataframe
    assert redis_client.dbsize() == 0


HOSTILE_EMAIL = "[Your session expired](https://evil.example/login)@x"


def test_an_email_claim_with_markdown_stays_text_on_the_refusal_screen(
    app_environment, monkeypatch
):
    monkeypatch.setenv("ALLOWED_EMAIL_DOMAINS", DOMAIN)

    at = run_app(signed_in(HOSTILE_EMAIL))

    shown = at.warning[0].value
    assert "](" not in shown.replace("\\]\\(", "")  # every bracket escaped: no link
    assert "https\\:\u2060\\/\\/" in shown  # no bare link either
    assert HOSTILE_EMAIL in as_read(shown)


def test_an_email_claim_with_markdown_stays_text_in_the_sidebar(app_environment, monkeypatch):
    email = f"**[x](https://evil.example)**@{DOMAIN}"
    monkeypatch.setenv("ALLOWED_EMAIL_DOMAINS", DOMAIN)

    at = run_app(signed_in(email))

    (caption,) = [c.value for c in at.sidebar.caption if "Signed in as" in c.value]
    assert caption.startswith("Signed in as **\\*\\*\\[x\\]\\(https\\:\u2060\\/\\/")
    assert as_read(caption) == f"Signed in as **{email}**"


def test_an_unverified_address_is_refused(app_environment, monkeypatch, redis_client):
    monkeypatch.setenv("ALLOWED_EMAIL_DOMAINS", DOMAIN)

    at = run_app(signed_in(f"reader@{DOMAIN}", verified=False))

    assert "has not confirmed" in at.warning[0].value
    assert redis_client.dbsize() == 0


def test_the_cache_button_is_there_for_a_cache_admin_only(app_environment, monkeypatch):
    monkeypatch.setenv("ALLOWED_EMAIL_DOMAINS", DOMAIN)
    monkeypatch.setenv("CACHE_ADMINS", ADMIN.upper())

    admin = run_app(signed_in(ADMIN), CACHE_PAGE)
    reader = run_app(signed_in(f"reader@{DOMAIN}"), CACHE_PAGE)

    assert not admin.exception and not reader.exception
    assert "Empty its cache" in [button.label for button in admin.button]
    assert "Empty its cache" not in [button.label for button in reader.button]
    assert not reader.selectbox
    assert "Empty one service's keys" not in main_text(reader)


def test_without_sign_in_the_app_is_open_and_says_so(app_environment):
    at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()

    assert not at.exception
    assert any("Open: no sign-in" in caption.value for caption in at.sidebar.caption)


def test_without_sign_in_and_listening_beyond_loopback_it_shows_nothing(
    app_environment, redis_client
):
    with listening_on("0.0.0.0"):
        at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()

    assert not at.exception
    assert "listen on 0.0.0.0 with no sign-in" in at.error[0].value
    assert not at.metric and not at.dataframe and not at.sidebar.selectbox
    assert redis_client.dbsize() == 0


def test_the_project_listens_on_loopback_by_default():
    config = (Path(APP).parents[1] / ".streamlit" / "config.toml").read_text()

    assert 'address = "127.0.0.1"' in config
