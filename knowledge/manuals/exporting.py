"""A client's manual as CSV or XLSX, in the import's columns so a file can go round trip."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from core.exports import safe_cell

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


def _rows(articles: Iterable[Article]):
    for a in articles:
        yield [
            safe_cell(str(v))
            for v in (
                a.client.slug,
                a.category.path if a.category else "",
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
