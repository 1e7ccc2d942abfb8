"""All services page: every service, today's use of its daily limit, counts for the window."""

import pandas as pd
import streamlit as st

from dashboard.app_pages.shared import (
    caption_freshness,
    carry_view,
    remember,
    runtime,
    show_cache_warning,
)
from dashboard.domain.financial_year import london_today
from dashboard.domain.retention import choose_days
from dashboard.loaders.all_services import load_all_services

MAX_DAYS = 90
LEVEL_COLOURS = {"warning": "background-color: #fff2d3", "error": "background-color: #f6d7d2"}
SHOWN_COLUMNS = {
    "link": "Service",
    "sector": "Sector",
    "mode": "Mode",
    "today": "Today",
    "daily_limit": "Daily limit",
    "limit_used": "Limit used",
    "requested": "Requested",
    "delivered": "Delivered",
    "failed": "Failed",
    "sending": "Sending",
    "failure_rate": "Failure rate",
}


def _on_days_change() -> None:
    remember("days", st.session_state["all_days_slider"])


def _filter(table: pd.DataFrame) -> pd.DataFrame:
    """Apply the sidebar's filters; returns a new frame."""
    sectors = st.sidebar.multiselect("Sector", sorted(table["sector"].unique()))
    mode = st.sidebar.radio("Mode", ["All", "Live", "Trial"], horizontal=True)
    near_only = st.sidebar.checkbox("Only services at 80% of a daily limit or more")
    search = st.sidebar.text_input("Search by name")
    mask = pd.Series(True, index=table.index)
    if sectors:
        mask &= table["sector"].isin(sectors)
    if mode != "All":
        mask &= table["mode"] == mode
    if near_only:
        mask &= table["limit_level"] != "ok"
    if search.strip():
        mask &= table["name"].str.contains(search.strip(), case=False, regex=False)
    return table[mask]


def _styled(table: pd.DataFrame, levels: pd.Series):
    """Rows coloured by how close the service is to a daily limit today."""
    return table.style.apply(
        lambda row: [LEVEL_COLOURS.get(levels[row.name], "")] * len(row), axis=1
    ).format(thousands=",")


def render() -> None:
    carry_view()
    show_cache_warning()
    app = runtime()
    st.title("All services")
    choice = choose_days(st.query_params.get("days"), MAX_DAYS)
    st.session_state["all_days_slider"] = choice.days
    st.sidebar.slider(
        "Days",
        1,
        MAX_DAYS,
        key="all_days_slider",
        on_change=_on_days_change,
        help="Counts for today and this many days before it.",
    )
    if choice.message:
        st.warning(choice.message)
    with st.spinner("Reading every service…"):
        result = load_all_services(
            app.clients,
            app.settings.api_host_name,
            choice.days,
            london_today(),
            max_workers=app.settings.api_max_workers,
        )
    if result.error:
        st.error(result.error)
        return
    table = _filter(result.table)
    near = int((result.table["limit_level"] == "warning").sum())
    over = int((result.table["limit_level"] == "error").sum())
    columns = st.columns(4)
    columns[0].metric("Services", f"{len(result.table):,}")
    columns[1].metric("Live", f"{int((result.table['mode'] == 'Live').sum()):,}")
    columns[2].metric("Near a daily limit", f"{near:,}")
    columns[3].metric("At or over a daily limit", f"{over:,}")
    st.caption(
        f"Counts from {result.start:%-d %B} to {result.end:%-d %B %Y} · "
        f"{len(table):,} of {len(result.table):,} services shown · "
        "yellow: 80% of a daily limit or more today; red: at or over it"
    )
    shown = table.assign(
        link=[
            f"/?service_id={sid}&days={choice.days}#{name}"
            for sid, name in zip(table["service_id"], table["name"], strict=True)
        ],
    )[list(SHOWN_COLUMNS)]
    st.dataframe(
        _styled(shown, table["limit_level"]),
        hide_index=True,
        width="stretch",
        column_config={
            "link": st.column_config.LinkColumn("Service", display_text=r"#(.*)$"),
            "limit_used": st.column_config.ProgressColumn(
                "Limit used", format="percent", min_value=0.0, max_value=1.0
            ),
            "failure_rate": st.column_config.NumberColumn("Failure rate", format="percent"),
            **{
                name: label
                for name, label in SHOWN_COLUMNS.items()
                if name not in {"link", "limit_used", "failure_rate"}
            },
        },
    )
    st.download_button(
        "Download CSV",
        table.to_csv(index=False).encode(),
        file_name=f"notify-services-{result.end:%Y-%m-%d}-{choice.days}-days.csv",
        mime="text/csv",
    )
    caption_freshness(result.freshness)


render()
