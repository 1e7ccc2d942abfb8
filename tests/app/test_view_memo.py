"""What a page makes from a loader's output is made once per output object."""

import pandas as pd
from streamlit import dataframe_util

from dashboard.app_pages import view_memo


def test_the_same_objects_are_made_once_and_new_ones_again(monkeypatch):
    monkeypatch.setattr(view_memo, "SHOWN", view_memo.OutputMemo())
    made = []

    def shown(frame: pd.DataFrame) -> pd.DataFrame:
        made.append(frame)
        return frame.assign(n=frame["n"].map("{:,}".format))

    frame = pd.DataFrame({"n": [1234, 5]})
    first = view_memo.once(shown, frame)
    again = view_memo.once(shown, frame)
    equal_but_new = view_memo.once(shown, frame.copy())

    assert again is first
    assert equal_but_new is not first and list(equal_but_new["n"]) == ["1,234", "5"]
    assert len(made) == 2


def test_a_frame_in_arrow_is_what_streamlit_sends_for_it_made_once(monkeypatch):
    monkeypatch.setattr(view_memo, "SHOWN", view_memo.OutputMemo())
    frame = pd.DataFrame(
        {"Channel": ["Email", "Text message"], "Failed": ["1,234", "5"], "Rate": [0.5, None]}
    ).set_index("Channel")

    table = view_memo.arrow_of(frame)

    assert view_memo.arrow_of(frame) is table
    sent = dataframe_util.convert_anything_to_arrow_bytes
    assert sent(table) == sent(frame)
