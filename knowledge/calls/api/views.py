"""API of the call-data part: call records and mined topics under the same permission rule, and
the import API telephony systems push their nightly exports to (managers of the client and admins)."""

from __future__ import annotations

from datetime import date, timedelta

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
)
from rest_framework import generics, serializers, status
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import can_manage_client
from core.uploads import ImportRejected, RowError

from .. import selectors, services
from ..models import CallRecord, ImportJob, ImportStatus, MiningRun, MiningStatus, Topic


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


# --- The import API for telephony systems --------------------------------------------------------
def _managed_client(user, slug: str):
    """The client named in a request body: 404 unless the caller may see it, 403 unless they
    manage it (agents see their clients' data but do not import into them)."""
    client = selectors.client_for(user, slug)
    if client is None:
        raise NotFound(_("No client '%(slug)s' among the clients you may see.") % {"slug": slug})
    if not can_manage_client(user, client):
        raise PermissionDenied(_("Only managers of this client may import calls or run mining."))
    return client


# The API's four states; a web upload still waiting for its mapping is queued, a rejected file failed.
API_STATUS = {
    ImportStatus.UPLOADED: "queued",
    ImportStatus.QUEUED: "queued",
    ImportStatus.RUNNING: "running",
    ImportStatus.DONE: "done",
    ImportStatus.REJECTED: "failed",
    ImportStatus.FAILED: "failed",
}
JOB_STATES = [("queued", "queued"), ("running", "running"), ("done", "done"), ("failed", "failed")]


class ImportCreateSerializer(serializers.Serializer):
    file = serializers.FileField(
        help_text=gettext_lazy("The export: XLSX, or CSV in UTF-8 or CP949 (EUC-KR).")
    )
    client = serializers.SlugField(help_text=gettext_lazy("The client's slug."))
    mapping = serializers.JSONField(
        required=False,
        binary=True,
        help_text=gettext_lazy(
            'Optional JSON object, field → column name, e.g. {"inquiry": "문의내용", "started_at": '
            '"상담일시"}. Fields it leaves out: the mapping saved for the client, else the column names.'
        ),
    )
    valid_only = serializers.BooleanField(
        default=False,
        help_text=gettext_lazy("Import the valid rows when some are bad (default: all or nothing)."),
    )

    def validate_mapping(self, value):
        if not isinstance(value, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in value.items()
        ):
            raise ValidationError(_("must be a JSON object of field names to column names"))
        return value


class RowProblemSerializer(serializers.Serializer):
    line = serializers.IntegerField(allow_null=True, help_text=gettext_lazy("1 is the header row"))
    field = serializers.CharField()
    message = serializers.CharField()


class AcceptedSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.ChoiceField(choices=JOB_STATES)
    url = serializers.URLField(help_text=gettext_lazy("Where to follow it"))


class FileRefusedSerializer(serializers.Serializer):
    detail = serializers.CharField()
    errors = RowProblemSerializer(many=True, required=False)  # type: ignore[assignment]  # a key, not .errors


class ImportJobSerializer(serializers.ModelSerializer):
    client = serializers.CharField(source="client.slug")
    status = serializers.SerializerMethodField()
    file = serializers.CharField(source="original_name")
    rows_imported = serializers.SerializerMethodField()
    rows_unchanged = serializers.IntegerField()
    rows_rejected = serializers.IntegerField(source="rows_bad")
    errors = serializers.SerializerMethodField()  # type: ignore[assignment]  # a key, not .errors

    class Meta:
        model = ImportJob
        fields = [
            "id",
            "client",
            "status",
            "file",
            "progress",
            "rows_total",
            "rows_imported",
            "rows_unchanged",
            "rows_rejected",
            "errors",
            "message",
            "created_at",
            "finished_at",
        ]

    @extend_schema_field(serializers.ChoiceField(choices=JOB_STATES))
    def get_status(self, job) -> str:
        return API_STATUS.get(job.status, "failed")

    def get_rows_imported(self, job) -> int:
        return job.rows_created + job.rows_updated

    @extend_schema_field(RowProblemSerializer(many=True))
    def get_errors(self, job) -> list[dict]:
        """The first problems by line (every one is in the job's bad-rows file on the web page)."""
        return [
            {"line": e.get("line"), "field": e.get("field", ""), "message": e.get("message", "")}
            for e in job.error_sample
        ]


def _refused(exc: ImportRejected) -> Response:
    return Response(
        {
            "detail": _("The file was refused; nothing was stored."),
            "errors": [{"line": e.line, "field": e.field, "message": e.message} for e in exc.errors],
        },
        status=status.HTTP_400_BAD_REQUEST,
    )


