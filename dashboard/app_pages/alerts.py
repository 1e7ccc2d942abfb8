"""Alerts page: the rules as read, what the checker sent today and this year (with delivery
status), what failed, and what is muted; cache admins may mute a rule for a service today.

Only layout: the sections come from `loaders.alerts_page`. The checker itself
(`python -m dashboard.alerts`) is not imported here.
"""

from typing import Any

import streamlit as st

from dashboard.app_pages.plain_text import plain
from dashboard.app_pages.shared import may_change_cache, reader_access, runtime
from dashboard.domain.financial_year import london_today
from dashboard.loaders.alerts_page import (
    STATUS_LOOKUPS,
    AlertsView,
    load_alerts,
    load_rules,
    mute_rule,
    rules_table,
)
from dashboard.loaders.errors import describe_error
from dashboard.loaders.sections import Ready
from dashboard.loaders.service_page import service_choices
from dashboard.redaction import redacted_url
from dashboard.settings import load_alert_settings

SENT_LABELS: dict[str, Any] = {
    "sent_at": st.column_config.DatetimeColumn("Sent", format="D MMM YYYY, HH:mm"),
    "kinds": "Kinds",
    "rules": "Rules",
    "services": "Services (channel)",
    "channel": "Sent by",
    "recipient": "To",
    "notification_id": "Notify notification id",
    "status": "Delivery status",
}
STATUS_NOTE = (
    "Delivery status as GOV.UK Notify reports it (GET /v2/notifications/<id>). A final status "
    "(delivered, or a failure) is kept once read; Notify keeps a notification for 7 days, so an "
    "older one shows what was read while it was kept, or says it was not. At most {lookups} "
    "statuses are read from Notify per view."
)


def _rules(rules_section: object, show_addresses: bool) -> None:
    st.header("Rules", anchor=False)
    if not isinstance(rules_section, Ready):
        st.error(plain(getattr(rules_section, "message", "")))
        return
    st.caption("As read from the rules file (ALERTS_FILE) by the checker, with its line numbers.")
    st.dataframe(
        rules_table(rules_section.value, show_addresses),
        hide_index=True,
        width="stretch",
        column_config={
            "rule": "Rule",
            "kinds": "Kinds",
            "threshold": "Threshold",
            "services": "Services",
            "recipients": "Recipients",
            "line": st.column_config.NumberColumn("Line", format="%d"),
        },
    )


def _sent(view: AlertsView) -> None:
    st.header("Sent today", anchor=False)
    st.caption(STATUS_NOTE.format(lookups=STATUS_LOOKUPS))
    for message in view.missing:
        st.warning(plain(message))
    if view.today.empty:
        st.info("Nothing has been sent today.")
    else:
        st.dataframe(view.today, hide_index=True, width="stretch", column_config=SENT_LABELS)
    st.header(f"Sent this financial year ({view.year_label})", anchor=False)
    if view.year.empty:
        st.info("Nothing has been sent this financial year.")
    else:
        st.dataframe(view.year, hide_index=True, width="stretch", column_config=SENT_LABELS)
    st.header("Not sent", anchor=False)
    if view.failures.empty:
        st.info("No send has been refused or failed.")
    else:
        st.caption(
            "Refusals (400, the sending service's own daily limit) are not retried; failures "
            "after retries are tried again by a later check."
        )
        st.dataframe(
            view.failures,
            hide_index=True,
            width="stretch",
            column_config={
                "at": st.column_config.DatetimeColumn("When", format="D MMM YYYY, HH:mm"),
                "what": "What",
                "status": st.column_config.NumberColumn("Status", format="%d"),
                "error": "Error",
                "message": "Notify said",
                "retried": "Retried",
            },
        )


def _mutes(view: AlertsView, rule_ids: list[str]) -> None:
    st.header("Muted today", anchor=False)
    if view.mutes.empty:
        st.info("No rule is muted today.")
    else:
        st.dataframe(
            view.mutes,
            hide_index=True,
            width="stretch",
            column_config={
                "rule": "Rule",
                "service_id": "Service id",
                "muted_by": "Muted by",
                "why": "Why",
            },
        )
    if not may_change_cache():
        st.caption("Cache admins can mute a rule for a service until the end of the day.")
        return
    app = runtime()
    try:
        choices = service_choices(app.clients)
    except Exception as error:  # the list comes from the API, which may be down
        st.error(describe_error(error, redacted_url(app.settings.api_host_name)))
        return
    with st.form("mute"):
        st.subheader("Mute a rule for a service until midnight", anchor=False)
        rule_id = st.selectbox("Rule", rule_ids, index=None, placeholder="Choose a rule")
        service_id = st.selectbox(
            "Service",
            list(choices),
            index=None,
            format_func=lambda chosen: choices.get(chosen, chosen),
            placeholder="Type to search services",
        )
        reason = st.text_input("Why", max_chars=200)
        muted = st.form_submit_button("Mute for today")
    if muted:
        if rule_id is None or service_id is None or not reason.strip():
            st.error("Choose a rule and a service, and say why.")
            return
        who = reader_access().email or "this computer (open dashboard)"
        problem = mute_rule(app.redis, london_today(), rule_id, service_id, who, reason)
        if problem:
            st.error(problem)
        else:
            st.success(f"Muted {plain(rule_id)} for {plain(choices[service_id])} until midnight.")
            st.rerun()


st.title("Alerts", anchor=False)
st.caption(
    "Warnings sent through GOV.UK Notify by the alerts checker (python -m dashboard.alerts), "
    "at most once per rule, service, channel and recipient a day (a year for an allowance), "
    "each recipient one message per check listing every kind."
)
settings = load_alert_settings()
show_addresses = may_change_cache()
rules_section = load_rules(settings)
_rules(rules_section, show_addresses)
app = runtime()
alerts = load_alerts(
    app.redis,
    settings,
    london_today(),
    show_addresses=show_addresses,
    api_label=redacted_url(settings.api_url),
)
if isinstance(alerts, Ready):
    _sent(alerts.value)
    rule_ids = (
        [rule.rule_id for rule in rules_section.value] if isinstance(rules_section, Ready) else []
    )
    _mutes(alerts.value, list(dict.fromkeys(rule_ids)))
else:
    st.error(plain(alerts.message))
