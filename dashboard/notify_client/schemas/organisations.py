"""Organisations, and one organisation's services with their year's usage."""

from pydantic.dataclasses import dataclass

from dashboard.notify_client.schemas.base import (
    ANSWER,
    AnswerSchema,
    Count,
    Flag,
    IsoTime,
    Pounds,
    Text,
)


@dataclass(frozen=True, slots=True, kw_only=True, config=ANSWER)
class Organisation:
    """One organisation as the list gives it; `count_of_live_services` counts its active
    services out of trial mode."""

    id: Text
    name: Text
    organisation_type: Text | None
    active: Flag
    count_of_live_services: Count
    domains: tuple[Text, ...]


@dataclass(frozen=True, slots=True, kw_only=True, config=ANSWER)
class OrganisationServiceUsage:
    """One of an organisation's services out of trial mode and its financial year's usage:
    `sms_billable_units` are fragments, `chargeable_billable_sms` those beyond the free
    allowance, `sms_remainder` the allowance left."""

    service_id: Text
    service_name: Text
    active: Flag
    free_sms_limit: Count
    sms_remainder: Count
    sms_billable_units: Count
    chargeable_billable_sms: Count
    sms_cost: Pounds
    letter_cost: Pounds
    emails_sent: Count


@dataclass(frozen=True, slots=True, kw_only=True, config=ANSWER)
class OrganisationUsage:
    """An organisation's services with usage, and when today's figures were last updated
    (null until the API's hourly billing task has run, and for a past year)."""

    services: tuple[OrganisationServiceUsage, ...]
    updated_at: IsoTime | None


ORGANISATIONS: AnswerSchema[list[Organisation]] = AnswerSchema(list[Organisation], wrapped=False)
ORGANISATION_USAGE: AnswerSchema[OrganisationUsage] = AnswerSchema(OrganisationUsage, wrapped=False)
