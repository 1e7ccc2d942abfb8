"""Allowances page, for finance: free text allowances, use and cost by sector and service."""

from typing import Any

import pandas as pd
import streamlit as st
from pandas.io.formats.style import Styler

from dashboard.app_pages import platform_charts
from dashboard.app_pages.plain_text import plain
from dashboard.app_pages.shared import (
    caption_freshness,
    pounds,
    runtime,
    show_cache_warning,
    show_excluded,
    show_missing,
    table_with_csv,
    warn_if_stale,
)
from dashboard.app_pages.tables import WRAPPED_ROW_HEIGHT, count_column
from dashboard.app_pages.url_state import keep_in_url, sort_in_url, start_from_url
from dashboard.domain.allowance_table import (
    SERVICE_FILTERS,
    SERVICE_SORTS,
    AllowanceTables,
    filter_allowances,
    totals,
)
from dashboard.domain.financial_year import financial_year_label, financial_years
from dashboard.domain.table_sort import sort_table
from dashboard.domain.year_choice import choose_financial_year
from dashboard.loaders.allowances import load_allowances
from dashboard.loaders.sections import Failed

HIGHLIGHTS = {"over": "background-color: #f6d7d2", "custom": "background-color: #e8f1f8"}
#: How the tables' numbers read: whole numbers with thousands, costs in pounds and pence.
NUMBERS = {"cost": "£{:,.2f}"}


def sector_columns() -> dict[str, Any]:
    """Sector, then the finance figures: all of them fit a 1,400 px window beside the sidebar."""
    number = count_column
    return {
        "sector": st.column_config.TextColumn("Sector", width=190, pinned=True),
        "services": number("Services", width=70, help="Live services in the sector"),
        "default_allowance": number(
            "Default", width=85, help="The sector's default free allowance for one service"
        ),
        "total_allowance": number("Total allowance", width=95),
        "used": number("Fragments used", width=100),
        "share_used": st.column_config.ProgressColumn(
            "Allowance used", width=110, format="percent", min_value=0.0, max_value=1.0
        ),
        "remaining": number("Free left", width=85),
        "chargeable": number("Chargeable", width=90),
        "cost": number("Cost", width=95),
    }


def service_columns() -> dict[str, Any]:
    """The name pinned, the finance figures next to it, the sector last: all of them fit a
    1,400 px window beside the sidebar."""
    number = count_column
    return {
        "name": st.column_config.TextColumn("Service", width=200, pinned=True),
        "allowance": number("Allowance", width=80),
        "used": number("Fragments used", width=95),
        "remaining": number("Free left", width=80),
        "chargeable": number("Chargeable", width=85),
        "cost": number("Cost", width=90),
        "over_allowance": st.column_config.CheckboxColumn("Over", width=45),
        "custom_allowance": st.column_config.CheckboxColumn("Custom", width=55),
        "sector_default": number(
            "Default", width=85, help="The default free allowance of the service's sector"
        ),
        "sector": st.column_config.TextColumn("Sector", width=105),
    }


def _shown(columns: dict[str, Any], frame: pd.DataFrame) -> dict[str, Any]:
    """The columns the frame has: without the billing report, no chargeable or cost."""
    return {name: config for name, config in columns.items() if name in frame}


def _choose_year() -> int:
    years = financial_years()
    choice = choose_financial_year(st.query_params.get("year"), years)
    if choice.message:
        st.warning(plain(choice.message))
    year = st.sidebar.selectbox(
        "Financial year", years, index=years.index(choice.year), format_func=financial_year_label
    )
    st.query_params["year"] = str(year)
    return year


def _numbers(frame: pd.DataFrame) -> Styler:
    """The frame as it reads on screen: thousands separated, costs in pounds."""
    return frame.style.format(
        {column: form for column, form in NUMBERS.items() if column in frame}, thousands=","
    )


def _service_styles(services: pd.DataFrame) -> Styler:
    def style(row: pd.Series) -> list[str]:
        if row["over_allowance"]:
            colour = HIGHLIGHTS["over"]
        elif row["custom_allowance"]:
            colour = HIGHLIGHTS["custom"]
        else:
            colour = ""
        return [colour] * len(row)

    return _numbers(services).apply(style, axis=1)


def _choose_shown() -> str:
    """Every service, or those over or off their sector's allowance (`?show=`)."""
    start_from_url("allowances_show", "show", SERVICE_FILTERS, SERVICE_FILTERS[0])
    only = st.radio("Show", SERVICE_FILTERS, horizontal=True, key="allowances_show")
    keep_in_url("show", only, SERVICE_FILTERS[0])
    return only


def _headline(tables: AllowanceTables) -> None:
    figures = totals(tables)
    columns = st.columns(4)
    columns[0].metric("Live services", f"{figures['services']:,}")
    columns[1].metric("Fragments used", f"{figures['used']:,}")
    if tables.has_charges:
        columns[2].metric("Chargeable fragments", f"{figures['chargeable']:,}")
        columns[3].metric("Cost beyond allowances", pounds(figures["cost"]))


def _platform_service(tables: AllowanceTables) -> None:
    """GOV.UK Notify's own service: shown apart, never in the totals."""
    if tables.platform.empty:
        return
    st.caption(
        "GOV.UK Notify's own service sends the platform's messages: it is shown here, apart, "
        "and left out of every total above and below."
    )
    st.dataframe(
        _numbers(tables.platform),
        hide_index=True,
        width="stretch",
        row_height=WRAPPED_ROW_HEIGHT,
        column_config=_shown(service_columns(), tables.platform),
        column_order=list(_shown(service_columns(), tables.platform)),
    )


def render() -> None:
    show_cache_warning()
    st.title("Free text message allowances")
    year = _choose_year()
    with st.spinner("Reading allowances, use and charges…"):
        section = load_allowances(runtime().context, year)
    if isinstance(section, Failed):
        st.error(plain(section.message))
        caption_freshness(section.freshness)
        return
    tables = section.value.tables
    warn_if_stale(section.freshness)
    show_missing(section.value.missing)
    sectors, services = tables.sectors, tables.services
    st.header(f"By sector, {financial_year_label(year)}", anchor=False)
    _headline(tables)
    show_excluded(tables.excluded)
    table_with_csv(
        _numbers(sectors),
        _shown(sector_columns(), sectors),
        sectors,
        f"notify-allowances-by-sector-{year}.csv",
        "Download sectors CSV",
    )
    st.caption(
        "Fragments used beside the free allowance, one chart per sector, each on its own scale "
        "(they differ a thousandfold): compare the two bars within a sector. The sectors table "
        "above gives the same figures."
    )
    st.altair_chart(platform_charts.used_against_allowance(sectors))
    _platform_service(tables)

    st.header("By service", anchor=False)
    st.caption(
        "Red, and ticked under Over: used more than its allowance · blue, and ticked under "
        "Custom: its allowance differs from its sector's default"
    )
    shown = sort_table(
        filter_allowances(services, _choose_shown()),
        sort_in_url(st.container(), "allowances_sort", SERVICE_SORTS),
    )
    table_with_csv(
        _service_styles(shown),
        _shown(service_columns(), services),
        services,
        f"notify-allowances-by-service-{year}.csv",
        "Download services CSV",
        row_height=WRAPPED_ROW_HEIGHT,
    )
    caption_freshness(section.freshness)


render()
