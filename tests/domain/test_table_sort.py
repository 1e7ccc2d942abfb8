import math

import pandas as pd

from dashboard.domain.allowance_table import SERVICE_SORTS, service_sorts
from dashboard.domain.service_table import SORTS, ServiceFilter, filter_services
from dashboard.domain.table_sort import SortChoice, choice_by_key, sort_table


def services() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "service_id": ["b-2", "a-1", "c-3"],
            "name": ["Beta", "Alpha", "Gamma"],
            "sector": ["Local government"] * 3,
            "status": ["Live"] * 3,
            "requested": [10, 10, 30],
            "failure_rate": [0.1, math.nan, 0.3],
        }
    )


def test_a_sort_puts_ties_in_name_order_and_missing_values_last():
    table = services()

    by_requested = sort_table(table, SortChoice("requested", "Most requested", "requested"))
    by_rate = sort_table(table, SortChoice("rate", "Highest rate", "failure_rate"))

    assert list(by_requested["name"]) == ["Gamma", "Alpha", "Beta"]
    assert list(by_rate["name"]) == ["Gamma", "Beta", "Alpha"]
    assert list(table["name"]) == ["Beta", "Alpha", "Gamma"]  # the argument is unchanged


def test_a_sort_on_a_column_the_table_lacks_keeps_its_order():
    table = services().drop(columns=["requested"])

    assert list(sort_table(table, SORTS[2])["name"]) == list(table["name"])


def test_an_unknown_sort_name_gives_the_usual_order():
    assert choice_by_key(SORTS, "nonsense") == SORTS[0]
    assert choice_by_key(SORTS, None) == SORTS[0]
    assert choice_by_key(SORTS, "name").descending is False


def test_search_finds_a_service_by_name_or_by_its_whole_id():
    table = services()

    assert list(filter_services(table, ServiceFilter(search="amm"))["name"]) == ["Gamma"]
    assert list(filter_services(table, ServiceFilter(search=" A-1 "))["name"]) == ["Alpha"]
    assert filter_services(table, ServiceFilter(search="a-")).empty


def test_the_allowances_sorts_offered_are_those_the_table_has_columns_for():
    with_costs = pd.DataFrame(columns=["name", "total_cost", "cost", "used", "allowance"])
    without_costs = with_costs.drop(columns=["total_cost", "cost"])

    assert service_sorts(with_costs)[0].key == "total-cost"
    assert service_sorts(without_costs)[0].key == "used"  # the page's order without charges
    assert "year-end" not in [choice.key for choice in service_sorts(with_costs)]
    assert {choice.key for choice in SERVICE_SORTS} >= {"total-cost", "used", "name"}
