"""What a page makes from a loader's output to lay it out, made once per output object.

While their data is the same, the loaders hand back the very same objects
(`loaders/output_memo.py`); a page that turned one into what it draws (a table's cells as
text, a chart's frame per channel) did that again on every view. `once` keeps what was made
from these very objects, by identity, in one memo per process; pages never change what they
are given, nor what `once` gives them.
"""

from collections.abc import Callable
from typing import Any, TypeVar

import pandas as pd
import pyarrow as pa
from streamlit import dataframe_util

from dashboard.loaders.output_memo import OutputMemo

T = TypeVar("T")

#: A few things per Service page, for a few hundred services.
SHOWN = OutputMemo(max_entries=2048)


def once(make: Callable[..., T], *sources: Any) -> T:
    """`make(*sources)`, or what it made from these very objects before. `make` is a function
    (a page's own too: its file and name say which, as a page's script defines it anew on
    every run)."""
    key = (make.__code__.co_filename, make.__qualname__, *map(id, sources))
    return SHOWN.build(key, sources, lambda: make(*sources))


def arrow_of(frame: pd.DataFrame) -> pa.Table:
    """The frame as Streamlit sends it, converted once per frame object: `st.dataframe` and
    `st.table` send a pyarrow table as it is (the same bytes), where a frame was converted
    to Arrow on every call, most of a warm Service page's time."""
    return once(dataframe_util.convert_pandas_df_to_arrow_table, frame)
