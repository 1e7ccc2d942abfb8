"""What the benchmark loads, in one place: each page as the app loads it, and the calls that
stand in for parts of pages not yet built the way issue 7 asks.

Every other devtools module reaches the loaders only through here, so a change to the loaders'
signatures is one change here.

Two stand-ins, until the pages are rebuilt:

- Allowances from the platform-wide endpoints (`allowances_bulk`): the services list (for
  sectors), volumes-by-service and the billing report for the financial year, read at once
  through the client methods; the page's loader still reads two calls per live service, the
  way `allowances_per_service` measures.
- The Service page's counts and limits (`service_counts_and_limits`): the calls those sections
  are built from (the service, its retention and today's counts at once, then the window's
  counts), without the calls of the other sections, which today's loader waits for too.
"""

from datetime import date, timedelta

from dashboard.concurrency import Result
from dashboard.domain.financial_year import financial_year_bounds
from dashboard.domain.retention import choose_days, max_window_days
from dashboard.loaders.all_services import AllServices, load_all_services
from dashboard.loaders.concurrent import gather
from dashboard.loaders.service_page import (
    ServicePage,
    forget_service,
    load_service_page,
    service_choices,
)
from dashboard.notify_client import NotifyClients
from dashboard.notify_client.schemas.services import Service, Statistics

DAYS = 7
#: Allowance calls in flight at once: the Allowances loader reads live services in batches.
BATCH_SIZE = 100


class PageFailed(RuntimeError):
    """A page that did not load whole: a figure from it would measure the failure."""


def all_services(clients: NotifyClients, api_label: str, today: date) -> AllServices:
    """The All services page for the default window."""
    page = load_all_services(clients, api_label, DAYS, today)
    if page.error is not None:
        raise PageFailed(page.error)
    return page


def all_services_reads(clients: NotifyClients, today: date) -> None:
    """Only the All services page's three reads (services, and their counts for the window
    and for today), at once as the page makes them: the cache's share of the page's time."""
    services = clients.services
    start = today - timedelta(days=DAYS)
    outcomes = gather(
        {
            "services": services.get_services,
            "window": lambda: services.get_services_detailed(start, today),
            "today": lambda: services.get_services_detailed(today, today),
        }
    )
    for outcome in outcomes.values():
        if outcome.error is not None:
            raise outcome.error


def service_page(clients: NotifyClients, api_label: str, service_id: str) -> ServicePage:
    """A Service page view: the picker's names, then the page for the default window."""
    service_choices(clients)
    page = load_service_page(clients, api_label, service_id, str(DAYS))
    if page.errors:
        raise PageFailed("; ".join(page.errors.values()))
    return page


def service_counts_and_limits(clients: NotifyClients, service_id: str) -> Statistics:
    """What the counts and the daily limits are built from, read as the Service page reads them:
    the window's length depends on the service's retention, so its counts come second."""
    services = clients.services
    first = gather(
        {
            "service": lambda: services.get_service(service_id),
            "retention": lambda: services.get_data_retention(service_id),
            "today": lambda: services.get_service_statistics_today(service_id),
        }
    )
    for outcome in first.values():
        if outcome.error is not None:
            raise outcome.error
    days = choose_days(str(DAYS), max_window_days(first["retention"].value))
    return services.get_service_statistics(service_id, days.days)


def statistics_call(clients: NotifyClients, service_id: str) -> Statistics:
    """The single call the counts cannot be ready before: the window's statistics."""
    return clients.services.get_service_statistics(service_id, DAYS)


def forget(clients: NotifyClients, service_id: str) -> None:
    """Empty one service's cache (the Service page's Refresh)."""
    forget_service(clients, service_id)


def live_services(clients: NotifyClients) -> list[Service]:
    """The services the Allowances page lists: active and not in trial mode."""
    return [s for s in clients.services.get_services() if s.active and not s.restricted]


def allowances_bulk(clients: NotifyClients, financial_year: int) -> dict[str, int]:
    """The Allowances page's data from the platform-wide endpoints: rows read, by call."""
    start, end = financial_year_bounds(financial_year)
    platform = clients.platform
    outcomes = gather(
        {
            "services": clients.services.get_services,
            "volumes": lambda: platform.get_volumes_by_service(start, end),
            "billing": lambda: platform.get_data_for_billing_report(start, end),
        }
    )
    for outcome in outcomes.values():
        if outcome.error is not None:
            raise outcome.error
    return {name: len(outcome.value) for name, outcome in outcomes.items()}


def allowances_per_service(
    clients: NotifyClients, financial_year: int, service_ids: list[str]
) -> list[Result]:
    """The per-service way, as the Allowances loader reads it today: each service's allowance
    and monthly use, in batches through the cache (`.many`)."""
    billing = clients.billing
    results: list[Result] = []
    for start in range(0, len(service_ids), BATCH_SIZE):
        batch = service_ids[start : start + BATCH_SIZE]
        results += billing.get_free_sms_fragment_limit.many(
            [{"service_id": sid, "financial_year": financial_year} for sid in batch]
        )
        results += billing.get_monthly_usage.many(
            [{"service_id": sid, "year": financial_year} for sid in batch]
        )
    failed = [result.error for result in results if result.error is not None]
    if failed:
        raise failed[0]
    return results
