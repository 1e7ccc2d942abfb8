"""The TTL replay counts hits and memory exactly as RequestCache would have, for any TTL."""

import numpy as np
import pandas as pd
import pytest

from dashboard.domain.ttl_simulation import (
    DAY,
    FRESHNESS_CAPS,
    MINUTE,
    STANDARD_TTLS,
    WORKING_DAY_SECONDS,
    FreshnessCap,
    SimulationResult,
    describe_duration,
    describe_ttl,
    recommend,
    recording_needed,
    simulate,
    stretched,
    sweep,
)

T0 = 1_750_000_000.0


def events(*rows: tuple) -> pd.DataFrame:
    """Rows of (seconds after T0, key, size_bytes[, kind[, outcome]]) as read_events gives them."""
    records = []
    for row in rows:
        at, key, size, kind, outcome = (*row, "service", "miss")[:5]
        records.append(
            {
                "at": T0 + at,
                "kind": kind,
                "key": key,
                "outcome": outcome,
                "milliseconds": 1.0,
                "size_bytes": size,
            }
        )
    return pd.DataFrame(records)


HAND_WORKED = events(
    (0, "a", 100),
    (10, "b", 50),
    (20, "b", 50),
    (30, "a", 100),
    (90, "a", 100),
    (200, "a", 100),
)


def test_hand_worked_sequence_at_sixty_seconds():
    # a: 0 miss (kept until 60), 30 hit, 90 miss (until 150), 200 miss (until 260).
    # b: 10 miss (until 70), 20 hit. Most live: a and b together from 10 to 60.
    # Live byte-seconds within 0..200: a 60×100 + 60×100, b 60×50 → 15,000 / 200 s.
    assert simulate(HAND_WORKED, 60) == SimulationResult(
        ttl_seconds=60,
        requests=6,
        hits=2,
        misses=4,
        hit_rate=pytest.approx(2 / 6),
        peak_bytes=150,
        mean_bytes=pytest.approx(75.0),
    )


def test_the_recorded_order_does_not_matter_only_the_times():
    shuffled = HAND_WORKED.sample(frac=1, random_state=3)
    assert simulate(shuffled, 60) == simulate(HAND_WORKED, 60)


def test_a_long_ttl_keeps_each_key_once():
    result = simulate(HAND_WORKED, 1000)
    assert (result.hits, result.misses, result.peak_bytes) == (4, 2, 150)


def test_a_hit_does_not_extend_the_expiry():
    # Requested every 50 s with a 60 s TTL: a refreshing cache would hit from the second on.
    result = simulate(events((0, "a", 10), (50, "a", 10), (100, "a", 10), (150, "a", 10)), 60)
    assert (result.hits, result.misses) == (2, 2)


def test_the_same_hash_in_two_kinds_is_two_keys():
    recorded = events((0, "a", 10, "service"), (10, "a", 10, "templates"), (20, "a", 10, "service"))
    result = simulate(recorded, 60)
    assert (result.hits, result.misses, result.peak_bytes) == (1, 2, 20)


def test_a_value_has_expired_at_exactly_its_ttl():
    result = simulate(events((0, "a", 10), (60, "a", 10)), 60)
    assert (result.hits, result.misses, result.peak_bytes) == (0, 2, 10)


def test_errors_are_skipped_and_corrupt_values_count():
    recorded = events(
        (0, "a", 100),
        (5, "a", 0, "service", "error"),
        (10, "a", 100, "service", "corrupt"),
        (100, "a", 0, "service", "error"),
        (101, "a", 100, "service", "hit"),
    )
    result = simulate(recorded, 60)
    assert (result.requests, result.hits, result.misses) == (3, 1, 2)


def test_the_size_kept_is_the_size_of_the_request_that_missed():
    recorded = events((0, "a", 100), (70, "a", 300, "service", "hit"), (80, "b", 50))
    assert simulate(recorded, 60).peak_bytes == 350


def test_no_requests_is_no_hits_and_no_memory():
    empty = events((0, "a", 0, "service", "error"))
    assert simulate(empty, 60) == SimulationResult(60, 0, 0, 0, 0.0, 0, 0.0)


