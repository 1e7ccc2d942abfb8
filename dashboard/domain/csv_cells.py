"""Every CSV the dashboard writes: cells a spreadsheet would run are written as data.

A service name, a sector or anything else read from the API can start with `=`, `+`, `-`,
`@`, a tab or a carriage return; Excel, LibreOffice and Google Sheets run such a cell as a
formula (`=HYPERLINK(…)` sends the sheet's data elsewhere). OWASP's rule for CSV injection is
to put a single quote before it, which makes the cell text. Numbers stay numbers: a numeric
column is written as is (a negative number is a number, not a formula), and so is a text
cell that is exactly a decimal number.
"""

import re

import pandas as pd

#: What a spreadsheet reads as the start of a formula (OWASP, "CSV Injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")


def neutralise(cell: object) -> object:
    """A text cell a spreadsheet would run, with a leading `'`; any other cell as it is."""
    if not isinstance(cell, str) or not cell.startswith(FORMULA_STARTS):
        return cell
    if _PLAIN_NUMBER.fullmatch(cell):
        return cell
    return "'" + cell


def spreadsheet_safe(frame: pd.DataFrame) -> pd.DataFrame:
    """A new frame whose text cells (and column names) cannot run in a spreadsheet."""
    safe = frame.copy()
    for column in safe.columns:
        if not pd.api.types.is_numeric_dtype(safe[column]):
            safe[column] = safe[column].map(neutralise)
    safe.columns = [neutralise(str(column)) for column in safe.columns]
    return safe


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """The frame as UTF-8 CSV, without the index, every cell neutralised.

    Lines end in CRLF (RFC 4180): the csv writer then quotes any cell holding a carriage
    return, which with pandas' default `\\n` it would write bare, splitting the row.
    """
    return spreadsheet_safe(frame).to_csv(index=False, lineterminator="\r\n").encode()
