"""Statistics equal a direct count of the generated rows, by the contract's rules.

The tests read the stored rows themselves and apply the real API's counting rules with their
own status lists, so a mistake in the sandbox's SQL cannot hide in a shared constant.
"""

import sqlite3
from datetime import date, timedelta
from email.utils import parsedate_to_datetime

import pytest
from flask.testing import FlaskClient

from notify_sandbox.clock import london_today
from tests.samples import sample_service_id
from tests.sandbox.helpers import REQUESTED_COLUMNS, STATUS_COLUMNS, get, notify_service_id

DELIVERED = ("delivered", "sent")
FAILED = (
    "failed",
    "technical_failure",
    "temporary_failure",
    "permanent_failure",
    "validation_failed",
    "virus_scan_failed",
)
WINDOWS = [
    {"limit_days": 1},
    {"limit_days": 7},
    {"limit_days": 30},
    {"limit_days": 0},
    {"limit_days": 400},
    {"today_only": "True"},
]


def rows_of(db: sqlite3.Connection, service_id: str) -> list[dict]:
    cursor = db.execute(
        "SELECT * FROM daily_counts WHERE service_sid = (SELECT sid FROM services WHERE id = ?)",
        (service_id,),
    )
    columns = [column[0] for column in cursor.description]
    return [dict(zip(columns, row, strict=True)) for row in cursor]


def expected(db: sqlite3.Connection, service_id: str, oldest_days_ago: int) -> dict:
    counts = {
        channel: {"requested": 0, "delivered": 0, "failed": 0}
        for channel in ("email", "sms", "letter")
    }
    for row in rows_of(db, service_id):
        if row["days_ago"] <= oldest_days_ago:
            channel = counts[row["channel"]]
            channel["requested"] += sum(row[status] for status in REQUESTED_COLUMNS)
            channel["delivered"] += sum(row[status] for status in DELIVERED)
            channel["failed"] += sum(row[status] for status in FAILED)
    return counts


def oldest_day(window: dict) -> int:
    return 0 if window.get("today_only") == "True" else window["limit_days"]


def services_worth_checking(db: sqlite3.Connection) -> list[str]:
    """The recorded services, today's busiest service, a trial one, an inactive one."""
    busiest_today = db.execute(
        f"SELECT services.id FROM daily_counts JOIN services ON sid = service_sid "
        f"WHERE days_ago = 0 ORDER BY {' + '.join(REQUESTED_COLUMNS)} DESC LIMIT 1"
    ).fetchone()[0]
    trial = db.execute(
        "SELECT id FROM services WHERE restricted = 1 AND sid IN "
        "(SELECT service_sid FROM daily_counts) ORDER BY sid LIMIT 1"
    ).fetchone()[0]
    inactive = db.execute(
        "SELECT id FROM services WHERE active = 0 ORDER BY sid LIMIT 1"
    ).fetchone()
    chosen = [sample_service_id(), notify_service_id(), busiest_today, trial]
    return chosen + ([inactive[0]] if inactive else [])


@pytest.mark.parametrize("window", WINDOWS, ids=lambda window: str(window))
def test_statistics_equal_a_direct_count_of_the_rows(
    client: FlaskClient, db: sqlite3.Connection, window: dict
) -> None:
    for service_id in services_worth_checking(db):
        response = get(client, f"/service/{service_id}/statistics", **window)

        assert response.status_code == 200
        assert response.get_json()["data"] == expected(db, service_id, oldest_day(window)), (
            service_id
        )


def test_the_checked_services_sent_something_in_the_window(db: sqlite3.Connection) -> None:
    for service_id in services_worth_checking(db)[:4]:
        assert expected(db, service_id, 30) != expected(db, "no-such-service", 30)


def test_limit_days_defaults_to_7(client: FlaskClient, db: sqlite3.Connection) -> None:
    response = get(client, f"/service/{sample_service_id()}/statistics")

    assert response.get_json()["data"] == expected(db, sample_service_id(), 7)


def test_today_only_must_be_exactly_True(client: FlaskClient, db: sqlite3.Connection) -> None:
    lower_case = get(
        client, f"/service/{sample_service_id()}/statistics", today_only="true", limit_days=30
    )

    assert lower_case.get_json()["data"] == expected(db, sample_service_id(), 30)


def test_today_only_ignores_the_limit_days_value(
    client: FlaskClient, db: sqlite3.Connection
) -> None:
    response = get(
        client, f"/service/{sample_service_id()}/statistics", today_only="True", limit_days=30
    )

    assert response.get_json()["data"] == expected(db, sample_service_id(), 0)


def test_a_negative_limit_days_still_counts_today(
    client: FlaskClient, db: sqlite3.Connection
) -> None:
    response = get(client, f"/service/{sample_service_id()}/statistics", limit_days=-3)

    assert response.get_json()["data"] == expected(db, sample_service_id(), 0)


def test_every_channel_is_present_for_a_service_without_letters(
    client: FlaskClient, db: sqlite3.Connection
) -> None:
    service_id = db.execute(
        "SELECT id FROM services WHERE permissions NOT LIKE '%\"letter\"%' LIMIT 1"
    ).fetchone()[0]

    data = get(client, f"/service/{service_id}/statistics", limit_days=30).get_json()["data"]

    assert sorted(data) == ["email", "letter", "sms"]
    assert data["letter"] == {"requested": 0, "delivered": 0, "failed": 0}


def test_the_detailed_list_counts_its_date_range(
    client: FlaskClient, db: sqlite3.Connection
) -> None:
    today = london_today()

    response = get(
        client,
        "/service",
        detailed="True",
        start_date=(today - timedelta(days=6)).isoformat(),
        end_date=today.isoformat(),
    )

    services = {service["id"]: service for service in response.get_json()["data"]}
    for service_id in services_worth_checking(db):
        assert services[service_id]["statistics"] == expected(db, service_id, 6)


