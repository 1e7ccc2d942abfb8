"""Charts drawn from a Vega-Lite spec built once per version of their data, per process.

Building an Altair chart and turning it into Vega-Lite checks it against Vega-Lite's JSON
schema twice: on a warm Service page that was most of the server's time (four charts). The
spec depends only on the chart function and its inputs, so it is kept under a key made of the
function and a fingerprint of each input (a frame's columns, types and values),
and drawn with `st.vega_lite_chart`: the same chart and data Streamlit's `altair_chart` sends.
"""

import dataclasses
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, Literal

import altair as alt
import pandas as pd
import streamlit as st
from streamlit.delta_generator import DeltaGenerator

# What `st.altair_chart` does before it draws: the spec, with its data as Arrow bytes, without
# Altair's default theme. Kept, the spec is drawn again as it is (Streamlit copies it to draw).
from streamlit.elements.vega_charts import _convert_altair_to_vega_lite_spec

AnyChart = (
    alt.Chart
    | alt.LayerChart
    | alt.FacetChart
    | alt.ConcatChart
    | alt.HConcatChart
    | alt.VConcatChart
    | alt.RepeatChart
)
#: Specs of every chart on the pages for a few hundred services' data.
MAX_SPECS = 512
#: Where a spec holds its data: Altair names an empty dataset for a chart built without any.
DATA_KEYS = ("data", "datasets")

_lock = threading.Lock()
_specs: OrderedDict[Hashable, dict[str, Any]] = OrderedDict()
#: Each frame's fingerprint by the frame's id, with the frame.
_frames: OrderedDict[int, tuple[pd.DataFrame, Hashable]] = OrderedDict()


def fingerprint(value: Any) -> Hashable:
    """What a chart input is, as a hashable key: equal for equal data, whatever the object."""
    if isinstance(value, pd.DataFrame):
        return _frame_fingerprint(value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        fields = dataclasses.fields(value)
        return (type(value).__qualname__, *(fingerprint(getattr(value, f.name)) for f in fields))
    if isinstance(value, tuple | list):
        return ("sequence", *map(fingerprint, value))
    if value is None or isinstance(value, str | int | float | bool):
        return value
    if isinstance(value, Hashable):
        return (type(value).__qualname__, value)
    raise TypeError(f"No fingerprint for a chart input of type {type(value).__name__}")


def _frame_fingerprint(frame: pd.DataFrame) -> Hashable:
    """A frame's values themselves: exact (a key is compared, not only hashed), and for a
    chart's few dozen rows cheaper than hashing them with pandas. Taken once per frame object:
    a loader's output is the same object on every warm view, and no frame shown is changed
    in place (`loaders/output_memo.py`), so reading its every value again would find them the
    same."""
    with _lock:
        seen = _frames.get(id(frame))
        if seen is not None and seen[0] is frame:
            _frames.move_to_end(id(frame))
            return seen[1]
    values = tuple(tuple(frame[column].tolist()) for column in frame.columns)
    types = tuple(map(str, frame.dtypes))
    found = ("frame", tuple(map(str, frame.columns)), types, tuple(frame.index), values)
    with _lock:
        _frames[id(frame)] = (frame, found)  # held, so that its id is not another frame's
        while len(_frames) > MAX_SPECS:
            _frames.popitem(last=False)
    return found


def spec_of(build: Callable[..., AnyChart], *inputs: Any) -> dict[str, Any]:
    """`build(*inputs).to_dict()`, made once per version of the inputs."""
    key = (build.__module__, build.__qualname__, *map(fingerprint, inputs))
    with _lock:
        spec = _specs.get(key)
        if spec is not None:
            _specs.move_to_end(key)
            return spec
    spec = _convert_altair_to_vega_lite_spec(build(*inputs))
    with _lock:
        _specs[key] = spec
        while len(_specs) > MAX_SPECS:
            _specs.popitem(last=False)
    return spec


def draw(
    build: Callable[..., AnyChart],
    *inputs: Any,
    where: DeltaGenerator | None = None,
    width: Literal["stretch", "content"] | None = None,
) -> None:
    """`st.altair_chart(build(*inputs), width=width)` (in `where`, if given), from a spec made
    once."""
    (st if where is None else where).vega_lite_chart(spec_of(build, *inputs), width=width)


def draw_figures(
    build: Callable[..., AnyChart],
    figures: pd.DataFrame,
    *inputs: Any,
    width: Literal["stretch", "content"] | None = None,
) -> None:
    """A chart whose form `build(*inputs)` (an Altair chart without data) is made once per
    version of `inputs`, drawn with this view's `figures`: for figures that change on nearly
    every view, as the Cache page's counters do (each view's own lookups add to them), where a
    spec kept per version of its data would be built again every time."""
    spec = spec_of(build, *inputs)
    form = {key: value for key, value in spec.items() if key not in DATA_KEYS}
    st.vega_lite_chart(figures, form, width=width)
