"""Platform-wide figures: totals by channel, and every service's volumes and bill in one answer."""

from datetime import date

from pydantic import Field
from pydantic.dataclasses import dataclass

from dashboard.notify_client.schemas.base import ANSWER, AnswerSchema, Count, Pounds, Text


@dataclass(frozen=True, slots=True, kw_only=True, config=ANSWER)
class Failures:
    """Notifications that failed, by the API's failure statuses."""

    permanent_failure: Count = Field(validation_alias="permanent-failure")
    technical_failure: Count = Field(validation_alias="technical-failure")
    temporary_failure: Count = Field(validation_alias="temporary-failure")
    virus_scan_failed: Count = Field(validation_alias="virus-scan-failed")


@dataclass(frozen=True, slots=True, kw_only=True, config=ANSWER)
class ChannelTotals:
    """One channel's notifications over the range, and those sent with test keys."""

    total: Count
    test_key: Count = Field(validation_alias="test-key")
    failures: Failures


@dataclass(frozen=True, slots=True, kw_only=True, config=ANSWER)
class PlatformStats:
    """Totals for the whole platform by channel."""

    email: ChannelTotals
    sms: ChannelTotals
    letter: ChannelTotals


@dataclass(frozen=True, slots=True, kw_only=True, config=ANSWER)
class ServiceVolumes:
    """One live service's use over the range (with or without any use).

    `free_allowance` is the allowance of the latest financial year up to the range;
    `sms_chargeable_units` are fragments, multiplied for international rates.
    """

    service_id: Text
    service_name: Text
    organisation_id: Text | None
    organisation_name: Text | None
    free_allowance: Count
    sms_notifications: Count
    sms_chargeable_units: Count
    email_totals: Count
    letter_totals: Count
    letter_sheet_totals: Count
    letter_cost: Pounds


@dataclass(frozen=True, slots=True, kw_only=True, config=ANSWER)
class BillingReportRow:
    """One service with an SMS cost or letters over the range (both dates in one year).

    Here `sms_chargeable_units` are the fragments beyond the free allowance and `sms_cost`
    their cost at each day's rate.
    """

    service_id: Text
    service_name: Text
    organisation_id: Text | None
    organisation_name: Text | None
    sms_chargeable_units: Count
    sms_cost: Pounds
    total_letters: Count
    letter_cost: Pounds
    letter_breakdown: Text
    purchase_order_number: Text | None
    contact_names: Text | None
    contact_email_addresses: Text | None
    billing_reference: Text | None


@dataclass(frozen=True, slots=True, kw_only=True, config=ANSWER)
class DailyVolumes:
    """The platform's billable notifications on one day (no statuses: failures are not apart).

    `sms_fragment_totals` are fragments; `sms_chargeable_units` those times the international
    multiplier.
    """

    day: date
    email_totals: Count
    sms_totals: Count
    sms_fragment_totals: Count
    sms_chargeable_units: Count
    letter_totals: Count
    letter_sheet_totals: Count


PLATFORM_STATS: AnswerSchema[PlatformStats] = AnswerSchema(PlatformStats, wrapped=False)
VOLUMES_BY_SERVICE: AnswerSchema[list[ServiceVolumes]] = AnswerSchema(
    list[ServiceVolumes], wrapped=False, unique="service_id"
)
BILLING_REPORT: AnswerSchema[list[BillingReportRow]] = AnswerSchema(
    list[BillingReportRow], wrapped=False, unique="service_id"
)
DAILY_VOLUMES: AnswerSchema[list[DailyVolumes]] = AnswerSchema(
    list[DailyVolumes], wrapped=False, unique="day"
)
