"""A financial year's texts, letters and costs by organisation, from the platform-wide answers.

The same four answers as the Allowances page (`allowance_table`), and no call per
organisation or per service: volumes-by-service and data-for-billing-report name each row's
organisation. Each live service (volumes-by-service lists exactly those) is one row:

- texts: fragments used (`sms_chargeable_units` of the year's volumes), the free allowance
  used (``min(used, allowance)``), chargeable fragments and text cost (the billing report's,
  fragments beyond the allowance at each day's rate);
- letters: count, sheets and cost from volumes-by-service (its `letter_cost` is the API's);
- total cost: text cost plus letter cost. Emails have no charge.

Services with costs that are not live (trial or inactive ones in the billing report) are kept
apart in `not_live` and counted in the platform's total, as is GOV.UK Notify's own service
(`platform`), which every other total leaves out. Services with no organisation are one row,
``NO_ORGANISATION``. Money is pounds excluding VAT. For the current year each service's texts
are also forecast to 31 March (`forecast.forecast_from_total`): fragments, chargeable
fragments and text cost, each with its 80 % range, summed by organisation.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

import pandas as pd

from dashboard.domain.excluded import Excluded
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
from dashboard.domain.liveness import service_status
from dashboard.domain.platform_service import is_platform_service
from dashboard.domain.sectors import sector_name

if TYPE_CHECKING:
    from dashboard.notify_client.schemas.platform import BillingReportRow, ServiceVolumes
    from dashboard.notify_client.schemas.services import Service

#: The one row of the services that belong to no organisation.
NO_ORGANISATION = "No organisation"
#: Said once on each page that shows money.
MONEY_NOTE = "Costs are in pounds, excluding VAT. Emails have no charge, so they have no column."

#: Figures an organisation's row adds up from its services' rows.
SUMMED: tuple[str, ...] = (
    "fragments",
    "free_used",
    "chargeable",
    "text_cost",
    "letters",
    "letter_sheets",
    "letter_cost",
    "total_cost",
)
#: The year-end forecast's columns (the current year only).
FORECAST_COLUMNS: tuple[str, ...] = forecast_columns("year_end_text_cost")
#: The columns that come from the billing report, absent when it could not be read.
CHARGE_COLUMNS: tuple[str, ...] = ("chargeable", "text_cost", "total_cost")
#: The window a service's link opens its Service page on.
SERVICE_PAGE_DAYS = 7
#: Tables are sorted by what they cost, most first.
DEFAULT_SORT = "total_cost"
#: The billing report's own columns, for the CSVs (as the Notify team's billing report has).
BILLING_COLUMNS: tuple[str, ...] = (
    "purchase_order_number",
    "billing_reference",
    "contact_names",
    "contact_email_addresses",
)
SERVICE_COLUMNS: tuple[str, ...] = (
    "service_id",
    "link",
    "name",
    "organisation_id",
    "organisation",
    "sector",
    "status",
    "allowance",
    *SUMMED,
    "over_allowance",
    "expected_over",
    "year_end_words",
    *FORECAST_COLUMNS,
    *BILLING_COLUMNS,
)
ORGANISATION_COLUMNS: tuple[str, ...] = (
    "organisation_id",
    "organisation",
    "services",
    *SUMMED,
    "services_over",
    *FORECAST_COLUMNS,
    "expected_over",
)


@dataclass(frozen=True)
class OrganisationFinance:
    """Organisations and their live services for one year, with the rest kept apart.

    `services` and `organisations` leave out the platform's own service (`platform`) and the
    services that are not live (`not_live`). `forecast` says the forecast columns hold a
    forecast (the current year) rather than the year's actual figures.
    """

    financial_year: int
    services: pd.DataFrame
    organisations: pd.DataFrame
    platform: pd.DataFrame
    not_live: pd.DataFrame
    excluded: tuple[Excluded, ...]
    has_charges: bool
    forecast: bool
    year_end: GroupForecast
    has_data: bool


def _billing_fields(row: BillingReportRow | None) -> dict[str, Any]:
    return {name: getattr(row, name) if row else None for name in BILLING_COLUMNS}


def _forecast_fields(forecast: ServiceForecast) -> dict[str, Any]:
    return {
        "expected_over": over_words(forecast),
        "year_end_words": over_range_words(forecast),
        **forecast_fields(forecast, "year_end_text_cost"),
    }


def _live_row(
    entry: ServiceVolumes,
    service: Service | None,
    allowance: int,
    charged: BillingReportRow | None,
    forecast: ServiceForecast,
) -> dict[str, Any]:
    used = entry.sms_chargeable_units
    text_cost = float(charged.sms_cost) if charged else 0.0
    return {
        "service_id": entry.service_id,
        "link": service_page_link(entry.service_id, SERVICE_PAGE_DAYS, entry.service_name),
        "name": entry.service_name,
        "organisation_id": entry.organisation_id or "",
        "organisation": entry.organisation_name or NO_ORGANISATION,
        "sector": sector_name(service.organisation_type if service else None),
        "status": "Live",
        "allowance": allowance,
        "fragments": used,
        "free_used": min(used, allowance),
        "chargeable": charged.sms_chargeable_units if charged else 0,
        "text_cost": text_cost,
        "letters": entry.letter_totals,
        "letter_sheets": entry.letter_sheet_totals,
        "letter_cost": float(entry.letter_cost),
        "total_cost": round(text_cost + float(entry.letter_cost), 4),
        "over_allowance": used > allowance,
        **_forecast_fields(forecast),
        **_billing_fields(charged),
    }


def _not_live_row(row: BillingReportRow, service: Service | None) -> dict[str, Any]:
    return {
        "service_id": row.service_id,
        "link": service_page_link(row.service_id, SERVICE_PAGE_DAYS, row.service_name),
        "name": row.service_name,
        "organisation_id": row.organisation_id or "",
        "organisation": row.organisation_name or NO_ORGANISATION,
        "sector": sector_name(service.organisation_type if service else None),
        "status": service_status(service) if service else "Not in the services list",
        "chargeable": row.sms_chargeable_units,
        "text_cost": float(row.sms_cost),
        "letters": row.total_letters,
        "letter_cost": float(row.letter_cost),
        "total_cost": round(float(row.sms_cost) + float(row.letter_cost), 4),
        **_billing_fields(row),
    }


NOT_LIVE_COLUMNS: tuple[str, ...] = (
    "service_id",
    "link",
    "name",
    "organisation_id",
    "organisation",
    "sector",
    "status",
    "chargeable",
    "text_cost",
    "letters",
    "letter_cost",
    "total_cost",
    *BILLING_COLUMNS,
)


def not_live_services(
    by_id: Mapping[str, Service], live_ids: Collection[str], charges: Sequence[BillingReportRow]
) -> pd.DataFrame:
    """The billing report's services that are not live (trial or inactive ones with letters or
    a text cost), most total cost first, with their status from the services list."""
    rows = [
        _not_live_row(row, by_id.get(row.service_id))
        for row in charges
        if row.service_id not in live_ids
    ]
    table = pd.DataFrame(rows, columns=list(NOT_LIVE_COLUMNS))
    return sort_table(table, DEFAULT_SORT, descending=True)


def organisation_finance(
    year: int,
    services: Sequence[Service],
    allowances: Sequence[ServiceVolumes],
    volumes: Sequence[ServiceVolumes],
    charges: Sequence[BillingReportRow] | None,
    today: date,
) -> OrganisationFinance:
    """The year's tables from the four answers (the billing report None when unread).

    A live service with no allowance for the year is excluded, as on the Allowances page.
    """
    by_id = {service.id: service for service in services}
    allowance_of = {entry.service_id: entry.free_allowance for entry in allowances}
    charged = {row.service_id: row for row in charges or ()}
    live_ids = {entry.service_id for entry in volumes}
    rows, excluded, forecasts = [], [], {}
    for entry in volumes:
        if entry.service_id not in allowance_of:
            excluded.append(
                Excluded(entry.service_id, entry.service_name, "no free allowance for the year")
            )
            continue
        allowance = allowance_of[entry.service_id]
        forecast = forecast_from_total(entry.sms_chargeable_units, allowance, year, today)
        forecasts[entry.service_id] = forecast
        service = by_id.get(entry.service_id)
        rows.append(_live_row(entry, service, allowance, charged.get(entry.service_id), forecast))
    not_live = not_live_services(by_id, live_ids, charges or ())
    table = pd.DataFrame(rows, columns=list(SERVICE_COLUMNS))
    if charges is None:
        table = table.drop(columns=[*CHARGE_COLUMNS, *BILLING_COLUMNS])
    own = table["service_id"].map(is_platform_service).astype(bool)
    customers = sort_table(table[~own], DEFAULT_SORT, descending=True)
    return OrganisationFinance(
        financial_year=year,
        services=customers,
        organisations=organisation_totals(customers, forecasts),
        platform=table[own].reset_index(drop=True),
        not_live=not_live,
        excluded=tuple(excluded),
        has_charges=charges is not None,
        forecast=today <= date(year + 1, 3, 31),
        has_data=bool(
            charges
            or any(
                entry.sms_chargeable_units or entry.letter_totals or entry.email_totals
                for entry in volumes
            )
        ),
        year_end=sum_forecasts(
            (
                forecast
                for service_id, forecast in forecasts.items()
                if not is_platform_service(service_id)
            ),
            TOTAL_CORRELATION,
        ),
    )


def organisation_totals(
    services: pd.DataFrame, forecasts: Mapping[str, ServiceForecast]
) -> pd.DataFrame:
    """One row per organisation (those with none as one row), most total cost first: its
    services' figures added up, how many went over their allowance, and the year-end
    fragments, chargeable fragments and text cost, each with its range, summed from its
    services' forecasts as `forecast.sum_forecasts` does."""
    summed_columns = [column for column in SUMMED if column in services]
    groups = services.groupby("organisation_id", sort=False)
    table = groups.agg(
        organisation=("organisation", "first"),
        services=("service_id", "count"),
        **{column: (column, "sum") for column in summed_columns},
        services_over=("over_allowance", "sum"),
    ).reset_index()
    table["services_over"] = table["services_over"].astype(int)
    members = groups["service_id"].agg(list)
    ranges = [
        sum_forecasts((forecasts[sid] for sid in members[oid]), TOTAL_CORRELATION)
        for oid in table["organisation_id"]
    ]
    fields = pd.DataFrame(
        [forecast_fields(item, "year_end_text_cost") for item in ranges],
        index=table.index,
        columns=list(FORECAST_COLUMNS),
    )
    table[list(FORECAST_COLUMNS)] = fields
    table["expected_over"] = [item.expected_over for item in ranges]
    table = table[[column for column in ORGANISATION_COLUMNS if column in table]]
    return sort_table(table, DEFAULT_SORT, descending=True)


