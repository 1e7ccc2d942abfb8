"""What a page's table shows, as the reader sees it: a column's configuration and its text."""

import json
from typing import Any

from streamlit.dataframe_util import convert_arrow_bytes_to_pandas_df


def shown_table(at: Any, column: str) -> Any:
    """The first table element that shows `column` (others may hold it only for the CSV)."""
    return next(frame for frame in at.dataframe if column in json.loads(frame.proto.columns))


def shown_column(at: Any, column: str) -> tuple[dict[str, Any], list[Any], list[str]]:
    """The first table that shows `column`: that column's configuration, its values and the
    text a styled table shows for them (the Styler's display values)."""
    element = shown_table(at, column)
    config = json.loads(element.proto.columns)[column]
    shown = convert_arrow_bytes_to_pandas_df(element.proto.arrow_data.styler.display_values)
    position = list(element.value.columns).index(column)
    return config, list(element.value[column]), list(shown.iloc[:, position])
