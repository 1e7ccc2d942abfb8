"""The Alerts page's sections: the rules as read, what was sent today and this year (with each
message's delivery status read back from Notify), what failed, and what is muted.

Reads the rules file, the alerts ledger in Redis and `GET /v2/notifications/<id>`; it never
imports the checker (`dashboard.alerts`). Recipients' addresses are given only when the page
says the reader may see them (the cache admins).
"""

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from dashboard.cache.alert_ledger import AlertLedger, LedgerUnavailable
from dashboard.cache.connection import RedisConnection
from dashboard.domain.alert_rules import AlertRulesError, Rule, parse_rules
from dashboard.domain.financial_year import LONDON, financial_year_label, financial_year_of
from dashboard.loaders.errors import describe_error
from dashboard.loaders.freshness import Freshness
from dashboard.loaders.sections import Failed, Ready, Section
from dashboard.notify_client.calls import gather
from dashboard.notify_client.notifications import NotificationsSender
from dashboard.settings import AlertSettings

HIDDEN = "Shown to cache admins only"
#: Delivery statuses read back from Notify per page view at most, newest first: only of
#: messages Notify still keeps whose final status is not yet in the ledger.
STATUS_LOOKUPS = 20
#: How long Notify keeps a notification (and so can say where it got to).
NOTIFY_KEEPS_DAYS = 7
#: Statuses that never change once reached (email and text messages); others are read again.
FINAL_STATUSES = frozenset(
    {"delivered", "permanent-failure", "temporary-failure", "technical-failure", "sent"}
)
NOT_KEPT = f"not kept by Notify after {NOTIFY_KEEPS_DAYS} days"
NOT_READ = f"not read yet (at most {STATUS_LOOKUPS} are read per view; reload)"
SENT_COLUMNS = (
    "sent_at",
    "kinds",
    "status",
    "notification_id",
    "channel",
    "recipient",
    "rules",
    "services",
)


@dataclass(frozen=True)
class AlertsView:
    """What fired today and this year, failures and mutes, as tables for the page."""

    year_label: str
    today: pd.DataFrame
    year: pd.DataFrame
    failures: pd.DataFrame
    mutes: pd.DataFrame
    missing: tuple[str, ...] = ()


def _now_freshness(started: float) -> Freshness:
    return Freshness(
        from_cache=False,
        oldest_seconds=0.0,
        cache_failed=False,
        milliseconds=(time.perf_counter() - started) * 1000,
        lookups=1,
    )


def load_rules(settings: AlertSettings) -> Section[tuple[Rule, ...]]:
    """The rules file as the checker reads it, or why it cannot be used."""
    started = time.perf_counter()
    path: Path | None = settings.rules_file
    if path is None:
        message = "ALERTS_FILE is not set, so there are no rules: see the README's Alerts section."
        return Failed(message, _now_freshness(started))
    try:
        rules = parse_rules(path.read_text(encoding="utf-8"), source=path.name)
    except (OSError, UnicodeDecodeError) as error:
        return Failed(
            f"Cannot read the rules file {path.name}: {type(error).__name__}.",
            _now_freshness(started),
        )
    except AlertRulesError as error:
        return Failed(str(error), _now_freshness(started))
    return Ready(rules, _now_freshness(started))


def rules_table(rules: tuple[Rule, ...], show_addresses: bool) -> pd.DataFrame:
    """One line per rule, as written (recipients counted unless the reader may see them)."""
    rows = []
    for rule in rules:
        recipients = (
            ", ".join(address for _, address in rule.recipients)
            if show_addresses
            else f"{len(rule.email)} email, {len(rule.phone)} phone ({HIDDEN.lower()})"
        )
        rows.append(
            {
                "rule": rule.rule_id,
                "kind": rule.kind,
                "threshold": f"{rule.percent:g} %",
                "services": rule.services.describe(),
                "recipients": recipients,
                "line": rule.line,
            }
        )
    return pd.DataFrame(
        rows, columns=["rule", "kind", "threshold", "services", "recipients", "line"]
    )


def _moment(epoch: float) -> datetime:
    return datetime.fromtimestamp(epoch, UTC).astimezone(LONDON)


def _sent_rows(entries: list[dict[str, Any]], show_addresses: bool) -> list[dict[str, Any]]:
    rows = []
    for entry in entries:
        warnings = entry.get("warnings", [])
        rows.append(
            {
                "at": float(entry.get("at", 0)),
                "sent_at": _moment(float(entry.get("at", 0))),
                "day": entry.get("day"),
                "kinds": ", ".join(
                    dict.fromkeys(str(w.get("kind", entry.get("kind"))) for w in warnings)
                ),
                "rules": ", ".join(sorted({str(w.get("rule_id")) for w in warnings})),
                "services": ", ".join(
                    dict.fromkeys(f"{w.get('service_name')} ({w.get('channel')})" for w in warnings)
                ),
                "channel": entry.get("channel"),
                "recipient": entry.get("address") if show_addresses else HIDDEN,
                "notification_id": entry.get("notification_id"),
                "status": "",
            }
        )
    return rows


