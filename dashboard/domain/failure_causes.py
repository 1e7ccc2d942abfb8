"""Failures by cause: who can act on each, in the words of Notify's own documentation.

"Failed" lumps together a wrong address (the service's data), a full inbox or a phone switched
off (the recipient's side, worth trying again) and a fault between Notify and its provider
(Notify's). They need different people to act, so the pages show them apart wherever the API
gives statuses: template statistics, the month-by-month statuses and `/platform-stats`.

"Failed", on every page, is the statistics endpoint's six statuses (`statistics.FAILED_STATUSES`).
`/platform-stats` gives four of them apart and leaves out `validation-failed` and the legacy
`failed`; its `total` counts cancelled notifications, which "requested" does not.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pandas as pd

from dashboard.domain.statistics import CHANNEL_LABELS, CHANNELS

if TYPE_CHECKING:
    from dashboard.notify_client.schemas.services import NotificationsByChannel


@dataclass(frozen=True)
class Cause:
    """One kind of failure: its statuses, who can act, and what Notify's documentation says it
    means for each channel it happens on."""

    key: str
    label: str
    statuses: tuple[str, ...]
    who_can_act: str
    meaning: Mapping[str, str]


CAUSES: tuple[Cause, ...] = (
    Cause(
        "permanent",
        "Permanent failure",
        ("permanent-failure",),
        "The service: its address or number is wrong",
        {
            "email": "The provider could not deliver the message because the email address was "
            "wrong. You should remove these email addresses from your database.",
            "sms": "The provider could not deliver the message. This can happen if the phone "
            "number was wrong or if the network operator rejects the message.",
            "letter": "The provider cannot print the letter. Your letter will not be dispatched.",
        },
    ),
    Cause(
        "temporary",
        "Temporary failure",
        ("temporary-failure",),
        "The recipient's side; the service can try again",
        {
            "email": "The provider could not deliver the message. This can happen when the "
            "recipient's inbox is full or their anti-spam filter rejects your email.",
            "sms": "The provider could not deliver the message. This can happen when the "
            "recipient's phone is off, has no signal, or their text message inbox is full. You "
            "can try to send the message again.",
            "letter": "The provider could not deliver the letter.",
        },
    ),
    Cause(
        "technical",
        "Technical failure",
        ("technical-failure", "failed"),
        "Notify: a problem between Notify and its provider",
        {
            "email": "Your message was not sent because there was a problem between Notify and "
            "the provider. You'll have to try sending your messages again.",
            "sms": "Your message was not sent because there was a problem between Notify and "
            "the provider. You'll have to try sending your messages again.",
            "letter": "GOV.UK Notify had an unexpected error while sending the letter to our "
            "printing provider.",
        },
    ),
    Cause(
        "validation",
        "Validation failed (letters)",
        ("validation-failed",),
        "The service: its letter file",
        {
            "letter": "Content in the precompiled letter file is outside the printable area.",
        },
    ),
    Cause(
        "virus",
        "Virus scan failed (letters)",
        ("virus-scan-failed",),
        "The service: its letter file",
        {"letter": "GOV.UK Notify found a potential virus in the precompiled letter file."},
    ),
)

#: The one definition of "Failed" every page uses, for captions and the README.
FAILED_DEFINITION = (
    "Failed counts six statuses: permanent-failure, temporary-failure, technical-failure (with "
    "the older failed), and, for letters, validation-failed and virus-scan-failed."
)

CAUSE_COLUMNS: tuple[str, ...] = (
    "Channel",
    "Cause",
    "Failed",
    "Share of failed",
    "Who can act",
    "What it means",
)


def causes_by_channel(counts: Mapping[str, Mapping[str, int]]) -> pd.DataFrame:
    """Failures by channel and cause from counts by channel and status (a channel or cause
    with no failures is left out), with who can act and Notify's words for each."""
    rows = []
    for channel in CHANNELS:
        by_status = counts.get(channel, {})
        numbers = {
            cause.key: sum(by_status.get(status, 0) for status in cause.statuses)
            for cause in CAUSES
        }
        failed = sum(numbers.values())
        for cause in CAUSES:
            if numbers[cause.key]:
                rows.append(
                    {
                        "Channel": CHANNEL_LABELS[channel],
                        "Cause": cause.label,
                        "Failed": numbers[cause.key],
                        "Share of failed": numbers[cause.key] / failed,
                        "Who can act": cause.who_can_act,
                        "What it means": cause.meaning.get(channel, ""),
                    }
                )
    return pd.DataFrame(rows, columns=list(CAUSE_COLUMNS))


def statuses_over_months(months: Mapping[str, NotificationsByChannel]) -> dict[str, dict[str, int]]:
    """Counts by channel and status added up over the months of `notifications/monthly`."""
    counts: dict[str, dict[str, int]] = {channel: {} for channel in CHANNELS}
    for month in months.values():
        for channel in CHANNELS:
            for status, count in getattr(month, channel).items():
                counts[channel][status] = counts[channel].get(status, 0) + count
    return counts
