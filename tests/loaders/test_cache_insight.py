"""The Cache page's numbers: every outcome counted by kind, the totals, the key census."""

import json
from datetime import UTC, datetime
from uuid import uuid4

import pandas as pd
import pytest
import redis

from dashboard.cache import inspection, telemetry
from dashboard.cache.connection import client_options
from dashboard.cache.policy import DEFAULT_TTLS
from dashboard.cache.request_cache import (
    HELD_ELSEWHERE,
    MOVED_ON,
    REFRESHED,
    CacheRequest,
    RequestCache,
)
from dashboard.loaders.cache_insight import (
    CACHE_OFF,
    bytes_in_words,
    census_summary,
    hours_in_london,
    latency,
    load_cache_insight,
    load_keys,
    period_words,
    rates,
    refresh_words,
    totals,
    zones_of,
)
from dashboard.notify_client import build_clients
from dashboard.settings import Settings
from tests.conftest import TEST_API, settings_for_tests
from tests.redis_server import free_port
from tests.samples import sample_body

HOUR = datetime(2026, 11, 27, 10, tzinfo=UTC)


def counter_rows(rows: list[tuple[str, str, int, float]]) -> list[dict[str, object]]:
    """Counter rows of one hour, as `telemetry.read_counts` gives them: kind, outcome, count,
    milliseconds."""
    return [
        {"hour": HOUR, "kind": kind, "outcome": outcome, "count": count, "milliseconds": ms}
        for kind, outcome, count, ms in rows
    ]


def census(counted: int, capped: bool, total: int, taken_at: float) -> inspection.Census:
    kinds = (inspection.KindCensus("service", counted, min(counted, 50), 1000 * min(counted, 50)),)
    return inspection.Census(kinds, counted, capped, 10_000, total, taken_at)


def test_rates_count_every_outcome_and_latency_per_kind():
    counts = counter_rows(
        [
            ("service", "hit", 3, 3.0),
            ("service", "miss", 1, 40.0),
            ("service", "error", 1, 250.0),
            ("statistics", "miss", 2, 100.0),
        ]
    )

    by_kind = rates(counts, "kind").set_index("kind")

    assert by_kind.loc["service", "lookups"] == 5
    assert by_kind.loc["service", "hit_rate"] == pytest.approx(3 / 5)
    assert by_kind.loc["service", "hit_ms"] == pytest.approx(1.0)
    assert by_kind.loc["service", "miss_ms"] == pytest.approx(40.0)
    assert by_kind.loc["statistics", "hit_rate"] == 0.0
    assert pd.isna(by_kind.loc["statistics", "hit_ms"])


def test_totals_are_hits_over_every_lookup_of_every_kind():
    counts = counter_rows(
        [
            ("service", "hit", 6, 6.0),
            ("service", "corrupt", 1, 2.0),
            ("statistics", "miss", 2, 80.0),
            ("statistics", "error", 1, 250.0),
        ]
    )

    found = totals(rates(counts, "kind"))

    assert found.hit_rate == pytest.approx(6 / 10)
    assert (found.api_calls_saved, found.errors, found.corrupt) == (6, 1, 1)


def test_latency_lists_only_kinds_with_hits_and_misses_and_the_speed_up():
    counts = counter_rows(
        [
            ("service", "hit", 2, 4.0),
            ("service", "miss", 1, 50.0),
            ("statistics", "miss", 2, 80.0),
        ]
    )

    found = latency(rates(counts, "kind"))

    assert found.to_dict("records") == [
        {"kind": "service", "hit_ms": 2.0, "miss_ms": 50.0, "speed_up": 25.0}
    ]


