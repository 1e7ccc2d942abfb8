"""The All services page: one table for every service, from three API calls, whose rows check
by arithmetic against the API, with the API's count of live services."""

from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

from dashboard.domain.daily_limits import LEVEL_WORDS, daily_limit_usage
from dashboard.domain.financial_year import london_today
from tests.app.conftest import open_page
from tests.conftest import clients_without_cache, settings_for_tests

PAGE = "app_pages/all_services.py"


def api(live_sandbox):
    return clients_without_cache(settings_for_tests(api_host_name=live_sandbox.url))


def table(at):
    return at.dataframe[0].value


def service_id_of(link: str) -> str:
    return parse_qs(urlsplit(link).query)["service_id"][0]


def test_every_service_is_listed_with_the_apis_counts(app_environment, live_sandbox):
    clients = api(live_sandbox)
    today = london_today()
    expected = {
        row.id: row.statistics
        for row in clients.services.get_services_detailed(today - timedelta(days=7), today)
    }

    at = open_page(PAGE)

    assert not at.exception
    shown = table(at)
    assert len(shown) == 60
    assert {metric.label: metric.value for metric in at.metric}["Services"] == "60"
    for _, row in shown.iterrows():
        statistics = expected[service_id_of(row["link"])]
        channels = [statistics.email, statistics.sms, statistics.letter]
        assert row["requested"] == sum(counts.requested for counts in channels)
        assert row["failed"] == sum(counts.failed for counts in channels)


def test_each_rows_limit_figures_are_one_channels_and_add_up(app_environment, live_sandbox):
    clients = api(live_sandbox)
    today = london_today()
    services = {service.id: service for service in clients.services.get_services()}
    todays = {
        row.id: row.statistics for row in clients.services.get_services_detailed(today, today)
    }

    at = open_page(PAGE)

    for _, row in table(at).iterrows():
        service_id = service_id_of(row["link"])
        usages = {
            usage.label: usage
            for usage in daily_limit_usage(services[service_id], todays[service_id])
        }
        usage = usages[row["tightest_channel"]]
        assert (row["sent_today"], row["daily_limit"]) == (usage.used, usage.limit), service_id
        assert row["limit_used"] == max(u.fraction for u in usages.values()), service_id
        if row["daily_limit"]:
            assert row["limit_used"] == row["sent_today"] / row["daily_limit"], service_id
        assert row["limit_level"] == usage.level, service_id
        assert row["limit_state"] == LEVEL_WORDS[usage.level], "the state says the figure shown"


def test_live_is_the_apis_live(app_environment, live_sandbox):
    live = api(live_sandbox).services.get_live_services_data()

    at = open_page(PAGE)

    metrics = {metric.label: metric.value for metric in at.metric}
    assert metrics["Live"] == f"{len(live):,}"
    assert set(table(at)["status"]) == {"Live", "Trial", "Not counted as live", "Inactive"}


def test_the_table_is_read_in_seven_api_calls(app_environment, live_sandbox, redis_client):
    """The services list, the window's counts, today's and the four windows before: no call
    per service."""
    at = open_page(PAGE)
    redis_client.flushdb()
    live_sandbox.reset_request_counts()

    at.run()

    assert not at.exception
    assert live_sandbox.request_counts() == {"GET /service": 7}


def test_services_near_or_over_a_limit_come_first_and_can_be_filtered(app_environment):
    at = open_page(PAGE)
    everything = table(at)

    at.sidebar.checkbox[0].check().run()

    near = table(at)
    assert 0 < len(near) < len(everything)
    assert (near["limit_used"] >= 0.8).all()
    assert list(everything["limit_used"][: len(near)]) == list(near["limit_used"])


def test_search_and_status_filters(app_environment):
    at = open_page(PAGE)
    first_name = table(at)["name"].iloc[0]

    at.sidebar.text_input[0].input(first_name).run()
    assert first_name in list(table(at)["name"])
    assert table(at)["name"].str.contains(first_name, regex=False).all()

    at.sidebar.text_input[0].input("").run()
    at.sidebar.radio[0].set_value("Trial").run()
    assert set(table(at)["status"]) == {"Trial"}


