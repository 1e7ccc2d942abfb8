"""What the Cache page shows: hit rates from the telemetry, and what Redis holds by kind.

Everything here is read through `dashboard.cache.inspection`: the page's numbers, totals and
words are made here, and the page only lays them out.
"""

import math
import time
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

import pandas as pd

from dashboard.cache import inspection, telemetry
from dashboard.cache.request_cache import HELD_ELSEWHERE, MOVED_ON, REFRESH_FAILED, REFRESHED
from dashboard.loaders.freshness import describe_age
from dashboard.notify_client import NotifyClients

CENSUS_COLUMNS = ("kind", "keys", "bytes_per_key", "estimated_bytes")
CACHE_OFF = "The cache is off: nothing to show."
_KEPT = f"{inspection.CENSUS_TTL_SECONDS // 60} minutes"
NO_CENSUS = f"No key census in the last {_KEPT}: Count keys takes one."


def census_help(max_keys: int) -> str:
    """What the Count keys button does."""
    return (
        f"Sorts at most {max_keys:,} keys into their kinds (CACHE_CENSUS_MAX_KEYS); "
        f"every dashboard process shows the result for {_KEPT}."
    )


def _unanswered(error: inspection.InspectionFailed) -> str:
    return f"Redis did not answer ({error.reason}); pages read from the API meanwhile."


@dataclass(frozen=True)
class Totals:
    """The headline numbers over every kind: hits over every lookup, API calls saved, errors."""

    hit_rate: float
    api_calls_saved: int
    errors: int
    corrupt: int


@dataclass(frozen=True)
class CacheInsight:
    """Counters over a period, by kind and by hour; `error` when Redis cannot be read."""

    description: str
    process_counts: pd.DataFrame
    by_kind: pd.DataFrame = field(default_factory=pd.DataFrame)
    by_hour: pd.DataFrame = field(default_factory=pd.DataFrame)
    latency: pd.DataFrame = field(default_factory=pd.DataFrame)
    totals: Totals | None = None
    error: str | None = None
    #: The refreshes before expiry over the period, in words (None when Redis was not read).
    refreshes: str | None = None


@dataclass(frozen=True)
class KeysInsight:
    """The last key census as the page shows it, Redis' memory, or why there is none."""

    census: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=CENSUS_COLUMNS))
    keys: int = 0
    summary: str | None = None
    memory: dict[str, object] = field(default_factory=dict)
    error: str | None = None


def rates(rows: Sequence[Mapping[str, Any]], by: str) -> pd.DataFrame:
    """Lookups of each outcome, hit rate over every lookup, mean hit and miss latency and API
    calls saved, per value of `by` ("kind" or "hour") in its order, from counter rows.

    Summed in Python, then made one frame: the counters change on every view (each view's own
    lookups add to them), so nothing can be kept, and pandas' pivot tables over a day's few
    hundred rows were half the Cache page's server time."""
    counted: dict[Any, dict[str, int]] = {}
    milliseconds: dict[Any, dict[str, float]] = {}
    for row in rows:
        group, outcome = row[by], row["outcome"]
        counts = counted.setdefault(group, dict.fromkeys(telemetry.OUTCOMES, 0))
        spent = milliseconds.setdefault(group, {"hit": 0.0, "miss": 0.0})
        if outcome in counts:
            counts[outcome] += row["count"]
        if outcome in spent:
            spent[outcome] += row["milliseconds"]
    groups = sorted(counted)
    columns = {
        outcome: [counted[group][outcome] for group in groups] for outcome in telemetry.OUTCOMES
    }
    lookups = [sum(counted[group].values()) for group in groups]
    hits = columns["hit"]
    return pd.DataFrame(
        {
            by: groups,
            **columns,
            "lookups": lookups,
            "hit_rate": [
                hit / total if total else 0.0 for hit, total in zip(hits, lookups, strict=True)
            ],
            "hit_ms": _means(groups, milliseconds, counted, "hit"),
            "miss_ms": _means(groups, milliseconds, counted, "miss"),
            "api_calls_saved": hits,
        },
        columns=[by, *telemetry.OUTCOMES, *RATE_COLUMNS],
    )


#: What `rates` adds to each outcome's count.
RATE_COLUMNS = ("lookups", "hit_rate", "hit_ms", "miss_ms", "api_calls_saved")


