"""A chart's spec is built once per version of its data, and equal data is the same version."""

import altair as alt
import pandas as pd
import pytest

from dashboard.app_pages import chart_specs


def frame(requested: int = 5) -> pd.DataFrame:
    return pd.DataFrame({"day": pd.to_datetime(["2026-11-01", "2026-11-02"]), "n": [requested, 7]})


class CountingBuild:
    """A chart function that counts how often it is called."""

    def __init__(self) -> None:
        self.calls = 0
        self.__qualname__ = f"CountingBuild-{id(self)}"

    def __call__(self, data: pd.DataFrame, title: str) -> alt.Chart:
        self.calls += 1
        return alt.Chart(data, title=title).mark_bar().encode(x="day:T", y="n:Q")


def test_equal_frames_are_one_version_and_a_changed_value_another():
    assert chart_specs.fingerprint(frame()) == chart_specs.fingerprint(frame())
    assert chart_specs.fingerprint(frame(5)) != chart_specs.fingerprint(frame(6))
    renamed = frame().rename(columns={"n": "m"})
    assert chart_specs.fingerprint(renamed) != chart_specs.fingerprint(frame())


def test_an_input_with_no_fingerprint_is_refused():
    with pytest.raises(TypeError):
        chart_specs.fingerprint({"not": "hashable as data"})


def test_the_spec_is_built_once_for_the_same_data_and_again_for_new_data():
    build = CountingBuild()

    first = chart_specs.spec_of(build, frame(), "Texts")
    again = chart_specs.spec_of(build, frame(), "Texts")
    other_title = chart_specs.spec_of(build, frame(), "Emails")
    new_data = chart_specs.spec_of(build, frame(9), "Texts")

    assert again is first
    assert other_title is not first and new_data is not first
    assert build.calls == 3


def test_the_spec_carries_the_data_as_streamlit_draws_it():
    """Its datasets are Arrow bytes, the chart's own encoding is kept, and no 300 px theme."""
    spec = chart_specs.spec_of(CountingBuild(), frame(), "Texts")

    assert spec["datasets"] and all(isinstance(v, bytes) for v in spec["datasets"].values())
    assert spec["encoding"]["y"]["field"] == "n"
    assert "continuousWidth" not in str(spec.get("config", {}))
