"""What pages share: the reader's access, the runtime, the carried view, freshness captions."""

from collections.abc import Mapping, Sequence
from functools import partial
from typing import Any

import pandas as pd
import pyarrow as pa
import streamlit as st

from dashboard.app_pages.plain_text import plain
from dashboard.app_pages.tables import ROW_HEIGHT, table_height
from dashboard.domain import access
from dashboard.domain.csv_cells import csv_bytes
from dashboard.domain.excluded import Excluded, exclusion_note
from dashboard.domain.financial_year import financial_year_label, financial_years
from dashboard.domain.year_choice import choose_financial_year
from dashboard.loaders.freshness import Freshness
from dashboard.runtime import Runtime, shared_runtime
from dashboard.settings import load_settings

# Query parameters that describe the view, carried from page to page in the session.
CARRIED_PARAMETERS = ("service_id", "days")


def sign_in_configured() -> bool:
    """Whether Streamlit's secrets have an `[auth]` section: what `st.login` signs in with."""
    try:
        return "auth" in st.secrets
    except FileNotFoundError:  # no secrets file, or one Streamlit cannot read
        return False


def reader_access() -> access.Access:
    """This session's reader against the access rules; reads no API and no Redis."""
    return access.decide_access(
        sign_in_configured=sign_in_configured(),
        listen_address=st.get_option("server.address"),
        user=st.user.to_dict(),
        allowed_domains=load_settings().allowed_email_domains,
    )


def may_change_cache() -> bool:
    """Whether this reader may empty cache keys (`CACHE_ADMINS`, or anyone when open)."""
    return access.may_change_cache(reader_access(), load_settings().cache_admins)


def runtime() -> Runtime:
    """One Redis connection and one set of clients per server process, shared by every session
    and kept outside Streamlit's caches, which any client can clear (`dashboard/runtime.py`)."""
    return shared_runtime()


def carry_view() -> None:
    """Keep the service and window when the reader moves between pages (Streamlit clears them)."""
    for name in CARRIED_PARAMETERS:
        if name in st.query_params:
            st.session_state[f"carried_{name}"] = st.query_params[name]
        elif f"carried_{name}" in st.session_state:
            st.query_params[name] = st.session_state[f"carried_{name}"]


def remember(name: str, value: object) -> None:
    """Put a choice in the URL (so a link reopens the view) and in the session."""
    st.query_params[name] = str(value)
    st.session_state[f"carried_{name}"] = str(value)


def _days_changed(changed: str, other: str) -> None:
    """Keep the slider and the number in step, and the URL with them."""
    st.session_state[other] = st.session_state[changed]
    remember("days", st.session_state[changed])


def days_in_sidebar(key: str, maximum: int, days: int, help: str) -> None:
    """The days as a slider and, beneath it, a number input kept in step with it and with
    `?days=`: a slider cannot be moved from the keyboard in every browser, a number can be
    typed (or stepped with the arrow keys) in all of them."""
    slider, number = f"{key}_slider", f"{key}_number"
    st.session_state[slider] = st.session_state[number] = days
    st.sidebar.slider(
        "Days", 1, maximum, key=slider, on_change=_days_changed, args=(slider, number), help=help
    )
    st.sidebar.number_input(
        "Days, as a number",
        min_value=1,
        max_value=maximum,
        step=1,
        key=number,
        on_change=_days_changed,
        args=(number, slider),
        help=f"The same as the slider above: type a number from 1 to {maximum}.",
    )


def caption_freshness(freshness: Freshness | None) -> None:
    """One short line per section; how long it took and how many answers it read on hover."""
    if freshness is not None and freshness.lookups:
        answers = "1 answer" if freshness.lookups == 1 else f"{freshness.lookups:,} answers"
        st.caption(
            freshness.summary,
            help=f"{answers} read in {freshness.milliseconds:,.0f} ms",
        )


def show_cache_warning() -> None:
    """Say once, at the top, when the dashboard runs without its cache."""
    connection = runtime().redis
    if connection.warning:
        st.warning(connection.warning, icon="⚠️")


