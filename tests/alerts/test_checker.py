"""The checker against a real sandbox over HTTP and a real Redis: what it sends, how often,
how many API calls a check costs, and what it does when things fail."""

import time

import pytest
import redis
import requests
from notifications_python_client.authentication import create_jwt_token

from dashboard.alerts.__main__ import check_once
from dashboard.alerts.checker import Checker, CheckFailed
from dashboard.cache.alert_ledger import AlertLedger
from dashboard.cache.connection import client_options
from dashboard.domain.alert_checks import message_reference
from dashboard.domain.alert_rules import parse_rules
from dashboard.domain.financial_year import financial_year_of, london_today
from dashboard.loaders.allowances import load_allowances
from dashboard.loaders.context import LoaderContext
from dashboard.loaders.overview import load_overview
from dashboard.notify_client import NotifyClients
from dashboard.notify_client.notifications import NotificationsSender
from dashboard.settings import AlertSettings, Settings
from notify_sandbox.serving import BackgroundSandbox
from tests.alerts.conftest import SECRET
from tests.alerts.helpers import (
    busy_live_service,
    limit_for_share,
    rules_for,
    stored_notifications,
    warning_lines,
)


def make_checker(
    rules: tuple,
    clients: NotifyClients,
    ledger: AlertLedger | None,
    sender: NotificationsSender,
    settings: AlertSettings,
) -> Checker:
    return Checker(rules, clients, ledger, sender, settings, "sandbox", sleep=lambda _s: None)


def test_a_service_pushed_over_80_then_100_percent_gets_one_message_at_each(
    sandbox: BackgroundSandbox,
    alert_clients: NotifyClients,
    ledger: AlertLedger,
    sender: NotificationsSender,
    alert_settings: AlertSettings,
) -> None:
    service_id, sent = busy_live_service(alert_clients)
    checker = make_checker(
        rules_for(service_id, 80, 100), alert_clients, ledger, sender, alert_settings
    )
    day = london_today()
    assert checker.check(day).messages_sent == 0

    alert_clients.services.update_service(
        service_id, email_message_limit=limit_for_share(sent, 0.85)
    )
    first = checker.check(day)
    again = checker.check(day)
    alert_clients.services.update_service(service_id, email_message_limit=sent)
    second = checker.check(day)
    third = checker.check(day)

    assert (first.messages_sent, again.messages_sent) == (1, 0)
    assert (second.messages_sent, third.messages_sent) == (1, 0)
    stored = stored_notifications(sandbox.database)
    assert [row["recipient"] for row in stored] == ["operations@example.gov.uk"] * 2
    (at_80,), (at_100,) = (row["personalisation"]["warnings"] for row in stored)
    limit_80 = limit_for_share(sent, 0.85)
    assert f"emails {sent:,} of the daily limit of {limit_80:,} today" in at_80
    assert "warns at 80 %" in at_80
    assert f"emails {sent:,} of the daily limit of {sent:,} today (100%; warns at 100 %)" in at_100
    link = f"https://dashboard.test/service?service_id={service_id}&days=7"
    assert at_80.endswith(link) and at_100.endswith(link)
    warning = f"daily-limit-{{}}/{service_id}/email/{day.isoformat()}"
    assert [row["reference"] for row in stored] == [
        message_reference("operations@example.gov.uk", [warning.format(percent)])
        for percent in (80, 100)
    ]
    log = ledger.sent_log(financial_year_of(day))
    assert [entry["notification_id"] for entry in log] == [row["id"] for row in reversed(stored)]


def test_one_message_per_recipient_lists_every_warning(
    sandbox: BackgroundSandbox,
    alert_clients: NotifyClients,
    ledger: AlertLedger,
    sender: NotificationsSender,
    alert_settings: AlertSettings,
) -> None:
    service_id, sent = busy_live_service(alert_clients)
    alert_clients.services.update_service(service_id, email_message_limit=sent)
    rules = rules_for(service_id, 80, 100, phone=True)
    report = make_checker(rules, alert_clients, ledger, sender, alert_settings).check(
        london_today()
    )
    assert (report.messages_sent, report.warnings_sent) == (2, 4)
    lines = warning_lines(sandbox.database)
    assert sorted(recipient for recipient, _ in lines) == [
        "07700 900123",
        "07700 900123",
        "operations@example.gov.uk",
        "operations@example.gov.uk",
    ]


