"""Allowance, chargeable fragments and cost for each sector, worked by hand."""

from decimal import Decimal
from uuid import uuid4

import pytest

from dashboard.loaders.allowances import load_allowances
from tests.conftest import TEST_API
from tests.samples import sample_body

# 25,000 fragments in FY2026 (15,000 in April, 10,000 in May) at 2.40p a fragment.
HAND_WORKED = [
    # sector, default allowance, chargeable, cost
    ("central", 20_000, 5_000, "120.00"),
    ("nhs_central", 20_000, 5_000, "120.00"),
    ("local", 10_000, 15_000, "360.00"),
    ("nhs_local", 10_000, 15_000, "360.00"),
    ("emergency_service", 10_000, 15_000, "360.00"),
    ("nhs_gp", 0, 25_000, "600.00"),
    ("school_or_college", 5_000, 20_000, "480.00"),
    ("other", 5_000, 20_000, "480.00"),
]


def mock_live_service(requests_mock, organisation_type: str | None, allowance: int) -> dict:
    service = sample_body("GET_service")["data"] | {
        "id": str(uuid4()),
        "name": f"A {organisation_type} service",
        "active": True,
        "restricted": False,
        "organisation_type": organisation_type,
    }
    base = f"{TEST_API}/service/{service['id']}/billing"
    requests_mock.get(
        f"{base}/free-sms-fragment-limit",
        json={"free_sms_fragment_limit": allowance, "financial_year_start": 2026},
    )
    requests_mock.get(
        f"{base}/monthly-usage",
        json=[
            {
                "month": "April",
                "notification_type": "sms",
                "chargeable_units": 15_000,
                "rate": 0.024,
            },
            {"month": "May", "notification_type": "sms", "chargeable_units": 10_000, "rate": 0.024},
            {"month": "May", "notification_type": "letter", "chargeable_units": 300, "rate": 0.77},
        ],
    )
    return service


@pytest.mark.parametrize(("organisation_type", "allowance", "chargeable", "cost"), HAND_WORKED)
def test_each_sector_by_hand(
    requests_mock, clients, organisation_type, allowance, chargeable, cost
):
    service = mock_live_service(requests_mock, organisation_type, allowance)
    requests_mock.get(f"{TEST_API}/service", json={"data": [service]})

    result = load_allowances(clients, TEST_API, 2026)

    (row,) = result.services.to_dict("records")
    assert row["allowance"] == row["sector_default"] == allowance
    assert row["used"] == 25_000
    assert row["remaining"] == max(0, allowance - 25_000)
    assert row["chargeable"] == chargeable
    assert Decimal(str(row["cost"])) == Decimal(cost)
    (sector,) = result.sectors.to_dict("records")
    assert (sector["services"], sector["chargeable"]) == (1, chargeable)


def test_a_custom_allowance_is_marked_and_used(requests_mock, clients):
    service = mock_live_service(requests_mock, "central", 30_000)
    requests_mock.get(f"{TEST_API}/service", json={"data": [service]})

    (row,) = load_allowances(clients, TEST_API, 2026).services.to_dict("records")

    assert row["custom_allowance"] and row["sector_default"] == 20_000
    assert (row["remaining"], row["chargeable"], row["cost"]) == (5_000, 0, 0.0)


def test_a_service_with_no_sector_counts_as_other(requests_mock, clients):
    service = mock_live_service(requests_mock, None, 5_000)
    requests_mock.get(f"{TEST_API}/service", json={"data": [service]})

    (row,) = load_allowances(clients, TEST_API, 2026).services.to_dict("records")

    assert (row["organisation_type"], row["sector"]) == ("other", "Other")


def test_trial_services_are_left_out_and_failures_listed(requests_mock, clients):
    live = mock_live_service(requests_mock, "local", 10_000)
    broken = {**mock_live_service(requests_mock, "local", 10_000), "name": "Broken"}
    trial = {**mock_live_service(requests_mock, "local", 10_000), "restricted": True}
    requests_mock.get(
        f"{TEST_API}/service/{broken['id']}/billing/monthly-usage", status_code=500, json={}
    )
    requests_mock.get(f"{TEST_API}/service", json={"data": [live, broken, trial]})
    progress = []

    result = load_allowances(
        clients, TEST_API, 2026, on_progress=lambda done, total: progress.append((done, total))
    )

    assert list(result.services["service_id"]) == [live["id"]]
    assert list(result.failed) == ["Broken"]
    assert "internal error" in result.failed["Broken"]
    assert progress == [(2, 2)]
