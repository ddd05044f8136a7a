"""Cells written to CSV or XLSX files that people open in a spreadsheet."""

from __future__ import annotations

# A spreadsheet reads a cell starting with one of these as a formula (CSV/formula injection);
# Excel also accepts the full-width forms that a Korean IME types (＝＋－＠).
_FORMULA_STARTS = frozenset("=+-@\t\r" + "＝＋－＠")


def safe_cell(value: str) -> str:
    """The value as text a spreadsheet will not evaluate: a leading quote before a formula start."""
    if value and value[0] in _FORMULA_STARTS:
        return "'" + value
    return value
