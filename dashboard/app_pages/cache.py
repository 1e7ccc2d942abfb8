"""Cache page, for engineers: how well the Redis cache works, what it holds, and a reset.

Only layout: the numbers, totals and words come from `loaders.cache_insight`.
"""

import os
from typing import Any

import pandas as pd
import streamlit as st

from dashboard.app_pages import cache_charts, chart_specs
from dashboard.app_pages.plain_text import plain
from dashboard.app_pages.shared import (
    may_change_cache,
    runtime,
    show_cache_warning,
)
from dashboard.app_pages.tables import number_column
from dashboard.domain.service_search import find_services
from dashboard.loaders.cache_insight import (
    NO_CENSUS,
    CacheInsight,
    KeysInsight,
    Totals,
    bytes_in_words,
    census_help,
    load_cache_insight,
    load_keys,
    period_words,
    zones_of,
)
from dashboard.loaders.errors import describe_error
from dashboard.loaders.service_page import empty_service_cache, service_choices
from dashboard.runtime import Runtime

#: Hours a line needs: with one, the chart would be a lone dot.
MIN_HOURS = 2


def kind_columns() -> dict[str, Any]:
    """Short headers, each explained on hover, at widths that fit every column of the
    by-kind table in the page's column at 1,400 px; the browser formats each figure (counts
    with thousands, rates as percentages, times in milliseconds, a blank where there is none)."""
    count = number_column
    return {
        "kind": st.column_config.TextColumn("Kind", width=190),
        "lookups": count("Lookups", width=75),
        "hit_rate": count("Hit rate", width=65, format="percent"),
        "hit": count("Hits", width=65),
        "miss": count("Misses", width=65),
        "error": count("Errors", width=55, help="Lookups that failed because Redis did"),
        "corrupt": count("Corrupt", width=60, help="Values that did not decode: a miss"),
        "invalid": count("Invalid", width=60, help="API answers refused by validation"),
        "stale": count("Stale", width=55, help="Last good copies served while the API failed"),
        "hit_ms": count("Mean hit", width=75, format="%.2f ms"),
        "miss_ms": count("Mean miss", width=80, format="%.1f ms"),
        "api_calls_saved": count("Calls saved", width=80, help="API calls saved: the hits"),
    }


def _where_redis_is(app: Runtime) -> str:
    """Which Redis, without the folder it keeps its file in: that path is this machine's own,
    and no reader (nor a screenshot) needs it. `REDIS_DATA_DIR` says where it is."""
    return app.redis.description.replace(f"{app.settings.redis_data_dir}{os.sep}", "")


def _totals(totals: Totals) -> None:
    columns = st.columns(4)
    columns[0].metric("Hit rate", f"{totals.hit_rate:.1%}")
    columns[1].metric("API calls saved", f"{totals.api_calls_saved:,}")
    columns[2].metric("Redis errors", f"{totals.errors:,}")
    columns[3].metric("Corrupt values", f"{totals.corrupt:,}")


def _hit_rates(insight: CacheInsight) -> None:
    by_kind = insight.by_kind
    if insight.totals is not None:
        _totals(insight.totals)
    st.header("Hit rate by kind of data", anchor=False)
    st.caption(
        "Each kind's share of lookups answered from Redis, highest first; the table below the "
        "chart gives every figure."
    )
    chart_specs.draw_figures(cache_charts.hit_rate_by_kind, by_kind, width="stretch")
    st.dataframe(
        by_kind,
        hide_index=True,
        width="stretch",
        column_config=kind_columns(),
        column_order=list(kind_columns()),
    )
    _hit_rate_by_hour(insight.by_hour)
    st.header("Latency: hits against misses", anchor=False)
    st.dataframe(
        insight.latency,
        hide_index=True,
        width="stretch",
        column_config={**kind_columns(), "speed_up": number_column("Speed-up", format="%.0f×")},
    )


