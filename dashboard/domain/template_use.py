"""Each template's use: the window's counts and failure rate, and this year month by month.

The API gives a service's templates by status for today and up to 7 days before
(`template-statistics`), and by month for a financial year (`templates_usage/monthly`). A
failure rate traced to one template points at the list or the content that causes it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import TYPE_CHECKING

import pandas as pd

from dashboard.domain.financial_year import financial_year_bounds
from dashboard.domain.statistics import CHANNEL_LABELS, grouped_counts

if TYPE_CHECKING:
    from dashboard.notify_client.schemas.templates import TemplateMonth, TemplateStatistic

#: The most days before today the API gives templates for.
MAX_TEMPLATE_DAYS = 7

TEMPLATE_COLUMNS: tuple[str, ...] = (
    "Template",
    "Channel",
    "Requested",
    "Delivered",
    "Failed",
    "Failure rate",
)


def template_days(window_days: int) -> int:
    """The days before today that the templates table can count for a window: at most 7."""
    return min(window_days, MAX_TEMPLATE_DAYS)


def templates_note(window_days: int) -> str | None:
    """Why the templates cover fewer days than the window (None when they cover it all)."""
    if window_days <= MAX_TEMPLATE_DAYS:
        return None
    return (
        f"Templates show today and the {MAX_TEMPLATE_DAYS} days before, not the "
        f"{window_days:,} of the window: the API counts templates over 7 days at most."
    )


def template_table(rows: Sequence[TemplateStatistic]) -> pd.DataFrame:
    """One row per template with requested, delivered and failed grouped as the statistics
    endpoint groups statuses, biggest first (then by name)."""
    by_template: dict[str, dict[str, int]] = defaultdict(dict)
    names: dict[str, tuple[str, str]] = {}
    for row in rows:
        names[row.template_id] = (row.template_name, row.template_type)
        statuses = by_template[row.template_id]
        statuses[row.status] = statuses.get(row.status, 0) + row.count
    table = []
    for template_id, statuses in by_template.items():
        name, channel = names[template_id]
        counts = grouped_counts(statuses)
        table.append(
            {
                "Template": name,
                "Channel": CHANNEL_LABELS[channel],
                "Requested": counts["requested"],
                "Delivered": counts["delivered"],
                "Failed": counts["failed"],
                "Failure rate": counts["failed"] / counts["requested"]
                if counts["requested"]
                else 0.0,
            }
        )
    frame = pd.DataFrame(table, columns=list(TEMPLATE_COLUMNS))
    return frame.sort_values(
        ["Requested", "Template"], ascending=[False, True], kind="stable"
    ).reset_index(drop=True)


def statuses_by_channel(rows: Sequence[TemplateStatistic]) -> dict[str, dict[str, int]]:
    """Counts by channel and status over every template: what the failure causes are read from."""
    counts: dict[str, dict[str, int]] = defaultdict(dict)
    for row in rows:
        by_status = counts[row.template_type]
        by_status[row.status] = by_status.get(row.status, 0) + row.count
    return dict(counts)


def months_of_year(year: int) -> list[tuple[int, int]]:
    """(year, month) of each month of a financial year, April first."""
    first, _ = financial_year_bounds(year)
    return [
        (first.year + (first.month - 1 + n) // 12, (first.month - 1 + n) % 12 + 1)
        for n in range(12)
    ]


def template_months_table(rows: Sequence[TemplateMonth], year: int) -> pd.DataFrame:
    """One row per template, one column per month of the financial year that has any use
    ("Apr 2026"), and a total; biggest first. Months with no use at all are left out."""
    months = months_of_year(year)
    labels = {month: pd.Timestamp(month[0], month[1], 1).strftime("%b %Y") for month in months}
    counts: dict[str, dict[str, int]] = defaultdict(dict)
    names: dict[str, tuple[str, str]] = {}
    used: set[tuple[int, int]] = set()
    for row in rows:
        month = (row.year, row.month)
        if month not in labels:
            continue
        used.add(month)
        names[row.template_id] = (row.name, row.type)
        counts[row.template_id][labels[month]] = (
            counts[row.template_id].get(labels[month], 0) + row.count
        )
    columns = [labels[month] for month in months if month in used]
    table = [
        {
            "Template": names[template_id][0],
            "Channel": CHANNEL_LABELS[names[template_id][1]],
            **{column: by_month.get(column, 0) for column in columns},
            "Total": sum(by_month.values()),
        }
        for template_id, by_month in counts.items()
    ]
    frame = pd.DataFrame(table, columns=["Template", "Channel", *columns, "Total"])
    return frame.sort_values(
        ["Total", "Template"], ascending=[False, True], kind="stable"
    ).reset_index(drop=True)
