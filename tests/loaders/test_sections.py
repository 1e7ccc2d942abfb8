"""Sections: the first failure's message, or the value built from every call's answer."""

import threading

from notifications_python_client.errors import HTTP503Error

from dashboard.loaders.sections import Failed, Ready, section_of
from dashboard.notify_client.calls import Lookup, Outcome, gather


def outcome(value: object = None, error: Exception | None = None, ms: float = 5.0) -> Outcome:
    return Outcome(value, error, (Lookup("k", "service", "hit", 30.0, ms),), ms)


def test_a_section_is_built_from_its_answers_in_order():
    section = section_of([outcome(2), outcome(3, ms=9.0)], lambda a, b: a * 10 + b, "api")

    assert isinstance(section, Ready)
    assert section.value == 23
    assert section.freshness.milliseconds == 9.0
    assert section.freshness.from_cache


def test_one_failed_call_fails_the_section_with_a_message_and_no_secret():
    error = HTTP503Error(response=None, message="Request failed")
    section = section_of(
        [outcome(2), outcome(error=error)], lambda a, b: a + b, "https://u:s3cret@api.example"
    )

    assert isinstance(section, Failed)
    assert "could not be reached" in section.message
    assert "s3cret" not in section.message
    assert section.freshness.lookups == 2


def test_a_call_past_the_deadline_is_named_and_the_others_are_kept():
    release = threading.Event()
    outcomes = gather(
        {"quick": lambda: 1, "slow": lambda: release.wait(5)}, max_workers=2, deadline_seconds=0.2
    )
    release.set()

    assert outcomes["quick"].value == 1
    section = section_of([outcomes["slow"]], lambda value: value, "http://api")
    assert isinstance(section, Failed)
    assert "has not answered this part after less than a second" in section.message