class ImportCreate(APIView):
    """Import a call export (a telephony system's nightly push).

    Same pipeline and rules as the web import: size and type checked from the content, all or
    nothing unless `valid_only`, idempotent (the same file again changes nothing). A file that
    cannot be read, or whose columns do not map, is refused at once with 400 and nothing is kept;
    otherwise 202 and the import runs in the background — follow `url`. Problems found in the
    rows are listed, by line, on the import. Managers of the client and admins only."""

    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        request={"multipart/form-data": ImportCreateSerializer},
        responses={
            202: AcceptedSerializer,
            400: OpenApiResponse(FileRefusedSerializer, description="bad file or mapping; nothing stored"),
            403: OpenApiResponse(description="not a manager of this client"),
            404: OpenApiResponse(description="no such client among the caller's"),
        },
        examples=[
            OpenApiExample(
                "refused",
                response_only=True,
                status_codes=["400"],
                value={
                    "detail": "The file was refused; nothing was stored.",
                    "errors": [{"line": None, "field": "file", "message": "This is a PDF document, …"}],
                },
            )
        ],
        tags=["call data"],
    )
    def post(self, request):
        data = ImportCreateSerializer(data=request.data)
        if not data.is_valid():
            # one shape for every 400 of this endpoint, so a script reads problems in one place
            problems = [
                RowError(None, str(message), field=name)
                for name, messages in data.errors.items()
                for message in (messages if isinstance(messages, list) else [messages])
            ]
            return _refused(ImportRejected(problems))
        client = _managed_client(request.user, data.validated_data["client"])
        try:
            job = services.import_submit(
                client=client,
                by=request.user,
                upload=data.validated_data["file"],
                mapping=data.validated_data.get("mapping"),
                valid_only=data.validated_data["valid_only"],
            )
        except ImportRejected as exc:
            return _refused(exc)
        url = request.build_absolute_uri(reverse("api-calls-import", args=[job.pk]))
        return Response(
            {"id": job.pk, "status": API_STATUS[job.status], "url": url}, status=status.HTTP_202_ACCEPTED
        )


class ImportDetail(generics.RetrieveAPIView):
    """One import: its state and counts, and the problems found in its rows (first 200, by line)."""

    serializer_class = ImportJobSerializer

    @extend_schema(tags=["call data"], responses={200: ImportJobSerializer, 404: OpenApiResponse()})
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_object(self):
        job = selectors.import_job_for(self.request.user, self.kwargs["pk"])
        if job is None:
            raise NotFound(_("No such import."))
        return job


class MiningRunCreateSerializer(serializers.Serializer):
    client = serializers.SlugField()
    since = serializers.DateField(
        required=False, help_text=gettext_lazy("first day; default: 30 days before until")
    )
    until = serializers.DateField(
        required=False, help_text=gettext_lazy("last day; default: the latest call's day")
    )


class MiningRunSerializer(serializers.ModelSerializer):
    client = serializers.CharField(source="client.slug")
    status = serializers.ChoiceField(choices=MiningStatus.choices)
    topics = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField()

    class Meta:
        model = MiningRun
        fields = [
            "id",
            "client",
            "status",
            "topics",
            "period_start",
            "period_end",
            "record_count",
            "coverage",
            "message",
            "finished_at",
            "url",
        ]

    def get_topics(self, run) -> int:
        """How many topics the finished run found (0 until it is done)."""
        return run.topic_count if run.status == MiningStatus.DONE else 0

    def get_url(self, run) -> str:
        return reverse("api-calls-topics") + f"?client={run.client.slug}&run={run.pk}"


class MiningRunCreate(APIView):
    """Mine a client's calls for topics (by default the 30 days up to its latest call). Mining the
    same period again replaces its topics. 202; follow `url`. Managers of the client and admins."""

    @extend_schema(
        request=MiningRunCreateSerializer,
        responses={
            202: AcceptedSerializer,
            400: OpenApiResponse(description="bad period"),
            403: OpenApiResponse(description="not a manager of this client"),
            404: OpenApiResponse(description="no such client among the caller's"),
        },
        tags=["call data"],
    )
    def post(self, request):
        data = MiningRunCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        client = _managed_client(request.user, data.validated_data["client"])
        until = data.validated_data.get("until") or services.default_period(client)[1]
        since = data.validated_data.get("since") or until - timedelta(days=29)
        run = services.mining_request(client=client, since=since, until=until, by=request.user)
        url = request.build_absolute_uri(reverse("api-calls-mining-run", args=[run.pk]))
        return Response({"id": run.pk, "status": run.status, "url": url}, status=status.HTTP_202_ACCEPTED)


class MiningRunDetail(generics.RetrieveAPIView):
    """One mining run: its state and, once done, how many topics it found (`url` lists them)."""

    serializer_class = MiningRunSerializer

    @extend_schema(tags=["call data"], responses={200: MiningRunSerializer, 404: OpenApiResponse()})
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_object(self):
        run = selectors.mining_run_for(self.request.user, self.kwargs["pk"])
        if run is None or not can_manage_client(self.request.user, run.client):
            raise NotFound(_("No such mining run."))
        return run


__all__ = [
    "CallRecordList",
    "ImportCreate",
    "ImportDetail",
    "MiningRun",
    "MiningRunCreate",
    "MiningRunDetail",
    "TopicList",
]
