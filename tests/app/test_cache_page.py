"""The Cache page: hit rates from the telemetry, keys by kind, and emptying one service."""

import json
import re
import time
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pandas as pd
import redis
from streamlit.testing.v1 import AppTest

from dashboard.cache import telemetry
from dashboard.cache.inspection import kind_of
from dashboard.runtime import forget_shared_runtime
from tests.app.conftest import open_page

PAGE = "app_pages/cache.py"


def first_service(sandbox_db) -> str:
    return sandbox_db.execute("SELECT id FROM services ORDER BY sid LIMIT 1").fetchone()[0]


def census_tables(at: AppTest) -> list[pd.DataFrame]:
    return [frame.value for frame in at.dataframe if "estimated_bytes" in frame.value.columns]


def test_hit_rates_and_keys_after_a_page_was_read_twice(app_environment, sandbox_db):
    service_id = first_service(sandbox_db)
    open_page(service_id=service_id)
    open_page(service_id=service_id)

    at = open_page(PAGE)

    assert not at.exception
    shown = {metric.label: metric.value for metric in at.metric}
    # Every lookup of the second read hit; the first also looked up the detailed lists its
    # small window and day keys were made from, so the rate is a little under a half.
    assert float(shown["Hit rate"].rstrip("%")) > 35
    by_kind = at.dataframe[0].value
    service_row = by_kind.set_index("kind").loc["service"]
    assert (service_row["hit"], service_row["miss"]) == (1, 1)
    assert census_tables(at) == [], "no key census until one is asked for"

    at.button(key="count_keys").click().run()

    assert not at.exception
    (census,) = (table.set_index("kind") for table in census_tables(at))
    assert census.loc["service", "keys"] == 1
    assert census.loc["statistics", "keys"] == 1
    assert any("Counted every key in Redis" in caption.value for caption in at.caption)


def test_with_nothing_recorded_the_page_says_how_to_fill_it(app_environment, monkeypatch):
    monkeypatch.setenv("CACHE_TELEMETRY", "0")
    forget_shared_runtime()

    at = open_page(PAGE)

    assert not at.exception
    assert any("make traffic" in info.value for info in at.info)


def test_emptying_one_services_keys(app_environment, sandbox_db, redis_client):
    service_id = first_service(sandbox_db)
    open_page(service_id=service_id)
    assert redis_client.exists(f"service-{service_id}")

    at = open_page(PAGE)
    at.selectbox[0].select(service_id).run()
    at.button(key="empty_service").click().run()

    assert not at.exception
    assert "Emptied the cache" in at.success[0].value
    remaining = [key.decode() for key in redis_client.scan_iter()]
    assert not [key for key in remaining if service_id in key]
    assert "services" in {kind_of(key) for key in remaining}


def record_lookups(client: redis.Redis, hours_ago: int) -> None:
    """Counters as the dashboard records them, in the hour that was `hours_ago` hours ago."""
    key = telemetry.counts_key(telemetry.hour_bucket(time.time() - hours_ago * 3600))
    client.hincrby(key, "service:hit", 3)
    client.hincrby(key, "service:miss", 1)


def hour_tables(at: AppTest) -> list[pd.DataFrame]:
    return [frame.value for frame in at.dataframe if "hour_label" in frame.value.columns]


def charts(at: AppTest) -> int:
    return len(at.get("vega_lite_chart"))


def test_one_hour_of_lookups_is_a_table_not_a_lone_dot(app_environment, redis_client):
    record_lookups(redis_client, hours_ago=2)

    at = open_page(PAGE)

    assert not at.exception
    assert any("Only one hour has lookups" in info.value for info in at.info)
    (table,) = hour_tables(at)
    assert len(table) == 1
    assert charts(at) == 1  # hit rate by kind; none by hour


def test_two_hours_of_lookups_are_a_line_with_its_table(app_environment, redis_client):
    record_lookups(redis_client, hours_ago=2)
    record_lookups(redis_client, hours_ago=3)

    at = open_page(PAGE)

    assert not at.exception
    assert not any("Only one hour" in info.value for info in at.info)
    (table,) = hour_tables(at)
    assert len(table) == 2
    assert charts(at) == 2


def chart_specs(at: AppTest) -> list[dict]:
    return [json.loads(chart.proto.spec) for chart in at.get("vega_lite_chart")]


def test_hit_rates_run_from_none_to_all_in_london_time_with_the_zone_named(
    app_environment, redis_client
):
    record_lookups(redis_client, hours_ago=2)
    record_lookups(redis_client, hours_ago=3)

    at = open_page(PAGE)

    specs = chart_specs(at)
    scales = [spec["encoding"][axis]["scale"] for spec, axis in zip(specs, ("x", "y"), strict=True)]
    assert scales == [{"domain": [0.0, 1.0]}, {"domain": [0.0, 1.0]}]
    zone = datetime.now(ZoneInfo("Europe/London")).tzname()
    assert specs[1]["encoding"]["x"]["title"] == f"Hour, London time ({zone})"
    (table,) = hour_tables(at)
    expected = (datetime.now(ZoneInfo("Europe/London")) - timedelta(hours=2)).strftime("%H:00")
    assert any(label.endswith(f"{expected} {zone}") for label in table["hour_label"])


def test_periods_and_memory_are_in_words(app_environment, redis_client):
    record_lookups(redis_client, hours_ago=1)

    at = open_page(PAGE)

    assert at.sidebar.select_slider[0].options[:3] == ["1 hour", "6 hours", "24 hours"]
    assert at.sidebar.select_slider[0].options[-1] == "30 days"
    memory = {metric.label: metric.value for metric in at.metric}
    assert re.fullmatch(r"\d+\.\d (KB|MB|GB)", memory["Memory used"])
    assert re.fullmatch(r"\d+\.\d (KB|MB|GB)", memory["Peak memory"])


def test_refreshes_before_expiry_are_said_in_words(app_environment, redis_client):
    pipe = redis_client.pipeline()
    now = time.time()
    telemetry.add_to_pipeline(
        pipe,
        [
            *[telemetry.RefreshEvent("services", telemetry.AHEAD, "refreshed", now)] * 3,
            telemetry.RefreshEvent("services", telemetry.AHEAD, "failed", now),
            telemetry.RefreshEvent("billing-report", telemetry.WARM_UP, "refreshed", now),
        ],
    )
    pipe.execute()

    at = open_page(PAGE)

    assert not at.exception
    assert "Refreshed before they expired" in [header.value for header in at.header]
    (words,) = [text.value for text in at.markdown if "refreshed ahead" in text.value]
    assert "3 values read in the last part of their life were refreshed ahead" in words
    assert "1 of these refreshes failed" in words
    assert "The warm-up job refreshed 1 value before it expired" in words
