"""One check: read the platform, find what crossed, and tell each recipient once.

Reads the platform with the pages' own cached client calls (the services list and every
service's counts for today: two calls, whatever the number of services). For each recipient
it claims every new warning of every kind in the ledger, sends one message listing them
through Notify's public API, with a `reference` derived from the recipient and the warnings
it covers, and marks them sent once the API has accepted it.

Sends are retried within the check on a 5xx (or no answer) and on a RateLimitError 429, with
backoff; before sending again after a 5xx the reference is looked up, in case the API took the
first one. A TooManyRequestsError 429 (the sending service's own daily limit), a 400 or a 403
is not retried: the claims are freed and the refusal is shown. A send that still fails after
its retries keeps its claims until their lease lapses; the next check then asks the API
about the old reference before sending again.
"""

import logging
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date
from functools import partial
from typing import Any

from notifications_python_client.errors import APIError, HTTPError, InvalidResponse
from redis import RedisError

from dashboard.cache.alert_ledger import AlertLedger
from dashboard.domain.alert_checks import (
    KIND_LABELS,
    AlertInputs,
    Crossing,
    Message,
    crossings,
    failure_windows,
    messages,
)
from dashboard.domain.alert_rules import Rule
from dashboard.domain.allowance_table import allowance_probe, usage_range
from dashboard.domain.financial_year import financial_year_of
from dashboard.loaders.errors import describe_error
from dashboard.notify_client import NotifyClients
from dashboard.notify_client.calls import gather
from dashboard.notify_client.notifications import NotificationsSender, error_kind, error_text
from dashboard.notify_client.schemas.notifications import SentNotification
from dashboard.notify_client.schemas.platform import ServiceVolumes
from dashboard.settings import AlertSettings

logger = logging.getLogger(__name__)

#: How long a record of a daily warning is kept: the day, and one more for clocks and zones.
DAY_RECORD_SECONDS = 2 * 24 * 60 * 60
#: An allowance warning is sent once a financial year: its record outlives the year.
YEAR_RECORD_SECONDS = 400 * 24 * 60 * 60


def record_seconds(kind: str) -> int:
    """How long the ledger remembers a warning of this kind was sent."""
    return YEAR_RECORD_SECONDS if kind == "allowance" else DAY_RECORD_SECONDS


class CheckFailed(Exception):
    """The check could not run at all; the message is the one line a scheduler shows."""


class _Refused(Exception):
    """The API refused a send for good (400, 403, TooManyRequestsError 429)."""


class _GaveUp(Exception):
    """A send still failing after its retries (5xx, no answer, RateLimitError 429)."""


class _Unknown(Exception):
    """Whether an earlier send was accepted cannot be asked now: do not send again yet."""


@dataclass
class CheckReport:
    """What one check did, in lines for the log and figures for tests."""

    crossings: int = 0
    messages_sent: int = 0
    warnings_sent: int = 0
    already_sent: int = 0
    recovered: int = 0
    muted: int = 0
    failures: list[str] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)


def platform_calls(
    clients: NotifyClients, day: date, kinds: set[str]
) -> dict[str, Callable[[], Any]]:
    """The pages' own cached calls that the rules' kinds need, by name: a fixed number
    whatever the number of services (2 for daily limits; 2 more for allowances, as the
    Allowances page makes them; 5 more for failure rates, the window and 4 before it)."""
    services = clients.services
    calls: dict[str, Callable[[], Any]] = {
        "services": services.get_services,
        "today": lambda: services.get_services_detailed(day, day),
    }
    if "allowance" in kinds:
        year = financial_year_of(day)
        calls["allowances"] = partial(
            clients.platform.get_volumes_by_service, *allowance_probe(year)
        )
        calls["volumes"] = partial(clients.platform.get_volumes_by_service, *usage_range(year, day))
    if "failure-rate" in kinds:
        for number, (start, end) in enumerate(failure_windows(day)):
            calls[f"window-{number}"] = partial(services.get_services_detailed, start, end)
    return calls


def read_platform(
    clients: NotifyClients,
    day: date,
    dashboard_url: str,
    api_label: str,
    kinds: set[str] | None = None,
) -> AlertInputs:
    """What the rules need of the platform, through the cache; CheckFailed in one line when
    the API cannot be read."""
    outcomes = gather(platform_calls(clients, day, kinds or {"daily-limit"}))
    for outcome in outcomes.values():
        if outcome.error is not None:
            raise CheckFailed(
                "Cannot read the Notify API, so nothing was checked: "
                + describe_error(outcome.error, api_label)
            )
    volumes: list[ServiceVolumes] = []
    if "volumes" in outcomes:
        allowances = {row.service_id: row.free_allowance for row in outcomes["allowances"].value}
        volumes = [
            replace(row, free_allowance=allowances.get(row.service_id, row.free_allowance))
            for row in outcomes["volumes"].value
        ]
    windows = [
        {row.id: row.statistics for row in outcomes[name].value}
        for name in sorted(
            (name for name in outcomes if name.startswith("window-")),
            key=lambda n: int(n.split("-")[1]),
        )
    ]
    return AlertInputs(
        day=day,
        services=tuple(outcomes["services"].value),
        today={row.id: row.statistics for row in outcomes["today"].value},
        dashboard_url=dashboard_url,
        volumes=tuple(volumes),
        windows=tuple(windows),
    )


