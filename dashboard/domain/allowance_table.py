"""Every live service's free text allowance, use and cost in one year, from platform-wide answers.

Three answers make the table, whatever the number of services:

- the year's allowances: volumes-by-service over 1 April of the year alone (see
  `allowance_probe`), because the API gives each service the allowance of the latest financial
  year that starts in the *calendar* year of the range's end, so a range ending on 31 March
  would give next year's;
- the year's use: volumes-by-service over the whole year, `sms_chargeable_units` (fragments,
  times the international multiplier). It lists the live services that have an allowance row;
- the year's charges: data-for-billing-report over the whole year, fragments beyond the
  allowance and their cost at each day's rate; a live service absent from it was charged
  nothing. It also lists services that are not live (trial or inactive ones with letters or
  a cost): those are left out.

The services list gives each service its sector and says which are live: every live service is
a row or is named. A row that cannot be placed is never dropped
in silence: it is listed in `excluded`, with why, and the page says that the totals exclude it.
GOV.UK Notify's own service is kept apart (`platform`), out of the totals.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

import pandas as pd

from dashboard.domain.excluded import Excluded
from dashboard.domain.financial_year import financial_year_bounds, financial_year_label
from dashboard.domain.liveness import is_live, service_status
from dashboard.domain.platform_service import is_platform_service
from dashboard.domain.sectors import (
    ORGANISATION_TYPES,
    default_free_allowance,
    normalise_organisation_type,
    sector_name,
)

if TYPE_CHECKING:
    from dashboard.notify_client.schemas.platform import BillingReportRow, ServiceVolumes
    from dashboard.notify_client.schemas.services import Service

SERVICE_COLUMNS: tuple[str, ...] = (
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
SECTOR_COLUMNS: tuple[str, ...] = (
    "sector",
    "organisation_type",
    "services",
    "default_allowance",
    "total_allowance",
    "used",
    "share_used",
    "remaining",
    "chargeable",
    "cost",
)
#: The columns that come from the billing report, absent when it could not be read.
CHARGE_COLUMNS: tuple[str, ...] = ("chargeable", "cost")

ALL = "All"
OVER = "Over their allowance"
CUSTOM = "Custom allowance"
SERVICE_FILTERS: tuple[str, ...] = (ALL, OVER, CUSTOM)


@dataclass(frozen=True)
class AllowanceTables:
    """Per live service and per sector in one financial year.

    `services` and `sectors` leave out the platform's own service, shown apart in `platform`
    (no row when it is not live). Without the billing report (`has_charges` false) the
    chargeable and cost columns are absent.
    """

    financial_year: int
    services: pd.DataFrame
    sectors: pd.DataFrame
    platform: pd.DataFrame
    excluded: tuple[Excluded, ...]
    has_charges: bool


def allowance_probe(year: int) -> tuple[date, date]:
    """The range whose volumes-by-service gives FY`year`'s allowances: 1 April `year` alone,
    which is in calendar year `year` and in financial year `year`."""
    first = date(year, 4, 1)
    return first, first


def usage_range(year: int, today: date) -> tuple[date, date]:
    """The whole financial year, or up to today while it runs: one range, in one year, as the
    billing report requires."""
    first, last = financial_year_bounds(year)
    return first, min(last, max(first, today))


def allowance_tables(
    year: int,
    services: Sequence[Service],
    allowances: Sequence[ServiceVolumes],
    volumes: Sequence[ServiceVolumes],
    charges: Sequence[BillingReportRow] | None,
) -> AllowanceTables:
    """The tables from the services list, the probe's and the year's volumes, and the billing
    report (None when it could not be read).

    The answers are checked against each other before anything is summed: every live service
    of the services list is either a row or named in `excluded` with why (the API leaves a live
    service with no allowance row out of volumes-by-service, and a short answer leaves out
    more), and a service whose use is beyond its allowance must have a charge in the billing
    report, or the report is short and the service is named too.
    """
    by_id = {service.id: service for service in services}
    allowance_of = {entry.service_id: entry.free_allowance for entry in allowances}
    volume_of = {entry.service_id: entry for entry in volumes}
    charged = {row.service_id: row for row in charges or ()}
    label = financial_year_label(year)
    rows, excluded = [], [*_not_placed(volumes, by_id)]
    for service in services:
        if not is_live(service):
            continue
        entry = volume_of.get(service.id)
        if entry is None:
            excluded.append(
                Excluded(
                    service.id,
                    service.name,
                    "live, but volumes-by-service does not list it, so its use is unknown (the "
                    f"API leaves out a live service with no free allowance for {label})",
                )
            )
        elif service.id not in allowance_of:
            excluded.append(
                Excluded(service.id, service.name, f"the API gave no free allowance for {label}")
            )
        elif (
            charges is not None
            and service.id not in charged
            and entry.sms_chargeable_units > allowance_of[service.id]
        ):
            excluded.append(
                Excluded(
                    service.id,
                    service.name,
                    "used more than its allowance, but the billing report has no charge for it",
                )
            )
        else:
            rows.append(
                _service_row(
                    service,
                    year,
                    allowance_of[service.id],
                    entry.sms_chargeable_units,
                    charged.get(service.id),
                )
            )
    for row in charged.values():
        if row.service_id not in volume_of and row.service_id not in by_id:
            excluded.append(
                Excluded(
                    row.service_id,
                    row.service_name,
                    "charged in the billing report, but in neither the services list nor the "
                    "live services",
                )
            )
    table = pd.DataFrame(rows, columns=list(SERVICE_COLUMNS))
    if charges is None:
        table = table.drop(columns=list(CHARGE_COLUMNS))
    own = table["service_id"].map(is_platform_service).astype(bool)
    customers = table[~own].sort_values(["sector", "name"]).reset_index(drop=True)
    return AllowanceTables(
        financial_year=year,
        services=customers,
        sectors=sector_totals(customers, year),
        platform=table[own].reset_index(drop=True),
        excluded=tuple(excluded),
        has_charges=charges is not None,
    )


def _not_placed(volumes: Sequence[ServiceVolumes], by_id: Mapping[str, Service]) -> list[Excluded]:
    """Rows of volumes-by-service (which lists live services only) that the services list does
    not have, or says are not live: the two answers disagree, so neither row is summed."""
    found = []
    for entry in volumes:
        service = by_id.get(entry.service_id)
        if service is None:
            found.append(
                Excluded(
                    entry.service_id,
                    entry.service_name,
                    "live, but not in the services list, so its sector is unknown",
                )
            )
        elif not is_live(service):
            found.append(
                Excluded(
                    entry.service_id,
                    service.name,
                    "in volumes-by-service, which lists live services, but the services list "
                    f"says it is {service_status(service).lower()}",
                )
            )
    return found


def _service_row(
    service: Service, year: int, allowance: int, used: int, charged: BillingReportRow | None
) -> dict[str, object]:
    organisation_type = normalise_organisation_type(service.organisation_type)
    sector_default = default_free_allowance(organisation_type, year)
    return {
        "service_id": service.id,
        "name": service.name,
        "sector": sector_name(organisation_type),
        "organisation_type": organisation_type,
        "allowance": allowance,
        "sector_default": sector_default,
        "custom_allowance": allowance != sector_default,
        "used": used,
        "remaining": max(0, allowance - used),
        "chargeable": charged.sms_chargeable_units if charged else 0,
        "cost": float(charged.sms_cost) if charged else 0.0,
        "over_allowance": used > allowance,
    }


def sector_totals(services: pd.DataFrame, year: int) -> pd.DataFrame:
    """Totals by sector, in the sectors' usual order; `share_used` is used over the total
    allowance (above 1 when over it; empty for a sector with no allowance)."""
    sums = {
        "services": ("service_id", "count"),
        "total_allowance": ("allowance", "sum"),
        "used": ("used", "sum"),
        "remaining": ("remaining", "sum"),
        **{column: (column, "sum") for column in CHARGE_COLUMNS if column in services},
    }
    grouped = services.groupby("organisation_type").agg(**sums)
    order = [kind for kind in (*ORGANISATION_TYPES, "nhs") if kind in grouped.index]
    grouped = grouped.loc[order].reset_index()
    grouped["sector"] = grouped["organisation_type"].map(sector_name)
    grouped["default_allowance"] = [
        default_free_allowance(kind, year) for kind in grouped["organisation_type"]
    ]
    allowance = grouped["total_allowance"].where(grouped["total_allowance"] > 0)
    grouped["share_used"] = grouped["used"] / allowance
    return grouped[[column for column in SECTOR_COLUMNS if column in grouped]]


def filter_allowances(services: pd.DataFrame, shown: str) -> pd.DataFrame:
    """All services, those over their allowance, or those with a custom one."""
    if shown == OVER:
        return services[services["over_allowance"]]
    if shown == CUSTOM:
        return services[services["custom_allowance"]]
    return services


def totals(tables: AllowanceTables) -> dict[str, float]:
    """The headline figures: live services, fragments used, and (with the billing report)
    chargeable fragments and cost, all without the platform's own service."""
    sectors = tables.sectors
    figures: dict[str, float] = {
        "services": int(sectors["services"].sum()),
        "used": int(sectors["used"].sum()),
    }
    if tables.has_charges:
        figures["chargeable"] = int(sectors["chargeable"].sum())
        figures["cost"] = float(sectors["cost"].sum())
    return figures
