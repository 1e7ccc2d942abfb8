"""Years of history before the daily counts: growth, seasons, services that start and stop,
read through the API's own platform-wide answers."""

from dataclasses import replace
from datetime import date, timedelta

from flask.testing import FlaskClient

from notify_sandbox.clock import london_today
from notify_sandbox.generate import generate_reference_data
from notify_sandbox.history import HISTORY_YEARS, history_rows, history_start
from notify_sandbox.volumes import volume_profiles
from tests.sandbox.helpers import SEED, get
from tests.sandbox.test_contract import current_financial_year


def texts_by_service(client: FlaskClient, first: date, last: date) -> dict[str, int]:
    answer = get(
        client,
        "/platform-stats/volumes-by-service",
        start_date=first.isoformat(),
        end_date=last.isoformat(),
    ).get_json()
    return {entry["service_id"]: entry["sms_chargeable_units"] for entry in answer}


def month(year: int, number: int) -> tuple[date, date]:
    first = date(year, number, 1)
    return first, (first.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)


def test_the_platform_grows_year_on_year(client):
    this_year = current_financial_year()
    totals = [
        sum(texts_by_service(client, date(year, 4, 1), date(year + 1, 3, 31)).values())
        for year in range(this_year - HISTORY_YEARS, this_year)
    ]

    assert all(total > 0 for total in totals)
    assert totals == sorted(totals), totals


def test_august_and_december_are_quieter_than_the_months_beside_them(client):
    """Over the years of history, as one service's noise can hide a season in one year."""
    this_year = current_financial_year()
    by_month = dict.fromkeys((7, 8, 9, 11, 12, 1), 0)
    for year in range(this_year - HISTORY_YEARS, this_year - 1):
        for number in by_month:
            texts = texts_by_service(client, *month(year if number >= 4 else year + 1, number))
            by_month[number] += sum(texts.values())

    assert by_month[8] < (by_month[7] + by_month[9]) / 2, by_month
    assert by_month[12] < (by_month[11] + by_month[1]) / 2, by_month


def test_services_start_within_the_history(client):
    first_year = current_financial_year() - HISTORY_YEARS
    earliest = texts_by_service(client, date(first_year, 4, 1), date(first_year + 1, 3, 31))
    latest = texts_by_service(client, *month(first_year + HISTORY_YEARS - 1, 6))

    started_later = [sid for sid, texts in latest.items() if texts and not earliest.get(sid)]
    assert started_later


def test_a_service_sends_from_going_live_until_it_stopped():
    """A service live 1,500 days ago and inactive for the last 500 has history between the two
    and none after; a trial service has none."""
    anchor = date(2026, 11, 27)
    plans = generate_reference_data(SEED, 20, anchor).plans
    plan = next(plan for plan in plans if not plan.restricted and "sms" in plan.channels)
    stopped = replace(
        plan, created_days_ago=1_530, live_days_ago=1_500, inactive_days_ago=500, size=500.0
    )
    trial = replace(stopped, restricted=True, live_days_ago=None)
    profiles = volume_profiles(SEED, (stopped,))

    rows = list(history_rows(SEED, anchor, (stopped,), profiles))
    trial_rows = list(history_rows(SEED, anchor, (trial,), volume_profiles(SEED, (trial,))))

    assert rows and not trial_rows
    assert min(newest for _, _, newest, *_ in rows) == 500
    assert max(oldest for _, _, _, oldest, *_ in rows) == min(
        1_500, (anchor - history_start(anchor)).days
    )


def test_nothing_before_the_history_begins(client):
    first_year = current_financial_year() - HISTORY_YEARS
    before = texts_by_service(client, date(first_year - 1, 4, 1), date(first_year, 3, 31))

    assert not any(before.values())
    assert london_today() > date(first_year, 4, 1)
