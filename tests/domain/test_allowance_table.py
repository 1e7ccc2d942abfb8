"""The Allowances tables from platform-wide answers: each figure, sector totals, what is left
out and why, and the platform's own service kept apart."""

from datetime import date
from uuid import uuid4

import pytest

from dashboard.domain.allowance_table import (
    ALL,
    CUSTOM,
    OVER,
    AllowanceTables,
    allowance_probe,
    allowance_tables,
    filter_allowances,
    share_words,
    totals,
    usage_range,
    year_notes,
)
from dashboard.domain.platform_service import NOTIFY_SERVICE_ID
from tests.domain.platform_answers import charge, service, volumes


def test_the_probe_is_1_april_alone_in_the_calendar_and_financial_year():
    assert allowance_probe(2025) == (date(2025, 4, 1), date(2025, 4, 1))


@pytest.mark.parametrize(
    ("year", "today", "expected"),
    [
        (2025, date(2026, 11, 27), (date(2025, 4, 1), date(2026, 3, 31))),
        (2026, date(2026, 11, 27), (date(2026, 4, 1), date(2026, 11, 27))),
        (2026, date(2027, 2, 10), (date(2026, 4, 1), date(2027, 2, 10))),
        (2026, date(2026, 4, 1), (date(2026, 4, 1), date(2026, 4, 1))),
    ],
)
def test_use_is_read_over_the_year_so_far(year, today, expected):
    assert usage_range(year, today) == expected


def test_each_figure_of_a_live_service():
    """Allowance from the probe, use from the year's volumes, charges from the report."""
    over, under = str(uuid4()), str(uuid4())
    tables = allowance_tables(
        2026,
        [service(over, "Over", "local"), service(under, "Under", "central")],
        [volumes(over, "Over", allowance=10_000), volumes(under, "Under", allowance=20_000)],
        # The year's volumes carry next year's allowance: it must not be used.
        [volumes(over, "Over", 99, used=25_000), volumes(under, "Under", 99, used=1_500)],
        [charge(over, "Over", 15_000, 360.0)],
    )

    rows = tables.services.set_index("name")
    assert rows.loc["Over", ["allowance", "used", "remaining", "chargeable", "cost"]].tolist() == [
        10_000,
        25_000,
        0,
        15_000,
        360.0,
    ]
    assert bool(rows.loc["Over", "over_allowance"]) is True
    assert rows.loc["Under", ["allowance", "used", "remaining", "chargeable", "cost"]].tolist() == [
        20_000,
        1_500,
        18_500,
        0,
        0.0,
    ]
    assert bool(rows.loc["Under", "over_allowance"]) is False
    assert tables.excluded == ()
    assert tables.has_charges


def test_a_custom_allowance_is_marked_against_the_sectors_default():
    custom, default = str(uuid4()), str(uuid4())
    tables = allowance_tables(
        2026,
        [service(custom, "Custom", "central"), service(default, "Default", None)],
        [volumes(custom, "Custom", 50_000), volumes(default, "Default", 5_000)],
        [volumes(custom, "Custom"), volumes(default, "Default")],
        [],
    )

    rows = tables.services.set_index("name")
    assert rows.loc["Custom", ["sector_default", "custom_allowance"]].tolist() == [20_000, True]
    assert rows.loc["Default", ["sector", "sector_default", "custom_allowance"]].tolist() == [
        "Other",
        5_000,
        False,
    ]


def test_sector_totals_add_up_their_services_in_the_usual_order():
    ids = [str(uuid4()) for _ in range(3)]
    tables = allowance_tables(
        2026,
        [
            service(ids[0], "Local one", "local"),
            service(ids[1], "Central", "central"),
            service(ids[2], "Local two", "local"),
        ],
        [volumes(ids[0], "", 10_000), volumes(ids[1], "", 20_000), volumes(ids[2], "", 10_000)],
        [volumes(ids[0], "", 0, 12_000), volumes(ids[1], "", 0, 5_000), volumes(ids[2], "", 0, 0)],
        [charge(ids[0], "", 2_000, 48.0)],
    )

    sectors = tables.sectors.set_index("sector")
    assert list(sectors.index) == ["Central government", "Local government"]
    local = sectors.loc["Local government"]
    assert (local["services"], local["total_allowance"], local["used"]) == (2, 20_000, 12_000)
    assert (local["remaining"], local["chargeable"], local["cost"]) == (10_000, 2_000, 48.0)
    assert local["share_used"] == pytest.approx(0.6)
    assert local["share_used_words"] == "60.0 %"
    figures = totals(tables)
    assert {name: figures[name] for name in ("services", "used", "chargeable", "cost")} == {
        "services": 3,
        "used": 17_000,
        "chargeable": 2_000,
        "cost": 48.0,
    }
    assert figures["services_over"] == 1


