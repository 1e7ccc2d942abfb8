"""A page's calls at once: each call's answer or error, and the cache lookups it made."""

import threading
from uuid import uuid4

from dashboard.concurrency import TookTooLong
from dashboard.notify_client.calls import gather
from tests.conftest import TEST_API
from tests.samples import sample_body


def test_each_call_keeps_its_own_lookups(requests_mock, clients):
    service_id = str(uuid4())
    requests_mock.get(f"{TEST_API}/service/{service_id}", json=sample_body("GET_service"))
    requests_mock.get(
        f"{TEST_API}/service/{service_id}/data-retention",
        json=sample_body("GET_service_data_retention"),
    )
    clients.services.get_service(service_id)

    outcomes = gather(
        {
            "service": lambda: clients.services.get_service(service_id),
            "retention": lambda: clients.services.get_data_retention(service_id),
        },
        max_workers=2,
    )

    assert [(lookup.key, lookup.outcome) for lookup in outcomes["service"].lookups] == [
        (f"service-{service_id}", "hit")
    ]
    assert [(lookup.key, lookup.outcome) for lookup in outcomes["retention"].lookups] == [
        (f"service-{service_id}-data-retention", "miss")
    ]
    assert outcomes["service"].value.id == sample_body("GET_service")["data"]["id"]


def test_a_failing_call_keeps_its_error_and_the_others_their_answers():
    def fails() -> None:
        raise LookupError("no such service")

    outcomes = gather({"fails": fails, "works": lambda: 42}, max_workers=2)

    assert isinstance(outcomes["fails"].error, LookupError)
    assert (outcomes["works"].value, outcomes["works"].error) == (42, None)
    assert outcomes["fails"].lookups == ()


def test_a_call_still_running_at_the_deadline_took_too_long():
    release = threading.Event()

    outcomes = gather({"slow": lambda: release.wait(5), "quick": lambda: 1}, 2, 0.2)
    release.set()

    assert isinstance(outcomes["slow"].error, TookTooLong)
    assert outcomes["quick"].value == 1
