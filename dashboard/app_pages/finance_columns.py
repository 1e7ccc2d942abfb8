"""Table columns the finance pages (Allowances, Organisations) share."""

from typing import Any

import pandas as pd
import streamlit as st

from dashboard.app_pages.shared import sized_table, table_with_csv
from dashboard.app_pages.tables import column_settings, number_column
from dashboard.domain.links import LINK_NAME_PATTERN


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
    """A group's text cost so far, by 31 March and its 80 % range, and services expected over.
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


def year_ahead_fragment_columns(name: str, label: str, used: str) -> dict[str, Any]:
    """A group's text fragments and chargeable fragments so far, and each by 31 March with its
    80 % range (the year ahead's cost is a table of its own): they fit a 1,400 px window beside
    the sidebar."""
    number = number_column
    low = "The low end of the 80 % range by 31 March"
    high = "The high end of the 80 % range by 31 March"
    return {
        name: st.column_config.TextColumn(label, width=170, pinned=True),
        used: number("Fragments so far", width=85),
        "year_end_fragments": number("Fragments, 31 March", width=100),
        "year_end_fragments_low": number("Fragments low", width=80, help=low),
        "year_end_fragments_high": number("Fragments high", width=80, help=high),
        "chargeable": number(
            "Chargeable so far", width=85, help="Fragments beyond each service's own allowance"
        ),
        "year_end_chargeable": number("Chargeable, 31 March", width=100),
        "year_end_chargeable_low": number("Chargeable low", width=80, help=low),
        "year_end_chargeable_high": number("Chargeable high", width=80, help=high),
    }


def year_ahead_tables(
    frame: pd.DataFrame, name: str, label: str, so_far: tuple[str, str], ahead: str, csv: str
) -> None:
    """The year ahead of each sector or organisation as two tables, fragments then text cost
    (one would not fit a 1,400 px window), and one CSV beneath holding both: `so_far` names
    the frame's fragments and text cost so far, `ahead` its year-end text cost, `csv` the
    file's name."""
    used, cost = so_far
    fragments = column_settings(year_ahead_fragment_columns(name, label, used), frame)
    st.caption(
        "Text fragments, and chargeable fragments (beyond each service's own allowance): so far "
        "and by 31 March, expected, with the low and high ends of the 80 % range."
    )
    sized_table(frame, fragments)
    money = year_ahead_columns(name, label, cost, ahead)
    st.caption("Text cost: so far and by 31 March, with its 80 % range. The CSV holds both tables.")
    both = [*fragments, *(column for column in money if column not in fragments)]
    table_with_csv(
        frame, money, frame[both], csv, f"Download the year ahead by {label.lower()} CSV"
    )


def not_live_columns(frame: pd.DataFrame) -> dict[str, Any]:
    """Services with costs that are not live, as both finance pages show them apart (the
    columns the frame has), each name opening its Service page as in the other tables."""
    number = number_column
    return column_settings(
        {
            "link": st.column_config.LinkColumn(
                "Service",
                display_text=LINK_NAME_PATTERN,
                width=210,
                pinned=True,
                help="Opens the service's own page",
            ),
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
