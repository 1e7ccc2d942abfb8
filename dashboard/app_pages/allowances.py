"""Allowances page, for finance: free text allowances, use and cost by sector and service."""

import pandas as pd
import streamlit as st
from pandas.io.formats.style import Styler

from dashboard.app_pages import charts
from dashboard.app_pages.shared import caption_freshness, pounds, runtime, show_cache_warning
from dashboard.domain.financial_year import financial_year_label, financial_years
from dashboard.loaders.allowances import load_allowances

HIGHLIGHTS = {"over": "background-color: #f6d7d2", "custom": "background-color: #e8f1f8"}
SECTOR_LABELS = {
    "sector": "Sector",
    "services": "Live services",
    "default_allowance": "Default allowance",
    "total_allowance": "Total allowance",
    "used": "Fragments used",
    "remaining": "Free left",
    "chargeable": "Chargeable",
    "cost": "Cost",
}
SERVICE_LABELS = {
    "name": "Service",
    "sector": "Sector",
    "allowance": "Allowance",
    "sector_default": "Sector default",
    "custom_allowance": "Custom",
    "used": "Fragments used",
    "remaining": "Free left",
    "chargeable": "Chargeable",
    "cost": "Cost",
    "over_allowance": "Over",
}
NUMBERS = {"cost": "£{:,.2f}"}


def _choose_year() -> int:
    years = financial_years()
    requested = st.query_params.get("year")
    index = years.index(int(requested)) if requested in {str(year) for year in years} else 0
    if requested and requested not in {str(year) for year in years}:
        st.warning(f"“{requested}” is not a financial year shown here: showing the current one.")
    year = st.sidebar.selectbox(
        "Financial year", years, index=index, format_func=financial_year_label
    )
    st.query_params["year"] = str(year)
    return year


def _service_styles(services: pd.DataFrame) -> Styler:
    def style(row: pd.Series) -> list[str]:
        if row["over_allowance"]:
            colour = HIGHLIGHTS["over"]
        elif row["custom_allowance"]:
            colour = HIGHLIGHTS["custom"]
        else:
            colour = ""
        return [colour] * len(row)

    return services.style.apply(style, axis=1).format(NUMBERS, thousands=",")


def _table_with_csv(
    shown: Styler, labels: dict[str, str], data: pd.DataFrame, file_name: str, button: str
) -> None:
    """A table as read on screen, and every row and column of its data as CSV."""
    st.dataframe(shown, hide_index=True, width="stretch", column_config=labels)
    st.download_button(
        button, data.to_csv(index=False).encode(), file_name=file_name, mime="text/csv"
    )


def render() -> None:
    show_cache_warning()
    app = runtime()
    st.title("Free text message allowances")
    year = _choose_year()
    progress = st.progress(0.0, text="Reading allowances and usage…")
    result = load_allowances(
        app.clients,
        app.settings.api_host_name,
        year,
        on_progress=lambda done, total: progress.progress(
            done / total, text=f"Read {done:,} of {total:,} services"
        ),
    )
    progress.empty()
    if result.error:
        st.error(result.error)
        return
    sectors, services = result.sectors, result.services
    st.subheader(f"By sector, {financial_year_label(year)}")
    columns = st.columns(4)
    columns[0].metric("Live services", f"{len(services):,}")
    columns[1].metric("Fragments used", f"{int(sectors['used'].sum()):,}")
    columns[2].metric("Chargeable fragments", f"{int(sectors['chargeable'].sum()):,}")
    columns[3].metric("Cost beyond allowances", pounds(float(sectors["cost"].sum())))
    _table_with_csv(
        sectors[list(SECTOR_LABELS)].style.format(NUMBERS, thousands=","),
        SECTOR_LABELS,
        sectors,
        f"notify-allowances-by-sector-{year}.csv",
        "Download sectors CSV",
    )
    st.altair_chart(charts.used_against_allowance(sectors), width="stretch")

    st.subheader("By service")
    st.caption("Red: over its allowance · blue: allowance differs from its sector's default")
    only = st.radio("Show", ["All", "Over their allowance", "Custom allowance"], horizontal=True)
    shown = services
    if only == "Over their allowance":
        shown = services[services["over_allowance"]]
    elif only == "Custom allowance":
        shown = services[services["custom_allowance"]]
    _table_with_csv(
        _service_styles(shown[list(SERVICE_LABELS)]),
        SERVICE_LABELS,
        services,
        f"notify-allowances-by-service-{year}.csv",
        "Download services CSV",
    )
    if result.failed:
        with st.expander(f"{len(result.failed)} services could not be read"):
            for name, message in result.failed.items():
                st.write(f"**{name}**: {message}")
    caption_freshness(result.freshness)


render()
