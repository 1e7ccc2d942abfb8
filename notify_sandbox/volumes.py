"""Generate daily notification counts: one row per service, day and channel that sent anything.

Volumes are heavy-tailed (a few services send tens of thousands a day, most send a handful,
many small ones are quiet for days), follow a weekday/weekend shape and grow slowly over the
year. Recent rows still hold notifications in flight (created, sending, pending); older rows
have settled. Today's rows put a few services near or at a daily limit, trial ones included.
Test-key notifications are never stored, as the API never counts them. A few services have
had a bad few days on one channel (a list of wrong addresses, a provider fault): failures at
several times their usual rate over the last `SPIKE_DAYS` days, as the platform sees now and then.

What the platform forbids never happens (`platform_rules`): no day's count passes the
service's daily limit for the channel (the API refuses those sends with 429), a service sends
no letters while in trial mode, and a GP surgery sends no texts while in trial mode. Days are
London days, as the statistics endpoints count them; the API counts its limits by UTC day,
and in summer time a London day holds the last hour of the UTC day before, so a real London
day could show a little more than the limit. The sandbox keeps every London day within it.
"""

import math
import random
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import date

from notify_sandbox.facts import BILLABLE_STATUSES, STATUSES, TRIAL_LIMIT, trial_mode_allows
from notify_sandbox.generate import (
    NOTIFY_SERVICE_ID,
    PARKING_SERVICE_ID,
    ServicePlan,
    daily_limits,
    rng_for,
)

DAYS_KEPT = 400
#: The share of services with a recent failure spike on one channel, its length and height.
SPIKE_SHARE = 0.08
SPIKE_DAYS = 5
SPIKE_FACTOR = 6.0
WEEKDAY_SHAPE = (1.15, 1.1, 1.05, 1.05, 0.95, 1.0, 1.0)  # Monday … Sunday; weekends scaled apart
#: The most a service sends of a channel on a usual day: the platform's biggest texters send
#: tens of thousands a day, its biggest emailers far more.
USUAL_CEILING = {"email": 150_000.0, "sms": 25_000.0, "letter": 12_000.0}
_INDEX = {status: index for index, status in enumerate(STATUSES)}

#: Settled status mix of each channel: the main status takes what the others leave.
_SETTLED = {
    "email": (
        "delivered",
        {
            "permanent-failure": 0.02,
            "temporary-failure": 0.01,
            "technical-failure": 0.002,
            "failed": 0.0003,
        },
    ),
    "sms": (
        "delivered",
        {
            "permanent-failure": 0.025,
            "temporary-failure": 0.02,
            "technical-failure": 0.003,
            "failed": 0.0003,
        },
    ),
    "letter": (
        "sent",
        {
            "validation-failed": 0.01,
            "cancelled": 0.004,
            "virus-scan-failed": 0.001,
            "technical-failure": 0.001,
            "permanent-failure": 0.001,
            "delivered": 0.002,
        },
    ),
}
#: Notifications still in flight, by days ago (0, 1, 2), as shares of the day's total.
_IN_FLIGHT = {
    "email": ({"sending": 0.08, "created": 0.01}, {"sending": 0.005}, {"sending": 0.0005}),
    "sms": (
        {"sending": 0.05, "pending": 0.04, "created": 0.01},
        {"pending": 0.005, "sending": 0.003},
        {"pending": 0.001},
    ),
    "letter": ({}, {}, {"sending": 0.2}),
}
_LETTER_MAIN_BY_AGE = ("created", "sending", "sent")


@dataclass(frozen=True)
class ChannelProfile:
    """How one service uses one channel."""

    channel: str
    live_mean: float
    trial_mean: float
    live_cap: int
    failure: float
    fragments: float
    international: float


@dataclass(frozen=True)
class VolumeProfile:
    """The shape of one service's sending over the days kept."""

    sid: int
    oldest: int
    newest: int
    live_from: int | None
    weekend: float
    channels: tuple[ChannelProfile, ...]
    today: tuple[str, int] | None
    spike: str | None = None


def volume_profiles(seed: int, plans: tuple[ServicePlan, ...]) -> list[VolumeProfile]:
    """Profiles for every service, with today's near- and over-limit targets settled."""
    targets = today_targets(seed, plans)
    return [_profile(seed, plan, targets.get(plan.sid)) for plan in plans]


