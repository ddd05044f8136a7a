from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from wellbeing.models import OvertimeRequest, Transition
from wellbeing.plans import ShutdownPlan


@extend_schema_field(
    {"type": "string", "pattern": r"^([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9])?$", "example": "20:00"}
)
class HourMinuteField(serializers.TimeField):
    """A wall-clock time as it is shown and returned: "HH:MM" (the schema says so, not format: time)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("format", "%H:%M")
        super().__init__(**kwargs)


class OvertimeCreateSerializer(serializers.Serializer):
    date = serializers.DateField()
    end_time = HourMinuteField()
    reason = serializers.CharField(max_length=1000)
    start_time = HourMinuteField(required=False, allow_null=True, help_text=_("Only for holiday work."))
    consent_night_holiday = serializers.BooleanField(required=False, default=False)


class TransitionSerializer(serializers.ModelSerializer):
    by = serializers.CharField(source="by.name", default=None, allow_null=True)
    to_state = serializers.CharField(help_text=_("submitted, approved, rejected, cancelled or expired"))

    class Meta:
        model = Transition
        fields = ["from_state", "to_state", "by", "at", "comment"]


class OvertimeSerializer(serializers.ModelSerializer):
    user = serializers.CharField(source="user.name")
    end_time = HourMinuteField()
    start_time = HourMinuteField(allow_null=True)
    hours = serializers.FloatField()
    decided_by = serializers.CharField(source="decided_by.name", default=None, allow_null=True)
    state = serializers.CharField(help_text=_("submitted, approved, rejected, cancelled or expired"))
    transitions = TransitionSerializer(many=True, read_only=True)

    class Meta:
        model = OvertimeRequest
        fields = [
            "id",
            "user",
            "date",
            "start_time",
            "end_time",
            "reason",
            "state",
            "hours",
            "post_hoc",
            "is_night",
            "is_holiday",
            "consent_night_holiday",
            "decided_by",
            "decided_at",
            "decision_comment",
            "created_at",
            "transitions",
        ]


class DecisionSerializer(serializers.Serializer):
    comment = serializers.CharField(required=False, allow_blank=True, max_length=1000)


class PlanOvertimeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    state = serializers.CharField()
    end_time = HourMinuteField()
    hours = serializers.FloatField()


class NoticeSerializer(serializers.Serializer):
    minutes_before = serializers.IntegerField()
    at = serializers.DateTimeField()


class ShutdownPlanSerializer(serializers.Serializer):
    date = serializers.DateField()
    working_day = serializers.BooleanField()
    day_name = serializers.CharField()
    shutdown_at = serializers.DateTimeField(allow_null=True)
    notices_at = serializers.ListField(child=serializers.DateTimeField())
    notices = NoticeSerializer(many=True)
    version = serializers.IntegerField()
    source = serializers.CharField()  # type: ignore[assignment]  # the payload's key, not Field.source
    grace_minutes = serializers.IntegerField()
    overtime = PlanOvertimeSerializer(allow_null=True)


class DevicePlanSerializer(ShutdownPlanSerializer):
    server_time = serializers.DateTimeField()
    poll_seconds = serializers.IntegerField()
    overtime_url = serializers.CharField()
    device = serializers.CharField()


def plan_payload(plan: ShutdownPlan) -> dict:
    ot = plan.overtime
    return {
        "date": plan.date,
        "working_day": plan.working_day,
        "day_name": plan.day_name,
        "shutdown_at": plan.shutdown_at,
        "notices_at": [when for _m, when in plan.notices_at],
        "notices": [{"minutes_before": m, "at": when} for m, when in plan.notices_at],
        "version": plan.version,
        "source": plan.source,
        "grace_minutes": plan.grace_minutes,
        "overtime": (
            {"id": ot.pk, "state": ot.state, "end_time": ot.end_time.strftime("%H:%M"), "hours": ot.hours}
            if ot is not None
            else None
        ),
    }


def overtime_url(request) -> str:
    return request.build_absolute_uri(reverse("wellbeing:overtime_new"))


class RegisterSerializer(serializers.Serializer):
    hostname = serializers.CharField(max_length=120, required=False, allow_blank=True, default="")
    platform = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")


class RegisterResponseSerializer(serializers.Serializer):
    device_id = serializers.IntegerField()
    credential = serializers.CharField()
    name = serializers.CharField()


class EventSerializer(serializers.Serializer):
    id = serializers.CharField(max_length=64)
    kind = serializers.CharField()
    at = serializers.CharField(
        help_text=_("ISO 8601 with a UTC offset (the server's clock as the agent knows it)")
    )
    plan_version = serializers.IntegerField(required=False, allow_null=True, min_value=0, max_value=2**31 - 1)
    data = serializers.DictField(required=False)  # type: ignore[assignment]  # the event's key, not .data


class EventsSerializer(serializers.Serializer):
    events = EventSerializer(many=True, allow_empty=True)


class EventsResponseSerializer(serializers.Serializer):
    stored = serializers.IntegerField()
