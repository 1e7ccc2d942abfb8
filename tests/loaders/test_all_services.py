"""The All services loader on recorded answers: each row's figures check by arithmetic, live is
the API's meaning, and a part that fails or a service that cannot be placed is said."""

import math
from datetime import date
from uuid import uuid4

import pytest

from dashboard.cache.policy import DEFAULT_TTLS
from dashboard.cache.request_cache import RequestCache
from dashboard.concurrency import TookTooLong
from dashboard.domain.daily_limits import LEVEL_WORDS, WARNING_FRACTION
from dashboard.loaders.all_services import EARLIER as EARLIER_CALLS
from dashboard.loaders.all_services import (
    NOT_FLAGGED,
    all_services_calls,
    all_services_from,
    load_all_services,
)
from dashboard.loaders.context import LoaderContext
from dashboard.loaders.errors import describe_error
from dashboard.loaders.sections import Failed, Ready
from dashboard.notify_client import build_clients
from dashboard.notify_client.calls import Outcome, gather
from tests.conftest import TEST_API, settings_for_tests
from tests.samples import sample_body

TODAY = date(2026, 11, 27)
WINDOW = f"{TEST_API}/service?detailed=True&start_date=2026-11-20&end_date=2026-11-27"
TODAYS = f"{TEST_API}/service?detailed=True&start_date=2026-11-27&end_date=2026-11-27"


def recorded_services() -> list[dict]:
    return sample_body("GET_service_list")["data"]


def recorded_counts() -> list[dict]:
    return sample_body("GET_service_list_detailed")["data"]


def counts_row(service: dict, email: int = 0, sms: int = 0, letter: int = 0) -> dict:
    """A detailed-list row for a service with these requested counts (none failed)."""
    statistics = {
        channel: {"requested": count, "delivered": count, "failed": 0}
        for channel, count in (("email", email), ("sms", sms), ("letter", letter))
    }
    return recorded_counts()[0] | {
        "id": service["id"],
        "name": service["name"],
        "statistics": statistics,
    }


#: The four windows of 8 days before the window, nearest first.
EARLIER = [
    f"{TEST_API}/service?detailed=True&start_date={start}&end_date={end}"
    for start, end in (
        ("2026-11-12", "2026-11-19"),
        ("2026-11-04", "2026-11-11"),
        ("2026-10-27", "2026-11-03"),
        ("2026-10-19", "2026-10-26"),
    )
]


def mock(
    requests_mock,
    services: list[dict],
    window: list[dict],
    today: list[dict],
    earlier: list[dict] | None = None,
) -> None:
    """The services list, the window's and today's counts, and the earlier windows' (the
    window's own counts unless given)."""
    requests_mock.get(f"{TEST_API}/service", json={"data": services})
    requests_mock.get(WINDOW, json={"data": window})
    requests_mock.get(TODAYS, json={"data": today})
    for url in EARLIER:
        requests_mock.get(url, json={"data": window if earlier is None else earlier})


def load(clients):
    context = LoaderContext(clients=clients, api_label=TEST_API)
    return load_all_services(context, 7, TODAY)


def test_todays_figures_are_all_of_the_tightest_channel_and_check_by_arithmetic(
    requests_mock, clients
):
    services = recorded_services()
    trial = services[1] | {
        "id": str(uuid4()),
        "name": "Trial",
        "restricted": True,
        "email_message_limit": 50,
        "sms_message_limit": 50,
        "letter_message_limit": 50,
    }
    today = [*recorded_counts(), counts_row(trial, email=30, sms=45, letter=3)]
    mock(requests_mock, [*services, trial], recorded_counts(), today)

    section = load(clients)

    assert isinstance(section, Ready)
    rows = section.value.table.set_index("name")
    parking = rows.loc["Apply for a parking permit"]
    assert (parking["tightest_channel"], parking["sent_today"], parking["daily_limit"]) == (
        "Emails",
        640,
        250_000,
    )
    assert (parking["email_today"], parking["sms_today"], parking["letter_today"]) == (640, 370, 23)
    near = rows.loc["Trial"]
    assert (near["tightest_channel"], near["sent_today"], near["daily_limit"]) == (
        "Text messages",
        45,
        50,
    )
    assert (near["limit_used"], near["limit_level"]) == (0.9, "warning")
    for name, row in rows.iterrows():
        assert row["limit_used"] == pytest.approx(row["sent_today"] / row["daily_limit"]), name
        level = "error" if row["limit_used"] >= 1 else "ok"
        if WARNING_FRACTION <= row["limit_used"] < 1:
            level = "warning"
        assert row["limit_level"] == level, name
        assert row["limit_state"] == LEVEL_WORDS[level], name
    assert list(section.value.table["name"])[0] == "Trial", "nearest a limit first"


