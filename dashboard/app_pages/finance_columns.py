"""Table columns the finance pages (Allowances, Organisations) share."""

from typing import Any

import pandas as pd
import streamlit as st

from dashboard.app_pages.tables import column_settings, number_column


def share_used_column(width: int) -> Any:
    """A sector's fragments used against the sum of its services' allowances (`share_used_words`,
    from `allowance_table.share_words`): a pooled figure, labelled as the sum it is, past
    100 % the figure and "over", never a bar stopped at 100 %. The frame's `share_used`, and so
    the CSV, keeps the number. The Overview and the Allowances page show it the same way."""
    return st.column_config.TextColumn(
        "Used of the sum",
        width=width,
        help="Fragments used against the sum of the sector's allowances: a pooled figure, "
        "secondary to the services over and under (one service far over can hide behind "
        "many under). Not clipped: over 100 % says so, with the figure.",
    )


def year_ahead_columns(name: str, label: str, cost: str, ahead: str) -> dict[str, Any]:
    """A group's text cost so far, by 31 March and its 80 % range, and services expected over
    Fits a 1,400 px window beside the sidebar."""
    number = number_column
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


def not_live_columns(frame: pd.DataFrame) -> dict[str, Any]:
    """Services with costs that are not live, as both finance pages show them apart (the
    columns the frame has: Organisations' has no chargeable fragments)."""
    number = number_column
    return column_settings(
        {
            "name": st.column_config.TextColumn("Service", width=210, pinned=True),
            "status": st.column_config.TextColumn("Status", width=90),
            "total_cost": number("Total cost (£)", width=95, format="accounting"),
            "text_cost": number("Text cost (£)", width=90, format="accounting"),
            "letter_cost": number("Letter cost (£)", width=90, format="accounting"),
            "letters": number("Letters", width=70, format="localized"),
            "chargeable": number("Chargeable", width=85, format="localized"),
            "organisation": st.column_config.TextColumn("Organisation", width=190),
        },
        frame,
    )
