"""The allowance and failure-rate kinds end to end against the sandbox, as the daily-limit one
in test_checker.py: a service pushed past a rule's threshold, then past the next, gets one
message at each, never two, with its figures and its Service page link."""

import sqlite3
from pathlib import Path

import redis

from dashboard.alerts.checker import Checker
from dashboard.cache.alert_ledger import AlertLedger
from dashboard.domain.alert_checks import failure_windows
from dashboard.domain.alert_rules import Rule, parse_rules
from dashboard.domain.allowance_table import usage_range
from dashboard.domain.financial_year import financial_year_of, london_today
from dashboard.domain.forecast import forecast_from_total
from dashboard.domain.unusual_failures import WindowCounts
from dashboard.notify_client import NotifyClients
from dashboard.notify_client.notifications import NotificationsSender
from dashboard.settings import AlertSettings
from notify_sandbox.serving import BackgroundSandbox
from tests.alerts.helpers import NOTIFY_SERVICE_ID, stored_notifications

ADDRESS = "operations@example.gov.uk"


def rules(kind: str, service_id: str, *percents: int) -> tuple[Rule, ...]:
    return parse_rules(
        "".join(
            f'[[rules]]\nkind = "{kind}"\npercent = {percent}\nemail = ["{ADDRESS}"]\n'
            f'services = ["{service_id}"]\n\n'
            for percent in percents
        )
    )


def checker(
    found: tuple[Rule, ...],
    clients: NotifyClients,
    ledger: AlertLedger,
    sender: NotificationsSender,
    settings: AlertSettings,
) -> Checker:
    return Checker(found, clients, ledger, sender, settings, "sandbox", sleep=lambda _s: None)


def forget_platform_reads(client: redis.Redis) -> None:
    """Empty the cached platform-wide reads a test changed underneath (the sandbox's database
    was written directly, which no API call invalidates)."""
    for pattern in ("*services-detailed*", "*volumes-by-service*"):
        for key in client.scan_iter(match=pattern):
            client.delete(key)


def warnings_sent(database: Path) -> list[str]:
    return [
        line
        for row in stored_notifications(database)
        for line in row["personalisation"]["warnings"]
    ]


def test_an_allowance_forecast_then_used_gets_one_message_at_each(
    sandbox: BackgroundSandbox,
    alert_clients: NotifyClients,
    ledger: AlertLedger,
    sender: NotificationsSender,
    alert_settings: AlertSettings,
    redis_client: redis.Redis,
) -> None:
    day = london_today()
    year = financial_year_of(day)
    volumes = alert_clients.platform.get_volumes_by_service(*usage_range(year, day))
    used, service_id = max(
        (row.sms_chargeable_units, row.service_id)
        for row in volumes
        if row.service_id != NOTIFY_SERVICE_ID
    )
    expected = forecast_from_total(used, used * 100, year, day).fragments.expected
    assert expected > used + 1, "the year still has months to run"
    found = rules("allowance", service_id, 100)
    allowance_check = checker(found, alert_clients, ledger, sender, alert_settings)

    def with_allowance(allowance: int) -> int:
        alert_clients.services.update_service(service_id, free_sms_fragment_limit=allowance)
        forget_platform_reads(redis_client)
        return allowance_check.check(day).messages_sent + allowance_check.check(day).messages_sent

    assert with_allowance(used * 100) == 0
    forecast_over = (used + expected) // 2 + 1
    assert with_allowance(forecast_over) == 1
    assert with_allowance(used) == 1
    assert with_allowance(used - 1) == 0  # used, already told this year

    forecast, spent = warnings_sent(sandbox.database)
    assert forecast.startswith("Free allowance: ")
    assert "is forecast to send" in forecast and f"free allowance of {forecast_over:,}" in forecast
    assert f"has used {used:,} of its {used:,} free text fragments this year (100%" in spent
    link = f"https://dashboard.test/service?service_id={service_id}&days=7"
    assert forecast.endswith(link) and spent.endswith(link)


def failures_to_reach(rate: float, requested: int, failed: int) -> int:
    """How many more failures make `failed` of `requested` reach `rate`."""
    return int((rate * requested - failed) / (1 - rate)) + 1


def test_a_failure_rate_pushed_past_5_then_20_percent_gets_one_message_at_each(
    sandbox: BackgroundSandbox,
    alert_clients: NotifyClients,
    ledger: AlertLedger,
    sender: NotificationsSender,
    alert_settings: AlertSettings,
    redis_client: redis.Redis,
) -> None:
    day = london_today()
    window, *earlier = (
        {row.id: row.statistics.email for row in alert_clients.services.get_services_detailed(*w)}
        for w in failure_windows(day)
    )
    live = {s.id for s in alert_clients.services.get_services() if s.active and not s.restricted}

    def steady(service_id: str) -> bool:
        rates = [
            WindowCounts(w[service_id].requested, w[service_id].failed).rate
            for w in earlier
            if service_id in w and w[service_id].requested
        ]
        now = window[service_id]
        quiet = now.failed < 0.03 * now.requested
        return quiet and len(rates) == len(earlier) and max(rates) < 0.03

    _, service_id = max(
        (counts.requested, service_id)
        for service_id, counts in window.items()
        if service_id in live and service_id != NOTIFY_SERVICE_ID and steady(service_id)
    )
    found = rules("failure-rate", service_id, 5, 20)
    rate_check = checker(found, alert_clients, ledger, sender, alert_settings)

    def failing(rate: float) -> int:
        """Add today's permanent failures of emails until the window's rate reaches `rate`."""
        now = window[service_id]
        more = failures_to_reach(rate, now.requested, now.failed)
        with sqlite3.connect(sandbox.database) as connection:
            connection.execute(
                "UPDATE daily_counts SET permanent_failure = permanent_failure + ? "
                "WHERE service_sid = (SELECT sid FROM services WHERE id = ?) "
                "AND channel = 'email' AND days_ago = 0",
                (more, service_id),
            )
        window[service_id] = type(now)(
            requested=now.requested + more, delivered=now.delivered, failed=now.failed + more
        )
        forget_platform_reads(redis_client)
        return rate_check.check(day).messages_sent + rate_check.check(day).messages_sent

    assert rate_check.check(day).messages_sent == 0
    assert failing(0.10) == 1
    assert failing(0.30) == 1
    assert failing(0.35) == 0  # both rules already told today

    at_5, at_20 = warnings_sent(sandbox.database)
    assert at_5.startswith("Failure rate: ") and at_20.startswith("Failure rate: ")
    assert "emails failure rate 10." in at_5 and "over the last 8 days" in at_5
    assert "emails failure rate 30." in at_20
    link = f"https://dashboard.test/service?service_id={service_id}&days=7"
    assert at_5.endswith(link) and at_20.endswith(link)
