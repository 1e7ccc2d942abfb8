"""Template statistics, template use by month and the platform's daily volumes: the recorded
shapes and 400s, and figures that add up to what the other endpoints report."""

from collections import Counter
from datetime import date, timedelta

import pytest
from flask.testing import FlaskClient

from notify_sandbox.clock import london_today
from notify_sandbox.facts import STATUSES
from notify_sandbox.template_split import share, split_by_template
from notify_sandbox.volumes import (
    SPIKE_DAYS,
    ChannelProfile,
    VolumeProfile,
    _service_rows,
)
from tests.samples import load_sample, sample_service_id
from tests.sandbox.helpers import get, item_shape, shape, unknown_id

FAILED = {
    "failed",
    "technical-failure",
    "temporary-failure",
    "permanent-failure",
    "validation-failed",
    "virus-scan-failed",
}


def service_path(*parts: str) -> str:
    return "/".join([f"/service/{sample_service_id()}", *parts])


def current_financial_year() -> int:
    today = london_today()
    return today.year if today.month >= 4 else today.year - 1


def test_shares_add_up_to_the_count_and_follow_the_weights():
    assert share(10, [1, 1, 1]) == [4, 3, 3]
    assert share(100, [1, 3]) == [25, 75]
    assert share(0, [1, 2]) == [0, 0]
    assert sum(share(12345, [9, 2, 7, 1])) == 12345


def test_a_split_keeps_every_status_total_and_leaves_out_zeros():
    counts = {"delivered": 1000, "permanent-failure": 37, "cancelled": 0}
    split = split_by_template(["a", "b", "c"], counts)
    assert sum(by_status.get("delivered", 0) for by_status in split.values()) == 1000
    assert sum(by_status.get("permanent-failure", 0) for by_status in split.values()) == 37
    assert all("cancelled" not in by_status for by_status in split.values())
    assert split_by_template([], counts) == {}


def test_template_statistics_have_the_recorded_fields(client: FlaskClient) -> None:
    status, body = load_sample("GET_service_template_statistics")

    response = get(client, service_path("template-statistics"), whole_days=7)

    assert response.status_code == status
    assert shape(response.get_json()).keys() == {"data"}
    assert item_shape(response.get_json()["data"]) == item_shape(body["data"])


@pytest.mark.parametrize("days", [0, 3, 7])
def test_template_statistics_add_up_to_the_services_statistics(
    client: FlaskClient, days: int
) -> None:
    rows = get(client, service_path("template-statistics"), whole_days=days).get_json()["data"]
    statistics = get(client, service_path("statistics"), limit_days=days).get_json()["data"]

    requested: Counter[str] = Counter()
    failed: Counter[str] = Counter()
    for row in rows:
        if row["status"] != "cancelled":
            requested[row["template_type"]] += row["count"]
        if row["status"] in FAILED:
            failed[row["template_type"]] += row["count"]
    for channel in ("email", "sms", "letter"):
        assert requested[channel] == statistics[channel]["requested"]
        assert failed[channel] == statistics[channel]["failed"]


def test_template_statistics_take_the_old_name_of_the_argument(client: FlaskClient) -> None:
    new = get(client, service_path("template-statistics"), whole_days=2).get_json()
    old = get(client, service_path("template-statistics"), limit_days=2).get_json()
    assert new == old


@pytest.mark.parametrize("days", ["8", "-1"])
def test_template_statistics_outside_0_to_7_are_the_recorded_400(
    client: FlaskClient, days: str
) -> None:
    expected = load_sample("GET_service_template_statistics_too_many_days")

    response = get(client, service_path("template-statistics"), whole_days=days)

    assert (response.status_code, response.get_json()) == expected


def test_template_statistics_need_a_whole_number(client: FlaskClient) -> None:
    response = get(client, service_path("template-statistics"), whole_days="seven")

    assert response.status_code == 400
    assert response.get_json() == {
        "result": "error",
        "message": {"whole_days": ["seven is not an integer"]},
    }


def test_template_statistics_of_an_unknown_service_are_empty(client: FlaskClient) -> None:
    response = get(client, f"/service/{unknown_id()}/template-statistics", whole_days=7)
    assert (response.status_code, response.get_json()) == (200, {"data": []})


def test_template_use_by_month_has_the_recorded_fields(client: FlaskClient) -> None:
    status, body = load_sample("GET_service_templates_usage_monthly")
    path = service_path("notifications", "templates_usage", "monthly")

    response = get(client, path, year=current_financial_year())

    assert response.status_code == status
    assert shape(response.get_json()).keys() == {"stats"}
    assert item_shape(response.get_json()["stats"]) == item_shape(body["stats"])


def test_template_use_by_month_adds_up_to_the_monthly_statuses(client: FlaskClient) -> None:
    year = current_financial_year()
    path = service_path("notifications", "templates_usage", "monthly")
    stats = get(client, path, year=year).get_json()["stats"]
    months = get(client, service_path("notifications", "monthly"), year=year).get_json()["data"]

    by_month: Counter[tuple[str, str]] = Counter()
    for row in stats:
        by_month[(f"{row['year']}-{row['month']:02d}", row["type"])] += row["count"]
    expected = Counter(
        {
            (month, channel): sum(n for status, n in statuses.items() if status != "cancelled")
            for month, channels in months.items()
            for channel, statuses in channels.items()
        }
    )
    assert +by_month == +expected


