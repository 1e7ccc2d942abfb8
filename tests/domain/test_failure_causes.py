import pytest

from dashboard.domain.failure_causes import (
    CAUSES,
    FAILED_DEFINITION,
    causes_by_channel,
    statuses_over_months,
)
from dashboard.domain.statistics import FAILED_STATUSES
from dashboard.notify_client.schemas.services import NOTIFICATIONS_MONTHLY
from tests.samples import sample_body


def test_the_causes_cover_exactly_the_failed_statuses():
    covered = [status for cause in CAUSES for status in cause.statuses]
    assert sorted(covered) == sorted(FAILED_STATUSES)
    assert all(status in FAILED_DEFINITION for status in FAILED_STATUSES)


def test_each_cause_says_who_can_act_and_what_it_means_in_notifys_words():
    by_key = {cause.key: cause for cause in CAUSES}
    assert by_key["permanent"].who_can_act.startswith("The service")
    assert by_key["technical"].who_can_act.startswith("Notify")
    assert "remove these email addresses" in by_key["permanent"].meaning["email"]
    assert "phone is off" in by_key["temporary"].meaning["sms"]


def test_failures_by_channel_and_cause_with_their_shares():
    table = causes_by_channel(
        {
            "email": {"delivered": 900, "permanent-failure": 30, "temporary-failure": 10},
            "letter": {"validation-failed": 2, "failed": 1, "technical-failure": 1},
        }
    )
    rows = {(row["Channel"], row["Cause"]): row for row in table.to_dict("records")}
    assert set(rows) == {
        ("Emails", "Permanent failure"),
        ("Emails", "Temporary failure"),
        ("Letters", "Technical failure"),
        ("Letters", "Validation failed (letters)"),
    }
    assert rows[("Emails", "Permanent failure")]["Share of failed"] == pytest.approx(0.75)
    assert rows[("Letters", "Technical failure")]["Failed"] == 2  # the older "failed" too


def test_no_failures_is_an_empty_table():
    assert causes_by_channel({"email": {"delivered": 10}}).empty


def test_a_years_statuses_are_added_up_over_its_months():
    months = NOTIFICATIONS_MONTHLY(sample_body("GET_service_notifications_monthly"))

    counts = statuses_over_months(months)

    for channel in ("email", "sms", "letter"):
        expected = sum(sum(getattr(month, channel).values()) for month in months.values())
        assert sum(counts[channel].values()) == expected
    failed = causes_by_channel(counts)["Failed"].sum()
    assert failed == sum(
        n
        for month in months.values()
        for channel in ("email", "sms", "letter")
        for status, n in getattr(month, channel).items()
        if status in FAILED_STATUSES
    )
