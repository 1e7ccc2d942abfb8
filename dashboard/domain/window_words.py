"""Words that say exactly which days a window of counts covers."""

from datetime import date


def describe_window(days: int, start: date, end: date) -> str:
    """E.g. "Today and the 7 days before (20 to 27 November 2026)": the API's `limit_days`
    window is today plus that many days before it, so "last 7 days" would be one day short."""
    if start.year != end.year:
        span = f"{start:%-d %B %Y} to {end:%-d %B %Y}"
    elif start.month != end.month:
        span = f"{start:%-d %B} to {end:%-d %B %Y}"
    else:
        span = f"{start:%-d} to {end:%-d %B %Y}"
    before = "1 day" if days == 1 else f"{days:,} days"
    return f"Today and the {before} before ({span})"
