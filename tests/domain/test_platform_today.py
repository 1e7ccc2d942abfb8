"""The platform's notifications by channel, with failures added up, from the recorded answer."""

import pytest

from dashboard.domain.platform_today import (
    failures_by_status,
    platform_by_channel,
    requested_by_channel,
)
from dashboard.notify_client.schemas.platform import PLATFORM_STATS
from dashboard.notify_client.schemas.services import DETAILED_SERVICES
from tests.samples import sample_body


def test_each_channel_with_its_failures_and_test_key_sends():
    frame = platform_by_channel(PLATFORM_STATS(sample_body("GET_platform_stats_totals")))

    rows = frame.set_index("channel")
    assert list(rows.index) == ["email", "sms", "letter"]
    assert rows.loc["email", ["total", "failed", "test_key"]].tolist() == [70_956, 2_316, 0]
    assert rows.loc["sms", ["total", "failed", "test_key"]].tolist() == [56_598, 3_365, 882]
    assert rows.loc["letter", ["total", "failed"]].tolist() == [3_782, 53]
    assert rows.loc["sms", "failure_rate"] == pytest.approx(3_365 / 56_598)
    assert rows.loc["sms", "label"] == "Text messages"


def test_a_channel_with_nothing_sent_has_a_failure_rate_of_zero():
    quiet = {
        "total": 0,
        "test-key": 0,
        "failures": {
            "permanent-failure": 0,
            "technical-failure": 0,
            "temporary-failure": 0,
            "virus-scan-failed": 0,
        },
    }
    frame = platform_by_channel(PLATFORM_STATS({"email": quiet, "sms": quiet, "letter": quiet}))

    assert (frame["failure_rate"] == 0.0).all()


def test_requested_by_channel_adds_every_services_row():
    rows = DETAILED_SERVICES(sample_body("GET_service_list_detailed"))
    frame = requested_by_channel(rows).set_index("channel")

    for channel in ("email", "sms", "letter"):
        counts = [getattr(row.statistics, channel) for row in rows]
        assert frame.loc[channel, "requested"] == sum(c.requested for c in counts)
        assert frame.loc[channel, "failed"] == sum(c.failed for c in counts)
    assert requested_by_channel([])["failure_rate"].tolist() == [0.0, 0.0, 0.0]


def test_failures_by_status_keep_the_four_statuses_apart():
    counts = failures_by_status(PLATFORM_STATS(sample_body("GET_platform_stats_totals")))
    assert sum(counts["sms"].values()) == 3_365
    assert set(counts["email"]) == {
        "permanent-failure",
        "temporary-failure",
        "technical-failure",
        "virus-scan-failed",
    }