def test_the_events_are_not_changed():
    recorded = HAND_WORKED.sample(frac=1, random_state=1)
    before = recorded.copy()
    simulate(recorded, 60)
    sweep(recorded, [60, 120])
    pd.testing.assert_frame_equal(recorded, before)


def test_a_ttl_must_be_positive():
    with pytest.raises(ValueError, match="positive"):
        simulate(HAND_WORKED, 0)


def test_events_without_the_stream_columns_are_refused():
    with pytest.raises(ValueError, match="outcome"):
        simulate(HAND_WORKED.drop(columns="outcome"), 60)


def test_standard_ttls_run_from_a_minute_to_four_weeks():
    assert STANDARD_TTLS[0] == 60
    assert STANDARD_TTLS[-1] == 28 * 24 * 60 * 60
    assert list(STANDARD_TTLS) == sorted(set(STANDARD_TTLS))
    assert {300, 900, 3600, 6 * 3600, 86400, 7 * 86400} <= set(STANDARD_TTLS)


def test_describe_ttl():
    assert [describe_ttl(ttl) for ttl in (45, 60, 90, 900, 3600, 86400, 28 * 86400)] == [
        "45 s",
        "1 min",
        "90 s",
        "15 min",
        "1 h",
        "1 d",
        "28 d",
    ]


def test_describe_duration():
    assert [describe_duration(seconds) for seconds in (38, 90, 5400, 3 * 86400 + 3600)] == [
        "38 s",
        "1.5 min",
        "1.5 h",
        "3.04 d",
    ]


def mixed_events(count: int, seed: int) -> pd.DataFrame:
    """A long tail of keys over three kinds, a week long, with a few errors and corrupt values."""
    rng = np.random.default_rng(seed)
    keys = rng.zipf(1.4, count) % 500
    kinds = np.array(["service", "statistics", "statistics-today"])[keys % 3]
    outcomes = rng.choice(["miss", "hit", "error", "corrupt"], count, p=[0.5, 0.45, 0.03, 0.02])
    return pd.DataFrame(
        {
            "at": T0 + np.sort(rng.uniform(0, 7 * 86400, count)),
            "kind": kinds,
            "key": [f"{kind}-{key}" for kind, key in zip(kinds, keys, strict=True)],
            "outcome": outcomes,
            "milliseconds": 1.0,
            "size_bytes": 200 + keys,
        }
    )


def test_sweep_has_a_row_per_kind_and_an_all_row_per_ttl():
    recorded = mixed_events(3000, seed=2)
    frame = sweep(recorded, [300, 60, 3600])
    assert list(frame.columns[:6]) == [
        "kind",
        "ttl_seconds",
        "requests",
        "hits",
        "misses",
        "hit_rate",
    ]
    assert set(zip(frame["kind"], frame["ttl_seconds"], strict=True)) == {
        (kind, ttl)
        for kind in ("service", "statistics", "statistics-today", "all")
        for ttl in (60, 300, 3600)
    }
    assert frame["kind"].iloc[-1] == "all"
    for ttl, rows in frame.groupby("ttl_seconds"):
        kinds, everything = rows[rows["kind"] != "all"], rows[rows["kind"] == "all"].iloc[0]
        assert (
            kinds["requests"].sum()
            == everything["requests"]
            == (~recorded["outcome"].eq("error")).sum()
        )
        assert kinds["hits"].sum() == everything["hits"] == simulate(recorded, ttl).hits
        assert kinds["mean_bytes"].sum() == pytest.approx(everything["mean_bytes"])
        assert everything["peak_bytes"] <= kinds["peak_bytes"].sum()


def test_a_kinds_row_is_the_replay_of_its_own_events():
    recorded = mixed_events(2000, seed=4)
    frame = sweep(recorded, [900]).set_index("kind")
    only_statistics = simulate(recorded[recorded["kind"] == "statistics"], 900)
    assert frame.loc["statistics", "hits"] == only_statistics.hits
    assert frame.loc["statistics", "peak_bytes"] == only_statistics.peak_bytes


