"""Platform-wide billing agrees with the per-service endpoints, service by service and sector by
sector, this financial year and last, and lists the services the API's rules say it lists.

The per-service side is worked out here from monthly-usage and free-sms-fragment-limit with the
contract's rule (the allowance is used up in financial-year order, April first), so a mistake
in the sandbox's shared billing code cannot hide on both sides.

The data is generated for a fixed day, so "this year" and "last year" hold the same months
whenever the tests run: eight months of FY2026, and FY2025 from late October.
"""

import sqlite3
from collections.abc import Iterator
from dataclasses import astuple, dataclass
from datetime import date, timedelta
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from notify_sandbox import build_database, create_app
from notify_sandbox.history import history_start
from tests.sandbox.helpers import CLIENT_ID, SECRET, SEED, SERVICES, get

TODAY = date(2026, 11, 27)
THIS_YEAR = 2026

FINANCIAL_YEAR_MONTHS = (
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
    "January",
    "February",
    "March",
)
SECTORS = {
    "central",
    "local",
    "nhs_central",
    "nhs_local",
    "nhs_gp",
    "emergency_service",
    "school_or_college",
    "other",
    None,
}
#: Notify's published SMS rates; every change falls on the 1st of a month.
SMS_RATES = [
    (date(2024, 4, 1), 0.0227),
    (date(2025, 4, 1), 0.0233),
    (date(2026, 4, 1), 0.0240),
]
#: What the API bills of texts and emails (letters add "created").
BILLABLE = (
    "sending",
    "sent",
    "delivered",
    "pending",
    "failed",
    "temporary_failure",
    "permanent_failure",
)


@pytest.fixture(scope="module")
def dated_database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("dated") / "sandbox.sqlite"
    return build_database(path, SEED, SERVICES, anchor=TODAY)


@pytest.fixture
def client(dated_database: Path) -> FlaskClient:
    """This module's client: the dated database, served as if it were still its day."""
    return create_app(dated_database, CLIENT_ID, SECRET, today=lambda: TODAY).test_client()


@pytest.fixture
def db(dated_database: Path) -> Iterator[sqlite3.Connection]:
    """This module's read-only connection to the dated database."""
    connection = sqlite3.connect(f"file:{dated_database}?mode=ro", uri=True)
    yield connection
    connection.close()


def whole_year(year: int) -> dict[str, str]:
    return {"start_date": f"{year}-04-01", "end_date": f"{year + 1}-03-31"}


@dataclass(frozen=True)
class Figures:
    """What the Allowances page shows for one service."""

    allowance: int
    used: int
    free_left: int
    chargeable: int
    cost: float


def assert_same(bulk: Figures, single: Figures, label: object) -> None:
    """Counts exactly, costs to the penny (each side rounds its own sums)."""
    assert astuple(bulk)[:4] == astuple(single)[:4], label
    assert bulk.cost == pytest.approx(single.cost, abs=0.005), label


def per_service_figures(client: FlaskClient, service_id: str, year: int) -> Figures:
    """Allowance, use and cost from the service's own endpoints and the contract's rule."""
    path = f"/service/{service_id}/billing"
    limit = get(client, f"{path}/free-sms-fragment-limit", financial_year_start=year).get_json()
    allowance = limit["free_sms_fragment_limit"]
    monthly = get(client, f"{path}/monthly-usage", year=year).get_json()
    texts = sorted(
        (row for row in monthly if row["notification_type"] == "sms"),
        key=lambda row: FINANCIAL_YEAR_MONTHS.index(row["month"]),
    )
    left, chargeable, cost = allowance, 0, 0.0
    for row in texts:
        free = min(left, row["chargeable_units"])
        left -= free
        chargeable += row["chargeable_units"] - free
        cost += (row["chargeable_units"] - free) * row["rate"]
    used = sum(row["chargeable_units"] for row in texts)
    return Figures(allowance, used, max(0, allowance - used), chargeable, cost)


def allowance_probe(year: int) -> dict[str, str]:
    """A one-day range on 1 April `year`: in calendar year `year` and in FY`year`, so
    volumes-by-service gives that financial year's allowance."""
    return {"start_date": f"{year}-04-01", "end_date": f"{year}-04-01"}


