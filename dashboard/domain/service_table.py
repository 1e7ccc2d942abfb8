"""The All services table: which rows a reader's filters keep, and the counts at its top.

Each row holds one service's state, today's use of its tightest daily limit (the channel,
what it sent today on that channel, that channel's limit and the fraction used: one can be
checked against the others) and its counts for the window.
"""

from dataclasses import dataclass

import pandas as pd

from dashboard.domain.liveness import LIVE
from dashboard.domain.statistics import CHANNEL_LABELS, CHANNELS
from dashboard.domain.table_sort import SortChoice, sort_table

#: What the comparison with the window before is shown for: every channel together, or one.
ALL_CHANNELS = "all"
SCOPES: tuple[str, ...] = (ALL_CHANNELS, *CHANNELS)
SCOPE_LABELS: dict[str, str] = {ALL_CHANNELS: "All channels", **CHANNEL_LABELS}
#: One scope's figures for the window and the window before, and the change in words.
NOW_FIGURES: tuple[str, ...] = ("requested", "delivered", "failed", "failure_rate")
BEFORE_FIGURES: tuple[str, ...] = (
    "previous_requested",
    "previous_delivered",
    "previous_failed",
    "previous_failure_rate",
    "requested_change",
)


def scope_column(scope: str, figure: str) -> str:
    """A figure's column for a scope: "requested" for every channel, "sms_requested" for one."""
    return figure if scope == ALL_CHANNELS else f"{scope}_{figure}"


def choose_scope(requested: str | None) -> tuple[str, str | None]:
    """The scope a `?channel=` value names, and a message when it names none (every channel
    is shown instead, so a shared link never breaks)."""
    if not requested or requested in SCOPES:
        return requested or ALL_CHANNELS, None
    shown = requested if len(requested) <= 40 else requested[:39] + "…"
    return ALL_CHANNELS, (
        f"“{shown}” is not a channel: showing all channels. "
        f"Choose {', '.join(SCOPES[:-1])} or {SCOPES[-1]}."
    )


#: Columns that need today's counts, and those that need the window's.
LIMIT_COLUMNS: tuple[str, ...] = (
    "tightest_channel",
    "sent_today",
    "daily_limit",
    "limit_used",
    "limit_level",
    "limit_state",
    "email_today",
    "sms_today",
    "letter_today",
)
WINDOW_COLUMNS: tuple[str, ...] = (
    "requested",
    "delivered",
    "failed",
    "sending",
    "failure_rate",
    *(scope_column(channel, figure) for channel in CHANNELS for figure in NOW_FIGURES),
)
#: Columns that need the window before (and the earlier ones, for the unusual rule).
EARLIER_COLUMNS: tuple[str, ...] = (
    *(scope_column(scope, figure) for scope in SCOPES for figure in BEFORE_FIGURES),
    "failure_unusual",
    "unusual_channels",
)
ANY_STATUS = "All"
#: How the All services table can be sorted; the first is the page's usual order.
SORTS: tuple[SortChoice, ...] = (
    SortChoice("limit", "Nearest a daily limit today", "limit_used"),
    SortChoice("sent-today", "Most sent today", "sent_today"),
    SortChoice("requested", "Most requested in the window", "requested"),
    SortChoice("failure-rate", "Highest failure rate in the window", "failure_rate"),
    SortChoice("name", "Name, A to Z", "name", descending=False),
)


@dataclass(frozen=True)
class ServiceFilter:
    """What the reader chose: sectors (none for every sector), a status, near a limit, a name."""

    sectors: tuple[str, ...] = ()
    status: str = ANY_STATUS
    near_limit_only: bool = False
    search: str = ""
    unusual_only: bool = False


def filter_services(table: pd.DataFrame, chosen: ServiceFilter) -> pd.DataFrame:
    """The rows the filter keeps, in the table's order; a new frame.

    "Near a limit" keeps services at 80 % of their tightest daily limit or more, and needs
    today's counts; "failure rate unusual" needs the earlier windows: without what they need
    they keep nothing rather than everything.
    """
    mask = pd.Series(True, index=table.index)
    if chosen.sectors:
        mask &= table["sector"].isin(chosen.sectors)
    if chosen.status != ANY_STATUS:
        mask &= table["status"] == chosen.status
    if chosen.near_limit_only:
        if "limit_level" in table:
            mask &= table["limit_level"].isin(("warning", "error"))
        else:
            mask &= False
    if chosen.unusual_only:
        if "failure_unusual" in table:
            mask &= table["failure_unusual"]
        else:
            mask &= False
    search = chosen.search.strip()
    if search:
        found = table["name"].str.contains(search, case=False, regex=False)
        if "service_id" in table:
            found |= table["service_id"].str.lower() == search.lower()
        mask &= found
    return table[mask]


def other_channels_columns(scope: str) -> frozenset[str]:
    """The figures of the channels a view does not show (but each channel's requested, which
    the page always had): a page of rows leaves them out, the CSV keeps them."""
    return frozenset(
        scope_column(channel, figure)
        for channel in CHANNELS
        if channel != scope
        for figure in (*NOW_FIGURES[1:], *BEFORE_FIGURES)
    )


#: The columns the filters read (with the sort's, all a view needs to choose its rows).
FILTER_COLUMNS: tuple[str, ...] = (
    "name",
    "service_id",
    "sector",
    "status",
    "limit_level",
    "failure_unusual",
)


def filtered_and_sorted(
    table: pd.DataFrame, chosen: ServiceFilter, order: SortChoice
) -> pd.DataFrame:
    """The rows the filters keep, in the order chosen, with every column; a new frame.

    Each view runs this over every row: the filters and the sort copy only the columns they
    read, and the whole rows (every channel's figures now and before) are taken once, so a
    wider table costs a view one copy, not three.
    """
    keys = [name for name in dict.fromkeys((*FILTER_COLUMNS, order.column)) if name in table]
    kept = sort_table(filter_services(table[keys], chosen), order)
    return table.loc[kept.index]


def headline_counts(table: pd.DataFrame) -> dict[str, int | None]:
    """Services, live ones (the API's meaning), and those near or at a daily limit today
    (None when today's counts could not be read)."""
    levels = table.get("limit_level")
    return {
        "services": len(table),
        "live": int((table["status"] == LIVE).sum()),
        "near": None if levels is None else int((levels == "warning").sum()),
        "over": None if levels is None else int((levels == "error").sum()),
    }


def nearest_daily_limits(table: pd.DataFrame, count: int) -> pd.DataFrame:
    """The services that have used most of a daily limit today, most first."""
    return table.sort_values("limit_used", ascending=False, kind="stable").head(count)


def biggest_senders(table: pd.DataFrame, count: int) -> pd.DataFrame:
    """The services that asked to send the most messages in the window, most first."""
    return table.sort_values("requested", ascending=False, kind="stable").head(count)


def unusual_failures(table: pd.DataFrame, count: int) -> pd.DataFrame:
    """Services with a failure rate the unusual rule flags, most messages first (none when
    the earlier windows were not read)."""
    if "failure_unusual" not in table:
        return table.head(0)
    flagged = table[table["failure_unusual"]]
    return flagged.sort_values("requested", ascending=False, kind="stable").head(count)
