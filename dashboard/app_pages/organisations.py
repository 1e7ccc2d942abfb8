"""Organisations page, for finance: a financial year's texts, letters and costs by organisation,
each organisation's services, and the year ahead with its range."""

from typing import Any

import pandas as pd
import streamlit as st

from dashboard.app_pages import chart_specs, platform_charts
from dashboard.app_pages.finance_columns import not_live_columns, year_ahead_tables
from dashboard.app_pages.plain_text import plain
from dashboard.app_pages.shared import (
    caption_freshness,
    choose_year_in_sidebar,
    pounds,
    runtime,
    show_cache_warning,
    show_excluded,
    show_missing,
    table_with_csv,
    warn_if_stale,
)
from dashboard.app_pages.tables import ROW_HEIGHT, WRAPPED_ROW_HEIGHT, column_settings
from dashboard.domain.allowance_table import year_notes
from dashboard.domain.financial_year import (
    current_financial_year,
    financial_year_label,
)
from dashboard.domain.forecast import METHOD, group_words
from dashboard.domain.links import LINK_NAME_PATTERN
from dashboard.domain.organisation_finance import (
    DEFAULT_SORT,
    MONEY_NOTE,
    NO_ORGANISATION,
    OrganisationFinance,
    platform_totals,
    search,
    services_of,
    sort_table,
)
from dashboard.loaders.organisations import load_organisations
from dashboard.loaders.sections import Failed

ORDERS = ("Highest first", "Lowest first")
#: The organisations table's row selection, the drop-down that does the same, the organisation
#: chosen (None for none yet: the first row's), and the rows and organisation the last run showed.
ROW_KEY, CHOICE_KEY = "organisation_row", "organisation_choice"
CHOSEN_KEY, SHOWN_KEY = "organisation_chosen", "organisation_shown"
#: Organisations drawn in the year-end chart: the first ones in the table's order.
CHARTED = 15


def organisation_columns() -> dict[str, Any]:
    """The name pinned, the money beside it, then texts and letters: they fit a 1,400 px window
    beside the sidebar (the year ahead is a table of its own)."""
    number = st.column_config.NumberColumn
    return {
        "organisation": st.column_config.TextColumn("Organisation", width=160, pinned=True),
        "total_cost": number("Total cost (£)", width=90, format="accounting"),
        "text_cost": number("Text cost (£)", width=85, format="accounting"),
        "letter_cost": number("Letter cost (£)", width=85, format="accounting"),
        "services": number("Services", width=60),
        "services_over": number(
            "Over", width=45, help="Services that used more than their own free allowance"
        ),
        "fragments": number("Text fragments", width=85, format="localized"),
        "free_used": number("Free allowance used", width=90, format="localized"),
        "chargeable": number("Chargeable", width=80, format="localized"),
        "letters": number("Letters", width=60, format="localized"),
        "letter_sheets": number("Letter sheets", width=65, format="localized"),
    }


def service_columns(forecast: bool) -> dict[str, Any]:
    """An organisation's services, each name opening its Service page; the CSV has the rest
    (free allowance used, the year-end range, billing details)."""
    number = st.column_config.NumberColumn
    columns = {
        "link": st.column_config.LinkColumn(
            "Service", display_text=LINK_NAME_PATTERN, width=170, pinned=True
        ),
        "total_cost": number("Total cost (£)", width=90, format="accounting"),
        "text_cost": number("Text cost (£)", width=85, format="accounting"),
        "letter_cost": number("Letter cost (£)", width=85, format="accounting"),
        "allowance": number("Allowance", width=75, format="localized"),
        "fragments": number("Text fragments", width=85, format="localized"),
        "chargeable": number("Chargeable", width=80, format="localized"),
        "letters": number("Letters", width=55, format="localized"),
        "letter_sheets": number("Letter sheets", width=60, format="localized"),
    }
    if forecast:
        columns["year_end_words"] = st.column_config.TextColumn(
            "By 31 March",
            width=150,
            help="When the service is expected to go over its free allowance, and its text "
            "cost by 31 March as the 80 % range, low to high (whole pounds, excluding VAT)",
        )
    return columns


def _from_url(name: str, options: list[str], default: str) -> str:
    """One of `options` from `?name=`, else `default` (a value from the URL may be anything)."""
    value = st.query_params.get(name)
    return value if value in options else default