def test_sweep_without_kinds_has_only_all_rows():
    frame = sweep(mixed_events(500, seed=5), STANDARD_TTLS, by_kind=False)
    assert set(frame["kind"]) == {"all"}
    assert list(frame["ttl_seconds"]) == list(STANDARD_TTLS)


def test_hit_rate_never_falls_as_the_ttl_grows():
    # A longer TTL can only make each key's next miss later, so never adds a miss. (Peak
    # memory has no such rule: fewer, longer-lived copies can overlap less.)
    frame = sweep(mixed_events(5000, seed=7), STANDARD_TTLS)
    for _, rows in frame.groupby("kind"):
        ordered = rows.sort_values("ttl_seconds")
        assert ordered["hits"].is_monotonic_increasing
        assert ordered["hit_rate"].is_monotonic_increasing
    assert frame["hit_rate"].between(0, 1).all()


def swept(kind: str, rates: dict[int, float]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "kind": kind,
            "ttl_seconds": list(rates),
            "requests": 1000,
            "hits": [round(rate * 1000) for rate in rates.values()],
            "hit_rate": list(rates.values()),
            "peak_bytes": [ttl * 10 for ttl in rates],
        }
    )


def test_recommend_picks_the_shortest_ttl_within_a_point_of_the_best():
    frame = pd.concat(
        [
            swept("service", {60: 0.40, 300: 0.70, 3600: 0.895, 86400: 0.90, 604800: 0.90}),
            swept("all", {60: 0.1, 3600: 0.2}),
        ]
    )
    chosen = recommend(frame).set_index("kind")
    assert list(chosen.index) == ["service"]
    assert chosen.loc["service", "ttl_seconds"] == 3600
    assert chosen.loc["service", "hit_rate"] == 0.895
    assert chosen.loc["service", "best_ttl_seconds"] == 86400
    assert chosen.loc["service", "best_hit_rate"] == 0.90
    assert chosen.loc["service", "peak_bytes"] == 36000
    assert "within 1 percentage point" in chosen.loc["service", "reason"]


def test_recommend_keeps_the_best_when_nothing_shorter_comes_close():
    chosen = recommend(swept("templates", {60: 0.5, 3600: 0.8, 86400: 0.95})).iloc[0]
    assert chosen["ttl_seconds"] == 86400
    assert "best hit rate" in chosen["reason"]


def test_recommend_never_goes_past_a_freshness_cap():
    frame = swept("statistics-today", {60: 0.30, 300: 0.60, 3600: 0.80})
    chosen = recommend(frame).iloc[0]
    assert FRESHNESS_CAPS["statistics-today"].max_ttl_seconds == 60
    assert chosen["ttl_seconds"] == 60
    assert chosen["hit_rate"] == 0.30
    assert "capped at 1 min" in chosen["reason"]
    assert "daily limit" in chosen["reason"]


def test_recommend_takes_caps_and_tolerance_from_the_caller():
    frame = swept("service", {60: 0.5, 300: 0.86, 3600: 0.9})
    assert recommend(frame, tolerance=0.05).iloc[0]["ttl_seconds"] == 300
    capped = recommend(frame, caps={"service": FreshnessCap(120, "reasons")}).iloc[0]
    assert capped["ttl_seconds"] == 60
    assert "because reasons" in capped["reason"]


def test_recommend_chooses_the_shortest_when_nothing_repeats():
    chosen = recommend(swept("user", {60: 0.0, 3600: 0.0})).iloc[0]
    assert chosen["ttl_seconds"] == 60
    assert "no request was repeated" in chosen["reason"]


def test_recommend_from_a_real_sweep():
    recorded = mixed_events(4000, seed=11)
    chosen = recommend(sweep(recorded, STANDARD_TTLS)).set_index("kind")
    assert set(chosen.index) == {"service", "statistics", "statistics-today"}
    assert chosen.loc["statistics-today", "ttl_seconds"] <= 60
    assert chosen.loc["statistics", "ttl_seconds"] <= 3600
    assert (chosen["hit_rate"] >= chosen["best_hit_rate"] - 0.01).loc[["service"]].all()


