"""Finance's view: every live service's free text allowance and use in one financial year."""

import time
from collections.abc import Callable
from dataclasses import dataclass, field

import pandas as pd

from dashboard.cache.request_cache import recording
from dashboard.domain.allowance_usage import allowance_totals, sms_fragments_by_month
from dashboard.domain.sectors import (
    ORGANISATION_TYPES,
    default_free_allowance,
    normalise_organisation_type,
    sector_name,
)
from dashboard.loaders.errors import describe_error
from dashboard.loaders.freshness import Freshness, freshness_of
from dashboard.notify_client import NotifyClients
from dashboard.notify_client.schemas.billing import MonthlyUsageRow
from dashboard.notify_client.schemas.services import Service

BATCH_SIZE = 100

SERVICE_COLUMNS = (
    "service_id",
    "name",
    "sector",
    "organisation_type",
    "allowance",
    "sector_default",
    "custom_allowance",
    "used",
    "remaining",
    "chargeable",
    "cost",
    "over_allowance",
)
SECTOR_COLUMNS = (
    "sector",
    "organisation_type",
    "services",
    "default_allowance",
    "total_allowance",
    "used",
    "remaining",
    "chargeable",
    "cost",
)


@dataclass(frozen=True)
class Allowances:
    """Per service and per sector; services whose reads failed are listed with why."""

    financial_year: int
    services: pd.DataFrame
    sectors: pd.DataFrame
    failed: dict[str, str] = field(default_factory=dict)
    error: str | None = None
    freshness: Freshness | None = None


def _live(services: list[Service]) -> list[Service]:
    return [s for s in services if s.active and not s.restricted]


def _service_row(
    service: Service, year: int, allowance: int, monthly: list[MonthlyUsageRow]
) -> dict:
    organisation_type = normalise_organisation_type(service.organisation_type)
    usage = allowance_totals(allowance, year, sms_fragments_by_month(monthly))
    sector_default = default_free_allowance(organisation_type, year)
    return {
        "service_id": service.id,
        "name": service.name,
        "sector": sector_name(organisation_type),
        "organisation_type": organisation_type,
        "allowance": usage.allowance,
        "sector_default": sector_default,
        "custom_allowance": usage.allowance != sector_default,
        "used": usage.used,
        "remaining": usage.remaining,
        "chargeable": usage.chargeable,
        "cost": float(usage.cost),
        "over_allowance": usage.chargeable > 0,
    }


def sector_totals(services: pd.DataFrame, year: int) -> pd.DataFrame:
    """Totals by sector, in the sectors' usual order, from the per-service table."""
    grouped = services.groupby("organisation_type").agg(
        services=("service_id", "count"),
        total_allowance=("allowance", "sum"),
        used=("used", "sum"),
        remaining=("remaining", "sum"),
        chargeable=("chargeable", "sum"),
        cost=("cost", "sum"),
    )
    order = [kind for kind in (*ORGANISATION_TYPES, "nhs") if kind in grouped.index]
    grouped = grouped.loc[order].reset_index()
    grouped["sector"] = grouped["organisation_type"].map(sector_name)
    grouped["default_allowance"] = [
        default_free_allowance(kind, year) for kind in grouped["organisation_type"]
    ]
    return grouped[list(SECTOR_COLUMNS)]


def load_allowances(
    clients: NotifyClients,
    api_host: str,
    financial_year: int,
    on_progress: Callable[[int, int], None] | None = None,
) -> Allowances:
    """Read every live service's allowance and monthly use, a batch at a time, via the cache."""
    empty = pd.DataFrame(columns=SERVICE_COLUMNS)
    started = time.perf_counter()
    with recording() as lookups:
        try:
            services = _live(clients.services.get_services())
        except Exception as error:  # the page says why, nothing else to show
            return Allowances(
                financial_year,
                empty,
                pd.DataFrame(columns=SECTOR_COLUMNS),
                error=describe_error(error, api_host),
                freshness=freshness_of(lookups, (time.perf_counter() - started) * 1000),
            )
        rows, failed = [], {}
        for start in range(0, len(services), BATCH_SIZE):
            batch = services[start : start + BATCH_SIZE]
            limit_calls = [{"service_id": s.id, "financial_year": financial_year} for s in batch]
            usage_calls = [{"service_id": s.id, "year": financial_year} for s in batch]
            limits = clients.billing.get_free_sms_fragment_limit.many(limit_calls)
            usage = clients.billing.get_monthly_usage.many(usage_calls)
            for service, limit, used in zip(batch, limits, usage, strict=True):
                error = limit.error or used.error
                if error is not None:
                    failed[service.name] = describe_error(error, api_host)
                    continue
                allowance = limit.value.free_sms_fragment_limit
                rows.append(_service_row(service, financial_year, allowance, used.value))
            if on_progress is not None:
                on_progress(min(start + BATCH_SIZE, len(services)), len(services))
    table = pd.DataFrame(rows, columns=SERVICE_COLUMNS)
    return Allowances(
        financial_year,
        table.sort_values(["sector", "name"]).reset_index(drop=True),
        sector_totals(table, financial_year),
        failed=failed,
        freshness=freshness_of(lookups, (time.perf_counter() - started) * 1000),
    )
