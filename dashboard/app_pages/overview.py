"""Overview, the first page: the platform today, who is near a limit, who sends most, and the
year's allowances by sector, without choosing anything; each part links to its page.

A link to `/?service_id=…` (the Service page's address before this page came first) is sent
on to the Service page, so that links shared before still open the same view.
"""

import streamlit as st

from dashboard.app_pages import chart_specs, platform_charts
from dashboard.app_pages.finance_columns import share_used_column
from dashboard.app_pages.plain_text import plain
from dashboard.app_pages.shared import (
    caption_freshness,
    percent,
    runtime,
    show_cache_warning,
    show_excluded,
    show_missing,
    warn_if_stale,
)
from dashboard.app_pages.tables import WRAPPED_ROW_HEIGHT, number_column, service_name_columns
from dashboard.domain.allowance_table import totals
from dashboard.domain.failure_causes import FAILED_DEFINITION
from dashboard.domain.financial_year import financial_year_label, london_today
from dashboard.domain.service_table import (
    biggest_senders,
    nearest_daily_limits,
    unusual_failures,
)
from dashboard.domain.unusual_failures import UNUSUAL_MEANING
from dashboard.domain.window_words import describe_window
from dashboard.loaders.overview import Overview, load_overview
from dashboard.loaders.sections import Failed

SERVICE_PAGE = "app_pages/service.py"
ALL_SERVICES_PAGE = "app_pages/all_services.py"
ALLOWANCES_PAGE = "app_pages/allowances.py"
TOP = 5


def _platform_today(overview: Overview) -> None:
    st.header("Today across the platform", anchor=False)
    section = overview.platform_today
    if isinstance(section, Failed):
        st.error(plain(section.message))
    else:
        today = section.value
        warn_if_stale(section.freshness)
        boxes = st.columns(3)
        for box, row in zip(boxes, today.by_channel.to_dict("records"), strict=True):
            box.metric(f"{row['label']} requested today", f"{row['requested']:,}")
            box.caption(f"{row['failed']:,} failed ({percent(row['failure_rate'])})")
        if today.left_out:
            st.warning(plain(today.left_out))
        if today.causes_missing:
            st.warning(plain(today.causes_missing))
        if today.causes is not None and not today.causes.empty:
            with st.expander("Today's failures by cause, and who can act on each"):
                st.table(
                    today.causes.assign(
                        **{
                            "Failed": today.causes["Failed"].map("{:,}".format),
                            "Share of failed": today.causes["Share of failed"].map(percent),
                        }
                    ).set_index("Channel")
                )
        if today.platform is not None:
            test_keys = ", ".join(
                f"{row['label'].lower()} {row['test_key']:,}"
                for row in today.platform.to_dict("records")
            )
            st.caption(f"Sent with test keys, not counted above: {test_keys}.")
        st.caption(f"{FAILED_DEFINITION} {today.difference}")
    st.page_link(ALL_SERVICES_PAGE, label="Each service's messages today: All services")
    caption_freshness(section.freshness)


def _trend(overview: Overview) -> None:
    st.header("The last 30 days", anchor=False)
    section = overview.trend
    if isinstance(section, Failed):
        st.error(plain(section.message))
        caption_freshness(section.freshness)
        return
    trend = section.value
    warn_if_stale(section.freshness)
    st.caption(
        f"Messages sent each day by channel, {trend.start:%-d %B} to {trend.today:%-d %B %Y} "
        "(billable notifications: what was sent, failed or not). Each channel has its own "
        "colour and dash; today's point is hollow because the day is still in progress. "
        "The figures are also a table below the chart."
    )
    if trend.missing:
        st.warning(plain(trend.missing))
    chart_specs.draw(platform_charts.daily_trend, trend.days, width="stretch")
    if trend.settling:
        st.caption(trend.settling)
    with st.expander("The last 30 days as a table"):
        st.dataframe(
            trend.table,
            hide_index=True,
            column_config={
                label: st.column_config.NumberColumn(format="localized")
                for label in trend.table.columns[1:]
            },
        )
    caption_freshness(section.freshness)