def test_hits_misses_and_stale_copies_are_counted_by_kind(requests_mock, clients, redis_client):
    service_id = str(uuid4())
    url = f"{TEST_API}/service/{service_id}"
    requests_mock.get(url, json=sample_body("GET_service"))
    clients.services.get_service(service_id)  # miss
    clients.services.get_service(service_id)  # hit
    redis_client.delete(f"service-{service_id}")
    requests_mock.get(url, status_code=500, json={})
    clients.services.get_service(service_id)  # stale: the API failed, the copy stood in

    insight = load_cache_insight(clients, "test Redis", hours=1)

    row = insight.by_kind.set_index("kind").loc["service"]
    assert (row["hit"], row["miss"], row["stale"], row["invalid"], row["lookups"]) == (
        1,
        1,
        1,
        0,
        3,
    )
    assert row["hit_rate"] == pytest.approx(1 / 3)
    assert insight.totals is not None and insight.totals.api_calls_saved == 1
    assert insight.error is None


def test_with_nothing_recorded_there_are_no_rates_and_no_totals(clients):
    insight = load_cache_insight(clients, "test Redis", hours=1)

    assert insight.by_kind.empty and insight.totals is None and insight.error is None
    assert insight.refreshes == (
        "No value was refreshed before it expired in the last 1 hour: not ahead of a read, "
        "nor by the warm-up job (python -m dashboard.warm)."
    )


def _near_its_end(client: redis.Redis) -> str:
    """A current value with 10 s of its 100 s left: past its refresh point (20 s)."""
    key = f"thing-{uuid4()}"
    client.set(key, json.dumps({"n": "old"}), px=10_000)
    return key


def test_refreshes_of_every_process_are_counted_in_redis_and_said_in_words(clients, redis_client):
    def failing() -> object:
        raise ConnectionError("the API is down")

    processes = [
        RequestCache(redis_client, {"thing": 100}, refresh_ahead={"thing": 0.2}) for _ in (1, 2)
    ]
    for process in processes:
        for _ in range(2):
            process.fetch(_near_its_end(redis_client), "thing", lambda: {"n": "new"})
        process.fetch(_near_its_end(redis_client), "thing", failing)
        process.wait_for_refreshes()
        process.refresh(CacheRequest(f"thing-{uuid4()}", "thing", lambda: {"n": "new"}), 0)
        process.flush_telemetry()  # as its next Redis command would
    # Refreshes that were not due are not counted.
    processes[0].refresh(CacheRequest(_near_its_end(redis_client), "thing", dict), 0)

    insight = load_cache_insight(clients, "test Redis", hours=1)

    assert insight.refreshes == (
        "In the last 1 hour, 4 values read in the last part of their life were refreshed "
        "ahead in the background, while readers were served the current value. 2 of these "
        "refreshes failed: those values and their last good copies stayed as they were. "
        "The warm-up job refreshed 2 values before they expired."
    )
    # Refreshes are not lookups: neither in the hit rates nor in the replayable stream.
    assert insight.by_kind.set_index("kind").loc["thing", "lookups"] == 6
    assert len(telemetry.read_events(redis_client)) == 6


def test_refresh_words_name_refreshes_left_to_others_and_those_an_update_overtook():
    rows = [
        {"by": telemetry.AHEAD, "done": REFRESHED, "count": 1},
        {"by": telemetry.AHEAD, "done": HELD_ELSEWHERE, "count": 3},
        {"by": telemetry.WARM_UP, "done": MOVED_ON, "count": 2},
    ]

    assert refresh_words(rows, 24) == (
        "In the last 24 hours, 1 value read in the last part of its life was refreshed ahead "
        "in the background, while readers were served the current value. 3 of these "
        "refreshes found another reader already loading the value, and left it to them. The "
        "warm-up job refreshed 0 values before they expired. 2 of its refreshes were not "
        "kept: a service update came first."
    )


def test_with_the_cache_off_the_page_says_so():
    clients = build_clients(settings_for_tests(), RequestCache(None, DEFAULT_TTLS))

    assert load_cache_insight(clients, "cache off").error == CACHE_OFF
    assert load_keys(clients, count_now=True).error == CACHE_OFF


