"""What another TTL would have done: the recorded request order replayed through a TTL cache.

The telemetry stream (`dashboard.cache.telemetry.read_events`) keeps every lookup in the order
it happened, with a hash of its key and the size of its value. Replaying that order through a
simulated cache answers "what hit rate, and how much memory, at TTL x?" without running the
dashboard again. The simulation follows `RequestCache`: a miss stores the value for the TTL; a
hit does not extend it (Redis sets the expiry only on a write), so a key requested every
minute with a five-minute TTL still misses every five minutes.

Recorded `error` lookups (Redis was down, nothing was read or stored) and `off` ones are left
out; a `corrupt` value was deleted and loaded again, so it replays as a request like any other.
Deletes (a service update, the Refresh button) are not in the stream: the replay keeps a value
for its whole TTL, so it slightly flatters long TTLs of kinds that writes empty. Nor can it tell
a miss whose API call failed (nothing was stored) from one that stored: both replay as stored.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import cast

import numpy as np
import pandas as pd

MINUTE = 60
HOUR = 60 * MINUTE
DAY = 24 * HOUR

STANDARD_TTLS: tuple[int, ...] = (
    MINUTE,
    5 * MINUTE,
    15 * MINUTE,
    30 * MINUTE,
    HOUR,
    3 * HOUR,
    6 * HOUR,
    12 * HOUR,
    DAY,
    3 * DAY,
    7 * DAY,
    28 * DAY,
)

ALL_KINDS = "all"
SKIPPED_OUTCOMES = frozenset({"error", "off"})
REQUIRED_COLUMNS = ("at", "kind", "key", "outcome", "size_bytes")
SWEEP_COLUMNS = (
    "kind",
    "ttl_seconds",
    "requests",
    "hits",
    "misses",
    "hit_rate",
    "peak_bytes",
    "mean_bytes",
)
RECOMMENDATION_COLUMNS = (
    "kind",
    "ttl_seconds",
    "hit_rate",
    "peak_bytes",
    "current_ttl_seconds",
    "best_ttl_seconds",
    "best_hit_rate",
    "reason",
)


@dataclass(frozen=True)
class FreshnessCap:
    """The longest a kind of data may be kept, whatever its hit rate, and why."""

    max_ttl_seconds: int
    reason: str


FRESHNESS_CAPS: Mapping[str, FreshnessCap] = MappingProxyType(
    {
        "statistics-today": FreshnessCap(MINUTE, "today's use of the daily limit must be current"),
        "services-detailed": FreshnessCap(
            5 * MINUTE, "All services shows today's messages against every daily limit"
        ),
        "statistics": FreshnessCap(HOUR, "the window includes today's counts, which grow all day"),
        "monthly-usage": FreshnessCap(DAY, "finance's figures should be at most a day behind"),
        "yearly-usage": FreshnessCap(DAY, "finance's figures should be at most a day behind"),
    }
)


@dataclass(frozen=True)
class SimulationResult:
    """One replay at one TTL.

    `mean_bytes` is time-weighted: the bytes live at each moment, averaged over the recording
    (from its first request to its last); `peak_bytes` is the most live at any moment.
    """

    ttl_seconds: int
    requests: int
    hits: int
    misses: int
    hit_rate: float
    peak_bytes: int
    mean_bytes: float


@dataclass(frozen=True)
class _Replay:
    """The requests sorted by key then time, ready to be replayed at any TTL."""

    times: np.ndarray
    first_of_key: np.ndarray
    kind_codes: np.ndarray
    kinds: tuple[str, ...]
    sizes: np.ndarray
    start: float
    end: float

    def __len__(self) -> int:
        return len(self.times)


def _prepare(events: pd.DataFrame) -> _Replay:
    missing = [column for column in REQUIRED_COLUMNS if column not in events.columns]
    if missing:
        raise ValueError(f"Events need the columns {', '.join(missing)}")
    requests = events.loc[~events["outcome"].isin(SKIPPED_OUTCOMES)]
    times = requests["at"].to_numpy(dtype=float)
    key_codes = pd.factorize(requests["key"])[0]
    kind_codes, kinds = pd.factorize(requests["kind"])
    # By kind, key, then time (stable for equal times): a hash shared by two kinds is two keys.
    order = np.lexsort((times, key_codes, kind_codes))
    keys, kinds_sorted = key_codes[order], kind_codes[order]
    first_of_key = np.ones(len(order), dtype=bool)
    first_of_key[1:] = (keys[1:] != keys[:-1]) | (kinds_sorted[1:] != kinds_sorted[:-1])
    return _Replay(
        times=times[order],
        first_of_key=first_of_key,
        kind_codes=kinds_sorted,
        kinds=tuple(str(kind) for kind in kinds),
        sizes=requests["size_bytes"].to_numpy(dtype=np.int64)[order],
        start=float(times.min()) if len(times) else 0.0,
        end=float(times.max()) if len(times) else 0.0,
    )


def _hits(replay: _Replay, ttl_seconds: float) -> np.ndarray:
    """Which requests hit: each key's value lives for the TTL from the miss that stored it.

    A loop, because whether a request hits depends on when the previous miss was; one pass
    over 200,000 requests takes well under a tenth of a second.
    """
    hits = bytearray(len(replay))
    stored_at = 0.0
    for index, (at, first) in enumerate(
        zip(replay.times.tolist(), replay.first_of_key.tolist(), strict=True)
    ):
        if not first and at - stored_at < ttl_seconds:
            hits[index] = 1
        else:
            stored_at = at
    return np.frombuffer(bytes(hits), dtype=bool)


def _live_bytes(
    stored_at: np.ndarray, sizes: np.ndarray, ttl_seconds: float, start: float, end: float
) -> tuple[int, float]:
    """Peak and time-weighted mean of the bytes held, each value live [stored, stored + TTL)."""
    if not len(stored_at):
        return 0, 0.0
    expires_at = stored_at + ttl_seconds
    moments = np.concatenate([expires_at, stored_at])
    # At the same moment an expiry comes before a store: the intervals are half-open.
    is_store = np.concatenate([np.zeros(len(stored_at)), np.ones(len(stored_at))])
    change = np.concatenate([-sizes, sizes])
    order = np.lexsort((is_store, moments))
    peak = max(0, int(np.cumsum(change[order]).max()))
    if end <= start:
        return peak, float(peak)
    overlap = np.clip(np.minimum(expires_at, end) - np.maximum(stored_at, start), 0, None)
    return peak, float((sizes * overlap).sum() / (end - start))


def _result(
    replay: _Replay, hits: np.ndarray, selected: np.ndarray, ttl_seconds: int
) -> SimulationResult:
    requests = int(selected.sum())
    hit_count = int((hits & selected).sum())
    stores = selected & ~hits
    peak, mean = _live_bytes(
        replay.times[stores], replay.sizes[stores], ttl_seconds, replay.start, replay.end
    )
    return SimulationResult(
        ttl_seconds=int(ttl_seconds),
        requests=requests,
        hits=hit_count,
        misses=requests - hit_count,
        hit_rate=hit_count / requests if requests else 0.0,
        peak_bytes=peak,
        mean_bytes=mean,
    )


def _check_ttl(ttl_seconds: int) -> None:
    if ttl_seconds <= 0:
        raise ValueError(f"A TTL must be a positive number of seconds, not {ttl_seconds}")


def simulate(events: pd.DataFrame, ttl_seconds: int) -> SimulationResult:
    """Replay the recorded requests with one TTL for every key (hit rate 0 when none)."""
    _check_ttl(ttl_seconds)
    replay = _prepare(events)
    everything = np.ones(len(replay), dtype=bool)
    return _result(replay, _hits(replay, ttl_seconds), everything, ttl_seconds)


def sweep(events: pd.DataFrame, ttls: Sequence[int], by_kind: bool = True) -> pd.DataFrame:
    """The replay at each TTL: a row per kind (when `by_kind`) and an `all` row per TTL.

    A kind's row replays only its own keys at that TTL (keys never cross kinds); its
    `mean_bytes` is averaged over the whole recording, so kinds' means add up to `all`'s.
    """
    for ttl in ttls:
        _check_ttl(ttl)
    replay = _prepare(events)
    groups = [
        (kind, replay.kind_codes == replay.kinds.index(kind))
        for kind in (sorted(replay.kinds) if by_kind else ())
    ]
    groups.append((ALL_KINDS, np.ones(len(replay), dtype=bool)))
    ordered_ttls = sorted(set(ttls))
    hits_by_ttl = {ttl: _hits(replay, ttl) for ttl in ordered_ttls}
    rows = [
        {"kind": kind, **_as_row(_result(replay, hits_by_ttl[ttl], selected, ttl))}
        for kind, selected in groups
        for ttl in ordered_ttls
    ]
    return pd.DataFrame(rows, columns=SWEEP_COLUMNS)


def _as_row(result: SimulationResult) -> dict[str, float]:
    return {
        "ttl_seconds": result.ttl_seconds,
        "requests": result.requests,
        "hits": result.hits,
        "misses": result.misses,
        "hit_rate": result.hit_rate,
        "peak_bytes": result.peak_bytes,
        "mean_bytes": result.mean_bytes,
    }


def describe_ttl(seconds: int) -> str:
    """A TTL the way people say it: 60 → "1 min", 86400 → "1 d"."""
    for unit, size in (("d", DAY), ("h", HOUR), ("min", MINUTE)):
        if seconds >= size and seconds % size == 0:
            return f"{seconds // size} {unit}"
    return f"{seconds} s"


def describe_duration(seconds: float) -> str:
    """A length of time in its largest sensible unit: 38 → "38 s", 5400 → "1.5 h"."""
    for unit, size in (("d", DAY), ("h", HOUR), ("min", MINUTE)):
        if seconds >= size:
            return f"{seconds / size:.3g} {unit}"
    return f"{seconds:.3g} s"


def _percent(rate: float) -> str:
    return f"{rate:.1%}"


def _points(tolerance: float) -> str:
    points = tolerance * 100
    return f"{points:g} percentage point{'' if points == 1 else 's'}"


def _row_at(swept: pd.DataFrame, ttl_seconds: int) -> dict[str, float]:
    """The replay's hit rate and peak memory at one TTL, or NaN when it was not replayed."""
    found = swept.loc[swept["ttl_seconds"] == ttl_seconds]
    if found.empty:
        return {"hit_rate": float("nan"), "peak_bytes": float("nan")}
    return {"hit_rate": float(found["hit_rate"].iloc[0]), "peak_bytes": found["peak_bytes"].iloc[0]}