def _sort_widgets(columns: dict[str, Any]) -> tuple[str, bool]:
    """Sort by any shown column, chosen in the sidebar and kept in the URL."""
    names = list(columns)
    labels = {name: config["label"] for name, config in columns.items()}
    default = DEFAULT_SORT if DEFAULT_SORT in names else names[0]
    chosen = st.sidebar.selectbox(
        "Sort by",
        names,
        index=names.index(_from_url("sort", names, default)),
        format_func=labels.__getitem__,
    )
    order = st.sidebar.radio(
        "Order", ORDERS, index=ORDERS.index(_from_url("order", list(ORDERS), ORDERS[0]))
    )
    st.query_params["sort"] = chosen
    st.query_params["order"] = order
    return chosen, order == ORDERS[0]


def _headline(finance: OrganisationFinance) -> None:
    figures = platform_totals(finance, with_platform=False)
    boxes = st.columns(4)
    boxes[0].metric("Organisations", f"{len(finance.organisations):,}")
    boxes[1].metric(
        "Services over their allowance", f"{int(finance.services['over_allowance'].sum()):,}"
    )
    if finance.has_charges:
        boxes[2].metric("Total cost of texts and letters", pounds(figures["total_cost"]))
        boxes[2].caption(
            f"Texts {pounds(figures['text_cost'])} · letters {pounds(figures['letter_cost'])}, "
            f"of which {pounds(figures['not_live_cost'])} from services that are not live"
        )
    if finance.forecast and finance.has_charges:
        cost = finance.year_end.cost
        boxes[3].metric("Text cost by 31 March, expected", pounds(float(cost.expected)))
        boxes[3].caption(
            f"80 % range {pounds(float(cost.low))} to {pounds(float(cost.high))}; "
            f"{group_words(finance.year_end)}; {finance.year_end.expected_over:,} services over "
            "their allowance by then"
        )


def _selected_row(state: Any) -> int | None:
    """The row position a table's selection state holds, if it holds one (it may be anything a
    session was given)."""
    try:
        rows = state["selection"]["rows"]
    except (KeyError, TypeError):
        return None
    return rows[0] if isinstance(rows, list) and rows and isinstance(rows[0], int) else None


def _choose_organisation(finance: OrganisationFinance, shown: pd.DataFrame) -> str | None:
    """The organisation whose services are listed, and the table's row and the drop-down set
    to it. It is the one last chosen by its row in the table or in the drop-down (each is
    compared with what the last run showed, to tell which the reader changed), first from the
    URL's `?organisation=`, where it is kept; with none chosen, the table's first row. An id in
    the URL that is no organisation's is said, and dropped."""
    known = set(finance.organisations["organisation_id"])
    if CHOSEN_KEY not in st.session_state:
        asked = st.query_params.get("organisation")  # "" is "No organisation"'s own id
        if asked is not None and asked not in known:
            st.warning(
                f"No organisation has the id “{plain(asked[:100])}” in "
                f"{financial_year_label(finance.financial_year)}: the link may be from another "
                "year or mistyped. The first organisation's services are listed below; choose "
                "another by its row in the table.",
                icon="⚠️",
            )
        st.session_state[CHOSEN_KEY] = asked if asked in known else None
    before = st.session_state.get(SHOWN_KEY)
    if before is not None:
        rows, listed = before
        row = _selected_row(st.session_state.get(ROW_KEY))
        picked = st.session_state.get(CHOICE_KEY)
        if row is not None and 0 <= row < len(rows) and rows[row] != listed:
            st.session_state[CHOSEN_KEY] = rows[row]
        elif picked in known and picked != listed:
            st.session_state[CHOSEN_KEY] = picked
    chosen = st.session_state[CHOSEN_KEY] if st.session_state[CHOSEN_KEY] in known else None
    if chosen is not None:
        st.query_params["organisation"] = chosen
    elif "organisation" in st.query_params:
        del st.query_params["organisation"]
    ids = list(shown["organisation_id"])
    listed = chosen if chosen is not None else (ids[0] if ids else None)
    st.session_state[ROW_KEY] = {
        "selection": {"rows": [ids.index(listed)] if listed in ids else [], "columns": []}
    }
    st.session_state[SHOWN_KEY] = (tuple(ids), listed)
    return listed


