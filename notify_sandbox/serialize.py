"""Database rows to the API's JSON objects, key for key as the recorded samples show them.

Each object keeps the API's own date form: ISO 8601 with Z for most single objects, Python's
str() for go_live_at and password_changed_at, and RFC 1123 inside the detailed and live lists.
"""

import json
import sqlite3
from collections.abc import Iterable, Mapping
from datetime import date

from notify_sandbox.billing import Charges, Usage, UsageLine, Volumes
from notify_sandbox.clock import Timeline, iso_z, plain, rfc1123
from notify_sandbox.facts import CHANNELS, STATUSES
from notify_sandbox.queries import Counts

_BOOLEAN_FIELDS = (
    "active",
    "restricted",
    "count_as_live",
    "prefix_sms",
    "confirmed_unique",
    "has_active_go_live_request",
)
_NULLABLE_BOOLEAN_FIELDS = ("confirmed_email_sender_name", "consent_to_research")
_PLAIN_FIELDS = (
    "id",
    "name",
    "organisation_type",
    "created_by",
    "go_live_user",
    "email_message_limit",
    "sms_message_limit",
    "letter_message_limit",
    "international_sms_message_limit",
    "rate_limit",
    "contact_link",
    "email_sender_local_part",
    "custom_email_sender_name",
    "volume_email",
    "volume_sms",
    "volume_letter",
    "billing_contact_email_addresses",
    "billing_contact_names",
    "billing_reference",
    "purchase_order_number",
    "email_branding",
    "letter_branding",
    "notes",
)


def _nullable_bool(value: int | None) -> bool | None:
    """A stored 0/1/NULL as JSON's false/true/null."""
    return None if value is None else bool(value)


def service(row: sqlite3.Row, timeline: Timeline) -> dict:
    """The service object of GET /service/<id> and the plain service list."""
    body = {field: row[field] for field in _PLAIN_FIELDS}
    body.update({field: bool(row[field]) for field in _BOOLEAN_FIELDS})
    body.update({field: _nullable_bool(row[field]) for field in _NULLABLE_BOOLEAN_FIELDS})
    body["organisation"] = row["organisation_id"]
    body["go_live_at"] = plain(timeline.moment(row["go_live_at"]))
    body["permissions"] = json.loads(row["permissions"])
    body["service_callback_api"] = json.loads(row["service_callback_api"])
    return body


def statistics(counts: Mapping[str, Counts]) -> dict:
    """{"email": {"requested", "delivered", "failed"}, "sms": …, "letter": …}."""
    return {
        channel: {
            "requested": counts.get(channel, Counts()).requested,
            "delivered": counts.get(channel, Counts()).delivered,
            "failed": counts.get(channel, Counts()).failed,
        }
        for channel in CHANNELS
    }


def detailed_service(row: sqlite3.Row, counts: Mapping[str, Counts], timeline: Timeline) -> dict:
    """One entry of the detailed list: the service's first channel with anything sent."""
    used = [channel for channel in sorted(counts) if counts[channel].requested]
    return {
        "id": row["id"],
        "name": row["name"],
        "notification_type": used[0] if used else None,
        "restricted": bool(row["restricted"]),
        "active": bool(row["active"]),
        "created_at": rfc1123(timeline.moment(row["created_at"])),
        "statistics": statistics(counts),
    }


def live_service(
    row: sqlite3.Row, sent: Mapping[str, int], allowance: int, timeline: Timeline
) -> dict:
    """One entry of live-services-data, with this financial year's notifications sent."""
    return {
        "service_id": row["id"],
        "service_name": row["name"],
        "organisation_name": row["organisation_name"],
        "organisation_type": row["organisation_type"],
        "consent_to_research": _nullable_bool(row["consent_to_research"]),
        "contact_name": row["contact_name"],
        "contact_email": row["contact_email"],
        "contact_mobile": row["contact_mobile"],
        "live_date": rfc1123(timeline.moment(row["go_live_at"])),
        "sms_volume_intent": row["volume_sms"],
        "email_volume_intent": row["volume_email"],
        "letter_volume_intent": row["volume_letter"],
        "sms_totals": sent.get("sms", 0),
        "email_totals": sent.get("email", 0),
        "letter_totals": sent.get("letter", 0),
        "free_sms_fragment_limit": allowance,
    }


