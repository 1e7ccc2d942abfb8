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
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

import pandas as pd

from dashboard.domain.excluded import Excluded
from dashboard.domain.financial_year import financial_year_bounds, financial_year_label
from dashboard.domain.forecast import (
    TOTAL_CORRELATION,
    GroupForecast,
    ServiceForecast,
    forecast_columns,
    forecast_fields,
    forecast_from_total,
    over_range_words,
    over_words,
    sum_forecasts,
)
from dashboard.domain.links import service_page_link
from dashboard.domain.liveness import is_live, service_status
from dashboard.domain.organisation_finance import (
    BILLING_COLUMNS,
    NO_ORGANISATION,
    SERVICE_PAGE_DAYS,
    not_live_services,
)
from dashboard.domain.platform_service import is_platform_service
from dashboard.domain.sectors import (
    ORGANISATION_TYPES,
    default_free_allowance,
    normalise_organisation_type,
    sector_name,
)
from dashboard.domain.table_sort import SortChoice

if TYPE_CHECKING:
    from dashboard.notify_client.schemas.platform import BillingReportRow, ServiceVolumes
    from dashboard.notify_client.schemas.services import Service

SERVICE_COLUMNS: tuple[str, ...] = (
    "service_id",
    "link",
    "name",
    "organisation",
    "sector",
    "organisation_type",
    "allowance",
    "sector_default",
    "custom_allowance",
    "used",
    "remaining",
    "chargeable",
    "cost",
    "letters",
    "letter_sheets",
    "letter_cost",
    "total_cost",
    "over_allowance",
    "expected_over",
    "year_end_words",
    *forecast_columns(),
    *BILLING_COLUMNS,
)
SECTOR_COLUMNS: tuple[str, ...] = (
    "sector",
    "organisation_type",
    "services",
    "services_over",
    "services_under",
    "chargeable",
    "cost",
    "letters",
    "letter_sheets",
    "letter_cost",
    "total_cost",
    "default_allowance",
    "used",
    "total_allowance",
    "share_used",
    "share_used_words",
    "remaining",
    *forecast_columns(),
    "expected_over",
)
#: The columns that come from the billing report, absent when it could not be read.
CHARGE_COLUMNS: tuple[str, ...] = ("chargeable", "cost", "total_cost", *BILLING_COLUMNS)
#: The year-end forecast's columns, present when the tables are made with a `today`.
FORECAST_COLUMNS: tuple[str, ...] = ("expected_over", "year_end_words", *forecast_columns())

ALL = "All"
OVER = "Over their allowance"
CUSTOM = "Custom allowance"
SERVICE_FILTERS: tuple[str, ...] = (ALL, OVER, CUSTOM)
#: How the services table can be sorted (`?sort=`). The first whose column the table has is the
#: page's usual order: most total cost, or most fragments used without the billing report.
SERVICE_SORTS: tuple[SortChoice, ...] = (
    SortChoice("total-cost", "Highest total cost", "total_cost"),
    SortChoice("used", "Most fragments used", "used"),
    SortChoice("cost", "Highest text cost", "cost"),
    SortChoice("letter-cost", "Highest letter cost", "letter_cost"),
    SortChoice("chargeable", "Most chargeable fragments", "chargeable"),
    SortChoice("year-end", "Highest text cost by 31 March", "year_end_cost"),
    SortChoice("allowance", "Largest allowance", "allowance"),
    SortChoice("left", "Most free allowance left", "remaining"),
    SortChoice("name", "Name, A to Z", "name", descending=False),
)