def _hit_rate_by_hour(by_hour: pd.DataFrame) -> None:
    """A line over the hours, its figures behind it; one hour alone is a table, not a dot."""
    st.header("Hit rate by hour", anchor=False)
    zones = zones_of(by_hour)
    table = by_hour[["hour_label", "lookups", "hit_rate"]]
    config = {
        "hour_label": f"Hour (London, {zones})",
        "lookups": number_column("Lookups"),
        "hit_rate": number_column("Hit rate", format="percent"),
    }
    if len(by_hour) < MIN_HOURS:
        st.info(
            "Only one hour has lookups in this period: the chart of hit rate by hour needs two "
            "or more. Its figures so far:"
        )
        st.dataframe(table, hide_index=True, column_config=config)
        return
    st.caption(
        f"Each hour's share of lookups answered from Redis, in London time ({zones}); each "
        "point marks one hour."
    )
    chart_specs.draw_figures(
        cache_charts.hit_rate_by_hour,
        by_hour[["london_hour", "hour_label", "lookups", "hit_rate"]],
        zones,
        width="stretch",
    )
    with st.expander("Hit rate by hour as a table"):
        st.dataframe(table, hide_index=True, column_config=config)


def _forget_one_service(app: Runtime) -> None:
    """A search box that narrows the services, then the picker of those it finds: at most
    `PICKER_MOST` options are sent, whatever the number of services, as on the Service page."""
    st.header("Empty one service's keys", anchor=False)
    try:
        choices = service_choices(app.clients)
    except Exception as error:  # the list comes from the API, which may be down
        st.error(describe_error(error, app.settings.api_host_name))
        return
    text = st.text_input(
        "Find a service",
        key="empty_find",
        placeholder="Part of a name, or an id",
        help="Narrows the list below to the services whose name or id holds these characters",
    )
    found = find_services(choices, text)
    service_id = st.selectbox(
        "Service",
        found.ids,
        index=None,
        format_func=lambda chosen: choices.get(chosen, chosen),
        placeholder="Type to search services",
    )
    note = found.note(text)
    if note is not None:
        st.caption(note)
    emptied = st.button("Empty its cache", key="empty_service", disabled=service_id is None)
    if emptied and service_id is not None:
        empty_service_cache(app.clients, service_id)
        st.success(f"Emptied the cache of {plain(choices[service_id])}.")


def _keys(app: Runtime) -> None:
    st.header("Keys and memory by kind", anchor=False)
    max_keys = app.settings.cache_census_max_keys
    count_now = st.button("Count keys", key="count_keys", help=census_help(max_keys))
    keys: KeysInsight = load_keys(app.clients, count_now=count_now, max_keys=max_keys)
    if keys.error:
        st.warning(keys.error)
        return
    columns = st.columns(3)
    columns[0].metric("Keys", f"{keys.keys:,}" if keys.summary else "–")
    columns[1].metric("Memory used", bytes_in_words(keys.memory.get("used_memory")))
    columns[2].metric("Peak memory", bytes_in_words(keys.memory.get("used_memory_peak")))
    if keys.summary is None:
        st.info(NO_CENSUS)
        return
    st.caption(keys.summary)
    st.dataframe(
        keys.census,
        hide_index=True,
        width="stretch",
        column_config={
            "kind": "Kind",
            "keys": number_column("Keys"),
            # Whole bytes, thousands separated, by the browser (`step=1`: no decimals).
            "bytes_per_key": number_column("Bytes per key", step=1),
            "estimated_bytes": number_column("Estimated bytes"),
        },
    )
    st.caption("Bytes per key from MEMORY USAGE on a sample of up to 50 keys of each kind.")


def render() -> None:
    show_cache_warning()
    app = runtime()
    st.title("Cache")
    hours = st.sidebar.select_slider(
        "Period",
        options=[1, 6, 24, 72, 168, 720],
        value=24,
        format_func=period_words,
    )
    insight = load_cache_insight(app.clients, _where_redis_is(app), hours=hours)
    st.caption(f"Redis: {insight.description}")
    if insight.error:
        st.warning(insight.error)
    elif insight.by_kind.empty:
        st.info("No lookups recorded in this period yet: open some pages, or run `make traffic`.")
    else:
        _hit_rates(insight)
    if insight.refreshes is not None:
        st.header("Refreshed before they expired", anchor=False)
        st.markdown(insight.refreshes)  # the loader's own words, no API text
    if insight.error is None:
        _keys(app)
    if not insight.process_counts.empty:
        with st.expander("Lookups by this server process (including while Redis was down)"):
            st.dataframe(insight.process_counts, hide_index=True, width="stretch")
    if may_change_cache():
        _forget_one_service(app)


render()
