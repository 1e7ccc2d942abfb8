"""Allowances page, for finance: free text allowances, use and cost by sector and service."""

from typing import Any

import pandas as pd
import streamlit as st

from dashboard.app_pages import chart_specs, platform_charts
from dashboard.app_pages.finance_columns import (
    not_live_columns,
    share_used_column,
    year_ahead_tables,
)
from dashboard.app_pages.plain_text import plain
from dashboard.app_pages.shared import (
    caption_freshness,
    choose_year_in_sidebar,
    pounds,
    runtime,
    show_cache_warning,
    show_excluded,
    show_missing,
    sized_table,
    table_with_csv,
    warn_if_stale,
)
from dashboard.app_pages.tables import (
    FOUR_LINE_ROW_HEIGHT,
    column_settings,
    number_column,
    one_page,
    service_name_columns,
)
from dashboard.app_pages.url_state import keep_in_url, sort_in_url, start_from_url
from dashboard.domain.allowance_table import (
    SERVICE_FILTERS,
    AllowanceTables,
    filter_allowances,
    service_sorts,
    totals,
    year_notes,
)
from dashboard.domain.financial_year import (
    current_financial_year,
    financial_year_label,
)
from dashboard.domain.forecast import METHOD, group_words
from dashboard.domain.organisation_finance import MONEY_NOTE
from dashboard.domain.table_sort import sort_table
from dashboard.loaders.allowances import load_allowances
from dashboard.loaders.sections import Failed


def sector_columns() -> dict[str, Any]:
    """Sector, then how many services went over their own allowance and what that costs, then
    letters and the total; the pooled share last, labelled as the sum it is. All of them fit
    a 1,400 px window beside the sidebar (the year ahead is a table of its own)."""
    number = number_column
    return {
        "sector": st.column_config.TextColumn("Sector", width=160, pinned=True),
        "services": number("Services", width=65, help="Live services in the sector"),
        "services_over": number(
            "Over", width=50, help="Services that used more than their own free allowance"
        ),
        "services_under": number("Under", width=55, help="Services within their own allowance"),
        "chargeable": number(
            "Chargeable", width=80, help="Fragments beyond each service's own allowance"
        ),
        "cost": number("Text cost (£)", width=85, format="accounting"),
        "letter_cost": number("Letter cost (£)", width=85, format="accounting"),
        "total_cost": number("Total cost (£)", width=90, format="accounting"),
        "used": number("Fragments used", width=85),
        "total_allowance": number(
            "Sum of allowances", width=90, help="Every service's own allowance, added up"
        ),
        "share_used_words": share_used_column(85),
    }


def sector_letter_columns() -> dict[str, Any]:
    """Letters by sector: count, sheets and cost, with the total of texts and letters (the
    sectors table has no room for them at 1,400 px; the sectors CSV holds them too)."""
    number = number_column
    return {
        "sector": st.column_config.TextColumn("Sector", width=200, pinned=True),
        "letters": number("Letters", width=110),
        "letter_sheets": number("Letter sheets", width=110),
        "letter_cost": number("Letter cost (£)", width=120, format="accounting"),
        "cost": number("Text cost (£)", width=120, format="accounting"),
        "total_cost": number("Total cost (£)", width=120, format="accounting"),
    }


