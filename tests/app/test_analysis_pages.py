"""Each window beside the one before, unusual failure rates, templates and failures by cause, on
the Service and All services pages against the sandbox."""

from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

from dashboard.domain.comparison import earlier_windows, span_words
from dashboard.domain.financial_year import current_financial_year, london_today
from dashboard.domain.retention import SERVICE_PAGE_WINDOW, window_heading
from dashboard.domain.unusual_failures import UNUSUAL_MEANING, WindowCounts, is_unusual
from tests.app.conftest import open_page
from tests.conftest import clients_without_cache, settings_for_tests
from tests.failure_causes import busiest_service, failed_by_cause

ALL_SERVICES = "app_pages/all_services.py"
#: How every freshness line begins (`Freshness.summary`).
FRESHNESS_STARTS = ("Just read", "From the cache", "As of ", "Read from the API")
CHANNELS = ("email", "sms", "letter")
#: One channel's figures in the window view, in their order.
COMPARED = (
    "requested",
    "previous_requested",
    "requested_change",
    "delivered",
    "previous_delivered",
    "failed",
    "previous_failed",
    "failure_rate",
    "previous_failure_rate",
)


def api(live_sandbox):
    return clients_without_cache(settings_for_tests(api_host_name=live_sandbox.url))


def service_id_of(link: str) -> str:
    return parse_qs(urlsplit(link).query)["service_id"][0]


def earlier_counts(clients, days: int):
    """The API's counts by service for each of the four windows before today's, nearest first."""
    today = london_today()
    return [
        {row.id: row.statistics for row in clients.services.get_services_detailed(start, end)}
        for start, end in earlier_windows(today - timedelta(days=days), today)
    ]


def test_all_services_shows_the_window_before_as_the_api_reports_it(app_environment, live_sandbox):
    clients = api(live_sandbox)
    before = earlier_counts(clients, 7)[0]
    today = london_today()
    span = span_words(*earlier_windows(today - timedelta(days=7), today)[0])

    at = open_page(ALL_SERVICES)

    table = at.dataframe[0].value
    for _, row in table.iterrows():
        statistics = before.get(service_id_of(row["link"]))
        requested, delivered, failed = (
            sum(getattr(getattr(statistics, c), count) for c in CHANNELS) if statistics else 0
            for count in ("requested", "delivered", "failed")
        )
        assert (row["previous_requested"], row["previous_delivered"], row["previous_failed"]) == (
            requested,
            delivered,
            failed,
        )
        assert f" on {span}" in row["requested_change"]
    captions = " ".join(caption.value for caption in at.caption)
    assert UNUSUAL_MEANING in captions and SERVICE_PAGE_WINDOW in captions
    assert "compared with" in captions


def test_the_unusual_column_and_filter_follow_the_rule(app_environment, live_sandbox):
    clients = api(live_sandbox)
    today = london_today()
    window = {
        row.id: row.statistics
        for row in clients.services.get_services_detailed(today - timedelta(days=7), today)
    }
    earlier = earlier_counts(clients, 7)
    expected = set()
    for service_id, statistics in window.items():
        for channel in CHANNELS:
            now = getattr(statistics, channel)
            windows = [
                WindowCounts(
                    getattr(w[service_id], channel).requested,
                    getattr(w[service_id], channel).failed,
                )
                for w in earlier
                if service_id in w
            ]
            if is_unusual(WindowCounts(now.requested, now.failed), windows):
                expected.add(service_id)

    at = open_page(ALL_SERVICES)
    flagged = {
        service_id_of(link)
        for link, unusual in zip(
            at.dataframe[0].value["link"], at.dataframe[0].value["failure_unusual"], strict=True
        )
        if unusual
    }
    (checkbox,) = [box for box in at.sidebar.checkbox if box.label == "Failure rate unusual"]
    checkbox.check().run()

    shown = at.dataframe[0].value
    print(f"{len(expected)} services flagged")
    assert flagged == expected
    assert {service_id_of(link) for link in shown["link"]} == expected
    assert (shown["unusual_channels"] != "").all()


