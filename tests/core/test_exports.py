"""core.exports.safe_cell: no exported cell is evaluated as a formula by a spreadsheet."""

from __future__ import annotations

import pytest

from core.exports import safe_cell


@pytest.mark.parametrize(
    "value", ["=1+1", "+82", "-x", "@SUM(A1)", "\tx", "\rx", "＝1+1", "＋82", "－x", "＠SUM"]
)
def test_formula_starts_are_read_as_text(value):
    assert safe_cell(value) == "'" + value


@pytest.mark.parametrize("value", ["정상", "", "1+1", "a=b", "'=quoted"])
def test_other_values_are_unchanged(value):
    assert safe_cell(value) == value


def test_the_manual_and_report_exports_use_the_same_helper():
    from knowledge.manuals import exporting
    from reports import exports

    assert exporting.safe_cell is safe_cell and exports.safe_cell is safe_cell
