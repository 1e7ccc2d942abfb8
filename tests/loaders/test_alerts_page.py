"""The Alerts page's loader: a failed section, never an exception, when Redis or the rules file
cannot be used; the ledger's sends as tables, with delivery statuses read at most
`STATUS_LOOKUPS` times per view and kept once final."""

import time
from datetime import date
from pathlib import Path

import redis
import requests_mock

from dashboard.cache.alert_ledger import AlertLedger
from dashboard.cache.connection import RedisConnection, client_options
from dashboard.loaders.alerts_page import (
    HIDDEN,
    NOT_KEPT,
    NOT_READ,
    STATUS_LOOKUPS,
    load_alerts,
    load_rules,
    mute_rule,
)
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


API = "https://api.notify.test"
DAY_SECONDS = 24 * 60 * 60


def notification_id(number: int) -> str:
    return f"00000000-0000-4000-8000-{number:012d}"


def status_answer(number: int, status: str) -> dict:
    return {
        "id": notification_id(number),
        "reference": f"dashboard-alert-{number}",
        "type": "email",
        "status": status,
        "created_at": "2026-12-02T09:00:00.000000Z",
    }


def test_statuses_are_read_at_most_twenty_a_view_kept_once_final_and_never_past_seven_days(
    redis_client: redis.Redis,
) -> None:
    ledger = AlertLedger(redis_client)
    now = time.time()
    # 25 sends in the last 7 days (number 24 newest), then 2 older than Notify keeps them.
    ages = {number: (30 - number) * 60 for number in range(25)}
    ages |= {25: 8 * DAY_SECONDS, 26: 40 * DAY_SECONDS}
    for number in sorted(ages, key=lambda n: -ages[n]):
        ledger.log_sent(
            2026,
            {
                "at": now - ages[number],
                "day": "2026-12-01",
                "kinds": ["daily-limit"],
                "channel": "email",
                "address": "ops@example.gov.uk",
                "notification_id": notification_id(number),
                "warnings": [{"rule_id": "daily-limit-80", "kind": "daily-limit"}],
            },
        )
    connection = RedisConnection(redis_client, "test")
    settings = AlertSettings(api_url=API)
    with requests_mock.Mocker() as mock:
        for number in range(25):
            status = "sending" if number == 24 else "delivered"
            answer = status_answer(number, status)
            mock.get(f"{API}/v2/notifications/{notification_id(number)}", json=answer)
        first = load_alerts(connection, settings, day(), show_addresses=False, api_label="api")
        first_calls = mock.call_count
        second = load_alerts(connection, settings, day(), show_addresses=False, api_label="api")
        second_calls = mock.call_count - first_calls
    assert isinstance(first, Ready) and isinstance(second, Ready)
    statuses = first.value.year.set_index("notification_id")["status"].to_dict()
    assert first_calls == STATUS_LOOKUPS == 20
    newest = [statuses[notification_id(n)] for n in (24, 23, 5)]
    assert newest == ["sending", "delivered", "delivered"]
    assert {statuses[notification_id(n)] for n in range(5)} == {NOT_READ}
    assert statuses[notification_id(25)] == statuses[notification_id(26)] == NOT_KEPT
    # The 19 final statuses are kept: the next view reads the one still sending and the 5 left.
    assert second_calls == 6
    assert len(ledger.statuses(2026)) == 24
    again = second.value.year.set_index("notification_id")["status"].to_dict()
    assert {again[notification_id(n)] for n in range(24)} == {"delivered"}
