"""The Service page in AppTest: its numbers are the API's, its window follows retention."""

import json
from datetime import date, datetime
from uuid import uuid4

import pandas as pd
import pytest
from streamlit import dataframe_util

from dashboard.domain.allowance_usage import allowance_totals, sms_fragments_by_month
from dashboard.domain.financial_year import current_financial_year, london_today
from dashboard.domain.retention import window_heading
from dashboard.domain.sectors import default_free_allowance
from dashboard.runtime import forget_shared_runtime
from tests.app.conftest import open_page
from tests.conftest import clients_without_cache, settings_for_tests
from tests.redis_server import free_port


def api(live_sandbox):
    """An uncached client on the same sandbox: what the page must agree with."""
    return clients_without_cache(settings_for_tests(api_host_name=live_sandbox.url))


def metrics(at) -> dict[str, str]:
    return {metric.label: metric.value for metric in at.metric}


def service_with_longest_retention(sandbox_db) -> tuple[str, int]:
    row = sandbox_db.execute(
        "SELECT service_id, MAX(days_of_retention) AS days FROM data_retention "
        "GROUP BY service_id ORDER BY days DESC LIMIT 1"
    ).fetchone()
    return row["service_id"], row["days"]


def service_without_retention(sandbox_db, restricted: int = 0) -> str:
    return sandbox_db.execute(
        "SELECT id FROM services WHERE restricted = ? AND active = 1 AND id NOT IN "
        "(SELECT service_id FROM data_retention) ORDER BY sid LIMIT 1",
        (restricted,),
    ).fetchone()["id"]


def test_with_no_service_chosen_the_page_asks_for_one(app_environment):
    at = open_page("app_pages/service.py")

    assert not at.exception
    assert "Choose a service" in at.info[0].value
    assert len(at.sidebar.selectbox[0].options) == 60


def test_the_slider_defaults_to_seven_and_reaches_the_longest_retention(
    app_environment, sandbox_db
):
    service_id, longest = service_with_longest_retention(sandbox_db)

    at = open_page(service_id=service_id)

    assert not at.exception
    slider = at.sidebar.slider[0]
    assert (slider.min, slider.max, slider.value) == (1, longest, 7)


def test_a_service_without_retention_rows_keeps_seven_days(app_environment, sandbox_db):
    at = open_page(service_id=service_without_retention(sandbox_db))

    assert at.sidebar.slider[0].max == 7


@pytest.mark.parametrize("days", [1, 7, 30])
def test_counts_equal_the_apis_for_the_window(app_environment, live_sandbox, sandbox_db, days):
    service_id, longest = service_with_longest_retention(sandbox_db)
    days = min(days, longest)
    expected = api(live_sandbox).services.get_service_statistics(service_id, days)

    at = open_page(service_id=service_id, days=str(days))

    shown = metrics(at)
    unused = [markdown.value for markdown in at.markdown if "in this window." in markdown.value]
    for channel, label in [("email", "Emails"), ("sms", "Text messages"), ("letter", "Letters")]:
        counts = getattr(expected, channel)
        sending = counts.requested - counts.delivered - counts.failed
        if counts.requested == 0:  # a channel not used is one line, not five zeros
            assert f"{label} requested" not in shown
            assert label.lower() in unused[0]
            continue
        assert shown[f"{label} requested"] == f"{counts.requested:,}"
        assert shown[f"{label} delivered"] == f"{counts.delivered:,}"
        assert shown[f"{label} failed"] == f"{counts.failed:,}"
        assert shown[f"{label} sending"] == f"{sending:,}"
    assert at.sidebar.slider[0].value == days


def test_moving_the_slider_changes_the_counts_and_the_url(app_environment, sandbox_db):
    service_id, longest = service_with_longest_retention(sandbox_db)
    at = open_page(service_id=service_id)
    before = metrics(at)["Emails requested"]

    at.sidebar.slider[0].set_value(longest).run()

    assert at.query_params["days"] == str(longest)
    assert at.sidebar.slider[0].value == longest
    assert metrics(at)["Emails requested"] != before


