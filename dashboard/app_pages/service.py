"""Service page: one service's window of counts, daily limits, text allowance and this year by
month. It lays out what the loaders give; the allowance month by month, the slowest call of
all, fills its placeholder after everything else is drawn."""

from collections.abc import Hashable
from functools import partial
from typing import Any

import pandas as pd
import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from dashboard.app_pages import chart_specs, charts
from dashboard.app_pages.plain_text import plain
from dashboard.app_pages.shared import (
    caption_freshness,
    carry_view,
    days_in_sidebar,
    percent,
    pounds,
    remember,
    runtime,
    show_cache_warning,
    table_with_csv,
)
from dashboard.app_pages.tables import count_columns_of, number_column
from dashboard.app_pages.view_memo import arrow_of, once
from dashboard.domain.allowance_projection import AllowanceByMonth
from dashboard.domain.comparison import rate_change_line
from dashboard.domain.failure_causes import FAILED_DEFINITION
from dashboard.domain.financial_year import london_today
from dashboard.domain.service_search import find_services
from dashboard.loaders.allowance_by_month import load_allowance_by_month
from dashboard.loaders.context import LoaderContext
from dashboard.loaders.freshness import Freshness, combined
from dashboard.loaders.sections import Failed, Ready
from dashboard.loaders.service_page import (
    Allowance,
    NotAServiceId,
    ServicePage,
    ServiceSummary,
    Window,
    YearByMonth,
    forget_service,
    load_service_choices,
    load_service_page,
)
from dashboard.loaders.service_trend import load_service_trend

#: Each count of the month-by-month table: wide enough for "2,535,175", narrow enough for the
#: month and nine counts to fit the page's column at 1,400 px.
MONTH_TABLE_COUNT_WIDTH = 84
#: A limit nearly used up warns, one used up is an error: each with an icon as well as a colour.
LEVEL_MESSAGES = {
    "warning": partial(st.warning, icon=":material/warning:"),
    "error": partial(st.error, icon=":material/block:"),
}


def _on_service_change() -> None:
    remember("service_id", st.session_state["service_picker"])


def picker_label(service_id: str, name: str | None) -> str:
    """A service as the picker lists it: its name, then its id, so that typing either (or
    pasting the id from a log or the admin's address bar) finds it."""
    return service_id if name is None else f"{name} · {service_id}"


def _pick_service(choices: dict[str, str], current: str | None) -> None:
    """A search box that narrows the services, then the picker of those it finds: at most
    `PICKER_MOST` options are sent, whatever the number of services (the chosen one is
    in the URL, `?service_id=`)."""
    text = st.sidebar.text_input(
        "Find a service",
        key="service_find",
        placeholder="Part of a name, or an id",
        help="Narrows the list below to the services whose name or id holds these characters",
    )
    found = find_services(choices, text, current)
    options = list(found.ids)
    st.sidebar.selectbox(
        "Service",
        options=options,
        format_func=lambda service_id: picker_label(service_id, choices.get(service_id)),
        index=options.index(current) if current in options else None,
        placeholder="Type a name or paste an id",
        filter_mode="contains",
        key="service_picker",
        on_change=_on_service_change,
    )
    note = found.note(text)
    if note is not None:
        st.sidebar.caption(note)


def _refresh(context: LoaderContext, service_id: str) -> None:
    st.sidebar.button(
        "Refresh",
        help="Empty this service's cache and read it again",
        on_click=forget_service,
        args=(context.clients, service_id),
    )


def _days_choice(window: Window) -> None:
    if window.days.maximum <= 1:
        st.sidebar.caption("This service keeps notifications for 1 day: showing today.")
        return
    days_in_sidebar(
        "days",
        window.days.maximum,
        window.days.days,
        "Today and this many days before it, as far back as the service keeps data.",
    )


def _counts(page: ServicePage) -> None:
    st.subheader(page.window.heading, anchor=False)
    match page.counts:
        case Failed(message=message):
            st.error(plain(message))
        case Ready(value=counts, freshness=freshness):
            rows = once(_channel_rows, counts.by_channel)
            unused = [row["label"].lower() for row in rows if row["requested"] == 0]
            for row in rows:
                if row["requested"] == 0:
                    continue
                label = row["label"]
                columns = st.columns(5)
                columns[0].metric(f"{label} requested", f"{row['requested']:,}")
                columns[1].metric(f"{label} delivered", f"{row['delivered']:,}")
                columns[2].metric(f"{label} failed", f"{row['failed']:,}")
                columns[3].metric(f"{label} sending", f"{row['sending']:,}")
                columns[4].metric(f"{label} failure rate", percent(row["failure_rate"]))
            if unused:
                st.markdown(f"No {' or '.join(unused)} in this window.")
            st.caption(
                "The figures above as a chart: each channel's messages by status, delivered "
                "solid, sending pale with a dashed outline, failed with a dotted outline."
            )
            chart_specs.draw(charts.counts_by_channel, counts.by_status, width="stretch")
            caption_freshness(freshness)


