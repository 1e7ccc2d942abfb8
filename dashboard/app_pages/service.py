"""Service page: one service over the last N days, its daily limits and its text allowance."""

import streamlit as st

from dashboard.app_pages import charts
from dashboard.app_pages.shared import (
    caption_freshness,
    carry_view,
    percent,
    pounds,
    remember,
    runtime,
    show_cache_warning,
)
from dashboard.domain.financial_year import financial_year_label
from dashboard.loaders.errors import describe_error
from dashboard.loaders.service_page import (
    ServicePage,
    forget_service,
    load_service_page,
    service_choices,
)

LEVEL_MESSAGES = {"warning": st.warning, "error": st.error}


def _on_service_change() -> None:
    remember("service_id", st.session_state["service_picker"])


def _on_days_change() -> None:
    remember("days", st.session_state["days_slider"])


def _pick_service(choices: dict[str, str], current: str | None) -> None:
    options = list(choices)
    st.sidebar.selectbox(
        "Service",
        options=options,
        format_func=lambda service_id: choices.get(service_id, service_id),
        index=options.index(current) if current in choices else None,
        placeholder="Type to search services",
        key="service_picker",
        on_change=_on_service_change,
    )


def _days_slider(page: ServicePage) -> None:
    if page.days.maximum <= 1:
        st.sidebar.caption("This service keeps notifications for 1 day: showing today.")
        return
    st.session_state["days_slider"] = page.days.days
    st.sidebar.slider(
        "Days",
        min_value=1,
        max_value=page.days.maximum,
        key="days_slider",
        on_change=_on_days_change,
        help="Today and this many days before it, as far back as the service keeps data.",
    )


def _counts(page: ServicePage) -> None:
    st.subheader(f"Last {page.days.days} day{'s' if page.days.days != 1 else ''}")
    if "statistics" in page.errors:
        st.error(page.errors["statistics"])
        return
    for _, row in page.statistics.iterrows():
        columns = st.columns(5)
        columns[0].metric(f"{row.label} requested", f"{row.requested:,}")
        columns[1].metric(f"{row.label} delivered", f"{row.delivered:,}")
        columns[2].metric(f"{row.label} failed", f"{row.failed:,}")
        columns[3].metric(f"{row.label} sending", f"{row.sending:,}")
        columns[4].metric(f"{row.label} failure rate", percent(row.failure_rate))
    st.altair_chart(charts.counts_by_channel(page.statistics_by_status), width="stretch")
    caption_freshness(page.freshness.get("statistics"))


def _limits(page: ServicePage) -> None:
    st.subheader("Daily limits today")
    if page.trial_mode:
        st.info("This service is in trial mode: it can send 50 messages a day, to its own team.")
    if "limits" in page.errors:
        st.error(page.errors["limits"])
        return
    for usage in page.limits:
        text = (
            f"{usage.label}: {usage.used:,} of {usage.limit:,} ({percent(usage.fraction)}) · "
            f"{usage.remaining:,} left today"
        )
        st.progress(min(1.0, usage.fraction), text=text)
        if usage.level in LEVEL_MESSAGES:
            verb = "has reached" if usage.level == "error" else "is close to"
            LEVEL_MESSAGES[usage.level](f"{usage.label} {verb} the daily limit.")
    caption_freshness(page.freshness.get("limits"))


def _allowance(page: ServicePage) -> None:
    if "allowance" in page.errors:
        st.subheader("Free text message allowance")
        st.error(page.errors["allowance"])
        return
    allowance = page.allowance
    usage = allowance.usage
    st.subheader(f"Free text message allowance, {financial_year_label(allowance.financial_year)}")
    st.write(
        f"**Sector:** {allowance.sector}. The sector's default allowance this year is "
        f"**{allowance.sector_default:,}** fragments."
    )
    columns = st.columns(3)
    custom = " (custom)" if allowance.is_custom else ""
    columns[0].metric(f"Allowance{custom}", f"{usage.allowance:,}")
    columns[1].metric("Fragments used", f"{usage.used:,}")
    columns[2].metric("Free fragments left", f"{usage.remaining:,}")
    columns = st.columns(3)
    columns[0].metric("Chargeable fragments", f"{usage.chargeable:,}")
    columns[1].metric("Cost beyond the allowance", pounds(float(usage.cost)))
    if allowance.run_out is not None:
        columns[2].metric("Allowance runs out", allowance.run_out.strftime("%-d %B %Y"))
    else:
        columns[2].metric("Allowance runs out", "Not this year")
    if allowance.is_custom:
        st.caption(
            f"This service's allowance differs from its sector's default "
            f"({allowance.sector_default:,})."
        )
    st.altair_chart(charts.allowance_by_month(usage.monthly, usage.allowance), width="stretch")
    caption_freshness(page.freshness.get("allowance"))


def _checklist(page: ServicePage) -> None:
    if not page.trial_mode:
        return
    st.subheader("Before this service can go live")
    if "checklist" in page.errors:
        st.error(page.errors["checklist"])
        return
    for item in page.checklist:
        mark = ":material/check_circle:" if item.done else ":material/radio_button_unchecked:"
        st.markdown(f"{mark} **{item.label}** — {item.detail}")
    caption_freshness(page.freshness.get("checklist"))


def render() -> None:
    carry_view()
    show_cache_warning()
    app = runtime()
    clients, host = app.clients, app.settings.api_host_name
    st.title("Service")
    try:
        choices = service_choices(clients)
    except Exception as error:  # the page must still say what is wrong
        st.error(describe_error(error, host))
        return
    requested = st.query_params.get("service_id")
    _pick_service(choices, requested)
    if not requested:
        st.info("Choose a service in the sidebar (type to search).")
        return
    page = load_service_page(
        clients,
        host,
        requested,
        st.query_params.get("days"),
        max_workers=app.settings.api_max_workers,
    )
    if page.service is None:
        st.error(page.errors["service"])
        return
    if st.sidebar.button("Refresh", help="Empty this service's cache and read it again"):
        forget_service(clients, page.service_id)
        st.rerun()
    _days_slider(page)
    if page.days.message:
        st.warning(page.days.message)
    st.header(page.service.name)
    caption_freshness(page.freshness.get("service"))
    if "service" in page.errors:
        st.warning(
            f"Data retention could not be read, so the window stops at 7 days: "
            f"{page.errors['service']}"
        )
    _counts(page)
    _limits(page)
    _allowance(page)
    _checklist(page)


render()
