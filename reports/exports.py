"""A report snapshot as XLSX (one sheet per section) or CSV (the same tables one after another).

Both read only the stored figures, so an export always says what the page says. Text that came
from customers or agents (categories, topic labels, search terms, comments) goes through
`core.exports.safe_cell`, so a cell such as "=HYPERLINK(...)" stays text in Excel.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from django.utils.translation import gettext as _

from core.exports import safe_cell

from .findings import describe, section_label, weekday_name

TEXT, INT, PCT, SEC, NUM = "text", "int", "pct", "sec", "num"


@dataclass
class Table:
    key: str
    title: str
    columns: list[tuple[str, str]]  # (header, kind)
    rows: list[list]


def _channel(key: str) -> str:
    return {"call": _("Call"), "chat": _("Chat")}.get(key, key)


def _bucket(b: dict) -> str:
    low, high = b["low"] // 60, (b["high"] // 60 if b["high"] is not None else None)
    if high is None:
        return _("%(low)s min or more") % {"low": low}
    return _("%(low)s–%(high)s min") % {"low": low, "high": high}


def tables(figures: dict) -> list[Table]:
    t, p = figures["totals"], figures["previous"]
    period, prev = figures["period"], figures["previous_period"]
    out = [
        Table(
            "summary",
            _("Summary"),
            [(_("Figure"), TEXT), (_("This period"), NUM), (_("Previous period"), NUM)],
            [
                [_("Client"), figures["client"]["name"], ""],
                [_("Period"), f"{period['start']} – {period['end']}", f"{prev['start']} – {prev['end']}"],
                [_("Calls"), t["calls"], p["calls"]],
                [_("Average handle time (seconds)"), t["aht"], p["aht"]],
                [_("Repeat contacts"), t["repeat"], p["repeat"]],
                [_("Repeat-contact rate"), t["repeat_rate"], p["repeat_rate"]],
                [_("Transfers"), t["transferred"], p["transferred"]],
                [_("Transfer rate"), t["transfer_rate"], p["transfer_rate"]],
                [_("Escalations"), t["escalated"], p["escalated"]],
                [_("Escalation rate"), t["escalation_rate"], p["escalation_rate"]],
                [_("Abusive calls"), figures["care"]["abusive_calls"], figures["care"]["previous"]],
            ],
        ),
        Table(
            "findings",
            _("Findings"),
            [(_("Finding"), TEXT), (_("Section"), TEXT)],
            [[describe(f), section_label(f["section"])] for f in figures["findings"]],
        ),
        Table(
            "daily",
            _("Calls per day"),
            [(_("Date"), TEXT), (_("Calls"), INT)],
            [[d["date"], d["calls"]] for d in figures["daily"]],
        ),
        Table(
            "heatmap",
            _("Weekday × hour"),
            [(_("Day of week"), TEXT)] + [(f"{h:02d}", INT) for h in range(24)],
            [[weekday_name(i), *row] for i, row in enumerate(figures["heatmap"])],
        ),
        Table(
            "channels",
            _("Channel mix"),
            [
                (_("Channel"), TEXT),
                (_("Calls"), INT),
                (_("Share"), PCT),
                (_("Average handle time (seconds)"), SEC),
            ],
            [[_channel(c["channel"]), c["calls"], c["share"], c["aht"]] for c in figures["channels"]],
        ),
        Table(
            "categories",
            _("Top categories"),
            [
                (_("Category"), TEXT),
                (_("Calls"), INT),
                (_("Share"), PCT),
                (_("Previous period"), INT),
                (_("Trend"), PCT),
                (_("Average handle time (seconds)"), SEC),
                (_("Repeat-contact rate"), PCT),
                (_("Transfer rate"), PCT),
            ],
            [
                [
                    c["name"] or _("(no category)"),
                    c["calls"],
                    c["share"],
                    c["previous"],
                    c["trend"],
                    c["aht"],
                    c["repeat_rate"],
                    c["transfer_rate"],
                ]
                for c in figures["categories"]
            ],
        ),
        Table(
            "handle_time",
            _("Handle time distribution"),
            [(_("Handle time"), TEXT), (_("Calls"), INT), (_("Share"), PCT)],
            [[_bucket(b), b["calls"], b["share"]] for b in figures["handle_time"]["buckets"]]
            + [
                [_("Median (seconds)"), figures["handle_time"]["p50"], None],
                [_("90th percentile (seconds)"), figures["handle_time"]["p90"], None],
            ],
        ),
    ]
    mining = figures["mining"]
    topic_columns = [
        (_("Topic"), TEXT),
        (_("Calls"), INT),
        (_("Share"), PCT),
        (_("Previous period"), INT),
        (_("Trend"), PCT),
        (_("Average handle time (seconds)"), SEC),
        (_("Repeat-contact rate"), PCT),
        (_("Transfer rate"), PCT),
        (_("Manual article"), TEXT),
    ]

    def topic_row(x: dict) -> list:
        return [
            x["label"],
            x["calls"],
            x["share"],
            x["previous"],
            x["trend"],
            x["aht"],
            x["repeat_rate"],
            x["transfer_rate"],
            x["covered_title"] or _("Gap: not covered"),
        ]

    out.append(Table("topics", _("Mined topics"), topic_columns, [topic_row(x) for x in mining["topics"]]))
    cov = mining["coverage"]
    out.append(
        Table(
            "coverage",
            _("Manual coverage"),
            [(_("Figure"), TEXT), (_("Value"), NUM)],
            []
            if not cov
            else [
                [_("Coverage"), cov["rate"]],
                [_("Calls in covered topics"), cov["covered_calls"]],
                [_("Calls mined"), cov["calls"]],
                [_("Topics"), cov["topics"]],
                [_("Gap topics"), cov["gap_topics"]],
                [_("Calls in gap topics"), cov["gap_calls"]],
            ]
            + [[_("Gap: %(label)s") % {"label": g["label"]}, g["calls"]] for g in mining["gaps"]],
        )
    )
    s = figures["search"]
    out.append(
        Table(
            "search",
            _("Manual searches"),
            [(_("Search term"), TEXT), (_("Searches"), INT), (_("Without result"), INT)],
            [[x["term"], x["count"], x["zero"]] for x in s["top_terms"]],
        )
    )
    out.append(
        Table(
            "zero_search",
            _("Searches without result"),
            [(_("Search term"), TEXT), (_("Searches"), INT)],
            [[x["term"], x["count"]] for x in s["zero_terms"]],
        )
    )
    f = figures["feedback"]
    out.append(
        Table(
            "feedback",
            _("Article feedback"),
            [(_("Article"), TEXT), (_("Helpful"), INT), (_("Not helpful"), INT)],
            [[_("All articles"), f["helpful"], f["not_helpful"]]]
            + [[a["title"], a["helpful"], a["not_helpful"]] for a in f["worst"]],
        )
    )
    return out


def _text(value) -> str:
    return safe_cell(str(value))


def _csv_value(value, kind: str):
    if value is None:
        return ""
    if isinstance(value, str):
        return _text(value)
    if kind == PCT:
        return f"{value * 100:.1f}%"
    return value


def to_csv(figures: dict) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for table in tables(figures):
        writer.writerow([_text(table.title)])
        writer.writerow([_text(h) for h, _k in table.columns])
        for row in table.rows:
            writer.writerow([_csv_value(v, k) for v, (_h, k) in zip(row, table.columns, strict=False)])
        writer.writerow([])
    # UTF-8 with a BOM: Excel on Korean Windows then opens it without mangling Hangul.
    return buffer.getvalue().encode("utf-8-sig")


def to_xlsx(figures: dict) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    workbook.remove(workbook.active)
    bold = Font(bold=True)
    for table in tables(figures):
        sheet = workbook.create_sheet(table.title[:31].replace("/", "·"))
        sheet.append([_text(h) for h, _k in table.columns])
        for cell in sheet[1]:
            cell.font = bold
        for row in table.rows:
            sheet.append([_text(v) if isinstance(v, str) else v for v in row])
            for cell, (_h, kind) in zip(sheet[sheet.max_row], table.columns, strict=False):
                if kind == PCT and isinstance(cell.value, float | int):
                    cell.number_format = "0.0%"
        sheet.freeze_panes = "A2"
        for i, (header, _k) in enumerate(table.columns, start=1):
            sheet.column_dimensions[get_column_letter(i)].width = max(10, min(48, len(header) * 2 + 4))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