def _choose(
    swept: pd.DataFrame,
    tolerance: float,
    cap: FreshnessCap | None,
    current: int | None,
    recording_seconds: float | None,
) -> tuple[int, str]:
    """One kind's TTL and the reason for it (see `recommend`)."""
    best = swept.loc[cast(int, swept["hit_rate"].idxmax())].to_dict()
    best_words = f"{_percent(best['hit_rate'])} at {describe_ttl(int(best['ttl_seconds']))}"
    allowed = swept if cap is None else swept.loc[swept["ttl_seconds"] <= cap.max_ttl_seconds]
    if allowed.empty and cap is not None:
        return cap.max_ttl_seconds, (
            f"capped at {describe_ttl(cap.max_ttl_seconds)} because {cap.reason} "
            "(no TTL that short was replayed)"
        )
    top = allowed["hit_rate"].max()
    close = allowed.loc[allowed["hit_rate"] >= top - tolerance].iloc[0]
    chosen, chosen_rate = int(close["ttl_seconds"]), float(close["hit_rate"])
    capped = cap is not None and best["hit_rate"] > top + tolerance
    if recording_seconds is not None and chosen >= recording_seconds and not capped:
        keep, what = (chosen, "the shortest") if current is None else (current, "the current TTL")
        if cap is not None and keep > cap.max_ttl_seconds:
            keep = cap.max_ttl_seconds
            what = f"{describe_ttl(keep)}, because {cap.reason}"
        return keep, (
            f"the recording ({describe_duration(recording_seconds)}) is too short to tell apart "
            f"TTLs of {describe_ttl(chosen)} and more: keeping {what}"
        )
    if capped and cap is not None:
        return chosen, (
            f"capped at {describe_ttl(cap.max_ttl_seconds)} because {cap.reason} "
            f"({best_words} without the cap)"
        )
    if best["hit_rate"] == 0:
        return chosen, "no request was repeated within any TTL replayed: the shortest costs least"
    if chosen == int(swept["ttl_seconds"].iloc[0]) and chosen_rate == best["hit_rate"]:
        return chosen, f"the shortest TTL replayed already has the best hit rate ({best_words})"
    if chosen == int(best["ttl_seconds"]):
        return chosen, (
            f"the best hit rate ({best_words}); no shorter TTL comes within {_points(tolerance)}"
        )
    return chosen, (
        f"the shortest TTL within {_points(tolerance)} of the best ({best_words}): "
        "longer TTLs hold more memory and older data"
    )