def _channel_rows(by_channel: pd.DataFrame) -> list[dict[Hashable, Any]]:
    return by_channel.to_dict("records")


def _comparison(page: ServicePage) -> None:
    match page.comparison:
        case Failed(message=message):
            st.subheader("Compared with the window before", anchor=False)
            st.error(plain(message))
        case Ready(value=comparison, freshness=freshness):
            st.subheader(f"Compared with {comparison.previous_words}", anchor=False)
            for item in comparison.unusual():
                st.warning(
                    f"{item.label}: failure rate unusual, {item.verdict.reason}",
                    icon=":material/warning:",
                )
            if not comparison.table.empty:
                st.dataframe(
                    comparison.table,
                    hide_index=True,
                    column_config={  # widths that fit the page's column at 1,400 px
                        "Channel": st.column_config.TextColumn(width=80),
                        "Requested": number_column("Requested", width=80),
                        "Requested before": number_column("Requested before", width=80),
                        "Requested: change": st.column_config.TextColumn(width=125),
                        "Delivered": number_column("Delivered", width=80),
                        "Delivered before": number_column("Delivered before", width=80),
                        "Failed": number_column("Failed", width=65),
                        "Failed before": number_column("Failed before", width=75),
                        "Failure rate": number_column("Failure rate", width=75, format="percent"),
                        "Failure rate before": number_column(
                            "Failure rate before", width=75, format="percent"
                        ),
                        "Failure rate unusual": st.column_config.TextColumn(width=110),
                    },
                )
            rate_changes = rate_change_line(comparison.items)
            if rate_changes:
                st.markdown(rate_changes)
            if comparison.unused:
                st.markdown(comparison.unused)
            st.caption(f"{comparison.meaning} {FAILED_DEFINITION}")
            if comparison.settling:
                st.caption(comparison.settling)
            caption_freshness(freshness)


def _day_by_day(slot: DeltaGenerator, context: LoaderContext, page: ServicePage) -> None:
    with slot.container():
        st.subheader(f"Day by day: {page.window.heading}", anchor=False)
        with st.spinner("Reading the days…"):
            section = load_service_trend(
                context, page.service_id, page.window.days.days, london_today()
            )
        match section:
            case Failed(message=message):
                st.error(plain(message))
            case Ready(value=trend, freshness=freshness):
                if trend.days.empty:
                    st.markdown("Nothing was sent on these days.")
                else:
                    st.caption(
                        "Requested (top) and failed (bottom) each day, a line per channel with "
                        "its own colour and dash; today's point is hollow because the day is "
                        "still in progress. The figures are also a table below the chart."
                    )
                    chart_specs.draw(charts.day_by_day, trend.days, width="stretch")
                    with st.expander("Day by day as a table"):
                        st.dataframe(arrow_of(trend.table), hide_index=True)
                if trend.settling:
                    st.caption(trend.settling)
                caption_freshness(freshness)


def _templates(page: ServicePage) -> None:
    match page.templates:
        case Failed(message=message):
            st.subheader("Templates", anchor=False)
            st.error(plain(message))
        case Ready(value=templates, freshness=freshness):
            st.subheader(f"Templates: {templates.heading}", anchor=False)
            if templates.note:
                st.info(templates.note)
            if templates.table.empty:
                st.markdown("No template was used over these days.")
            else:
                table_with_csv(
                    arrow_of(templates.table),
                    {
                        "Template": st.column_config.TextColumn("Template", width=260),
                        "Channel": st.column_config.TextColumn("Channel"),
                        "Requested": st.column_config.NumberColumn(format="localized"),
                        "Delivered": st.column_config.NumberColumn(format="localized"),
                        "Failed": st.column_config.NumberColumn(format="localized"),
                        "Failure rate": st.column_config.NumberColumn(format="percent"),
                    },
                    templates.table,
                    f"notify-{page.service_id}-templates-{templates.days}-days.csv",
                    "Download the templates as CSV",
                )
            st.markdown("**Failures by cause**, over the same days, and who can act on each:")
            if templates.causes.empty:
                st.markdown("Nothing failed over these days.")
            else:
                _causes_table(templates.causes)
            caption_freshness(freshness)


