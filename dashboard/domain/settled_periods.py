"""Whether a range's figures can still change: the API keeps rebuilding the recent days.

Notify rebuilds its billing and status facts for the last 10 days every night (letters and
late delivery receipts settle days after sending), so a range that ended more than 10 days ago
no longer changes; nor, for this dashboard's purposes, does a month or a financial year that
has ended. An answer about a settled range can be kept a long time.
"""

from datetime import date, timedelta

#: The days the API's nightly tasks rebuild: a day older than this is settled.
SETTLING_DAYS = 10


def is_settled(end_date: date, today: date) -> bool:
    """A range ending on `end_date` is settled: more than 10 days ago, or in a past month."""
    past_month = (end_date.year, end_date.month) < (today.year, today.month)
    return past_month or end_date < today - timedelta(days=SETTLING_DAYS)
