"""A live service with no allowance row (the sandbox's `/_sandbox/no-allowance-row`, as a
service whose row the API never made): volumes-by-service leaves it out, and Allowances still
accounts for it, named with why, so its live services and the named ones add up to All
services' live count."""

from collections.abc import Iterator

import pytest
import requests

from dashboard.domain.allowance_table import totals
from dashboard.domain.financial_year import current_financial_year, london_today
from dashboard.domain.liveness import is_live
from dashboard.domain.platform_service import is_platform_service
from dashboard.domain.service_table import headline_counts
from dashboard.loaders.all_services import load_all_services
from dashboard.loaders.allowances import load_allowances
from dashboard.loaders.context import LoaderContext
from dashboard.loaders.sections import Ready
from tests.conftest import clients_without_cache, settings_for_tests


@pytest.fixture
def context(live_sandbox) -> LoaderContext:
    """Clients with no cache: every load reads the sandbox as it is now."""
    clients = clients_without_cache(settings_for_tests(api_host_name=live_sandbox.url))
    return LoaderContext(clients=clients, api_label=live_sandbox.url)


@pytest.fixture
def without_a_row(live_sandbox, context) -> Iterator[tuple[str, str]]:
    """A live customer service whose allowance rows the sandbox has taken away; its id and name."""
    service = next(
        service
        for service in context.clients.services.get_services()
        if is_live(service) and not is_platform_service(service.id)
    )
    switch = f"{live_sandbox.url}/_sandbox/no-allowance-row"
    requests.post(switch, json={"service_id": service.id}, timeout=10).raise_for_status()
    try:
        yield service.id, service.name
    finally:
        requests.delete(switch, timeout=10).raise_for_status()


def _volume_ids(context: LoaderContext) -> set[str]:
    today = london_today()
    volumes = context.clients.platform.get_volumes_by_service(today, today)
    return {entry.service_id for entry in volumes}


def test_the_switch_leaves_the_service_out_of_volumes_by_service(context, without_a_row):
    service_id, _ = without_a_row
    assert service_id not in _volume_ids(context)


def test_a_live_service_with_no_allowance_row_is_named_and_the_counts_agree(context, without_a_row):
    service_id, name = without_a_row
    today = london_today()

    allowances = load_allowances(context, current_financial_year(), today)
    services = load_all_services(context, 7, today)

    assert isinstance(allowances, Ready) and isinstance(services, Ready)
    tables = allowances.value.tables
    named = {item.service_id: item for item in tables.excluded}
    assert named[service_id].name == name
    assert "volumes-by-service does not list it" in named[service_id].reason
    assert service_id not in set(tables.services["service_id"])
    live = headline_counts(services.value.table)["live"]
    assert totals(tables)["services"] + len(tables.platform) + len(named) == live
