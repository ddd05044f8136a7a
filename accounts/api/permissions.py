from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import BasePermission

from accounts.permissions import mfa_satisfied


class IsAuthenticatedWithMFA(BasePermission):
    """Signed in, and, for managers and admins, with TOTP set up (the same rule as the pages)."""

    message = _("Set up two-factor authentication (TOTP) before using the API.")

    def has_permission(self, request, view) -> bool:
        user = request.user
        if not (user and user.is_authenticated):
            return False
        return mfa_satisfied(user)
