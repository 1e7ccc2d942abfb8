"""What a page's table shows: the table that shows a column, and that column's configuration."""

import json
from typing import Any


def shown_table(at: Any, column: str) -> Any:
    """The first table element that shows `column` (others may hold it only for the CSV)."""
    return next(frame for frame in at.dataframe if column in json.loads(frame.proto.columns))


def shown_config(at: Any, column: str) -> dict[str, Any]:
    """The configuration of `column` in the first table that shows it."""
    config: dict[str, Any] = json.loads(shown_table(at, column).proto.columns)[column]
    return config