def test_daily_limit_usage_is_todays_requested_against_each_limit(
    app_environment, live_sandbox, sandbox_db
):
    service_id = service_without_retention(sandbox_db)
    client = api(live_sandbox)
    today = client.services.get_service_statistics_today(service_id)
    service = client.services.get_service(service_id)

    at = open_page(service_id=service_id)

    bars = [bar.proto.text for bar in at.get("progress")]
    assert f"Emails: {today.email.requested:,} of {service.email_message_limit:,}" in bars[0]
    assert f"Text messages: {today.sms.requested:,} of {service.sms_message_limit:,}" in bars[1]


def test_the_allowance_section_follows_the_sector_table(app_environment, live_sandbox, sandbox_db):
    row = sandbox_db.execute(
        "SELECT s.id, s.organisation_type FROM services s JOIN annual_billing b "
        "ON b.service_id = s.id AND b.financial_year_start = ? "
        "WHERE s.organisation_type = 'central' AND s.restricted = 0 ORDER BY s.sid LIMIT 1",
        (current_financial_year(),),
    ).fetchone()
    year = current_financial_year()
    allowance = api(live_sandbox).billing.get_free_sms_fragment_limit(row["id"], year)

    at = open_page(service_id=row["id"])

    text = " ".join(markdown.value for markdown in at.markdown)
    assert "Central government" in text
    assert f"{default_free_allowance('central', year):,}" in text
    shown = metrics(at)
    allowance_label = next(label for label in shown if label.startswith("Allowance"))
    assert shown[allowance_label] == f"{allowance.free_sms_fragment_limit:,}"
    is_custom = allowance.free_sms_fragment_limit != default_free_allowance("central", year)
    assert allowance_label == ("Allowance (custom)" if is_custom else "Allowance")


def test_a_trial_service_shows_the_go_live_checklist(app_environment, sandbox_db):
    service_id = service_without_retention(sandbox_db, restricted=1)

    at = open_page(service_id=service_id)

    assert any("trial mode" in info.value for info in at.info)
    text = " ".join(markdown.value for markdown in at.markdown)
    assert "Add templates with examples of your content" in text
    assert "Accept our data processing and financial agreement" in text


@pytest.mark.parametrize(
    ("service_id", "message"),
    [
        ("not-a-uuid", "is not a service id"),
        (str(uuid4()), "There is no service with id"),
    ],
    ids=["malformed", "unknown"],  # the same names in every xdist worker
)
def test_a_bad_service_id_gets_a_message_not_a_traceback(app_environment, service_id, message):
    at = open_page(service_id=service_id)

    assert not at.exception
    assert message in at.error[0].value


@pytest.mark.parametrize(("days", "message"), [("365", "choose 1 to"), ("abc", "not a number")])
def test_days_out_of_range_are_clamped_and_said(app_environment, sandbox_db, days, message):
    at = open_page(service_id=service_without_retention(sandbox_db), days=days)

    assert not at.exception
    assert message in at.warning[0].value
    assert at.sidebar.slider[0].value == 7


def test_a_second_load_says_it_came_from_the_cache(app_environment, sandbox_db):
    service_id = service_without_retention(sandbox_db)
    open_page(service_id=service_id)

    at = open_page(service_id=service_id)

    captions = [caption.value for caption in at.caption]
    assert any(caption.startswith("From the cache") for caption in captions)
    assert not any(caption.startswith("Just read from the API") for caption in captions)


def live_services(live_sandbox) -> list:
    return [s for s in api(live_sandbox).services.get_services() if s.active and not s.restricted]


def monthly_totals(client, service_id: str):
    """The allowance figures worked out month by month from monthly usage: today's way."""
    year = current_financial_year()
    allowance = client.billing.get_free_sms_fragment_limit(service_id, year)
    monthly = client.billing.get_monthly_usage(service_id, year)
    return allowance_totals(
        allowance.free_sms_fragment_limit, year, sms_fragments_by_month(monthly)
    )


def test_the_window_heading_says_which_days_are_counted(app_environment, sandbox_db):
    at = open_page(service_id=service_without_retention(sandbox_db), days="3")

    headings = [subheader.value for subheader in at.subheader]
    assert window_heading(3, london_today()) in headings


def test_the_allowance_figures_equal_the_month_by_month_computation(app_environment, live_sandbox):
    client = api(live_sandbox)
    over = next(
        s for s in live_services(live_sandbox) if monthly_totals(client, s.id).chargeable > 0
    )
    expected = monthly_totals(client, over.id)

    shown = metrics(open_page(service_id=over.id))

    assert shown["Fragments used"] == f"{expected.used:,}"
    assert shown["Free fragments left"] == f"{expected.remaining:,}"
    assert shown["Chargeable fragments"] == f"{expected.chargeable:,}"
    assert shown["Cost beyond the allowance"] == f"£{float(expected.cost):,.2f}"


