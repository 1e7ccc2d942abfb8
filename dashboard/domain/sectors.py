"""Sectors (the API's organisation types) and their default free text-message allowances.

Notify gives each service a yearly allowance of free SMS fragments that depends on its
organisation type and on the financial year; finance compares each service's actual
allowance with this default to find custom allowances.
"""

from __future__ import annotations

ORGANISATION_TYPES: tuple[str, ...] = (
    "central",
    "local",
    "nhs_central",
    "nhs_local",
    "nhs_gp",
    "emergency_service",
    "school_or_college",
    "other",
)

#: The 2018 API's single NHS type, before it was split in 2019.
LEGACY_NHS = "nhs"

_SECTOR_NAMES = {
    "central": "Central government",
    "local": "Local government",
    "nhs_central": "NHS central government agency or public body",
    "nhs_local": "NHS Trust or Clinical Commissioning Group",
    "nhs_gp": "GP surgery",
    "emergency_service": "Emergency service",
    "school_or_college": "School or college",
    "other": "Other",
    LEGACY_NHS: "NHS",
}

# Notify's published allowance table by column: (first financial year, allowance by type).
_ALLOWANCE_PERIODS: tuple[tuple[int, dict[str, int]], ...] = (
    (
        2016,
        {
            "central": 250_000,
            "nhs_central": 250_000,
            "local": 25_000,
            "nhs_local": 25_000,
            "emergency_service": 25_000,
            "nhs_gp": 25_000,
            "school_or_college": 25_000,
            "other": 25_000,
        },
    ),
    (
        2021,
        {
            "central": 150_000,
            "nhs_central": 150_000,
            "local": 25_000,
            "nhs_local": 25_000,
            "emergency_service": 25_000,
            "nhs_gp": 10_000,
            "school_or_college": 10_000,
            "other": 10_000,
        },
    ),
    (
        2022,
        {
            "central": 40_000,
            "nhs_central": 40_000,
            "local": 20_000,
            "nhs_local": 20_000,
            "emergency_service": 20_000,
            "nhs_gp": 10_000,
            "school_or_college": 10_000,
            "other": 10_000,
        },
    ),
    (
        2024,
        {
            "central": 30_000,
            "nhs_central": 30_000,
            "local": 10_000,
            "nhs_local": 10_000,
            "emergency_service": 10_000,
            "nhs_gp": 0,
            "school_or_college": 5_000,
            "other": 5_000,
        },
    ),
    (
        2026,
        {
            "central": 20_000,
            "nhs_central": 20_000,
            "local": 10_000,
            "nhs_local": 10_000,
            "emergency_service": 10_000,
            "nhs_gp": 0,
            "school_or_college": 5_000,
            "other": 5_000,
        },
    ),
)

#: The 2018 "nhs" type's allowance (the table has no column for it after 2019).
LEGACY_NHS_ALLOWANCE = 25_000


def normalise_organisation_type(value: str | None) -> str:
    """The organisation type to group and price by: a known type, 2018's "nhs", else "other".

    The API allows a null type and older data may hold types we do not know; both count as
    "other", as the API itself does when it sets a default allowance.
    """
    if not isinstance(value, str):
        return "other"
    key = value.strip().lower()
    if key in ORGANISATION_TYPES or key == LEGACY_NHS:
        return key
    return "other"


def sector_name(organisation_type: str | None) -> str:
    """The words people read for an organisation type, e.g. "Central government"."""
    return _SECTOR_NAMES[normalise_organisation_type(organisation_type)]


def default_free_allowance(organisation_type: str | None, financial_year: int) -> int:
    """The default free SMS fragments a year for a sector, to spot custom allowances.

    Years after the last column of the table use that column. Raises ValueError before
    FY2016, when Notify had no allowances.
    """
    if financial_year < _ALLOWANCE_PERIODS[0][0]:
        raise ValueError(f"No free allowance before financial year {_ALLOWANCE_PERIODS[0][0]}")
    organisation_type = normalise_organisation_type(organisation_type)
    if organisation_type == LEGACY_NHS:
        return LEGACY_NHS_ALLOWANCE
    allowances = next(
        table for first_year, table in reversed(_ALLOWANCE_PERIODS) if financial_year >= first_year
    )
    return allowances[organisation_type]