def test_the_detailed_list_defaults_to_today(client: FlaskClient, db: sqlite3.Connection) -> None:
    response = get(client, "/service", detailed="True")

    services = {service["id"]: service for service in response.get_json()["data"]}
    assert services[sample_service_id()]["statistics"] == expected(db, sample_service_id(), 0)


def test_the_detailed_list_names_a_channel_only_for_services_that_sent(
    client: FlaskClient, db: sqlite3.Connection
) -> None:
    response = get(client, "/service", detailed="True")

    for service in response.get_json()["data"]:
        sent = [
            channel
            for channel, counts in sorted(service["statistics"].items())
            if counts["requested"]
        ]
        assert service["notification_type"] == (sent[0] if sent else None)


def test_a_bad_date_in_the_detailed_list_is_a_500_body(client: FlaskClient) -> None:
    response = get(client, "/service", detailed="True", start_date="yesterday")

    assert response.status_code == 500
    assert response.get_json() == {"message": "Internal server error", "result": "error"}


def financial_year_of(day: date) -> int:
    return day.year if day.month >= 4 else day.year - 1


def monthly_by_hand(db: sqlite3.Connection, service_id: str, year: int) -> dict:
    """Each month's counts by channel and status (those above zero), from the stored rows."""
    today = london_today()
    months = {}
    month = date(year, 4, 1)
    while month <= min(today, date(year + 1, 3, 31)):
        months[month.strftime("%Y-%m")] = {"email": {}, "sms": {}, "letter": {}}
        month = (month + timedelta(days=31)).replace(day=1)
    for row in rows_of(db, service_id):
        day = today - timedelta(days=row["days_ago"])
        if financial_year_of(day) != year:
            continue
        counts = months[day.strftime("%Y-%m")][row["channel"]]
        for column in STATUS_COLUMNS:
            if row[column]:
                status = column.replace("_", "-")
                counts[status] = counts.get(status, 0) + row[column]
    return months


@pytest.mark.parametrize("years_ago", [0, 1], ids=["this financial year", "last financial year"])
def test_monthly_statuses_equal_a_direct_count_of_the_rows(
    client: FlaskClient, db: sqlite3.Connection, years_ago: int
) -> None:
    year = financial_year_of(london_today()) - years_ago
    for service_id in services_worth_checking(db):
        response = get(client, f"/service/{service_id}/notifications/monthly", year=year)

        assert response.status_code == 200
        assert response.get_json()["data"] == monthly_by_hand(db, service_id, year), service_id


def test_a_past_year_has_twelve_months_and_a_future_one_none(client: FlaskClient) -> None:
    path = f"/service/{sample_service_id()}/notifications/monthly"
    year = financial_year_of(london_today())

    past = get(client, path, year=year - 3).get_json()["data"]
    future = get(client, path, year=year + 1).get_json()["data"]

    assert list(past) == [f"{year - 3}-{month:02d}" for month in range(4, 13)] + [
        f"{year - 2}-{month:02d}" for month in range(1, 4)
    ]
    assert all(channels == {"email": {}, "sms": {}, "letter": {}} for channels in past.values())
    assert future == {}


def test_platform_stats_equal_a_direct_count_of_every_services_rows(
    client: FlaskClient, db: sqlite3.Connection
) -> None:
    today = london_today()
    expected = {}
    for channel, *counts in db.execute(
        f"SELECT channel, {', '.join(f'SUM({column})' for column in STATUS_COLUMNS)} "
        "FROM daily_counts WHERE days_ago BETWEEN 0 AND 29 GROUP BY channel"
    ):
        by_status = dict(zip(STATUS_COLUMNS, counts, strict=True))
        expected[channel] = {
            "total": sum(counts),
            "test-key": 0,
            "failures": {
                status: by_status[status.replace("-", "_")]
                for status in (
                    "technical-failure",
                    "permanent-failure",
                    "temporary-failure",
                    "virus-scan-failed",
                )
            },
        }

    response = get(
        client,
        "/platform-stats",
        start_date=(today - timedelta(days=29)).isoformat(),
        end_date=today.isoformat(),
    )

    assert response.get_json() == expected
    assert all(totals["total"] > 0 for totals in expected.values())


def test_platform_stats_of_a_range_ending_before_it_starts_are_zeros(client: FlaskClient) -> None:
    response = get(client, "/platform-stats", start_date="2026-06-01", end_date="2026-05-01")

    assert {totals["total"] for totals in response.get_json().values()} == {0}


def test_the_detailed_list_of_a_past_window_names_services_created_since_with_zeros(
    client: FlaskClient,
) -> None:
    """The API's detailed list joins every service to its counts, so a service created after
    the window is there with zeros: the dashboard refuses a list that leaves a service out."""
    every = get(client, "/service").get_json()["data"]
    today = get(client, "/service", detailed="True").get_json()["data"]
    newest = max(today, key=lambda service: parsedate_to_datetime(service["created_at"]))
    created = parsedate_to_datetime(newest["created_at"]).date()
    end = created - timedelta(days=2)  # before it existed, whatever the time zone

    response = get(
        client,
        "/service",
        detailed="True",
        start_date=(end - timedelta(days=7)).isoformat(),
        end_date=end.isoformat(),
    )

    past = {service["id"]: service for service in response.get_json()["data"]}
    assert set(past) == {service["id"] for service in every}
    zero = {"requested": 0, "delivered": 0, "failed": 0}
    assert past[newest["id"]]["statistics"] == {"email": zero, "sms": zero, "letter": zero}
