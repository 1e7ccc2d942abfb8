"""No page waits for the platform's slowest calls: live-services-data (10.5 s at the platform's
size) and monthly-data-by-service (3.9 s for 12 months). Every page's loaders, read cold, are
checked by the routes the sandbox served, so a page that starts reading one fails here."""

from dashboard.domain.financial_year import current_financial_year, london_today
from dashboard.loaders.all_services import load_all_services
from dashboard.loaders.allowance_by_month import load_allowance_by_month
from dashboard.loaders.allowances import load_allowances
from dashboard.loaders.context import LoaderContext
from dashboard.loaders.overview import SENDERS_DAYS, load_overview
from dashboard.loaders.sections import Ready
from dashboard.loaders.service_page import ServicePage, load_service_page, service_choices
from dashboard.notify_client import build_clients
from tests.conftest import settings_for_tests

SLOWEST_ROUTES = {"GET /service/live-services-data", "GET /service/monthly-data-by-service"}


def test_no_page_reads_the_slowest_platform_calls_cold(live_sandbox, cache):
    clients = build_clients(settings_for_tests(api_host_name=live_sandbox.url), cache)
    context = LoaderContext(clients=clients, api_label=live_sandbox.url)
    today = london_today()
    live_sandbox.reset_request_counts()

    load_overview(context, today)
    load_all_services(context, SENDERS_DAYS, today)
    load_allowances(context, current_financial_year())
    service_id = next(iter(service_choices(clients)))
    page = load_service_page(context, service_id, 7)
    assert isinstance(page, ServicePage) and isinstance(page.allowance, Ready)
    load_allowance_by_month(context, page.service_id, page.allowance.value)

    served = live_sandbox.request_counts()
    assert "GET /service" in served  # the pages were read cold
    assert set(served) & SLOWEST_ROUTES == set()
