"""All services' filters, headline counts and rankings, on a table built by hand."""

import pandas as pd

from dashboard.domain.service_table import (
    ALL_CHANNELS,
    ServiceFilter,
    biggest_senders,
    choose_scope,
    filter_services,
    headline_counts,
    nearest_daily_limits,
    other_channels_columns,
    scope_column,
)


def table() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "name": ["Parking", "Fines", "Bins", "Tax"],
            "sector": ["Local government", "Local government", "Other", "Central government"],
            "status": ["Live", "Trial", "Live", "Inactive"],
            "limit_used": [0.95, 0.10, 1.20, 0.0],
            "limit_level": ["warning", "ok", "error", "ok"],
            "requested": [500, 20, 9_000, 0],
        }
    )


def names(frame: pd.DataFrame) -> list[str]:
    return list(frame["name"])


def test_no_filter_keeps_every_row_in_order():
    assert names(filter_services(table(), ServiceFilter())) == ["Parking", "Fines", "Bins", "Tax"]


def test_each_filter_and_all_of_them_together():
    assert names(filter_services(table(), ServiceFilter(sectors=("Other",)))) == ["Bins"]
    assert names(filter_services(table(), ServiceFilter(status="Trial"))) == ["Fines"]
    assert names(filter_services(table(), ServiceFilter(near_limit_only=True))) == [
        "Parking",
        "Bins",
    ]
    assert names(filter_services(table(), ServiceFilter(search=" fIn "))) == ["Fines"]
    both = ServiceFilter(sectors=("Local government",), status="Live", near_limit_only=True)
    assert names(filter_services(table(), both)) == ["Parking"]


def test_a_search_is_text_not_a_pattern():
    rows = table().assign(name=["a.b", "axb", "(x", "y"])

    assert names(filter_services(rows, ServiceFilter(search="a.b"))) == ["a.b"]
    assert names(filter_services(rows, ServiceFilter(search="("))) == ["(x"]


def test_without_todays_counts_near_a_limit_keeps_nothing():
    rows = table().drop(columns=["limit_used", "limit_level"])

    assert filter_services(rows, ServiceFilter(near_limit_only=True)).empty


def test_headline_counts_use_the_apis_live():
    assert headline_counts(table()) == {"services": 4, "live": 2, "near": 1, "over": 1}
    without_today = table().drop(columns=["limit_used", "limit_level"])
    assert headline_counts(without_today) == {"services": 4, "live": 2, "near": None, "over": None}


def test_rankings_take_the_most_first_and_leave_the_table_alone():
    rows = table()

    assert names(nearest_daily_limits(rows, 2)) == ["Bins", "Parking"]
    assert names(biggest_senders(rows, 3)) == ["Bins", "Parking", "Fines"]
    assert names(rows) == ["Parking", "Fines", "Bins", "Tax"]


def test_a_channel_from_the_url_is_one_of_the_four_or_every_channel_with_a_message():
    assert choose_scope(None) == (ALL_CHANNELS, None)
    assert choose_scope("") == (ALL_CHANNELS, None)
    assert choose_scope("sms") == ("sms", None)
    scope, message = choose_scope("SMS")
    assert scope == ALL_CHANNELS
    assert message == (
        "“SMS” is not a channel: showing all channels. Choose all, email, sms or letter."
    )
    scope, message = choose_scope("x" * 5000)
    assert scope == ALL_CHANNELS and message is not None and len(message) < 150


def test_a_scopes_columns_are_the_channels_own_or_every_channels():
    assert scope_column(ALL_CHANNELS, "previous_delivered") == "previous_delivered"
    assert scope_column("letter", "previous_delivered") == "letter_previous_delivered"


def test_a_view_leaves_out_only_the_other_channels_figures():
    left_out = other_channels_columns("sms")
    assert "email_previous_delivered" in left_out and "letter_failure_rate" in left_out
    assert not any(name.startswith("sms_") for name in left_out)
    assert "email_requested" not in left_out  # every channel's requested, as before
    assert "previous_delivered" not in other_channels_columns(ALL_CHANNELS)
    assert len(other_channels_columns(ALL_CHANNELS)) == 3 * 8
