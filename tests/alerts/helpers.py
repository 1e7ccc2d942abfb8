"""Rules, a service to push over its limits, and what the sandbox stored, for alerts tests."""

import json
import math
import sqlite3
from datetime import date
from pathlib import Path

from dashboard.domain.alert_rules import Rule, parse_rules
from dashboard.domain.financial_year import london_today
from dashboard.notify_client import NotifyClients

NOTIFY_SERVICE_ID = "d6aa2c68-a2d9-4437-ab19-3ae8eb202553"


def rules_for(service_id: str, *percents: int, phone: bool = False) -> tuple[Rule, ...]:
    """One daily-limit rule per threshold, watching one service, telling operations."""
    recipients = 'email = ["operations@example.gov.uk"]\n' + (
        'phone = ["07700 900123"]\n' if phone else ""
    )
    text = "".join(
        f'[[rules]]\nkind = "daily-limit"\npercent = {percent}\n{recipients}'
        f'services = ["{service_id}"]\n\n'
        for percent in percents
    )
    return parse_rules(text)


def busy_live_service(clients: NotifyClients, day: date | None = None) -> tuple[str, int]:
    """A live service that has sent emails today, well below its limits, and how many."""
    day = day or london_today()
    services = {service.id: service for service in clients.services.get_services()}
    rows = clients.services.get_services_detailed(day, day)
    sent = [
        (row.statistics.email.requested, row.id)
        for row in rows
        if row.id in services
        and not services[row.id].restricted
        and services[row.id].active
        and row.id != NOTIFY_SERVICE_ID  # the sender itself, close to its own limits
        and row.statistics.email.requested >= 20
        and all(
            getattr(row.statistics, channel).requested
            < 0.5 * (getattr(services[row.id], f"{channel}_message_limit") or 1)
            for channel in ("email", "sms", "letter")
        )
    ]
    requested, service_id = max(sent)
    return service_id, requested


def limit_for_share(sent: int, share: float) -> int:
    """The daily limit at which `sent` is just over `share` of it."""
    return math.ceil(sent / share)


def stored_notifications(database: Path) -> list[dict]:
    """What the sandbox was sent, oldest first, with its personalisation."""
    with sqlite3.connect(database) as connection:
        connection.row_factory = sqlite3.Row
        rows = connection.execute("SELECT * FROM notifications ORDER BY created_at").fetchall()
    return [dict(row) | {"personalisation": json.loads(row["personalisation"])} for row in rows]


def warning_lines(database: Path) -> list[tuple[str, str]]:
    """(recipient, warning line) for every warning in every stored message."""
    return [
        (row["recipient"], line)
        for row in stored_notifications(database)
        for line in row["personalisation"]["warnings"]
    ]
