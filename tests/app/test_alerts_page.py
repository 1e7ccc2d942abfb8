"""The Alerts page in AppTest against the sandbox and a real Redis: the rules as read, what
was sent with its delivery status, addresses for cache admins only, and muting."""

from pathlib import Path

import redis

from dashboard.cache.alert_ledger import AlertLedger
from dashboard.domain.financial_year import financial_year_of, london_today
from dashboard.notify_client.notifications import NotificationsSender
from dashboard.settings import SANDBOX_ALERT_TEMPLATES, SANDBOX_ALERTS_API_KEY
from notify_sandbox.serving import BackgroundSandbox
from tests.app.test_sign_in import DOMAIN, run_app, signed_in

PAGE = "app_pages/alerts.py"
ADDRESS = "operations@example.gov.uk"
RULES = f"""
[[rules]]
kind = "daily-limit"
percent = 80
email = ["{ADDRESS}"]
services = "all"
"""


def sent_alert(sandbox: BackgroundSandbox, client: redis.Redis) -> str:
    """One alert really sent through the sandbox, recorded as the checker records it."""
    sender = NotificationsSender(SANDBOX_ALERTS_API_KEY, sandbox.url)
    fields = {"count": 1, "warnings": ["A service: emails 9 of 10"], "dashboard_link": "x"}
    template = SANDBOX_ALERT_TEMPLATES["email"]
    sent = sender.send("email", ADDRESS, template, fields, "dashboard-alert-page-test")
    day = london_today()
    AlertLedger(client).log_sent(
        financial_year_of(day),
        {
            "day": day.isoformat(),
            "kinds": ["daily-limit"],
            "channel": "email",
            "address": ADDRESS,
            "notification_id": sent.id,
            "reference": "dashboard-alert-page-test",
            "warnings": [
                {
                    "rule_id": "daily-limit-80",
                    "kind": "daily-limit",
                    "service_id": "d6aa2c68-a2d9-4437-ab19-3ae8eb202553",
                    "service_name": "GOV.UK Notify",
                    "channel": "email",
                    "summary": "emails 900 of 1,000",
                }
            ],
        },
    )
    return sent.id


def status_reads(sandbox: BackgroundSandbox) -> int:
    return sum(
        count
        for route, count in sandbox.request_counts().items()
        if route.startswith("GET /v2/notifications")
    )


def setup(monkeypatch, tmp_path: Path, live_sandbox: BackgroundSandbox) -> None:
    rules = tmp_path / "alerts.toml"
    rules.write_text(RULES)
    monkeypatch.setenv("ALERTS_FILE", str(rules))
    monkeypatch.setenv("NOTIFY_ALERTS_API_URL", live_sandbox.url)
    monkeypatch.setenv("ALLOWED_EMAIL_DOMAINS", DOMAIN)
    monkeypatch.setenv("CACHE_ADMINS", f"admin@{DOMAIN}")


def test_rules_sends_and_statuses_with_addresses_for_admins_only(
    app_environment, monkeypatch, tmp_path, live_sandbox, redis_client
):
    setup(monkeypatch, tmp_path, live_sandbox)
    notification_id = sent_alert(live_sandbox, redis_client)

    live_sandbox.reset_request_counts()
    admin = run_app(signed_in(f"admin@{DOMAIN}"), PAGE)
    read_by_admin = status_reads(live_sandbox)
    reader = run_app(signed_in(f"reader@{DOMAIN}"), PAGE)
    # Its final status was kept: the second view asks Notify nothing.
    assert (read_by_admin, status_reads(live_sandbox) - read_by_admin) == (1, 0)

    assert not admin.exception and not reader.exception
    rules, today, year = (frame.value for frame in admin.dataframe[:3])
    assert rules.loc[0, "rule"] == "daily-limit-80" and rules.loc[0, "line"] == 2
    assert rules.loc[0, "recipients"] == ADDRESS
    assert today.loc[0, "notification_id"] == notification_id
    assert today.loc[0, "status"] == "delivered"
    assert today.loc[0, "recipient"] == ADDRESS
    assert len(year) == 1 and year.loc[0, "status"] == "delivered"
    assert AlertLedger(redis_client).statuses(financial_year_of(london_today())) == {
        notification_id: "delivered"
    }
    shown_to_reader = [frame.value for frame in reader.dataframe]
    assert ADDRESS not in shown_to_reader[0].to_string()
    assert ADDRESS not in shown_to_reader[1].to_string()
    assert shown_to_reader[1].loc[0, "recipient"] == "Shown to cache admins only"
    assert "Mute for today" in [button.label for button in admin.button]
    assert "Mute for today" not in [button.label for button in reader.button]


def test_an_admin_mutes_a_rule_for_a_service_today(
    app_environment, monkeypatch, tmp_path, live_sandbox, redis_client
):
    setup(monkeypatch, tmp_path, live_sandbox)
    at = run_app(signed_in(f"admin@{DOMAIN}"), PAGE)
    notify_id = "d6aa2c68-a2d9-4437-ab19-3ae8eb202553"
    at.selectbox[0].set_value("daily-limit-80")
    at.selectbox[1].set_value(notify_id)
    at.text_input[0].input("Known: a planned mailing")
    at.button[0].click().run()
    assert not at.exception
    mutes = AlertLedger(redis_client).mutes(london_today())
    ((rule_id, muted_service), entry) = next(iter(mutes.items()))
    assert rule_id == "daily-limit-80"
    assert entry["by"] == f"admin@{DOMAIN}"
    assert entry["reason"] == "Known: a planned mailing"
    assert muted_service == notify_id
    assert at.dataframe[-1].value.loc[0, "service_id"] == notify_id


def test_a_broken_rules_file_is_shown_with_its_line(
    app_environment, monkeypatch, tmp_path, live_sandbox
):
    setup(monkeypatch, tmp_path, live_sandbox)
    (tmp_path / "alerts.toml").write_text(RULES.replace("percent = 80", 'percent = "lots"'))
    at = run_app(signed_in(f"admin@{DOMAIN}"), PAGE)
    assert not at.exception
    assert "alerts.toml line 4: percent must be a number" in at.error[0].value.replace("\\", "")
