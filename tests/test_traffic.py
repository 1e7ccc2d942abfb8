"""Traffic drives the real loaders over HTTP, and the telemetry counts every lookup it makes."""

from collections import Counter
from collections.abc import Iterator

import pytest
import redis

from dashboard.cache import telemetry
from dashboard.cache.request_cache import recording
from dashboard.runtime import Runtime, build_runtime
from dashboard.settings import Settings
from devtools import traffic
from devtools.traffic import ALL_SERVICES, ALLOWANCES, SERVICE, View, plan_views, run_traffic
from notify_sandbox.serving import BackgroundSandbox
from tests.conftest import TEST_SECRET
from tests.redis_server import RedisServer, free_port

SERVICE_IDS = [f"00000000-0000-4000-8000-{number:012d}" for number in range(300)]
YEARS = [2026, 2025, 2024]


@pytest.fixture
def runtime(
    live_sandbox: BackgroundSandbox, redis_server: RedisServer, redis_client: redis.Redis
) -> Iterator[Runtime]:
    """A runtime as the app builds it, on the sandbox and an empty test Redis."""
    built = build_runtime(
        Settings(
            api_host_name=live_sandbox.url,
            admin_client_secret=TEST_SECRET,
            redis_url=redis_server.url,
            redis_retry_after_seconds=0,
        )
    )
    yield built
    built.redis.client.close()


def test_the_telemetry_counts_every_lookup_the_views_made(runtime, redis_client):
    progress = []
    summary = run_traffic(runtime, views=80, seed=5, on_progress=progress.append, progress_every=20)

    counted = Counter()
    for row in telemetry.read_counts(redis_client, hours=3):
        counted[(row["kind"], row["outcome"])] += row["count"]
    made = runtime.cache.process_counts

    assert not [key for key in made if key[1] in ("error", "off")]
    assert counted == made
    assert sum(counted.values()) == len(telemetry.read_events(redis_client))
    assert summary["lookups"] == dict(made)
    assert summary["views"] == 80
    assert summary["crashes"] == {}
    assert summary["page_errors"] == {}
    assert [step["views"] for step in progress] == [20, 40, 60, 80]
    assert 0 < summary["hit_rate"] < 1
    assert {SERVICE, ALL_SERVICES} <= set(summary["pages"])
    kinds = {kind for kind, _ in made}
    assert {"service", "services", "statistics", "statistics-today", "templates"} <= kinds


def test_the_same_seed_makes_the_same_views(runtime):
    first = run_traffic(runtime, views=20, seed=9)
    again = run_traffic(runtime, views=20, seed=9)
    other = run_traffic(runtime, views=20, seed=10)

    assert first["plan"] == again["plan"]
    assert first["plan"] != other["plan"]
    # The second run found the first's answers in the cache.
    assert again["hit_rate"] > first["hit_rate"]


def test_refresh_empties_the_service_before_reading_it(runtime):
    service_id = runtime.clients.services.get_services()[0].id
    view = View(SERVICE, service_id, days=7)
    traffic._show(runtime, view)

    with recording() as warm:
        traffic._show(runtime, view)
    with recording() as refreshed:
        traffic._show(runtime, View(SERVICE, service_id, days=7, refresh=True))

    own = [lookup for lookup in warm if lookup.kind != "services"]
    assert own and all(lookup.outcome == "hit" for lookup in own)
    outcomes = {lookup.kind: lookup.outcome for lookup in refreshed}
    assert outcomes["services"] == "hit"
    # The first service is live: its page reads template statistics, not the checklist's list.
    assert (
        outcomes["service"] == outcomes["statistics"] == outcomes["template-statistics"] == "miss"
    )


def test_an_allowances_view_reads_the_platform_wide_calls_of_its_year(runtime):
    with recording() as lookups:
        assert traffic._show(runtime, View(ALLOWANCES, financial_year=YEARS[1])) is None

    kinds = Counter(lookup.kind for lookup in lookups)
    assert kinds == {
        "services": 1,
        "volumes-by-service-closed-year": 2,
        "billing-report-closed-year": 1,
    }