def bulk_figures(client: FlaskClient, year: int) -> dict[str, Figures]:
    """The same figures from the platform-wide calls: the year's allowances from the probe,
    its use from volumes over the whole year, its charges from the billing report."""
    dates = whole_year(year)
    probe = get(client, "/platform-stats/volumes-by-service", **allowance_probe(year)).get_json()
    allowances = {entry["service_id"]: entry["free_allowance"] for entry in probe}
    volumes = get(client, "/platform-stats/volumes-by-service", **dates).get_json()
    report = get(client, "/platform-stats/data-for-billing-report", **dates).get_json()
    charged = {entry["service_id"]: entry for entry in report}
    figures = {}
    for entry in volumes:
        billed = charged.get(entry["service_id"], {"sms_chargeable_units": 0, "sms_cost": 0})
        allowance, used = allowances[entry["service_id"]], entry["sms_chargeable_units"]
        figures[entry["service_id"]] = Figures(
            allowance,
            used,
            max(0, allowance - used),
            billed["sms_chargeable_units"],
            billed["sms_cost"],
        )
    return figures


def live_sectors(client: FlaskClient) -> dict[str, str | None]:
    """Each live service's sector, from the service list."""
    return {
        service["id"]: service["organisation_type"]
        for service in get(client, "/service").get_json()["data"]
        if service["active"] and not service["restricted"] and service["count_as_live"]
    }


def by_sector(figures: dict[str, Figures], sectors: dict[str, str | None]) -> dict:
    """Each sector's figures added up."""
    totals: dict[str | None, Figures] = {}
    for service_id, service_figures in figures.items():
        known = astuple(totals.get(sectors[service_id], Figures(0, 0, 0, 0, 0.0)))
        added = (a + b for a, b in zip(known, astuple(service_figures), strict=True))
        totals[sectors[service_id]] = Figures(*added)
    return totals


@pytest.mark.parametrize("years_ago", [0, 1], ids=["this financial year", "last financial year"])
def test_bulk_figures_equal_per_service_ones_for_every_live_service_and_sector(
    client: FlaskClient, years_ago: int
) -> None:
    year = THIS_YEAR - years_ago
    sectors = live_sectors(client)

    bulk = bulk_figures(client, year)
    single = {service_id: per_service_figures(client, service_id, year) for service_id in sectors}

    assert bulk.keys() == single.keys()
    for service_id, figures in single.items():
        assert_same(bulk[service_id], figures, service_id)
    bulk_sectors, single_sectors = by_sector(bulk, sectors), by_sector(single, sectors)
    assert bulk_sectors.keys() == single_sectors.keys() == SECTORS
    for sector, totals in single_sectors.items():
        assert_same(bulk_sectors[sector], totals, sector)
    assert any(figures.cost > 0 for figures in single.values()), "someone must pay"
    assert any(figures.free_left > 0 and figures.used > 0 for figures in single.values())


def test_volumes_give_every_live_service_zeros_for_an_end_before_the_start(
    client: FlaskClient,
) -> None:
    response = get(
        client,
        "/platform-stats/volumes-by-service",
        start_date=f"{THIS_YEAR}-10-01",
        end_date=f"{THIS_YEAR}-09-30",
    )

    entries = response.get_json()
    assert response.status_code == 200
    assert {entry["service_id"] for entry in entries} == set(live_sectors(client))
    for entry in entries:
        assert entry["sms_notifications"] == entry["sms_chargeable_units"] == 0
        assert entry["email_totals"] == entry["letter_totals"] == entry["letter_sheet_totals"] == 0
        assert entry["letter_cost"] == 0
    assert any(entry["free_allowance"] > 0 for entry in entries)


def stored_allowances(db: sqlite3.Connection, year: int) -> dict[str, int]:
    return dict(
        db.execute(
            "SELECT service_id, free_sms_fragment_limit FROM annual_billing "
            "WHERE financial_year_start = ?",
            (year,),
        ).fetchall()
    )