def test_a_sector_with_no_allowance_has_no_share_used():
    gp = str(uuid4())
    tables = allowance_tables(
        2026, [service(gp, "GP", "nhs_gp")], [volumes(gp, "GP", 0)], [volumes(gp, "GP", 0, 40)], []
    )

    assert tables.sectors["share_used"].isna().all()


@pytest.mark.parametrize(
    ("share", "words"),
    [
        (0.2005, "20.1 %"),
        (1.0, "100.0 %"),
        (2.58, "258 % over"),
        (16.17, "1,617 % over"),
        (None, ""),
        (float("nan"), ""),
    ],
)
def test_a_share_past_100_percent_reads_as_over_with_its_figure_never_clipped(share, words):
    assert share_words(share) == words


def test_the_platforms_own_service_is_kept_apart_and_out_of_the_totals():
    customer = str(uuid4())
    tables = allowance_tables(
        2026,
        [service(NOTIFY_SERVICE_ID, "GOV.UK Notify", None), service(customer, "Fines", None)],
        [volumes(NOTIFY_SERVICE_ID, "", 250_000), volumes(customer, "", 5_000)],
        [volumes(NOTIFY_SERVICE_ID, "", 0, 900), volumes(customer, "", 0, 100)],
        [],
    )

    assert list(tables.services["service_id"]) == [customer]
    assert list(tables.platform["service_id"]) == [NOTIFY_SERVICE_ID]
    (other,) = tables.sectors.to_dict("records")
    assert (other["sector"], other["total_allowance"], other["used"]) == ("Other", 5_000, 100)


def test_services_that_cannot_be_placed_are_listed_with_why():
    placed, unlisted, no_allowance, stranger = (str(uuid4()) for _ in range(4))
    tables = allowance_tables(
        2026,
        [service(placed, "Placed", "local"), service(no_allowance, "No allowance", "local")],
        [volumes(placed, "Placed", 10_000), volumes(unlisted, "Unlisted", 10_000)],
        [
            volumes(placed, "Placed"),
            volumes(unlisted, "Unlisted"),
            volumes(no_allowance, "No allowance"),
        ],
        [charge(stranger, "Stranger", 10, 0.24)],
    )

    assert list(tables.services["name"]) == ["Placed"]
    reasons = {item.name: item.reason for item in tables.excluded}
    assert reasons.keys() == {"Unlisted", "No allowance", "Stranger"}
    assert "not in the services list" in reasons["Unlisted"]
    assert "no free allowance for 2026 to 2027" in reasons["No allowance"]
    assert "billing report" in reasons["Stranger"]


def test_services_in_the_billing_report_that_are_not_live_are_left_out_quietly():
    live, trial = str(uuid4()), str(uuid4())
    tables = allowance_tables(
        2026,
        [service(live, "Live", "local"), service(trial, "Trial", "local", restricted=True)],
        [volumes(live, "Live", 10_000)],
        [volumes(live, "Live")],
        [charge(trial, "Trial", 0, 0.0)],
    )

    assert list(tables.services["name"]) == ["Live"]
    assert tables.excluded == ()


def test_without_the_billing_report_the_charge_columns_are_absent():
    one = str(uuid4())
    tables = allowance_tables(
        2026,
        [service(one, "One", "local")],
        [volumes(one, "", 10)],
        [volumes(one, "", 0, 20)],
        None,
    )

    assert not tables.has_charges
    assert "chargeable" not in tables.services and "cost" not in tables.services
    assert "chargeable" not in tables.sectors and "cost" not in tables.sectors
    assert bool(tables.services.loc[0, "over_allowance"]) is True
    figures = totals(tables)
    assert (figures["services"], figures["used"]) == (1, 20)
    assert "chargeable" not in figures and "cost" not in figures and "total_cost" not in figures


def test_filters_keep_all_those_over_or_those_with_a_custom_allowance():
    over, custom = str(uuid4()), str(uuid4())
    tables = allowance_tables(
        2026,
        [service(over, "Over", "local"), service(custom, "Custom", "local")],
        [volumes(over, "", 10_000), volumes(custom, "", 12_345)],
        [volumes(over, "", 0, 10_001), volumes(custom, "", 0, 0)],
        [charge(over, "", 1, 0.02)],
    )

    assert set(filter_allowances(tables.services, ALL)["name"]) == {"Over", "Custom"}
    assert list(filter_allowances(tables.services, OVER)["name"]) == ["Over"]
    assert list(filter_allowances(tables.services, CUSTOM)["name"]) == ["Custom"]


