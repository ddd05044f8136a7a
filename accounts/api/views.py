from __future__ import annotations

from allauth.account.adapter import get_adapter
from allauth.core import ratelimit
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from django.contrib.auth import authenticate
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import services
from accounts.models import User
from accounts.permissions import mfa_required
from accounts.requests import AuthenticatedRequest

from .serializers import MeSerializer, TokenRequestSerializer, TokenResponseSerializer
from .throttling import TokenMintThrottle


class TokenView(APIView):
    """Exchange e-mail + password (+ TOTP code) for a personal API token."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes = [TokenMintThrottle]

    @extend_schema(
        request=TokenRequestSerializer,
        responses={
            201: TokenResponseSerializer,
            400: OpenApiResponse(description="Bad credentials or missing/invalid code"),
            403: OpenApiResponse(description="MFA must be set up first"),
            429: OpenApiResponse(description="Too many failed attempts for this account, or too many tokens"),
        },
        tags=["auth"],
    )
    def post(self, request: Request) -> Response:
        serializer = TokenRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        email = data["email"].lower()
        # The same per-account failure budget as the login page (ACCOUNT_RATE_LIMITS["login_failed"]),
        # under the very key allauth uses, so failures here and there add up.
        key = get_adapter(request._request)._get_login_attempts_cache_key(request._request, email=email)
        if not ratelimit.consume(request._request, action="login_failed", key=key, dry_run=True):
            return Response(
                {"detail": _("Too many failed attempts. Try again in a few minutes.")},
                status=status.HTTP_429_TOO_MANY_REQUESTS,
            )
        user = authenticate(request._request, email=email, password=data["password"])
        if user is None:
            ratelimit.consume(request._request, action="login_failed", key=key)
            return Response(
                {"detail": _("E-mail or password is incorrect.")}, status=status.HTTP_400_BAD_REQUEST
            )
        totp = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
        if totp is None and mfa_required(user):
            return Response(
                {
                    "detail": _(
                        "Set up two-factor authentication (TOTP) in the web app before requesting a token."
                    )
                },
                status=status.HTTP_403_FORBIDDEN,
            )
        if totp is not None:
            code = (data.get("otp") or "").strip()
            if not code:
                return Response({"otp": [_("A TOTP code is required for this account.")]}, status=400)
            if not TOTP(totp).validate_code(code):
                ratelimit.consume(request._request, action="login_failed", key=key)
                return Response({"otp": [_("The TOTP code is not valid.")]}, status=400)
        token, key = services.api_token_create(user=user, name=data.get("name") or _("API token"))
        return Response(
            TokenResponseSerializer({"token": key, "expires_at": token.expires_at}).data,
            status=status.HTTP_201_CREATED,
        )


class MeView(APIView):
    @extend_schema(responses=MeSerializer, tags=["auth"])
    def get(self, request: AuthenticatedRequest) -> Response:
        user = User.objects.select_related("team").prefetch_related("managed_teams").get(pk=request.user.pk)
        return Response(MeSerializer(user).data)
