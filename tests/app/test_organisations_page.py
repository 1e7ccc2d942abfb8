"""The Organisations page against the sandbox: organisations sorted by cost, search and sort
from the URL, an organisation's services, the rest kept apart, and hostile URL values."""

import json

import pytest

from dashboard.app_pages.plain_text import plain
from dashboard.domain.financial_year import current_financial_year
from dashboard.domain.forecast import METHOD
from dashboard.domain.organisation_finance import MONEY_NOTE
from tests.app.conftest import open_page
from tests.app.shown import shown_table

PAGE = "app_pages/organisations.py"


def frames(at) -> dict[str, object]:
    """The page's tables by what they hold."""
    found = [frame.value for frame in at.dataframe]
    return {
        "organisations": next(f for f in found if "services_over" in f),
        "services": next(f for f in found if "link" in f and "allowance" in f),
        "not_live": next((f for f in found if "status" in f and "allowance" not in f), None),
    }


def captions(at) -> str:
    return "\n".join(caption.value for caption in at.caption)


def test_organisations_are_sorted_by_total_cost_with_the_method_and_money_said(app_environment):
    at = open_page(PAGE)

    assert not at.exception
    organisations = frames(at)["organisations"]
    assert list(organisations["total_cost"]) == sorted(organisations["total_cost"], reverse=True)
    assert MONEY_NOTE in captions(at) and METHOD in captions(at)
    assert at.query_params["sort"] in ("total_cost", ["total_cost"])
    assert any(metric.label == "Services over their allowance" for metric in at.metric)


def test_an_organisation_opens_its_services_each_linking_to_its_service_page(app_environment):
    at = open_page(PAGE)
    organisations = frames(at)["organisations"]
    chosen = organisations.iloc[1]

    at = open_page(PAGE, organisation=chosen["organisation_id"])

    services = frames(at)["services"]
    assert len(services) == chosen["services"]
    assert services["total_cost"].sum() == pytest.approx(chosen["total_cost"])
    assert all(link.startswith("service?service_id=") for link in services["link"])


def test_an_organisations_services_show_their_year_end_range_by_31_march(app_environment):
    at = open_page(PAGE)

    table = shown_table(at, "year_end_words")
    services = table.value

    assert json.loads(table.proto.columns)["year_end_words"]["label"] == "By 31 March"
    assert table.proto.row_height == 65  # the words wrap within the column's 150 px
    for _, row in services.iterrows():
        low, high = row["year_end_text_cost_low"], row["year_end_text_cost_high"]
        expected = f"{row['expected_over']}; £{low:,.0f} to £{high:,.0f}"
        assert row["year_end_words"] == (expected if row["expected_over"] else "")


def test_search_and_sort_come_from_the_url(app_environment):
    at = open_page(
        PAGE,
        year=str(current_financial_year() - 1),
        sort="organisation",
        order="Lowest first",
        search="council",
    )

    assert not at.exception
    organisations = frames(at)["organisations"]
    assert len(organisations) > 0
    assert all("council" in name.lower() for name in organisations["organisation"])
    assert list(organisations["organisation"]) == sorted(organisations["organisation"])


@pytest.mark.parametrize(
    "query",
    [
        {"sort": "<img src=x onerror=alert(1)>", "order": "sideways"},
        {"organisation": "[x](https://evil.example)"},
        {"year": "**1999**"},
    ],
)
def test_hostile_url_values_fall_back_and_break_nothing(app_environment, query):
    at = open_page(PAGE, **query)

    assert not at.exception
    organisations = frames(at)["organisations"]
    assert list(organisations["total_cost"]) == sorted(organisations["total_cost"], reverse=True)


def test_the_year_ahead_by_organisation_adds_up_to_the_headline(app_environment):
    at = open_page(PAGE)

    table = shown_table(at, "year_end_chargeable")
    shown = json.loads(table.proto.columns)
    organisations = table.value

    for figure in ("year_end_fragments", "year_end_chargeable"):
        assert {figure, f"{figure}_low", f"{figure}_high"} <= set(shown), figure
    words = captions(at)
    assert f"{organisations['year_end_fragments'].sum():,} text fragments (" in words
    assert f"{organisations['year_end_chargeable'].sum():,} chargeable (" in words
    metrics = {metric.label: metric.value for metric in at.metric}
    expected = round(organisations["year_end_text_cost"].sum(), 2)
    assert metrics["Text cost by 31 March, expected"] == f"£{expected:,.2f}"


def organisation_in_url(at) -> str | None:
    value = at.query_params.get("organisation")
    return value[0] if isinstance(value, list) else value


def test_choosing_an_organisations_row_opens_its_services_and_a_link_opens_the_same(
    app_environment,
):
    at = open_page(PAGE)
    organisations = frames(at)["organisations"]
    assert at.session_state["organisation_row"]["selection"]["rows"] == [0]
    assert organisation_in_url(at) is None  # the first row's, and a plain link
    row = next(n for n, key in enumerate(organisations["organisation_id"]) if n > 0 and key)
    chosen = organisations.iloc[row]

    at.session_state["organisation_row"] = {"selection": {"rows": [row], "columns": []}}
    at.run()

    assert not at.exception
    services = frames(at)["services"]
    assert len(services) == chosen["services"]
    assert services["total_cost"].sum() == pytest.approx(chosen["total_cost"])
    assert organisation_in_url(at) == chosen["organisation_id"]
    assert at.selectbox(key="organisation_choice").value == chosen["organisation_id"]

    shared = open_page(PAGE, organisation=chosen["organisation_id"])

    assert shared.session_state["organisation_row"]["selection"]["rows"] == [row]
    assert list(frames(shared)["services"]["service_id"]) == list(services["service_id"])


def test_the_drop_down_chooses_as_the_row_does_and_moves_the_rows_selection(app_environment):
    at = open_page(PAGE)
    organisations = frames(at)["organisations"]
    chosen = organisations.iloc[3]

    at.selectbox(key="organisation_choice").set_value(chosen["organisation_id"]).run()

    assert not at.exception
    services = frames(at)["services"]
    assert services["total_cost"].sum() == pytest.approx(chosen["total_cost"])
    assert organisation_in_url(at) == chosen["organisation_id"]
    assert at.session_state["organisation_row"]["selection"]["rows"] == [3]


@pytest.mark.parametrize("asked", ["not-an-organisation", "[x](https://evil.example)"])
def test_an_organisation_id_in_the_url_that_is_none_is_said_and_the_first_listed(
    app_environment, asked
):
    at = open_page(PAGE, organisation=asked)

    assert not at.exception
    (warning,) = [w for w in at.warning if "No organisation has the id" in w.value]
    assert plain(asked) in warning.value  # the URL's text as text, never a link
    organisations, services = frames(at)["organisations"], frames(at)["services"]
    assert len(services) == organisations.iloc[0]["services"]
    assert organisation_in_url(at) is None
    assert at.session_state["organisation_row"]["selection"]["rows"] == [0]
