"""Usage and cost as the billing endpoints report them, for one service or for every service.

Billing reads what a service sent over stretches of days, each inside one month (rates change
only on the 1st of a month, so a stretch has one rate). The free SMS allowance is used up in
date order from April; what is left over is charged at the rate of its day. Emails cost
nothing; letters cost a per-letter rate by postage and are never free.

monthly-usage, yearly-usage-summary, volumes-by-service and data-for-billing-report are all
made from `usage_lines`, so their numbers can only agree.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date

from notify_sandbox.facts import letter_rate_on, sms_rate_on

#: The API lists letters by postage in this order, international last.
_POSTAGE_ORDER = ("economy", "second", "first")


@dataclass(frozen=True)
class Usage:
    """What one service sent on one channel over a stretch of days inside one month."""

    first_day: date
    channel: str
    notifications_sent: int
    fragments: int
    sheets: int = 0


@dataclass(frozen=True)
class UsageLine:
    """One stretch and channel at its rate and postage, with its share of the free allowance."""

    first_day: date
    notification_type: str
    rate: float
    postage: str
    notifications_sent: int
    chargeable_units: int
    free_allowance_used: int
    charged_units: int
    sheets: int = 0

    @property
    def month(self) -> date:
        """The first of the line's month."""
        return self.first_day.replace(day=1)

    @property
    def cost(self) -> float:
        """Charged units times the rate, in pounds."""
        return round(self.charged_units * self.rate, 4)


def usage_lines(
    usages: Iterable[Usage], free_allowance: int, letter_postage: str
) -> list[UsageLine]:
    """Lines in date order, the free allowance going to the earliest SMS first."""
    lines = []
    remaining = free_allowance
    for usage in sorted(usages, key=lambda usage: (usage.first_day, usage.channel)):
        sent = usage.notifications_sent
        if usage.channel == "sms":
            free = min(remaining, usage.fragments)
            remaining -= free
            rate = sms_rate_on(usage.first_day)
            line = UsageLine(
                usage.first_day,
                "sms",
                rate,
                "none",
                sent,
                usage.fragments,
                free,
                usage.fragments - free,
            )
        elif usage.channel == "letter":
            rate = letter_rate_on(usage.first_day, letter_postage)
            line = UsageLine(
                usage.first_day, "letter", rate, letter_postage, sent, sent, 0, sent, usage.sheets
            )
        else:
            line = UsageLine(usage.first_day, "email", 0.0, "none", sent, sent, 0, sent)
        lines.append(line)
    return lines


def _summed(
    lines: Iterable[UsageLine], key: Callable[[UsageLine], tuple]
) -> dict[tuple, tuple[int, int, int, int]]:
    """Sent, chargeable, free allowance used and charged units, summed by `key`."""
    groups: dict[tuple, tuple[int, int, int, int]] = {}
    for line in lines:
        sent, chargeable, free, charged = groups.get(key(line), (0, 0, 0, 0))
        groups[key(line)] = (
            sent + line.notifications_sent,
            chargeable + line.chargeable_units,
            free + line.free_allowance_used,
            charged + line.charged_units,
        )
    return groups


def monthly_usage(lines: Iterable[UsageLine]) -> list[dict]:
    """The monthly-usage body: SMS and letters by month and rate (the API leaves emails out)."""
    groups = _summed(
        (line for line in lines if line.notification_type != "email"),
        lambda line: (line.month, line.notification_type, line.rate, line.postage),
    )
    return [
        {
            "month": month.strftime("%B"),
            "notification_type": channel,
            "chargeable_units": chargeable,
            "notifications_sent": sent,
            "rate": rate,
            "cost": round(charged * rate, 4),
            "free_allowance_used": free,
            "charged_units": charged,
            "postage": postage,
        }
        for (month, channel, rate, postage), (sent, chargeable, free, charged) in sorted(
            groups.items()
        )
    ]


def yearly_usage(lines: Iterable[UsageLine]) -> list[dict]:
    """The yearly-usage-summary body: one row per channel and rate, emails included."""
    groups = _summed(lines, lambda line: (line.notification_type, line.rate))
    return [
        {
            "notification_type": channel,
            "chargeable_units": chargeable,
            "notifications_sent": sent,
            "rate": rate,
            "cost": round(charged * rate, 4),
            "free_allowance_used": free,
            "charged_units": charged,
        }
        for (channel, rate), (sent, chargeable, free, charged) in sorted(groups.items())
    ]


@dataclass(frozen=True)
class Volumes:
    """A service's totals over a date range, as volumes-by-service gives them."""

    sms_notifications: int
    sms_chargeable_units: int
    email_totals: int
    letter_totals: int
    letter_sheet_totals: int
    letter_cost: float


def volumes(lines: Iterable[UsageLine]) -> Volumes:
    """Totals of a range's lines: SMS fragments before any allowance, letters with their cost."""
    by_type: dict[str, list[UsageLine]] = {"sms": [], "email": [], "letter": []}
    for line in lines:
        by_type[line.notification_type].append(line)
    sms, letters = by_type["sms"], by_type["letter"]
    return Volumes(
        sms_notifications=sum(line.notifications_sent for line in sms),
        sms_chargeable_units=sum(line.chargeable_units for line in sms),
        email_totals=sum(line.notifications_sent for line in by_type["email"]),
        letter_totals=sum(line.notifications_sent for line in letters),
        letter_sheet_totals=sum(line.sheets for line in letters),
        letter_cost=round(sum(line.cost for line in letters), 4),
    )


@dataclass(frozen=True)
class Charges:
    """What a service is charged over a date range, as data-for-billing-report gives it."""

    sms_chargeable_units: int
    sms_cost: float
    total_letters: int
    letter_cost: float
    letter_breakdown: str

    @property
    def billed(self) -> bool:
        """Whether the report lists the service: an SMS cost above zero, or letters."""
        return self.sms_cost > 0 or self.total_letters > 0


def charges(lines: Iterable[UsageLine], first_day: date) -> Charges:
    """The charges of the lines from `first_day` on; earlier lines only used up allowance."""
    in_range = [line for line in lines if line.first_day >= first_day]
    sms = [line for line in in_range if line.notification_type == "sms"]
    letters = [line for line in in_range if line.notification_type == "letter"]
    return Charges(
        sms_chargeable_units=sum(line.charged_units for line in sms),
        sms_cost=round(sum(line.cost for line in sms), 4),
        total_letters=sum(line.notifications_sent for line in letters),
        letter_cost=round(sum(line.cost for line in letters), 4),
        letter_breakdown=letter_breakdown(letters),
    )


def letter_breakdown(letters: Iterable[UsageLine]) -> str:
    """ "12 second class letters at 72p" lines, by postage then rate, each ending in a newline."""
    counts: dict[tuple[int, str, float], int] = {}
    for line in letters:
        postage = _postage_description(line.postage)
        order = _POSTAGE_ORDER.index(line.postage) if line.postage in _POSTAGE_ORDER else 3
        key = (order, postage, line.rate)
        counts[key] = counts.get(key, 0) + line.notifications_sent
    return "".join(
        f"{sent} {postage} letters at {_letter_rate_text(rate)}\n"
        for (_, postage, rate), sent in sorted(counts.items())
    )


def _postage_description(postage: str) -> str:
    """ "second class" for UK postage; anything else is "international"."""
    return f"{postage} class" if postage in _POSTAGE_ORDER else "international"


def _letter_rate_text(rate: float) -> str:
    """A rate in pence below £1 ("72p"), in pounds from £1 ("£1.39")."""
    return f"£{rate:,.2f}" if rate >= 1 else f"{rate * 100:.0f}p"
