"""Table columns the finance pages (Allowances, Organisations) share."""

from typing import Any

import streamlit as st

from dashboard.domain.allowance_table import share_words

#: How a share of allowances reads in a styled table (the Styler's text is what shows): past
#: 100 % as the figure and "over", never clipped. The frame, and so its CSV, keeps the number.
SHARE_FORMAT: dict[str, Any] = {"share_used": share_words}


def share_used_column(width: int) -> Any:
    """A sector's fragments used against the sum of its services' allowances: a pooled figure,
    labelled as the sum it is, shown whole past 100 % (format with `SHARE_FORMAT`: a column
    format would be shown instead of the Styler's text). The Overview and the Allowances page
    show it the same way."""
    return st.column_config.NumberColumn(
        "Used of the sum",
        width=width,
        help="Fragments used against the sum of the sector's allowances: a pooled figure, "
        "secondary to the services over and under (one service far over can hide behind "
        "many under). Not clipped: over 100 % says so, with the figure.",
    )


def year_ahead_columns(name: str, label: str, cost: str, ahead: str) -> dict[str, Any]:
    """A group's text cost so far, by 31 March and its 80 % range, and services expected over
    Fits a 1,400 px window beside the sidebar."""
    number = st.column_config.NumberColumn
    return {
        name: st.column_config.TextColumn(label, width=230, pinned=True),
        cost: number("So far (£)", width=115, format="accounting"),
        ahead: number("31 March, expected (£)", width=145, format="accounting"),
        f"{ahead}_low": number("Low, 80 % (£)", width=125, format="accounting"),
        f"{ahead}_high": number("High, 80 % (£)", width=125, format="accounting"),
        "expected_over": number(
            "Services over by then", width=160, help="Services expected over by 31 March"
        ),
    }