def service_columns(forecast: bool = False) -> dict[str, Any]:
    """The full name pinned and wrapped, beside it the link to its Service page (as on the
    Overview and All services), the finance figures next to them with the letters sent, and what
    the year ahead holds for its allowance (a past year: free left and letter sheets instead):
    all of them fit a 1,400 px window beside the sidebar. The CSV has every column (free left,
    sheets, sector, the year-end ranges, billing details)."""
    number = number_column
    columns = {
        **service_name_columns(width=180, link_width=45),
        "total_cost": number("Total cost (£)", width=80, format="accounting"),
        "cost": number("Text cost (£)", width=80, format="accounting"),
        "letter_cost": number("Letter cost (£)", width=80, format="accounting"),
        "letters": number("Letters", width=55),
        "allowance": number("Allowance", width=65),
        "used": number("Fragments used", width=75),
        "chargeable": number("Chargeable", width=70),
        "over_allowance": st.column_config.CheckboxColumn("Over", width=40),
        "custom_allowance": st.column_config.CheckboxColumn("Custom", width=50),
    }
    if forecast:
        columns["year_end_words"] = st.column_config.TextColumn(
            "By 31 March",
            width=110,
            help="When the service is expected to go over its free allowance, and its text "
            "cost by 31 March as the 80 % range, low to high (whole pounds, excluding VAT)",
        )
    else:
        columns |= {
            "remaining": number("Free left", width=55),
            "letter_sheets": number("Letter sheets", width=55),
        }
    return columns


def _services(services: pd.DataFrame, year: int, forecast: bool) -> None:
    """Every live service, shown all or only those over or with a custom allowance and sorted
    as the reader chooses, a page at a time: the filter, the sort and the page are kept in the
    URL (`?show=&sort=&page=`), as All services keeps its own, so a reload or a shared link
    opens the same rows. The CSV holds every row the filter keeps, in the chosen order."""
    choose_shown, choose_order = st.columns([3, 2], vertical_alignment="bottom")
    start_from_url("allowances_show", "show", SERVICE_FILTERS, SERVICE_FILTERS[0])
    only = choose_shown.radio("Show", SERVICE_FILTERS, horizontal=True, key="allowances_show")
    keep_in_url("show", only, SERVICE_FILTERS[0])
    order = sort_in_url(choose_order, "allowances_sort", service_sorts(services))
    shown = sort_table(filter_allowances(services, only), order)
    table_with_csv(
        one_page(shown, "allowances", (only, order.key)),
        column_settings(service_columns(forecast), services),
        shown.drop(columns=["link"]),
        f"notify-allowances-by-service-{year}.csv",
        "Download services CSV",
        row_height=FOUR_LINE_ROW_HEIGHT,
    )


def _headline(tables: AllowanceTables) -> None:
    figures = totals(tables)
    columns = st.columns(4)
    current = tables.financial_year == current_financial_year()
    # volumes-by-service lists today's live services, whatever the year (see `year_notes`).
    columns[0].metric(
        "Live services" if current else "Services live today", f"{figures['services']:,}"
    )
    columns[0].caption(f"{figures['used']:,} text fragments used")
    columns[1].metric("Services over their allowance", f"{figures['services_over']:,}")
    if tables.has_charges:
        columns[1].caption(f"{figures['chargeable']:,} chargeable fragments")
        columns[2].metric("Cost of texts and letters", pounds(figures["total_cost"]))
        columns[2].caption(
            f"Texts {pounds(figures['cost'])} · {figures['letters']:,} letters "
            f"({figures['letter_sheets']:,} sheets) {pounds(figures['letter_cost'])}. With "
            f"services not live and GOV.UK Notify's own: {pounds(tables.platform_total_cost)}"
        )
    if tables.year_end is not None and current:
        cost = tables.year_end.cost
        columns[3].metric("Text cost by 31 March", pounds(float(cost.expected)))
        columns[3].caption(
            f"80 % range {pounds(float(cost.low))} to {pounds(float(cost.high))}; "
            f"{group_words(tables.year_end)}; {tables.year_end.expected_over:,} services over "
            "their allowance by then"
        )


def _year_ahead(sectors: pd.DataFrame, year: int) -> None:
    st.subheader("The year ahead by sector", anchor=False)
    year_ahead_tables(
        sectors,
        "sector",
        "Sector",
        ("used", "cost"),
        "year_end_cost",
        f"notify-year-ahead-by-sector-{year}.csv",
    )


