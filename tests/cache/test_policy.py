"""The TTL policy: a TTL for every kind a cached method can choose, overridden by settings."""

import pytest

from dashboard.cache.decorators import KEY_FORMATS, CachedMethod
from dashboard.cache.policy import DAY, DEFAULT_TTLS, resolve_ttls
from dashboard.notify_client import NotifyClients


def client_kinds(clients: NotifyClients) -> dict[str, str]:
    """The kind each of the clients' cached methods is counted under, by method name."""
    return {
        f"{type(client).__name__}.{name}": KEY_FORMATS[attribute.key_format]
        for client in vars(clients).values()
        for name, attribute in vars(type(client)).items()
        if isinstance(attribute, CachedMethod)
    }


def test_every_kind_a_client_method_keeps_has_a_ttl(clients: NotifyClients):
    kinds = client_kinds(clients)

    assert {method: kind for method, kind in kinds.items() if kind not in DEFAULT_TTLS} == {}
    assert {
        "ServiceAPIClient.get_service",
        "BillingAPIClient.get_free_sms_fragment_limit",
        "PlatformStatsAPIClient.get_platform_stats",
        "TemplateAPIClient.get_template",
        "UserAPIClient.get_user",
    } <= set(kinds)


def test_a_closed_year_is_kept_a_week_and_longer_than_an_open_one():
    kinds = (
        "notifications-monthly",
        "platform-stats",
        "volumes-by-service",
        "billing-report",
        "organisation-usage",
    )
    for kind in kinds:
        assert DEFAULT_TTLS[f"{kind}-closed-year"] == 7 * DAY > DEFAULT_TTLS[kind]


def test_settled_days_are_kept_a_week_and_longer_than_recent_ones():
    for kind in ("services-detailed", "daily-volumes"):
        assert DEFAULT_TTLS[f"{kind}-settled"] == 7 * DAY > DEFAULT_TTLS[kind]


def test_settings_override_a_kind_and_leave_the_rest():
    ttls = resolve_ttls({"statistics": 600})

    assert ttls["statistics"] == 600
    assert {kind: ttl for kind, ttl in ttls.items() if kind != "statistics"} == {
        kind: ttl for kind, ttl in DEFAULT_TTLS.items() if kind != "statistics"
    }


def test_an_unknown_kind_of_ttl_is_refused():
    with pytest.raises(ValueError, match="statistic"):
        resolve_ttls({"statistic": 5})