def test_a_check_costs_two_api_calls_whatever_the_number_of_services(
    sandbox: BackgroundSandbox,
    alert_clients: NotifyClients,
    ledger: AlertLedger,
    sender: NotificationsSender,
    alert_settings: AlertSettings,
) -> None:
    rules = rules_for("00000000-0000-4000-8000-000000000000", 80)
    everything = rules + tuple(
        rule for rule in rules_for("00000000-0000-4000-8000-000000000000", 90)
    )
    checker = make_checker(everything, alert_clients, ledger, sender, alert_settings)
    sandbox.reset_request_counts()
    checker.check(london_today())
    assert sandbox.request_counts() == {"GET /service": 2}
    sandbox.reset_request_counts()
    checker.check(london_today())
    assert sandbox.request_counts() == {}


def test_redis_down_sends_nothing_and_says_why(
    sandbox: BackgroundSandbox,
    alert_clients: NotifyClients,
    sender: NotificationsSender,
    alert_settings: AlertSettings,
) -> None:
    service_id, sent = busy_live_service(alert_clients)
    alert_clients.services.update_service(service_id, email_message_limit=sent)
    nowhere = redis.Redis(port=1, **client_options(Settings()))
    rules = rules_for(service_id, 80)
    checker = make_checker(rules, alert_clients, AlertLedger(nowhere), sender, alert_settings)
    with pytest.raises(CheckFailed, match="Redis does not answer .*nothing was sent"):
        checker.check(london_today())
    without = make_checker(rules, alert_clients, None, sender, alert_settings)
    with pytest.raises(CheckFailed, match="Redis is off"):
        without.check(london_today())
    assert stored_notifications(sandbox.database) == []


def test_an_api_that_cannot_be_read_fails_the_check_in_one_line(
    alert_clients: NotifyClients,
    ledger: AlertLedger,
    sender: NotificationsSender,
    alert_settings: AlertSettings,
    sandbox: BackgroundSandbox,
) -> None:
    sandbox.stop()
    checker = make_checker(
        rules_for(sandbox_id(), 80), alert_clients, ledger, sender, alert_settings
    )
    with pytest.raises(CheckFailed) as failed:
        checker.check(london_today())
    assert str(failed.value).startswith("Cannot read the Notify API, so nothing was checked:")
    assert "\n" not in str(failed.value)


def sandbox_id() -> str:
    return "d6aa2c68-a2d9-4437-ab19-3ae8eb202553"


def faults(sandbox: BackgroundSandbox, status: int, count: int) -> None:
    requests.post(f"{sandbox.url}/_sandbox/send-faults", json={"status": status, "count": count})


def test_500s_and_rate_limits_are_retried_within_the_check(
    sandbox: BackgroundSandbox,
    alert_clients: NotifyClients,
    ledger: AlertLedger,
    sender: NotificationsSender,
    alert_settings: AlertSettings,
) -> None:
    service_id, sent = busy_live_service(alert_clients)
    alert_clients.services.update_service(service_id, email_message_limit=sent)
    faults(sandbox, 500, 1)
    faults(sandbox, 429, 2)
    checker = make_checker(
        rules_for(service_id, 100), alert_clients, ledger, sender, alert_settings
    )
    report = checker.check(london_today())
    assert (report.messages_sent, report.failures) == (1, [])
    assert len(stored_notifications(sandbox.database)) == 1
    assert sandbox.request_counts()["POST /v2/notifications/email"] == 4


def test_a_send_still_failing_after_retries_is_sent_once_after_its_lease_lapses(
    sandbox: BackgroundSandbox,
    alert_clients: NotifyClients,
    redis_client: redis.Redis,
    sender: NotificationsSender,
    alert_settings: AlertSettings,
) -> None:
    service_id, sent = busy_live_service(alert_clients)
    alert_clients.services.update_service(service_id, email_message_limit=sent)
    lease = 4
    ledger = AlertLedger(redis_client, lease_seconds=lease)
    checker = make_checker(
        rules_for(service_id, 100), alert_clients, ledger, sender, alert_settings
    )
    faults(sandbox, 500, alert_settings.send_attempts)
    failing = checker.check(london_today())
    claimed_at = time.monotonic()
    assert failing.messages_sent == 0
    assert "after retries; the next check tries again" in failing.failures[0]
    held = checker.check(london_today())
    if time.monotonic() - claimed_at < lease - 1:  # the lease still holds
        assert held.messages_sent == 0 and held.already_sent == 1
    time.sleep(max(0.0, lease + 0.1 - (time.monotonic() - claimed_at)))
    recovered = checker.check(london_today())
    assert held.messages_sent + recovered.messages_sent == 1
    assert checker.check(london_today()).messages_sent == 0
    assert len(stored_notifications(sandbox.database)) == 1
    assert ledger.failures()[0]["status"] == 500


