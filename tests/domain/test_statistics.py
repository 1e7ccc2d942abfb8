from datetime import date

import pytest

from dashboard.domain.statistics import (
    CHANNEL_LABELS,
    CHANNELS,
    MONTHLY_STATISTICS_COLUMNS,
    grouped_counts,
    monthly_statistics_frame,
    monthly_statistics_table,
    statistics_frame,
    tidy_statistics,
    totals,
)
from dashboard.notify_client.schemas.services import (
    NOTIFICATIONS_MONTHLY,
    STATISTICS,
    ChannelCounts,
    Statistics,
)
from tests.samples import sample_body


@pytest.fixture
def seven_days() -> Statistics:
    return STATISTICS(sample_body("GET_service_statistics_limit_days_7"))


def test_channels_and_labels():
    assert CHANNELS == ("email", "sms", "letter")
    assert CHANNEL_LABELS == {"email": "Emails", "sms": "Text messages", "letter": "Letters"}


def test_statistics_frame(seven_days):
    frame = statistics_frame(seven_days)

    assert list(frame.columns) == [
        "channel",
        "label",
        "requested",
        "delivered",
        "failed",
        "sending",
        "failure_rate",
    ]
    assert list(frame["channel"]) == ["email", "sms", "letter"]
    assert list(frame["label"]) == ["Emails", "Text messages", "Letters"]
    assert list(frame["requested"]) == [640, 370, 23]
    # sending = requested − delivered − failed: 640−570−56, 370−310−47, 23−21−0.
    assert list(frame["sending"]) == [14, 13, 2]
    assert list(frame["failure_rate"]) == pytest.approx([56 / 640, 47 / 370, 0.0])
    for column in ("requested", "delivered", "failed", "sending"):
        assert frame[column].dtype == "int64"
    assert frame["failure_rate"].dtype == "float64"


def test_statistics_frame_of_an_unknown_service_is_all_zeros():
    frame = statistics_frame(STATISTICS(sample_body("GET_service_statistics_unknown_service")))
    assert frame[["requested", "delivered", "failed", "sending"]].to_numpy().sum() == 0
    assert list(frame["failure_rate"]) == [0.0, 0.0, 0.0]


def test_sending_never_goes_below_zero(seven_days):
    # Counts read at slightly different moments can disagree.
    counts = ChannelCounts(requested=5, delivered=4, failed=3)
    frame = statistics_frame(Statistics(email=seven_days.email, sms=counts, letter=counts))
    assert frame.set_index("channel").loc["sms", "sending"] == 0


def test_tidy_statistics(seven_days):
    tidy = tidy_statistics(seven_days)

    assert list(tidy.columns) == ["channel", "label", "status", "count"]
    assert len(tidy) == 9
    assert tidy["count"].dtype == "int64"
    counts = {(row.channel, row.status): row.count for row in tidy.itertuples()}
    assert counts == {
        ("email", "delivered"): 570,
        ("email", "failed"): 56,
        ("email", "sending"): 14,
        ("sms", "delivered"): 310,
        ("sms", "failed"): 47,
        ("sms", "sending"): 13,
        ("letter", "delivered"): 21,
        ("letter", "failed"): 0,
        ("letter", "sending"): 2,
    }
    # Each channel's statuses add up to what it requested.
    assert tidy.groupby("channel")["count"].sum().to_dict() == {
        "email": 640,
        "sms": 370,
        "letter": 23,
    }


def test_totals(seven_days):
    assert totals(seven_days) == {
        "requested": 1_033,
        "delivered": 901,
        "failed": 103,
        "sending": 29,
    }


def test_grouped_counts_follow_the_statistics_endpoints_rules():
    counts = {
        "created": 1,
        "sending": 2,
        "pending": 4,
        "sent": 8,
        "delivered": 16,
        "failed": 32,
        "technical-failure": 64,
        "temporary-failure": 128,
        "permanent-failure": 256,
        "validation-failed": 512,
        "virus-scan-failed": 1024,
        "cancelled": 2048,
    }

    assert grouped_counts(counts) == {
        "requested": 2047,  # all but cancelled
        "delivered": 8 + 16,
        "failed": 32 + 64 + 128 + 256 + 512 + 1024,
        "sending": 1 + 2 + 4,
    }
    assert grouped_counts({}) == {"requested": 0, "delivered": 0, "failed": 0, "sending": 0}


def test_the_recorded_months_by_channel():
    months = NOTIFICATIONS_MONTHLY(sample_body("GET_service_notifications_monthly"))

    frame = monthly_statistics_frame(months)

    assert list(frame.columns) == list(MONTHLY_STATISTICS_COLUMNS)
    assert len(frame) == 3 * len(months)
    assert list(frame["month"].unique()) == sorted(months)
    assert frame["month_start"].iloc[0] == date(2026, 4, 1)
    for row in frame.to_dict("records"):
        by_status = getattr(months[row["month"]], row["channel"])
        assert row["requested"] == sum(n for s, n in by_status.items() if s != "cancelled")
        assert row["delivered"] == by_status.get("delivered", 0) + by_status.get("sent", 0)
        assert row["requested"] == row["delivered"] + row["failed"] + row["sending"]
    assert frame[["requested", "delivered", "failed", "sending"]].dtypes.eq("int64").all()


def test_the_months_table_has_a_row_a_month_and_a_column_per_channel_and_count():
    months = NOTIFICATIONS_MONTHLY(sample_body("GET_service_notifications_monthly"))
    frame = monthly_statistics_frame(months)

    table = monthly_statistics_table(frame)

    assert list(table.columns) == [
        "Month",
        *(
            f"{label} {count}"
            for label in ("Emails", "Text messages", "Letters")
            for count in ("requested", "delivered", "failed")
        ),
    ]
    assert len(table) == len(months)
    october = table.set_index("Month").loc["October 2026"]
    expected = frame.set_index(["month", "channel"]).loc[("2026-10", "letter")]
    assert october["Letters requested"] == expected["requested"]
    assert october["Letters failed"] == expected["failed"]


def test_no_months_gives_empty_frames():
    frame = monthly_statistics_frame({})

    assert frame.empty and list(frame.columns) == list(MONTHLY_STATISTICS_COLUMNS)
    assert monthly_statistics_table(frame).empty
