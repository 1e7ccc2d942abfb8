"""`--latency platform`: each endpoint as slow as the real API at the platform's size.

Checked by the delay the sandbox asks for (time.sleep is replaced), never by timing it.
"""

import time
from datetime import date
from pathlib import Path

import pytest

from notify_sandbox import create_app
from notify_sandbox.__main__ import parse_arguments
from notify_sandbox.platform_latency import platform_seconds, route_path
from tests.sandbox.helpers import CLIENT_ID, SECRET, SERVICES, get, unknown_id

TODAY = date(2026, 12, 2)
YEAR = 2026


@pytest.fixture
def asked_delays(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """The delays the sandbox asks for, instead of waiting them."""
    delays: list[float] = []
    monkeypatch.setattr(time, "sleep", delays.append)
    return delays


def seconds(rule: str, services: int = 2000, view: str = "", **arguments: str) -> float:
    return platform_seconds(rule, view, arguments, services, TODAY, YEAR)


def test_a_rule_is_named_without_its_converters() -> None:
    assert route_path("/service/<uuid:service_id>/statistics") == "/service/<>/statistics"


@pytest.mark.parametrize(
    ("rule", "arguments", "expected"),
    [
        ("/service/live-services-data", {}, 10.5),
        ("/service", {}, 5.1),
        ("/organisations", {}, 0.978),
        ("/service", {"detailed": "True"}, 0.140),
        (
            "/service",
            {"detailed": "True", "start_date": "2026-11-26", "end_date": "2026-12-02"},
            0.318,
        ),
        (
            "/service",
            {"detailed": "True", "start_date": "2026-11-03", "end_date": "2026-12-02"},
            0.971,
        ),
        ("/platform-stats", {"start_date": "2026-12-02", "end_date": "2026-12-02"}, 0.061),
        (
            "/platform-stats/volumes-by-service",
            {"start_date": "2026-12-01", "end_date": "2026-12-01"},
            0.056,
        ),
        (
            "/platform-stats/volumes-by-service",
            {"start_date": "2025-04-01", "end_date": "2026-03-31"},
            3.056,
        ),
        (
            "/platform-stats/data-for-billing-report",
            {"start_date": "2026-04-01", "end_date": "2026-12-01"},
            3.080,
        ),
        (
            "/service/monthly-data-by-service",
            {"start_date": "2025-12-01", "end_date": "2026-11-30"},
            3.879,
        ),
    ],
)
def test_platform_wide_calls_cost_what_the_table_says_at_2000_services(
    rule: str, arguments: dict[str, str], expected: float
) -> None:
    assert seconds(rule, **arguments) == pytest.approx(expected)


def test_a_range_between_the_measured_ones_costs_between_them() -> None:
    three_months = seconds(
        "/platform-stats/volumes-by-service", start_date="2026-09-01", end_date="2026-11-30"
    )

    assert 0.056 < three_months < 2.359


def test_platform_wide_calls_scale_with_the_services_held() -> None:
    assert seconds("/service", services=1000) == pytest.approx(2.55)
    assert seconds("/service/live-services-data", services=200) == pytest.approx(1.05)


def test_calls_about_one_service_cost_the_same_at_any_size() -> None:
    rule = "/service/<uuid:service_id>/billing/monthly-usage"

    assert seconds(rule, services=80, year="2026") == seconds(rule, year="2026") == 1.504
    assert seconds(rule, year="2025") == 0.016
    assert seconds("/service/<uuid:service_id>/statistics", services=80, today_only="True") == 0.011
    assert seconds("/service/<uuid:service_id>/statistics", limit_days="7") == 0.033


def test_what_was_not_measured_at_size_takes_the_small_data_sets_median() -> None:
    assert seconds("/service/<uuid:service_id>", view="get_service") == 0.006
    assert seconds("/user/<uuid:user_id>", view="get_user") == 0.0


def test_dates_that_do_not_parse_cost_a_single_day() -> None:
    assert seconds("/platform-stats/volumes-by-service", start_date="x") == pytest.approx(0.056)


def test_platform_latency_does_not_delay_failures(
    sandbox_database: Path, asked_delays: list[float]
) -> None:
    client = create_app(sandbox_database, CLIENT_ID, SECRET, latency="platform").test_client()

    get(client, f"/service/{unknown_id()}")
    get(client, "/platform-stats/volumes-by-service", start_date="nope", end_date="2026-01-01")

    assert asked_delays == []


def test_the_command_line_takes_platform_latency() -> None:
    assert parse_arguments(["--latency", "platform"]).latency == "platform"


def test_the_sandbox_holds_the_services_list_by_its_size_times_the_scale(
    sandbox_database: Path, asked_delays: list[float]
):
    """5.1 s at 2,000 services is 204 ms at 80; a scale of 100 makes it 20.4 s, so that the
    sandbox's own work (a few ms) hardly counts."""
    app = create_app(sandbox_database, CLIENT_ID, SECRET, latency="platform", latency_scale=100)

    get(app.test_client(), "/service")

    assert len(asked_delays) == 1
    assert 100 * 5.1 * SERVICES / 2000 - 1 < asked_delays[0] <= 100 * 5.1 * SERVICES / 2000
