"""The request type of signed-in pages, for the type checker.

Django types `request.user` as `User | AnonymousUser`, which is right for the request in general
and wrong behind `@login_required`, where every check on it would repeat what the decorator has
done. Views behind it annotate `request: AuthenticatedHttpRequest` (the pattern django-stubs
documents); `htmx` is set on every request by django-htmx's middleware.
"""

from __future__ import annotations

from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails
from rest_framework.request import Request

from .models import User


class AuthenticatedHttpRequest(HttpRequest):
    user: User
    htmx: HtmxDetails


class AuthenticatedRequest(Request):
    """The same for the API, whose default permission class admits signed-in people only."""

    user: User
