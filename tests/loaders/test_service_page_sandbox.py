"""The Service page's quick allowance figures (yearly usage summary) equal the month-by-month
computation (monthly usage) for every service in the sandbox, this financial year and last,
and the two loaders agree with each other."""

import pytest

from dashboard.domain.allowance_usage import (
    allowance_totals,
    sms_fragments_by_month,
    yearly_allowance_totals,
)
from dashboard.domain.financial_year import current_financial_year
from dashboard.loaders.allowance_by_month import load_allowance_by_month
from dashboard.loaders.context import LoaderContext
from dashboard.loaders.sections import Ready
from dashboard.loaders.service_page import ServicePage, load_service_page
from dashboard.notify_client import NotifyClients
from tests.conftest import clients_without_cache, settings_for_tests


@pytest.fixture
def api(live_sandbox) -> NotifyClients:
    """Uncached clients on the sandbox: every answer is the API's own."""
    return clients_without_cache(settings_for_tests(api_host_name=live_sandbox.url))


@pytest.mark.parametrize("years_back", [0, 1])
def test_yearly_figures_equal_the_monthly_ones_for_every_service(api, years_back):
    year = current_financial_year() - years_back
    services = api.services.get_services()
    sent, charged = 0, 0
    for service in services:
        allowance = api.billing.get_free_sms_fragment_limit(service.id, year)
        limit = allowance.free_sms_fragment_limit
        yearly = api.billing.get_yearly_usage(service.id, year)
        monthly = api.billing.get_monthly_usage(service.id, year)

        quick = yearly_allowance_totals(limit, year, yearly)
        by_month = allowance_totals(limit, year, sms_fragments_by_month(monthly))

        assert quick == by_month, (service.name, year)
        sent += quick.used > 0
        charged += quick.chargeable > 0
    # The comparison means something only if services sent texts, some beyond their allowance.
    assert sent >= len(services) // 3
    assert charged > 0


def test_the_two_loaders_agree_for_every_live_service(api):
    context = LoaderContext(api, "sandbox")
    for service in api.services.get_services():
        if service.restricted or not service.active:
            continue
        page = load_service_page(context, service.id, None)
        assert isinstance(page, ServicePage) and isinstance(page.allowance, Ready)
        months = load_allowance_by_month(context, service.id, page.allowance.value)

        assert isinstance(months, Ready)
        totals = page.allowance.value.totals
        assert (totals.allowance, totals.used) == (months.value.allowance, months.value.used)
        assert totals.chargeable == months.value.sent["chargeable"].sum(), service.name
        assert float(totals.cost) == pytest.approx(months.value.sent["cost"].sum())
