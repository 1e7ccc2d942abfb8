"""What a warm view costs the server process besides its script: the serving settings that
made every view pay for the whole process, and the charts built once per version of their data
(README, "Fifty readers at once")."""

import ast
import json
import tomllib
from collections import OrderedDict
from pathlib import Path

import pytest
from streamlit.runtime.scriptrunner import magic

from dashboard.app_pages import cache_charts, chart_specs, charts, platform_charts
from tests.app.conftest import APP, open_page
from tests.app.test_cache_page import PAGE as CACHE_PAGE
from tests.app.test_cache_page import record_lookups

CONFIG = Path(APP).parents[1] / ".streamlit" / "config.toml"


def test_a_served_dashboard_neither_watches_its_files_nor_collects_all_garbage_after_a_run():
    """Both are Streamlit's defaults, and each cost every view of a warm page more server CPU
    than the page's script itself."""
    config = tomllib.loads(CONFIG.read_text())

    assert config["server"]["fileWatcherType"] == "none"
    assert config["runner"]["postScriptGC"] is False


class Counted:
    """A chart function that counts its calls, under the name of the one it stands for."""

    def __init__(self, build):
        self.build = build
        self.calls = 0
        self.__module__ = build.__module__
        self.__qualname__ = build.__qualname__

    def __call__(self, *inputs):
        self.calls += 1
        return self.build(*inputs)


@pytest.fixture
def no_specs_yet(monkeypatch):
    monkeypatch.setattr(chart_specs, "_specs", OrderedDict())


def test_the_overviews_trend_chart_is_built_once_for_two_readers(
    app_environment, no_specs_yet, monkeypatch
):
    trend = Counted(platform_charts.daily_trend)
    monkeypatch.setattr(platform_charts, "daily_trend", trend)

    first, second = open_page(), open_page()

    assert not first.exception and not second.exception
    assert trend.calls == 1
    assert first.get("vega_lite_chart")[0].proto.spec == second.get("vega_lite_chart")[0].proto.spec


@pytest.mark.parametrize("chart", ["day_by_day", "allowance_by_month"])
def test_a_service_page_chart_is_built_once_for_two_readers(
    app_environment, no_specs_yet, monkeypatch, sandbox_db, chart
):
    """The allowance chart's input carries the year-end forecast and the months ahead's
    range: equal for two readers of the same data, so one build, as the day by day's."""
    service_id = sandbox_db.execute("SELECT id FROM services ORDER BY sid LIMIT 1").fetchone()[0]
    counted = Counted(getattr(charts, chart))
    monkeypatch.setattr(charts, chart, counted)

    first, second = (open_page(service_id=service_id) for _ in range(2))

    assert not first.exception and not second.exception
    assert counted.calls == 1


def test_the_cache_pages_charts_are_built_once_while_their_figures_change(
    app_environment, no_specs_yet, monkeypatch, redis_client
):
    """The Cache page's counters change with every lookup, its own views' too: its charts'
    forms are built once, and each view draws them with its own figures."""
    record_lookups(redis_client, hours_ago=2)
    record_lookups(redis_client, hours_ago=3)
    by_kind = Counted(cache_charts.hit_rate_by_kind)
    by_hour = Counted(cache_charts.hit_rate_by_hour)
    monkeypatch.setattr(cache_charts, "hit_rate_by_kind", by_kind)
    monkeypatch.setattr(cache_charts, "hit_rate_by_hour", by_hour)

    first = open_page(CACHE_PAGE)
    record_lookups(redis_client, hours_ago=2)
    second = open_page(CACHE_PAGE)

    assert not first.exception and not second.exception
    assert (by_kind.calls, by_hour.calls) == (1, 1)
    first_charts, second_charts = first.get("vega_lite_chart"), second.get("vega_lite_chart")
    assert len(first_charts) == len(second_charts) == 2
    for before, after in zip(first_charts, second_charts, strict=True):
        assert before.proto.spec == after.proto.spec
        assert not {"data", "datasets"} & set(json.loads(after.proto.spec))
        assert before.proto.data.data != after.proto.data.data


def test_no_page_writes_a_bare_expression_so_magic_can_stay_off():
    """With `runner.magicEnabled` off, a bare expression in a page would silently show
    nothing; with it on, every compile of a page walks its syntax tree."""
    config = tomllib.loads(CONFIG.read_text())
    scripts = [Path(APP), *sorted((Path(APP).parent / "app_pages").glob("*.py"))]

    magic_writes = {
        script.name: ast.unparse(magic.add_magic(script.read_text(), str(script))).count(
            "transparent_write"
        )
        for script in scripts
    }

    assert config["runner"]["magicEnabled"] is False
    assert set(magic_writes.values()) == {0}, magic_writes