def test_volumes_give_the_allowance_of_the_end_dates_calendar_year(
    client: FlaskClient, db: sqlite3.Connection
) -> None:
    """The API's rule: the latest financial year starting in the end's calendar year or before.
    Last year's range ends on 31 March of this calendar year, so it gets this year's allowance.
    """
    last_year = THIS_YEAR - 1

    def allowances(**dates: str) -> dict[str, int]:
        entries = get(client, "/platform-stats/volumes-by-service", **dates).get_json()
        return {entry["service_id"]: entry["free_allowance"] for entry in entries}

    whole_last_year = allowances(**whole_year(last_year))
    probed = allowances(**allowance_probe(last_year))
    this_years, last_years = stored_allowances(db, THIS_YEAR), stored_allowances(db, last_year)

    assert whole_last_year.keys() == probed.keys() == set(live_sectors(client))
    assert whole_last_year == {service_id: this_years[service_id] for service_id in probed}
    assert probed == {service_id: last_years[service_id] for service_id in probed}
    assert whole_last_year != probed, "sector defaults changed between the two years"
    later = allowances(start_date=f"{THIS_YEAR}-04-01", end_date=f"{THIS_YEAR + 5}-12-31")
    assert later == whole_last_year, "no rows after this year: this year's is the latest"


def test_volumes_leave_out_services_with_no_allowance_up_to_the_end(client: FlaskClient) -> None:
    """The API joins each service to an allowance row: before FY2016 there are none."""
    response = get(
        client, "/platform-stats/volumes-by-service", start_date="2015-01-01", end_date="2015-12-31"
    )

    assert response.status_code == 200
    assert response.get_json() == []


def expected_report_entry(client: FlaskClient, service_id: str, year: int, months: set) -> dict:
    """Charged texts and letters in some months of a year, from monthly-usage."""
    monthly = get(client, f"/service/{service_id}/billing/monthly-usage", year=year).get_json()
    chosen = [row for row in monthly if row["month"] in months]
    texts = [row for row in chosen if row["notification_type"] == "sms"]
    letters = [row for row in chosen if row["notification_type"] == "letter"]
    return {
        "sms_chargeable_units": sum(row["charged_units"] for row in texts),
        "sms_cost": sum(row["cost"] for row in texts),
        "total_letters": sum(row["notifications_sent"] for row in letters),
        "letter_cost": sum(row["cost"] for row in letters),
    }


@pytest.mark.parametrize("first_month", [4, 1], ids=["whole year", "from January"])
def test_the_billing_report_lists_exactly_the_services_charged_for_texts_or_sending_letters(
    client: FlaskClient, first_month: int
) -> None:
    year = THIS_YEAR - 1
    start = date(year if first_month >= 4 else year + 1, first_month, 1)
    months = set(FINANCIAL_YEAR_MONTHS[(first_month - 4) % 12 :])
    every_service = [service["id"] for service in get(client, "/service").get_json()["data"]]

    report = get(
        client,
        "/platform-stats/data-for-billing-report",
        start_date=start.isoformat(),
        end_date=f"{year + 1}-03-31",
    ).get_json()

    listed = {entry["service_id"]: entry for entry in report}
    expected = {
        service_id: expected_report_entry(client, service_id, year, months)
        for service_id in every_service
    }
    charged = {
        service_id: entry
        for service_id, entry in expected.items()
        if entry["sms_cost"] > 0 or entry["total_letters"] > 0
    }
    assert listed.keys() == charged.keys()
    for service_id, entry in charged.items():
        got = listed[service_id]
        assert got["sms_chargeable_units"] == entry["sms_chargeable_units"], service_id
        assert got["total_letters"] == entry["total_letters"], service_id
        assert got["sms_cost"] == pytest.approx(entry["sms_cost"], abs=0.005), service_id
        assert got["letter_cost"] == pytest.approx(entry["letter_cost"], abs=0.005), service_id
        breakdown = got["letter_breakdown"].splitlines()
        assert sum(int(line.split()[0]) for line in breakdown) == got["total_letters"]
    assert any(entry["sms_cost"] > 0 for entry in charged.values())
    assert any(entry["total_letters"] > 0 and entry["sms_cost"] == 0 for entry in report)


def rate_on(day: date) -> float:
    return [rate for start, rate in SMS_RATES if start <= day][-1]


def busiest_texter(db: sqlite3.Connection, oldest: int) -> tuple[str, int]:
    """The service with the most SMS fragments in the window, and its sid."""
    return db.execute(
        """SELECT services.id, services.sid FROM daily_counts JOIN services ON sid = service_sid
           WHERE channel = 'sms' AND days_ago <= ? GROUP BY services.id
           ORDER BY SUM(fragments) DESC LIMIT 1""",
        (oldest,),
    ).fetchone()