def recommend(
    sweep_frame: pd.DataFrame,
    tolerance: float = 0.01,
    caps: Mapping[str, FreshnessCap] = FRESHNESS_CAPS,
    current: Mapping[str, int] | None = None,
    recording_seconds: float | None = None,
) -> pd.DataFrame:
    """Per kind, the shortest TTL within `tolerance` (1 percentage point) of the best hit rate.

    Longer TTLs cost memory and serve older data, so a TTL that buys less than a point of hit
    rate is not worth it. A kind in `caps` never gets more than its cap, whatever the hit rate.
    A replay cannot expire anything later than the recording ends, so when the choice is as
    long as the recording (`recording_seconds`) the evidence is too thin to change anything:
    the kind keeps its `current` TTL. The `all` rows are ignored: every kind gets its own TTL.
    """
    current = current or {}
    rows = []
    for kind in (kind for kind in sweep_frame["kind"].unique() if kind != ALL_KINDS):
        swept = sweep_frame.loc[sweep_frame["kind"] == kind].sort_values("ttl_seconds")
        best = swept.loc[cast(int, swept["hit_rate"].idxmax())].to_dict()
        ttl, reason = _choose(
            swept, tolerance, caps.get(kind), current.get(kind), recording_seconds
        )
        rows.append(
            {
                "kind": kind,
                "ttl_seconds": ttl,
                **_row_at(swept, ttl),
                "current_ttl_seconds": current.get(kind),
                "best_ttl_seconds": int(best["ttl_seconds"]),
                "best_hit_rate": float(best["hit_rate"]),
                "reason": reason,
            }
        )
    return pd.DataFrame(rows, columns=RECOMMENDATION_COLUMNS)


#: A working day: what a recording made in seconds stands for when its time is scaled.
WORKING_DAY_SECONDS = 8 * HOUR


def stretched(events: pd.DataFrame, span_seconds: float) -> pd.DataFrame:
    """The same lookups in the same order, their times stretched from the first so that the
    recording lasts `span_seconds`: a few hundred page views made in half a minute, replayed
    as if they had come over a working day.

    A replay reads only each lookup's time, kind and key, so stretching changes which TTLs
    can be told apart (a replay cannot expire anything later than its recording ends), not
    which lookups there were. It assumes the views are spread evenly over the longer time,
    which real use is not; a recording of real use needs no stretching.
    """
    if events.empty:
        return events.copy()
    start = float(events["at"].min())
    recorded = float(events["at"].max()) - start
    factor = span_seconds / recorded if recorded > 0 else 1.0
    return events.assign(at=start + (events["at"] - start) * factor)


def recording_needed(ttl_seconds: int) -> str:
    """How long a recording must be to suggest a TTL, in words: longer than the TTL, since
    a replay sees a value expire only within the recording (every TTL at least as long as
    the recording replays alike, each key missing once)."""
    return f"more than {describe_ttl(ttl_seconds)}"
