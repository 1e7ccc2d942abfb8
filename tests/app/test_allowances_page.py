"""The Allowances page: sector totals and per-service cost, checked against the API's billing."""

from decimal import Decimal

import pytest

from dashboard.cache.policy import DEFAULT_TTLS
from dashboard.cache.request_cache import RequestCache
from dashboard.domain.financial_year import current_financial_year
from dashboard.notify_client import build_clients
from tests.app.conftest import open_page
from tests.conftest import settings_for_tests

PAGE = "app_pages/allowances.py"


def api(live_sandbox):
    return build_clients(
        settings_for_tests(api_host_name=live_sandbox.url), RequestCache(None, DEFAULT_TTLS)
    )


def api_billing(clients, service_id: str, year: int) -> dict:
    """What the API itself says a service used and owes for SMS in a year."""
    rows = [
        r
        for r in clients.billing.get_monthly_usage(service_id, year)
        if r.notification_type == "sms"
    ]
    return {
        "used": sum(r.chargeable_units for r in rows),
        "chargeable": sum(r.charged_units for r in rows),
        "cost": sum((Decimal(str(r.cost)) for r in rows), Decimal(0)),
    }


@pytest.mark.parametrize("year", [current_financial_year(), current_financial_year() - 1])
def test_each_services_use_and_cost_equal_the_apis_billing(app_environment, live_sandbox, year):
    clients = api(live_sandbox)

    at = open_page(PAGE, year=str(year))

    assert not at.exception
    services = at.dataframe[1].value
    assert len(services) > 0
    by_name = {s.name: s.id for s in clients.services.get_services()}
    for _, row in services.iterrows():
        expected = api_billing(clients, by_name[row["name"]], year)
        assert row["used"] == expected["used"]
        assert row["chargeable"] == expected["chargeable"]
        assert Decimal(str(row["cost"])).quantize(Decimal("0.0001")) == expected["cost"].quantize(
            Decimal("0.0001")
        )


def test_sector_totals_add_up_the_services(app_environment):
    at = open_page(PAGE)

    sectors, services = at.dataframe[0].value, at.dataframe[1].value
    for _, sector in sectors.iterrows():
        members = services[services["sector"] == sector["sector"]]
        assert sector["services"] == len(members)
        assert sector["total_allowance"] == members["allowance"].sum()
        assert sector["used"] == members["used"].sum()
        assert sector["chargeable"] == members["chargeable"].sum()


def test_custom_allowances_are_marked(app_environment, live_sandbox):
    at = open_page(PAGE)

    services = at.dataframe[1].value
    custom = services[services["custom_allowance"]]
    assert (custom["allowance"] != custom["sector_default"]).all()
    default = services[~services["custom_allowance"]]
    assert (default["allowance"] == default["sector_default"]).all()


def test_an_unknown_year_falls_back_with_a_message(app_environment):
    at = open_page(PAGE, year="1999")

    assert not at.exception
    assert "not a financial year" in at.warning[0].value
    assert at.sidebar.selectbox[0].value == current_financial_year()
