"""Cells written to CSV or XLSX files that people open in a spreadsheet."""

from __future__ import annotations

from .korean import resolve_particles

# A spreadsheet reads a cell starting with one of these as a formula (CSV/formula injection).
# Excel and LibreOffice also accept the full-width forms a Korean IME types (＝＋－＠), and skip
# leading spaces (ASCII or ideographic) before them.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")


def safe_cell(value: str) -> str:
    """The value as text a spreadsheet will not evaluate: a leading quote before a formula start.

    The one helper every export uses (manual export, reports, the call import's bad-rows file).
    Translated text also gets its Korean particles picked here ({을/를} → 을 or 를)."""
    value = resolve_particles(value) if value else value
    if value and (value[0] in FORMULA_STARTS or value.lstrip(" \u3000").startswith(FORMULA_STARTS)):
        return "'" + value
    return value
