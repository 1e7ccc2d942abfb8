"""Settings: the environment over `.streamlit/secrets.toml` over defaults the sandbox shares."""

import pytest

from dashboard.settings import (
    SANDBOX_ALERT_TEMPLATES,
    Settings,
    load_alert_settings,
    load_settings,
)
from notify_sandbox.settings import settings_from


def test_with_nothing_set_the_dashboard_and_the_sandbox_agree(tmp_path):
    dashboard = load_settings({}, secrets_file=tmp_path / "none.toml")
    sandbox = settings_from({})

    assert dashboard.api_host_name == "http://127.0.0.1:6011"
    assert (dashboard.admin_client_id, dashboard.admin_client_secret) == (
        sandbox.client_id,
        sandbox.client_secret,
    )


def test_the_environment_wins_over_the_secrets_file(tmp_path):
    secrets = tmp_path / "secrets.toml"
    secrets.write_text(
        'API_HOST_NAME = "https://api.example/"\nADMIN_CLIENT_SECRET = "from-the-file"\n'
        '[connections.other]\nkey = "ignored"\n'
    )

    settings = load_settings({"ADMIN_CLIENT_SECRET": "from-the-environment"}, secrets_file=secrets)

    assert settings.api_host_name == "https://api.example"
    assert settings.admin_client_secret == "from-the-environment"


@pytest.mark.parametrize(("value", "enabled"), [("0", False), ("false", False), ("1", True)])
def test_redis_can_be_switched_off(tmp_path, value, enabled):
    settings = load_settings({"REDIS_ENABLED": value}, secrets_file=tmp_path / "none.toml")

    assert settings.redis_enabled is enabled


def test_ttls_are_overridden_per_kind(tmp_path):
    settings = load_settings(
        {"CACHE_TTL_STATISTICS_TODAY": "30", "CACHE_TTL_SERVICE": "3600"},
        secrets_file=tmp_path / "none.toml",
    )

    assert settings.cache_ttl_overrides == {"statistics-today": 30, "service": 3600}
    assert Settings().cache_ttl_overrides == {}


def test_allowed_domains_and_cache_admins_are_comma_separated_lists(tmp_path):
    secrets = tmp_path / "secrets.toml"
    secrets.write_text(
        'ALLOWED_EMAIL_DOMAINS = "Digital.Cabinet-Office.gov.uk, ,cabinetoffice.gov.uk,"\n'
        '[auth]\nclient_id = "not-a-setting"\n'
    )

    settings = load_settings({"CACHE_ADMINS": " Admin@Example.gov.uk,ops@example.gov.uk "}, secrets)

    assert settings.allowed_email_domains == {
        "digital.cabinet-office.gov.uk",
        "cabinetoffice.gov.uk",
    }
    assert settings.cache_admins == {"admin@example.gov.uk", "ops@example.gov.uk"}


def test_by_default_no_domain_is_allowed_and_nobody_is_a_cache_admin(tmp_path):
    settings = load_settings({}, secrets_file=tmp_path / "none.toml")

    assert settings.allowed_email_domains == frozenset()
    assert settings.cache_admins == frozenset()


def test_the_key_census_reads_10000_keys_unless_told_otherwise(tmp_path):
    none = tmp_path / "none.toml"

    assert load_settings({}, secrets_file=none).cache_census_max_keys == 10_000
    assert load_settings({"CACHE_CENSUS_MAX_KEYS": "500"}, none).cache_census_max_keys == 500


def test_alerts_use_one_template_per_channel_defaulting_to_the_sandboxs(tmp_path):
    defaults = load_alert_settings({}, secrets_file=tmp_path / "none.toml")
    assert defaults.templates == SANDBOX_ALERT_TEMPLATES
    chosen = load_alert_settings(
        {"NOTIFY_ALERTS_TEMPLATE": " email-id ", "NOTIFY_ALERTS_TEMPLATE_SMS": "text-id"},
        secrets_file=tmp_path / "none.toml",
    )
    assert chosen.templates == {"email": "email-id", "sms": "text-id"}
