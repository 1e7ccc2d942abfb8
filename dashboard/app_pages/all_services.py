"""All services page: every service, today's use of its tightest daily limit, window counts."""

from typing import Any

import pandas as pd
import streamlit as st
from pandas.io.formats.style import Styler

from dashboard.app_pages.plain_text import plain
from dashboard.app_pages.shared import (
    caption_freshness,
    carry_view,
    days_in_sidebar,
    runtime,
    show_cache_warning,
    show_excluded,
    show_missing,
    table_with_csv,
    warn_if_stale,
)
from dashboard.app_pages.tables import (
    WRAPPED_ROW_HEIGHT,
    column_settings,
    count_column,
    service_name_columns,
)
from dashboard.app_pages.url_state import (
    keep_in_url,
    sort_in_url,
    start_flag_from_url,
    start_from_url,
    start_many_from_url,
    start_text_from_url,
)
from dashboard.domain.financial_year import london_today
from dashboard.domain.liveness import STATUSES
from dashboard.domain.retention import choose_days
from dashboard.domain.service_table import (
    ANY_STATUS,
    SORTS,
    ServiceFilter,
    filter_services,
    headline_counts,
)
from dashboard.domain.table_sort import sort_table
from dashboard.domain.window_words import describe_window
from dashboard.loaders.all_services import AllServices, load_all_services
from dashboard.loaders.sections import Failed

MAX_DAYS = 90
LEVEL_COLOURS = {"warning": "background-color: #fff2d3", "error": "background-color: #f6d7d2"}


def columns() -> dict[str, Any]:
    """The name pinned and in full, its link, today's figures (all of one channel) side by
    side, then the window's counts.

    They fit a 1,400 px window beside the sidebar; the sector is a filter, and in the CSV.
    """
    return {
        **service_name_columns(width=232, link_width=70),
        "status": st.column_config.TextColumn("Status", width=75),
        "tightest_channel": st.column_config.TextColumn(
            "Tightest channel",
            width=90,
            help="The channel whose daily limit is most used today: the next three columns "
            "are all for this channel",
        ),
        "sent_today": count_column("Sent today", width=80),
        "daily_limit": count_column("Daily limit", width=80),
        "limit_used": st.column_config.ProgressColumn(
            "Limit used", width=90, format="percent", min_value=0.0, max_value=1.0
        ),
        "requested": count_column("Requested", width=85),
        "failed": count_column("Failed", width=65),
        "failure_rate": st.column_config.NumberColumn("Failure rate", width=70, format="percent"),
    }


def _choose_filter(table: pd.DataFrame) -> ServiceFilter:
    """The sidebar's filters, each kept in the URL; "near a limit" only when today's counts
    were read."""
    sectors = sorted(table["sector"].unique())
    start_many_from_url("services_sector", "sector", sectors)
    start_from_url("services_status", "status", [ANY_STATUS, *STATUSES], ANY_STATUS)
    start_flag_from_url("services_near", "near")
    start_text_from_url("services_search", "q")
    chosen = ServiceFilter(
        tuple(st.sidebar.multiselect("Sector", sectors, key="services_sector")),
        st.sidebar.radio("Status", [ANY_STATUS, *STATUSES], key="services_status"),
        st.sidebar.checkbox(
            "Only services at 80% of a daily limit or more",
            disabled="limit_level" not in table,
            key="services_near",
        ),
        st.sidebar.text_input(
            "Search by name or id",
            key="services_search",
            help="Part of a service's name, or its whole id",
        ),
    )
    keep_in_url("sector", list(chosen.sectors), [])
    keep_in_url("status", chosen.status, ANY_STATUS)
    keep_in_url("near", chosen.near_limit_only, False)
    keep_in_url("q", chosen.search.strip())
    return chosen


def _styled(table: pd.DataFrame) -> Styler:
    """Rows coloured by the Limit used they show: yellow from 80 %, red from 100 %."""
    levels = table.get("limit_level")
    styler = table.style.format(thousands=",")
    if levels is None:
        return styler
    return styler.apply(lambda row: [LEVEL_COLOURS.get(levels[row.name], "")] * len(row), axis=1)


def _headline(result: AllServices) -> None:
    counts = headline_counts(result.table)
    boxes = st.columns(4)
    boxes[0].metric("Services", f"{counts['services']:,}")
    boxes[1].metric(
        "Live",
        f"{counts['live']:,}",
        help="Active, out of trial mode and counted as live: what the Notify API calls live",
    )
    if counts["near"] is not None:
        boxes[2].metric("Near a daily limit", f"{counts['near']:,}")
        boxes[3].metric("At or over a daily limit", f"{counts['over']:,}")


def render() -> None:
    carry_view()
    show_cache_warning()
    st.title("All services")
    choice = choose_days(st.query_params.get("days"), MAX_DAYS)
    days_in_sidebar(
        "all_days", MAX_DAYS, choice.days, "Counts for today and this many days before it."
    )
    if choice.message:
        st.warning(plain(choice.message))
    with st.spinner("Reading every service…"):
        section = load_all_services(runtime().context, choice.days, london_today())
    if isinstance(section, Failed):
        st.error(plain(section.message))
        caption_freshness(section.freshness)
        return
    result = section.value
    warn_if_stale(section.freshness)
    show_missing(result.missing)
    _headline(result)
    show_excluded(result.excluded)
    shown = sort_table(
        filter_services(result.table, _choose_filter(result.table)),
        sort_in_url(st.sidebar, "services_sort", SORTS),
    )
    st.caption(
        f"{describe_window(result.days, result.start, result.end)} · "
        f"{len(shown):,} of {len(result.table):,} services shown · "
        "Limit used: Sent today over the Daily limit of the Tightest channel; "
        "yellow from 80%, red at 100% or more"
    )
    table_with_csv(
        _styled(shown),
        column_settings(columns(), shown),
        shown.drop(columns=["link"]),
        f"notify-services-{result.end:%Y-%m-%d}-{result.days}-days.csv",
        "Download CSV",
        row_height=WRAPPED_ROW_HEIGHT,
    )
    caption_freshness(section.freshness)


render()
