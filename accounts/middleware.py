from __future__ import annotations

from urllib.parse import urlencode

from django.shortcuts import redirect
from django.urls import reverse

from .permissions import MEMO_ATTR, has_mfa, mfa_required

# Paths a user who must set up TOTP can still reach: the MFA pages, logout, language, static files.
_ALLOWED_PREFIXES = ("/accounts/", "/i18n/", "/static/", "/api/", "/favicon")


class RequireMFAMiddleware:
    """Managers and admins must have TOTP before they use anything else.

    The API enforces the same rule in its default permission class, with a 403 instead of a redirect.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and mfa_required(user)
            and not request.path.startswith(_ALLOWED_PREFIXES)
            and not has_mfa(user)
        ):
            return redirect(f"{reverse('mfa_activate_totp')}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)


class PermissionMemoMiddleware:
    """Remember can_see_client() answers for the rest of a GET/HEAD request.

    A search asks twice (the view for its 404, the service for its empty result); a read-only
    request cannot change assignments, so the second answer is the first. Writes (POST…) are not
    memoised: a view that changes an assignment must see its own change.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if request.method in ("GET", "HEAD") and user is not None and user.is_authenticated:
            setattr(user, MEMO_ATTR, {})
        return self.get_response(request)
