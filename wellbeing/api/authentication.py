"""Device credentials for the PC agent: `Authorization: Device <credential>`. Never a user session."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions
from rest_framework.permissions import BasePermission

from wellbeing.models import Device


class DeviceAuthentication(authentication.BaseAuthentication):
    keyword = "device"

    def authenticate(self, request):
        parts = authentication.get_authorization_header(request).split()
        if not parts or parts[0].decode(errors="ignore").lower() != self.keyword:
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed(_("Invalid device header."))
        credential = parts[1].decode(errors="ignore")
        device = (
            Device.objects.active()
            .select_related("user", "user__team")
            .filter(credential_hash=Device.hash_secret(credential), registered_at__isnull=False)
            .first()
        )
        if device is None or not device.user.is_active:
            raise exceptions.AuthenticationFailed(_("Unknown or revoked device."))
        return device.user, device

    def authenticate_header(self, request) -> str:
        return "Device"


class IsDevice(BasePermission):
    message = _("A registered device credential is required.")

    def has_permission(self, request, view) -> bool:
        return isinstance(request.auth, Device)


class DeviceScheme(OpenApiAuthenticationExtension):
    target_class = "wellbeing.api.authentication.DeviceAuthentication"
    name = "deviceCredential"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "Device <credential>",
        }
