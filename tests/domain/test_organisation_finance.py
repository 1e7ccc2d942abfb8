"""Finance by organisation from platform-wide answers: services with no organisation as one row,
sums, search and sort."""

from datetime import date
from uuid import uuid4

import pytest

from dashboard.domain.organisation_finance import (
    NO_ORGANISATION,
    organisation_finance,
    search,
    sort_table,
)
from dashboard.notify_client.schemas.platform import VOLUMES_BY_SERVICE
from tests.domain.platform_answers import charge, service
from tests.samples import sample_body


def volumes(service_id: str, organisation: str, allowance: int, used: int, letters: float):
    recorded = sample_body("GET_platform_stats_volumes_by_service")[0]
    (row,) = VOLUMES_BY_SERVICE(
        [
            recorded
            | {
                "service_id": service_id,
                "service_name": f"Service {service_id[:4]}",
                "organisation_id": organisation and f"org-{organisation}",
                "organisation_name": organisation,
                "free_allowance": allowance,
                "sms_chargeable_units": used,
                "letter_cost": letters,
            }
        ]
    )
    return row


def finance():
    ids = [str(uuid4()) for _ in range(4)]
    organisations = ["Leeds City Council", "Leeds City Council", "", ""]
    rows = [
        volumes(sid, organisation, 10_000, used, letters)
        for sid, organisation, used, letters in zip(
            ids, organisations, (20_000, 100, 50, 0), (10.0, 2.5, 0.0, 1.0), strict=True
        )
    ]
    return organisation_finance(
        2026,
        [service(sid, f"Service {sid[:4]}", "local") for sid in ids],
        rows,
        rows,
        [charge(ids[0], "x", 10_000, 240.0)],
        date(2026, 9, 30),
    )


def test_services_with_no_organisation_are_one_row_and_sums_add_up():
    result = finance()
    rows = result.organisations.set_index("organisation")

    assert set(rows.index) == {"Leeds City Council", NO_ORGANISATION}
    leeds = rows.loc["Leeds City Council"]
    assert (leeds["services"], leeds["services_over"], leeds["fragments"]) == (2, 1, 20_100)
    assert leeds["free_used"] == 10_100
    assert leeds["total_cost"] == pytest.approx(240.0 + 12.5)
    assert rows.loc[NO_ORGANISATION, "letter_cost"] == pytest.approx(1.0)
    assert list(result.organisations["organisation"])[0] == "Leeds City Council"  # most cost


def test_search_takes_every_word_in_any_case_and_order():
    table = finance().organisations

    assert list(search(table, "council LEEDS", "organisation")["organisation"]) == [
        "Leeds City Council"
    ]
    assert search(table, "  ", "organisation").equals(table)
    assert search(table, "bristol", "organisation").empty


def test_sort_by_any_column_or_fall_back_for_an_unknown_one():
    table = finance().organisations

    by_name = sort_table(table, "organisation", descending=False)
    assert list(by_name["organisation"]) == sorted(table["organisation"])
    assert sort_table(table, "<script>", descending=True)["fragments"].is_monotonic_decreasing
