"""Usage and cost for a financial year, as the billing endpoints report them.

The free SMS allowance is used up in date order from April; what is left over is charged at
the rate in force that month (rates change only on the 1st of a month, so one month has one
rate). Emails cost nothing; letters cost a per-letter rate by postage and are never free.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from notify_sandbox.facts import letter_rate_on, sms_rate_on


@dataclass(frozen=True)
class DayUsage:
    """One stored day of one channel, as billing sees it."""

    day: date
    channel: str
    notifications_sent: int
    fragments: int


@dataclass(frozen=True)
class UsageLine:
    """One month, channel, rate and postage of usage, with its share of the free allowance."""

    month: date
    notification_type: str
    rate: float
    postage: str
    notifications_sent: int
    chargeable_units: int
    free_allowance_used: int
    charged_units: int

    @property
    def cost(self) -> float:
        """Charged units times the rate, in pounds."""
        return round(self.charged_units * self.rate, 4)


def usage_lines(
    days: Iterable[DayUsage], free_allowance: int, letter_postage: str
) -> list[UsageLine]:
    """Monthly lines for a year's days, applying the free allowance to SMS in month order."""
    totals: dict[tuple[date, str], list[int]] = {}
    for usage in days:
        key = (usage.day.replace(day=1), usage.channel)
        sent, fragments = totals.get(key, [0, 0])
        totals[key] = [sent + usage.notifications_sent, fragments + usage.fragments]
    lines = []
    remaining = free_allowance
    for (month, channel), (sent, fragments) in sorted(totals.items()):
        if channel == "sms":
            free = min(remaining, fragments)
            remaining -= free
            lines.append(
                UsageLine(
                    month,
                    "sms",
                    sms_rate_on(month),
                    "none",
                    sent,
                    fragments,
                    free,
                    fragments - free,
                )
            )
        elif channel == "letter":
            lines.append(
                UsageLine(
                    month,
                    "letter",
                    letter_rate_on(month, letter_postage),
                    letter_postage,
                    sent,
                    sent,
                    0,
                    sent,
                )
            )
        else:
            lines.append(UsageLine(month, "email", 0.0, "none", sent, sent, 0, sent))
    return lines


def monthly_usage(lines: Iterable[UsageLine]) -> list[dict]:
    """The monthly-usage body: SMS and letter lines (the API leaves emails out)."""
    ordered = sorted(lines, key=lambda line: (line.month, line.notification_type, line.rate))
    return [
        {
            "month": line.month.strftime("%B"),
            "notification_type": line.notification_type,
            "chargeable_units": line.chargeable_units,
            "notifications_sent": line.notifications_sent,
            "rate": line.rate,
            "cost": line.cost,
            "free_allowance_used": line.free_allowance_used,
            "charged_units": line.charged_units,
            "postage": line.postage,
        }
        for line in ordered
        if line.notification_type != "email"
    ]


def yearly_usage(lines: Iterable[UsageLine]) -> list[dict]:
    """The yearly-usage-summary body: one row per channel and rate, emails included."""
    groups: dict[tuple[str, float], list[int]] = {}
    for line in lines:
        key = (line.notification_type, line.rate)
        total = groups.get(key, [0, 0, 0, 0])
        groups[key] = [
            total[0] + line.chargeable_units,
            total[1] + line.notifications_sent,
            total[2] + line.free_allowance_used,
            total[3] + line.charged_units,
        ]
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
        for (channel, rate), (chargeable, sent, free, charged) in sorted(groups.items())
    ]
