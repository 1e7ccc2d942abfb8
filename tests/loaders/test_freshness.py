"""How fresh a section is, in words: from the cache, just read, or the last good copy."""

import re
from datetime import datetime

import pytest

from dashboard.domain.financial_year import LONDON
from dashboard.loaders.allowance_by_month import load_allowance_by_month
from dashboard.loaders.freshness import combined, describe_age, freshness_of
from dashboard.loaders.sections import Ready
from dashboard.loaders.service_page import ServicePage, load_service_page
from dashboard.notify_client.calls import Lookup
from tests.loaders.test_service_page import context_of, mock_everything_for
from tests.samples import sample_service_id

READ_AT = datetime(2026, 3, 2, 9, 15, tzinfo=LONDON).timestamp()


def lookup(outcome: str, age: float | None = None, stored_at: float | None = None) -> Lookup:
    return Lookup("service-1", "service", outcome, age, 1.0, stored_at)


def test_a_section_all_from_the_cache_is_as_old_as_its_oldest_number():
    freshness = freshness_of([lookup("hit", 30), lookup("hit", 400)], 2.0)

    assert freshness.summary == "From the cache, 6 minutes old"


def test_two_parts_shown_as_one_section_have_one_freshness():
    cached = freshness_of([lookup("hit", 30), lookup("hit", 400)], 2.0)
    also_cached = freshness_of([lookup("hit", 900)], 3.0)
    just_read = freshness_of([lookup("miss")], 5.0)
    stale = freshness_of([lookup("stale", 60, READ_AT)], 1.0)

    assert combined(cached, also_cached).summary == "From the cache, 15 minutes old"
    assert combined(cached, just_read).summary == "Just read from the API"
    assert combined(cached, stale).summary == stale.summary
    both = combined(cached, just_read)
    assert (both.lookups, both.milliseconds) == (3, 7.0)
    assert combined(freshness_of([], 0.0), cached) == cached


@pytest.mark.parametrize(
    ("seconds", "words"),
    [
        (None, "age unknown"),
        (59, "under a minute old"),
        (60, "1 minute old"),
        (3599, "59 minutes old"),
        (3600, "1 hour old"),
        (47 * 3600, "47 hours old"),
        (3 * 86400, "3 days old"),
    ],
)
def test_ages_are_said_in_the_largest_unit_that_reads_well(seconds, words):
    assert describe_age(seconds) == words


def test_a_section_read_while_the_cache_failed_says_so():
    assert freshness_of([lookup("error")], 2.0).summary == (
        "Read from the API: the cache is not answering"
    )
    assert freshness_of([], 0.0).summary == "Not read"


def test_a_section_with_one_number_just_read_is_just_read():
    assert freshness_of([lookup("hit", 30), lookup("miss")], 2.0).summary == (
        "Just read from the API"
    )


def test_a_section_served_from_a_last_good_copy_says_as_of_when():
    freshness = freshness_of(
        [lookup("hit", 30), lookup("stale", stored_at=READ_AT), lookup("stale", stored_at=1e10)],
        2.0,
    )

    assert freshness.summary == (
        "As of 02 Mar 2026 09:15, the API did not answer: these are the last numbers it gave"
    )


def test_a_page_whose_api_fails_after_its_values_expired_shows_the_copies(
    requests_mock, clients, redis_client
):
    mock_everything_for(requests_mock, sample_service_id())
    context = context_of(clients)
    first = load_service_page(context, sample_service_id(), "30")
    assert isinstance(first, ServicePage) and isinstance(first.allowance, Ready)
    load_allowance_by_month(context, sample_service_id(), first.allowance.value)
    for key in redis_client.scan_iter(match="service-*"):
        redis_client.delete(key)  # every value expired; the last good copies stay
    requests_mock.get(re.compile(".*"), status_code=503, json={"message": "Down"})

    again = load_service_page(context, sample_service_id(), "30")
    assert isinstance(again, ServicePage) and isinstance(again.allowance, Ready)
    months = load_allowance_by_month(context, sample_service_id(), again.allowance.value)

    assert again.failures() == ()
    assert isinstance(first.counts, Ready) and isinstance(again.counts, Ready)
    assert again.counts.value.by_channel.equals(first.counts.value.by_channel)
    assert again.allowance.value == first.allowance.value
    sections = [
        again.service,
        again.counts,
        again.limits,
        again.allowance,
        again.year_by_month,
        again.checklist,
        months,
    ]
    assert all(
        section.freshness.summary.startswith("As of ")
        and "the API did not answer" in section.freshness.summary
        for section in sections
    )
