"""Serializers of the reports API."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ..findings import describe
from ..models import ReportSnapshot


class SummarySerializer(serializers.Serializer):
    calls = serializers.IntegerField(allow_null=True)
    aht = serializers.FloatField(allow_null=True, help_text="average handle time, seconds")
    coverage = serializers.FloatField(allow_null=True, help_text="manual coverage, 0..1")
    findings = serializers.IntegerField(allow_null=True)


class FindingSerializer(serializers.Serializer):
    kind = serializers.CharField()
    section = serializers.CharField()
    text = serializers.CharField()
    params = serializers.DictField()


class SnapshotSerializer(serializers.ModelSerializer):
    client = serializers.CharField(source="client.slug")
    client_name = serializers.CharField(source="client.name")
    built_by = serializers.EmailField(source="built_by.email", default=None, allow_null=True)
    summary = serializers.SerializerMethodField()
    url = serializers.CharField(source="get_absolute_url")

    class Meta:
        model = ReportSnapshot
        fields = [
            "id",
            "client",
            "client_name",
            "period_start",
            "period_end",
            "status",
            "version",
            "built_at",
            "built_by",
            "summary",
            "url",
        ]

    @extend_schema_field(SummarySerializer)
    def get_summary(self, obj: ReportSnapshot) -> dict:
        s = obj.summary or {}
        return {k: s.get(k) for k in ("calls", "aht", "coverage", "findings")}


class SnapshotDetailSerializer(SnapshotSerializer):
    findings = serializers.SerializerMethodField()
    figures = serializers.SerializerMethodField()

    class Meta(SnapshotSerializer.Meta):
        fields = [*SnapshotSerializer.Meta.fields, "findings", "figures"]

    @extend_schema_field(FindingSerializer(many=True))
    def get_findings(self, obj: ReportSnapshot) -> list[dict]:
        return [
            {"kind": f["kind"], "section": f["section"], "text": describe(f), "params": f["params"]}
            for f in (obj.figures or {}).get("findings", [])
        ]

    @extend_schema_field(OpenApiTypes.OBJECT)
    def get_figures(self, obj: ReportSnapshot) -> dict:
        """Every figure of the report as stored (the page and the exports read the same)."""
        return obj.figures or {}
