"""A client's manual as CSV or XLSX, in the import's columns so a file can go round trip."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from core.korean import resolve_particles

from .models import Article

HEADER = [
    "client",
    "category",
    "title",
    "question",
    "answer",
    "steps",
    "cautions",
    "tags",
    "external_id",
    "status",
    "updated_at",
]


# Characters that make a spreadsheet read a cell as a formula. Excel and LibreOffice also accept
# the full-width forms a Korean IME types (＝＋－＠), and skip leading spaces before them.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")


def safe_cell(value: str) -> str:
    """Spreadsheet formula injection: a cell that would start a formula is kept as text.

    The one helper every export uses (manual export, reports, the call import's bad-rows file).
    Translated text also gets its Korean particles picked here ({을/를} → 을 or 를)."""
    value = resolve_particles(value) if value else value
    if value and (value[0] in FORMULA_STARTS or value.lstrip(" \u3000").startswith(FORMULA_STARTS)):
        return "'" + value
    return value


def _rows(articles: Iterable[Article]):
    for a in articles:
        yield [
            safe_cell(str(v))
            for v in (
                a.client.slug,
                a.category.path if a.category_id else "",
                a.title,
                a.question,
                a.answer,
                a.steps,
                a.cautions,
                a.tags,
                a.external_id,
                a.status,
                a.updated_at.isoformat(timespec="seconds"),
            )
        ]


def to_csv(articles: Iterable[Article]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(HEADER)
    writer.writerows(_rows(articles))
    # UTF-8 with a BOM: Excel on Korean Windows then opens it without mangling Hangul.
    return buffer.getvalue().encode("utf-8-sig")


def to_xlsx(articles: Iterable[Article]) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("manual")
    sheet.append(HEADER)
    for row in _rows(articles):
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
