"""The Alerts page's loader: a failed section, never an exception, when Redis or the rules file
cannot be used; the ledger's sends as tables."""

from datetime import date
from pathlib import Path

import redis

from dashboard.cache.alert_ledger import AlertLedger
from dashboard.cache.connection import RedisConnection, client_options
from dashboard.loaders.alerts_page import HIDDEN, load_alerts, load_rules, mute_rule
from dashboard.loaders.sections import Failed, Ready
from dashboard.settings import AlertSettings, Settings


def day() -> date:
    return date(2026, 12, 2)


def test_without_redis_the_section_fails_and_nothing_can_be_muted() -> None:
    off = RedisConnection(None, "no cache")
    section = load_alerts(off, AlertSettings(), day(), show_addresses=True, api_label="api")
    assert isinstance(section, Failed) and section.message.startswith("Redis is off")
    down = RedisConnection(redis.Redis(port=1, **client_options(Settings())), "down")
    section = load_alerts(down, AlertSettings(), day(), show_addresses=True, api_label="api")
    assert isinstance(section, Failed)
    assert section.message == "Cannot read the alerts' record in Redis (LedgerUnavailable)."
    assert mute_rule(down, day(), "daily-limit-80", "x", "me", "why").startswith("Could not mute")


def test_rules_are_read_or_the_mistake_is_given(tmp_path: Path) -> None:
    assert isinstance(load_rules(AlertSettings()), Failed)
    missing = load_rules(AlertSettings(rules_file=tmp_path / "nope.toml"))
    assert isinstance(missing, Failed)
    assert missing.message == "Cannot read the rules file nope.toml: FileNotFoundError."
    rules = tmp_path / "alerts.toml"
    rules.write_text('[[rules]]\nkind = "daily-limit"\npercent = 80\nemail = ["a@b.gov.uk"]\n')
    broken = load_rules(AlertSettings(rules_file=rules))
    assert isinstance(broken, Failed) and "alerts.toml line 1: services must be" in broken.message


def test_a_send_from_another_day_is_in_the_year_not_today(redis_client: redis.Redis) -> None:
    ledger = AlertLedger(redis_client)
    entry = {
        "day": "2026-11-30",
        "kind": "daily-limit",
        "channel": "email",
        "address": "ops@example.gov.uk",
        "notification_id": None,
        "warnings": [{"rule_id": "daily-limit-80", "service_name": "A", "channel": "sms"}],
    }
    ledger.log_sent(2026, entry)
    connection = RedisConnection(redis_client, "test")
    section = load_alerts(connection, AlertSettings(), day(), show_addresses=False, api_label="x")
    assert isinstance(section, Ready)
    assert section.value.today.empty
    (row,) = section.value.year.to_dict("records")
    assert (row["rules"], row["services"], row["recipient"]) == (
        "daily-limit-80",
        "A (sms)",
        HIDDEN,
    )