def test_a_send_accepted_before_its_checker_died_is_not_sent_again(
    sandbox: BackgroundSandbox,
    alert_clients: NotifyClients,
    redis_client: redis.Redis,
    sender: NotificationsSender,
    alert_settings: AlertSettings,
) -> None:
    service_id, sent = busy_live_service(alert_clients)
    alert_clients.services.update_service(service_id, email_message_limit=sent)
    ledger = AlertLedger(redis_client, lease_seconds=1)
    rules = rules_for(service_id, 100)
    checker = make_checker(rules, alert_clients, ledger, sender, alert_settings)
    (dry,) = checker.check(london_today(), dry_run=True).lines
    assert dry.startswith("Would send email to operations@example.gov.uk: Daily limit: ")
    # A checker that claimed, sent, and died before marking the send.
    warning = f"daily-limit-100/{service_id}/email/{london_today().isoformat()}"
    ledger.claim(warning, "operations@example.gov.uk", "dashboard-alert-died", "gone", 3600)
    template = alert_settings.templates["email"]
    fields = {"count": 1, "warnings": ["sent by the checker that died"], "dashboard_link": "x"}
    sender.send("email", "operations@example.gov.uk", template, fields, "dashboard-alert-died")
    time.sleep(1.1)
    report = checker.check(london_today())
    assert (report.messages_sent, report.recovered) == (0, 1)
    assert len(stored_notifications(sandbox.database)) == 1
    assert checker.check(london_today()).already_sent == 1


def test_the_senders_own_daily_limit_and_a_bad_template_are_not_retried_but_shown(
    sandbox: BackgroundSandbox,
    alert_clients: NotifyClients,
    ledger: AlertLedger,
    alert_settings: AlertSettings,
) -> None:
    service_id, sent = busy_live_service(alert_clients)
    alert_clients.services.update_service(service_id, email_message_limit=sent)
    notify_id = sandbox_id()
    secret = requests.post(
        f"{sandbox.url}/service/{notify_id}/api-key",
        json={"name": "live", "key_type": "normal", "created_by": notify_id},
        headers=admin_headers(),
    ).json()["data"]
    alert_clients.services.update_service(notify_id, email_message_limit=0)
    live = NotificationsSender(f"live-{notify_id}-{secret}", sandbox.url)
    rules = rules_for(service_id, 100)
    checker = make_checker(rules, alert_clients, ledger, live, alert_settings)
    report = checker.check(london_today())
    assert report.messages_sent == 0
    assert report.failures == [
        "Not sent email to operations@example.gov.uk: 429 TooManyRequestsError "
        "Exceeded send limits (email: 0) for today (not retried)."
    ]
    assert sandbox.request_counts()["POST /v2/notifications/email"] == 1
    # The claim was freed: the next check tries again, and is refused again.
    assert len(checker.check(london_today()).failures) == 1
    bad = AlertSettings(
        api_url=sandbox.url,
        templates={"email": "00000000-0000-4000-8000-000000000000"},
    )
    test_key = NotificationsSender(bad.api_key, sandbox.url)
    refused = make_checker(rules, alert_clients, ledger, test_key, bad).check(london_today())
    assert refused.failures[0].endswith("400 BadRequestError Template not found (not retried).")
    assert stored_notifications(sandbox.database) == []


def admin_headers() -> dict[str, str]:
    return {"Authorization": f"Bearer {create_jwt_token(SECRET, 'notify-admin')}"}


