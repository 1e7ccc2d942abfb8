"""The sandbox's settings from the environment.

The defaults are the dashboard's own (`DEVELOPMENT_CLIENT_SECRET` in dashboard/settings.py,
repeated here because the sandbox imports nothing of the dashboard), so a dashboard and a
sandbox started with no configuration trust each other's tokens.
"""

import os
from collections.abc import Mapping
from dataclasses import dataclass

DEFAULT_CLIENT_ID = "notify-admin"
DEFAULT_CLIENT_SECRET = "dev-notify-secret-key-for-local-use-only"


@dataclass(frozen=True)
class Settings:
    """Who may call the sandbox."""

    client_id: str
    client_secret: str


def settings_from(environment: Mapping[str, str] = os.environ) -> Settings:
    """ADMIN_CLIENT_ID and ADMIN_CLIENT_SECRET, or the development defaults when unset."""
    return Settings(
        client_id=environment.get("ADMIN_CLIENT_ID") or DEFAULT_CLIENT_ID,
        client_secret=environment.get("ADMIN_CLIENT_SECRET") or DEFAULT_CLIENT_SECRET,
    )
