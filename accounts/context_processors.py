from __future__ import annotations

from django.utils.functional import SimpleLazyObject

from . import navigation, selectors


def header(request):
    """What the header needs on every page: the sections and the bell's unread count."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        # Built and counted only when a template shows them: htmx fragments (search as you type) do not.
        "nav_sections": SimpleLazyObject(lambda: navigation.sections(request)),
        "unread_notifications": SimpleLazyObject(lambda: selectors.unread_count(user)),
    }