def test_a_redis_that_does_not_answer_is_a_message_not_an_error():
    down = redis.Redis(port=free_port(), **client_options(Settings()))
    clients = build_clients(settings_for_tests(), RequestCache(down, DEFAULT_TTLS))

    for found in (load_cache_insight(clients, "down"), load_keys(clients)):
        assert found.error == (
            "Redis did not answer (ConnectionError); pages read from the API meanwhile."
        )


def test_keys_are_counted_only_when_asked(clients, redis_client):
    redis_client.set(f"service-{uuid4()}", "{}")

    before = load_keys(clients)
    counted = load_keys(clients, count_now=True, max_keys=100)
    after = load_keys(clients)

    assert (before.summary, before.keys, before.census.empty) == (None, 0, True)
    assert before.memory["used_memory_human"]
    assert counted.census.set_index("kind").loc["service", "keys"] == 1
    assert counted.summary == "Counted every key in Redis, 1 in all (under a minute old)."
    assert after.census.equals(counted.census)


def test_the_summary_gives_the_census_age_and_its_cap():
    now = 1_800_000_000.0

    assert census_summary(census(420, False, 420, now - 300), now) == (
        "Counted every key in Redis, 420 in all (5 minutes old)."
    )
    assert census_summary(census(10_000, True, 52_113, now - 30), now) == (
        "Counted 10,000 of the 52,113 keys in Redis (under a minute old): a census stops at "
        "10,000 keys (CACHE_CENSUS_MAX_KEYS), so the kinds below are those of the first keys "
        "Redis gave."
    )


def test_periods_and_sizes_read_as_words():
    assert [period_words(hours) for hours in (1, 6, 24, 72, 168, 720)] == [
        "1 hour",
        "6 hours",
        "24 hours",
        "3 days",
        "7 days",
        "30 days",
    ]
    assert bytes_in_words(12_594_000) == "12.0 MB"
    assert bytes_in_words(1) == "1 byte"
    assert bytes_in_words(900) == "900 bytes"
    assert bytes_in_words(None) == "–"
    assert bytes_in_words("12.01M") == "–"


def test_hours_are_named_in_london_time_in_winter_and_summer():
    by_hour = pd.DataFrame(
        {
            "hour": [
                datetime(2026, 1, 15, 9, tzinfo=UTC),
                datetime(2026, 7, 15, 9, tzinfo=UTC),
            ],
            "hit_rate": [0.5, 0.9],
        }
    )

    london = hours_in_london(by_hour)

    assert list(london["hour_label"]) == ["15 Jan 09:00 GMT", "15 Jul 10:00 BST"]
    assert list(london["london_hour"].dt.hour) == [9, 10]
    assert zones_of(by_hour) == "GMT and BST"
    assert "hour_label" not in by_hour


def test_rates_by_hour_are_in_time_order_with_whole_counts_and_no_unknown_outcome():
    later = datetime(2026, 11, 27, 11, tzinfo=UTC)
    rows = [
        {"hour": later, "kind": "service", "outcome": "hit", "count": 4, "milliseconds": 8.0},
        {"hour": HOUR, "kind": "service", "outcome": "miss", "count": 1, "milliseconds": 30.0},
        {"hour": HOUR, "kind": "statistics", "outcome": "hit", "count": 1, "milliseconds": 1.0},
        {"hour": HOUR, "kind": "service", "outcome": "unheard-of", "count": 9, "milliseconds": 0.0},
    ]

    by_hour = rates(rows, "hour")

    assert list(by_hour["hour"]) == [HOUR, later]
    assert list(by_hour["lookups"]) == [2, 4]
    assert list(by_hour["hit_rate"]) == [0.5, 1.0]
    assert list(by_hour["miss_ms"].fillna(-1)) == [30.0, -1]
    assert all(pd.api.types.is_integer_dtype(by_hour[name]) for name in telemetry.OUTCOMES)
