"""How every page's tables read: one pair of service-name and link columns, one format for
counts, a height that shows enough rows to use the page, and long tables a page at a time.

Every page configures its tables from here, so a name column or a count reads the same on
the Overview, All services, Allowances and the Service page.
"""

from collections.abc import Hashable, Mapping
from typing import Any

import pandas as pd
import streamlit as st

from dashboard.app_pages.url_state import keep_in_url, start_from_url
from dashboard.domain.paging import DEFAULT_PAGE_SIZE, PAGE_SIZES, page_of

#: How tables' numbers read, formatted by the browser (a pandas Styler would format and colour
#: every cell on the server on every run, and stops working past pandas' cell limit): whole
#: numbers with the reader's thousands separator ("2,535,175").
COUNT_FORMAT = "localized"
#: Streamlit wraps text in a cell only in rows taller than 4rem (64 px): 65 px gives a name
#: three lines, so names up to about 100 characters read in full in a 280 px column.
WRAPPED_ROW_HEIGHT = 65
#: Four lines a name: the longest names (about 110 characters) in full in a 200 px column, for
#: a table whose figures leave its name no more room (Allowances' services).
FOUR_LINE_ROW_HEIGHT = 85
ROW_HEIGHT = 35
HEADER_HEIGHT = 38
#: Enough rows to work with in a window about 900 px tall; the rest scroll inside the table.
MOST_ROWS_SHOWN = 14


def service_name_columns(width: int = 280, link_width: int = 90) -> dict[str, Any]:
    """The service's full name, pinned and wrapped (with `WRAPPED_ROW_HEIGHT`), and beside it
    a link to its Service page: a link cell cannot wrap, so a long name in one was cut."""
    return {
        "name": st.column_config.TextColumn("Service", width=width, pinned=True),
        "link": st.column_config.LinkColumn(
            "Service page",
            display_text="Open",
            width=link_width,
            help="Open the service's own page, for the same window",
        ),
    }


def number_column(label: str, **options: Any) -> Any:
    """A column of whole numbers, thousands separated, formatted by the browser (`format=` to
    read it otherwise: "percent", "%.1f ms")."""
    return st.column_config.NumberColumn(label, **{"format": COUNT_FORMAT, **options})


def count_columns_of(frame: pd.DataFrame, width: int | None = None) -> dict[str, Any]:
    """A count column for every whole-number column of a frame, keeping its header."""
    return {
        str(name): number_column(str(name), width=width)
        for name, dtype in frame.dtypes.items()
        if pd.api.types.is_integer_dtype(dtype)
    }


def table_height(rows: int, row_height: int = ROW_HEIGHT, most: int = MOST_ROWS_SHOWN) -> int:
    """Pixels for a table that shows all its rows up to `most`, and scrolls beyond."""
    return HEADER_HEIGHT + row_height * max(1, min(rows, most)) + 3


def column_settings(columns: Mapping[str, Any], frame: pd.DataFrame) -> dict[str, Any]:
    """The columns of `columns` that the frame has, in their order."""
    return {name: config for name, config in columns.items() if name in frame}


def _turn_page(key: str, step: int) -> None:
    st.session_state[key] = int(st.session_state[key]) + step


def one_page(
    frame: pd.DataFrame, key: str, view: Hashable, one: str = "service", many: str = "services"
) -> pd.DataFrame:
    """The rows of the page the reader is on, under "Showing 101–200 of 1,987 services",
    Previous and Next and the page size: a rerun sends these rows, not all of them.

    `frame` is already filtered and sorted, so the count and the order are every row's (and
    the CSV, built from the whole frame, holds every row). The page and its size are in the
    URL (`?page=2&rows=100`) with the page's other filters, so a reload or a shared link opens
    the same rows; `view` is what the filters and the sort chose, and when it changes the
    reader is back on page 1. A page past the end (a link kept from a longer list) shows the
    last page and says so.
    """
    sizes = [str(size) for size in PAGE_SIZES]
    rows_key, page_key, view_key = f"{key}_rows", f"{key}_page", f"{key}_paged_view"
    start_from_url(rows_key, "rows", sizes, str(DEFAULT_PAGE_SIZE))
    if page_key not in st.session_state:
        st.session_state[page_key] = st.query_params.get("page", "1")
    words, previous, following, chooser = st.columns([5, 2, 2, 2], vertical_alignment="bottom")
    size = int(chooser.selectbox("Rows per page", sizes, key=rows_key))
    seen = (view, size)
    if st.session_state.get(view_key, seen) != seen:
        st.session_state[page_key] = 1
    st.session_state[view_key] = seen
    page = page_of(len(frame.index), size, st.session_state[page_key], many)
    st.session_state[page_key] = page.number
    keep_in_url("page", str(page.number), "1")
    keep_in_url("rows", str(size), str(DEFAULT_PAGE_SIZE))
    words.caption(f"{page.words(one, many)} · page {page.number:,} of {page.pages:,}")
    previous.button(
        "Previous page",
        disabled=not page.has_previous,
        on_click=_turn_page,
        args=(page_key, -1),
        key=f"{key}_previous",
        width="stretch",
    )
    following.button(
        "Next page",
        disabled=not page.has_next,
        on_click=_turn_page,
        args=(page_key, 1),
        key=f"{key}_next",
        width="stretch",
    )
    if page.message:
        st.info(page.message, icon="ℹ️")
    return frame.iloc[page.start : page.stop]