def test_the_service_page_compares_templates_and_splits_failures(app_environment, live_sandbox):
    clients = api(live_sandbox)
    service_id = busiest_service(clients)

    at = open_page(service_id=service_id, days="7")

    assert not at.exception
    subheaders = [subheader.value for subheader in at.subheader]
    assert any(heading.startswith("Compared with ") for heading in subheaders)
    assert f"Templates: {window_heading(7, london_today())}" in subheaders
    assert any(heading.startswith("This year by template and month") for heading in subheaders)
    comparison = next(f.value for f in at.dataframe if "Requested before" in f.value.columns)
    statistics = clients.services.get_service_statistics(service_id, 7)
    emails = comparison.set_index("Channel").loc["Emails"]
    assert emails["Requested"] == statistics.email.requested
    templates = next(f.value for f in at.dataframe if "Template" in f.value.columns)
    assert templates["Requested"].sum() == sum(
        getattr(statistics, channel).requested for channel in CHANNELS
    )
    causes = at.table[0].value
    assert "Who can act" in causes.columns
    buttons = [button.label for button in at.get("download_button")]
    assert "Download the templates as CSV" in buttons
    assert "Download this year by template as CSV" in buttons


def test_this_years_failures_by_cause_are_the_apis_monthly_statuses(app_environment, live_sandbox):
    clients = api(live_sandbox)
    service_id = busiest_service(clients)
    months = clients.services.get_notifications_monthly(service_id, current_financial_year())

    at = open_page(service_id=service_id, days="7")

    (expander,) = [e for e in at.expander if e.label.startswith("This year's failures by cause")]
    table = expander.table[0].value
    shown = {
        (channel, row["Cause"]): int(row["Failed"].replace(",", ""))
        for channel, row in table.iterrows()
    }
    assert shown == failed_by_cause(months) and len(shown) >= 3


def test_the_service_page_leads_with_status_organisation_and_sector(app_environment, sandbox_db):
    row = sandbox_db.execute(
        "SELECT services.id, organisations.name FROM services JOIN organisations "
        "ON organisations.id = services.organisation_id WHERE restricted = 0 AND active = 1 "
        "AND count_as_live = 1 LIMIT 1"
    ).fetchone()

    at = open_page(service_id=row["id"])

    lead = at.markdown[0].value
    assert lead.startswith("**Live · ")
    assert row["name"].split(" ")[0] in lead


def test_a_longer_link_is_shortened_in_the_words_of_the_heading(app_environment, sandbox_db):
    service_id = sandbox_db.execute(
        "SELECT id FROM services WHERE id NOT IN (SELECT service_id FROM data_retention) LIMIT 1"
    ).fetchone()["id"]

    at = open_page(service_id=service_id, days="30")

    heading = window_heading(7, london_today())
    assert heading in [subheader.value for subheader in at.subheader]
    warning = at.warning[0].value.replace("\\", "")
    assert warning.endswith("Showing today and the 7 days before.")
    assert heading.lower().startswith("today and the 7 days before")


def test_templates_of_a_longer_window_say_why_they_cover_seven_days(app_environment, sandbox_db):
    service_id, days = sandbox_db.execute(
        "SELECT service_id, MAX(days_of_retention) FROM data_retention GROUP BY service_id "
        "HAVING MAX(days_of_retention) > 7 LIMIT 1"
    ).fetchone()

    at = open_page(service_id=service_id, days=str(days))

    assert any("the API counts templates over 7 days at most" in info.value for info in at.info)