def _means(
    groups: list[Any],
    milliseconds: dict[Any, dict[str, float]],
    counted: dict[Any, dict[str, int]],
    outcome: str,
) -> list[float]:
    """Each group's mean milliseconds of an outcome; NaN (no figure) where it had none."""
    return [
        milliseconds[group][outcome] / counted[group][outcome]
        if counted[group][outcome]
        else math.nan
        for group in groups
    ]


def totals(by_kind: pd.DataFrame) -> Totals:
    """The headline numbers from the per-kind rates."""
    summed = by_kind[["hit", "error", "corrupt", "lookups"]].sum()
    return Totals(
        hit_rate=float(summed["hit"] / summed["lookups"]) if summed["lookups"] else 0.0,
        api_calls_saved=int(summed["hit"]),
        errors=int(summed["error"]),
        corrupt=int(summed["corrupt"]),
    )


def latency(by_kind: pd.DataFrame) -> pd.DataFrame:
    """Kinds with both hits and misses: mean hit, mean miss, and how many times faster a hit is."""
    both = by_kind.dropna(subset=["hit_ms", "miss_ms"])
    return both.assign(speed_up=both["miss_ms"] / both["hit_ms"])[
        ["kind", "hit_ms", "miss_ms", "speed_up"]
    ].reset_index(drop=True)


def _process_counts(clients: NotifyClients) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {"kind": kind, "outcome": outcome, "count": count}
            for (kind, outcome), count in sorted(clients.cache.process_counts.items())
        ],
        columns=["kind", "outcome", "count"],
    )


LONDON = ZoneInfo("Europe/London")
_BYTE_UNITS = ("bytes", "KB", "MB", "GB", "TB")


def period_words(hours: int) -> str:
    """A period in words: "1 hour", "6 hours", "1 day", "30 days"."""
    if hours < 48:
        return f"{hours} hour" if hours == 1 else f"{hours} hours"
    days = hours // 24
    return f"{days} day" if days == 1 else f"{days} days"


def bytes_in_words(size: object) -> str:
    """Memory as people write it: "12.0 MB" (units of 1,024, as Redis counts), "–" when
    Redis did not say."""
    if not isinstance(size, int | float) or isinstance(size, bool) or size < 0:
        return "–"
    amount, unit = float(size), 0
    # Up a unit from 1,000 (not 1,024), so that the figure never needs a thousands separator.
    while amount >= 1000 and unit < len(_BYTE_UNITS) - 1:
        amount, unit = amount / 1024, unit + 1
    if unit == 0:
        return f"{int(amount):,} bytes" if amount != 1 else "1 byte"
    return f"{amount:,.1f} {_BYTE_UNITS[unit]}"


def hours_in_london(by_hour: pd.DataFrame) -> pd.DataFrame:
    """The hourly rates with each hour in London time: `london_hour` (wall-clock time, for a
    chart's axis) and `hour_label` ("2 Dec 07:00 GMT", the zone named, for tables)."""
    local = pd.to_datetime(by_hour["hour"], utc=True).dt.tz_convert(LONDON)
    labels = [f"{moment:%-d %b %H:00} {moment.tzname()}" for moment in local]
    return by_hour.assign(london_hour=local.dt.tz_localize(None), hour_label=labels)


def zones_of(by_hour: pd.DataFrame) -> str:
    """The London zones the hours fall in, for an axis title: "GMT", "BST" or "GMT and BST"."""
    local = pd.to_datetime(by_hour["hour"], utc=True).dt.tz_convert(LONDON)
    names = sorted({str(moment.tzname()) for moment in local}, reverse=True)
    return " and ".join(names) if names else "GMT"


def _times(count: int) -> str:
    return "1 value" if count == 1 else f"{count:,} values"


def refresh_words(rows: list[dict[str, object]], hours: int) -> str:
    """The period's refreshes before expiry in a sentence or two: how many values readers'
    reads refreshed ahead and the warm-up job refreshed, and what became of the rest."""
    done: Counter[tuple[str, str]] = Counter()
    for row in rows:
        count = row["count"]
        done[(str(row["by"]), str(row["done"]))] += count if isinstance(count, int) else 0
    period = period_words(hours)
    ahead = {outcome: n for (by, outcome), n in done.items() if by == telemetry.AHEAD}
    warm_up = {outcome: n for (by, outcome), n in done.items() if by == telemetry.WARM_UP}
    if not ahead and not warm_up:
        return (
            f"No value was refreshed before it expired in the last {period}: not ahead of a "
            "read, nor by the warm-up job (python -m dashboard.warm)."
        )
    refreshed = ahead.get(REFRESHED, 0)
    sentences = [
        f"In the last {period}, {_times(refreshed)} read in the last part of "
        f"{'its life was' if refreshed == 1 else 'their life were'} refreshed ahead in the "
        "background, while readers were served the current value."
    ]
    sentences += _other_outcomes(ahead, "of these refreshes")
    warmed = warm_up.get(REFRESHED, 0)
    sentences.append(
        f"The warm-up job refreshed {_times(warmed)} before "
        f"{'it' if warmed == 1 else 'they'} expired."
    )
    sentences += _other_outcomes(warm_up, "of its refreshes")
    return " ".join(sentences)