def _platform_service(tables: AllowanceTables) -> None:
    """GOV.UK Notify's own service: shown apart, never in the totals."""
    if tables.platform.empty:
        return
    st.caption(
        "GOV.UK Notify's own service sends the platform's messages: it is shown here, apart, "
        "and left out of every total above and below."
    )
    shown = column_settings(service_columns(), tables.platform)
    st.dataframe(
        tables.platform,
        hide_index=True,
        width="stretch",
        column_config=shown,
        column_order=list(shown),
    )


def _not_live(tables: AllowanceTables) -> None:
    """Services with costs that are not live: apart, and in the platform's total only."""
    if tables.not_live.empty:
        return
    st.subheader("Services with costs that are not live", anchor=False)
    st.caption(
        "Trial or inactive services in the billing report (letters, or texts beyond their "
        "allowance): in the platform's total cost, not in the sectors or services above."
    )
    table_with_csv(
        tables.not_live,
        not_live_columns(tables.not_live),
        tables.not_live.drop(columns=["link"]),
        f"notify-not-live-services-with-costs-{tables.financial_year}.csv",
        "Download not-live services CSV",
    )


def render() -> None:
    show_cache_warning()
    st.title("Free text message allowances")
    year = choose_year_in_sidebar()
    with st.spinner("Reading allowances, use and charges…"):
        section = load_allowances(runtime().context, year)
    if isinstance(section, Failed):
        st.error(plain(section.message))
        caption_freshness(section.freshness)
        return
    tables = section.value.tables
    warn_if_stale(section.freshness)
    show_missing(section.value.missing)
    notes = year_notes(year, tables.has_data, len(tables.not_live), current_financial_year())
    for note in notes:
        st.info(note, icon="ℹ️")
    if not tables.has_data:
        caption_freshness(section.freshness)
        return
    forecast = tables.year_end is not None and year == current_financial_year()
    sectors, services = tables.sectors, tables.services
    st.header(f"By sector, {financial_year_label(year)}", anchor=False)
    st.caption(MONEY_NOTE)
    if forecast:
        st.caption(METHOD)
    _headline(tables)
    show_excluded(tables.excluded)
    table_with_csv(
        sectors,
        column_settings(sector_columns(), sectors),
        sectors,
        f"notify-allowances-by-sector-{year}.csv",
        "Download sectors CSV",
    )
    letters = column_settings(sector_letter_columns(), sectors)
    st.caption("Letters by sector: count, sheets and cost. The sectors CSV holds them too.")
    sized_table(sectors, letters)
    st.caption(
        "Fragments used beside the sum of the sector's free allowances, one chart per sector, "
        "each on its own scale (they differ a thousandfold): compare the two bars within a "
        "sector. A sum hides services over their own allowance behind those under it: the "
        "table's Over column counts them. The sectors table above gives the same figures."
    )
    chart_specs.draw(platform_charts.used_against_allowance, sectors)
    st.caption(
        "The same sum as a share, one bar per sector on one scale: the dashed line is 100 % "
        "(the sum of the sector's allowances) and each bar's figure is written beside it, never "
        "stopped at 100 %. The sectors table's Used of the sum column gives the same figures."
    )
    chart_specs.draw(platform_charts.share_of_allowance, sectors, width="stretch")
    if forecast and tables.has_charges:
        st.caption(
            "Text cost so far (solid) and by 31 March: the months not yet happened are the "
            "80 % range (the line), its expected value the tick. The sectors table gives the "
            "same figures."
        )
        chart_specs.draw(platform_charts.year_end_range, sectors, width="stretch")
        _year_ahead(sectors, year)
    _platform_service(tables)

    st.header("By service", anchor=False)
    st.caption(
        "Most total cost first unless sorted otherwise. Ticked under Over: used more than its "
        "allowance · ticked under Custom: its allowance differs from its sector's default. "
        "Open, beside each name, opens its Service page. The CSV holds every service shown, "
        "in this order, and adds the purchase order number, billing reference and billing "
        "contacts."
    )
    _services(services, year, forecast)
    _not_live(tables)
    caption_freshness(section.freshness)


render()
