from datetime import date

from dashboard.domain.daily_trend import (
    TODAY_SO_FAR,
    WHOLE_DAY,
    platform_days,
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


def test_every_day_and_channel_is_a_row_today_in_progress_and_missing_days_zero():
    days = platform_days(recorded(), date(2026, 11, 16), TODAY)

    assert len(days) == 16 * 3
    first = days[days["day"] == date(2026, 11, 16)]
    assert first["count"].tolist() == [0, 0, 0]  # before the recorded report starts
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
