"""What the sandbox adds for benchmarks: request counts by route, and the real API's latency.

Latency is checked by the delay the sandbox asks for, not by timing it: speed is measured by
`make bench`, as ratios.
"""

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from flask.testing import FlaskClient

from notify_sandbox import create_app
from notify_sandbox.__main__ import parse_arguments
from notify_sandbox.clock import london_today
from notify_sandbox.real_latency import median_seconds
from notify_sandbox.serving import BackgroundSandbox
from tests.samples import sample_service_id
from tests.sandbox.helpers import CLIENT_ID, SECRET, bearer, get, unknown_id


def this_financial_year() -> int:
    today = london_today()
    return today.year if today.month >= 4 else today.year - 1


def counts(client: FlaskClient) -> dict[str, int]:
    response = client.get("/_sandbox/requests")
    assert response.status_code == 200
    return response.get_json()["requests"]


def test_requests_are_counted_by_route_without_a_token_to_read_them(
    sandbox_database: Path,
) -> None:
    client = create_app(sandbox_database, CLIENT_ID, SECRET).test_client()
    service = f"/service/{sample_service_id()}"

    get(client, service)
    get(client, f"/service/{unknown_id()}")
    get(client, f"{service}/statistics", limit_days=7)
    client.get(service)  # refused: no token
    get(client, "/no-such-path")
    client.get("/_status")

    assert counts(client) == {
        "GET (no route)": 1,
        "GET /service/<service_id>": 3,
        "GET /service/<service_id>/statistics": 1,
    }


def test_counts_start_again_from_zero(sandbox_database: Path) -> None:
    client = create_app(sandbox_database, CLIENT_ID, SECRET).test_client()
    get(client, "/service/live-services-data")

    response = client.delete("/_sandbox/requests")
    get(client, "/service")

    assert response.get_json() == {"requests": {}}
    assert counts(client) == {"GET /service": 1}


def test_each_app_counts_its_own_requests(sandbox_database: Path) -> None:
    first = create_app(sandbox_database, CLIENT_ID, SECRET).test_client()
    second = create_app(sandbox_database, CLIENT_ID, SECRET).test_client()

    get(first, "/service")

    assert counts(first) == {"GET /service": 1}
    assert counts(second) == {}


@pytest.fixture
def served(sandbox_database: Path) -> Iterator[BackgroundSandbox]:
    sandbox = BackgroundSandbox(sandbox_database, CLIENT_ID, SECRET).start()
    yield sandbox
    sandbox.stop()


def test_a_background_sandbox_counts_what_it_served_over_http(served: BackgroundSandbox) -> None:
    for _ in range(3):
        requests.get(f"{served.url}/service/{sample_service_id()}", headers=bearer(), timeout=5)
    requests.get(f"{served.url}/service", headers=bearer(), timeout=5)

    over_http = requests.get(f"{served.url}/_sandbox/requests", timeout=5).json()["requests"]

    assert (
        served.request_counts()
        == over_http
        == {
            "GET /service": 1,
            "GET /service/<service_id>": 3,
        }
    )
    served.reset_request_counts()
    assert served.request_counts() == {}


@pytest.fixture
def asked_delays(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """The delays the sandbox asks for, instead of waiting them."""
    delays: list[float] = []
    monkeypatch.setattr(time, "sleep", delays.append)
    return delays


def test_real_latency_holds_current_year_monthly_usage_for_about_1_4_seconds(
    sandbox_database: Path, asked_delays: list[float]
) -> None:
    client = create_app(sandbox_database, CLIENT_ID, SECRET, latency="real").test_client()
    path = f"/service/{sample_service_id()}/billing/monthly-usage"

    response = get(client, path, year=this_financial_year())

    assert response.status_code == 200
    assert len(asked_delays) == 1
    assert 0.9 < asked_delays[0] <= 1.4


def test_real_latency_does_not_delay_what_was_not_measured_or_failed(
    sandbox_database: Path, asked_delays: list[float]
) -> None:
    client = create_app(sandbox_database, CLIENT_ID, SECRET, latency="real").test_client()

    get(client, "/platform-stats")
    get(client, f"/service/{unknown_id()}")
    get(client, f"/service/{sample_service_id()}/billing/monthly-usage", year="twenty")

    assert asked_delays == []


def test_latency_is_off_by_default(sandbox_database: Path, asked_delays: list[float]) -> None:
    client = create_app(sandbox_database, CLIENT_ID, SECRET).test_client()

    get(client, f"/service/{sample_service_id()}/billing/monthly-usage", year=this_financial_year())

    assert asked_delays == []


def test_only_known_latencies_are_accepted(sandbox_database: Path) -> None:
    with pytest.raises(ValueError, match="latency must be one of"):
        create_app(sandbox_database, CLIENT_ID, SECRET, latency="slow")


@pytest.mark.parametrize(
    ("view", "arguments", "seconds"),
    [
        ("get_service", {}, 0.006),
        ("get_statistics", {"today_only": "True", "limit_days": "30"}, 0.007),
        ("get_statistics", {}, 0.040),
        ("get_statistics", {"limit_days": "7"}, 0.040),
        ("get_statistics", {"limit_days": "30"}, 0.042),
        ("get_data_retention", {}, 0.005),
        ("get_free_sms_fragment_limit", {}, 0.004),
        ("get_templates", {}, 0.005),
        ("get_live_services_data", {}, 0.018),
        ("get_yearly_usage", {"year": "2026"}, 0.017),
        ("get_monthly_usage", {"year": "2025"}, 0.016),
        ("get_monthly_usage", {"year": "2026"}, 1.4),
        ("get_monthly_usage", {"year": "2027"}, 1.4),
        ("get_volumes_by_service", {}, 0.070),
        ("get_data_for_billing_report", {}, 0.050),
        ("get_services", {}, 0.0),
    ],
)
def test_the_medians_are_the_cost_tables(view: str, arguments: dict, seconds: float) -> None:
    assert median_seconds(view, arguments, current_financial_year=2026) == seconds


def test_the_command_line_takes_a_latency_and_hostile_names() -> None:
    arguments = parse_arguments(["--latency", "real", "--hostile-names"])
    defaults = parse_arguments([])

    assert (arguments.latency, arguments.hostile_names) == ("real", True)
    assert (defaults.latency, defaults.hostile_names) == ("off", False)
