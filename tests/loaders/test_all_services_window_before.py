"""All services' window before, against the sandbox: every channel's requested, delivered,
failed and failure rate for the window before, row by row, are what the API's detailed list
reports for those dates, and each channel's window is what it reports for the window."""

import pytest

from dashboard.domain.comparison import change_words, earlier_windows, span_words
from dashboard.domain.financial_year import london_today
from dashboard.domain.service_table import (
    ALL_CHANNELS,
    BEFORE_FIGURES,
    NOW_FIGURES,
    SCOPES,
    scope_column,
)
from dashboard.domain.statistics import CHANNELS
from dashboard.loaders.all_services import load_all_services, window_start
from dashboard.loaders.context import LoaderContext
from dashboard.loaders.sections import Ready
from dashboard.notify_client import NotifyClients
from tests.conftest import clients_without_cache, settings_for_tests


@pytest.fixture
def api(live_sandbox) -> NotifyClients:
    return clients_without_cache(settings_for_tests(api_host_name=live_sandbox.url))


FIGURES = (*NOW_FIGURES, *BEFORE_FIGURES)


def figures(statistics, scope: str) -> tuple[int, int, int]:
    """Requested, delivered and failed of one channel, or summed over every channel."""
    channels = CHANNELS if scope == ALL_CHANNELS else (scope,)
    requested, delivered, failed = (
        sum(getattr(getattr(statistics, channel), count) for channel in channels)
        for count in ("requested", "delivered", "failed")
    )
    return requested, delivered, failed


@pytest.mark.parametrize("days", [1, 7, 30])
def test_every_channels_window_before_is_the_apis_detailed_list_for_those_days(api, days):
    today = london_today()
    start = window_start(days, today)
    before_start, before_end = earlier_windows(start, today)[0]
    assert (before_end - before_start).days == days and before_end < start
    before = {
        row.id: row.statistics
        for row in api.services.get_services_detailed(before_start, before_end)
    }
    now = {row.id: row.statistics for row in api.services.get_services_detailed(start, today)}

    section = load_all_services(LoaderContext(api, "sandbox"), days, today)

    assert isinstance(section, Ready)
    table = section.value.table
    assert len(table) == len(before) > 0
    span = span_words(before_start, before_end)
    sent_before = 0
    for row in table.to_dict("records"):
        for scope in SCOPES:
            requested, delivered, failed = figures(before[row["service_id"]], scope)
            sent_before += requested
            shown = {figure: row[scope_column(scope, figure)] for figure in FIGURES}
            assert (
                shown["previous_requested"],
                shown["previous_delivered"],
                shown["previous_failed"],
            ) == (requested, delivered, failed), (row["service_id"], scope)
            assert shown["previous_failure_rate"] == pytest.approx(
                failed / requested if requested else 0.0
            )
            current = figures(now[row["service_id"]], scope)
            assert (shown["requested"], shown["delivered"], shown["failed"]) == current
            assert shown["requested_change"] == change_words(current[0], requested, span)
    assert sent_before > 0  # the sandbox sent something in the window before
