"""The forecasts' backtest: the scoring on years made up here, and the whole run against the
sandbox's years of history."""

import pytest

from dashboard.domain.financial_year import current_financial_year
from devtools.backtest import (
    FIGURES,
    METHODS,
    PAGES,
    REPORTED_MONTHS,
    YearOfTexts,
    report,
    run,
    score,
)
from notify_sandbox.history import HISTORY_YEARS
from tests.conftest import clients_without_cache, settings_for_tests


@pytest.mark.parametrize("method", METHODS)
def test_a_steady_service_is_inside_its_range_and_the_platform_exact(method):
    year = YearOfTexts(2024, {"steady": (1_000,) * 12}, {"steady": 5_000})

    result = score([year])

    for name in FIGURES:
        figure = result.scores[method][name]
        assert figure.coverage == 1.0, name
        assert all(errors[0] < 0.01 for errors in figure.platform_errors.values()), name


@pytest.mark.parametrize("method", METHODS)
def test_a_service_that_stops_in_the_autumn_falls_outside_its_early_ranges(method):
    stops = (1_000,) * 6 + (0,) * 6
    result = score([YearOfTexts(2024, {"stops": stops}, {"stops": 0})])

    fragments = result.scores[method]["fragments"]
    assert fragments.coverage_by_month[1] == 0.0  # 12,000 expected from April; 6,000 sent
    # June and September: the pace gives 12,000 for a year that ended at 6,000.
    assert 0.95 < fragments.platform_errors[3][0] < 1.05
    assert 0.95 < fragments.platform_errors[6][0] < 1.05
    assert fragments.platform_errors[9][0] < 0.5
    # With no allowance every fragment is chargeable: the same miss, priced.
    chargeable = result.scores[method]["chargeable"]
    assert chargeable.platform_errors == fragments.platform_errors
    assert 0.95 < result.scores[method]["cost"].platform_errors[3][0] < 1.05


def test_chargeable_and_cost_are_scored_only_where_there_was_or_might_be_a_charge():
    within = (100,) * 12  # 1,200 of 30,000: nothing to charge at either end
    over = (1_000,) * 12  # 12,000 of 5,000: charged from August
    result = score(
        [YearOfTexts(2024, {"within": within, "over": over}, {"within": 30_000, "over": 5_000})]
    )

    pages = result.scores[PAGES]
    assert pages["fragments"].scored == 2 * 11
    assert pages["chargeable"].scored == pages["cost"].scored == 11
    assert pages["cost"].coverage == 1.0


def test_the_backtest_reads_the_sandboxs_years_and_covers_about_80_percent(live_sandbox):
    clients = clients_without_cache(settings_for_tests(api_host_name=live_sandbox.url))

    result = run(clients)

    assert len(result.years) == HISTORY_YEARS
    assert result.years[-1] == current_financial_year() - 1
    assert result.services > 20
    for method in METHODS:
        fragments = result.scores[method]["fragments"]
        assert 0.65 <= fragments.coverage <= 0.95, report(result)
        for name in FIGURES:
            assert set(result.scores[method][name].platform_errors) == set(REPORTED_MONTHS)
    assert result.scores[PAGES]["cost"].scored > 0
    assert "median error" in report(result)