def test_a_recording_too_short_to_tell_ttls_apart_keeps_the_current_ttl():
    # Ten minutes recorded: every TTL from 15 minutes on replays the same.
    frame = pd.concat(
        [
            swept("service", {60: 0.5, 300: 0.7, 900: 0.8, 3600: 0.8, 86400: 0.8}),
            swept("templates", {60: 0.5, 300: 0.7, 900: 0.8, 3600: 0.8, 86400: 0.8}),
            swept("statistics-today", {60: 0.5, 300: 0.7, 900: 0.8, 3600: 0.8}),
        ]
    )
    chosen = recommend(
        frame,
        current={"service": 86400, "statistics-today": 60, "statistics": 300},
        recording_seconds=600,
    ).set_index("kind")

    assert chosen.loc["service", "ttl_seconds"] == 86400
    assert chosen.loc["service", "current_ttl_seconds"] == 86400
    assert chosen.loc["service", "hit_rate"] == 0.8
    assert "recording (10 min) is too short" in chosen.loc["service", "reason"]
    assert "TTLs of 15 min and more: keeping the current" in chosen.loc["service", "reason"]
    # With no current TTL, the shortest of those the replay cannot tell apart.
    assert "keeping the shortest" in chosen.loc["templates", "reason"]
    assert chosen.loc["templates", "ttl_seconds"] == 900
    assert pd.isna(chosen.loc["templates", "current_ttl_seconds"])
    # A cap still holds.
    assert chosen.loc["statistics-today", "ttl_seconds"] == 60
    assert "capped at 1 min" in chosen.loc["statistics-today", "reason"]


def test_a_current_ttl_over_its_cap_is_brought_down_to_it():
    frame = swept("statistics-today", {60: 0.8, 300: 0.8})
    chosen = recommend(frame, current={"statistics-today": 300}, recording_seconds=30).iloc[0]
    assert chosen["ttl_seconds"] == 60
    assert "because today's use of the daily limit must be current" in chosen["reason"]


def test_a_long_enough_recording_decides_on_its_own():
    frame = swept("service", {60: 0.5, 300: 0.7, 900: 0.8, 3600: 0.8})
    chosen = recommend(frame, current={"service": 3600}, recording_seconds=86400).iloc[0]
    assert chosen["ttl_seconds"] == 900
    assert chosen["current_ttl_seconds"] == 3600


def test_recommend_says_when_the_shortest_ttl_is_already_the_best():
    chosen = recommend(swept("service", {60: 0.9, 300: 0.9})).iloc[0]
    assert chosen["ttl_seconds"] == 60
    assert "the shortest TTL replayed already has the best hit rate" in chosen["reason"]
    close = recommend(swept("service", {60: 0.895, 300: 0.9})).iloc[0]
    assert close["ttl_seconds"] == 60
    assert "within 1 percentage point of the best (90.0% at 5 min)" in close["reason"]


def test_a_recording_stretched_over_a_working_day_keeps_its_lookups_and_their_order():
    recorded = pd.DataFrame(
        {
            "at": [100.0, 101.0, 130.0],
            "kind": ["service"] * 3,
            "key": ["a", "b", "a"],
            "outcome": ["miss", "miss", "hit"],
            "size_bytes": [10, 10, 10],
        }
    )

    day = stretched(recorded, WORKING_DAY_SECONDS)

    assert list(day["at"]) == [100.0, 100.0 + WORKING_DAY_SECONDS / 30, 100.0 + WORKING_DAY_SECONDS]
    assert list(day["key"]) == ["a", "b", "a"]
    assert list(recorded["at"]) == [100.0, 101.0, 130.0]
    # Thirty seconds could not tell a 5-minute TTL from a day; stretched to 8 hours, it can.
    assert simulate(recorded, 5 * MINUTE).hits == simulate(recorded, DAY).hits == 1
    assert simulate(day, 5 * MINUTE).hits == 0 and simulate(day, DAY).hits == 1


def test_a_suggestion_needs_a_recording_longer_than_its_ttl():
    assert recording_needed(5 * MINUTE) == "more than 5 min"
    assert recording_needed(DAY) == "more than 1 d"