def data_retention(row: sqlite3.Row, timeline: Timeline) -> dict:
    """One data retention setting."""
    return {
        "id": row["id"],
        "service_id": row["service_id"],
        "service_name": row["service_name"],
        "notification_type": row["notification_type"],
        "days_of_retention": row["days_of_retention"],
        "created_at": iso_z(timeline.moment(row["created_at"])),
        "updated_at": iso_z(timeline.moment(row["updated_at"])),
    }


def reply_to(row: sqlite3.Row, timeline: Timeline) -> dict:
    """One email reply-to address."""
    return {
        "id": row["id"],
        "service_id": row["service_id"],
        "email_address": row["email_address"],
        "is_default": bool(row["is_default"]),
        "archived": bool(row["archived"]),
        "created_at": iso_z(timeline.moment(row["created_at"])),
        "updated_at": iso_z(timeline.moment(row["updated_at"])),
    }


def template_summary(row: sqlite3.Row) -> dict:
    """One entry of a service's template list."""
    return {
        "id": row["id"],
        "name": row["name"],
        "template_type": row["template_type"],
        "folder": None,
        "is_precompiled_letter": False,
    }


def _template_common(row: sqlite3.Row) -> dict:
    """Fields shared by a template and a template version."""
    letter = row["template_type"] == "letter"
    return {
        "id": row["id"],
        "name": row["name"],
        "template_type": row["template_type"],
        "version": row["version"],
        "subject": row["subject"],
        "content": row["content"],
        "archived": bool(row["archived"]),
        "hidden": bool(row["hidden"]),
        "service": row["service_id"],
        "postage": row["postage"],
        "template_redacted": row["id"],
        "email_files": [],
        "has_unsubscribe_link": False,
        "is_precompiled_letter": False,
        "letter_attachment": None,
        "letter_languages": "english" if letter else None,
        "letter_welsh_content": None,
        "letter_welsh_subject": None,
        "reply_to": None,
        "reply_to_text": None,
        "service_letter_contact": None,
    }


def template(row: sqlite3.Row, timeline: Timeline) -> dict:
    """A template as GET /service/<id>/template/<id> returns it."""
    return {
        **_template_common(row),
        "created_at": iso_z(timeline.moment(row["created_at"])),
        "updated_at": iso_z(timeline.moment(row["updated_at"])),
        "created_by": row["created_by"],
        "folder": None,
        "redact_personalisation": False,
    }


def template_version(row: sqlite3.Row, timeline: Timeline) -> dict:
    """A template version, whose author is an object rather than an id."""
    return {
        **_template_common(row),
        "created_at": iso_z(timeline.moment(row["created_at"])),
        "updated_at": iso_z(timeline.moment(row["updated_at"])),
        "created_by": {
            "id": row["created_by"],
            "name": row["author_name"],
            "email_address": row["author_email"],
        },
    }


def user(row: sqlite3.Row, memberships: list[sqlite3.Row], timeline: Timeline) -> dict:
    """A user with their services' permissions and organisations."""
    organisations = list(
        dict.fromkeys(
            membership["organisation_id"]
            for membership in memberships
            if membership["organisation_id"]
        )
    )
    return {
        "id": row["id"],
        "name": row["name"],
        "email_address": row["email_address"],
        "mobile_number": row["mobile_number"],
        "state": row["state"],
        "auth_type": row["auth_type"],
        "platform_admin": bool(row["platform_admin"]),
        "can_use_webauthn": bool(row["can_use_webauthn"]),
        "created_at": iso_z(timeline.moment(row["created_at"])),
        "current_session_id": row["current_session_id"],
        "email_access_validated_at": iso_z(timeline.moment(row["email_access_validated_at"])),
        "failed_login_count": row["failed_login_count"],
        "logged_in_at": iso_z(timeline.moment(row["logged_in_at"])),
        "password_changed_at": plain(timeline.moment(row["password_changed_at"])),
        "receives_new_features_email": bool(row["receives_new_features_email"]),
        "take_part_in_research": bool(row["take_part_in_research"]),
        "permissions": {
            membership["service_id"]: json.loads(membership["permissions"])
            for membership in memberships
        },
        "services": [membership["service_id"] for membership in memberships],
        "organisations": organisations,
        "organisation_permissions": {organisation: [] for organisation in organisations},
    }


