from __future__ import annotations

from django.utils.functional import SimpleLazyObject

from . import navigation, selectors


def header(request):
    """What the header needs on every page: the sections and the bell's unread count."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "nav_sections": navigation.sections(request),
        # Counted only when a template shows it: htmx fragments (search as you type) do not.
        "unread_notifications": SimpleLazyObject(lambda: selectors.unread_count(user)),
    }