def _other_outcomes(outcomes: dict[str, int], whose: str) -> list[str]:
    """What became of the refreshes that did not replace their value, in words."""
    words = []
    if outcomes.get(REFRESH_FAILED):
        words.append(
            f"{outcomes[REFRESH_FAILED]:,} {whose} failed: those values and their last good "
            "copies stayed as they were."
        )
    if outcomes.get(HELD_ELSEWHERE):
        words.append(
            f"{outcomes[HELD_ELSEWHERE]:,} {whose} found another reader already loading the "
            "value, and left it to them."
        )
    if outcomes.get(MOVED_ON):
        words.append(f"{outcomes[MOVED_ON]:,} {whose} were not kept: a service update came first.")
    return words


def load_cache_insight(clients: NotifyClients, description: str, hours: int = 24) -> CacheInsight:
    """The last `hours` of counters by kind and by hour, and the refreshes before expiry in
    words; says so when Redis is not there."""
    process = _process_counts(clients)
    if not clients.cache.enabled:
        return CacheInsight(description, process, error=CACHE_OFF)
    try:
        rows = inspection.hit_counts(clients.cache, hours)
        refreshes = refresh_words(inspection.refresh_counts(clients.cache, hours), hours)
    except inspection.InspectionFailed as error:
        return CacheInsight(description, process, error=_unanswered(error))
    if not rows:
        return CacheInsight(description, process, refreshes=refreshes)
    by_kind = rates(rows, "kind").sort_values("lookups", ascending=False)
    return CacheInsight(
        description,
        process,
        by_kind=by_kind,
        by_hour=hours_in_london(rates(rows, "hour")),
        latency=latency(by_kind),
        totals=totals(by_kind),
        refreshes=refreshes,
    )


def census_summary(census: inspection.Census, now: float) -> str:
    """When the census ran, what it counted, and whether it stopped at its cap."""
    age = describe_age(max(0.0, now - census.taken_at))
    if census.capped:
        return (
            f"Counted {census.counted:,} of the {census.total_keys:,} keys in Redis ({age}): "
            f"a census stops at {census.max_keys:,} keys (CACHE_CENSUS_MAX_KEYS), so the kinds "
            "below are those of the first keys Redis gave."
        )
    return f"Counted every key in Redis, {census.counted:,} in all ({age})."


def census_table(census: inspection.Census) -> pd.DataFrame:
    """Keys and estimated memory by kind, in the order of the kinds' names."""
    return pd.DataFrame(
        [
            {
                "kind": kind.kind,
                "keys": kind.keys,
                "bytes_per_key": kind.bytes_per_key,
                "estimated_bytes": kind.estimated_bytes,
            }
            for kind in census.kinds
        ],
        columns=list(CENSUS_COLUMNS),
    )


def load_keys(
    clients: NotifyClients,
    count_now: bool = False,
    max_keys: int = inspection.DEFAULT_MAX_KEYS,
    now: float | None = None,
) -> KeysInsight:
    """Redis' memory and the last key census (taken first when `count_now`, of at most
    `max_keys` keys); never a scan otherwise."""
    if not clients.cache.enabled:
        return KeysInsight(error=CACHE_OFF)
    try:
        census = (
            inspection.take_census(clients.cache, max_keys)
            if count_now
            else inspection.last_census(clients.cache)
        )
        memory = inspection.memory(clients.cache)
    except inspection.InspectionFailed as error:
        return KeysInsight(error=_unanswered(error))
    if census is None:
        return KeysInsight(memory=memory)
    return KeysInsight(
        census=census_table(census),
        keys=census.counted,
        summary=census_summary(census, time.time() if now is None else now),
        memory=memory,
    )