def _causes_table(causes: pd.DataFrame) -> None:
    """Failures by cause as a plain table: screen readers read it row by row."""
    # Its index, the channel, is shown (said, or Streamlit turns the Arrow back into a frame to
    # see whether the index is a plain count).
    st.table(arrow_of(once(_causes_shown, causes)), hide_index=False)


def _causes_shown(causes: pd.DataFrame) -> pd.DataFrame:
    return causes.assign(
        **{
            "Failed": causes["Failed"].map("{:,}".format),
            "Share of failed": causes["Share of failed"].map(percent),
        }
    ).set_index("Channel")


def _template_months(page: ServicePage) -> None:
    match page.template_months:
        case Failed(message=message):
            st.subheader("This year by template", anchor=False)
            st.error(plain(message))
        case Ready(value=months, freshness=freshness):
            st.subheader(f"This year by template and month, {months.year_label}", anchor=False)
            if months.table.empty:
                st.markdown("No template was used this financial year.")
            else:
                # A whole financial year fits the page's column at 1,400 px: each month headed
                # by its short name (the year is in the heading, and on hover), the name pinned.
                months_shown = {
                    column: number_column(column.split()[0], width=52, help=column)
                    for column in months.table.columns[2:-1]
                }
                table_with_csv(
                    arrow_of(months.table),
                    {
                        "Template": st.column_config.TextColumn("Template", width=170, pinned=True),
                        "Channel": st.column_config.TextColumn("Channel", width=65),
                        **months_shown,
                        "Total": number_column("Total", width=75),
                    },
                    months.table,
                    f"notify-{page.service_id}-templates-{months.financial_year}-by-month.csv",
                    "Download this year by template as CSV",
                )
            caption_freshness(freshness)


def _limits(page: ServicePage, summary: ServiceSummary) -> None:
    st.subheader("Daily limits today", anchor=False)
    if summary.trial_notice:
        st.info(summary.trial_notice)
    match page.limits:
        case Failed(message=message):
            st.error(plain(message))
        case Ready(value=bars, freshness=freshness):
            for bar in bars:
                st.progress(bar.fill, text=bar.text)
                if bar.warning:
                    LEVEL_MESSAGES[bar.level](bar.warning)
            caption_freshness(freshness)


def _allowance(page: ServicePage) -> tuple[DeltaGenerator, Allowance, Freshness] | None:
    """The allowance's figures, and the placeholder its months will fill with the section's
    freshness line (None if it failed)."""
    match page.allowance:
        case Failed(message=message):
            st.subheader("Free text message allowance", anchor=False)
            st.error(plain(message))
            return None
        case Ready(value=allowance, freshness=freshness):
            totals = allowance.totals
            st.subheader(f"Free text message allowance, {allowance.year_label}", anchor=False)
            st.write(
                f"**Sector:** {allowance.sector}. The sector's default allowance this year is "
                f"**{allowance.sector_default:,}** fragments."
            )
            columns = st.columns(3)
            custom = " (custom)" if allowance.is_custom else ""
            columns[0].metric(f"Allowance{custom}", f"{totals.allowance:,}")
            columns[1].metric("Fragments used", f"{totals.used:,}")
            columns[2].metric("Free fragments left", f"{totals.remaining:,}")
            columns = st.columns(3)
            columns[0].metric("Chargeable fragments", f"{totals.chargeable:,}")
            columns[1].metric("Cost beyond the allowance", pounds(float(totals.cost)))
            if allowance.is_custom:
                st.caption(
                    f"This service's allowance differs from its sector's default "
                    f"({allowance.sector_default:,})."
                )
            return st.empty(), allowance, freshness


def _months_table(months: AllowanceByMonth) -> pd.DataFrame:
    """The months sent, then the months ahead as their 80 % range, as a plain HTML table
    (screen readers read it row by row); a month under way has both."""
    sent, ahead = months.sent, months.projected
    names = list(dict.fromkeys([*sent["month"], *ahead["month"]]))
    table = pd.DataFrame(
        {
            "Month": sent["month"],
            "Fragments sent": sent["fragments"].map("{:,}".format),
            "Free": sent["free_used"].map("{:,}".format),
            "Chargeable": sent["chargeable"].map("{:,}".format),
            "Cost": sent["cost"].map(pounds),
        }
    ).set_index("Month")
    to_come = pd.Series(
        [
            f"{expected:,} ({low:,} to {high:,})"
            for expected, low, high in zip(
                ahead["fragments"], ahead["low"], ahead["high"], strict=True
            )
        ],
        index=ahead["month"],
    )
    table = table.reindex(names).fillna("")
    table["Still to come: expected (80 % range)"] = to_come.reindex(names).fillna("")
    return table