@dataclass(frozen=True)
class AllowanceTables:
    """Per live service and per sector in one financial year.

    `services` and `sectors` leave out the platform's own service, shown apart in `platform`
    (no row when it is not live), and the services that are not live but have costs in the
    billing report (`not_live`, counted in `platform_total_cost`). Without the billing report
    (`has_charges` false) the chargeable and cost columns are absent; without a `today` the
    forecast's. `services` is sorted by total cost, most first.
    """

    financial_year: int
    services: pd.DataFrame
    sectors: pd.DataFrame
    platform: pd.DataFrame
    excluded: tuple[Excluded, ...]
    has_charges: bool
    not_live: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=["total_cost"]))
    year_end: GroupForecast | None = None
    has_data: bool = True

    @property
    def platform_total_cost(self) -> float:
        """Texts and letters of every service with a cost: live, not live and the platform's."""
        parts = (self.services, self.not_live, self.platform)
        return float(sum(part["total_cost"].sum() for part in parts if "total_cost" in part))


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
    today: date | None = None,
) -> AllowanceTables:
    """The tables from the services list, the probe's and the year's volumes, and the billing
    report (None when it could not be read); with `today`, each service's year-end forecast.

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
    live_ids = set(volume_of)
    label = financial_year_label(year)
    rows, excluded, forecasts = [], [*_not_placed(volumes, by_id)], {}
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
            continue
        if service.id not in allowance_of:
            excluded.append(
                Excluded(service.id, service.name, f"the API gave no free allowance for {label}")
            )
            continue
        allowance = allowance_of[service.id]
        if (
            charges is not None
            and service.id not in charged
            and entry.sms_chargeable_units > allowance
        ):
            excluded.append(
                Excluded(
                    service.id,
                    service.name,
                    "used more than its allowance, but the billing report has no charge for it",
                )
            )
            continue
        forecast = None
        if today is not None:
            forecast = forecast_from_total(entry.sms_chargeable_units, allowance, year, today)
            forecasts[service.id] = forecast
        rows.append(
            _service_row(service, year, allowance, entry, charged.get(service.id), forecast)
        )
    for row in charged.values():
        if row.service_id not in live_ids and row.service_id not in by_id:
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
    if today is None:
        table = table.drop(columns=list(FORECAST_COLUMNS))
    own = table["service_id"].map(is_platform_service).astype(bool)
    cost = "total_cost" if charges is not None else "used"
    customers = (
        table[~own]
        .sort_values([cost, "name"], ascending=[False, True], kind="stable")
        .reset_index(drop=True)
    )
    customer_forecasts = {
        service_id: forecast
        for service_id, forecast in forecasts.items()
        if not is_platform_service(service_id)
    }
    return AllowanceTables(
        financial_year=year,
        services=customers,
        sectors=sector_totals(customers, year, customer_forecasts),
        platform=table[own].reset_index(drop=True),
        excluded=tuple(excluded),
        has_charges=charges is not None,
        not_live=not_live_services(by_id, live_ids, charges or ()),
        year_end=(
            sum_forecasts(customer_forecasts.values(), TOTAL_CORRELATION)
            if today is not None
            else None
        ),
        has_data=bool(
            any(
                entry.sms_chargeable_units or entry.letter_totals or entry.email_totals
                for entry in volumes
            )
            or charges
        ),
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
    service: Service,
    year: int,
    allowance: int,
    entry: ServiceVolumes,
    charged: BillingReportRow | None,
    forecast: ServiceForecast | None,
) -> dict[str, object]:
    organisation_type = normalise_organisation_type(service.organisation_type)
    sector_default = default_free_allowance(organisation_type, year)
    used = entry.sms_chargeable_units
    cost = float(charged.sms_cost) if charged else 0.0
    row: dict[str, object] = {
        "service_id": service.id,
        "link": service_page_link(service.id, SERVICE_PAGE_DAYS, service.name),
        "name": service.name,
        "organisation": entry.organisation_name or NO_ORGANISATION,
        "sector": sector_name(organisation_type),
        "organisation_type": organisation_type,
        "allowance": allowance,
        "sector_default": sector_default,
        "custom_allowance": allowance != sector_default,
        "used": used,
        "remaining": max(0, allowance - used),
        "chargeable": charged.sms_chargeable_units if charged else 0,
        "cost": cost,
        "letters": entry.letter_totals,
        "letter_sheets": entry.letter_sheet_totals,
        "letter_cost": float(entry.letter_cost),
        "total_cost": round(cost + float(entry.letter_cost), 4),
        "over_allowance": used > allowance,
        **{name: getattr(charged, name) if charged else None for name in BILLING_COLUMNS},
    }
    if forecast is not None:
        row |= {
            "expected_over": over_words(forecast),
            "year_end_words": over_range_words(forecast),
            **forecast_fields(forecast),
        }
    return row


def sector_totals(
    services: pd.DataFrame, year: int, forecasts: Mapping[str, ServiceForecast] | None = None
) -> pd.DataFrame:
    """Totals by sector, in the sectors' usual order, without pooling: how many services went
    over their own allowance and how many stayed under, what those over are charged, letters,
    and, as a secondary figure, fragments used against the sum of the sector's allowances
    (`share_used`, above 1 when over it; empty for a sector with no allowance). Letters are
    counts, sheets and cost. With
    `forecasts`, the year-end fragments, chargeable fragments and text cost, each with its
    range, summed from its services' (`forecast.sum_forecasts`)."""
    summed = ("chargeable", "cost", "letters", "letter_sheets", "letter_cost", "total_cost")
    sums = {
        "services": ("service_id", "count"),
        "services_over": ("over_allowance", "sum"),
        "total_allowance": ("allowance", "sum"),
        "used": ("used", "sum"),
        "remaining": ("remaining", "sum"),
        **{column: (column, "sum") for column in summed if column in services},
    }
    grouped = services.groupby("organisation_type").agg(**sums)
    order = [kind for kind in (*ORGANISATION_TYPES, "nhs") if kind in grouped.index]
    grouped = grouped.loc[order].reset_index()
    grouped["services_over"] = grouped["services_over"].astype(int)
    grouped["services_under"] = grouped["services"] - grouped["services_over"]
    grouped["sector"] = grouped["organisation_type"].map(sector_name)
    grouped["default_allowance"] = [
        default_free_allowance(kind, year) for kind in grouped["organisation_type"]
    ]
    allowance = grouped["total_allowance"].where(grouped["total_allowance"] > 0)
    grouped["share_used"] = grouped["used"] / allowance
    grouped["share_used_words"] = grouped["share_used"].map(share_words)
    if forecasts:
        ranges = {
            kind: sum_forecasts(
                (
                    forecasts[service_id]
                    for service_id in services.loc[
                        services["organisation_type"] == kind, "service_id"
                    ]
                ),
                TOTAL_CORRELATION,
            )
            for kind in grouped["organisation_type"]
        }
        columns = list(forecast_columns())
        grouped[columns] = pd.DataFrame(
            [forecast_fields(ranges[kind]) for kind in grouped["organisation_type"]],
            index=grouped.index,
            columns=columns,
        )
        grouped["expected_over"] = [
            ranges[kind].expected_over for kind in grouped["organisation_type"]
        ]
    return grouped[[column for column in SECTOR_COLUMNS if column in grouped]]


