"""Billing: the free allowance is used April first, what is left is charged at the month's rate."""

import sqlite3
from datetime import date, timedelta

import pytest
from flask.testing import FlaskClient

from notify_sandbox.billing import Usage, monthly_usage, usage_lines, yearly_usage
from notify_sandbox.clock import london_today
from tests.samples import sample_service_id
from tests.sandbox.helpers import get, notify_service_id, unknown_id

#: Notify's published SMS rates; every change falls on the 1st of a month.
SMS_RATES = [
    (date(2017, 4, 1), 0.0158),
    (date(2021, 4, 1), 0.0160),
    (date(2022, 4, 1), 0.0161),
    (date(2022, 5, 1), 0.0172),
    (date(2023, 4, 1), 0.0197),
    (date(2024, 4, 1), 0.0227),
    (date(2025, 4, 1), 0.0233),
    (date(2026, 4, 1), 0.0240),
]
#: What the API bills: texts that went to a provider, whatever happened next.
BILLABLE_SMS = (
    "sending",
    "sent",
    "delivered",
    "pending",
    "failed",
    "temporary_failure",
    "permanent_failure",
)


def rate_on(day: date) -> float:
    return [rate for start, rate in SMS_RATES if start <= day][-1]


def this_financial_year() -> int:
    today = london_today()
    return today.year if today.month >= 4 else today.year - 1


def test_a_hand_worked_year_uses_the_allowance_in_order_and_prices_each_month() -> None:
    # FY2022, 1,000 free fragments: April uses 600 of them at 1.61p (free), May uses the
    # other 400 and pays for 300 at 1.72p (£5.16), June pays for all 100 (£1.72).
    days = [
        Usage(date(2022, 6, 3), "sms", 80, 100),
        Usage(date(2022, 4, 4), "sms", 300, 350),
        Usage(date(2022, 4, 20), "sms", 200, 250),
        Usage(date(2022, 5, 9), "sms", 560, 700),
        Usage(date(2022, 5, 9), "email", 40, 0),
        Usage(date(2022, 5, 10), "letter", 3, 0),
    ]

    lines = usage_lines(days, free_allowance=1000, letter_postage="second")

    sms = [row for row in monthly_usage(lines) if row["notification_type"] == "sms"]
    assert [
        (
            row["month"],
            row["rate"],
            row["chargeable_units"],
            row["free_allowance_used"],
            row["charged_units"],
            row["cost"],
        )
        for row in sms
    ] == [
        ("April", 0.0161, 600, 600, 0, 0.0),
        ("May", 0.0172, 700, 400, 300, 5.16),
        ("June", 0.0172, 100, 0, 100, 1.72),
    ]
    yearly = {(row["notification_type"], row["rate"]): row for row in yearly_usage(lines)}
    assert yearly["sms", 0.0172]["cost"] == pytest.approx(6.88)
    assert yearly["sms", 0.0172]["notifications_sent"] == 640
    assert yearly["sms", 0.0161]["free_allowance_used"] == 600
    assert yearly["email", 0.0] == {
        "notification_type": "email",
        "chargeable_units": 40,
        "notifications_sent": 40,
        "rate": 0.0,
        "cost": 0.0,
        "free_allowance_used": 0,
        "charged_units": 40,
    }
    assert yearly["letter", 0.36]["cost"] == pytest.approx(1.08)


def test_monthly_usage_leaves_emails_out_as_the_api_does() -> None:
    lines = usage_lines([Usage(date(2024, 7, 1), "email", 10, 0)], 0, "second")

    assert monthly_usage(lines) == []
    assert [row["notification_type"] for row in yearly_usage(lines)] == ["email"]


def busiest_texter(db: sqlite3.Connection, year: int) -> tuple[str, int]:
    """The service with the most SMS fragments since April, and how many days ago that was."""
    oldest = (london_today() - date(year, 4, 1)).days
    service_id = db.execute(
        """SELECT services.id FROM daily_counts JOIN services ON sid = service_sid
           WHERE channel = 'sms' AND days_ago <= ? GROUP BY services.id
           ORDER BY SUM(fragments) DESC LIMIT 1""",
        (oldest,),
    ).fetchone()[0]
    return service_id, oldest


