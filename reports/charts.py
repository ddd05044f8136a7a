"""Chart geometry for the report page: the templates draw it as inline SVG (no script, no CDN), so
charts print exactly as they look on screen."""

from __future__ import annotations

import math
from datetime import date


def nice_max(value: float) -> float:
    """A round axis maximum at or above value (1, 2, 2.5, 5 × 10^n)."""
    if value <= 0:
        return 1
    exponent = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * exponent:
            return step * exponent
    return 10 * exponent


def _ticks(top: float, n: int = 4) -> list[float]:
    return [top * i / n for i in range(n + 1)]


def bar_chart(
    points: list[tuple[str, float]], *, width: int = 760, height: int = 200, label_every: int = 1
) -> dict:
    """Vertical bars with a y axis. points: (label, value)."""
    left, bottom, top_pad = 44, 24, 8
    plot_w, plot_h = width - left - 8, height - bottom - top_pad
    top = nice_max(max((v for _l, v in points), default=0))
    n = max(1, len(points))
    slot = plot_w / n
    bar_w = max(2.0, slot * 0.72)
    bars = []
    for i, (label, value) in enumerate(points):
        h = plot_h * (value / top) if top else 0
        bars.append(
            {
                "x": round(left + i * slot + (slot - bar_w) / 2, 2),
                "y": round(top_pad + plot_h - h, 2),
                "w": round(bar_w, 2),
                "h": round(h, 2),
                "label": label,
                "value": value,
                "cx": round(left + i * slot + slot / 2, 2),
                "show_label": i % label_every == 0,
            }
        )
    ticks = [{"y": round(top_pad + plot_h - plot_h * t / top, 2), "value": t} for t in _ticks(top)]
    return {
        "width": width,
        "height": height,
        "left": left,
        "right": width - 8,
        "baseline": top_pad + plot_h,
        "label_y": height - 6,
        "bars": bars,
        "ticks": ticks,
    }


def daily_chart(daily: list[dict]) -> dict:
    points = []
    for row in daily:
        day = date.fromisoformat(row["date"])
        points.append((f"{day.month}/{day.day}", row["calls"]))
    chart = bar_chart(points, label_every=max(1, math.ceil(len(points) / 16)))
    for bar, row in zip(chart["bars"], daily, strict=True):
        bar["weekend"] = date.fromisoformat(row["date"]).weekday() >= 5
    return chart


def heatmap(
    grid: list[list[int]], *, labels: list[str], first_hour: int = 0, last_hour: int = 23, cell: int = 30
) -> dict:
    """Weekday × hour cells with a level 0–5 (the CSS colours the levels; 0 is empty)."""
    left, top, gap = 44, 20, 2
    peak = max((n for row in grid for n in row), default=0)
    hours = list(range(first_hour, last_hour + 1))
    height = round(cell * 0.72)
    rows, cells = [], []
    for d, row in enumerate(grid):
        y = top + d * (height + gap)
        rows.append({"label": labels[d], "y": y + height / 2, "total": sum(row)})
        for i, h in enumerate(hours):
            n = row[h]
            level = 0 if not n or not peak else max(1, math.ceil(5 * n / peak))
            cells.append(
                {
                    "x": left + i * (cell + gap),
                    "y": y,
                    "calls": n,
                    "level": level,
                    "hour": h,
                    "day": labels[d],
                }
            )
    hour_labels = [
        {"x": left + i * (cell + gap) + cell / 2, "hour": f"{h:02d}"}
        for i, h in enumerate(hours)
        if h % 2 == 0
    ]
    return {
        "width": left + len(hours) * (cell + gap),
        "height": top + 7 * (height + gap),
        "cell": cell,
        "cell_h": height,
        "rows": rows,
        "cells": cells,
        "hours": hour_labels,
        "peak": peak,
        "label_x": left - 8,
    }


def busy_hours(grid: list[list[int]]) -> tuple[int, int]:
    """The hour range worth drawing: every hour with calls, at least 08–20."""
    used = [h for h in range(24) if any(row[h] for row in grid)]
    if not used:
        return 8, 20
    return min(min(used), 8), max(max(used), 20)


def stacked(parts: list[tuple[str, float]], *, width: int = 760, height: int = 26) -> dict:
    """One horizontal bar split into shares (the channel mix)."""
    total = sum(v for _k, v in parts) or 1
    x = 0.0
    segments = []
    for i, (key, value) in enumerate(parts):
        w = width * value / total
        segments.append({"key": key, "x": round(x, 2), "w": round(w, 2), "share": value / total, "index": i})
        x += w
    return {"width": width, "height": height, "segments": segments}