def test_an_allowance_used_up_says_when_it_ran_out_and_one_left_when_it_runs_out(
    app_environment, live_sandbox
):
    client = api(live_sandbox)
    totals = {s.id: monthly_totals(client, s.id) for s in live_services(live_sandbox)}
    over = next(sid for sid, t in totals.items() if t.allowance and t.used >= t.allowance)
    under = next(sid for sid, t in totals.items() if 0 < t.used < t.allowance)

    over_shown, under_shown = (
        metrics(open_page(service_id=over)),
        metrics(open_page(service_id=under)),
    )

    assert "Allowance ran out on" in over_shown
    assert "Allowance runs out" not in over_shown
    assert "Allowance runs out" in under_shown
    assert under_shown["Allowance runs out"] == "Not this year" or (
        datetime.strptime(under_shown["Allowance runs out"], "%d %B %Y").date() > london_today()
    )
    ran_out = datetime.strptime(over_shown["Allowance ran out on"], "%d %B %Y").date()
    assert ran_out <= london_today()


def test_this_year_by_month_equals_the_apis_monthly_counts(app_environment, live_sandbox):
    client = api(live_sandbox)
    service = live_services(live_sandbox)[0]
    months = client.services.get_notifications_monthly(service.id, current_financial_year())

    at = open_page(service_id=service.id)

    (table,) = [frame.value for frame in at.dataframe if "Month" in frame.value.columns]
    table = table.set_index("Month")
    assert len(table) == len(months)
    for month, counts in months.items():
        row = table.loc[date.fromisoformat(f"{month}-01").strftime("%B %Y")]
        sms = counts.sms
        assert row["Text messages requested"] == sum(
            n for status, n in sms.items() if status != "cancelled"
        )
        assert row["Text messages delivered"] == sms.get("delivered", 0) + sms.get("sent", 0)


def test_the_trial_notice_gives_each_channels_limit_and_no_letters(app_environment, sandbox_db):
    at = open_page(service_id=service_without_retention(sandbox_db, restricted=1))

    notice = next(info.value for info in at.info if "trial mode" in info.value)
    assert "up to 50 emails and 50 text messages a day, and no letters" in notice


def test_refresh_reads_the_service_from_the_api_again(app_environment, sandbox_db):
    service_id = service_without_retention(sandbox_db)
    open_page(service_id=service_id)
    at = open_page(service_id=service_id)
    assert not any(caption.value.startswith("Just read") for caption in at.caption)

    at.sidebar.button[0].click().run()

    assert at.sidebar.button[0].label == "Refresh"
    assert any(caption.value.startswith("Just read from the API") for caption in at.caption)


def test_with_the_api_down_a_valid_id_still_gets_refresh_and_a_message(
    app_environment, monkeypatch, sandbox_db
):
    service_id = service_without_retention(sandbox_db)
    monkeypatch.setenv("API_HOST_NAME", f"http://127.0.0.1:{free_port()}")
    monkeypatch.setenv("API_TIMEOUT_SECONDS", "1")
    forget_shared_runtime()

    at = open_page(service_id=service_id)

    assert not at.exception
    assert [button.label for button in at.sidebar.button] == ["Refresh"]
    assert any("could not be reached" in error.value for error in at.error)


def test_a_malformed_id_gets_no_refresh(app_environment):
    at = open_page(service_id="not-a-uuid")

    assert "Refresh" not in [button.label for button in at.sidebar.button]


def test_when_the_api_stops_answering_the_last_good_copies_are_shown_and_marked(
    app_environment, monkeypatch, sandbox_db, redis_client
):
    service_id = service_without_retention(sandbox_db)
    before = metrics(open_page(service_id=service_id))
    for key in redis_client.scan_iter(match="service-*"):
        redis_client.delete(key)  # every value expired; the last good copies stay
    monkeypatch.setenv("API_HOST_NAME", f"http://127.0.0.1:{free_port()}")
    monkeypatch.setenv("API_TIMEOUT_SECONDS", "1")
    forget_shared_runtime()

    at = open_page(service_id=service_id)

    shown = metrics(at)
    assert {label: shown[label] for label in before} == before
    stale = [c.value for c in at.caption if "the API did not answer" in c.value]
    # The service, counts, comparison, limits, templates, the allowance with its months, this
    # year by month and by template: one line for each section.
    assert len(stale) == 8 and all(caption.startswith("As of ") for caption in stale)
    assert [button.label for button in at.sidebar.button] == ["Refresh"]


