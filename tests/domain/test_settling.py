from datetime import date

from dashboard.domain.settling import first_settled_day, is_settled, settling_note

TODAY = date(2026, 12, 2)


def test_a_day_more_than_ten_days_old_is_settled():
    assert first_settled_day(TODAY) == date(2026, 11, 21)
    assert is_settled(date(2026, 11, 21), TODAY)
    assert not is_settled(date(2026, 11, 22), TODAY)
    assert not is_settled(TODAY, TODAY)


def test_a_window_of_settled_days_needs_no_note():
    assert settling_note(date(2026, 11, 1), date(2026, 11, 21), TODAY) is None


def test_the_note_names_only_the_days_still_settling():
    note = settling_note(date(2026, 11, 15), date(2026, 11, 25), TODAY)
    assert note is not None
    assert note.startswith("The counts for 22 November to 25 November are still settling")


def test_a_window_inside_the_settling_days_names_all_of_them():
    note = settling_note(date(2026, 11, 25), TODAY, TODAY)
    assert note is not None
    assert note.startswith("The counts for 25 November to 2 December are still settling")
    one_day = settling_note(TODAY, TODAY, TODAY)
    assert one_day is not None and one_day.startswith("The counts for 2 December are")


def test_a_month_that_has_just_ended_is_still_settling():
    # The API rebuilds the last 10 days every night, whatever month they fall in.
    assert not is_settled(date(2026, 11, 30), date(2026, 12, 2))
    assert is_settled(date(2026, 11, 21), date(2026, 12, 2))
