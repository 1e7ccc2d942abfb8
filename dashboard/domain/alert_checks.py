"""What each alert rule finds, and the messages that tell each recipient about it.

Pure: the checker reads the platform (the same cached calls as the pages) and hands the
answers here. Each kind of rule is one small evaluator from `AlertInputs` to `Crossing`s;
a crossing names its period (the day for a daily limit), so that the checker can send it at
most once per rule, service, channel, recipient and period.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TYPE_CHECKING

from dashboard.domain.alert_rules import Rule
from dashboard.domain.daily_limits import daily_limit_usage
from dashboard.domain.financial_year import financial_year_of
from dashboard.domain.forecast import forecast_from_total
from dashboard.domain.links import service_page_link
from dashboard.domain.sectors import normalise_organisation_type
from dashboard.domain.statistics import CHANNEL_LABELS, CHANNELS
from dashboard.domain.unusual_failures import (
    MAX_EARLIER_WINDOWS,
    WindowCounts,
    judge_failure_rate,
)

if TYPE_CHECKING:
    from dashboard.notify_client.schemas.platform import ServiceVolumes
    from dashboard.notify_client.schemas.services import Service, Statistics

#: The failure-rate rule's window: today and the 7 days before (the pages' default window).
FAILURE_WINDOW_DAYS = 7


def failure_windows(day: date) -> list[tuple[date, date]]:
    """The window the failure-rate rule judges, then the earlier windows of the same length
    it compares with, nearest first (as the Service page's comparison reads them)."""
    length = FAILURE_WINDOW_DAYS + 1
    start = day - timedelta(days=FAILURE_WINDOW_DAYS)
    return [
        (start - timedelta(days=length * n), day - timedelta(days=length * n))
        for n in range(MAX_EARLIER_WINDOWS + 1)
    ]


@dataclass(frozen=True)
class AlertInputs:
    """What one check read of the platform: every service and today's counts by service id;
    for an allowance rule, the year's volumes of every live service; for a failure-rate rule,
    each service's counts in the window and the earlier windows (`failure_windows`)."""

    day: date
    services: tuple[Service, ...]
    today: Mapping[str, Statistics]
    dashboard_url: str
    volumes: Sequence[ServiceVolumes] = ()
    windows: Sequence[Mapping[str, Statistics]] = field(default_factory=tuple)


@dataclass(frozen=True)
class Crossing:
    """One thing a rule found: a service's channel at or past the rule's threshold."""

    rule_id: str
    kind: str
    period: str
    service_id: str
    service_name: str
    channel: str
    summary: str
    link: str

    @property
    def warning_id(self) -> str:
        """What is sent at most once per recipient: rule, service, channel and period."""
        return f"{self.rule_id}/{self.service_id}/{self.channel}/{self.period}"

    @property
    def line(self) -> str:
        """The crossing as one line of a message."""
        return f"{self.service_name}: {self.summary} {self.link}"


#: How each kind of rule is named in a message's list.
KIND_LABELS = {
    "daily-limit": "Daily limit",
    "allowance": "Free allowance",
    "failure-rate": "Failure rate",
}
#: What starts every alert's `reference`.
REFERENCE_PREFIX = "dashboard-alert-"


def message_reference(address: str, warning_ids: Iterable[str]) -> str:
    """The `reference` of the message telling `address` about these warnings: the same for the
    same recipient and warnings (so a retry, or a checker after a crash, finds the first send
    with `GET /v2/notifications?reference=`), and different for any other set. A hash, so no
    address or service is sent in it: 48 characters."""
    covered = "\n".join([address.strip().lower(), *sorted(set(warning_ids))])
    return REFERENCE_PREFIX + hashlib.sha256(covered.encode()).hexdigest()[:32]


@dataclass(frozen=True)
class Message:
    """One message to one recipient: every crossing of every kind of rule newly found for
    them in this check."""

    channel: str
    address: str
    crossings: tuple[Crossing, ...]

    @property
    def kinds(self) -> list[str]:
        """The kinds of rule the message covers, in the rules' order."""
        return list(dict.fromkeys(crossing.kind for crossing in self.crossings))

    @property
    def reference(self) -> str:
        """Its `reference`, from the recipient and the warnings it covers."""
        return message_reference(self.address, (c.warning_id for c in self.crossings))

    def personalisation(self, dashboard_url: str) -> dict[str, object]:
        """The template's fields: how many, one line each naming its kind, where to look. A
        text message names the services only, as many as fit in `SMS_LIST_CHARACTERS` (Notify
        refuses a text longer than 918 characters), then how many more there are."""
        if self.channel == "email":
            lines = [f"{KIND_LABELS[c.kind]}: {c.line}" for c in self.crossings]
        else:
            lines = _short_list(
                [
                    f"{c.service_name} ({c.channel}, {KIND_LABELS[c.kind].lower()})"
                    for c in self.crossings
                ]
            )
        return {"count": len(self.crossings), "warnings": lines, "dashboard_link": dashboard_url}


#: How much of a text message the list of warnings may take.
SMS_LIST_CHARACTERS = 600


def _short_list(items: list[str]) -> list[str]:
    kept: list[str] = []
    used = 0
    for number, item in enumerate(items):
        item = item if len(item) <= 80 else item[:79] + "…"
        if used + len(item) + 2 > SMS_LIST_CHARACTERS:
            kept.append(f"and {len(items) - number} more")
            break
        kept.append(item)
        used += len(item) + 2
    return kept


def watches(rule: Rule, service: Service) -> bool:
    """Whether a rule's services include this one."""
    chosen = rule.services
    if chosen.everything:
        return True
    if chosen.sector is not None:
        return normalise_organisation_type(service.organisation_type) == chosen.sector
    if chosen.organisation is not None:
        return (service.organisation or "").lower() == chosen.organisation
    return service.id.lower() in chosen.ids


def _link(dashboard_url: str, service: Service) -> str:
    """The Service page of the dashboard, without the fragment that carries the name."""
    page = service_page_link(service.id, 7, service.name).partition("#")[0]
    return f"{dashboard_url.rstrip('/')}/{page}"


def daily_limit_crossings(rule: Rule, inputs: AlertInputs) -> list[Crossing]:
    """Each watched service's channels at or over `percent` of their daily limit today.

    A live service that has sent nothing is never at 0 % of a limit of 0; a limit of 0 with
    something sent is over it (the domain's infinite fraction).
    """
    found = []
    for service in inputs.services:
        counts = inputs.today.get(service.id)
        if counts is None or not service.active or not watches(rule, service):
            continue
        for usage in daily_limit_usage(service, counts):
            if usage.used == 0 or usage.fraction * 100 < rule.percent:
                continue
            share = f"{usage.fraction:.0%}" if usage.limit else "a limit of 0"
            found.append(
                Crossing(
                    rule_id=rule.rule_id,
                    kind=rule.kind,
                    period=inputs.day.isoformat(),
                    service_id=service.id,
                    service_name=service.name,
                    channel=usage.channel,
                    summary=(
                        f"{usage.label.lower()} {usage.used:,} of the daily limit of "
                        f"{usage.limit:,} today ({share}; warns at {rule.percent:g} %)."
                    ),
                    link=_link(inputs.dashboard_url, service),
                )
            )
    return found


def allowance_crossings(rule: Rule, inputs: AlertInputs) -> list[Crossing]:
    """Each watched live service that has used `percent` of its free text allowance this
    financial year, or is forecast to by the year's end (the finance forecast, from the year's
    total so far); once each per year. A service with no allowance is left out."""
    year = financial_year_of(inputs.day)
    by_id = {service.id: service for service in inputs.services}
    found = []
    for row in inputs.volumes:
        service = by_id.get(row.service_id)
        if service is None or row.free_allowance <= 0 or not watches(rule, service):
            continue
        event = _allowance_event(row, rule.percent, year, inputs.day)
        events = [] if event is None else [event]
        for channel, summary in events:
            found.append(
                Crossing(
                    rule_id=rule.rule_id,
                    kind=rule.kind,
                    period=f"FY{year}",
                    service_id=service.id,
                    service_name=service.name,
                    channel=channel,
                    summary=summary,
                    link=_link(inputs.dashboard_url, service),
                )
            )
    return found


def _allowance_event(
    row: ServiceVolumes, percent: float, year: int, day: date
) -> tuple[str, str] | None:
    """("used" or "forecast", the words) when a service is at `percent` of its allowance, or
    forecast to be by 31 March; the forecast is made only for services not already there."""
    used, allowance = row.sms_chargeable_units, row.free_allowance
    threshold = allowance * percent / 100
    share = f"{used / allowance:.0%}; warns at {percent:g} %"
    if used >= threshold:
        return (
            "used",
            f"has used {used:,} of its {allowance:,} free text fragments this year ({share}).",
        )
    if used == 0:
        return None
    fragments = forecast_from_total(used, allowance, year, day).fragments
    if fragments.expected < threshold:
        return None
    return (
        "forecast",
        f"is forecast to send {fragments.expected:,} text fragments by 31 March (80 % range "
        f"{fragments.low:,} to {fragments.high:,}), against a free allowance of "
        f"{allowance:,}; used so far {used:,} ({share}).",
    )


def failure_rate_crossings(rule: Rule, inputs: AlertInputs) -> list[Crossing]:
    """Each watched service's channels whose failure rate over the window is unusual for it
    (the analysts' rule, `unusual_failures`) and at least `percent`; once a day."""
    if not inputs.windows:
        return []
    current, *earlier = inputs.windows
    nothing = WindowCounts(0, 0)
    found = []
    for service in inputs.services:
        counts = current.get(service.id)
        if counts is None or not watches(rule, service):
            continue
        for channel in CHANNELS:
            now = getattr(counts, channel)
            before = [
                WindowCounts(
                    getattr(w[service.id], channel).requested,
                    getattr(w[service.id], channel).failed,
                )
                if service.id in w
                else nothing
                for w in earlier
            ]
            verdict = judge_failure_rate(WindowCounts(now.requested, now.failed), before)
            if not verdict.unusual or verdict.rate * 100 < rule.percent:
                continue
            found.append(
                Crossing(
                    rule_id=rule.rule_id,
                    kind=rule.kind,
                    period=inputs.day.isoformat(),
                    service_id=service.id,
                    service_name=service.name,
                    channel=channel,
                    summary=(
                        f"{CHANNEL_LABELS[channel].lower()} failure rate {verdict.rate:.1%} "
                        f"({now.failed:,} of {now.requested:,}) over the last "
                        f"{FAILURE_WINDOW_DAYS + 1} days, unusual for it: {verdict.reason}"
                    ),
                    link=_link(inputs.dashboard_url, service),
                )
            )
    return found


#: One evaluator per kind of rule.
EVALUATORS: dict[str, Callable[[Rule, AlertInputs], list[Crossing]]] = {
    "daily-limit": daily_limit_crossings,
    "allowance": allowance_crossings,
    "failure-rate": failure_rate_crossings,
}


def crossings(rules: tuple[Rule, ...], inputs: AlertInputs) -> list[tuple[Rule, Crossing]]:
    """Every rule's crossings, in the rules' order and then by service name."""
    found: list[tuple[Rule, Crossing]] = []
    for rule in rules:
        evaluated = EVALUATORS[rule.kind](rule, inputs)
        found.extend((rule, crossing) for crossing in sorted(evaluated, key=_order))
    return found


def _order(crossing: Crossing) -> tuple[str, str, str]:
    return (crossing.service_name.lower(), crossing.service_id, crossing.channel)


def messages(
    new: list[tuple[Rule, Crossing]], is_new: Callable[[Crossing, str], bool] | None = None
) -> list[Message]:
    """One message per recipient (address and channel), listing everything of every kind that
    crossed for them; `is_new(crossing, address)` leaves out what a recipient was already told."""
    grouped: dict[tuple[str, str], list[Crossing]] = {}
    for rule, crossing in new:
        for channel, address in rule.recipients:
            if is_new is not None and not is_new(crossing, address):
                continue
            bucket = grouped.setdefault((channel, address), [])
            if all(crossing.warning_id != known.warning_id for known in bucket):
                bucket.append(crossing)
    return [
        Message(channel, address, tuple(found)) for (channel, address), found in grouped.items()
    ]