def share_words(share: float | None) -> str:
    """A share of an allowance as it reads in a table: "20.1 %" under it, "258 % over" past
    100 %, never clipped (a progress bar stops at 100 %, so 258 % and 1,617 % would look the
    same); nothing for a sector with no allowance."""
    if share is None or pd.isna(share):
        return ""
    if share > 1:
        return f"{share:,.0%} over".replace("%", " %")
    return f"{share:.1%}".replace("%", " %")


def service_sorts(services: pd.DataFrame) -> tuple[SortChoice, ...]:
    """The sorts a services table can offer: those of `SERVICE_SORTS` whose column it has (a
    past year has no forecast, a page without the billing report no costs)."""
    return tuple(choice for choice in SERVICE_SORTS if choice.column in services)


def filter_allowances(services: pd.DataFrame, shown: str) -> pd.DataFrame:
    """All services, those over their allowance, or those with a custom one."""
    if shown == OVER:
        return services[services["over_allowance"]]
    if shown == CUSTOM:
        return services[services["custom_allowance"]]
    return services


def totals(tables: AllowanceTables) -> dict[str, float]:
    """The headline figures: live services, fragments used, letters (count, sheets and cost)
    and (with the billing report) chargeable fragments and cost, all without the platform's
    own service."""
    sectors = tables.sectors
    figures: dict[str, float] = {
        "services": int(sectors["services"].sum()),
        "used": int(sectors["used"].sum()),
        "services_over": int(sectors["services_over"].sum()),
        "letters": int(sectors["letters"].sum()),
        "letter_sheets": int(sectors["letter_sheets"].sum()),
        "letter_cost": float(sectors["letter_cost"].sum()),
    }
    if tables.has_charges:
        figures["chargeable"] = int(sectors["chargeable"].sum())
        figures["cost"] = float(sectors["cost"].sum())
        figures["total_cost"] = float(sectors["total_cost"].sum())
    return figures


def year_notes(
    financial_year: int, has_data: bool, not_live: int, current_year: int
) -> tuple[str, ...]:
    """What the year's figures are, said before them: a year the API holds nothing for says so
    instead of showing zeros, and a past year says that its services are today's live ones
    (volumes-by-service lists those, whatever the range) and how many with costs that year
    are no longer live (`not_live`)."""
    label = financial_year_label(financial_year)
    if not has_data:
        return (
            f"The API holds no texts, letters or charges for {label}: its data does not reach "
            "back this far, so there are no figures to show rather than zeros.",
        )
    if financial_year >= current_year:
        return ()
    services = "1 service" if not_live == 1 else f"{not_live:,} services"
    return (
        f"{label} has ended. The services listed are those live today, with what they used "
        f"and were charged in {label}: the API lists only today's live services, even for a "
        f"past year. {services} with costs in {label} are not live today: they are listed "
        "apart, and counted in the platform's total cost.",
    )
