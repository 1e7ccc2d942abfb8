"""The forecast's backtest: the scoring on years made up here, and the whole run against the
sandbox's years of history."""

from dashboard.cache.policy import DEFAULT_TTLS
from dashboard.cache.request_cache import RequestCache
from dashboard.domain.financial_year import current_financial_year
from dashboard.notify_client import build_clients
from devtools.backtest import REPORTED_MONTHS, YearOfTexts, report, run, score
from notify_sandbox.history import HISTORY_YEARS
from tests.conftest import settings_for_tests


def test_a_steady_service_is_inside_its_range_and_the_platform_exact():
    year = YearOfTexts(2024, {"steady": (1_000,) * 12}, {"steady": 5_000})

    result = score([year])

    assert result.coverage == 1.0
    assert all(errors[0] < 0.01 for errors in result.platform_errors.values())


def test_a_service_that_stops_in_the_autumn_falls_outside_its_early_ranges():
    stops = (1_000,) * 6 + (0,) * 6
    result = score([YearOfTexts(2024, {"stops": stops}, {"stops": 0})])

    assert result.coverage_by_month[1] == 0.0  # 12,000 expected from April; 6,000 sent
    # June and September: the pace gives 12,000 for a year that ended at 6,000.
    assert 0.95 < result.platform_errors[3][0] < 1.05
    assert 0.95 < result.platform_errors[6][0] < 1.05
    assert result.platform_errors[9][0] < 0.5


def test_the_backtest_reads_the_sandboxs_years_and_covers_about_80_percent(live_sandbox):
    clients = build_clients(
        settings_for_tests(api_host_name=live_sandbox.url), RequestCache(None, DEFAULT_TTLS)
    )

    result = run(clients)

    assert len(result.years) == HISTORY_YEARS
    assert result.years[-1] == current_financial_year() - 1
    assert result.services > 20
    assert 0.65 <= result.coverage <= 0.95, report(result)
    assert set(result.platform_errors) == set(REPORTED_MONTHS)
    assert "median error" in report(result)