def service_volumes(row: sqlite3.Row, free_allowance: int, totals: Volumes) -> dict:
    """One entry of volumes-by-service; a service without an organisation has "" for it."""
    return {
        "service_id": row["id"],
        "service_name": row["name"],
        "organisation_id": row["organisation_id"] or "",
        "organisation_name": row["organisation_name"] or "",
        "free_allowance": free_allowance,
        "sms_notifications": totals.sms_notifications,
        "sms_chargeable_units": totals.sms_chargeable_units,
        "email_totals": totals.email_totals,
        "letter_totals": totals.letter_totals,
        "letter_sheet_totals": totals.letter_sheet_totals,
        "letter_cost": float(totals.letter_cost),
    }


def billing_report_entry(row: sqlite3.Row, charged: Charges) -> dict:
    """One entry of data-for-billing-report. Like the API, a side with nothing to charge
    has the integer 0 for its cost."""
    return {
        "service_id": row["id"],
        "service_name": row["name"],
        "organisation_id": row["organisation_id"] or "",
        "organisation_name": row["organisation_name"] or "",
        "sms_chargeable_units": charged.sms_chargeable_units,
        "sms_cost": charged.sms_cost if charged.sms_cost > 0 else 0,
        "total_letters": charged.total_letters,
        "letter_cost": charged.letter_cost if charged.total_letters else 0,
        "letter_breakdown": charged.letter_breakdown,
        "purchase_order_number": row["purchase_order_number"],
        "contact_names": row["billing_contact_names"],
        "contact_email_addresses": row["billing_contact_email_addresses"],
        "billing_reference": row["billing_reference"],
    }


def organisation_for_list(row: sqlite3.Row, live_services: int) -> dict:
    """One entry of /organisations (`Organisation.serialize_for_list`); the sandbox's
    organisations are all active and have no domains."""
    return {
        "id": row["id"],
        "name": row["name"],
        "organisation_type": row["organisation_type"],
        "active": True,
        "count_of_live_services": live_services,
        "domains": [],
    }


def organisation_service_usage(
    row: sqlite3.Row, free_sms_limit: int, lines: list[UsageLine]
) -> dict:
    """One service of /organisations/<id>/services-with-usage: its year's texts against its
    allowance, letter cost and emails (the API's `fetch_usage_for_organisation`)."""
    sms = [line for line in lines if line.notification_type == "sms"]
    letters = [line for line in lines if line.notification_type == "letter"]
    fragments = sum(line.chargeable_units for line in sms)
    return {
        "service_id": row["id"],
        "service_name": row["name"],
        "active": bool(row["active"]),
        "free_sms_limit": free_sms_limit,
        "sms_remainder": max(0, free_sms_limit - fragments),
        "sms_billable_units": fragments,
        "chargeable_billable_sms": sum(line.charged_units for line in sms),
        "sms_cost": float(round(sum(line.cost for line in sms), 4)),
        "letter_cost": float(round(sum(line.cost for line in letters), 4)),
        "emails_sent": sum(
            line.notifications_sent for line in lines if line.notification_type == "email"
        ),
    }


def by_organisation(entry: dict) -> tuple[bool, str, str]:
    """The order of the platform-wide lists: by organisation, services without one last,
    then by service name."""
    return entry["organisation_name"] == "", entry["organisation_name"], entry["service_name"]


#: The failures /platform-stats counts by status.
PLATFORM_FAILURES = (
    "technical-failure",
    "permanent-failure",
    "temporary-failure",
    "virus-scan-failed",
)


def platform_totals(rows: Iterable[tuple]) -> dict:
    """The /platform-stats body from (service sid, stretch, channel, *status counts) rows:
    every notification in "total", four failure statuses apart. The sandbox stores no
    test-key notifications, so "test-key" is 0."""
    totals = {
        channel: {"total": 0, "test-key": 0, "failures": dict.fromkeys(PLATFORM_FAILURES, 0)}
        for channel in CHANNELS
    }
    for _sid, _stretch, channel, *counts in rows:
        by_status = dict(zip(STATUSES, counts, strict=True))
        totals[channel]["total"] += sum(counts)
        for status in PLATFORM_FAILURES:
            totals[channel]["failures"][status] += by_status[status]
    return totals


