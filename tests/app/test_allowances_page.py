"""The Allowances page: its tables are the API's billing, totals leave out the platform's own
service and say what they exclude, a part that fails is said, and the URL's year is text."""

import json
import re

import pytest
from streamlit import dataframe_util

from dashboard.app_pages.tables import FOUR_LINE_ROW_HEIGHT
from dashboard.domain.allowance_table import ALL, CUSTOM, OVER, share_words
from dashboard.domain.financial_year import current_financial_year
from dashboard.domain.liveness import is_live
from dashboard.domain.platform_service import NOTIFY_SERVICE_ID
from dashboard.runtime import forget_shared_runtime
from tests.app.conftest import open_page
from tests.app.shown import shown_config, shown_table
from tests.conftest import clients_without_cache, settings_for_tests
from tests.redis_server import free_port

PAGE = "app_pages/allowances.py"


def api(live_sandbox):
    return clients_without_cache(settings_for_tests(api_host_name=live_sandbox.url))


def tables(at) -> dict[str, object]:
    """The page's tables by what they hold: sectors, the platform's service apart, services."""
    frames = [frame.value for frame in at.dataframe]
    sectors = next(frame for frame in frames if "share_used" in frame)
    platform, services = [frame for frame in frames if "allowance" in frame]
    return {"sectors": sectors, "platform": platform, "services": services}


@pytest.mark.parametrize("year", [current_financial_year(), current_financial_year() - 1])
def test_every_live_service_but_the_platforms_own_is_listed_with_its_allowance(
    app_environment, live_sandbox, year
):
    clients = api(live_sandbox)
    live = {service.id for service in clients.services.get_services() if is_live(service)}

    at = open_page(PAGE, year=str(year))

    assert not at.exception
    shown = tables(at)
    assert set(shown["services"]["service_id"]) == live - {NOTIFY_SERVICE_ID}
    assert list(shown["platform"]["service_id"]) == [NOTIFY_SERVICE_ID]
    for _, row in shown["services"].sample(10, random_state=1).iterrows():
        allowance = clients.billing.get_free_sms_fragment_limit(row["service_id"], year)
        assert row["allowance"] == allowance.free_sms_fragment_limit


def test_the_headline_and_the_sectors_add_up_the_services(app_environment):
    at = open_page(PAGE)

    shown = tables(at)
    sectors, services = shown["sectors"], shown["services"]
    for _, sector in sectors.iterrows():
        members = services[services["sector"] == sector["sector"]]
        assert sector["services"] == len(members)
        assert sector["total_allowance"] == members["allowance"].sum()
        assert sector["used"] == members["used"].sum()
        assert sector["chargeable"] == members["chargeable"].sum()
        assert sector["cost"] == pytest.approx(members["cost"].sum())
    metrics = {metric.label: metric.value for metric in at.metric}
    assert metrics["Live services"] == f"{len(services):,}"
    assert metrics["Services over their allowance"] == f"{services['over_allowance'].sum():,}"
    assert metrics["Cost of texts and letters"] == f"£{services['total_cost'].sum():,.2f}"
    words = "\n".join(caption.value for caption in at.caption)
    assert f"{services['used'].sum():,} text fragments used" in words
    assert f"{services['chargeable'].sum():,} chargeable fragments" in words
    assert f"Texts £{services['cost'].sum():,.2f}" in words
    assert "excluding VAT" in words and "Emails have no charge" in words
    assert list(services["total_cost"]) == sorted(services["total_cost"], reverse=True)


def test_custom_allowances_are_marked(app_environment):
    services = tables(open_page(PAGE))["services"]

    custom = services[services["custom_allowance"]]
    assert len(custom) > 0
    assert (custom["allowance"] != custom["sector_default"]).all()
    default = services[~services["custom_allowance"]]
    assert (default["allowance"] == default["sector_default"]).all()


def test_the_filter_shows_those_over_their_allowance(app_environment):
    at = open_page(PAGE)
    everyone = tables(at)["services"]

    at.radio[0].set_value("Over their allowance").run()

    over = tables(at)["services"]
    assert 0 < len(over) < len(everyone)
    assert (over["used"] > over["allowance"]).all()


def test_without_the_billing_report_the_rest_is_shown_and_the_gap_said(
    app_environment, requests_mock
):
    requests_mock.register_uri("GET", re.compile(r".*"), real_http=True)
    requests_mock.get(re.compile(r"/platform-stats/data-for-billing-report"), status_code=500)

    at = open_page(PAGE)

    assert not at.exception
    assert any("Chargeable fragments and cost are not shown" in w.value for w in at.warning)
    services = tables(at)["services"]
    assert len(services) > 0 and "cost" not in services
    assert "Cost of texts and letters" not in [metric.label for metric in at.metric]


