"""Facts of the Notify API that the sandbox reproduces: statuses, sectors, allowances and rates.

Kept apart from the generator and the routes so that both use one copy of each rule, and so
that the tables can be read against Notify's published pricing in one place.
"""

from datetime import date

CHANNELS = ("email", "sms", "letter")

#: Every status a stored daily row counts, in the order of the daily_counts columns.
STATUSES = (
    "created",
    "sending",
    "pending",
    "sent",
    "delivered",
    "failed",
    "technical-failure",
    "temporary-failure",
    "permanent-failure",
    "validation-failed",
    "virus-scan-failed",
    "cancelled",
)
STATUS_COLUMNS = tuple(status.replace("-", "_") for status in STATUSES)

#: The statistics endpoint's groups: "requested" is every status but cancelled.
REQUESTED_STATUSES = tuple(status for status in STATUSES if status != "cancelled")
DELIVERED_STATUSES = ("delivered", "sent")
FAILED_STATUSES = (
    "failed",
    "technical-failure",
    "temporary-failure",
    "permanent-failure",
    "validation-failed",
    "virus-scan-failed",
)

#: What the API bills (ft_billing counts these); letters are also billed once created.
_MESSAGES_BILLED = (
    "sending",
    "sent",
    "delivered",
    "pending",
    "failed",
    "temporary-failure",
    "permanent-failure",
)
BILLABLE_STATUSES = {
    "email": _MESSAGES_BILLED,
    "sms": _MESSAGES_BILLED,
    "letter": (
        "created",
        "sending",
        "sent",
        "delivered",
        "pending",
        "failed",
        "temporary-failure",
        "permanent-failure",
    ),
}

ORGANISATION_TYPES = (
    "central",
    "local",
    "nhs_central",
    "nhs_local",
    "nhs_gp",
    "emergency_service",
    "school_or_college",
    "other",
)

SERVICE_PERMISSIONS = (
    "email",
    "sms",
    "letter",
    "international_sms",
    "international_letters",
    "inbound_sms",
    "schedule_notifications",
    "email_auth",
    "upload_document",
    "edit_folder_permissions",
    "upload_letters",
    "sms_to_uk_landlines",
    "send_files_via_ui",
)

LIVE_LIMITS = {"email": 250_000, "sms": 250_000, "letter": 20_000}
TRIAL_LIMIT = 50


def trial_mode_allows(channel: str, organisation_type: str | None) -> bool:
    """Whether a service in trial mode can send on a channel, as the Notify admin's trial-mode
    guidance puts it: "You cannot send any letters in trial mode", and GP surgeries cannot
    send any text messages in trial mode."""
    if channel == "letter":
        return False
    return not (channel == "sms" and organisation_type == "nhs_gp")


INTERNATIONAL_SMS_LIMIT = 100

FIRST_FINANCIAL_YEAR = 2016

# Each list gives (first financial year, fragments a year) and holds until the next entry.
_CENTRAL_ALLOWANCES = (
    (2016, 250_000),
    (2021, 150_000),
    (2022, 40_000),
    (2024, 30_000),
    (2026, 20_000),
)
_LOCAL_ALLOWANCES = ((2016, 25_000), (2022, 20_000), (2024, 10_000))
_SMALL_ALLOWANCES = ((2016, 25_000), (2021, 10_000), (2024, 5_000))
DEFAULT_ALLOWANCES = {
    "central": _CENTRAL_ALLOWANCES,
    "nhs_central": _CENTRAL_ALLOWANCES,
    "local": _LOCAL_ALLOWANCES,
    "nhs_local": _LOCAL_ALLOWANCES,
    "emergency_service": _LOCAL_ALLOWANCES,
    "nhs_gp": ((2016, 25_000), (2021, 10_000), (2024, 0)),
    "school_or_college": _SMALL_ALLOWANCES,
    "other": _SMALL_ALLOWANCES,
}

#: SMS rate per fragment in pounds, by the date it took effect (always the 1st of a month).
SMS_RATES = (
    (date(2017, 4, 1), 0.0158),
    (date(2021, 4, 1), 0.0160),
    (date(2022, 4, 1), 0.0161),
    (date(2022, 5, 1), 0.0172),
    (date(2023, 4, 1), 0.0197),
    (date(2024, 4, 1), 0.0227),
    (date(2025, 4, 1), 0.0233),
    (date(2026, 4, 1), 0.0240),
)

#: Per-letter rates by postage. The contract gives none, so these are illustrative only.
LETTER_RATES = (
    (date(2016, 4, 1), {"second": 0.30, "first": 0.56, "europe": 0.84, "rest-of-world": 0.84}),
    (date(2022, 4, 1), {"second": 0.36, "first": 0.66, "europe": 0.98, "rest-of-world": 0.98}),
    (date(2023, 4, 1), {"second": 0.54, "first": 0.82, "europe": 1.44, "rest-of-world": 1.44}),
    (date(2024, 4, 1), {"second": 0.61, "first": 1.00, "europe": 1.52, "rest-of-world": 1.52}),
    (date(2025, 4, 1), {"second": 0.68, "first": 1.32, "europe": 1.60, "rest-of-world": 1.60}),
    (date(2026, 4, 1), {"second": 0.72, "first": 1.39, "europe": 1.66, "rest-of-world": 1.66}),
)


def financial_year_of(day: date) -> int:
    """The financial year (April to March) a day falls in, named by the year it starts."""
    return day.year if day.month >= 4 else day.year - 1


def financial_year_dates(year: int) -> tuple[date, date]:
    """The first and last day of a financial year."""
    return date(year, 4, 1), date(year + 1, 3, 31)


def default_allowance(organisation_type: str | None, financial_year: int) -> int:
    """The sector's free SMS fragments for a year; no type counts as `other`."""
    bands = DEFAULT_ALLOWANCES.get(organisation_type or "other", _SMALL_ALLOWANCES)
    allowance = bands[0][1]
    for first_year, fragments in bands:
        if financial_year >= first_year:
            allowance = fragments
    return allowance


def sms_rate_on(day: date) -> float:
    """The SMS rate per fragment in force on a day (the earliest rate before the table)."""
    rate = SMS_RATES[0][1]
    for effective, value in SMS_RATES:
        if day >= effective:
            rate = value
    return rate


def letter_rate_on(day: date, postage: str) -> float:
    """The illustrative per-letter rate for a postage on a day."""
    rates = LETTER_RATES[0][1]
    for effective, table in LETTER_RATES:
        if day >= effective:
            rates = table
    return rates[postage]
