from __future__ import annotations

from datetime import datetime

from django import template
from django.utils.timesince import timesince
from django.utils.translation import gettext as _

from .. import selectors

register = template.Library()


@register.filter
def ago(when: datetime | None, now: datetime) -> str:
    """ "just now" under a minute, else "5 minutes ago"."""
    if when is None:
        return ""
    if (now - when).total_seconds() < 60:
        return _("just now")
    return _("%(ago)s ago") % {"ago": timesince(when, now)}


@register.filter
def check_label(kind: str) -> str:
    return selectors.check_label(kind)
