"""Settings from the environment, then `.streamlit/secrets.toml`, then development defaults.

The defaults let the dashboard and the sandbox API agree with no configuration at all;
pointing the dashboard at a real Notify API needs only `API_HOST_NAME` and `ADMIN_CLIENT_SECRET`.
"""

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SECRETS_FILE = PROJECT_ROOT / ".streamlit" / "secrets.toml"

DEVELOPMENT_CLIENT_SECRET = "dev-notify-secret-key-for-local-use-only"
TTL_PREFIX = "CACHE_TTL_"


@dataclass(frozen=True)
class Settings:
    """Everything the dashboard reads from its environment, resolved once."""

    # URLs may carry credentials and the secret signs tokens: none of them in a repr or a log.
    api_host_name: str = field(default="http://127.0.0.1:6011", repr=False)
    admin_client_id: str = "notify-admin"
    admin_client_secret: str = field(default=DEVELOPMENT_CLIENT_SECRET, repr=False)
    api_timeout_seconds: float = 10.0
    api_max_workers: int = 8
    page_deadline_seconds: float = 15.0
    # About how many services the platform has: the platform-wide calls' timeouts grow with it.
    platform_services: int = 2000
    redis_url: str | None = field(default=None, repr=False)
    redis_enabled: bool = True
    redis_data_dir: Path = PROJECT_ROOT / ".data"
    redis_socket_timeout_seconds: float = 0.25
    redis_retry_after_seconds: float = 2.0
    cache_telemetry: bool = True
    cache_refresh_ahead: bool = True
    cache_ttl_overrides: Mapping[str, int] = field(default_factory=dict)
    cache_census_max_keys: int = 10_000
    allowed_email_domains: frozenset[str] = frozenset()
    cache_admins: frozenset[str] = frozenset()
    #: Set by `make run` when it starts the sandbox: every page then says, once, that the
    #: services and figures are generated.
    generated_data: bool = False


def _read_secrets(path: Path) -> dict[str, str]:
    """Flat string values from Streamlit's secrets file, so one file can hold the settings."""
    if not path.is_file():
        return {}
    with path.open("rb") as handle:
        parsed = tomllib.load(handle)
    return {key.upper(): str(value) for key, value in parsed.items() if not isinstance(value, dict)}


def _flag(value: str) -> bool:
    return value.strip().lower() not in {"0", "false", "no", "off", ""}


def _listed(value: str) -> frozenset[str]:
    """A comma-separated setting as a set of lower-case entries (addresses and domains)."""
    return frozenset(entry.strip().lower() for entry in value.split(",") if entry.strip())


def load_settings(
    environ: Mapping[str, str] | None = None,
    secrets_file: Path = SECRETS_FILE,
) -> Settings:
    """Resolve settings; the environment wins over the secrets file."""
    values = {**_read_secrets(secrets_file), **(os.environ if environ is None else environ)}
    defaults = Settings()
    ttl_overrides = {
        name[len(TTL_PREFIX) :].lower().replace("_", "-"): int(value)
        for name, value in values.items()
        if name.startswith(TTL_PREFIX)
    }
    return Settings(
        api_host_name=values.get("API_HOST_NAME", defaults.api_host_name).rstrip("/"),
        admin_client_id=values.get("ADMIN_CLIENT_ID", defaults.admin_client_id),
        admin_client_secret=values.get("ADMIN_CLIENT_SECRET", defaults.admin_client_secret),
        api_timeout_seconds=float(values.get("API_TIMEOUT_SECONDS", defaults.api_timeout_seconds)),
        api_max_workers=int(values.get("API_MAX_WORKERS", defaults.api_max_workers)),
        page_deadline_seconds=float(
            values.get("PAGE_DEADLINE_SECONDS", defaults.page_deadline_seconds)
        ),
        platform_services=int(values.get("PLATFORM_SERVICES", defaults.platform_services)),
        redis_url=values.get("REDIS_URL") or None,
        redis_enabled=_flag(values.get("REDIS_ENABLED", "1")),
        redis_data_dir=Path(values.get("REDIS_DATA_DIR", defaults.redis_data_dir)),
        redis_socket_timeout_seconds=float(
            values.get("REDIS_SOCKET_TIMEOUT_SECONDS", defaults.redis_socket_timeout_seconds)
        ),
        redis_retry_after_seconds=float(
            values.get("REDIS_RETRY_AFTER_SECONDS", defaults.redis_retry_after_seconds)
        ),
        cache_telemetry=_flag(values.get("CACHE_TELEMETRY", "1")),
        cache_refresh_ahead=_flag(values.get("CACHE_REFRESH_AHEAD", "1")),
        cache_ttl_overrides=ttl_overrides,
        cache_census_max_keys=int(
            values.get("CACHE_CENSUS_MAX_KEYS", defaults.cache_census_max_keys)
        ),
        allowed_email_domains=_listed(values.get("ALLOWED_EMAIL_DOMAINS", "")),
        cache_admins=_listed(values.get("CACHE_ADMINS", "")),
        generated_data=_flag(values.get("GENERATED_DATA", "0")),
    )