def _allowance_by_month(
    slot: DeltaGenerator,
    context: LoaderContext,
    service_id: str,
    allowance: Allowance,
    allowance_freshness: Freshness,
) -> None:
    """The months under the allowance's figures, and the one freshness line of both."""
    with slot.container():
        with st.spinner("Reading the allowance month by month…"):
            section = load_allowance_by_month(context, service_id, allowance)
        match section:
            case Failed(message=message):
                st.error(plain(message))
            case Ready(value=months):
                label, value = months.run_out_words()
                st.metric(label, value)
                st.caption(
                    "Fragments sent each month (blue bars), the running total (orange line) "
                    "and the allowance (red dashed line). Months not yet happened are never "
                    "bars: each is its 80 % range (grey band, its line at the pace so far), and "
                    "the running total ahead is its 80 % range (pale orange band). The months "
                    "are also a table below the chart."
                )
                chart_specs.draw(charts.allowance_by_month, months, width="stretch")
                st.caption(months.pace_note())
                with st.expander("The allowance month by month as a table"):
                    st.table(arrow_of(once(_months_table, months)), hide_index=False)
        caption_freshness(combined(allowance_freshness, section.freshness))


def _year_by_month(page: ServicePage) -> None:
    match page.year_by_month:
        case Failed(message=message):
            st.subheader("This year by month", anchor=False)
            st.error(plain(message))
        case Ready(value=year, freshness=freshness):
            st.subheader(f"This year by month, {year.year_label}", anchor=False)
            st.caption(
                "Each channel's messages month by month: delivered solid, sending pale with a "
                "dashed outline, failed with a dotted outline. The table below gives the figures."
            )
            channels = once(YearByMonth.channels, year)
            for column, (label, monthly) in zip(st.columns(3), channels, strict=True):
                chart_specs.draw(
                    charts.monthly_counts, monthly, label, where=column, width="stretch"
                )
            st.dataframe(
                arrow_of(year.table),
                hide_index=True,
                column_config=count_columns_of(year.table, width=MONTH_TABLE_COUNT_WIDTH),
            )
            if not year.causes.empty:
                with st.expander("This year's failures by cause, and who can act on each"):
                    _causes_table(year.causes)
            caption_freshness(freshness)


#: Done, not done, and kept where the dashboard does not read (the admin's own page).
CHECKLIST_MARKS = {
    True: ":material/check_circle: Completed:",
    False: ":material/radio_button_unchecked: Incomplete:",
    None: ":material/help: Not read here:",
}


def _checklist(page: ServicePage, summary: ServiceSummary) -> None:
    if not summary.trial_mode:
        return
    st.subheader("Before this service can go live", anchor=False)
    match page.checklist:
        case Failed(message=message):
            st.error(plain(message))
        case Ready(value=items, freshness=freshness):
            for item in items:
                st.markdown(f"{CHECKLIST_MARKS[item.done]} **{item.label}** — {plain(item.detail)}")
            caption_freshness(freshness)


def render() -> None:
    carry_view()
    show_cache_warning()
    context = runtime().context.starting_now()  # one deadline for every read, the picker's too
    st.title("Service", anchor=False)
    requested = st.query_params.get("service_id")
    choices = load_service_choices(context)
    if isinstance(choices, Failed):  # a link to a service still opens it, with Refresh
        st.error(plain(f"The list of services could not be read. {choices.message}"))
    _pick_service(choices.value if isinstance(choices, Ready) else {}, requested)
    if not requested:
        st.info("Choose a service in the sidebar (type to search).")
        return
    page = load_service_page(context, requested, st.query_params.get("days"))
    if isinstance(page, NotAServiceId):
        st.error(plain(page.message))
        return
    _refresh(context, page.service_id)
    if isinstance(page.service, Failed):
        st.error(plain(page.service.message))
        return
    summary = page.service.value
    _days_choice(page.window)
    for note in page.window.notes:
        st.warning(plain(note))
    st.header(plain(summary.name), anchor=False)
    st.markdown(f"**{plain(summary.lead)}**")
    caption_freshness(page.service.freshness)
    _counts(page)
    _comparison(page)
    trend_slot = st.empty()
    _limits(page, summary)
    _templates(page)
    months = _allowance(page)
    _year_by_month(page)
    _template_months(page)
    _checklist(page, summary)
    _day_by_day(trend_slot, context, page)
    if months is not None:
        slot, allowance, freshness = months
        _allowance_by_month(slot, context, page.service_id, allowance, freshness)


render()
