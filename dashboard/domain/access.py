"""Who may see the dashboard, and who may change what its cache holds.

Pure rules, no Streamlit: the app hands in what Streamlit knows (is `[auth]` configured, the
address the server listens on, the signed-in user's claims) and shows what comes back.

- With sign-in configured, a reader sees data only when signed in with an email address the
  provider has verified, in one of the allowed domains (exactly: a subdomain must be listed
  itself, and `user@digital.cabinet-office.gov.uk.example` is not at
  `digital.cabinet-office.gov.uk`).
- Without sign-in, the app is open only while it listens on loopback: anyone who can reach it
  is on the same machine. Listening anywhere else, it shows nothing.
- Writes (emptying cache keys) are for the cache admins, or anyone when the app runs open.
"""

import ipaddress
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum


class Verdict(StrEnum):
    OPEN = "open"  # no sign-in configured, listening on loopback only
    EXPOSED = "exposed"  # no sign-in configured, but reachable from other machines
    SIGN_IN = "sign-in"  # sign-in configured, nobody signed in yet
    REFUSED = "refused"  # signed in with an account that may not see the data
    ALLOWED = "allowed"  # signed in with an allowed account


@dataclass(frozen=True)
class Access:
    """The verdict for one reader, the address they signed in with, and why when refused."""

    verdict: Verdict
    email: str | None = None
    reason: str = ""

    @property
    def shows_data(self) -> bool:
        return self.verdict in (Verdict.OPEN, Verdict.ALLOWED)


def is_loopback(address: str | None) -> bool:
    """Whether a listen address keeps the server to this machine.

    Unset or empty means every interface (Streamlit's default), so it is not loopback.
    """
    if not address:
        return False
    host = address.strip().strip("[]").lower()
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:  # a host name other than localhost may resolve anywhere
        return False


def email_domain(email: str) -> str | None:
    """The domain of a plain `local@domain` address, lower case; None for anything else."""
    local, at, domain = email.strip().rpartition("@")
    if not at or not local or not domain or "@" in local or any(c.isspace() for c in email):
        return None
    return domain.lower()


def is_verified(claim: object) -> bool:
    """`email_verified` as providers send it: true, or the string "true" (some do)."""
    if isinstance(claim, str):
        return claim.strip().lower() == "true"
    return claim is True


def _normalised(values: Iterable[str]) -> set[str]:
    return {value.strip().lower() for value in values if value.strip()}


def decide_access(
    *,
    sign_in_configured: bool,
    listen_address: str | None,
    user: Mapping[str, object],
    allowed_domains: Collection[str],
) -> Access:
    """Whether this reader may see the data; a refusal says why, naming the account used."""
    if not sign_in_configured:
        if is_loopback(listen_address):
            return Access(Verdict.OPEN)
        where = listen_address or "every network interface"
        return Access(
            Verdict.EXPOSED,
            reason=(
                f"This dashboard is set to listen on {where} with no sign-in, so it shows "
                "nothing. Configure sign-in (an `[auth]` section in `.streamlit/secrets.toml`), "
                "or listen on 127.0.0.1 only (`server.address`)."
            ),
        )
    if user.get("is_logged_in") is not True:
        return Access(Verdict.SIGN_IN)
    email = user.get("email")
    if not isinstance(email, str) or not email.strip():
        return Access(
            Verdict.REFUSED,
            reason="Your sign-in did not give an email address, so the dashboard cannot let "
            "you in. Sign out and sign in with your work account.",
        )
    email = email.strip()
    domains = _normalised(domain.lstrip("@") for domain in allowed_domains)
    if not is_verified(user.get("email_verified")):
        reason = (
            f"You are signed in as {email}, but your account provider has not confirmed that "
            "this address is yours, so the dashboard cannot let you in."
        )
    elif not domains:
        reason = (
            f"You are signed in as {email}. No email domain is allowed in yet "
            "(ALLOWED_EMAIL_DOMAINS): ask whoever runs this dashboard."
        )
    elif email_domain(email) not in domains:
        listed = ", ".join(sorted(domains))
        reason = (
            f"You are signed in as {email}. Sorry: this dashboard is only for accounts at "
            f"{listed}. Sign out and sign in with one of those."
        )
    else:
        return Access(Verdict.ALLOWED, email=email)
    return Access(Verdict.REFUSED, email=email, reason=reason)


def may_change_cache(access: Access, cache_admins: Collection[str]) -> bool:
    """Emptying cache keys (and any future write): cache admins only, or anyone when open."""
    if access.verdict is Verdict.OPEN:
        return True
    if access.verdict is not Verdict.ALLOWED or access.email is None:
        return False
    return access.email.lower() in _normalised(cache_admins)
