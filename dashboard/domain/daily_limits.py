"""How close a service is to its daily message limits today.

Today's API has a limit per channel (``email_message_limit``, ``sms_message_limit``,
``letter_message_limit``); the 2018 API had one ``message_limit`` across all channels. The
admin compares them with today's ``requested`` counts (``today_only=True`` statistics).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, cast

from dashboard.domain.statistics import CHANNEL_LABELS, CHANNELS

if TYPE_CHECKING:
    from dashboard.notify_client.schemas.services import ChannelCounts, Service, Statistics

#: The key and label used for the 2018 API's single limit over all channels.
ALL_CHANNELS = "all"
ALL_CHANNELS_LABEL = "All messages"

WARNING_FRACTION = 0.8

_LEVEL_ORDER = ("ok", "warning", "error")
_LIMIT_FIELDS = {channel: f"{channel}_message_limit" for channel in CHANNELS}


@dataclass(frozen=True)
class LimitUsage:
    """Today's use of one daily limit.

    ``fraction`` is used / limit (above 1 when over; infinite when something was sent
    against a limit of 0). ``level`` is "ok" below 0.8, "warning" from 0.8 and "error" from 1.
    """

    channel: str
    label: str
    limit: int
    used: int
    remaining: int
    fraction: float
    level: str


def daily_limits(service: Service) -> dict[str, int]:
    """The service's daily limits: per channel (today's API) or ``{"all": …}`` (2018 API)."""
    if service.has_one_daily_limit:
        # The schema refuses a 2018 service without its message_limit.
        return {ALL_CHANNELS: cast(int, service.message_limit)}
    return {channel: getattr(service, field) for channel, field in _LIMIT_FIELDS.items()}


def _level(fraction: float) -> str:
    if fraction >= 1:
        return "error"
    if fraction >= WARNING_FRACTION:
        return "warning"
    return "ok"


def limit_usage(channel: str, label: str, limit: int, used: int) -> LimitUsage:
    """One limit's usage, with the fraction and level the pages colour it by."""
    if limit > 0:
        fraction = used / limit
    elif used > 0:
        fraction = math.inf
    else:
        fraction = 0.0
    return LimitUsage(
        channel=channel,
        label=label,
        limit=limit,
        used=used,
        remaining=max(0, limit - used),
        fraction=fraction,
        level=_level(fraction),
    )


def _requested(today_statistics: Statistics, channel: str) -> int:
    counts: ChannelCounts = getattr(today_statistics, channel)
    return counts.requested


def daily_limit_usage(service: Service, today_statistics: Statistics) -> list[LimitUsage]:
    """Today's use of each daily limit, as the admin decides whether a send would go over.

    ``today_statistics`` are the counts of ``statistics?today_only=True``. Per-channel
    limits count that channel's ``requested``; the single 2018 limit counts all channels'.
    Per-channel usages come in the order email, sms, letter.
    """
    limits = daily_limits(service)
    if ALL_CHANNELS in limits:
        used = sum(_requested(today_statistics, channel) for channel in CHANNELS)
        return [limit_usage(ALL_CHANNELS, ALL_CHANNELS_LABEL, limits[ALL_CHANNELS], used)]
    return [
        limit_usage(
            channel, CHANNEL_LABELS[channel], limits[channel], _requested(today_statistics, channel)
        )
        for channel in CHANNELS
    ]


def worst_level(usages: list[LimitUsage]) -> str:
    """The most serious level among the usages ("ok" when there are none), for one badge."""
    return max((usage.level for usage in usages), key=_LEVEL_ORDER.index, default="ok")


def highest_fraction(usages: list[LimitUsage]) -> float:
    """The largest fraction of any limit used today (0.0 when none), to sort services by."""
    return max((usage.fraction for usage in usages), default=0.0)


def trial_notice(service: Service) -> str:
    """What a service in trial mode may send, in the admin's trial-mode terms: only to its own
    team, 50 emails and 50 text messages a day (or 2018's one limit), no letters at all, and
    no text messages from a GP surgery."""
    limits = daily_limits(service)
    if ALL_CHANNELS in limits:
        allowed = f"up to {limits[ALL_CHANNELS]:,} emails and text messages a day, all together"
        barred = "letters"
    elif service.organisation_type == "nhs_gp":
        allowed = f"up to {limits['email']:,} {CHANNEL_LABELS['email'].lower()} a day"
        barred = "text messages (GP surgeries cannot send them in trial mode) or letters"
    else:
        email, sms = (
            f"{limits[channel]:,} {CHANNEL_LABELS[channel].lower()}" for channel in ("email", "sms")
        )
        allowed = f"up to {email} and {sms} a day"
        barred = "letters"
    return (
        f"This service is in trial mode: it can send messages only to its own team, {allowed}, "
        f"and no {barred}."
    )


def limit_text(usage: LimitUsage) -> str:
    """The words on a limit's bar: used of the limit, the share, and what is left today."""
    share = f"{usage.fraction:.1%}" if usage.limit > 0 else "no sending allowed"
    return (
        f"{usage.label}: {usage.used:,} of {usage.limit:,} ({share}) · "
        f"{usage.remaining:,} left today"
    )


def limit_warning(usage: LimitUsage) -> str | None:
    """A sentence for a limit at 80 % or more (None below), to show at the bar's level."""
    if usage.level == "error":
        return f"The daily limit for {usage.label.lower()} has been reached."
    if usage.level == "warning":
        return f"Close to the daily limit for {usage.label.lower()}."
    return None


#: Each level in words, for a table's state column: a row's colour alone would not say it, and
#: colouring every row costs a page more than the table itself.
LEVEL_WORDS = {"ok": "Under 80%", "warning": "80% or more", "error": "At or over"}
