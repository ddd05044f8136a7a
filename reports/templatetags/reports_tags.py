"""Formatting for report figures: shares, durations, trends, chart scales."""

from __future__ import annotations

from django import template
from django.utils.translation import gettext as _

from reports.findings import duration

register = template.Library()


@register.filter
def pct(value, digits: int = 1) -> str:
    """0.1234 → 12.3%"""
    if value is None or value == "":
        return "–"
    return f"{float(value) * 100:.{int(digits)}f}%"


@register.filter
def points(value) -> str:
    """A change of a rate in percentage points: 0.021 → +2.1%p"""
    if value is None:
        return "–"
    return f"{float(value) * 100:+.1f}%p"


@register.filter
def dur(seconds) -> str:
    return duration(float(seconds or 0))


@register.filter
def scale(value, top) -> float:
    """value as a share of top, 0–100 (bar widths)."""
    try:
        return round(100 * float(value) / float(top), 2) if float(top) else 0.0
    except (TypeError, ValueError):
        return 0.0


@register.filter
def channel_label(key: str) -> str:
    return {"call": _("Call"), "chat": _("Chat")}.get(key, key)


@register.filter
def thousands(value) -> str:
    try:
        return f"{int(value):,}"
    except (TypeError, ValueError):
        return str(value)


@register.filter
def hours(minutes) -> str:
    return f"{(minutes or 0) / 60:.1f}"


@register.inclusion_tag("reports/_trend.html")
def trend(value):
    """A relative change as a badge: ▲ 12% / ▼ 8% / new."""
    if value is None:
        return {"kind": "none"}
    pct_value = round(float(value) * 100)
    kind = "up" if pct_value > 0 else ("down" if pct_value < 0 else "flat")
    return {"kind": kind, "abs": abs(pct_value)}
