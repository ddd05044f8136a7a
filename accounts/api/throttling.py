"""API rate limits: every throttle keys on config.clientip.client_ip (X-Forwarded-For only from a
trusted proxy), and token-authenticated use is held to API_TOKEN_RATE per token."""

from __future__ import annotations

from rest_framework.settings import api_settings
from rest_framework.throttling import AnonRateThrottle, SimpleRateThrottle

from accounts.models import ApiToken
from config.clientip import client_ip


class ClientAddressMixin:
    def get_ident(self, request) -> str:
        return client_ip(request._request if hasattr(request, "_request") else request)


class SettingsRateMixin:
    """Read the rate when asked, not once at import (DRF copies the rates into a class attribute)."""

    def get_rate(self):
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)


class ApiTokenRateThrottle(SettingsRateMixin, ClientAddressMixin, SimpleRateThrottle):
    """API_TOKEN_RATE for calls made with a personal token, per token; sessions are not limited here."""

    scope = "token"

    def get_cache_key(self, request, view):
        if not isinstance(request.auth, ApiToken):
            return None
        return self.cache_format % {"scope": self.scope, "ident": f"t{request.auth.pk}"}


class TokenMintThrottle(SettingsRateMixin, ClientAddressMixin, SimpleRateThrottle):
    """Minting tokens (POST /api/v1/auth/token/): API_TOKEN_RATE per client address."""

    scope = "token_mint"

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class ClientAddressAnonThrottle(ClientAddressMixin, AnonRateThrottle):
    pass