def test_empty_answers_give_empty_tables():
    tables = allowance_tables(2026, [], [], [], [])

    assert tables.services.empty and tables.sectors.empty and tables.platform.empty
    assert totals(tables) == {
        "services": 0,
        "used": 0,
        "services_over": 0,
        "letters": 0,
        "letter_sheets": 0,
        "letter_cost": 0.0,
        "chargeable": 0,
        "cost": 0.0,
        "total_cost": 0.0,
    }
    assert not tables.has_data


def test_every_live_service_is_a_row_or_named_with_why():
    """The API leaves a live service with no allowance row out of volumes-by-service: it is
    named, not lost; a service of the list that is not live is not expected there."""
    placed, absent, trial = str(uuid4()), str(uuid4()), str(uuid4())
    tables = allowance_tables(
        2026,
        [
            service(placed, "Placed", "local"),
            service(absent, "Absent", "central"),
            service(trial, "Trial", "local", restricted=True),
        ],
        [volumes(placed, "Placed", 10_000)],
        [volumes(placed, "Placed")],
        [],
    )

    assert list(tables.services["name"]) == ["Placed"]
    (left_out,) = tables.excluded
    assert (left_out.name, left_out.service_id) == ("Absent", absent)
    assert "volumes-by-service does not list it" in left_out.reason


def test_a_row_of_volumes_the_services_list_says_is_not_live_is_not_summed():
    inactive = str(uuid4())
    tables = allowance_tables(
        2026,
        [service(inactive, "Closed", "local", active=False)],
        [volumes(inactive, "Closed", 10_000)],
        [volumes(inactive, "Closed", used=500)],
        [],
    )

    assert tables.services.empty
    assert [item.reason for item in tables.excluded] == [
        "in volumes-by-service, which lists live services, but the services list says it is "
        "inactive"
    ]


def test_a_service_over_its_allowance_with_no_charge_shows_the_report_is_short():
    over, under = str(uuid4()), str(uuid4())
    tables = allowance_tables(
        2026,
        [service(over, "Over", "local"), service(under, "Under", "local")],
        [volumes(over, "Over", 10_000), volumes(under, "Under", 10_000)],
        [volumes(over, "Over", used=10_001), volumes(under, "Under", used=9_000)],
        [],
    )

    assert list(tables.services["name"]) == ["Under"]
    assert [(item.name, item.reason) for item in tables.excluded] == [
        ("Over", "used more than its allowance, but the billing report has no charge for it")
    ]


def test_sectors_count_services_over_and_under_without_pooling():
    """One service far over and two well under: the sector's pooled share looks fine, its
    count over does not; the share is kept unclipped."""
    far, under, also = str(uuid4()), str(uuid4()), str(uuid4())
    tables = allowance_tables(
        2026,
        [
            service(sid, name, "emergency_service")
            for sid, name in ((far, "Far"), (under, "U"), (also, "A"))
        ],
        [volumes(sid, "x", allowance=10_000) for sid in (far, under, also)],
        [volumes(far, "Far", 0, 25_800), volumes(under, "U", 0, 100), volumes(also, "A", 0, 0)],
        [charge(far, "Far", 15_800, 379.2)],
    )

    (sector,) = tables.sectors.to_dict("records")
    assert (sector["services_over"], sector["services_under"]) == (1, 2)
    assert (sector["chargeable"], sector["cost"]) == (15_800, 379.2)
    assert sector["share_used"] == pytest.approx(25_900 / 30_000)
    far_row = tables.services.set_index("name").loc["Far"]
    assert far_row["used"] / far_row["allowance"] == pytest.approx(2.58)  # not clipped to 1


def test_services_are_sorted_by_total_cost_with_letters_and_links():
    cheap, dear = str(uuid4()), str(uuid4())
    tables = allowance_tables(
        2026,
        [service(cheap, "A cheap one", "local"), service(dear, "Z dear one", "local")],
        [
            volumes(cheap, "A cheap one", allowance=10_000),
            volumes(dear, "Z dear one", allowance=10_000),
        ],
        [volumes(cheap, "A cheap one", 0, 10), volumes(dear, "Z dear one", 0, 30_000)],
        [charge(dear, "Z dear one", 20_000, 480.0)],
    )

    assert list(tables.services["name"]) == ["Z dear one", "A cheap one"]
    dear_row = tables.services.iloc[0]
    assert dear_row["total_cost"] == pytest.approx(480.0 + dear_row["letter_cost"])
    assert dear_row["link"].startswith(f"service?service_id={dear}")
    assert "purchase_order_number" in tables.services