def test_rows_link_to_their_service_page_with_the_window(app_environment):
    at = open_page(PAGE, days="30")

    links = table(at)["link"]
    assert links.str.startswith("service?service_id=").all()
    assert links.str.contains("&days=30#").all()
    assert at.sidebar.slider[0].value == 30


def test_a_window_made_of_markdown_is_shown_as_text(app_environment):
    at = open_page(PAGE, days="**bold**")

    assert not at.exception
    assert r"\*\*bold\*\*" in at.warning[0].value


def param(at, name: str) -> str:
    """One query parameter as the app left it (AppTest holds some as lists)."""
    value = at.query_params[name]
    return value[0] if isinstance(value, list) else value


def test_filters_and_sort_come_from_the_url_and_go_back_into_it(app_environment):
    everything = table(open_page(PAGE))
    sector = everything["sector"].value_counts().index[0]

    at = open_page(PAGE, sector=sector, status="Live", sort="name")

    shown = table(at)
    assert at.sidebar.multiselect[0].value == [sector]
    assert at.sidebar.radio[0].value == "Live"
    assert at.sidebar.selectbox[0].value == "name"
    assert 0 < len(shown) < len(everything)
    assert set(shown["sector"]) == {sector} and set(shown["status"]) == {"Live"}
    assert list(shown["name"]) == sorted(shown["name"])
    assert (param(at, "status"), param(at, "sort")) == ("Live", "name")

    at.sidebar.radio[0].set_value("Trial").run()
    at.sidebar.selectbox[0].set_value("requested").run()
    assert (param(at, "status"), param(at, "sort")) == ("Trial", "requested")
    assert list(table(at)["requested"]) == sorted(table(at)["requested"], reverse=True)

    at.sidebar.radio[0].set_value("All").run()
    assert "status" not in at.query_params


def test_a_value_the_filters_cannot_hold_is_dropped(app_environment):
    at = open_page(PAGE, status="[x](https://evil.example)", sort="nonsense", sector="Nowhere")

    assert not at.exception
    assert at.sidebar.radio[0].value == "All"
    assert at.sidebar.multiselect[0].value == []
    assert at.sidebar.selectbox[0].value == "limit"


def test_a_service_is_found_by_its_id(app_environment):
    everything = table(open_page(PAGE))
    wanted = everything.iloc[len(everything) // 2]

    at = open_page(PAGE, q=wanted["service_id"].upper())

    assert list(table(at)["service_id"]) == [wanted["service_id"]]


def showing(at) -> list[str]:
    return [caption.value for caption in at.caption if caption.value.startswith("Showing")]


def test_a_page_of_rows_from_the_url_after_the_filters_and_sort_over_every_row(app_environment):
    everything = table(open_page(PAGE, sort="name"))

    at = open_page(PAGE, sort="name", rows="25", page="2")

    assert not at.exception
    assert list(table(at)["name"]) == list(everything["name"])[25:50]
    assert showing(at) == ["Showing 26–50 of 60 services · page 2 of 3"]
    assert {metric.label: metric.value for metric in at.metric}["Services"] == "60"

    at.button(key="services_next").click().run()
    assert list(table(at)["name"]) == list(everything["name"])[50:]
    assert showing(at) == ["Showing 51–60 of 60 services · page 3 of 3"]
    assert param(at, "page") == "3" and at.button(key="services_next").disabled

    at.sidebar.radio[0].set_value("Live").run()
    assert "page" not in at.query_params  # a new filter starts at its first page
    assert showing(at)[0].startswith("Showing 1–25 of ")


def test_a_page_past_the_end_shows_the_last_and_says_so(app_environment):
    at = open_page(PAGE, rows="25", page="99")

    assert not at.exception
    assert len(table(at)) == 10
    assert "There is no page 99: 60 services make 3 pages of 25" in at.info[0].value
    assert param(at, "page") == "3"


def test_a_page_that_is_no_number_is_the_first(app_environment):
    at = open_page(PAGE, rows="7", page="<script>")

    assert not at.exception
    assert len(table(at)) == 60  # 100 a page: one page
    assert "page" not in at.query_params and "rows" not in at.query_params