def pounds(amount: float) -> str:
    return f"£{amount:,.2f}"


def percent(fraction: float) -> str:
    return f"{fraction:.1%}"


def _csv_without(data: pd.DataFrame, leave_out: tuple[str, ...]) -> bytes:
    return csv_bytes(data.drop(columns=list(leave_out)) if leave_out else data)


def sized_table(
    shown: pd.DataFrame | pa.Table,
    column_config: Mapping[str, Any],
    row_height: int = ROW_HEIGHT,
    select_key: str | None = None,
) -> None:
    """A table as tall as its rows, up to `tables.MOST_ROWS_SHOWN`, and scrolling beyond, so
    no page has a short box above empty space; only the columns `column_config` names, in its
    order. With `select_key`, the reader can choose one row (see `table_with_csv`)."""
    selection: dict[str, Any] = (
        {}
        if select_key is None
        else {"key": select_key, "on_select": "rerun", "selection_mode": "single-row"}
    )
    st.dataframe(
        shown,
        hide_index=True,
        width="stretch",
        height=table_height(len(shown), row_height),
        row_height=row_height,
        column_config=column_config,
        column_order=list(column_config),
        **selection,
    )


def table_with_csv(
    shown: pd.DataFrame | pa.Table,
    column_config: Mapping[str, Any],
    data: pd.DataFrame,
    file_name: str,
    button: str,
    row_height: int = ROW_HEIGHT,
    select_key: str | None = None,
    leave_out: Sequence[str] = (),
) -> None:
    """A table as read on screen, and every row and column of its data as CSV beneath it
    (but the columns named in `leave_out`, dropped only when the CSV is built).

    With `select_key`, the reader can choose one row (a rerun follows; the choice is
    `st.session_state[select_key]["selection"]["rows"]`, positions in `shown`).

    `column_config` gives each shown column its label and width; columns it does not name are
    not shown (their data is still in the CSV). The table is as tall as its rows, up to
    `tables.MOST_ROWS_SHOWN`, and scrolls beyond. `shown` may be the frame already in Arrow
    (`view_memo.arrow_of`), as Streamlit sends it.
    The CSV is built only when the reader clicks (a callable): until then no file exists
    under Streamlit's `/media` route, which any client can read without signing in. Its cells
    are neutralised (`domain/csv_cells.py`); Streamlit's own table download, which writes them
    raw, is off (`client.disableDataExport`).
    """
    sized_table(shown, column_config, row_height, select_key)
    st.download_button(
        button,
        partial(_csv_without, data, tuple(leave_out)),
        file_name=file_name,
        mime="text/csv",
        on_click="ignore",
    )


def show_missing(messages: Sequence[str]) -> None:
    """Say which parts of a page could not be read (the API's own words are plain text)."""
    for message in messages:
        st.warning(plain(message), icon="⚠️")


def show_excluded(excluded: Sequence[Excluded]) -> None:
    """Say that the totals leave services out, and list them with why, as plain text."""
    note = exclusion_note(excluded)
    if note is None:
        return
    st.warning(note, icon="⚠️")
    st.dataframe(
        pd.DataFrame(
            {
                "Service": [item.name for item in excluded],
                "Service id": [item.service_id for item in excluded],
                "Why": [item.reason for item in excluded],
            }
        ),
        hide_index=True,
        width="stretch",
    )


def warn_if_stale(freshness: Freshness) -> None:
    """Say where a section starts, not only in its caption, that the API did not answer and
    these are its last numbers."""
    if freshness.stale_since is not None:
        st.warning(freshness.summary, icon="⏳")


def choose_year_in_sidebar() -> int:
    """The finance pages' financial year: from `?year=` (a year the pages cannot show is said,
    and the latest is shown), chosen in the sidebar, and kept in the URL."""
    years = financial_years()
    choice = choose_financial_year(st.query_params.get("year"), years)
    if choice.message:
        st.warning(plain(choice.message))
    year = st.sidebar.selectbox(
        "Financial year", years, index=years.index(choice.year), format_func=financial_year_label
    )
    st.query_params["year"] = str(year)
    return year
