"""The generated data: deterministic, realistic in the ways the dashboard relies on, and safe
to build (never half a file) and to reuse (days are relative, so it stays current)."""

import hashlib
import sqlite3
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

import pytest

from notify_sandbox import build_database, create_app
from notify_sandbox import database as database_module
from notify_sandbox import database_path, open_database
from notify_sandbox.__main__ import parse_arguments
from notify_sandbox.facts import default_allowance
from notify_sandbox.generate import (
    generate_reference_data,
    organisation_pools,
    plan_services,
    with_some_not_live,
)
from tests.samples import sample_service_id
from tests.sandbox.helpers import (
    CLIENT_ID,
    REQUESTED_COLUMNS,
    SECRET,
    STATUS_COLUMNS,
    get,
    notify_service_id,
)

ANCHOR = date(2026, 11, 27)
REQUESTED = " + ".join(REQUESTED_COLUMNS)


def fingerprint(path: Path) -> str:
    """A digest of every table's rows, in a fixed order."""
    digest = hashlib.sha256()
    with sqlite3.connect(path) as connection:
        tables = [
            row[0]
            for row in connection.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"
            )
        ]
        for table in tables:
            for row in sorted(repr(row) for row in connection.execute(f"SELECT * FROM {table}")):
                digest.update(row.encode())
    return digest.hexdigest()


def test_the_same_seed_generates_the_same_data(tmp_path: Path) -> None:
    first = build_database(tmp_path / "first.sqlite", 7, 12, anchor=ANCHOR)
    second = build_database(tmp_path / "second.sqlite", 7, 12, anchor=ANCHOR)
    other = build_database(tmp_path / "other.sqlite", 8, 12, anchor=ANCHOR)

    assert fingerprint(first) == fingerprint(second)
    assert fingerprint(first) != fingerprint(other)


def test_the_file_is_named_after_seed_and_size(tmp_path: Path) -> None:
    assert database_path(tmp_path, 1, 2000) == tmp_path / "sandbox-seed1-services2000.sqlite"


def test_an_existing_file_is_reused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = open_database(tmp_path, 3, 10)

    def no_rebuild(*_arguments: object, **_keywords: object) -> Path:
        raise AssertionError("rebuilt a usable file")

    monkeypatch.setattr(database_module, "build_database", no_rebuild)
    assert open_database(tmp_path, 3, 10) == path


def test_a_file_of_an_older_schema_is_rebuilt(tmp_path: Path) -> None:
    path = open_database(tmp_path, 3, 10)
    with sqlite3.connect(path) as connection:
        connection.execute("PRAGMA user_version = 0")

    open_database(tmp_path, 3, 10)

    assert database_module.schema_version(path) == database_module.SCHEMA_VERSION


