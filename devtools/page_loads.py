"""What the benchmark loads, in one place: each page as the app loads it.

Every other devtools module reaches the loaders only through here, so a change to the loaders'
signatures is one change here. A page that does not load whole raises `PageFailed`: a figure
from it would measure the failure.
"""

import time
from datetime import date
from typing import TypeVar

from dashboard.concurrency import Result
from dashboard.domain.financial_year import london_today
from dashboard.domain.liveness import is_live
from dashboard.loaders.all_services import AllServices, all_services_calls, load_all_services
from dashboard.loaders.allowance_by_month import load_allowance_by_month
from dashboard.loaders.allowances import Allowances, load_allowances
from dashboard.loaders.context import LoaderContext
from dashboard.loaders.overview import Overview, load_overview
from dashboard.loaders.sections import Failed, Ready, Section
from dashboard.loaders.service_page import (
    NotAServiceId,
    ServicePage,
    forget_service,
    load_service_page,
    service_choices,
)
from dashboard.loaders.service_trend import load_service_trend
from dashboard.notify_client import NotifyClients
from dashboard.notify_client.calls import gather
from dashboard.notify_client.schemas.services import Service, Statistics

T = TypeVar("T")

DAYS = 7
#: Allowance calls in flight at once in the per-service way the Allowances page no longer uses.
BATCH_SIZE = 100
# Pages of a benchmark never wait on a deadline: a slow answer is measured, not cut short.
NO_DEADLINE = 600.0


class PageFailed(RuntimeError):
    """A page that did not load whole: a figure from it would measure the failure."""


def _context(clients: NotifyClients, api_label: str) -> LoaderContext:
    return LoaderContext(clients, api_label, deadline_seconds=NO_DEADLINE)


def _value(section: Section[T]) -> T:
    if isinstance(section, Failed):
        raise PageFailed(section.message)
    return section.value


def all_services(clients: NotifyClients, api_label: str, today: date) -> AllServices:
    """The All services page for the default window."""
    return _value(load_all_services(_context(clients, api_label), DAYS, today))


def all_services_reads(clients: NotifyClients, today: date) -> None:
    """Only the All services page's reads (services, and their counts for the window, for
    today and for the 4 windows before), at once as the page makes them: the cache's share of
    the page's time."""
    outcomes = gather(all_services_calls(clients, DAYS, today))
    for outcome in outcomes.values():
        if outcome.error is not None:
            raise outcome.error


def _first_parts(clients: NotifyClients, service_id: str, api_label: str) -> ServicePage:
    page = load_service_page(_context(clients, api_label), service_id, str(DAYS))
    if isinstance(page, NotAServiceId):
        raise PageFailed(page.message)
    for section in (page.service, page.counts, page.limits):
        if isinstance(section, Failed):
            # The later parts are read whatever the first ones gave: a failed page still
            # fills the cache, so it is over only when they are (the next measure starts clean).
            page.later.exception()
            raise PageFailed(section.message)
    return page


def service_counts_and_limits_ms(clients: NotifyClients, service_id: str) -> float:
    """Milliseconds until the Service page can draw its counts and daily limits; then, untimed,
    the wait for its later parts, so that none of them fills the cache after the next Refresh."""
    started = time.perf_counter()
    page = _first_parts(clients, service_id, "the API")
    elapsed = (time.perf_counter() - started) * 1000
    page.later.result()
    return elapsed


def service_counts_and_limits(clients: NotifyClients, service_id: str) -> ServicePage:
    """What the Service page draws first and what it draws next, all read; no month by month."""
    page = _first_parts(clients, service_id, "the API")
    if page.failures():
        raise PageFailed("; ".join(page.failures()))
    return page


def service_page(clients: NotifyClients, api_label: str, service_id: str) -> ServicePage:
    """A whole Service page view: the picker's names, the parts drawn first, then the
    allowance month by month (current-year monthly usage, the slow call) drawn last."""
    service_choices(clients)
    page = _first_parts(clients, service_id, api_label)
    if page.failures():
        raise PageFailed("; ".join(page.failures()))
    assert isinstance(page.allowance, Ready)
    _value(
        load_allowance_by_month(_context(clients, api_label), page.service_id, page.allowance.value)
    )
    return page


def service_page_with_trend(clients: NotifyClients, api_label: str, service_id: str) -> ServicePage:
    """A whole Service page view as the page draws it, its day-by-day counts included."""
    page = service_page(clients, api_label, service_id)
    _value(
        load_service_trend(
            _context(clients, api_label), page.service_id, page.window.days.days, london_today()
        )
    )
    return page


def overview(clients: NotifyClients, api_label: str, today: date) -> Overview:
    """The Overview with its trend, every section read."""
    page = load_overview(_context(clients, api_label), today)
    for section in (page.platform_today, page.services, page.allowances, page.trend):
        _value(section)
    return page


def statistics_call(clients: NotifyClients, service_id: str) -> Statistics:
    """The single call the counts cannot be ready before: the window's statistics."""
    return clients.services.get_service_statistics(service_id, DAYS)


def forget(clients: NotifyClients, service_id: str) -> None:
    """Empty one service's cache (the Service page's Refresh)."""
    forget_service(clients, service_id)


def live_services(clients: NotifyClients) -> list[Service]:
    """The services the Allowances page lists: live as the API means it."""
    return [service for service in clients.services.get_services() if is_live(service)]


def allowances_bulk(clients: NotifyClients, financial_year: int) -> Allowances:
    """The Allowances page as it loads: four platform-wide calls per financial year."""
    return _value(load_allowances(_context(clients, "the API"), financial_year))


def allowances_per_service(
    clients: NotifyClients, financial_year: int, service_ids: list[str]
) -> list[Result]:
    """The per-service way the Allowances page used to read, for comparison: each service's
    allowance and monthly use, in batches through the cache (`.many`)."""
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
