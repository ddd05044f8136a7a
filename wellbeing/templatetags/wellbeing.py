from __future__ import annotations

from django import template

register = template.Library()


@register.filter
def hours(minutes) -> str:
    """Minutes as hours: 480 → "8", 450 → "7.5"."""
    try:
        value = int(minutes) / 60
    except (TypeError, ValueError):
        return ""
    return f"{value:.2f}".rstrip("0").rstrip(".")