def today_targets(seed: int, plans: tuple[ServicePlan, ...]) -> dict[int, tuple[str, int]]:
    """Pick about 1.5% of services at 80–99% of a daily limit today and 0.7% at it exactly
    (the API refuses any more).

    Live picks come from the busiest national services; about a third of each group is in trial mode
    (limit 50), so the dashboard's highlighting has both kinds to show.
    """
    rng = rng_for(seed, "today-targets")
    candidates = [
        plan
        for plan in plans
        if plan.active
        and plan.id not in (NOTIFY_SERVICE_ID, PARKING_SERVICE_ID)
        and _today_channels(plan)
    ]
    # Only national services send near 250,000 of a channel in a day.
    live = sorted(
        (
            plan
            for plan in candidates
            if not plan.restricted and plan.organisation_type in ("central", "nhs_central")
        ),
        key=lambda plan: (-plan.size, plan.sid),
    )
    live = live[: max(6, len(live) * 15 // 100)]
    trial = [plan for plan in candidates if plan.restricted]
    total = len(plans)
    targets: dict[int, tuple[str, int]] = {}
    for low, high, share, least in ((0.80, 0.99, 0.015, 2), (1.0, 1.0, 0.007, 2)):
        wanted = max(least, round(total * share))
        trial_wanted = max(1, wanted // 3)
        trial_left = [plan for plan in trial if plan.sid not in targets]
        live_left = [plan for plan in live if plan.sid not in targets]
        chosen = rng.sample(trial_left, min(trial_wanted, len(trial_left))) + rng.sample(
            live_left, min(wanted - trial_wanted, len(live_left))
        )
        for plan in chosen:
            channel = rng.choice(_today_channels(plan))
            limit = daily_limits(plan)[channel]
            share_of_limit = rng.uniform(low, high)
            targets[plan.sid] = (channel, min(limit, math.floor(limit * share_of_limit)))
    return targets


def _today_channels(plan: ServicePlan) -> list[str]:
    """The channels a service can be pushed to its limit on today: email and texts it sends,
    less texts for a GP surgery in trial mode."""
    return [
        channel
        for channel in ("email", "sms")
        if channel in plan.channels
        and (not plan.restricted or trial_mode_allows(channel, plan.organisation_type))
    ]


def channel_weights(rng: random.Random) -> dict[str, float]:
    """How a service shares its sending among channels: the platform sends far more emails
    than texts, and letters are a few per cent."""
    return {
        "email": rng.uniform(0.6, 1.0),
        "sms": rng.uniform(0.03, 0.3),
        "letter": rng.uniform(0.05, 0.25),
    }


def _profile(seed: int, plan: ServicePlan, today: tuple[str, int] | None) -> VolumeProfile:
    """Per-channel rates for one service, drawn from its own generator.

    A service picked to be near or over a limit today is a heavy user of that channel on
    other days too (2 to 10 % of today's burst for a live service, which sends a
    campaign today; half to most of the 50 for a trial one), so its history agrees with it.
    """
    rng = rng_for(seed, "volume-profile", plan.id)
    weights = channel_weights(rng)
    present = {channel: weights[channel] for channel in plan.channels}
    total_weight = sum(present.values())
    trial_size = plan.size if plan.restricted else min(10.0, rng.lognormvariate(-0.5, 1.0))
    channels = []
    for channel, weight in present.items():
        share = weight / total_weight
        live_mean = 0.0 if plan.restricted else plan.size * share
        trial_mean = (
            trial_size * share if trial_mode_allows(channel, plan.organisation_type) else 0.0
        )
        live_mean = min(live_mean, USUAL_CEILING[channel])
        if today and today[0] == channel:
            usual = today[1] * (
                rng.uniform(0.5, 0.85) if plan.restricted else rng.uniform(0.02, 0.06)
            )
            live_mean, trial_mean = (0.0, usual) if plan.restricted else (usual, trial_mean)
        channels.append(
            ChannelProfile(
                channel=channel,
                live_mean=live_mean,
                trial_mean=trial_mean,
                live_cap=daily_limits(plan)[channel],
                failure=rng.lognormvariate(0.0, 0.6),
                fragments=1.0 + min(2.0, rng.expovariate(2.5)),
                international=rng.choice((0.0, 0.0, 0.005, 0.02, 0.05))
                if "international_sms" in plan.permissions
                else 0.0,
            )
        )
    # From a generator of its own, so that every other number stays as it was.
    spike_rng = rng_for(seed, "failure-spike", plan.id)
    spike = (
        spike_rng.choice(sorted(plan.channels))
        if plan.channels and spike_rng.random() < SPIKE_SHARE
        else None
    )
    return VolumeProfile(
        sid=plan.sid,
        oldest=min(DAYS_KEPT - 1, plan.created_days_ago),
        newest=plan.inactive_days_ago if plan.inactive_days_ago is not None else 0,
        live_from=_live_from(plan),
        weekend=rng.uniform(0.1, 0.7),
        channels=tuple(channels),
        today=today,
        spike=spike,
    )


def _live_from(plan: ServicePlan) -> int | None:
    """Days ago the service went live: None in trial mode, the whole window if always live."""
    if plan.restricted:
        return None
    return DAYS_KEPT if plan.live_days_ago is None else plan.live_days_ago


def daily_rows(seed: int, anchor: date, profiles: list[VolumeProfile]) -> Iterator[tuple]:
    """(service_sid, days_ago, channel, *status counts, fragments, sheets) for every non-empty
    day."""
    for profile in profiles:
        yield from _service_rows(seed, anchor, profile)


def _service_rows(seed: int, anchor: date, profile: VolumeProfile) -> Iterator[tuple]:
    """One service's rows, drawn from a generator of its own.

    Letter sheets come from a second generator, so that adding them left every other
    number as it was.
    """
    rng = rng_for(seed, "volumes", profile.sid)
    sheets_rng = rng_for(seed, "sheets", profile.sid)
    sheets_per_letter = 1.0 + min(4.0, sheets_rng.expovariate(1.5))
    anchor_weekday = anchor.weekday()
    shape = []
    for days_ago in range(DAYS_KEPT):
        weekday = (anchor_weekday - days_ago) % 7
        factor = profile.weekend if weekday >= 5 else WEEKDAY_SHAPE[weekday]
        shape.append(factor * (0.8 + 0.4 * (1 - days_ago / DAYS_KEPT)))
    # Rows come out in the table's key order (service, channel, days ago) for fast inserts.
    for channel_profile in sorted(profile.channels, key=lambda each: each.channel):
        mixes = [_status_mix(channel_profile, age) for age in range(4)]
        if profile.spike == channel_profile.channel:
            spiked = replace(channel_profile, failure=channel_profile.failure * SPIKE_FACTOR)
            spike_mixes = [_status_mix(spiked, age) for age in range(4)]
        else:
            spike_mixes = mixes
        for days_ago in range(profile.newest, profile.oldest + 1):
            live = profile.live_from is not None and days_ago <= profile.live_from
            if live:
                mean, cap = channel_profile.live_mean, channel_profile.live_cap
            else:
                mean, cap = channel_profile.trial_mean, TRIAL_LIMIT
            count = min(cap, _draw(rng, mean * shape[days_ago]))
            if days_ago == 0 and profile.today and profile.today[0] == channel_profile.channel:
                count = profile.today[1]
            if count:
                chosen = spike_mixes if days_ago < SPIKE_DAYS else mixes
                counts = _split(rng, count, chosen[min(days_ago, 3)])
                yield (
                    profile.sid,
                    days_ago,
                    channel_profile.channel,
                    *counts,
                    _fragments(rng, channel_profile, counts),
                    _sheets(sheets_rng, sheets_per_letter, channel_profile.channel, counts),
                )


def _draw(rng: random.Random, mean: float) -> int:
    """A day's count: Poisson for small means (so small services have quiet days), else noisy."""
    if mean <= 0:
        return 0
    if mean < 12:
        limit, count, product = math.exp(-mean), 0, rng.random()
        while product > limit:
            count += 1
            product *= rng.random()
        return count
    return int(mean * math.exp(rng.gauss(0.0, 0.25)) + 0.5)


def _status_mix(profile: ChannelProfile, age: int) -> tuple[int, list[tuple[int, float]]]:
    """The main status and the other statuses' shares for a row `age` days old (3 = settled)."""
    main, settled = _SETTLED[profile.channel]
    if profile.channel == "letter":
        main = _LETTER_MAIN_BY_AGE[min(age, 2)]
    shares = {status: share * profile.failure for status, share in settled.items()}
    if profile.channel == "sms" and profile.international:
        shares["sent"] = profile.international
    if age < 3:
        shares.update(_IN_FLIGHT[profile.channel][age])
    shares.pop(main, None)
    return _INDEX[main], [(_INDEX[status], share) for status, share in shares.items()]


def _split(rng: random.Random, count: int, mix: tuple[int, list[tuple[int, float]]]) -> list[int]:
    """Share `count` notifications among statuses, rounding each share at random.

    The hottest loop of generation, hence the plain arithmetic.
    """
    main, shares = mix
    counts = [0] * len(STATUSES)
    remaining = count
    scale = count * math.exp(rng.gauss(0.0, 0.4))
    uniform = rng.random
    for index, share in shares:
        part = int(scale * share + uniform())
        if part:
            part = part if part < remaining else remaining
            counts[index] = part
            remaining -= part
    counts[main] += remaining
    return counts


_BILLABLE_INDEX = {
    channel: tuple(_INDEX[status] for status in statuses)
    for channel, statuses in BILLABLE_STATUSES.items()
}


def _fragments(rng: random.Random, profile: ChannelProfile, counts: list[int]) -> int:
    """Chargeable SMS fragments: 1–3 per billable text, international ones counted twice."""
    if profile.channel != "sms":
        return 0
    billable = sum(counts[index] for index in _BILLABLE_INDEX["sms"])
    fragments = int(billable * profile.fragments + rng.random())
    international = int(billable * profile.international * profile.fragments + rng.random())
    return fragments + min(international, fragments)


def _sheets(rng: random.Random, per_letter: float, channel: str, counts: list[int]) -> int:
    """Sheets of paper in a day's billable letters (a service averages 1 to 5 a letter)."""
    if channel != "letter":
        return 0
    billable = sum(counts[index] for index in _BILLABLE_INDEX["letter"])
    return int(billable * per_letter + rng.random())