def test_a_range_starting_mid_month_charges_each_day_after_the_allowance_used_before_it(
    client: FlaskClient, db: sqlite3.Connection
) -> None:
    today, start, april = TODAY, date(THIS_YEAR, 9, 15), date(THIS_YEAR, 4, 1)
    service_id, sid = busiest_texter(db, (today - april).days)
    allowance = db.execute(
        "SELECT free_sms_fragment_limit FROM annual_billing "
        "WHERE service_id = ? AND financial_year_start = ?",
        (service_id, THIS_YEAR),
    ).fetchone()[0]
    columns = " + ".join(BILLABLE)
    rows = db.execute(
        f"""SELECT days_ago, fragments, {columns} FROM daily_counts
            WHERE service_sid = ? AND channel = 'sms' AND days_ago <= ?
            ORDER BY days_ago DESC""",
        (sid, (today - april).days),
    ).fetchall()
    left, charged, cost = allowance, 0, 0.0
    for days_ago, fragments, _sent in rows:
        day = today - timedelta(days=days_ago)
        free = min(left, fragments)
        left -= free
        if day >= start:
            charged += fragments - free
            cost += (fragments - free) * rate_on(day)

    report = get(
        client,
        "/platform-stats/data-for-billing-report",
        start_date=start.isoformat(),
        end_date=today.isoformat(),
    ).get_json()

    entry = {entry["service_id"]: entry for entry in report}[service_id]
    assert charged > 0, "pick a service beyond its allowance"
    assert entry["sms_chargeable_units"] == charged
    assert entry["sms_cost"] == pytest.approx(cost, abs=0.005)


def test_volumes_count_billable_texts_fragments_and_letter_sheets(
    client: FlaskClient, db: sqlite3.Connection
) -> None:
    today = TODAY
    start = today - timedelta(days=45)
    expected = {}
    for service_id, sms, fragments, emails, letters, sheets in db.execute(
        f"""SELECT services.id,
                   SUM(CASE channel WHEN 'sms' THEN {" + ".join(BILLABLE)} ELSE 0 END),
                   SUM(fragments),
                   SUM(CASE channel WHEN 'email' THEN {" + ".join(BILLABLE)} ELSE 0 END),
                   SUM(CASE channel WHEN 'letter' THEN created + {" + ".join(BILLABLE)}
                       ELSE 0 END),
                   SUM(sheets)
            FROM daily_counts JOIN services ON sid = service_sid
            WHERE days_ago <= 45 AND active AND NOT restricted AND count_as_live
            GROUP BY services.id"""
    ):
        expected[service_id] = (sms, fragments, emails, letters, sheets)

    response = get(
        client,
        "/platform-stats/volumes-by-service",
        start_date=start.isoformat(),
        end_date=today.isoformat(),
    )

    for entry in response.get_json():
        counted = (
            entry["sms_notifications"],
            entry["sms_chargeable_units"],
            entry["email_totals"],
            entry["letter_totals"],
            entry["letter_sheet_totals"],
        )
        assert counted == expected.get(entry["service_id"], (0, 0, 0, 0, 0)), entry["service_id"]
    assert sum(letters for *_, letters, _ in expected.values()) > 0


def test_a_range_longer_than_the_data_counts_only_what_is_kept(client: FlaskClient) -> None:
    counted = ("sms_notifications", "sms_chargeable_units", "email_totals", "letter_totals")

    def totals(start: str, end: str) -> dict[str, tuple]:
        response = get(client, "/platform-stats/volumes-by-service", start_date=start, end_date=end)
        assert response.status_code == 200
        return {
            entry["service_id"]: tuple(entry[key] for key in counted)
            for entry in response.get_json()
        }

    everything = totals("0001-01-01", "9999-12-31")

    first = history_start(TODAY)  # the months of history, then the days kept
    assert everything == totals(first.isoformat(), TODAY.isoformat())
    assert everything != totals((first + timedelta(days=1)).isoformat(), TODAY.isoformat())
    assert any(any(values) for values in everything.values())
