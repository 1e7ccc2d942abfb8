"""The public API's answers about notifications sent with a service API key (alerts)."""

from pydantic.dataclasses import dataclass

from dashboard.notify_client.schemas.base import ANSWER, AnswerSchema, Text


@dataclass(frozen=True, slots=True, kw_only=True, config=ANSWER)
class SentNotification:
    """POST /v2/notifications/email or /sms: the new notification's id and our reference."""

    id: Text
    reference: Text | None = None


@dataclass(frozen=True, slots=True, kw_only=True, config=ANSWER)
class NotificationStatus:
    """GET /v2/notifications/<id>, or one of a list: where the message has got to."""

    id: Text
    reference: Text | None = None
    type: Text
    status: Text
    created_at: Text
    completed_at: Text | None = None


@dataclass(frozen=True, slots=True, kw_only=True, config=ANSWER)
class NotificationList:
    """GET /v2/notifications: one page of the service's notifications."""

    notifications: list[NotificationStatus]


SENT_NOTIFICATION: AnswerSchema[SentNotification] = AnswerSchema(SentNotification, wrapped=False)
NOTIFICATION_STATUS: AnswerSchema[NotificationStatus] = AnswerSchema(
    NotificationStatus, wrapped=False
)
NOTIFICATION_LIST: AnswerSchema[NotificationList] = AnswerSchema(NotificationList, wrapped=False)
