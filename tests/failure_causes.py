"""What the Service page's failures by cause should say, worked out from the API's own monthly
statuses and written out here rather than read from the code under test."""

from collections.abc import Mapping
from datetime import timedelta

from dashboard.domain.financial_year import london_today
from dashboard.notify_client import NotifyClients
from dashboard.notify_client.schemas.services import NotificationsByChannel

#: Each cause's statuses.
CAUSE_STATUSES = {
    "Permanent failure": ("permanent-failure",),
    "Temporary failure": ("temporary-failure",),
    "Technical failure": ("technical-failure", "failed"),
    "Validation failed (letters)": ("validation-failed",),
    "Virus scan failed (letters)": ("virus-scan-failed",),
}
CHANNEL_NAMES = {"email": "Emails", "sms": "Text messages", "letter": "Letters"}


def busiest_service(clients: NotifyClients) -> str:
    """The service that requested the most emails in the last 7 days (it has every cause)."""
    today = london_today()
    rows = clients.services.get_services_detailed(today - timedelta(days=7), today)
    return max(rows, key=lambda row: row.statistics.email.requested).id


def failed_by_cause(months: Mapping[str, NotificationsByChannel]) -> dict[tuple[str, str], int]:
    """(channel's name, cause) to the failures of the year's months, for each cause with any."""
    expected: dict[tuple[str, str], int] = {}
    for channel, label in CHANNEL_NAMES.items():
        for cause, statuses in CAUSE_STATUSES.items():
            count = sum(
                getattr(month, channel).get(status, 0)
                for month in months.values()
                for status in statuses
            )
            if count:
                expected[(label, cause)] = count
    return expected
