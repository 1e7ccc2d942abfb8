"""Years of billing history before the daily counts begin: one row per service, month and channel.

The daily counts (`volumes.py`) cover the last `DAYS_KEPT` days. Finance reads whole financial
years and forecasts a year's end from its months, so the sandbox keeps `HISTORY_YEARS` more
financial years as monthly billable totals, as the API's `ft_billing` would hold them summed by
month. They have what a forecast must cope with:

- **growth**: each service's level grows year on year (about 20 % a year, differing by
  service), so going back from the daily counts' first day it shrinks;
- **seasonality**: a shared calendar (quieter August and December, busier January to March)
  that each service follows more or less strongly;
- **noise**: each month varies around its level, more for some services than others;
- **services that start and stop**: a service sends only from the day it went live (or was
  created) and, once inactive, no more; trial services send nothing here.

The month the daily counts begin in is split: its history row holds only the days before them,
so the two never overlap. A row covers a stretch of days ago (a month, or the part of one a
service was live); a range that covers part of a row gets that share of it, by days.
Nothing here reads the daily counts; each service draws from a generator of its own.
"""

import math
import random
from collections.abc import Iterator
from datetime import date, timedelta

from notify_sandbox.facts import financial_year_of
from notify_sandbox.generate import NOTIFY_SERVICE_ID, ServicePlan, rng_for
from notify_sandbox.volumes import DAYS_KEPT, WEEKDAY_SHAPE, VolumeProfile

#: Financial years of history before the current one (the current one's start is included).
HISTORY_YEARS = 4
#: How busy each calendar month is, relative to a usual one.
SEASON = {
    1: 1.2,
    2: 1.1,
    3: 1.15,
    4: 1.0,
    5: 0.95,
    6: 0.95,
    7: 0.9,
    8: 0.75,
    9: 1.05,
    10: 1.05,
    11: 1.05,
    12: 0.8,
}
#: The daily counts' level on their oldest day, relative to their channel's mean (their trend
#: rises from 0.8 to 1.2 over the days kept).
_DAILY_START_LEVEL = 0.8

HISTORY_COLUMNS = ("service_sid", "channel", "newest", "oldest", "sent", "fragments", "sheets")


def window_start(anchor: date) -> date:
    """The first day the daily counts hold."""
    return anchor - timedelta(days=DAYS_KEPT - 1)


def history_start(anchor: date) -> date:
    """1 April of the first financial year of history."""
    return date(financial_year_of(anchor) - HISTORY_YEARS, 4, 1)


def _months(first: date, until: date) -> Iterator[tuple[date, date]]:
    """(month start, first day after the part of it before `until`) for each month."""
    month = first.replace(day=1)
    while month < until:
        following = (month.replace(day=28) + timedelta(days=4)).replace(day=1)
        yield month, min(following, until)
        month = following


def history_rows(
    seed: int, anchor: date, plans: tuple[ServicePlan, ...], profiles: list[VolumeProfile]
) -> Iterator[tuple]:
    """(service_sid, channel, newest and oldest day as days before `anchor`, billable
    notifications, SMS fragments, letter sheets) for each month of history a live period of a
    service covers. Days ago, as the daily counts keep them, so that a file served days after
    it was built moves its history with its counts."""
    by_sid = {profile.sid: profile for profile in profiles}
    for plan in plans:
        profile = by_sid.get(plan.sid)
        if profile is not None and not plan.restricted:
            yield from _service_history(seed, anchor, plan, profile)


def _service_history(
    seed: int, anchor: date, plan: ServicePlan, profile: VolumeProfile
) -> Iterator[tuple]:
    rng = rng_for(seed, "history", plan.id)
    went_live = plan.live_days_ago if plan.live_days_ago is not None else plan.created_days_ago
    first = max(history_start(anchor), anchor - timedelta(days=went_live))
    until = window_start(anchor)
    if plan.inactive_days_ago is not None:
        until = min(until, anchor - timedelta(days=plan.inactive_days_ago - 1))
    week = (sum(WEEKDAY_SHAPE[:5]) + 2 * profile.weekend) / 7
    steady = plan.id == NOTIFY_SERVICE_ID
    for channel in sorted(profile.channels, key=lambda each: each.channel):
        if channel.live_mean <= 0:
            continue
        growth = 0.0 if steady else rng.gauss(0.18, 0.15)  # log growth a year
        spread = 0.05 if steady else rng.uniform(0.08, 0.45)
        seasonal = 0.0 if steady else rng.uniform(0.3, 1.3)
        per_letter = 1.0 + min(4.0, rng.expovariate(1.5))
        for month, stop in _months(first, until):
            begin = max(month, first)
            days = (stop - begin).days
            if days <= 0:
                continue
            years_back = (window_start(anchor) - (begin + (stop - begin) / 2)).days / 365.25
            level = (
                channel.live_mean
                * _DAILY_START_LEVEL
                * week
                * days
                * math.exp(-growth * years_back)
                * (1 + seasonal * (SEASON[month.month] - 1))
                * math.exp(rng.gauss(0.0, spread) - spread**2 / 2)
            )
            sent = _count(rng, level)
            if not sent:
                continue
            fragments = 0
            if channel.channel == "sms":
                fragments = int(sent * channel.fragments * (1 + channel.international) + 0.5)
            sheets = int(sent * per_letter + 0.5) if channel.channel == "letter" else 0
            newest, oldest = (anchor - stop).days + 1, (anchor - begin).days
            yield (plan.sid, channel.channel, newest, oldest, sent, fragments, sheets)


def _count(rng: random.Random, mean: float) -> int:
    """A month's count: Poisson-like for small means, so a small service has empty months."""
    if mean < 20:
        limit, count, product = math.exp(-mean), 0, rng.random()
        while product > limit:
            count += 1
            product *= rng.random()
        return count
    return max(0, round(rng.gauss(mean, math.sqrt(mean))))
