"""Access rules: loopback, allowed domains (exactly), verified addresses, cache admins."""

import pytest

from dashboard.domain.access import (
    Access,
    Verdict,
    decide_access,
    email_domain,
    is_loopback,
    is_verified,
    may_change_cache,
)

DOMAIN = "digital.cabinet-office.gov.uk"


def signed_in(email: object, verified: object = True) -> dict:
    """The claims `st.user` holds after an OIDC sign-in."""
    return {"is_logged_in": True, "email": email, "email_verified": verified, "name": "A Reader"}


def verdict_for(user: dict, domains: tuple[str, ...] = (DOMAIN,)) -> Access:
    return decide_access(
        sign_in_configured=True, listen_address="0.0.0.0", user=user, allowed_domains=domains
    )


@pytest.mark.parametrize(
    ("address", "loopback"),
    [
        ("127.0.0.1", True),
        ("127.0.1.1", True),
        ("localhost", True),
        ("LOCALHOST", True),
        ("::1", True),
        ("[::1]", True),
        (None, False),
        ("", False),
        ("0.0.0.0", False),
        ("::", False),
        ("192.168.1.20", False),
        ("dashboard.internal", False),
        ("localhost.example", False),
    ],
)
def test_loopback_addresses(address, loopback):
    assert is_loopback(address) is loopback


@pytest.mark.parametrize(
    ("email", "domain"),
    [
        ("Someone@Digital.Cabinet-Office.GOV.UK", DOMAIN),
        ("someone@digital.cabinet-office.gov.uk.example", "digital.cabinet-office.gov.uk.example"),
        ("no-at-sign", None),
        ("@digital.cabinet-office.gov.uk", None),
        ("someone@", None),
        ("a@b@digital.cabinet-office.gov.uk", None),
        ("some one@digital.cabinet-office.gov.uk", None),
    ],
)
def test_the_domain_of_an_address(email, domain):
    assert email_domain(email) == domain


@pytest.mark.parametrize(
    ("claim", "verified"),
    [(True, True), ("true", True), ("True", True), (False, False), ("false", False), (None, False)],
)
def test_verified_claims_as_providers_send_them(claim, verified):
    assert is_verified(claim) is verified


def test_without_sign_in_the_app_is_open_on_loopback_only():
    open_here = decide_access(
        sign_in_configured=False, listen_address="127.0.0.1", user={}, allowed_domains=()
    )
    everywhere = decide_access(
        sign_in_configured=False, listen_address=None, user={}, allowed_domains=()
    )

    assert open_here == Access(Verdict.OPEN)
    assert open_here.shows_data
    assert everywhere.verdict is Verdict.EXPOSED
    assert not everywhere.shows_data
    assert "every network interface" in everywhere.reason
    assert "[auth]" in everywhere.reason


def test_a_signed_in_reader_is_never_exposed_by_the_listen_address():
    reader = decide_access(
        sign_in_configured=True,
        listen_address=None,
        user=signed_in(f"reader@{DOMAIN}"),
        allowed_domains=[DOMAIN],
    )

    assert reader == Access(Verdict.ALLOWED, email=f"reader@{DOMAIN}")


def test_nobody_signed_in_yet_is_asked_to_sign_in():
    assert verdict_for({}).verdict is Verdict.SIGN_IN
    assert verdict_for({"is_logged_in": False}).verdict is Verdict.SIGN_IN
    assert not verdict_for({}).shows_data


@pytest.mark.parametrize(
    "email",
    [f"reader@{DOMAIN}", f"Reader@{DOMAIN.upper()}", f"  reader@{DOMAIN} "],
)
def test_an_allowed_domain_in_any_case_is_let_in(email):
    reader = verdict_for(signed_in(email))

    assert reader.verdict is Verdict.ALLOWED
    assert reader.email == email.strip()


def test_allowed_domains_are_matched_in_any_case_and_with_a_leading_at():
    assert verdict_for(
        signed_in(f"reader@{DOMAIN}"), ("@Digital.Cabinet-Office.gov.uk",)
    ).shows_data


@pytest.mark.parametrize(
    "email",
    [
        f"user@evil-{DOMAIN}.example",
        f"user@{DOMAIN}.example",
        f"user@evil-{DOMAIN}",
        f"user@evil{DOMAIN}",
        f"user@team.{DOMAIN}",
        f"{DOMAIN}@gmail.com",
        f"user@{DOMAIN}@gmail.com",
        "user@cabinet-office.gov.uk",
    ],
)
def test_other_domains_look_alikes_and_subdomains_are_refused(email):
    reader = verdict_for(signed_in(email))

    assert reader.verdict is Verdict.REFUSED
    assert reader.email == email
    assert email in reader.reason
    assert DOMAIN in reader.reason
    assert not reader.shows_data


def test_a_subdomain_gets_in_when_it_is_listed_itself():
    reader = verdict_for(signed_in(f"user@team.{DOMAIN}"), (DOMAIN, f"team.{DOMAIN}"))

    assert reader.verdict is Verdict.ALLOWED


@pytest.mark.parametrize("verified", [False, "false", None])
def test_an_address_the_provider_has_not_verified_is_refused(verified):
    user = signed_in(f"reader@{DOMAIN}", verified)
    if verified is None:
        del user["email_verified"]

    reader = verdict_for(user)

    assert reader.verdict is Verdict.REFUSED
    assert f"reader@{DOMAIN}" in reader.reason
    assert "not confirmed" in reader.reason


@pytest.mark.parametrize("email", [None, "", "  ", 42])
def test_a_sign_in_without_an_email_address_is_refused(email):
    reader = verdict_for(signed_in(email))

    assert reader.verdict is Verdict.REFUSED
    assert reader.email is None
    assert "did not give an email address" in reader.reason


def test_with_no_allowed_domain_everybody_is_refused():
    reader = verdict_for(signed_in(f"reader@{DOMAIN}"), ())

    assert reader.verdict is Verdict.REFUSED
    assert "ALLOWED_EMAIL_DOMAINS" in reader.reason


def test_only_cache_admins_may_change_the_cache_once_signed_in():
    admins = {f"Admin@{DOMAIN}"}
    admin = verdict_for(signed_in(f"admin@{DOMAIN.upper()}"))
    reader = verdict_for(signed_in(f"reader@{DOMAIN}"))
    refused_admin = verdict_for(signed_in(f"admin@{DOMAIN}", verified=False))

    assert may_change_cache(admin, admins)
    assert not may_change_cache(reader, admins)
    assert not may_change_cache(refused_admin, admins)
    assert not may_change_cache(verdict_for({}), admins)
    assert not may_change_cache(admin, set())


def test_when_the_app_runs_open_on_loopback_its_one_reader_may_change_the_cache():
    open_here = Access(Verdict.OPEN)
    exposed = Access(Verdict.EXPOSED, reason="listening everywhere")

    assert may_change_cache(open_here, set())
    assert not may_change_cache(exposed, {"anyone@example.com"})