def test_an_unknown_year_falls_back_with_a_message(app_environment):
    at = open_page(PAGE, year="1999")

    assert not at.exception
    assert "not a financial year" in at.warning[0].value
    assert at.sidebar.selectbox[0].value == current_financial_year()


def test_a_year_made_of_markdown_is_shown_as_text(app_environment):
    at = open_page(PAGE, year="[x](https://evil.example)")

    assert not at.exception
    message = at.warning[0].value
    assert r"\[x\]\(https\:" in message, "escaped: a link to nowhere, the words unchanged"


def test_when_the_api_stops_answering_the_page_says_its_numbers_are_its_last(
    app_environment, monkeypatch, redis_client
):
    open_page(PAGE)
    for key in redis_client.scan_iter():  # the values expire; their last good copies stay
        if not key.startswith(b"dashboard-"):
            redis_client.delete(key)
    monkeypatch.setenv("API_HOST_NAME", f"http://127.0.0.1:{free_port()}")
    monkeypatch.setenv("API_TIMEOUT_SECONDS", "1")
    forget_shared_runtime()

    at = open_page(PAGE)

    assert not at.exception
    assert any(
        warning.value.startswith("As of") and "the API did not answer" in warning.value
        for warning in at.warning
    )
    assert len(tables(at)["services"]) > 0


def test_the_sectors_share_reads_as_on_the_overview_unclipped(app_environment):
    at = open_page(PAGE)

    config = shown_config(at, "share_used_words")
    sectors = shown_table(at, "share_used_words").value

    assert config["type_config"]["type"] == "text"
    assert config["label"] == "Used of the sum"
    pooled = sectors["used"] / sectors["total_allowance"].where(sectors["total_allowance"] > 0)
    assert list(sectors["share_used"]) == pytest.approx(list(pooled), nan_ok=True)
    assert list(sectors["share_used_words"]) == [share_words(n) for n in sectors["share_used"]]


def test_each_service_forecast_over_shows_its_year_end_range_in_the_by_31_march_cell(
    app_environment,
):
    at = open_page(PAGE)

    config = shown_config(at, "year_end_words")
    element = shown_table(at, "year_end_words")
    services = element.value

    assert config["label"] == "By 31 March"
    assert element.proto.row_height == FOUR_LINE_ROW_HEIGHT  # the words wrap in the column
    over = services[services["expected_over"] != ""]
    assert len(over) > 0
    for _, row in over.iterrows():
        low, high = row["year_end_cost_low"], row["year_end_cost_high"]
        assert row["year_end_words"] == f"{row['expected_over']}; £{low:,.0f} to £{high:,.0f}"
    assert (services.loc[services["expected_over"] == "", "year_end_words"] == "").all()


@pytest.mark.parametrize("shown", [OVER, CUSTOM])
def test_the_show_filter_comes_from_the_url_and_stays_there(app_environment, shown):
    at = open_page(PAGE, show=shown)

    assert not at.exception
    assert at.radio(key="allowances_show").value == shown
    services = tables(at)["services"]
    column = "over_allowance" if shown == OVER else "custom_allowance"
    assert len(services) > 0 and services[column].all()
    assert at.query_params["show"] in (shown, [shown])


def test_every_service_leaves_the_url_plain_and_a_hostile_show_falls_back(app_environment):
    at = open_page(PAGE, show="<script>alert(1)</script>")

    assert not at.exception
    assert at.radio(key="allowances_show").value == ALL
    assert "show" not in at.query_params


def test_the_sort_comes_from_the_url_stays_there_and_runs_over_every_row_before_the_page(
    app_environment,
):
    everyone = tables(open_page(PAGE))["services"]

    at = open_page(PAGE, sort="name", rows="25", page="2")

    assert not at.exception
    assert at.selectbox(key="allowances_sort").value == "name"
    services = tables(at)["services"]
    assert list(services["name"]) == sorted(everyone["name"])[25:50]
    assert (param(at, "sort"), param(at, "rows"), param(at, "page")) == ("name", "25", "2")
    words = [caption.value for caption in at.caption if caption.value.startswith("Showing")]
    assert len(words) == 1 and words[0].startswith(f"Showing 26–{min(50, len(everyone))} of ")

    at.selectbox(key="allowances_sort").set_value("used").run()
    services = tables(at)["services"]
    assert param(at, "sort") == "used" and "page" not in at.query_params  # back to page 1
    assert list(services["used"]) == sorted(everyone["used"], reverse=True)[:25]


