import pytest

from dashboard.domain.sectors import (
    ORGANISATION_TYPES,
    default_free_allowance,
    normalise_organisation_type,
    sector_name,
)


def test_organisation_types_in_order():
    assert ORGANISATION_TYPES == (
        "central",
        "local",
        "nhs_central",
        "nhs_local",
        "nhs_gp",
        "emergency_service",
        "school_or_college",
        "other",
    )


@pytest.mark.parametrize(
    ("value", "normalised"),
    [
        ("central", "central"),
        ("nhs_gp", "nhs_gp"),
        ("nhs", "nhs"),
        (None, "other"),
        ("", "other"),
        ("charity", "other"),
        (" Local ", "local"),
    ],
)
def test_normalise_organisation_type(value, normalised):
    assert normalise_organisation_type(value) == normalised


@pytest.mark.parametrize(
    ("organisation_type", "name"),
    [
        ("central", "Central government"),
        ("local", "Local government"),
        ("nhs_central", "NHS central government agency or public body"),
        ("nhs_local", "NHS Trust or Clinical Commissioning Group"),
        ("nhs_gp", "GP surgery"),
        ("emergency_service", "Emergency service"),
        ("school_or_college", "School or college"),
        ("other", "Other"),
        ("nhs", "NHS"),
        (None, "Other"),
        ("unknown", "Other"),
    ],
)
def test_sector_name(organisation_type, name):
    assert sector_name(organisation_type) == name


# Notify's published table of free allowances, one column per period.
ALLOWANCE_TABLE = {
    "central": (250_000, 150_000, 40_000, 30_000, 20_000),
    "nhs_central": (250_000, 150_000, 40_000, 30_000, 20_000),
    "local": (25_000, 25_000, 20_000, 10_000, 10_000),
    "nhs_local": (25_000, 25_000, 20_000, 10_000, 10_000),
    "emergency_service": (25_000, 25_000, 20_000, 10_000, 10_000),
    "nhs_gp": (25_000, 10_000, 10_000, 0, 0),
    "school_or_college": (25_000, 10_000, 10_000, 5_000, 5_000),
    "other": (25_000, 10_000, 10_000, 5_000, 5_000),
}
COLUMN_OF_YEAR = {
    2016: 0,
    2017: 0,
    2018: 0,
    2019: 0,
    2020: 0,
    2021: 1,
    2022: 2,
    2023: 2,
    2024: 3,
    2025: 3,
    2026: 4,
    2027: 4,
    2035: 4,
}


@pytest.mark.parametrize(
    ("organisation_type", "year", "allowance"),
    [
        (organisation_type, year, column[COLUMN_OF_YEAR[year]])
        for organisation_type, column in ALLOWANCE_TABLE.items()
        for year in COLUMN_OF_YEAR
    ],
)
def test_default_free_allowance_follows_the_table(organisation_type, year, allowance):
    assert default_free_allowance(organisation_type, year) == allowance


@pytest.mark.parametrize(
    ("organisation_type", "year", "allowance"),
    [
        ("nhs", 2018, 25_000),
        ("nhs", 2026, 25_000),
        (None, 2026, 5_000),
        (None, 2018, 25_000),
        ("charity", 2021, 10_000),
    ],
)
def test_default_free_allowance_of_legacy_and_missing_types(organisation_type, year, allowance):
    assert default_free_allowance(organisation_type, year) == allowance


def test_no_allowance_before_2016():
    with pytest.raises(ValueError, match="2016"):
        default_free_allowance("central", 2015)
