from datetime import date

from dashboard.domain.daily_trend import (
    TODAY_SO_FAR,
    WHOLE_DAY,
    missing_days,
    platform_days,
    service_days,
    service_trend_table,
    trend_start,
    trend_table,
)
from dashboard.notify_client.schemas.platform import DAILY_VOLUMES
from tests.samples import sample_body

TODAY = date(2026, 12, 1)


def recorded():
    return DAILY_VOLUMES(sample_body("GET_platform_stats_daily_volumes_report"))


def test_thirty_days_end_today():
    assert trend_start(TODAY) == date(2026, 11, 2)
    assert trend_start(TODAY, 1) == TODAY


def test_every_day_and_channel_is_a_row_today_in_progress_and_missing_days_blank():
    days = platform_days(recorded(), date(2026, 11, 16), TODAY)

    assert len(days) == 16 * 3
    first = days[days["day"] == date(2026, 11, 16)]
    assert first["count"].isna().all()  # before the recorded report starts: blank, not 0
    today = days[days["day"] == TODAY]
    assert set(today["progress"]) == {TODAY_SO_FAR}
    assert set(days[days["day"] < TODAY]["progress"]) == {WHOLE_DAY}
    row = days[(days["day"] == date(2026, 11, 18)) & (days["label"] == "Emails")]
    assert row["count"].tolist() == [9813]


def test_the_table_has_the_same_figures_newest_first_with_today_named():
    table = trend_table(platform_days(recorded(), date(2026, 11, 18), TODAY))

    assert list(table.columns) == ["Day", "Emails", "Text messages", "Letters"]
    assert table["Day"].iloc[0] == "Tue 1 Dec (so far)"
    assert table["Day"].iloc[-1] == "Wed 18 Nov"
    assert table[["Emails", "Text messages", "Letters"]].iloc[-1].tolist() == [9813, 9048, 562]


def test_a_services_days_keep_the_channels_it_used_with_zero_days_filled():
    by_day = {
        date(2026, 11, 29): (10, 1, 0, 0, 0, 0),
        date(2026, 12, 1): (12, 3, 5, 0, 0, 0),
    }
    days = service_days(by_day, date(2026, 11, 29), TODAY)

    assert set(days["label"]) == {"Emails", "Text messages"}  # no letters sent
    assert len(days) == 3 * 2 * 2  # 3 days, 2 channels, requested and failed
    quiet = days[days["day"] == date(2026, 11, 30)]
    assert quiet["count"].tolist() == [0, 0, 0, 0]
    table = service_trend_table(days)
    assert list(table.columns) == [
        "Day",
        "Emails requested",
        "Emails failed",
        "Text messages requested",
        "Text messages failed",
    ]
    assert table.iloc[0].tolist() == ["Tue 1 Dec (so far)", 12, 3, 5, 0]


def test_a_service_that_sent_nothing_has_no_lines():
    days = service_days({}, date(2026, 11, 29), TODAY)
    assert days.empty and list(service_trend_table(days).columns) == ["Day"]


def test_a_day_the_report_leaves_out_is_named_and_blank_in_the_table_not_zero():
    start = date(2026, 11, 16)
    rows = recorded()

    note = missing_days(rows, start, TODAY)
    table = trend_table(platform_days(rows, start, TODAY))

    assert note is not None
    assert note.startswith("The API's daily report has no row for 2 days (Mon 16 Nov, Tue 17 Nov)")
    assert table.iloc[-1].isna().tolist() == [False, True, True, True]
    assert missing_days(rows, date(2026, 11, 18), TODAY) is None
