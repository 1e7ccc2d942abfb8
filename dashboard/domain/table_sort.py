"""Sorting a table by a choice a reader makes with a widget (a click on a column header sorts
only what the browser shows: the app, the URL and the CSV never see it)."""

from dataclasses import dataclass

import pandas as pd


@dataclass(frozen=True)
class SortChoice:
    """One way to sort: its name in the URL (`?sort=`), its words in the widget, the column,
    and which end comes first."""

    key: str
    label: str
    column: str
    descending: bool = True


def sort_table(table: pd.DataFrame, choice: SortChoice, tie_break: str = "name") -> pd.DataFrame:
    """A new frame sorted by the choice, ties by name; unchanged when the column is absent
    (a part of the page that could not be read). Missing values go last."""
    if choice.column not in table:
        return table.copy()
    keys = [choice.column] + ([tie_break] if tie_break in table else [])
    ascending = [not choice.descending] + [True] * (len(keys) - 1)
    return table.sort_values(keys, ascending=ascending, kind="stable", na_position="last")


def choice_by_key(choices: tuple[SortChoice, ...], key: str | None) -> SortChoice:
    """The choice of this name, else the first (the page's usual order)."""
    return next((choice for choice in choices if choice.key == key), choices[0])
