"""A table's filters and sort in the URL, so a reload or a shared link opens the same view.

Each widget takes its first value from the URL (a value the widget cannot hold is dropped,
never shown), and every run writes the widget's value back; a value equal to the default
leaves the URL, so a plain link stays plain.
"""

from collections.abc import Sequence

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from dashboard.domain.table_sort import SortChoice, choice_by_key


def start_from_url(key: str, name: str, options: Sequence[str], default: str) -> None:
    """Give the widget `key` the URL's `?name=` once per session, if it is one of `options`."""
    if key not in st.session_state:
        value = st.query_params.get(name, default)
        st.session_state[key] = value if value in options else default


def start_many_from_url(key: str, name: str, options: Sequence[str]) -> None:
    """Give the multiselect `key` the URL's repeated `?name=` values that are among `options`."""
    if key not in st.session_state:
        chosen = st.query_params.get_all(name)
        st.session_state[key] = [option for option in options if option in chosen]


def start_flag_from_url(key: str, name: str) -> None:
    """Give the checkbox `key` the URL's `?name=1` once per session."""
    if key not in st.session_state:
        st.session_state[key] = st.query_params.get(name) == "1"


def start_text_from_url(key: str, name: str, longest: int = 200) -> None:
    """Give the text input `key` the URL's `?name=` once per session (at most `longest`
    characters; it is only ever matched as text)."""
    if key not in st.session_state:
        st.session_state[key] = st.query_params.get(name, "")[:longest]


def keep_in_url(name: str, value: str | bool | Sequence[str], default: object = "") -> None:
    """Write a widget's value to the URL, or take it out when it is the default."""
    if value == default or value in ("", [], False):
        if name in st.query_params:
            del st.query_params[name]
        return
    if isinstance(value, bool):
        st.query_params[name] = "1"
    elif isinstance(value, str):
        st.query_params[name] = value
    else:
        st.query_params[name] = list(value)


def sort_in_url(where: DeltaGenerator, key: str, choices: tuple[SortChoice, ...]) -> SortChoice:
    """A "Sort by" select in `where` (the sidebar, or the page above its table), started
    from `?sort=` and kept there; the first choice is the page's usual order."""
    names = [choice.key for choice in choices]
    start_from_url(key, "sort", names, names[0])
    name = where.selectbox(
        "Sort by", names, format_func=lambda name: choice_by_key(choices, name).label, key=key
    )
    keep_in_url("sort", name, names[0])
    return choice_by_key(choices, name)
