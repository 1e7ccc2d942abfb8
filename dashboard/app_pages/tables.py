"""How every page's tables read: one pair of service-name and link columns, one format for
counts, and a height that shows enough rows to use the page.

Every page configures its tables from here, so a name column or a count reads the same on
the Overview, All services, Allowances and the Service page.
"""

from collections.abc import Mapping
from typing import Any

import pandas as pd
import streamlit as st

#: How tables' numbers read, formatted by the browser (a pandas Styler would format and colour
#: every cell on the server on every run, and stops working past pandas' cell limit): whole
#: numbers with the reader's thousands separator ("2,535,175").
COUNT_FORMAT = "localized"
#: Streamlit wraps text in a cell only in rows taller than 4rem (64 px): 65 px gives a name
#: three lines, so names up to about 100 characters read in full in a 280 px column.
WRAPPED_ROW_HEIGHT = 65
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