class Checker:
    """Evaluates the rules and sends what is new, exactly once across every checker."""

    def __init__(
        self,
        rules: tuple[Rule, ...],
        clients: NotifyClients,
        ledger: AlertLedger | None,
        sender: NotificationsSender,
        settings: AlertSettings,
        api_label: str,
        *,
        sleep: Callable[[float], None] = time.sleep,
        pause_after_claim: float = 0.0,
    ) -> None:
        self.rules = rules
        self.clients = clients
        self.ledger = ledger
        self.sender = sender
        self.settings = settings
        self.api_label = api_label
        self.owner = uuid.uuid4().hex
        self.sleep = sleep
        self.pause_after_claim = pause_after_claim

    def check(self, day: date, *, dry_run: bool = False) -> CheckReport:
        """One pass over every rule; CheckFailed when Redis or the API cannot be used."""
        ledger = self._ledger_or_fail(dry_run)
        kinds = {rule.kind for rule in self.rules}
        inputs = read_platform(
            self.clients, day, self.settings.dashboard_url, self.api_label, kinds
        )
        report = CheckReport()
        found = crossings(self.rules, inputs)
        report.crossings = len(found)
        mutes = self._mutes(ledger, day)
        audible = [
            (rule, crossing)
            for rule, crossing in found
            if (crossing.rule_id, crossing.service_id) not in mutes
        ]
        report.muted = len(found) - len(audible)
        for message in messages(audible):
            if dry_run:
                self._describe(message, ledger, report)
            else:
                assert ledger is not None
                self._deliver(message, ledger, report, day)
        if not report.lines:
            report.lines.append(f"{len(found)} warnings found, nothing new to send.")
        return report

    def _ledger_or_fail(self, dry_run: bool) -> AlertLedger | None:
        why = "Redis is off (REDIS_ENABLED or no server)"
        if self.ledger is not None:
            try:
                self.ledger.ping()
                return self.ledger
            except RedisError as error:
                why = f"Redis does not answer ({type(error.__cause__ or error).__name__})"
        if dry_run:
            return None
        raise CheckFailed(
            f"{why}: nothing was sent, since without it a warning could be sent twice."
        )

    @staticmethod
    def _mutes(ledger: AlertLedger | None, day: date) -> set[tuple[str, str]]:
        return set() if ledger is None else set(ledger.mutes(day))

    def _describe(self, message: Message, ledger: AlertLedger | None, report: CheckReport) -> None:
        """A dry run: what would be sent, leaving out what the ledger says was sent."""
        new = [
            crossing
            for crossing in message.crossings
            if ledger is None
            or (ledger.peek(crossing.warning_id, message.address) or {}).get("state") != "sent"
        ]
        report.already_sent += len(message.crossings) - len(new)
        if new:
            report.lines.append(
                f"Would send {message.channel} to {message.address}: "
                + "; ".join(f"{KIND_LABELS[c.kind]}: {c.line}" for c in new)
            )

    def _deliver(
        self, message: Message, ledger: AlertLedger, report: CheckReport, day: date
    ) -> None:
        """Claim the message's warnings, ask Notify about any a dead checker may have sent,
        then send the rest in one message whose reference is derived from what it covers."""
        where = f"{message.channel} to {message.address}"
        keep = {c.warning_id: record_seconds(c.kind) for c in message.crossings}
        claimed: list[tuple[Crossing, str]] = []
        lapsed: dict[tuple[str, ...], list[tuple[Crossing, str]]] = {}
        for crossing in message.crossings:
            claim = ledger.claim(
                crossing.warning_id,
                message.address,
                message.reference,
                self.owner,
                keep[crossing.warning_id],
            )
            if claim.outcome == "claimed":
                claimed.append((crossing, claim.key))
            elif claim.outcome == "lapsed" and claim.previous is not None:
                earlier = tuple(claim.previous.get("references", ()))
                lapsed.setdefault(earlier, []).append((crossing, claim.key))
            else:
                report.already_sent += 1
        for earlier, items in lapsed.items():
            try:
                accepted = self._find_any(earlier)
            except _Unknown as unknown:
                # The claims stay under this checker's lease; a later check asks again.
                self._failed(ledger, report, where, unknown, retried=True)
                continue
            if accepted is None:
                claimed.extend(items)
                continue
            found_id, found_reference = accepted
            ledger.mark_sent(
                {key: keep[c.warning_id] for c, key in items}, found_reference, found_id
            )
            report.recovered += len(items)
            report.lines.append(
                f"Already sent before a checker stopped: {len(items)} warnings to "
                f"{message.address} (notification {found_id})."
            )
        if not claimed:
            return
        order = {c.warning_id: n for n, c in enumerate(message.crossings)}
        claimed.sort(key=lambda item: order[item[0].warning_id])
        sending = replace(message, crossings=tuple(c for c, _ in claimed))
        keys = [key for _, key in claimed]
        if sending.reference != message.reference and not ledger.restamp(
            keys, self.owner, sending.reference
        ):
            report.lines.append(
                f"Not sent {where} in this check: another checker took over a claim."
            )
            return
        if self.pause_after_claim:
            self.sleep(self.pause_after_claim)
        template_id = self.settings.templates[message.channel]
        personalisation = sending.personalisation(self.settings.dashboard_url)
        try:
            sent = self._send(
                message.channel, message.address, template_id, personalisation, sending.reference
            )
        except _Refused as refused:
            ledger.release(keys, self.owner)
            self._failed(ledger, report, where, refused, retried=False)
            return
        except _GaveUp as gave_up:
            self._failed(ledger, report, where, gave_up, retried=True)
            return
        ledger.mark_sent(
            {key: keep[c.warning_id] for c, key in claimed}, sending.reference, sent.id
        )
        ledger.log_sent(
            financial_year_of(day),
            {
                "day": day.isoformat(),
                "kinds": sending.kinds,
                "channel": message.channel,
                "address": message.address,
                "notification_id": sent.id,
                "reference": sending.reference,
                "warnings": [
                    {
                        "rule_id": crossing.rule_id,
                        "kind": crossing.kind,
                        "service_id": crossing.service_id,
                        "service_name": crossing.service_name,
                        "channel": crossing.channel,
                        "summary": crossing.summary,
                    }
                    for crossing in sending.crossings
                ],
            },
        )
        report.messages_sent += 1
        report.warnings_sent += len(sending.crossings)
        report.lines.append(
            f"Sent {where}: {len(sending.crossings)} warnings (notification {sent.id})."
        )

    def _failed(
        self,
        ledger: AlertLedger,
        report: CheckReport,
        where: str,
        error: Exception,
        *,
        retried: bool,
    ) -> None:
        cause = error.__cause__ if error.__cause__ is not None else error
        status = cause.status_code if isinstance(cause, APIError) else None
        kind = error_kind(cause) if isinstance(cause, HTTPError) else type(cause).__name__
        text = error_text(cause) if isinstance(cause, HTTPError) else str(cause)
        after = "after retries; the next check tries again" if retried else "not retried"
        line = f"Not sent {where}: {status or ''} {kind} {text} ({after})."
        report.failures.append(line)
        report.lines.append(line)
        logger.warning(line)
        ledger.log_failure(
            {"what": where, "status": status, "error": kind, "message": text, "retried": retried}
        )

    def _send(
        self,
        channel: str,
        address: str,
        template_id: str,
        personalisation: dict[str, object],
        reference: str,
    ) -> SentNotification:
        """Send with retries: 5xx, no answer and RateLimitError 429 again after a pause
        (looking the reference up first after a 5xx); anything else refused at once."""
        attempts = max(1, self.settings.send_attempts)
        for attempt in range(attempts):
            try:
                return self.sender.send(channel, address, template_id, personalisation, reference)
            except InvalidResponse as error:
                failure: Exception = error
                unsure = True
            except HTTPError as error:
                rate_limited = (
                    error.status_code == 429 and error_kind(error) != "TooManyRequestsError"
                )
                if error.status_code < 500 and not rate_limited:
                    raise _Refused() from error
                failure, unsure = error, not rate_limited
            if attempt == attempts - 1:
                raise _GaveUp() from failure
            self.sleep(self.settings.backoff_seconds * 2**attempt)
            if unsure:
                try:
                    accepted = self._find_any((reference,))
                except _Unknown as unknown:
                    raise _GaveUp() from unknown.__cause__
                if accepted is not None:
                    return SentNotification(id=accepted[0], reference=reference)
        raise AssertionError("unreachable")

    def _find_any(self, references: tuple[str, ...]) -> tuple[str, str] | None:
        """The id and reference of a notification the API accepted with any of these
        references, or None; _Unknown when the API cannot be asked."""
        for reference in references:
            try:
                found = self.sender.find_by_reference(reference)
            except (HTTPError, InvalidResponse, ValueError) as error:
                raise _Unknown() from error
            if found:
                return found[0].id, reference
        return None