def monthly_statuses(months: list[date], rows: Iterable[tuple]) -> dict:
    """notifications/monthly's data: {"2026-04": {"email": {status: count}, …}, …} from
    (service sid, month index, channel, *status counts) rows; statuses never seen are left
    out, so a quiet channel is {}."""
    data = {month.strftime("%Y-%m"): {channel: {} for channel in CHANNELS} for month in months}
    for _sid, index, channel, *counts in rows:
        data[months[index].strftime("%Y-%m")][channel] = {
            status: count for status, count in zip(STATUSES, counts, strict=True) if count
        }
    return data


def template_statistics(rows: Iterable[tuple[int, sqlite3.Row, Mapping[str, int]]]) -> list[dict]:
    """template-statistics' data: one entry per template and status with any notifications,
    by template name then status."""
    entries = [
        {
            "count": count,
            "is_precompiled_letter": False,
            "status": status,
            "template_id": template["id"],
            "template_name": template["name"],
            "template_type": template["template_type"],
        }
        for _index, template, by_status in rows
        for status, count in by_status.items()
    ]
    return sorted(
        entries, key=lambda entry: (entry["template_name"], entry["template_id"], entry["status"])
    )


def template_usage(
    months: list[date], rows: Iterable[tuple[int, sqlite3.Row, Mapping[str, int]]]
) -> list[dict]:
    """templates_usage/monthly's stats: each template's notifications but cancelled ones, per
    month with any, by year, month and name."""
    entries = []
    for index, template, by_status in rows:
        count = sum(n for status, n in by_status.items() if status != "cancelled")
        if count:
            entries.append(
                {
                    "count": count,
                    "is_precompiled_letter": False,
                    "month": months[index].month,
                    "name": template["name"],
                    "template_id": template["id"],
                    "type": template["template_type"],
                    "year": months[index].year,
                }
            )
    return sorted(entries, key=lambda entry: (entry["year"], entry["month"], entry["name"]))


def daily_volumes(days: list[date], usages: Iterable[Iterable[Usage]]) -> list[dict]:
    """daily-volumes-report's rows: the platform's billable notifications by day, for days
    with any. The sandbox keeps fragments already multiplied for international rates, so
    `sms_fragment_totals` and `sms_chargeable_units` are the same."""
    totals = {
        day: dict.fromkeys(("email", "sms", "fragments", "letter", "sheets"), 0) for day in days
    }
    for service_usages in usages:
        for usage in service_usages:
            day = totals[usage.first_day]
            day[usage.channel] += usage.notifications_sent
            if usage.channel == "sms":
                day["fragments"] += usage.fragments
            if usage.channel == "letter":
                day["sheets"] += usage.sheets
    return [
        {
            "day": day.isoformat(),
            "email_totals": sums["email"],
            "letter_sheet_totals": sums["sheets"],
            "letter_totals": sums["letter"],
            "sms_chargeable_units": sums["fragments"],
            "sms_fragment_totals": sums["fragments"],
            "sms_totals": sums["sms"],
        }
        for day, sums in totals.items()
        if any(sums.values())
    ]


def service_organisation(row: sqlite3.Row) -> dict:
    """GET /service/<id>/organisation: the organisation whole. The sandbox keeps only its name
    and type; the agreement, branding and billing fields are the recorded sample's (a signed
    agreement, no contacts), crown for central government."""
    return {
        "active": True,
        "agreement_signed": True,
        "agreement_signed_at": None,
        "agreement_signed_by_id": None,
        "agreement_signed_on_behalf_of_email_address": None,
        "agreement_signed_on_behalf_of_name": None,
        "agreement_signed_version": 3.0,
        "billing_contact_email_addresses": None,
        "billing_contact_names": None,
        "billing_reference": None,
        "can_approve_own_go_live_requests": False,
        "count_of_live_services": row["live_services"],
        "crown": row["organisation_type"] in ("central", "nhs_central"),
        "domains": [],
        "email_branding_id": None,
        "id": row["id"],
        "letter_branding_id": None,
        "name": row["name"],
        "notes": None,
        "organisation_type": row["organisation_type"],
        "permissions": ["can_ask_to_join_a_service"],
        "purchase_order_number": None,
        "request_to_go_live_notes": None,
    }
