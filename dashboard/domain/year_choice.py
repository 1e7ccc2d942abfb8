"""The financial year a page shows, from a `?year=` value that may be anything."""

from collections.abc import Sequence
from dataclasses import dataclass

from dashboard.domain.financial_year import financial_year_label

_MAX_SHOWN_TEXT = 40


@dataclass(frozen=True)
class YearChoice:
    """The year to show, and a message when the one asked for could not be."""

    year: int
    message: str | None


def choose_financial_year(requested: str | None, years: Sequence[int]) -> YearChoice:
    """One of `years` (newest first): the one asked for, else the newest with a message that
    quotes what was asked for, so that a shared link never breaks.

    The message holds text from the URL: show it as plain text.
    """
    newest = years[0]
    text = (requested or "").strip()
    if not text:
        return YearChoice(newest, None)
    if text.isdigit() and int(text) in years:
        return YearChoice(int(text), None)
    shown = text if len(text) <= _MAX_SHOWN_TEXT else text[: _MAX_SHOWN_TEXT - 1] + "…"
    return YearChoice(
        newest,
        f"“{shown}” is not a financial year shown here: showing {financial_year_label(newest)}.",
    )