def test_each_freshness_line_is_short_with_its_detail_on_hover(app_environment, sandbox_db):
    service_id = sandbox_db.execute("SELECT id FROM services ORDER BY sid LIMIT 1").fetchone()["id"]

    at = open_page(service_id=service_id)

    fresh = [c for c in at.caption if c.value.startswith(("Just read", "From the cache"))]
    assert len(fresh) >= 5
    assert all(" ms" not in caption.value for caption in fresh)
    assert all(caption.proto.help.endswith(" ms") for caption in fresh)


def in_order(node):
    """Every element under a block, in the order the page shows them."""
    children = getattr(node, "children", None)
    if children is None:
        yield node
        return
    for key in sorted(children):
        yield from in_order(children[key])


def test_each_section_has_one_freshness_line_at_most(app_environment, sandbox_db):
    """A section runs from its heading to the next; the allowance and its months (read later)
    are one section, so one line."""
    service_id = sandbox_db.execute("SELECT id FROM services ORDER BY sid LIMIT 1").fetchone()["id"]

    at = open_page(service_id=service_id)

    lines: dict[str, int] = {}
    section = None
    for element in in_order(at.main):
        if element.type in ("header", "subheader"):
            section = element.value
            lines[section] = 0
        elif element.type == "caption" and element.value.startswith(FRESHNESS_STARTS):
            lines[section] += 1
    assert len(lines) >= 8
    assert {heading: n for heading, n in lines.items() if n > 1} == {}
    assert sum(lines.values()) >= 8


def test_all_services_shows_the_window_before_as_its_own_set_of_columns(app_environment):
    at = open_page(ALL_SERVICES)
    (columns,) = [radio for radio in at.sidebar.radio if radio.label == "Columns"]
    assert columns.value == "limits"
    assert "columns" not in at.query_params

    columns.set_value("window").run()

    assert at.query_params["columns"] == "window"
    shown = at.dataframe[0].proto.column_order
    assert list(shown) == ["name", "link", *COMPARED, "unusual_channels"]


def test_the_channel_compared_is_in_the_url_and_picks_its_figures(app_environment):
    at = open_page(ALL_SERVICES, columns="window", channel="sms", sort="requested")

    assert not at.exception and not at.warning
    (channel,) = [radio for radio in at.sidebar.radio if radio.label == "Channel compared"]
    assert channel.value == "sms" and not channel.disabled
    assert at.query_params["channel"] == "sms"
    assert list(at.dataframe[0].proto.column_order) == [
        "name",
        "link",
        *(f"sms_{figure}" for figure in COMPARED),
        "unusual_channels",
    ]
    shown = at.dataframe[0].value
    assert list(shown["sms_requested"]) == sorted(shown["sms_requested"], reverse=True)
    # A page of rows sends the chosen channel's figures, not the others' (the CSV has them).
    assert "sms_previous_delivered" in shown and "email_previous_delivered" not in shown
    assert any("text messages only" in caption.value for caption in at.caption)

    channel.set_value("letter").run()
    assert at.query_params["channel"] == "letter"
    assert "letter_previous_delivered" in at.dataframe[0].proto.column_order

    channel.set_value("all").run()
    assert "channel" not in at.query_params
    assert "previous_delivered" in at.dataframe[0].proto.column_order


def test_a_channel_the_url_cannot_name_says_so_and_shows_every_channel(app_environment):
    at = open_page(ALL_SERVICES, columns="window", channel="[fax](https://evil.example)")

    assert not at.exception
    (warning,) = [w.value for w in at.warning if "is not a channel" in w.value]
    # Shown as text: markdown escaped, and a word joiner so that no address becomes a link.
    assert warning.replace("\\", "").replace("\u2060", "") == (
        "“[fax](https://evil.example)” is not a channel: showing all channels. "
        "Choose all, email, sms or letter."
    )
    (channel,) = [radio for radio in at.sidebar.radio if radio.label == "Channel compared"]
    assert channel.value == "all"
    assert "channel" not in at.query_params
    assert "previous_delivered" in at.dataframe[0].proto.column_order