def test_services_with_costs_that_are_not_live_are_apart_and_in_the_platform_total():
    live, trial = str(uuid4()), str(uuid4())
    tables = allowance_tables(
        2026,
        [service(live, "Live", "local"), service(trial, "Trial", "local", restricted=True)],
        [volumes(live, "Live", allowance=10_000)],
        [volumes(live, "Live", 0, 100)],
        [charge(trial, "Trial", 0, 0.0)],
    )

    assert list(tables.not_live["name"]) == ["Trial"]
    assert list(tables.not_live["status"]) == ["Trial"]
    assert "Trial" not in set(tables.services["name"])
    assert tables.platform_total_cost == pytest.approx(
        tables.services["total_cost"].sum() + tables.not_live["total_cost"].sum()
    )


def two_local_services(today: date | None = None) -> AllowanceTables:
    """2026's tables of two local services of 10,000 free fragments: One has used 9,000, Two
    1,000."""
    one, two = str(uuid4()), str(uuid4())
    return allowance_tables(
        2026,
        [service(one, "One", "local"), service(two, "Two", "local")],
        [volumes(one, "One", allowance=10_000), volumes(two, "Two", allowance=10_000)],
        [volumes(one, "One", 0, 9_000), volumes(two, "Two", 0, 1_000)],
        [],
        today=today,
    )


def test_with_today_each_service_has_a_year_end_range_summed_by_sector():
    tables = two_local_services(today=date(2026, 9, 30))

    rows = tables.services.set_index("name")
    assert rows.loc["One", "expected_over"] == "Expected over Oct 2026"
    low, high = rows.loc["One", "year_end_cost_low"], rows.loc["One", "year_end_cost_high"]
    assert rows.loc["One", "year_end_words"] == (
        f"Expected over Oct 2026; £{low:,.0f} to £{high:,.0f}"
    )
    assert rows.loc["Two", "year_end_words"] == ""
    assert rows.loc["Two", "year_end_fragments_low"] < rows.loc["Two", "year_end_fragments"]
    assert rows.loc["One", "year_end_chargeable"] == rows.loc["One", "year_end_fragments"] - 10_000
    assert rows.loc["Two", "year_end_chargeable_high"] == 0
    (sector,) = tables.sectors.to_dict("records")
    assert sector["expected_over"] == 1
    for figure in ("year_end_fragments", "year_end_chargeable", "year_end_cost"):
        assert sector[f"{figure}_low"] <= sector[figure] <= sector[f"{figure}_high"], figure
        assert sector[figure] == pytest.approx(rows[figure].sum()), figure
    assert tables.year_end is not None and tables.year_end.services == 2
    assert sector["year_end_chargeable"] == tables.year_end.chargeable.expected > 0


def test_a_sector_sums_its_services_letters_sheets_and_cost():
    tables = two_local_services()

    (sector,) = tables.sectors.to_dict("records")
    for column in ("letters", "letter_sheets", "letter_cost"):
        assert sector[column] == pytest.approx(tables.services[column].sum()), column
    assert sector["letter_sheets"] > 0
    assert totals(tables)["letter_sheets"] == sector["letter_sheets"]


def test_a_year_with_no_data_says_so_and_a_past_year_says_what_it_holds():
    empty = allowance_tables(2017, [], [], [], [])
    assert year_notes(2017, empty.has_data, len(empty.not_live), 2026) == (
        "The API holds no texts, letters or charges for 2017 to 2018: its data does not reach "
        "back this far, so there are no figures to show rather than zeros.",
    )
    live, gone = str(uuid4()), str(uuid4())
    past = allowance_tables(
        2024,
        [service(live, "Live", "local"), service(gone, "Gone", "local", active=False)],
        [volumes(live, "Live", allowance=10_000)],
        [volumes(live, "Live", 0, 100)],
        [charge(gone, "Gone", 10, 0.2)],
    )
    (note,) = year_notes(2024, past.has_data, len(past.not_live), 2026)
    assert "live today" in note and "1 service with costs in 2024 to 2025" in note
    assert list(past.not_live["status"]) == ["Inactive"]
    assert year_notes(2024, True, 1, 2024) == ()