# The real API (`get_monthly_template_usage`) turns any ValueError in reading the year or its
# financial year's dates into this 400: no year, not a number, or a year no datetime can hold.
@pytest.mark.parametrize(
    "params",
    [{}, {"year": "twenty"}, {"year": "0"}, {"year": "9999"}, {"year": "-2026"}],
    ids=["no year", "not a number", "year 0", "year 9999", "negative"],
)
def test_template_use_by_month_without_a_valid_year_is_the_recorded_400(
    client: FlaskClient, params: dict
) -> None:
    status, body = load_sample("GET_service_templates_usage_monthly_bad_year")
    path = service_path("notifications", "templates_usage", "monthly")
    response = get(client, path, **params)

    assert (response.status_code, response.get_json()) == (status, body)


def test_daily_volumes_have_the_recorded_fields_one_row_a_day(client: FlaskClient) -> None:
    status, body = load_sample("GET_platform_stats_daily_volumes_report")
    today = london_today()
    start = today - timedelta(days=13)

    response = get(
        client,
        "/platform-stats/daily-volumes-report",
        start_date=start.isoformat(),
        end_date=today.isoformat(),
    )

    rows = response.get_json()
    assert response.status_code == status
    assert item_shape(rows) == item_shape(body)
    assert [row["day"] for row in rows] == [
        (start + timedelta(days=n)).isoformat() for n in range(14)
    ]


def test_daily_volumes_add_up_to_volumes_by_service_for_each_day(client: FlaskClient) -> None:
    day = (london_today() - timedelta(days=3)).isoformat()
    dates = {"start_date": day, "end_date": day}

    (row,) = get(client, "/platform-stats/daily-volumes-report", **dates).get_json()
    services = get(client, "/platform-stats/volumes-by-service", **dates).get_json()

    # volumes-by-service lists live services only; the daily report counts every service.
    assert row["email_totals"] >= sum(service["email_totals"] for service in services) > 0
    assert row["sms_totals"] >= sum(service["sms_notifications"] for service in services)
    assert row["letter_totals"] >= sum(service["letter_totals"] for service in services)


def test_a_malformed_date_for_daily_volumes_is_the_recorded_400(client: FlaskClient) -> None:
    expected = load_sample("GET_platform_stats_daily_volumes_report_bad_date")

    response = get(
        client,
        "/platform-stats/daily-volumes-report",
        start_date="18-11-2026",
        end_date="2026-12-01",
    )

    assert (response.status_code, response.get_json()) == expected


def test_a_services_organisation_has_the_recorded_fields(client: FlaskClient, db) -> None:
    status, body = load_sample("GET_service_organisation")
    organisation_id, name = db.execute(
        "SELECT organisations.id, organisations.name FROM services JOIN organisations "
        "ON organisations.id = services.organisation_id WHERE services.id = ?",
        (sample_service_id(),),
    ).fetchone()

    response = get(client, service_path("organisation"))

    assert response.status_code == status
    assert shape(response.get_json()) == shape(body)
    assert (response.get_json()["id"], response.get_json()["name"]) == (organisation_id, name)


def test_a_service_without_an_organisation_has_an_empty_object(client: FlaskClient, db) -> None:
    (service_id,) = db.execute(
        "SELECT id FROM services WHERE organisation_id IS NULL LIMIT 1"
    ).fetchone()

    response = get(client, f"/service/{service_id}/organisation")

    assert (response.status_code, response.get_json()) == (200, {})


def test_the_organisation_of_an_unknown_service_is_a_404(client: FlaskClient) -> None:
    response = get(client, f"/service/{unknown_id()}/organisation")
    assert (response.status_code, response.get_json()) == load_sample("GET_service_unknown_id")


def profile(spike: str | None) -> VolumeProfile:
    """A busy live service sending texts, with or without a failure spike."""
    texts = ChannelProfile(
        channel="sms",
        live_mean=5000.0,
        trial_mean=0.0,
        live_cap=250_000,
        failure=1.0,
        fragments=1.2,
        international=0.0,
    )
    return VolumeProfile(
        sid=1,
        oldest=40,
        newest=0,
        live_from=400,
        weekend=0.5,
        channels=(texts,),
        today=None,
        spike=spike,
    )


def test_a_failure_spike_raises_only_the_last_days_failures():
    """A few services have had a bad few days on one channel: the same messages each day, failing
    several times as often over the last SPIKE_DAYS, and every other day as it was."""
    day = date(2026, 12, 2)
    plain = {row[1]: row for row in _service_rows(1, day, profile(None))}
    spiked = {row[1]: row for row in _service_rows(1, day, profile("sms"))}
    failed = [3 + STATUSES.index(status) for status in FAILED]

    assert plain.keys() == spiked.keys()
    for days_ago in plain:
        assert sum(plain[days_ago][3:-2]) == sum(spiked[days_ago][3:-2])
        if days_ago >= SPIKE_DAYS:
            assert plain[days_ago] == spiked[days_ago]
    recent = [days_ago for days_ago in plain if days_ago < SPIKE_DAYS]
    before = sum(plain[d][i] for d in recent for i in failed)
    after = sum(spiked[d][i] for d in recent for i in failed)
    assert after > 3 * before > 0
