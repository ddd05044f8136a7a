"""API of the call-data part: call records and mined topics, under the same permission rule."""

from __future__ import annotations

from datetime import date

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers
from rest_framework.exceptions import NotFound, ValidationError

from . import selectors
from .models import CallRecord, MiningRun, MiningStatus, Topic


class CallRecordSerializer(serializers.ModelSerializer):
    client = serializers.CharField(source="client.slug")
    agent = serializers.CharField(source="agent.email", default=None)

    class Meta:
        model = CallRecord
        fields = [
            "id",
            "external_id",
            "client",
            "started_at",
            "duration_seconds",
            "channel",
            "agent",
            "agent_label",
            "category",
            "inquiry",
            "resolution",
            "transferred",
            "escalated",
            "repeat_contact",
        ]


class TopicSerializer(serializers.ModelSerializer):
    covered_by = serializers.IntegerField(source="covered_by_id", allow_null=True)
    period_start = serializers.DateField(source="run.period_start")
    period_end = serializers.DateField(source="run.period_end")
    call_count = serializers.IntegerField(source="size")

    class Meta:
        model = Topic
        fields = [
            "id",
            "rank",
            "label",
            "keywords",
            "call_count",
            "share",
            "previous_size",
            "trend",
            "avg_duration",
            "repeat_rate",
            "transfer_rate",
            "escalation_rate",
            "representative_inquiries",
            "common_resolutions",
            "covered_by",
            "coverage_score",
            "period_start",
            "period_end",
        ]


def _client(request):
    slug = request.query_params.get("client", "").strip()
    if not slug:
        raise ValidationError({"client": [_("required: the client's slug")]})
    client = selectors.client_for(request.user, slug)
    if client is None:
        raise NotFound(_("No client '%(slug)s' among the clients you may see.") % {"slug": slug})
    return client


def _date(request, name: str) -> date | None:
    value = request.query_params.get(name, "").strip()
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ValidationError(
            {name: [_("'%(value)s' is not a date (YYYY-MM-DD)") % {"value": value}]}
        ) from None


CLIENT_PARAM = OpenApiParameter("client", OpenApiTypes.STR, required=True, description="client slug")


class CallRecordList(generics.ListAPIView):
    """Call records of one client, newest first, optionally within a period (dates in Asia/Seoul)."""

    serializer_class = CallRecordSerializer

    @extend_schema(
        parameters=[
            CLIENT_PARAM,
            OpenApiParameter("since", OpenApiTypes.DATE, description="first day (inclusive)"),
            OpenApiParameter("until", OpenApiTypes.DATE, description="last day (inclusive)"),
        ],
        tags=["call data"],
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        client = _client(self.request)
        since, until = _date(self.request, "since"), _date(self.request, "until")
        if since and until and until < since:
            raise ValidationError({"until": [_("The end date is before the start date.")]})
        return selectors.call_records(self.request.user, client=client, since=since, until=until)


class TopicList(generics.ListAPIView):
    """Topics of one client's latest finished mining run (or of `run`), largest first."""

    serializer_class = TopicSerializer
    pagination_class = None

    @extend_schema(
        parameters=[CLIENT_PARAM, OpenApiParameter("run", OpenApiTypes.INT, description="mining run id")],
        tags=["call data"],
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        client = _client(self.request)
        run_id = self.request.query_params.get("run", "").strip()
        runs = selectors.mining_runs(self.request.user, client=client).filter(status=MiningStatus.DONE)
        if run_id:
            if not run_id.isdigit():
                raise ValidationError({"run": [_("must be a number")]})
            run = runs.filter(pk=int(run_id)).first()
            if run is None:
                raise NotFound(_("No finished mining run %(id)s for this client.") % {"id": run_id})
        else:
            run = selectors.latest_run(self.request.user, client=client)
        if run is None:
            return Topic.objects.none()
        return selectors.topics(self.request.user, run=run).select_related("run")


__all__ = ["CallRecordList", "MiningRun", "TopicList"]