def test_find_narrows_the_picker_by_name_or_id_and_the_choice_goes_in_the_url(app_environment):
    at = open_page("app_pages/service.py")
    every = at.sidebar.selectbox[0].options
    wanted = every[len(every) // 2]  # "name · id"
    name, service_id = wanted.rsplit(" · ", 1)

    at.sidebar.text_input(key="service_find").input(service_id.upper()).run()
    assert at.sidebar.selectbox[0].options == [wanted]

    at.sidebar.text_input(key="service_find").input(name[2:8]).run()
    narrowed = at.sidebar.selectbox[0].options
    assert wanted in narrowed and len(narrowed) < len(every)
    assert all(name[2:8].casefold() in option.casefold() for option in narrowed)

    at.sidebar.selectbox[0].select(service_id).run()
    assert not at.exception
    assert at.query_params["service_id"] in (service_id, [service_id])
    assert at.header[0].value == name


def test_a_find_that_matches_nothing_says_so_and_keeps_the_service_shown(
    app_environment, sandbox_db
):
    service_id, _ = service_with_longest_retention(sandbox_db)
    at = open_page(service_id=service_id)

    at.sidebar.text_input(key="service_find").input("no service is called this").run()

    assert [option.rsplit(" · ", 1)[1] for option in at.sidebar.selectbox[0].options] == [
        service_id
    ]
    assert at.sidebar.selectbox[0].value == service_id
    assert "No service's name or id holds that." in [c.value for c in at.sidebar.caption]


def chart_layers(at) -> list[tuple[dict, pd.DataFrame]]:
    """Each layer of the allowance chart (the chart whose legend names the months ahead) with
    its data."""
    for chart in at.get("vega_lite_chart"):
        spec = json.loads(chart.proto.spec)
        if "Month ahead: 80 % range" not in json.dumps(spec.get("layer", [])):
            continue
        data = {
            dataset.name: dataframe_util.convert_arrow_bytes_to_pandas_df(dataset.data.data)
            for dataset in chart.proto.datasets
        }
        return [(layer, data[layer["data"]["name"]]) for layer in spec["layer"]]
    raise AssertionError("No allowance chart")


def what(data: pd.DataFrame) -> str:
    """The legend's words for a layer's rows (their `what`), or "" for an unnamed layer."""
    return str(data["what"].iloc[0]) if "what" in data and len(data) else ""


def test_the_months_ahead_are_drawn_as_their_range_never_as_bars(app_environment, live_sandbox):
    client = api(live_sandbox)
    totals = {s.id: monthly_totals(client, s.id) for s in live_services(live_sandbox)}
    under = next(sid for sid, t in totals.items() if 0 < t.used < t.allowance)
    today = pd.Timestamp(london_today())

    at = open_page(service_id=under)

    assert not at.exception
    layers = chart_layers(at)
    marks = {(layer["mark"]["type"], what(data)) for layer, data in layers}
    assert ("rect", "Month ahead: 80 % range") in marks
    assert ("area", "Running total ahead: 80 % range") in marks
    # Bars are months that have begun: none starts after today.
    bars = [data for layer, data in layers if layer["mark"]["type"] == "bar"]
    assert len(bars) == 1 and (bars[0]["start"] <= today).all()
    # Every month ahead is a range from low to high around the pace so far.
    (ranges,) = [data for layer, data in layers if layer["mark"]["type"] == "rect"]
    assert {what(data) for layer, data in layers if layer["mark"]["type"] == "bar"} == {"Sent"}
    assert len(ranges) > 0 and (ranges["end"] > today).all()
    assert (ranges["top_low"] <= ranges["top"]).all()
    assert (ranges["top"] <= ranges["top_high"]).all()
    assert (ranges["top_high"] > ranges["top_low"]).any()
    (table,) = [element.value for element in at.table if "Month" in element.value.index.names]
    ahead = table["Still to come: expected (80 % range)"]
    assert (ahead != "").sum() == len(ranges)
    assert all(" to " in cell for cell in ahead if cell)
