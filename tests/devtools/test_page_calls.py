"""The Overview's and a Service page's API calls, counted by a real sandbox over HTTP and priced
with its platform-scale table: some when cold, none when warm."""

from pathlib import Path

import pytest

from dashboard.cache.request_cache import RequestCache
from devtools import page_calls
from notify_sandbox.platform_latency import PLATFORM_SECONDS
from tests.conftest import TEST_SECRET, settings_for_tests

SERVICES = 60


@pytest.mark.slow
def test_cold_pages_make_priced_calls_and_warm_pages_none(tmp_path: Path, cache: RequestCache):
    settings = settings_for_tests(admin_client_id="notify-admin", admin_client_secret=TEST_SECRET)

    figures = page_calls.measure(cache, SERVICES, settings, data_dir=tmp_path)

    assert [page.page for page in figures] == ["Overview", "Service page"]
    for page in figures:
        assert page.cold_calls > 0
        assert len(page.priced) == page.cold_calls
        assert page.priced_seconds > 0
        assert 0 < page.slowest[1] <= page.priced_seconds
        assert page.warm_calls == 0, page.warm
    overview = figures[0]
    # The services list is priced at the platform's cost scaled to this many services.
    services_list = [s for route, s in overview.priced if route == "GET /service"]
    assert services_list == [PLATFORM_SECONDS["/service"] * SERVICES / 2000]
    table = page_calls.report(figures)
    assert f"| {SERVICES} | Overview | {overview.cold_calls} |" in table
