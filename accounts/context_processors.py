from __future__ import annotations

from django.utils.functional import SimpleLazyObject

from . import navigation, selectors

UNREAD_ATTR = "_dasan_unread_notifications"


def remember_unread(request, count: int) -> None:
    """A view that has counted the unread notifications already (the home page) tells the bell."""
    setattr(request, UNREAD_ATTR, count)


def _unread(request, user) -> int:
    known = getattr(request, UNREAD_ATTR, None)
    return known if known is not None else selectors.unread_count(user)


def header(request):
    """What the header needs on every page: its links, the sections and the bell's unread count."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"header_links": navigation.links()}
    return {
        # Built and counted only when a template shows them: htmx fragments (search as you type) do not.
        "nav_sections": SimpleLazyObject(lambda: navigation.sections(request)),
        "header_links": navigation.links(),
        "unread_notifications": SimpleLazyObject(lambda: _unread(request, user)),
    }