def test_a_hostile_sort_falls_back_to_the_most_cost_and_leaves_the_url(app_environment):
    at = open_page(PAGE, sort="<script>alert(1)</script>")

    assert not at.exception
    assert at.selectbox(key="allowances_sort").value == "total-cost"
    assert "sort" not in at.query_params


def param(at, name: str) -> str:
    value = at.query_params[name]
    return value[0] if isinstance(value, list) else value


def test_letters_by_sector_are_counts_sheets_and_cost_of_its_services(app_environment):
    at = open_page(PAGE)

    letters = shown_table(at, "letter_sheets").value
    services = tables(at)["services"]

    assert shown_config(at, "letter_sheets")["label"] == "Letter sheets"
    for _, sector in letters.iterrows():
        members = services[services["sector"] == sector["sector"]]
        for column in ("letters", "letter_sheets", "letter_cost"):
            assert sector[column] == pytest.approx(members[column].sum()), column
    assert letters["letter_sheets"].sum() > 0
    assert shown_config(at, "letters")["label"] == "Letters"  # this year's services table too
    assert "letters" in json.loads(shown_table(at, "year_end_words").proto.columns)
    words = "\n".join(caption.value for caption in at.caption)
    assert f"({services['letter_sheets'].sum():,} sheets)" in words


def test_the_year_ahead_shows_fragments_chargeable_and_cost_each_with_its_range(
    app_environment,
):
    at = open_page(PAGE)

    fragments = shown_table(at, "year_end_chargeable")
    shown = json.loads(fragments.proto.columns)
    sectors = fragments.value

    for figure in ("year_end_fragments", "year_end_chargeable"):
        assert {figure, f"{figure}_low", f"{figure}_high"} <= set(shown), figure
        assert (sectors[f"{figure}_low"] <= sectors[figure]).all()
        assert (sectors[figure] <= sectors[f"{figure}_high"]).all()
    assert {"year_end_cost", "year_end_cost_low", "year_end_cost_high"} <= set(
        json.loads(shown_table(at, "year_end_cost_low").proto.columns)
    )
    # The headline's platform figures are the sectors' expected values added up.
    words = "\n".join(caption.value for caption in at.caption)
    assert f"{sectors['year_end_fragments'].sum():,} text fragments (" in words
    assert f"{sectors['year_end_chargeable'].sum():,} chargeable (" in words
    metrics = {metric.label: metric.value for metric in at.metric}
    assert metrics["Text cost by 31 March"] == f"£{round(sectors['year_end_cost'].sum(), 2):,.2f}"


def test_the_sectors_share_is_a_bar_with_a_rule_at_100_percent_and_its_figure_beside(
    app_environment,
):
    at = open_page(PAGE)
    sectors = shown_table(at, "share_used_words").value

    (chart,) = [
        element
        for element in at.get("vega_lite_chart")
        if "share_used_words" in element.proto.spec and "layer" in json.loads(element.proto.spec)
    ]
    spec = json.loads(chart.proto.spec)
    data = {
        dataset.name: dataframe_util.convert_arrow_bytes_to_pandas_df(dataset.data.data)
        for dataset in chart.proto.datasets
    }
    layers = {layer["mark"]["type"]: layer for layer in spec["layer"]}
    assert set(layers) == {"bar", "rule", "text"}
    assert list(data[layers["rule"]["data"]["name"]]["share_used"]) == [1.0]
    bars = data[layers["bar"]["data"]["name"]]
    has_share = sectors[sectors["share_used"].notna()]
    # Unclipped: every bar is its sector's share, over 100 % too, and says so beside it.
    assert list(bars["sector"]) == list(has_share["sector"])
    assert list(bars["share_used"]) == pytest.approx(list(has_share["share_used"]))
    assert layers["text"]["encoding"]["text"]["field"] == "share_used_words"
    assert list(data[layers["text"]["data"]["name"]]["share_used_words"]) == list(
        has_share["share_used_words"]
    )
    assert (bars["share_used"] > 1).any() and (bars["share_used"] < 1).any()
    # The axis runs past the longest bar, leaving room for its figure.
    assert layers["bar"]["encoding"]["x"]["scale"]["domain"][1] > bars["share_used"].max()
