"""All services page: every service, today's use of its tightest daily limit, window counts."""

from dataclasses import replace
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
    ALL_CHANNELS,
    ANY_STATUS,
    NOW_FIGURES,
    SCOPE_LABELS,
    SCOPES,
    SORTS,
    ServiceFilter,
    choose_scope,
    filtered_and_sorted,
    headline_counts,
    other_channels_columns,
    scope_column,
)
from dashboard.domain.settling import settling_note
from dashboard.domain.table_sort import SortChoice
from dashboard.domain.unusual_failures import UNUSUAL_MEANING
from dashboard.domain.window_words import describe_window
from dashboard.loaders.all_services import AllServices, load_all_services
from dashboard.loaders.sections import Failed

MAX_DAYS = 90


def comparison_columns(scope: str) -> dict[str, Any]:
    """One scope's figures for the window and the window before, headed alike for every
    scope (the caption above the table and each header's help name the channel). Narrow, so
    that nine figures fit beside the name at 1,400 px: a header cut short reads in full in
    its help."""
    words = SCOPE_LABELS[scope].lower()

    def column(figure: str) -> str:
        return scope_column(scope, figure)

    return {
        column("requested"): number_column(
            "Requested", width=70, help=f"Requested in the window, {words}"
        ),
        column("previous_requested"): number_column(
            "Requested before", width=70, help=f"Requested in the window before, {words}"
        ),
        column("requested_change"): st.column_config.TextColumn(
            "Change",
            width=100,
            help=f"Requested, against the window of the same length before, {words}",
        ),
        column("delivered"): number_column(
            "Delivered", width=70, help=f"Delivered in the window, {words}"
        ),
        column("previous_delivered"): number_column(
            "Delivered before", width=70, help=f"Delivered in the window before, {words}"
        ),
        column("failed"): number_column("Failed", width=55, help=f"Failed in the window, {words}"),
        column("previous_failed"): number_column(
            "Failed before", width=55, help=f"Failed in the window before, {words}"
        ),
        column("failure_rate"): st.column_config.NumberColumn(
            "Failure rate", width=60, format="percent", help=f"Failed over requested, {words}"
        ),
        column("previous_failure_rate"): st.column_config.NumberColumn(
            "Failure rate before",
            width=60,
            format="percent",
            help=f"Failed over requested in the window before, {words}",
        ),
    }


def columns(scope: str = ALL_CHANNELS) -> dict[str, Any]:
    """The name pinned and in full, its link, today's figures (all of one channel) side by
    side, then the window's counts and the window before's for every channel and for `scope`.

    They fit a 1,400 px window beside the sidebar; the sector is a filter, and in the CSV.
    """
    return {
        **service_name_columns(width=190, link_width=55),
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
        "unusual_channels": st.column_config.TextColumn(
            "Failure rate unusual",
            width=65,
            help="The channels whose failure rate is unusual for the service: " + UNUSUAL_MEANING,
        ),
        **comparison_columns(ALL_CHANNELS),
        **comparison_columns(scope),
    }


#: The columns of today's daily limits.
LIMIT_VIEW: tuple[str, ...] = (
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
)
#: The two sets of columns a reader can choose between, by their name in the URL: each fits
#: beside the sidebar at 1,400 px (every column is in the CSV, every channel's figures among
#: them).
VIEWS: dict[str, str] = {"limits": "Daily limits today", "window": "Against the window before"}


def window_view(scope: str) -> tuple[str, ...]:
    """The window against the one before for one scope: requested, delivered, failed and
    failure rate, each beside the same figure before, the change in words, and the channels
    whose failure rate is unusual."""
    figures = (
        "requested",
        "previous_requested",
        "requested_change",
        "delivered",
        "previous_delivered",
        "failed",
        "previous_failed",
        "failure_rate",
        "previous_failure_rate",
    )
    return (
        "name",
        "link",
        *(scope_column(scope, figure) for figure in figures),
        "unusual_channels",
    )


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


def _choose_view() -> str:
    """The set of columns shown, kept in the URL (`?columns=window`)."""
    names = list(VIEWS)
    start_from_url("services_view", "columns", names, names[0])
    chosen: str = st.sidebar.radio(
        "Columns",
        names,
        format_func=VIEWS.__getitem__,
        help="Today's daily limits, or the window against the one before it with unusual "
        "failure rates; the CSV has every column.",
        key="services_view",
    )
    keep_in_url("columns", chosen, names[0])
    return chosen


def _choose_scope(view: str) -> str:
    """Whose figures the window is compared for, every channel or one, kept in the URL
    (`?channel=sms`); a value that names no channel says so and shows every channel."""
    if "services_channel" not in st.session_state:
        scope, message = choose_scope(st.query_params.get("channel"))
        st.session_state["services_channel"] = scope
        if message:
            st.warning(plain(message))
    chosen: str = st.sidebar.radio(
        "Channel compared",
        SCOPES,
        format_func=SCOPE_LABELS.__getitem__,
        disabled=view != "window",
        help="The channel whose figures the window against the one before shows (with "
        "Columns: Against the window before); the CSV has every channel's.",
        key="services_channel",
    )
    keep_in_url("channel", chosen, ALL_CHANNELS)
    return chosen


def _scoped_sort(order: SortChoice, scope: str) -> SortChoice:
    """The sort on the chosen channel's figure when it has one (requested, failure rate)."""
    if order.column in NOW_FIGURES:
        return replace(order, column=scope_column(scope, order.column))
    return order


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
    view = _choose_view()
    picked = _choose_scope(view)
    scope = picked if view == "window" else ALL_CHANNELS
    order = _scoped_sort(order, scope)
    shown = filtered_and_sorted(result.table, chosen, order)
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
    if view == "window" and scope != ALL_CHANNELS:
        st.caption(
            f"Against the window before: {SCOPE_LABELS[scope].lower()} only (and so are "
            "the sorts by requested and by failure rate)."
        )
    configs = columns(scope)
    shown_columns = window_view(scope) if view == "window" else LIMIT_VIEW
    rows = one_page(shown, "services", (chosen, order))
    left_out = other_channels_columns(scope)
    table_with_csv(
        rows[[name for name in rows.columns if name not in left_out]],
        column_settings({name: configs[name] for name in shown_columns}, shown),
        shown,
        f"notify-services-{result.end:%Y-%m-%d}-{result.days}-days.csv",
        "Download CSV",
        row_height=WRAPPED_ROW_HEIGHT,
        leave_out=("link",),
    )
    caption_freshness(section.freshness)


render()