def _unusual(overview: Overview) -> None:
    section = overview.services
    if isinstance(section, Failed):
        return
    result = section.value
    st.header("Failure rate unusual", anchor=False)
    flagged = unusual_failures(result.table, TOP)
    st.caption(f"{describe_window(result.days, result.start, result.end)}. {UNUSUAL_MEANING}")
    if "failure_unusual" not in result.table:
        st.markdown("Not shown: the earlier windows could not be read.")
    elif flagged.empty:
        st.markdown("No service's failure rate is unusual.")
    else:
        unusual = {
            **service_name_columns(),
            "unusual_channels": st.column_config.TextColumn("Channels", width=150),
            "failure_rate": st.column_config.NumberColumn(
                "Failure rate", width=100, format="percent"
            ),
            "previous_failure_rate": st.column_config.NumberColumn(
                "Failure rate before", width=120, format="percent"
            ),
            "requested": number_column("Requested", width=110),
        }
        st.dataframe(
            flagged,
            hide_index=True,
            row_height=WRAPPED_ROW_HEIGHT,
            column_config=unusual,
            column_order=list(unusual),
        )
    st.page_link(
        ALL_SERVICES_PAGE,
        label="Every service's failure rate: All services",
        query_params={"days": str(result.days)},
    )


def _services(overview: Overview) -> None:
    section = overview.services
    st.header("Nearest their daily limits today", anchor=False)
    if isinstance(section, Failed):
        st.error(plain(section.message))
        caption_freshness(section.freshness)
        return
    result = section.value
    warn_if_stale(section.freshness)
    show_missing(result.missing)
    show_excluded(result.excluded)
    table = result.table
    if "limit_used" in table:
        nearest = {
            **service_name_columns(),
            "tightest_channel": st.column_config.TextColumn("Tightest channel", width=120),
            "sent_today": number_column("Sent today", width=100),
            "daily_limit": number_column("Daily limit", width=100),
            "limit_used": st.column_config.ProgressColumn(
                "Limit used", width=120, format="percent", min_value=0.0, max_value=1.0
            ),
        }
        st.dataframe(
            nearest_daily_limits(table, TOP),
            hide_index=True,
            row_height=WRAPPED_ROW_HEIGHT,
            column_config=nearest,
            column_order=list(nearest),
        )
    st.page_link(ALL_SERVICES_PAGE, label="Every service's daily limits: All services")

    st.header("Biggest senders", anchor=False)
    if "requested" in table:
        st.caption(describe_window(result.days, result.start, result.end))
        biggest = {
            **service_name_columns(),
            "requested": number_column("Requested", width=110),
            "failed": number_column("Failed", width=100),
            "failure_rate": st.column_config.NumberColumn(
                "Failure rate", width=100, format="percent"
            ),
        }
        st.dataframe(
            biggest_senders(table, TOP),
            hide_index=True,
            row_height=WRAPPED_ROW_HEIGHT,
            column_config=biggest,
            column_order=list(biggest),
        )
    st.page_link(
        ALL_SERVICES_PAGE,
        label="Every service's counts: All services",
        query_params={"days": str(result.days)},
    )
    caption_freshness(section.freshness)


def _allowances(overview: Overview) -> None:
    year = overview.financial_year
    st.header(f"Free text allowances by sector, {financial_year_label(year)}", anchor=False)
    section = overview.allowances
    if isinstance(section, Failed):
        st.error(plain(section.message))
        caption_freshness(section.freshness)
        return
    tables = section.value.tables
    warn_if_stale(section.freshness)
    show_missing(section.value.missing)
    show_excluded(tables.excluded)
    figures = totals(tables)
    words = f"{figures['services']:,} live services used {figures['used']:,} fragments"
    if tables.has_charges:
        words += f"; {figures['chargeable']:,} beyond their allowances cost £{figures['cost']:,.2f}"
    st.caption(words + ". GOV.UK Notify's own service is not counted.")
    st.dataframe(
        tables.sectors,
        hide_index=True,
        column_config={
            "sector": st.column_config.TextColumn("Sector", width=260, pinned=True),
            "services": number_column("Live services", width=100),
            "share_used_words": share_used_column(130),
            "used": number_column("Fragments used", width=120),
            "total_allowance": number_column("Total allowance", width=120),
        },
        column_order=["sector", "services", "share_used_words", "used", "total_allowance"],
    )
    st.page_link(
        ALLOWANCES_PAGE,
        label="Every service's allowance, use and cost: Allowances",
        query_params={"year": str(year)},
    )
    caption_freshness(section.freshness)


def render() -> None:
    if "service_id" in st.query_params:
        st.switch_page(SERVICE_PAGE, query_params=st.query_params.to_dict())
    show_cache_warning()
    st.title("Overview")
    today = london_today()
    st.caption(f"GOV.UK Notify on {today:%A %-d %B %Y}, every service, as the API reports it")
    with st.spinner("Reading the platform's figures…"):
        overview = load_overview(runtime().context, today)
    _platform_today(overview)
    _trend(overview)
    _services(overview)
    _unusual(overview)
    _allowances(overview)


render()