def _organisation_services(
    finance: OrganisationFinance, organisations: pd.DataFrame, chosen: str | None
) -> None:
    """The services of the organisation chosen, with a drop-down that chooses it from the
    keyboard as its row in the table does."""
    if chosen is None:
        return
    names = dict(
        zip(
            finance.organisations["organisation_id"],
            finance.organisations["organisation"],
            strict=True,
        )
    )
    ids = list(organisations["organisation_id"])
    st.session_state[CHOICE_KEY] = chosen
    st.selectbox(
        "Organisation",
        ids if chosen in ids else [*ids, chosen],
        format_func=names.__getitem__,
        key=CHOICE_KEY,
        help="Its services are listed below, most total cost first. Choosing its row in the "
        "table above does the same.",
    )
    services = services_of(finance, chosen)
    st.subheader(f"Services of {plain(names[chosen])}", anchor=False)
    columns = column_settings(service_columns(finance.forecast), services)
    table_with_csv(
        services,
        columns,
        services.drop(columns=["link"]),
        f"notify-organisation-services-{finance.financial_year}.csv",
        "Download this organisation's services CSV",
        row_height=WRAPPED_ROW_HEIGHT if finance.forecast else ROW_HEIGHT,
    )


def _apart(finance: OrganisationFinance) -> None:
    if not finance.not_live.empty:
        st.subheader("Services with costs that are not live", anchor=False)
        st.caption(
            "Trial or inactive services in the billing report: counted in the platform's total "
            "cost above, not in any organisation's row."
        )
        table_with_csv(
            finance.not_live,
            not_live_columns(finance.not_live),
            finance.not_live.drop(columns=["link"]),
            f"notify-not-live-services-with-costs-{finance.financial_year}.csv",
            "Download not-live services CSV",
        )
    if not finance.platform.empty:
        st.caption(
            "GOV.UK Notify's own service sends the platform's messages: shown here, apart, and "
            "left out of every total and organisation above."
        )
        st.dataframe(
            finance.platform,
            hide_index=True,
            column_config=column_settings(service_columns(False), finance.platform),
            column_order=list(column_settings(service_columns(False), finance.platform)),
        )


def render() -> None:
    show_cache_warning()
    st.title("Organisations")
    year = choose_year_in_sidebar()
    with st.spinner("Reading texts, letters and charges…"):
        section = load_organisations(runtime().context, year)
    if isinstance(section, Failed):
        st.error(plain(section.message))
        caption_freshness(section.freshness)
        return
    finance = section.value.finance
    warn_if_stale(section.freshness)
    show_missing(section.value.missing)
    for note in year_notes(year, finance.has_data, len(finance.not_live), current_financial_year()):
        st.info(note, icon="ℹ️")
    if not finance.has_data:
        caption_freshness(section.freshness)
        return
    st.header(f"By organisation, {financial_year_label(year)}", anchor=False)
    st.caption(MONEY_NOTE + f" Services with no organisation are one row, “{NO_ORGANISATION}”.")
    if finance.forecast and year == current_financial_year():
        st.caption(METHOD)
    _headline(finance)
    show_excluded(finance.excluded)
    columns = column_settings(organisation_columns(), finance.organisations)
    column, descending = _sort_widgets(columns)
    words = st.text_input("Search organisations", value=st.query_params.get("search", ""))
    st.query_params["search"] = words
    shown = sort_table(search(finance.organisations, words, "organisation"), column, descending)
    chosen = _choose_organisation(finance, shown)
    st.caption(
        "Choose an organisation's row (the box at its left) to list its services below the "
        "year ahead; the link then opens the same organisation."
    )
    table_with_csv(
        shown,
        columns,
        shown,
        f"notify-organisations-{year}.csv",
        "Download organisations CSV",
        select_key=ROW_KEY,
    )
    if finance.forecast and finance.has_charges and year == current_financial_year():
        top = shown.head(CHARTED)
        st.caption(
            f"The {len(top)} organisations first in the table: text cost so far (the bar) and "
            "by 31 March, the months not yet happened drawn as the 80 % range (the line) "
            "around its expected value (the tick). The table gives the same figures."
        )
        chart_specs.draw(
            platform_charts.year_end_range,
            top,
            "organisation",
            "text_cost",
            "year_end_text_cost",
            width="stretch",
        )
        st.subheader("The year ahead by organisation", anchor=False)
        year_ahead_tables(
            shown,
            "organisation",
            "Organisation",
            ("fragments", "text_cost"),
            "year_end_text_cost",
            f"notify-year-ahead-by-organisation-{year}.csv",
        )
    _organisation_services(finance, shown, chosen)
    _apart(finance)
    caption_freshness(section.freshness)


render()