def test_nothing_sent_today_shows_the_smallest_limit_as_the_tightest(requests_mock, clients):
    (notify, parking) = recorded_services()
    mock(requests_mock, [parking], [counts_row(parking)], [counts_row(parking)])

    row = load(clients).value.table.iloc[0]

    assert (row["tightest_channel"], row["sent_today"], row["daily_limit"]) == (
        "Letters",
        0,
        20_000,
    )
    assert row["limit_used"] == 0.0


def test_a_limit_of_nothing_with_something_sent_is_over_it(requests_mock, clients):
    service = recorded_services()[1] | {"letter_message_limit": 0}
    mock(requests_mock, [service], [], [counts_row(service, letter=1)])

    row = load(clients).value.table.iloc[0]

    assert (row["tightest_channel"], row["daily_limit"]) == ("Letters", 0)
    assert math.isinf(row["limit_used"]) and row["limit_level"] == "error"


def test_a_service_that_sent_nothing_in_the_window_counts_zero(requests_mock, clients):
    notify, parking = recorded_services()
    window = [counts_row(notify), *(row for row in recorded_counts() if row["id"] != notify["id"])]
    mock(requests_mock, recorded_services(), window, recorded_counts())

    section = load(clients)
    rows = section.value.table.set_index("name")

    assert section.value.excluded == ()
    assert rows.loc["GOV.UK Notify", ["requested", "failed", "failure_rate"]].tolist() == [
        0,
        0,
        0.0,
    ]
    parking = rows.loc["Apply for a parking permit"]
    assert parking[["requested", "delivered", "failed"]].tolist() == [1_033, 901, 103]
    assert parking["sending"] == 1_033 - 901 - 103
    assert parking["failure_rate"] == pytest.approx(103 / 1_033)


def test_a_service_the_counts_leave_out_is_named_and_its_counts_are_blank(requests_mock, clients):
    """The detailed list holds every service: one missing is a short answer, not zero."""
    notify, parking = recorded_services()
    mock(requests_mock, recorded_services(), [counts_row(parking, sms=5)], [counts_row(parking)])

    section = load(clients)
    rows = section.value.table.set_index("name")

    assert [(item.name, item.reason) for item in section.value.excluded] == [
        ("GOV.UK Notify", "the API's counts for today and for the window leave it out")
    ]
    assert rows.loc["GOV.UK Notify", ["requested", "sent_today", "limit_level"]].isna().all()
    assert rows.loc["Apply for a parking permit", "requested"] == 5


@pytest.mark.parametrize(
    ("changes", "status"),
    [
        ({}, "Live"),
        ({"restricted": True}, "Trial"),
        ({"count_as_live": False}, "Not counted as live"),
        ({"active": False}, "Inactive"),
        ({"active": False, "restricted": True}, "Inactive"),
    ],
)
def test_each_service_has_one_status_and_only_the_apis_live_are_live(
    requests_mock, clients, changes, status
):
    service = recorded_services()[1] | changes
    mock(requests_mock, [service], [], [])

    assert load(clients).value.table.loc[0, "status"] == status