def _status_call(sender: NotificationsSender, notification_id: str) -> Callable[[], Any]:
    return lambda: sender.status(notification_id)


def read_statuses(
    rows: list[dict[str, Any]],
    kept: dict[str, str],
    sender: NotificationsSender,
    api_label: str,
    now: float,
) -> tuple[dict[str, str], dict[str, str], list[str]]:
    """Each sent message's delivery status: the final one kept in the ledger; else, for a
    message Notify still keeps, read from `GET /v2/notifications/<id>` (at most
    `STATUS_LOOKUPS` per view, newest first); else why there is none. Returns the statuses
    by id, the newly read final ones to keep, and what could not be read."""
    statuses: dict[str, str] = {}
    wanted: list[str] = []
    for row in rows:
        notification_id = str(row["notification_id"] or "")
        if not notification_id or notification_id in statuses:
            continue
        if notification_id in kept:
            statuses[notification_id] = kept[notification_id]
        elif now - row["at"] > NOTIFY_KEEPS_DAYS * 24 * 60 * 60:
            statuses[notification_id] = NOT_KEPT
        elif len(wanted) < STATUS_LOOKUPS:
            wanted.append(notification_id)
        else:
            statuses[notification_id] = NOT_READ
    calls = {notification_id: _status_call(sender, notification_id) for notification_id in wanted}
    outcomes = gather(calls, deadline_seconds=10) if calls else {}
    final: dict[str, str] = {}
    missing: list[str] = []
    for notification_id, outcome in outcomes.items():
        if outcome.error is None:
            status = str(outcome.value.status)
            statuses[notification_id] = status
            if status in FINAL_STATUSES:
                final[notification_id] = status
        else:
            statuses[notification_id] = "not known"
            if not missing:
                missing.append(
                    "Some delivery statuses could not be read from Notify: "
                    + describe_error(outcome.error, api_label)
                )
    return statuses, final, missing


def load_alerts(
    connection: RedisConnection,
    settings: AlertSettings,
    day: date,
    *,
    show_addresses: bool,
    api_label: str,
) -> Section[AlertsView]:
    """The ledger's sends, failures and mutes, with their delivery statuses (`read_statuses`:
    at most `STATUS_LOOKUPS` calls to Notify per view)."""
    started = time.perf_counter()
    client = connection.client
    if client is None:
        return Failed(
            "Redis is off, so there is no record of alerts (the checker sends none without it).",
            _now_freshness(started),
        )
    ledger = AlertLedger(client)
    year = financial_year_of(day)
    try:
        sent = ledger.sent_log(year)
        failures = ledger.failures()
        mutes = ledger.mutes(day)
        kept = ledger.statuses(year)
    except (LedgerUnavailable, ValueError) as error:
        return Failed(
            f"Cannot read the alerts' record in Redis ({type(error).__name__}).",
            _now_freshness(started),
        )
    rows = _sent_rows(sent, show_addresses)
    sender = NotificationsSender(settings.api_key, settings.api_url)
    statuses, final, missing = read_statuses(rows, kept, sender, api_label, time.time())
    try:
        ledger.keep_statuses(year, final)
    except LedgerUnavailable as error:
        missing.append(f"The statuses read could not be kept in Redis ({type(error).__name__}).")
    rows = [row | {"status": statuses.get(str(row["notification_id"]), "")} for row in rows]
    today_rows = [row for row in rows if row["day"] == day.isoformat()]
    columns = list(SENT_COLUMNS)
    failure_rows = [
        {
            "at": _moment(float(entry.get("at", 0))),
            "what": entry.get("what")
            if show_addresses
            else str(entry.get("what", "")).split(" to ")[0],
            "status": entry.get("status"),
            "error": entry.get("error"),
            "message": entry.get("message"),
            "retried": "yes" if entry.get("retried") else "no",
        }
        for entry in failures
    ]
    mute_rows = [
        {
            "rule": rule_id,
            "service_id": service_id,
            "muted_by": value.get("by"),
            "why": value.get("reason"),
        }
        for (rule_id, service_id), value in sorted(mutes.items())
    ]
    view = AlertsView(
        year_label=financial_year_label(year),
        today=pd.DataFrame(today_rows, columns=columns),
        year=pd.DataFrame(rows, columns=columns),
        failures=pd.DataFrame(
            failure_rows, columns=["at", "what", "status", "error", "message", "retried"]
        ),
        mutes=pd.DataFrame(mute_rows, columns=["rule", "service_id", "muted_by", "why"]),
        missing=tuple(missing),
    )
    return Ready(view, _now_freshness(started))


def mute_rule(
    connection: RedisConnection, day: date, rule_id: str, service_id: str, by: str, reason: str
) -> str | None:
    """Mute a rule for a service until the day ends; the reason it could not be, or None."""
    if connection.client is None:
        return "Redis is off, so nothing can be muted."
    try:
        AlertLedger(connection.client).mute(day, rule_id, service_id, by, reason)
    except LedgerUnavailable as error:
        return f"Could not mute: Redis did not answer ({type(error).__name__})."
    return None