def services_of(finance: OrganisationFinance, organisation_id: str) -> pd.DataFrame:
    """One organisation's live services ("" for those with none), most total cost first."""
    return finance.services[finance.services["organisation_id"] == organisation_id].reset_index(
        drop=True
    )


def search(table: pd.DataFrame, words: str, column: str) -> pd.DataFrame:
    """Rows whose `column` holds every word of `words` (any case, any order)."""
    wanted = [word for word in words.casefold().split() if word]
    if not wanted:
        return table
    names = table[column].astype(str).str.casefold()
    keep = pd.Series(True, index=table.index)
    for word in wanted:
        keep &= names.str.contains(word, regex=False)
    return table[keep]


def sort_table(table: pd.DataFrame, column: str, descending: bool) -> pd.DataFrame:
    """The table sorted by one of its columns, its names A to Z breaking ties; a column it
    does not have sorts by fragments, then by name (no billing report: no cost)."""
    name = "organisation" if "organisation" in table and "services" in table else "name"
    if column not in table:
        column = "fragments" if "fragments" in table else name
    by = [column] if column == name else [column, name]
    ascending = [not descending] if column == name else [not descending, True]
    return table.sort_values(by, ascending=ascending, kind="stable").reset_index(drop=True)


def platform_totals(finance: OrganisationFinance, with_platform: bool) -> dict[str, float]:
    """The platform's total cost and its parts: live services, services that are not live
    and, when `with_platform`, GOV.UK Notify's own service."""
    parts = [finance.services, finance.not_live]
    if with_platform:
        parts.append(finance.platform)
    figures: dict[str, float] = {
        column: float(sum(part[column].sum() for part in parts if column in part))
        for column in ("text_cost", "letters", "letter_cost", "total_cost")
    }
    figures["not_live_cost"] = float(finance.not_live["total_cost"].sum())
    return figures