def test_rows_link_to_the_service_page_with_the_window(requests_mock, clients):
    mock(requests_mock, recorded_services(), [], [])

    links = list(load(clients).value.table["link"])

    assert sorted(links) == sorted(
        f"service?service_id={service['id']}&days=7#{service['name'].replace(' ', '%20')}"
        for service in recorded_services()
    )


@pytest.mark.parametrize(
    ("failing", "missing", "absent", "kept"),
    [
        (TODAYS, "Today's use of the daily limits", "limit_used", "requested"),
        (WINDOW, "Counts for the window", "requested", "limit_used"),
    ],
)
def test_a_failed_part_leaves_out_its_columns_and_says_so(
    requests_mock, clients, failing, missing, absent, kept
):
    mock(requests_mock, recorded_services(), recorded_counts(), recorded_counts())
    requests_mock.get(failing, status_code=500, json={})

    section = load(clients)

    assert isinstance(section, Ready)
    (message,) = section.value.missing
    assert message.startswith(missing) and "internal error (500)" in message
    assert absent not in section.value.table and kept in section.value.table
    assert len(section.value.table) == 2


def test_without_the_services_list_there_is_no_table(requests_mock, clients):
    requests_mock.get(f"{TEST_API}/service", status_code=403, json={"result": "error"})
    requests_mock.get(WINDOW, json={"data": recorded_counts()})
    requests_mock.get(TODAYS, json={"data": recorded_counts()})
    for url in EARLIER:
        requests_mock.get(url, json={"data": recorded_counts()})

    section = load(clients)

    assert isinstance(section, Failed)
    assert "refused the dashboard's token" in section.message
    # The list, the window's and today's counts, and for each window before, its small counts,
    # the detailed list they were made from and the picker's names it is checked against; and
    # the window's days before today as a sum, which (no day kept) gives way to the window's
    # own list. The picker's names read the services list again: a failure is not kept, so a
    # window's check that joins no other read of it asks once more (0 to 4 times).
    assert 12 + 4 + 1 <= section.freshness.lookups <= 12 + 4 + 4
    listed = [request for request in requests_mock.request_history if not request.qs]
    assert 1 <= len(listed) <= 1 + 4


def test_counts_of_a_service_the_list_does_not_have_are_listed_not_dropped(requests_mock, clients):
    stranger = recorded_services()[1] | {"id": str(uuid4()), "name": "Stranger"}
    today = [*recorded_counts(), counts_row(stranger, sms=5)]
    mock(requests_mock, recorded_services(), [*recorded_counts(), counts_row(stranger)], today)

    section = load(clients)

    (excluded,) = section.value.excluded
    assert (excluded.service_id, excluded.name) == (stranger["id"], "Stranger")
    assert "not in the services list" in excluded.reason
    assert len(section.value.table) == 2


def test_without_a_further_earlier_window_no_service_is_flagged_unusual_and_it_is_said(
    live_sandbox, redis_client
):
    """The window before is read, the third window back is not: the comparison stands, but
    the unusual rule, which needs all four earlier windows, flags nothing (its columns are
    left out) and the page says why, instead of flagging against fewer windows in silence."""
    today = date.today()
    clients = build_clients(
        settings_for_tests(api_host_name=live_sandbox.url),
        RequestCache(redis_client, DEFAULT_TTLS, retry_after_seconds=0),
    )
    outcomes = gather(all_services_calls(clients, 7, today))
    whole = all_services_from(outcomes, 7, today, live_sandbox.url)
    late = Outcome(None, TookTooLong(15), (), 0.0)

    cut = all_services_from({**outcomes, EARLIER_CALLS[2]: late}, 7, today, live_sandbox.url)

    assert isinstance(whole, Ready) and isinstance(cut, Ready)
    assert "failure_unusual" in whole.value.table and whole.value.missing == ()
    assert "failure_unusual" not in cut.value.table
    assert "unusual_channels" not in cut.value.table
    assert list(cut.value.table["previous_requested"]) == list(
        whole.value.table["previous_requested"]
    )
    assert cut.value.missing == (NOT_FLAGGED + describe_error(late.error, live_sandbox.url),)
