"""Services, their counts, data retention and reply-to addresses, as the API answers them."""

from typing import Annotated, Any, Self

from pydantic import BeforeValidator, StringConstraints, model_validator
from pydantic.dataclasses import dataclass

from dashboard.notify_client.schemas.base import (
    ANSWER,
    AnswerSchema,
    Channel,
    Count,
    Flag,
    IsoTime,
    Rfc1123Time,
    Text,
)

#: A calendar month as the monthly notifications answer names it: "2026-04".
YearMonth = Annotated[str, StringConstraints(strict=True, pattern=r"^\d{4}-(0[1-9]|1[0-2])$")]


@dataclass(frozen=True, slots=True, kw_only=True, config=ANSWER)
class Service:
    """A service, in today's form or the 2018 one, with the fields the dashboard reads.

    Today's API gives a daily limit per channel; the 2018 API gave one `message_limit` across
    all channels (with `email_from` and `research_mode`). An answer with neither is refused.
    `organisation_type` is any of the API's types, 2018's `nhs`, or null (counted as `other`).
    `count_as_live` is false for services the API leaves out of its live counts (test and
    internal ones); the 2018 API had no such field, and the API's column defaults to true.
    Fields nobody reads are left undeclared: every warm page validates the whole list again.
    """

    id: Text
    name: Text
    active: Flag
    restricted: Flag
    organisation_type: Text | None
    organisation: Text | None = None
    count_as_live: Flag = True
    email_message_limit: Count | None = None
    sms_message_limit: Count | None = None
    letter_message_limit: Count | None = None
    international_sms_message_limit: Count | None = None
    message_limit: Count | None = None
    email_from: Text | None = None
    research_mode: Flag | None = None
    # What the admin's "Make your service live" tasks read (absent from 2018's answers).
    confirmed_unique: Flag | None = None
    confirmed_email_sender_name: Flag | None = None
    volume_email: Count | None = None
    volume_sms: Count | None = None
    volume_letter: Count | None = None

    @model_validator(mode="after")
    def _has_daily_limits(self) -> Self:
        per_channel = (self.email_message_limit, self.sms_message_limit, self.letter_message_limit)
        if all(limit is not None for limit in per_channel) or (
            self.message_limit is not None and all(limit is None for limit in per_channel)
        ):
            return self
        raise ValueError(
            "a service needs email_, sms_ and letter_message_limit, or the 2018 message_limit"
        )

    @property
    def has_one_daily_limit(self) -> bool:
        """The 2018 form: one limit across every channel."""
        return self.email_message_limit is None


@dataclass(frozen=True, slots=True, kw_only=True, config=ANSWER)
class ChannelCounts:
    """One channel's notifications: `requested` excludes cancelled ones."""

    requested: Count
    delivered: Count
    failed: Count


@dataclass(frozen=True, slots=True, kw_only=True, config=ANSWER)
class Statistics:
    """Counts for each channel; the API always gives all three."""

    email: ChannelCounts
    sms: ChannelCounts
    letter: ChannelCounts


@dataclass(frozen=True, slots=True, kw_only=True, config=ANSWER)
class DetailedService:
    """One row of the detailed services list: a service with its counts between two dates."""

    id: Text
    name: Text
    notification_type: Text | None
    restricted: Flag
    active: Flag
    created_at: Rfc1123Time
    statistics: Statistics


@dataclass(frozen=True, slots=True, kw_only=True, config=ANSWER)
class LiveService:
    """One row of live-services-data: a live service and its totals this financial year."""

    service_id: Text
    service_name: Text
    organisation_name: Text | None
    organisation_type: Text | None
    consent_to_research: Flag | None
    contact_name: Text | None
    contact_email: Text | None
    contact_mobile: Text | None
    live_date: Rfc1123Time | None
    sms_volume_intent: Count | None
    email_volume_intent: Count | None
    letter_volume_intent: Count | None
    sms_totals: Count
    email_totals: Count
    letter_totals: Count
    free_sms_fragment_limit: Count


@dataclass(frozen=True, slots=True, kw_only=True, config=ANSWER)
class RetentionRow:
    """How many days a service keeps one channel's notifications."""

    id: Text
    service_id: Text
    service_name: Text
    notification_type: Channel
    days_of_retention: Count
    created_at: IsoTime
    updated_at: IsoTime | None


@dataclass(frozen=True, slots=True, kw_only=True, config=ANSWER)
class ReplyToAddress:
    """An email address recipients can reply to."""

    id: Text
    service_id: Text
    email_address: Text
    is_default: Flag
    archived: Flag
    created_at: IsoTime
    updated_at: IsoTime | None


@dataclass(frozen=True, slots=True, kw_only=True, config=ANSWER)
class NotificationsByChannel:
    """One month's notifications by channel and status; a channel with nothing sent is `{}`."""

    email: dict[Text, Count]
    sms: dict[Text, Count]
    letter: dict[Text, Count]


@dataclass(frozen=True, slots=True, kw_only=True, config=ANSWER)
class ServiceOrganisation:
    """The organisation a service belongs to."""

    id: Text
    name: Text
    organisation_type: Text | None


def _no_organisation(answer: Any) -> Any:
    """The API answers `{}` for a service without an organisation: None here. A null is not
    that answer, and does not fit."""
    if answer is None:
        raise ValueError("an organisation is an object, {} when there is none")
    return None if answer == {} else answer


SERVICE: AnswerSchema[Service] = AnswerSchema(Service, wrapped=True)
SERVICE_ORGANISATION: AnswerSchema[ServiceOrganisation | None] = AnswerSchema(
    Annotated[ServiceOrganisation | None, BeforeValidator(_no_organisation)], wrapped=False
)
SERVICES: AnswerSchema[list[Service]] = AnswerSchema(list[Service], wrapped=True, unique="id")
DETAILED_SERVICES: AnswerSchema[list[DetailedService]] = AnswerSchema(
    list[DetailedService], wrapped=True, unique="id"
)
LIVE_SERVICES: AnswerSchema[list[LiveService]] = AnswerSchema(
    list[LiveService], wrapped=True, unique="service_id"
)
STATISTICS: AnswerSchema[Statistics] = AnswerSchema(Statistics, wrapped=True)
DATA_RETENTION: AnswerSchema[list[RetentionRow]] = AnswerSchema(list[RetentionRow], wrapped=False)
REPLY_TO_ADDRESSES: AnswerSchema[list[ReplyToAddress]] = AnswerSchema(
    list[ReplyToAddress], wrapped=False
)
#: Month ("2026-04") to that month's counts, April to March of one financial year.
NOTIFICATIONS_MONTHLY: AnswerSchema[dict[str, NotificationsByChannel]] = AnswerSchema(
    dict[YearMonth, NotificationsByChannel], wrapped=True
)
