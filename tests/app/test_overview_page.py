"""The Overview, the first page: its four parts from the API, links to their pages, a fixed
number of calls, and old links to a service that still open it."""

import pytest

from dashboard.cache.policy import DEFAULT_TTLS
from dashboard.cache.request_cache import RequestCache
from dashboard.domain.allowance_table import share_words
from dashboard.domain.financial_year import current_financial_year, london_today
from dashboard.domain.liveness import is_live
from dashboard.domain.platform_service import NOTIFY_SERVICE_ID
from dashboard.notify_client import build_clients
from tests.app.conftest import open_page
from tests.app.shown import shown_config, shown_table
from tests.conftest import settings_for_tests


def api(live_sandbox):
    return build_clients(
        settings_for_tests(api_host_name=live_sandbox.url), RequestCache(None, DEFAULT_TTLS)
    )


def frame_with(at, column: str):
    """The first table on the page that has this column."""
    return next(frame.value for frame in at.dataframe if column in frame.value)


def test_the_first_page_answers_without_choosing_anything(app_environment, live_sandbox):
    clients = api(live_sandbox)
    today = london_today()
    rows = clients.services.get_services_detailed(today, today)

    at = open_page()

    assert not at.exception
    assert at.title[0].value == "Overview"
    metrics = {metric.label: metric.value for metric in at.metric}
    for channel, label in (("email", "Emails"), ("sms", "Text messages"), ("letter", "Letters")):
        requested = sum(getattr(row.statistics, channel).requested for row in rows)
        assert metrics[f"{label} requested today"] == f"{requested:,}"
    headings = [heading.value for heading in at.header]
    assert headings == [
        "Today across the platform",
        "The last 30 days",
        "Nearest their daily limits today",
        "Biggest senders",
        "Failure rate unusual",
        f"Free text allowances by sector, {current_financial_year()} to "
        f"{current_financial_year() + 1}",
    ]


def test_each_part_links_to_its_page(app_environment):
    at = open_page()

    links = [(link.proto.page, link.proto.label) for link in at.get("page_link")]
    assert [page for page, _ in links] == [
        "services",
        "services",
        "services",
        "services",
        "allowances",
    ]
    assert all(label for _, label in links)


def test_the_nearest_and_biggest_are_the_top_of_all_services(app_environment):
    at = open_page()
    # After the last 30 days' table: the nearest, then the biggest.
    nearest, biggest = at.dataframe[1].value, at.dataframe[2].value

    services = open_page("app_pages/all_services.py")
    table = services.dataframe[0].value

    assert len(nearest) == len(biggest) == 5
    assert list(nearest["limit_used"]) == sorted(table["limit_used"], reverse=True)[:5]
    assert list(biggest["requested"]) == sorted(table["requested"], reverse=True)[:5]


def test_allowance_use_by_sector_leaves_out_the_platforms_service(app_environment, live_sandbox):
    clients = api(live_sandbox)
    live = [service for service in clients.services.get_services() if is_live(service)]

    at = open_page()

    sectors = frame_with(at, "share_used")
    assert sectors["services"].sum() == len(live) - 1
    assert any(service.id == NOTIFY_SERVICE_ID for service in live)
    assert any("GOV.UK Notify's own service is not counted" in c.value for c in at.caption)


def test_cold_the_page_makes_twelve_api_calls(app_environment, live_sandbox):
    today = london_today()
    # On 1 April the year so far is the allowance probe's own range: one call fewer.
    expected = 11 if (today.month, today.day) == (4, 1) else 12
    live_sandbox.reset_request_counts()

    at = open_page()

    assert not at.exception
    assert sum(live_sandbox.request_counts().values()) == expected


def test_a_link_to_a_service_from_before_still_opens_the_service_page(app_environment, sandbox_db):
    service_id = sandbox_db.execute("SELECT id FROM services ORDER BY sid LIMIT 1").fetchone()[0]

    at = open_page(service_id=service_id, days="14")

    assert not at.exception
    assert any(metric.label == "Emails requested" for metric in at.metric)
    assert at.query_params["service_id"] == service_id


def test_the_overview_and_all_services_agree_on_today_by_channel(app_environment):
    """One definition of requested and failed: the Overview's figures by channel today are the
    sum of All services' rows for today, on one fixed sandbox."""
    overview = open_page()
    services = open_page("app_pages/all_services.py")

    metrics = {metric.label: metric.value for metric in overview.metric}
    table = services.dataframe[0].value
    for channel, label in (("email", "Emails"), ("sms", "Text messages"), ("letter", "Letters")):
        assert metrics[f"{label} requested today"] == f"{table[f'{channel}_today'].sum():,}"
    captions = " ".join(caption.value for caption in overview.caption)
    assert "sum of every service's row on All services" in captions
    assert "leaving out validation-failed" in captions


def test_the_last_30_days_are_a_chart_with_its_figures_as_a_table(app_environment, live_sandbox):
    today = london_today()

    at = open_page()

    charts = at.get("vega_lite_chart")
    assert len(charts) >= 1
    table = frame_with(at, "Day")
    assert len(table) == 30 and table["Day"].iloc[0].endswith("(so far)")
    rows = api(live_sandbox).platform.get_daily_volumes(today, today)
    assert table["Emails"].iloc[0] == (rows[0].email_totals if rows else 0)


def test_the_unusual_list_says_what_unusual_means(app_environment):
    at = open_page()

    captions = " ".join(caption.value for caption in at.caption)
    assert "A failure rate is unusual when at least 50 messages were requested" in captions


def test_the_sectors_share_is_a_whole_figure_not_a_bar_clipped_at_100_percent(app_environment):
    at = open_page()

    config = shown_config(at, "share_used_words")
    sectors = shown_table(at, "share_used_words").value

    assert config["type_config"]["type"] == "text"  # not a progress bar stopped at 100 %
    assert config["label"] == "Used of the sum"
    pooled = sectors["used"] / sectors["total_allowance"].where(sectors["total_allowance"] > 0)
    assert list(sectors["share_used"]) == pytest.approx(list(pooled), nan_ok=True)
    assert list(sectors["share_used_words"]) == [share_words(n) for n in sectors["share_used"]]