# --- Alerts (the checker of `python -m dashboard.alerts` and the Alerts page) ---------------

#: GOV.UK Notify's own service in the sandbox, its documented test key and its alert templates
#: (repeated from notify_sandbox/own_service.py: the sandbox and the dashboard share no code).
SANDBOX_NOTIFY_SERVICE_ID = "d6aa2c68-a2d9-4437-ab19-3ae8eb202553"
SANDBOX_ALERTS_API_KEY = (
    f"dashboard_alerts_test-{SANDBOX_NOTIFY_SERVICE_ID}-a1e7c0de-0000-4000-8000-5a4db0c5a1e7"
)
#: One template for each channel, listing every kind of warning (one message per check).
SANDBOX_ALERT_TEMPLATES = {
    "email": "4f8a1c2e-1d00-4c6b-9a51-0d1a11e70001",
    "sms": "4f8a1c2e-1d00-4c6b-9a51-0d1a11e70002",
}


@dataclass(frozen=True)
class AlertSettings:
    """Where the rules are, how to send through Notify, and where the dashboard is.

    `templates` maps "email" and "sms" to a template id of the sending service
    (NOTIFY_ALERTS_TEMPLATE and NOTIFY_ALERTS_TEMPLATE_SMS): one template per channel, since
    each recipient gets one message per check listing every kind of warning. The API key and
    templates default to the sandbox's.
    """

    rules_file: Path | None = None
    api_key: str = field(default=SANDBOX_ALERTS_API_KEY, repr=False)
    api_url: str = field(default="http://127.0.0.1:6011", repr=False)
    templates: Mapping[str, str] = field(default_factory=lambda: dict(SANDBOX_ALERT_TEMPLATES))
    dashboard_url: str = "http://localhost:8501"
    lease_seconds: int = 300
    send_attempts: int = 4
    backoff_seconds: float = 1.0


def load_alert_settings(
    environ: Mapping[str, str] | None = None, secrets_file: Path = SECRETS_FILE
) -> AlertSettings:
    """ALERTS_FILE, NOTIFY_ALERTS_API_KEY, NOTIFY_ALERTS_API_URL (default: API_HOST_NAME),
    NOTIFY_ALERTS_TEMPLATE[_SMS], DASHBOARD_URL, ALERTS_LEASE_SECONDS."""
    values = {**_read_secrets(secrets_file), **(os.environ if environ is None else environ)}
    defaults = AlertSettings()
    templates = dict(defaults.templates)
    for channel in SANDBOX_ALERT_TEMPLATES:
        name = "NOTIFY_ALERTS_TEMPLATE" + ("_SMS" if channel == "sms" else "")
        if values.get(name):
            templates[channel] = values[name].strip()
    api_host = values.get("API_HOST_NAME", Settings().api_host_name)
    return AlertSettings(
        rules_file=Path(values["ALERTS_FILE"]) if values.get("ALERTS_FILE") else None,
        api_key=values.get("NOTIFY_ALERTS_API_KEY") or defaults.api_key,
        api_url=(values.get("NOTIFY_ALERTS_API_URL") or api_host).rstrip("/"),
        templates=templates,
        dashboard_url=(values.get("DASHBOARD_URL") or defaults.dashboard_url).rstrip("/"),
        lease_seconds=int(values.get("ALERTS_LEASE_SECONDS", defaults.lease_seconds)),
        send_attempts=int(values.get("ALERTS_SEND_ATTEMPTS", defaults.send_attempts)),
        backoff_seconds=float(values.get("ALERTS_BACKOFF_SECONDS", defaults.backoff_seconds)),
    )
