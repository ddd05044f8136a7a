from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from accounts.models import User


class TokenRequestSerializer(serializers.Serializer):
    email = serializers.EmailField()
    password = serializers.CharField(trim_whitespace=False, style={"input_type": "password"})
    otp = serializers.CharField(
        required=False, allow_blank=True, help_text=_("TOTP code, required when MFA is on")
    )
    name = serializers.CharField(required=False, allow_blank=True, max_length=80)


class TokenResponseSerializer(serializers.Serializer):
    token = serializers.CharField()
    expires_at = serializers.DateTimeField()


class MeSerializer(serializers.ModelSerializer):
    role = serializers.CharField(source="effective_role")
    team = serializers.CharField(source="team.name", default=None, allow_null=True)
    managed_teams: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        many=True, read_only=True, slug_field="name"
    )
    clients = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = ["id", "email", "name", "employee_number", "role", "team", "managed_teams", "clients"]

    def get_clients(self, user) -> list[str]:
        from accounts.permissions import visible_clients

        return list(visible_clients(user).order_by("slug").values_list("slug", flat=True))