def test_every_kind_together_costs_nine_calls_and_warns_once_in_one_message(
    sandbox: BackgroundSandbox,
    alert_clients: NotifyClients,
    ledger: AlertLedger,
    sender: NotificationsSender,
    alert_settings: AlertSettings,
) -> None:
    text = "".join(
        f'[[rules]]\nkind = "{kind}"\npercent = {percent}\n'
        'email = ["operations@example.gov.uk"]\nservices = "all"\n\n'
        for kind, percent in (("daily-limit", 80), ("allowance", 90), ("failure-rate", 0))
    )
    checker = make_checker(parse_rules(text), alert_clients, ledger, sender, alert_settings)
    sandbox.reset_request_counts()
    first = checker.check(london_today())
    calls = sandbox.request_counts()
    sends = sum(count for route, count in calls.items() if route.startswith("POST /v2"))
    reads = {route: count for route, count in calls.items() if not route.startswith("POST /v2")}
    assert reads == {"GET /service": 7, "GET /platform-stats/volumes-by-service": 2}
    (message,) = stored_notifications(sandbox.database)  # one recipient: one message
    assert sends == first.messages_sent == 1
    lines = message["personalisation"]["warnings"]
    assert message["personalisation"]["count"] == len(lines) == first.warnings_sent
    assert {line.split(": ")[0] for line in lines} == {
        "Daily limit",
        "Free allowance",
        "Failure rate",
    }
    assert first.failures == []
    assert checker.check(london_today()).messages_sent == 0


def test_a_rule_muted_for_a_service_today_is_not_sent(
    sandbox: BackgroundSandbox,
    alert_clients: NotifyClients,
    ledger: AlertLedger,
    sender: NotificationsSender,
    alert_settings: AlertSettings,
) -> None:
    service_id, sent = busy_live_service(alert_clients)
    alert_clients.services.update_service(service_id, email_message_limit=sent)
    ledger.mute(london_today(), "daily-limit-100", service_id, "admin@example.gov.uk", "planned")
    rules = rules_for(service_id, 80, 100)
    report = make_checker(rules, alert_clients, ledger, sender, alert_settings).check(
        london_today()
    )
    assert (report.muted, report.warnings_sent) == (1, 1)
    (row,) = stored_notifications(sandbox.database)
    assert "warns at 80 %" in row["personalisation"]["warnings"][0]


def test_a_check_with_warm_first_leaves_the_platform_pages_nothing_to_read(
    sandbox: BackgroundSandbox,
    alert_clients: NotifyClients,
    ledger: AlertLedger,
    sender: NotificationsSender,
    alert_settings: AlertSettings,
) -> None:
    checker = make_checker(
        rules_for("00000000-0000-4000-8000-000000000000", 80),
        alert_clients,
        ledger,
        sender,
        alert_settings,
    )
    assert check_once(checker, dry_run=True, warm=True) == 0
    sandbox.reset_request_counts()
    context = LoaderContext(clients=alert_clients, api_label=sandbox.url)
    today = london_today()
    load_overview(context, today)
    load_allowances(context, financial_year_of(today))
    assert sandbox.request_counts() == {}


def test_a_message_covering_part_of_a_check_is_sent_under_its_own_reference(
    sandbox: BackgroundSandbox,
    alert_clients: NotifyClients,
    redis_client: redis.Redis,
    sender: NotificationsSender,
    alert_settings: AlertSettings,
) -> None:
    service_id, sent = busy_live_service(alert_clients)
    alert_clients.services.update_service(service_id, email_message_limit=sent)
    day = london_today()
    address = "operations@example.gov.uk"
    at_80, at_100 = (f"daily-limit-{p}/{service_id}/email/{day.isoformat()}" for p in (80, 100))
    # Another checker holds the 80 % warning under a live lease: this one sends the 100 % one.
    AlertLedger(redis_client, lease_seconds=3600).claim(at_80, address, "other", "other", 3600)
    ledger = AlertLedger(redis_client, lease_seconds=1)
    rules = rules_for(service_id, 80, 100)
    checker = make_checker(rules, alert_clients, ledger, sender, alert_settings)
    own = message_reference(address, [at_100])
    # The send fails: the claim already holds the reference it was sent with, for a taker.
    faults(sandbox, 500, alert_settings.send_attempts)
    assert checker.check(day).messages_sent == 0
    assert ledger.peek(at_100, address)["references"] == [
        message_reference(address, [at_80, at_100]),
        own,
    ]
    time.sleep(1.1)
    report = checker.check(day)
    assert (report.messages_sent, report.warnings_sent, report.already_sent) == (1, 1, 1)
    (row,) = stored_notifications(sandbox.database)
    assert row["reference"] == own
    assert ledger.peek(at_100, address) == {
        "state": "sent",
        "reference": own,
        "notification_id": row["id"],
    }
