"""The platform's notifications by channel, with failures added up, from the recorded answer."""

import pytest

from dashboard.domain.platform_today import platform_by_channel
from dashboard.notify_client.schemas.platform import PLATFORM_STATS
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
