"""All services page: every service, today's use of its tightest daily limit, window counts."""

from typing import Any

import pandas as pd
import streamlit as st

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
    number_column,
    one_page,
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
from dashboard.domain.failure_causes import FAILED_DEFINITION
from dashboard.domain.financial_year import london_today
from dashboard.domain.liveness import STATUSES
from dashboard.domain.retention import SERVICE_PAGE_WINDOW, choose_days
from dashboard.domain.service_table import (
    ANY_STATUS,
    SORTS,
    ServiceFilter,
    filter_services,
    headline_counts,
)
from dashboard.domain.settling import settling_note
from dashboard.domain.table_sort import sort_table
from dashboard.domain.unusual_failures import UNUSUAL_MEANING
from dashboard.domain.window_words import describe_window
from dashboard.loaders.all_services import AllServices, load_all_services
from dashboard.loaders.sections import Failed

MAX_DAYS = 90


def columns() -> dict[str, Any]:
    """The name pinned and in full, its link, today's figures (all of one channel) side by
    side, then the window's counts.

    They fit a 1,400 px window beside the sidebar; the sector is a filter, and in the CSV.
    """
    return {
        **service_name_columns(width=200, link_width=70),
        "status": st.column_config.TextColumn("Status", width=75),
        "tightest_channel": st.column_config.TextColumn(
            "Tightest channel",
            width=90,
            help="The channel whose daily limit is most used today: the next three columns "
            "are all for this channel",
        ),
        "sent_today": number_column("Sent today", width=80),
        "daily_limit": number_column("Daily limit", width=80),
        "limit_used": st.column_config.ProgressColumn(
            "Limit used", width=90, format="percent", min_value=0.0, max_value=1.0
        ),
        "limit_state": st.column_config.TextColumn(
            "Limit state",
            width=80,
            help="Today's use of the daily limit: under 80%, 80% or more, or at or over it",
        ),
        "requested": number_column("Requested", width=85),
        "previous_requested": number_column("Requested before", width=85),
        "requested_change": st.column_config.TextColumn(
            "Change", width=140, help="Requested, against the window of the same length before"
        ),
        "failed": number_column("Failed", width=65),
        "failure_rate": st.column_config.NumberColumn("Failure rate", width=70, format="percent"),
        "previous_failure_rate": st.column_config.NumberColumn(
            "Failure rate before", width=85, format="percent"
        ),
        "unusual_channels": st.column_config.TextColumn(
            "Failure rate unusual",
            width=110,
            help="The channels whose failure rate is unusual for the service: " + UNUSUAL_MEANING,
        ),
    }


#: The two sets of columns a reader can choose between: each fits beside the sidebar at 1,400 px
#: (every column is in the CSV, the failed counts among them).
VIEWS: dict[str, tuple[str, ...]] = {
    "Daily limits today": (
        "name",
        "link",
        "status",
        "tightest_channel",
        "sent_today",
        "daily_limit",
        "limit_used",
        "limit_state",
        "requested",
        "failure_rate",
    ),
    "Against the window before": (
        "name",
        "link",
        "status",
        "requested",
        "previous_requested",
        "requested_change",
        "failure_rate",
        "previous_failure_rate",
        "unusual_channels",
    ),
}


def _choose_filter(table: pd.DataFrame) -> ServiceFilter:
    """The sidebar's filters, each kept in the URL; "near a limit" only when today's counts
    were read."""
    sectors = sorted(table["sector"].unique())
    start_many_from_url("services_sector", "sector", sectors)
    start_from_url("services_status", "status", [ANY_STATUS, *STATUSES], ANY_STATUS)
    start_flag_from_url("services_near", "near")
    start_text_from_url("services_search", "q")
    start_flag_from_url("services_unusual", "unusual")
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
        st.sidebar.checkbox(
            "Failure rate unusual",
            disabled="failure_unusual" not in table,
            help=UNUSUAL_MEANING,
            key="services_unusual",
        ),
    )
    keep_in_url("sector", list(chosen.sectors), [])
    keep_in_url("status", chosen.status, ANY_STATUS)
    keep_in_url("near", chosen.near_limit_only, False)
    keep_in_url("q", chosen.search.strip())
    keep_in_url("unusual", chosen.unusual_only, False)
    return chosen


def _choose_view() -> tuple[str, ...]:
    """The set of columns shown, kept in the URL (`?columns=window`)."""
    names = list(VIEWS)
    start_from_url("services_view", "columns", ["limits", "window"], "limits")
    chosen = st.sidebar.radio(
        "Columns",
        ["limits", "window"],
        format_func=lambda key: names[0] if key == "limits" else names[1],
        help="Today's daily limits, or the window against the one before it with unusual "
        "failure rates; the CSV has every column.",
        key="services_view",
    )
    keep_in_url("columns", chosen, "limits")
    return VIEWS[names[0] if chosen != "window" else names[1]]


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
    chosen = _choose_filter(result.table)
    order = sort_in_url(st.sidebar, "services_sort", SORTS)
    shown = sort_table(filter_services(result.table, chosen), order)
    st.caption(
        f"{describe_window(result.days, result.start, result.end)}, compared with "
        f"{result.previous_words} · "
        f"{len(shown):,} of {len(result.table):,} services match the filters · "
        "Limit used: Sent today over the Daily limit of the Tightest channel; "
        "Limit state says when it reaches 80% and 100%"
    )
    st.caption(f"{UNUSUAL_MEANING} {FAILED_DEFINITION} {SERVICE_PAGE_WINDOW}")
    settling = settling_note(result.start, result.end, result.end)
    if settling:
        st.caption(settling)
    view = _choose_view()
    configs = columns()
    table_with_csv(
        one_page(shown, "services", (chosen, order.key)),
        column_settings({name: configs[name] for name in view}, shown),
        shown.drop(columns=["link"]),
        f"notify-services-{result.end:%Y-%m-%d}-{result.days}-days.csv",
        "Download CSV",
        row_height=WRAPPED_ROW_HEIGHT,
    )
    caption_freshness(section.freshness)


render()