def test_a_plan_depends_only_on_its_inputs():
    plan = plan_views(SERVICE_IDS, 500, seed=1, years=YEARS)
    assert plan == plan_views(list(reversed(SERVICE_IDS)), 500, seed=1, years=YEARS)
    assert plan != plan_views(SERVICE_IDS, 500, seed=2, years=YEARS)
    assert len(plan) == 500


def test_a_plan_looks_like_people_using_the_dashboard():
    plan = plan_views(SERVICE_IDS, 5000, seed=1, years=YEARS)
    pages = Counter(view.page for view in plan)
    services = Counter(view.service_id for view in plan if view.page == SERVICE)
    days = Counter(view.days for view in plan if view.page == SERVICE)

    assert pages[SERVICE] > 0.85 * len(plan)
    assert 0 < pages[ALLOWANCES] < pages[ALL_SERVICES] < pages[SERVICE]
    # A few popular services and a long tail.
    top_ten = sum(count for _, count in services.most_common(10))
    assert top_ten > 0.3 * pages[SERVICE]
    assert len(services) > 100
    # The slider stays on 7 days mostly, 30 sometimes, anything else rarely.
    assert days[7] > 0.5 * pages[SERVICE]
    assert days[30] > max(count for number, count in days.items() if number not in (7, 30))
    refreshes = sum(view.refresh for view in plan)
    assert 0 < refreshes < 0.05 * pages[SERVICE]
    years = Counter(view.financial_year for view in plan if view.page == ALLOWANCES)
    assert set(years) <= {YEARS[0], YEARS[1]}
    assert years[YEARS[0]] >= years[YEARS[1]]


def test_a_slider_move_shows_the_same_service_with_other_days():
    plan = plan_views(SERVICE_IDS, 2000, seed=3, years=YEARS)
    moves = [
        (before, after)
        for before, after in zip(plan, plan[1:], strict=False)
        if before.page == after.page == SERVICE and before.service_id == after.service_id
    ]
    assert moves
    assert any(before.days != after.days for before, after in moves)


def test_hit_rate_counts_only_lookups_that_reached_redis():
    counts = {("service", "hit"): 3, ("service", "miss"): 1, ("statistics", "error"): 4}
    assert traffic.hit_rate(counts) == 0.75
    assert traffic.hit_rate({}) == 0.0


def test_the_command_line_runs_views_and_summarises(
    monkeypatch, capsys, live_sandbox, redis_server, redis_client
):
    monkeypatch.setenv("ADMIN_CLIENT_SECRET", TEST_SECRET)
    monkeypatch.setenv("REDIS_URL", redis_server.url)
    assert traffic.main(["--views", "30", "--seed", "2", "--api", live_sandbox.url]) == 0
    output = capsys.readouterr().out
    assert "30 of 30 views" in output
    assert "Hit rate:" in output
    assert sum(row["count"] for row in telemetry.read_counts(redis_client, hours=3)) > 30


def test_with_no_api_the_command_starts_a_sandbox_of_its_own(
    monkeypatch, capsys, tmp_path, redis_server, redis_client
):
    monkeypatch.setenv("REDIS_URL", redis_server.url)
    nobody = f"http://127.0.0.1:{free_port()}"  # nothing listens there

    code = traffic.main(
        ["--views", "5", "--api", nobody, "--services", "20", "--data-dir", str(tmp_path)]
    )

    output = capsys.readouterr().out
    assert code == 0
    assert f"Nothing answers at {nobody}: starting a sandbox" in output
    assert "5 views of 20 services" in output


def test_an_api_that_refuses_the_token_gets_a_message_not_a_traceback(
    monkeypatch, capsys, live_sandbox, redis_server, redis_client
):
    monkeypatch.setenv("REDIS_URL", redis_server.url)
    monkeypatch.setenv("ADMIN_CLIENT_SECRET", "a-wrong-secret-that-is-long-enough-for-hs256")

    assert traffic.main(["--views", "5", "--api", live_sandbox.url]) == 1
    assert "ADMIN_CLIENT_SECRET" in capsys.readouterr().err
