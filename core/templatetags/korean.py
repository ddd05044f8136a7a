"""{% load korean %}: particles, durations and days, the same on every page (see core.korean)."""

from __future__ import annotations

from django import template

from core import korean

register = template.Library()


@register.filter
def josa(value, particle: str) -> str:
    """{{ book.title|josa:"을" }} → 지구 끝의 온실을."""
    return korean.josa(value, particle)


@register.filter
def duration(seconds) -> str:
    """Seconds as "5분 11초"."""
    try:
        return korean.format_duration(float(seconds))
    except (TypeError, ValueError):
        return ""


@register.filter
def minutes(value) -> str:
    """Minutes of work as "7시간 30분"."""
    try:
        return korean.format_minutes(float(value))
    except (TypeError, ValueError):
        return ""


@register.filter
def day(value) -> str:
    """A date as "12월 7일 (월)"."""
    return korean.format_day(value)


@register.filter
def hour_amount(value) -> str:
    """Hours (5.48) as "5시간 29분"."""
    try:
        return korean.format_minutes(float(value) * 60)
    except (TypeError, ValueError):
        return ""
