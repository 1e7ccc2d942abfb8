"""The working day's arithmetic, its plan, and one tiny day replayed for real."""

from pathlib import Path

import pytest

from dashboard.cache.request_cache import Lookup
from devtools import working_day
from devtools.traffic import View


def lookup(kind: str, outcome: str, milliseconds: float = 5.0) -> Lookup:
    return Lookup(f"{kind}-key", kind, outcome, None, milliseconds)


def test_percentiles_are_nearest_rank():
    values = list(range(1, 101))

    assert working_day.percentile(values, 0.5) == 50
    assert working_day.percentile(values, 0.99) == 99
    assert working_day.percentile([], 0.99) == 0.0


def test_platform_kinds_include_their_closed_and_settled_forms_and_nothing_per_service():
    assert working_day.is_platform_kind("services")
    assert working_day.is_platform_kind("volumes-by-service-settled")
    assert not working_day.is_platform_kind("service")
    assert not working_day.is_platform_kind("statistics")


def test_a_view_waited_for_what_was_not_a_hit():
    view = working_day.view_result(
        "service",
        40.0,
        [lookup("services", "hit"), lookup("statistics", "miss"), lookup("service", "hit")],
        None,
    )
    platform = working_day.view_result("overview", 9.0, [lookup("services", "miss")], None)

    assert view.waited_api and not view.waited_platform
    assert platform.waited_platform and platform.platform_waits == ("services",)


def test_a_view_lists_its_misses_slowest_first_with_whose_load_it_waited_for():
    lookups = [
        Lookup("service-1", "service", "hit", None, 1.0),
        Lookup("services", "services", "miss", None, 40.0, waited_for="lock"),
        Lookup("service-1-statistics-7", "statistics", "miss", None, 90.0),
    ]

    view = working_day.view_result("service", 120.0, lookups, None)

    assert view.waits == (
        "statistics miss 90 ms service-1-statistics-7",
        "services miss 40 ms (lock) services",
    )


def test_a_small_key_made_from_cached_answers_waits_for_the_api_only_through_them():
    made = Lookup("window-counts-2026-11-20-2026-11-26", "window-counts", "miss", None, 30.0)
    followed = Lookup(
        "day-counts-2026-11-20", "daily-counts", "miss", None, 9.0, waited_for="flight"
    )

    assert not working_day.view_result("all-services", 50.0, [made], None).waited_api
    assert working_day.view_result("service", 50.0, [followed], None).waited_api


def test_the_slowest_one_percent_of_views_are_reported_with_what_they_waited_for():
    views = [working_day.ViewResult("service", float(ms), False, (), None) for ms in range(199)]
    slow = working_day.ViewResult("overview", 900.0, True, (), None, ("services miss 800 ms",))
    day = working_day.DayFigures("warm-up job", [*views, slow], 0, 60.0)

    assert working_day.slowest(day) == [slow, views[-1]]
    assert "  overview 900 ms: services miss 800 ms" in working_day.slowest_report([day])


def test_the_day_is_the_same_for_the_same_seed_and_spread_over_it():
    ids = [f"service-{n}" for n in range(30)]

    day = working_day.plan_day(ids, 200, 60.0, seed=3)

    assert day == working_day.plan_day(ids, 200, 60.0, seed=3)
    assert len(day) == 200
    assert all(0 <= start <= 60.0 for start, _ in day)
    assert [start for start, _ in day] == sorted(start for start, _ in day)
    assert any(view == View(working_day.OVERVIEW) for _, view in day)


@pytest.mark.slow
def test_a_tiny_day_is_replayed_and_reported(tmp_path: Path):
    figures = working_day.run(
        views=12,
        hours=1,
        compress=1800,
        services=20,
        ways=("nothing ahead", "warm-up + refresh ahead"),
        data_dir=tmp_path,
    )

    assert [len(day.views) for day in figures] == [12, 12]
    assert all(view.failed is None for day in figures for view in day.views)
    assert figures[0].share(lambda view: view.waited_platform) > 0  # it began cold
    table = working_day.report(figures)
    assert "| nothing ahead | 12 |" in table and "| warm-up + refresh ahead | 12 |" in table
