from __future__ import annotations

from datetime import timedelta
from functools import lru_cache

from django import template
from django.template.defaultfilters import striptags, truncatechars
from django.utils import formats, timezone

from knowledge.manuals.markdown import render

register = template.Library()


@register.filter(name="bc_markdown")
def markdown_filter(text: str):
    """Markdown from members, rendered and sanitised with nh3."""
    return render(text)


@register.filter(name="bc_excerpt")
def excerpt(text: str):
    """A review card's teaser: `text|bc_markdown|striptags|truncatechars:160`, kept for the texts
    shown most recently (it depends on the text alone)."""
    return _excerpt(text or "")


@lru_cache(maxsize=256)
def _excerpt(text: str):
    return truncatechars(striptags(render(text)), 160)


@register.filter(name="bc_tone")
def tone(book) -> int:
    """One of eight colour tones for a drawn cover, stable per book."""
    return (getattr(book, "pk", 0) or 0) % 8


@register.filter(name="bc_days_left")
def days_left(due, today) -> int:
    return (due - today).days


@register.filter(name="bc_stars")
def stars(value) -> str:
    """4.3 → '★★★★☆' (rounded to whole stars, for display only)."""
    try:
        n = round(float(value))
    except (TypeError, ValueError):
        return ""
    return "★" * n + "☆" * (5 - n)


@register.filter(name="bc_abs")
def absolute(value: int) -> int:
    return abs(value)


@register.filter(name="bc_is_librarian")
def librarian(user) -> bool:
    from bookclub.permissions import is_librarian

    return is_librarian(user)


@register.filter(name="bc_datetime")
def datetime_label(value) -> str:
    """2026년 12월 5일 23:59 (or December 5, 2026 23:59): a date in the locale's words, a 24-hour time."""
    if not value:
        return ""
    local = timezone.localtime(value)
    return f"{formats.date_format(local, 'DATE_FORMAT')} {local:%H:%M}"


@register.filter(name="bc_until")
def until_label(value) -> str:
    """A window's end is exclusive (00:00 of the 6th); people read 'until the 5th, 23:59'."""
    if not value:
        return ""
    return datetime_label(value - timedelta(minutes=1))
