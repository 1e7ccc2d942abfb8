"""Sending through GOV.UK Notify's public API with a service API key, for the alerts.

Not the admin client: `notifications-python-client`'s `NotificationsAPIClient` signs with the
service's key (`{key name}-{service id}-{secret}`), as any service sending email does. Nothing
here is cached: a send is a write, and a delivery status is read when asked for.

Its errors are the library's: `HTTPError` with `.status_code` and `.message` (a list of
`{"error", "message"}` for the v2 API), `HTTP503Error` for a refused connection or a 503.
"""

from typing import Any

from notifications_python_client.errors import HTTPError
from notifications_python_client.notifications import NotificationsAPIClient

from dashboard.notify_client.schemas.notifications import (
    NOTIFICATION_LIST,
    NOTIFICATION_STATUS,
    SENT_NOTIFICATION,
    NotificationStatus,
    SentNotification,
)
from dashboard.redaction import redact_logs_of

redact_logs_of("notifications_python_client.base")


def error_kind(error: HTTPError) -> str:
    """The v2 API's error name ("TooManyRequestsError", "RateLimitError", "ValidationError"…),
    or "" when the answer had none (a connection failure, a 500 from a proxy)."""
    message = error.message
    if isinstance(message, list) and message and isinstance(message[0], dict):
        return str(message[0].get("error", ""))
    return ""


def error_text(error: HTTPError) -> str:
    """The API's own words for a refusal, in one line."""
    message = error.message
    if isinstance(message, list):
        return "; ".join(
            str(item.get("message", item)) if isinstance(item, dict) else str(item)
            for item in message
        )
    return str(message)


class NotificationsSender:
    """Sends emails and texts as one service, and reads back what it sent."""

    def __init__(self, api_key: str, base_url: str, timeout: float = 10.0) -> None:
        self._client = NotificationsAPIClient(api_key, base_url=base_url, timeout=timeout)

    def send(
        self,
        channel: str,
        address: str,
        template_id: str,
        personalisation: dict[str, Any],
        reference: str,
    ) -> SentNotification:
        """One email (`channel` "email") or text ("sms"), with a reference to find it by."""
        if channel == "email":
            answer = self._client.send_email_notification(
                email_address=address,
                template_id=template_id,
                personalisation=personalisation,
                reference=reference,
            )
        else:
            answer = self._client.send_sms_notification(
                phone_number=address,
                template_id=template_id,
                personalisation=personalisation,
                reference=reference,
            )
        return SENT_NOTIFICATION(answer)

    def find_by_reference(self, reference: str) -> list[NotificationStatus]:
        """The service's notifications sent with this reference (the first page, newest first):
        how a sender that lost track of a send learns whether the API accepted it."""
        answer = self._client.get_all_notifications(reference=reference)
        return NOTIFICATION_LIST(answer).notifications

    def status(self, notification_id: str) -> NotificationStatus:
        """Where one notification has got to ("sending", "delivered", "permanent-failure"…)."""
        return NOTIFICATION_STATUS(self._client.get_notification_by_id(notification_id))
