"""The wellbeing API: overtime requests, the shutdown plan, and the PC agent's device endpoints."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.authentication import get_authorization_header
from rest_framework.exceptions import ValidationError as DRFValidationError
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.api.throttling import ClientAddressAnonThrottle
from accounts.requests import AuthenticatedRequest
from wellbeing import selectors, services
from wellbeing import timeutils as tu
from wellbeing.models import Device

from .authentication import DeviceAuthentication, IsDevice
from .serializers import (
    DecisionSerializer,
    DevicePlanSerializer,
    EventsResponseSerializer,
    EventsSerializer,
    OvertimeCreateSerializer,
    OvertimeSerializer,
    RegisterResponseSerializer,
    RegisterSerializer,
    ShutdownPlanSerializer,
    overtime_url,
    plan_payload,
)

POLL_SECONDS = 60


def _prefetched(qs):
    return qs.prefetch_related("transitions__by")


class OvertimeListCreate(APIView):
    @extend_schema(responses=OvertimeSerializer(many=True), tags=["wellbeing"])
    def get(self, request: AuthenticatedRequest) -> Response:
        """My overtime requests, newest first."""
        qs = _prefetched(selectors.overtime_for(request.user).select_related("user"))[:100]
        return Response(OvertimeSerializer(qs, many=True).data)

    @extend_schema(
        request=OvertimeCreateSerializer,
        responses={
            201: OvertimeSerializer,
            400: OpenApiResponse(description="Bad input or over the weekly cap"),
        },
        tags=["wellbeing"],
    )
    def post(self, request: AuthenticatedRequest) -> Response:
        """File an overtime request (연장근무 신청)."""
        serializer = OvertimeCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        req = services.overtime_submit(
            user=request.user,
            day=data["date"],
            end_time=data["end_time"],
            reason=data["reason"],
            start_time=data.get("start_time"),
            consent_night_holiday=data.get("consent_night_holiday", False),
        )
        req = _prefetched(selectors.overtime_for(request.user).select_related("user")).get(pk=req.pk)
        return Response(OvertimeSerializer(req).data, status=status.HTTP_201_CREATED)


class OvertimeDetail(APIView):
    @extend_schema(responses=OvertimeSerializer, tags=["wellbeing"])
    def get(self, request: AuthenticatedRequest, pk: int) -> Response:
        req = get_object_or_404(_prefetched(selectors.overtime_visible_to(request.user)), pk=pk)
        return Response(OvertimeSerializer(req).data)


class _Decide(APIView):
    action = ""

    @extend_schema(
        request=DecisionSerializer,
        responses={
            200: OvertimeSerializer,
            400: OpenApiResponse(description="Bad input (a rejection needs a comment; the weekly cap)"),
            403: OpenApiResponse(description="Not the agent's manager"),
            404: OpenApiResponse(description="No such request"),
            409: OpenApiResponse(description="Already decided by someone else"),
        },
        tags=["wellbeing"],
    )
    def post(self, request: AuthenticatedRequest, pk: int) -> Response:
        from wellbeing.models import OvertimeRequest

        get_object_or_404(OvertimeRequest, pk=pk)
        serializer = DecisionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        comment = serializer.validated_data.get("comment", "")
        fn = services.overtime_approve if self.action == "approve" else services.overtime_reject
        req = fn(request_id=pk, by=request.user, comment=comment)
        req = _prefetched(selectors.overtime_visible_to(request.user)).get(pk=req.pk)
        return Response(OvertimeSerializer(req).data)


class OvertimeApprove(_Decide):
    action = "approve"


class OvertimeReject(_Decide):
    action = "reject"


class ShutdownPlanView(APIView):
    @extend_schema(
        parameters=[OpenApiParameter("date", str, description="YYYY-MM-DD (default: today in Seoul)")],
        responses={200: ShutdownPlanSerializer, 400: OpenApiResponse(description="Bad date")},
        tags=["wellbeing"],
    )
    def get(self, request: AuthenticatedRequest) -> Response:
        """My shutdown plan for a date: the same plan the PC agent enforces."""
        raw = request.query_params.get("date")
        try:
            on = date.fromisoformat(raw) if raw else tu.local_today()
        except ValueError as exc:
            raise DRFValidationError({"date": [_("Use the form YYYY-MM-DD.")]}) from exc
        plan = selectors.shutdown_plan(user=request.user, on=on)
        return Response(ShutdownPlanSerializer(plan_payload(plan)).data)


class DeviceRegisterThrottle(ClientAddressAnonThrottle):
    rate = "30/hour"


class DeviceRegister(APIView):
    """Anonymous by design (the PC has no credential yet), but never without a token: the one-time
    token travels in `Authorization: Register <token>`, so a bare request is refused with 401."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes = [DeviceRegisterThrottle]

    @extend_schema(
        request=RegisterSerializer,
        responses={
            201: RegisterResponseSerializer,
            400: OpenApiResponse(description="Bad input"),
            401: OpenApiResponse(description="Missing, unknown, used, expired or revoked token"),
        },
        tags=["wellbeing-device"],
    )
    def post(self, request: Request) -> Response:
        """The PC agent trades the one-time token from the web UI for its device credential."""
        parts = get_authorization_header(request).split()
        if len(parts) != 2 or parts[0].lower() != b"register":
            return Response(
                {"detail": _("Send the device token as 'Authorization: Register <token>'.")},
                status=status.HTTP_401_UNAUTHORIZED,
                headers={"WWW-Authenticate": "Register"},
            )
        serializer = RegisterSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        # Kept: a refused token is a 401 with a challenge here, not the 400 of a bad field.
        try:
            device, credential = services.device_register(
                token=parts[1].decode(errors="ignore"), **serializer.validated_data
            )
        except ValidationError as exc:
            return Response(
                {"detail": " ".join(exc.messages)},
                status=status.HTTP_401_UNAUTHORIZED,
                headers={"WWW-Authenticate": "Register"},
            )
        return Response(
            {"device_id": device.pk, "credential": credential, "name": device.name},
            status=status.HTTP_201_CREATED,
        )


class DeviceRequest(AuthenticatedRequest):
    """A request DeviceAuthentication admitted: the device's owner and the device."""

    auth: Device


class DevicePlan(APIView):
    authentication_classes = [DeviceAuthentication]
    permission_classes = [IsDevice]

    @extend_schema(responses=DevicePlanSerializer, tags=["wellbeing-device"])
    def get(self, request: DeviceRequest) -> Response:
        """Today's plan for the device's owner, with the server's time (the agent trusts it, not the PC's)."""
        device = request.auth
        services.device_seen(device=device)
        plan = selectors.shutdown_plan(user=request.user)
        payload = plan_payload(plan) | {
            "server_time": timezone.now(),
            "poll_seconds": POLL_SECONDS,
            "overtime_url": overtime_url(request),
            "device": device.name,
        }
        return Response(DevicePlanSerializer(payload).data)


class DeviceEvents(APIView):
    authentication_classes = [DeviceAuthentication]
    permission_classes = [IsDevice]

    @extend_schema(
        request=EventsSerializer,
        responses={200: EventsResponseSerializer, 400: OpenApiResponse(description="Bad event")},
        tags=["wellbeing-device"],
    )
    def post(self, request: DeviceRequest) -> Response:
        """Heartbeats, shutdowns, postponements and tamper reports (queued ones too, once back online)."""
        serializer = EventsSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        stored = services.device_events_record(
            device=request.auth, events=serializer.validated_data["events"]
        )
        return Response({"stored": stored})
