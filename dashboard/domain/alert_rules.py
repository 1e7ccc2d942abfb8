"""The alert rules of `alerts.toml`, read and checked before anything is evaluated.

A rule names its kind, its threshold, who receives it and which services it watches:

    [[rules]]
    kind = "daily-limit"
    percent = 80
    email = ["operations@example.gov.uk"]
    phone = ["07700 900123"]
    services = "all"            # or ["<service id>", ...], { sector = "local" },
                                # or { organisation = "<organisation id>" }

A file that breaks a rule is refused whole, with the line it breaks it on, so a scheduler
reports the mistake rather than a checker that warns nobody.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable
from dataclasses import dataclass

from dashboard.domain.sectors import ORGANISATION_TYPES

#: Kinds the checker can evaluate. `percent` is the share of the daily limit, the share of the
#: free allowance (used, or forecast by the year's end), or the lowest failure rate worth a
#: warning when the rate is also unusual for the service (optional there: 0 by default).
KINDS: tuple[str, ...] = ("daily-limit", "allowance", "failure-rate")
PERCENT_OPTIONAL = frozenset({"failure-rate"})
RULE_KEYS = frozenset({"kind", "percent", "email", "phone", "services"})
ALL_SERVICES = "all"

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_PHONE = re.compile(r"^\+?[0-9][0-9 ()\-]{6,20}$")
_UUID = re.compile(r"^[0-9a-f]{8}-([0-9a-f]{4}-){3}[0-9a-f]{12}$")
_HEADER = re.compile(r"^\s*\[\[\s*rules\s*\]\]\s*(#.*)?$")


class AlertRulesError(ValueError):
    """A rules file that cannot be used, with the line that says why."""


#: Makes the error for a key of a rule (None: the rule's header line) and a message.
Fail = Callable[[str | None, str], AlertRulesError]


@dataclass(frozen=True)
class ServiceSelection:
    """Which services a rule watches: all, one sector, one organisation, or listed ids."""

    everything: bool = False
    sector: str | None = None
    organisation: str | None = None
    ids: tuple[str, ...] = ()

    def describe(self) -> str:
        """The selection in words, for the Alerts page."""
        if self.everything:
            return "All services"
        if self.sector is not None:
            return f"Sector: {self.sector}"
        if self.organisation is not None:
            return f"Organisation: {self.organisation}"
        return f"{len(self.ids)} listed services"


@dataclass(frozen=True)
class Rule:
    """One rule as written, with the line of its `[[rules]]` header."""

    kind: str
    percent: float
    email: tuple[str, ...]
    phone: tuple[str, ...]
    services: ServiceSelection
    line: int

    @property
    def rule_id(self) -> str:
        """A name that stays the same while the rule does (not its place in the file), so
        editing other rules never sends a warning again: "daily-limit-80"."""
        return f"{self.kind}-{self.percent:g}"

    @property
    def recipients(self) -> tuple[tuple[str, str], ...]:
        """(channel, address) for each recipient: emails, then phone numbers."""
        return tuple(("email", address) for address in self.email) + tuple(
            ("sms", number) for number in self.phone
        )


def parse_rules(text: str, source: str = "alerts.toml") -> tuple[Rule, ...]:
    """Every rule of a rules file's text; AlertRulesError naming the line of the first
    mistake."""
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise AlertRulesError(f"{source}: not valid TOML: {error}") from None
    lines = text.splitlines()
    unknown = sorted(set(document) - {"rules"})
    if unknown:
        line = _line_of(lines, 0, len(lines), unknown[0])
        raise AlertRulesError(f"{source} line {line}: unknown setting {unknown[0]!r}")
    rules = document.get("rules", [])
    if not isinstance(rules, list) or not rules:
        raise AlertRulesError(f"{source}: no [[rules]] found; add at least one")
    headers = [number for number, line in enumerate(lines, start=1) if _HEADER.match(line)]
    parsed = []
    for index, table in enumerate(rules):
        start = headers[index] if index < len(headers) else 1
        end = headers[index + 1] if index + 1 < len(headers) else len(lines) + 1
        if not isinstance(table, dict):
            raise AlertRulesError(f"{source} line {start}: a rule must be a [[rules]] table")
        parsed.append(_rule(table, start, _failing(source, lines, start, end)))
    return tuple(parsed)


def _failing(source: str, lines: list[str], start: int, end: int) -> Fail:
    """The error maker for the rule written between two lines."""

    def fail(key: str | None, message: str) -> AlertRulesError:
        line = start if key is None else _line_of(lines, start, end, key)
        return AlertRulesError(f"{source} line {line}: {message}")

    return fail


def _line_of(lines: list[str], start: int, end: int, key: str) -> int:
    """The line that sets `key` between two lines (the block's header when none does)."""
    pattern = re.compile(rf"^\s*[\"']?{re.escape(key)}[\"']?\s*=")
    for number in range(max(start, 1), end):
        if pattern.match(lines[number - 1]):
            return number
    return start


def _rule(table: dict[str, object], header: int, fail: Fail) -> Rule:
    """One rule, checked key by key."""
    unknown = sorted(set(table) - RULE_KEYS)
    if unknown:
        known = ", ".join(sorted(RULE_KEYS))
        raise fail(unknown[0], f"unknown key {unknown[0]!r}; a rule has {known}")
    kind = table.get("kind")
    if kind not in KINDS:
        where = "kind" if "kind" in table else None
        raise fail(where, f"kind must be one of {', '.join(KINDS)}, not {kind!r}")
    percent = table.get("percent", 0 if kind in PERCENT_OPTIONAL else None)
    lowest = 0 if kind in PERCENT_OPTIONAL else 0.0001
    if (
        isinstance(percent, bool)
        or not isinstance(percent, int | float)
        or not lowest <= percent <= 1000
    ):
        where = "percent" if "percent" in table else None
        above = "0 or more" if kind in PERCENT_OPTIONAL else "above 0"
        raise fail(where, f"percent must be a number {above} (up to 1000), not {percent!r}")
    email = _addresses(table, "email", _EMAIL, "an email address", fail)
    phone = _addresses(table, "phone", _PHONE, "a phone number", fail)
    if not email and not phone:
        raise fail(None, "a rule needs someone to tell: email = [...] or phone = [...]")
    return Rule(kind, float(percent), email, phone, _services(table, fail), header)


def _addresses(
    table: dict[str, object], key: str, pattern: re.Pattern[str], what: str, fail: Fail
) -> tuple[str, ...]:
    value = table.get(key, [])
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise fail(key, f"{key} must be a list of strings")
    for item in value:
        if not pattern.match(item.strip()):
            raise fail(key, f"{item!r} is not {what}")
    return tuple(dict.fromkeys(item.strip() for item in value))


def _services(table: dict[str, object], fail: Fail) -> ServiceSelection:
    value = table.get("services")
    if value == ALL_SERVICES:
        return ServiceSelection(everything=True)
    if isinstance(value, list) and value and all(isinstance(item, str) for item in value):
        ids = tuple(item.strip().lower() for item in value)
        bad = [item for item in ids if not _UUID.match(item)]
        if bad:
            raise fail("services", f"{bad[0]!r} is not a service id")
        return ServiceSelection(ids=ids)
    if isinstance(value, dict) and len(value) == 1:
        ((key, chosen),) = value.items()
        if key == "sector" and chosen in ORGANISATION_TYPES:
            return ServiceSelection(sector=chosen)
        if key == "sector":
            sectors = ", ".join(ORGANISATION_TYPES)
            raise fail("services", f"sector must be one of {sectors}, not {chosen!r}")
        if key == "organisation" and isinstance(chosen, str) and _UUID.match(chosen.lower()):
            return ServiceSelection(organisation=chosen.lower())
    raise fail(
        "services" if "services" in table else None,
        'services must be "all", a list of service ids, { sector = "..." } or '
        '{ organisation = "<organisation id>" }',
    )
