"""The TTL policy: a TTL for every kind a cached method can choose, overridden by settings."""

import pytest

from dashboard.cache.decorators import KEY_FORMATS
from dashboard.cache.policy import DAY, DEFAULT_TTLS, resolve_ttls
from dashboard.notify_client import NotifyClients


def test_every_kind_a_client_method_keeps_has_a_ttl(clients: NotifyClients):
    """KEY_FORMATS is filled as the client modules are imported (the fixture imports them)."""
    kinds = set(KEY_FORMATS.values())

    assert kinds <= set(DEFAULT_TTLS)
    assert {"service", "statistics", "template", "user"} <= kinds


def test_a_closed_year_is_kept_a_week_and_longer_than_an_open_one():
    for kind in ("notifications-monthly", "platform-stats", "volumes-by-service", "billing-report"):
        assert DEFAULT_TTLS[f"{kind}-closed-year"] == 7 * DAY > DEFAULT_TTLS[kind]


def test_settings_override_a_kind_and_leave_the_rest():
    ttls = resolve_ttls({"statistics": 600})

    assert ttls["statistics"] == 600
    assert {kind: ttl for kind, ttl in ttls.items() if kind != "statistics"} == {
        kind: ttl for kind, ttl in DEFAULT_TTLS.items() if kind != "statistics"
    }


def test_an_unknown_kind_of_ttl_is_refused():
    with pytest.raises(ValueError, match="statistic"):
        resolve_ttls({"statistic": 5})