def hand_worked_sms(db: sqlite3.Connection, service_id: str, year: int) -> dict:
    """This year's SMS by rate, worked out from the stored rows and the contract's rules."""
    service_id, oldest = service_id, (london_today() - date(year, 4, 1)).days
    months: dict[date, list[int]] = {}
    columns = ", ".join(BILLABLE_SMS)
    for days_ago, fragments, *billable in db.execute(
        f"""SELECT days_ago, fragments, {columns} FROM daily_counts
            WHERE channel = 'sms' AND days_ago <= ?
              AND service_sid = (SELECT sid FROM services WHERE id = ?)""",
        (oldest, service_id),
    ):
        month = (london_today() - timedelta(days=days_ago)).replace(day=1)
        total = months.setdefault(month, [0, 0])
        total[0] += fragments
        total[1] += sum(billable)
    allowance = db.execute(
        "SELECT free_sms_fragment_limit FROM annual_billing "
        "WHERE service_id = ? AND financial_year_start = ?",
        (service_id, year),
    ).fetchone()[0]
    by_rate: dict[float, dict] = {}
    left = allowance
    for month in sorted(months):
        fragments, sent = months[month]
        free = min(left, fragments)
        left -= free
        row = by_rate.setdefault(
            rate_on(month),
            {
                "chargeable_units": 0,
                "notifications_sent": 0,
                "free_allowance_used": 0,
                "charged_units": 0,
            },
        )
        row["chargeable_units"] += fragments
        row["notifications_sent"] += sent
        row["free_allowance_used"] += free
        row["charged_units"] += fragments - free
    for rate, row in by_rate.items():
        row["cost"] = row["charged_units"] * rate
    return {"allowance": allowance, "by_rate": by_rate}


def test_yearly_usage_agrees_with_a_hand_worked_count(
    client: FlaskClient, db: sqlite3.Connection
) -> None:
    year = this_financial_year()
    service_id, _ = busiest_texter(db, year)
    worked = hand_worked_sms(db, service_id, year)

    response = get(client, f"/service/{service_id}/billing/yearly-usage-summary", year=year)

    sms = {row["rate"]: row for row in response.get_json() if row["notification_type"] == "sms"}
    assert sms.keys() == worked["by_rate"].keys()
    for rate, row in sms.items():
        hand = worked["by_rate"][rate]
        for key in (
            "chargeable_units",
            "notifications_sent",
            "free_allowance_used",
            "charged_units",
        ):
            assert row[key] == hand[key], key
        assert row["cost"] == pytest.approx(hand["cost"])
    assert sum(row["free_allowance_used"] for row in sms.values()) == min(
        worked["allowance"], sum(row["chargeable_units"] for row in sms.values())
    )
    assert sum(row["cost"] for row in sms.values()) > 0, "pick a service beyond its allowance"


def test_monthly_usage_adds_up_to_the_yearly_summary(
    client: FlaskClient, db: sqlite3.Connection
) -> None:
    year = this_financial_year()
    service_id, _ = busiest_texter(db, year)
    path = f"/service/{service_id}/billing"

    monthly = get(client, f"{path}/monthly-usage", year=year).get_json()
    yearly = get(client, f"{path}/yearly-usage-summary", year=year).get_json()

    for channel in ("sms", "letter"):
        for key in ("chargeable_units", "free_allowance_used", "charged_units"):
            assert sum(row[key] for row in monthly if row["notification_type"] == channel) == sum(
                row[key] for row in yearly if row["notification_type"] == channel
            )
    for row in monthly:
        if row["notification_type"] == "sms":
            assert row["postage"] == "none"
        else:
            assert row["postage"] in ("first", "second")
    assert "email" not in {row["notification_type"] for row in monthly}


def test_a_year_with_no_usage_is_an_empty_list(client: FlaskClient) -> None:
    path = f"/service/{sample_service_id()}/billing/yearly-usage-summary"

    assert get(client, path, year=2019).get_json() == []
    assert (
        get(
            client, f"/service/{unknown_id()}/billing/monthly-usage", year=this_financial_year()
        ).get_json()
        == []
    )


@pytest.mark.parametrize(
    ("year", "fragments"),
    [
        (2016, 250_000),
        (2020, 250_000),
        (2021, 150_000),
        (2023, 40_000),
        (2024, 30_000),
        (2026, 20_000),
    ],
)
def test_a_central_service_gets_its_sectors_allowance_each_year(
    client: FlaskClient, year: int, fragments: int
) -> None:
    response = get(
        client,
        f"/service/{sample_service_id()}/billing/free-sms-fragment-limit",
        financial_year_start=year,
    )

    assert response.get_json() == {
        "financial_year_start": year,
        "free_sms_fragment_limit": fragments,
    }


def test_a_year_with_no_stored_allowance_gets_the_sectors_default(client: FlaskClient) -> None:
    year = this_financial_year() + 1

    response = get(
        client,
        f"/service/{sample_service_id()}/billing/free-sms-fragment-limit",
        financial_year_start=year,
    )

    assert response.get_json() == {"financial_year_start": year, "free_sms_fragment_limit": 20_000}


def test_notify_keeps_its_custom_allowance(client: FlaskClient) -> None:
    path = f"/service/{notify_service_id()}/billing/free-sms-fragment-limit"

    for year in (2016, 2021, this_financial_year()):
        assert (
            get(client, path, financial_year_start=year).get_json()["free_sms_fragment_limit"]
            == 250_000
        )


def test_an_unknown_service_has_no_allowance(client: FlaskClient) -> None:
    response = get(client, f"/service/{unknown_id()}/billing/free-sms-fragment-limit")

    assert response.status_code == 404
