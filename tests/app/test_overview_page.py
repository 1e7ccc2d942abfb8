"""The Overview, the first page: its four parts from the API, links to their pages, a fixed
number of calls, and old links to a service that still open it."""

import re
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest

from dashboard.app_pages.overview import TOP
from dashboard.domain.allowance_table import share_words
from dashboard.domain.comparison import earlier_windows
from dashboard.domain.financial_year import current_financial_year, london_today
from dashboard.domain.liveness import is_live
from dashboard.domain.platform_service import NOTIFY_SERVICE_ID
from dashboard.domain.unusual_failures import WindowCounts, is_unusual
from dashboard.loaders.overview import SENDERS_DAYS
from tests.app.conftest import open_page
from tests.app.shown import shown_config, shown_table
from tests.conftest import clients_without_cache, settings_for_tests
from tests.live_sandbox import statuses_today

CHANNELS = {"email": "Emails", "sms": "Text messages", "letter": "Letters"}
#: /platform-stats' failure fields and the causes they are shown as, written out here.
PLATFORM_CAUSES = {
    "permanent_failure": "Permanent failure",
    "temporary_failure": "Temporary failure",
    "technical_failure": "Technical failure",
    "virus_scan_failed": "Virus scan failed (letters)",
}


def api(live_sandbox):
    return clients_without_cache(settings_for_tests(api_host_name=live_sandbox.url))


def todays_causes(at) -> dict[tuple[str, str], int]:
    """The Overview's failures by cause today as shown: (channel, cause) to the count."""
    (expander,) = [e for e in at.expander if e.label.startswith("Today's failures by cause")]
    table = expander.table[0].value
    return {
        (channel, row["Cause"]): int(row["Failed"].replace(",", ""))
        for channel, row in table.iterrows()
    }


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


def test_the_overview_and_all_services_agree_on_today_by_channel(app_environment, live_sandbox):
    """One definition of requested and failed: the Overview's figures by channel today are the
    sum of All services' rows for today, on one fixed sandbox; its causes (from
    /platform-stats) fall short of Failed by exactly the statuses the page names, counted
    from the sandbox's own file."""
    overview = open_page()
    services = open_page("app_pages/all_services.py")

    metrics = {metric.label: metric.value for metric in overview.metric}
    table = services.dataframe[0].value
    for channel, label in CHANNELS.items():
        assert metrics[f"{label} requested today"] == f"{table[f'{channel}_today'].sum():,}"
    captions = " ".join(caption.value for caption in overview.caption)
    assert "sum of every service's row on All services" in captions
    assert "leaving out validation-failed and the older failed" in captions
    failed = [
        int(found.group(1).replace(",", ""))
        for caption in overview.caption
        if (found := re.match(r"([\d,]+) failed \(", caption.value))
    ]
    causes = todays_causes(overview)
    statuses = statuses_today(live_sandbox.database)
    left_out = 0
    for shown_failed, (channel, label) in zip(failed, CHANNELS.items(), strict=True):
        in_causes = sum(n for (cause_channel, _), n in causes.items() if cause_channel == label)
        named = statuses[channel]["validation-failed"] + statuses[channel]["failed"]
        assert shown_failed - in_causes == named
        left_out += named
    assert left_out > 0  # the sandbox has statuses that make the two differ


def test_todays_causes_are_the_platform_stats_answer(app_environment, live_sandbox):
    today = london_today()
    stats = api(live_sandbox).platform.get_platform_stats(today, today)

    at = open_page()

    expected = {
        (label, cause): getattr(getattr(stats, channel).failures, field)
        for channel, label in CHANNELS.items()
        for field, cause in PLATFORM_CAUSES.items()
        if getattr(getattr(stats, channel).failures, field)
    }
    causes = todays_causes(at)
    assert causes == expected and len(causes) >= 3


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


def test_the_unusual_list_names_the_services_the_rule_flags(app_environment, live_sandbox):
    """The rule (domain/unusual_failures.py) applied here to the API's counts for the window
    and the four before it; the Overview lists the flagged services sending most, up to 5."""
    clients = api(live_sandbox)
    today = london_today()
    start = today - timedelta(days=SENDERS_DAYS)
    window = {
        row.id: row.statistics for row in clients.services.get_services_detailed(start, today)
    }
    earlier = [
        {row.id: row.statistics for row in clients.services.get_services_detailed(first, last)}
        for first, last in earlier_windows(start, today)
    ]
    flagged = {}
    for service_id, statistics in window.items():
        for channel in CHANNELS:
            now = getattr(statistics, channel)
            before = [
                WindowCounts(
                    getattr(w[service_id], channel).requested,
                    getattr(w[service_id], channel).failed,
                )
                for w in earlier
                if service_id in w
            ]
            if is_unusual(WindowCounts(now.requested, now.failed), before):
                flagged[service_id] = sum(getattr(statistics, c).requested for c in CHANNELS)

    at = open_page()

    assert flagged, "the sandbox should have a service the rule flags"
    shown = shown_table(at, "unusual_channels").value
    shown_ids = [parse_qs(urlsplit(link).query)["service_id"][0] for link in shown["link"]]
    assert set(shown_ids) <= set(flagged)
    assert len(shown_ids) == min(TOP, len(flagged))
    assert list(shown["requested"]) == sorted(flagged.values(), reverse=True)[:TOP]
    assert [flagged[service_id] for service_id in shown_ids] == list(shown["requested"])


def test_the_sectors_share_is_a_whole_figure_not_a_bar_clipped_at_100_percent(app_environment):
    at = open_page()

    config = shown_config(at, "share_used_words")
    sectors = shown_table(at, "share_used_words").value

    assert config["type_config"]["type"] == "text"  # not a progress bar stopped at 100 %
    assert config["label"] == "Used of the sum"
    pooled = sectors["used"] / sectors["total_allowance"].where(sectors["total_allowance"] > 0)
    assert list(sectors["share_used"]) == pytest.approx(list(pooled), nan_ok=True)
    assert list(sectors["share_used_words"]) == [share_words(n) for n in sectors["share_used"]]