def test_a_failed_build_leaves_no_file_behind(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_write = database_module._write

    def write_then_crash(path: Path, *arguments: object) -> None:
        real_write(path, *arguments)
        raise KeyboardInterrupt

    monkeypatch.setattr(database_module, "_write", write_then_crash)

    with pytest.raises(KeyboardInterrupt):
        open_database(tmp_path, 3, 10)
    assert list(tmp_path.iterdir()) == []


def test_two_thousand_services_have_unique_realistic_names_in_every_sector() -> None:
    plans = plan_services(1, 2000, organisation_pools(1))

    names = [plan.name for plan in plans]
    sectors = Counter(plan.organisation_type for plan in plans)
    assert len(set(names)) == 2000
    assert set(sectors) == {
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
    assert sectors.most_common(2)[0][0] == "local" and sectors["central"] > 300
    assert 0 < sectors[None] <= 20
    assert 0.2 < sum(plan.restricted for plan in plans) / 2000 < 0.3
    assert {plans[0].id, plans[1].id} == {notify_service_id(), sample_service_id()}
    assert any(name.startswith("Report a pothole – ") for name in names)


def test_about_one_service_in_twelve_has_a_custom_allowance() -> None:
    reference = generate_reference_data(1, 300, ANCHOR)
    types = {plan.id: plan.organisation_type for plan in reference.plans}

    custom = {
        row["service_id"]
        for row in reference.annual_billing
        if row["free_sms_fragment_limit"]
        != default_allowance(types[row["service_id"]], row["financial_year_start"])
    }
    years = Counter(row["service_id"] for row in reference.annual_billing)

    assert 0.04 < len(custom) / 300 < 0.14
    assert set(years.values()) == {ANCHOR.year - 2016 + 1}


def test_reference_data_is_consistent() -> None:
    reference = generate_reference_data(1, 300, ANCHOR)
    plans = {plan.id: plan for plan in reference.plans}

    retention = [row["days_of_retention"] for row in reference.data_retention]
    assert retention and all(3 <= days <= 90 for days in retention)
    versions: dict[str, list[int]] = {}
    for row in reference.template_versions:
        versions.setdefault(row["template_id"], []).append(row["version"])
    assert all(sorted(numbers) == list(range(1, len(numbers) + 1)) for numbers in versions.values())
    assert {row["id"]: row["version"] for row in reference.templates} == {
        template_id: max(numbers) for template_id, numbers in versions.items()
    }
    team = {(row["service_id"], row["user_id"]) for row in reference.user_services}
    assert all((row["id"], row["created_by"]) in team for row in reference.services)
    emailing = {row["service_id"] for row in reference.templates if row["template_type"] == "email"}
    replying = {row["service_id"] for row in reference.reply_to}
    assert any(plans[service_id].restricted for service_id in emailing - replying)
    live_emailing = [service_id for service_id in emailing if not plans[service_id].restricted]
    assert sum(service_id in replying for service_id in live_emailing) / len(live_emailing) > 0.85


def test_limits_follow_trial_and_live_mode(db: sqlite3.Connection) -> None:
    limits = set(
        db.execute(
            "SELECT restricted, email_message_limit, sms_message_limit, letter_message_limit, "
            "international_sms_message_limit FROM services WHERE id != ?",
            (notify_service_id(),),
        )
    )

    assert limits == {(0, 250_000, 250_000, 20_000, 100), (1, 50, 50, 50, 100)}


def test_daily_rows_are_sane(db: sqlite3.Connection) -> None:
    sums = " + ".join(STATUS_COLUMNS)
    oldest, newest, empty = db.execute(
        f"SELECT MAX(days_ago), MIN(days_ago), SUM(({sums}) = 0) FROM daily_counts"
    ).fetchone()
    fragments_off_sms = db.execute(
        "SELECT COUNT(*) FROM daily_counts WHERE channel != 'sms' AND fragments != 0"
    ).fetchone()
    per_text = db.execute(
        "SELECT MIN(fragments * 1.0 / (delivered + sent + sending + pending + failed "
        "+ temporary_failure + permanent_failure)), MAX(fragments * 1.0 / (delivered + sent "
        "+ sending + pending + failed + temporary_failure + permanent_failure)) "
        "FROM daily_counts WHERE channel = 'sms' AND delivered > 20"
    ).fetchone()

    assert (oldest, newest, empty) == (399, 0, 0)
    assert fragments_off_sms == (0,)
    assert per_text[0] > 0.9 and per_text[1] < 6.1


def test_small_services_have_quiet_days_and_big_ones_send_a_lot(db: sqlite3.Connection) -> None:
    active_days = [
        row[0]
        for row in db.execute(
            "SELECT COUNT(DISTINCT days_ago) FROM daily_counts GROUP BY service_sid"
        )
    ]
    totals = sorted(
        row[0]
        for row in db.execute(f"SELECT SUM({REQUESTED}) FROM daily_counts GROUP BY service_sid")
    )

    assert min(active_days) < 200 and max(active_days) == 400
    assert totals[-1] > 1000 * totals[len(totals) // 2]


def test_today_puts_services_near_and_at_their_limits(db: sqlite3.Connection) -> None:
    usage = db.execute(
        f"""SELECT restricted, ({REQUESTED}) * 1.0 / CASE channel
                WHEN 'email' THEN email_message_limit WHEN 'sms' THEN sms_message_limit
                ELSE letter_message_limit END
            FROM daily_counts JOIN services ON sid = service_sid WHERE days_ago = 0"""
    ).fetchall()

    near = [restricted for restricted, share in usage if 0.8 <= share < 1.0]
    at_limit = [restricted for restricted, share in usage if share == 1.0]
    assert 1 in near and 0 in near
    assert 1 in at_limit and 0 in at_limit
    assert max(share for _, share in usage) == 1.0


def test_weekends_are_quieter_than_weekdays(sandbox_database: Path, db: sqlite3.Connection) -> None:
    anchor = database_module.anchor_of(db)
    by_weekday = Counter()
    for days_ago, requested in db.execute(
        f"SELECT days_ago, SUM({REQUESTED}) FROM daily_counts WHERE days_ago > 0 GROUP BY days_ago"
    ):
        by_weekday[(anchor - timedelta(days=days_ago)).weekday() >= 5] += requested

    assert by_weekday[True] / 2 < by_weekday[False] / 5


def test_a_file_reopened_later_still_counts_today_and_moves_its_dates(
    sandbox_database: Path,
) -> None:
    with sqlite3.connect(sandbox_database) as connection:
        anchor = database_module.anchor_of(connection)
    built_day = create_app(sandbox_database, CLIENT_ID, SECRET, today=lambda: anchor)
    ten_days_on = create_app(
        sandbox_database, CLIENT_ID, SECRET, today=lambda: anchor + timedelta(days=10)
    )
    path = f"/service/{sample_service_id()}"

    then = get(built_day.test_client(), path).get_json()["data"]["go_live_at"]
    later = get(ten_days_on.test_client(), path).get_json()["data"]["go_live_at"]
    today_then = get(built_day.test_client(), f"{path}/statistics", today_only="True")
    today_later = get(ten_days_on.test_client(), f"{path}/statistics", today_only="True")

    assert date.fromisoformat(later[:10]) - date.fromisoformat(then[:10]) == timedelta(days=10)
    assert later[10:] == then[10:]
    assert today_later.get_json() == today_then.get_json()


def test_the_command_line_defaults_to_the_local_sandbox() -> None:
    arguments = parse_arguments([])

    assert (arguments.host, arguments.port, arguments.services, arguments.seed) == (
        "127.0.0.1",
        6011,
        2000,
        1,
    )
    assert arguments.data_dir == Path(".data")


@pytest.mark.parametrize(("seed", "services"), [(7, 3), (7, 12), (1, 40)])
def test_every_database_has_notifys_own_service(tmp_path: Path, seed: int, services: int) -> None:
    path = build_database(tmp_path / "small.sqlite", seed, services, anchor=ANCHOR)
    client = create_app(path, CLIENT_ID, SECRET, today=lambda: ANCHOR).test_client()

    notify = get(client, f"/service/{notify_service_id()}").get_json()["data"]
    allowance = get(client, f"/service/{notify_service_id()}/billing/free-sms-fragment-limit")

    assert (notify["name"], notify["organisation_type"]) == ("GOV.UK Notify", None)
    assert allowance.get_json()["free_sms_fragment_limit"] == 250_000


@pytest.mark.parametrize(("seed", "services"), [(7, 12), (1, 40), (3, 60)])
def test_every_database_has_services_that_look_live_but_are_not(
    tmp_path: Path, seed: int, services: int
) -> None:
    path = build_database(tmp_path / "small.sqlite", seed, services, anchor=ANCHOR)
    with sqlite3.connect(path) as connection:
        uncounted, closed, live = connection.execute(
            "SELECT SUM(active AND NOT restricted AND NOT count_as_live), "
            "SUM(NOT active AND NOT restricted), SUM(active AND NOT restricted AND count_as_live) "
            "FROM services"
        ).fetchone()

    assert uncounted >= 2
    assert closed >= 2
    assert live > services // 2


def test_larger_databases_keep_the_not_live_services_they_drew() -> None:
    plans = plan_services(1, 500, organisation_pools(1))

    assert with_some_not_live(1, plans) == plans


def test_hostile_names_are_given_to_live_services_only_when_asked(tmp_path: Path) -> None:
    hostile = build_database(tmp_path / "hostile.sqlite", 1, 40, anchor=ANCHOR, hostile_names=True)
    plain = build_database(tmp_path / "plain.sqlite", 1, 40, anchor=ANCHOR)
    payloads = {
        "[x](https://evil.example)",
        "<img src=x onerror=alert(1)>",
        "**bold**",
        "Fees of $1 + $2 :red[red]",
    }

    def live_names(path: Path) -> set[str]:
        client = create_app(path, CLIENT_ID, SECRET, today=lambda: ANCHOR).test_client()
        live = get(client, "/service/live-services-data").get_json()["data"]
        return {entry["service_name"] for entry in live}

    assert payloads <= live_names(hostile)
    assert not payloads & live_names(plain)


def test_hostile_names_get_a_file_of_their_own(tmp_path: Path) -> None:
    assert database_path(tmp_path, 1, 2000, hostile_names=True) == (
        tmp_path / "sandbox-seed1-services2000-hostile.sqlite"
    )


def test_letters_have_sheets_and_nothing_else_does(db: sqlite3.Connection) -> None:
    billable_letters = "created + sending + sent + delivered + pending + failed "
    billable_letters += "+ temporary_failure + permanent_failure"
    per_letter = db.execute(
        f"SELECT MIN(sheets * 1.0 / ({billable_letters})), MAX(sheets * 1.0 / ({billable_letters}))"
        f" FROM daily_counts WHERE channel = 'letter' AND ({billable_letters}) > 20"
    ).fetchone()
    off_letters = db.execute(
        "SELECT COUNT(*) FROM daily_counts WHERE channel != 'letter' AND sheets != 0"
    ).fetchone()

    assert per_letter[0] > 0.95 and per_letter[1] < 5.1
    assert per_letter[1] > 1.2
    assert off_letters == (0,)
