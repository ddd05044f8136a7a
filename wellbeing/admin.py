from django.contrib import admin

from . import services
from .models import (
    AbusiveCallReport,
    AwayDay,
    DayOff,
    Device,
    DeviceEvent,
    FlexibleScheduleRequest,
    ManagerDelegation,
    OvertimeReminder,
    OvertimeRequest,
    PlanVersion,
    ShutdownNotice,
    ShutdownPolicy,
    Transition,
    WellbeingProfile,
    WorkSchedule,
)


@admin.register(ShutdownPolicy)
class ShutdownPolicyAdmin(admin.ModelAdmin):
    list_display = [
        "__str__",
        "work_start",
        "work_end",
        "shutdown_time",
        "notice_offsets",
        "grace_minutes",
        "weekdays",
    ]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        # Today's plans of the people this policy governs get a new version (notices follow it).
        services.policy_changed(policy=obj, by=request.user)


@admin.register(DayOff)
class DayOffAdmin(admin.ModelAdmin):
    list_display = ["date", "name", "created_by"]
    readonly_fields = ["created_by"]

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
        else:
            services.day_off_add(by=request.user, day=obj.date, name=obj.name)


@admin.register(WorkSchedule)
class WorkScheduleAdmin(admin.ModelAdmin):
    list_display = ["user", "start_time", "end_time", "break_minutes", "weekdays"]
    autocomplete_fields = ["user"]


@admin.register(WellbeingProfile)
class WellbeingProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "protection", "protection_until", "consent_recorded_at"]
    autocomplete_fields = ["user"]


@admin.register(ManagerDelegation)
class ManagerDelegationAdmin(admin.ModelAdmin):
    list_display = ["manager", "delegate", "start_date", "end_date"]
    autocomplete_fields = ["manager", "delegate"]


class TransitionInline(admin.TabularInline):
    model = Transition
    extra = 0
    can_delete = False
    readonly_fields = ["from_state", "to_state", "by", "at", "comment"]
    fk_name = "overtime"

    def has_add_permission(self, request, obj=None):
        return False


class FlexTransitionInline(TransitionInline):
    fk_name = "flexible"


class ReadOnlyDecisionsMixin:
    """Decisions go through the pages and the API (they check the law and notify); the admin only reads them."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(OvertimeRequest)
class OvertimeRequestAdmin(ReadOnlyDecisionsMixin, admin.ModelAdmin):
    list_display = [
        "user",
        "date",
        "end_time",
        "state",
        "minutes",
        "post_hoc",
        "is_night",
        "is_holiday",
        "decided_by",
    ]
    list_filter = ["state", "post_hoc", "is_night", "is_holiday"]
    search_fields = ["user__name", "user__email"]
    date_hierarchy = "date"
    inlines = [TransitionInline]


@admin.register(FlexibleScheduleRequest)
class FlexibleScheduleRequestAdmin(ReadOnlyDecisionsMixin, admin.ModelAdmin):
    list_display = ["user", "kind", "start_date", "end_date", "start_time", "end_time", "state"]
    list_filter = ["state", "kind"]
    inlines = [FlexTransitionInline]


@admin.register(Device)
class DeviceAdmin(admin.ModelAdmin):
    list_display = ["name", "user", "hostname", "platform", "registered_at", "last_seen_at", "revoked_at"]
    readonly_fields = ["token_hash", "credential_hash", "token_expires_at", "registered_at", "last_seen_at"]
    search_fields = ["name", "hostname", "user__name"]


@admin.register(DeviceEvent)
class DeviceEventAdmin(admin.ModelAdmin):
    list_display = ["device", "kind", "occurred_at", "received_at", "plan_version"]
    list_filter = ["kind"]


@admin.register(AbusiveCallReport)
class AbusiveCallReportAdmin(admin.ModelAdmin):
    list_display = ["user", "client", "occurred_at", "break_minutes", "counselling_requested_at"]
    list_filter = ["client"]


@admin.register(PlanVersion)
class PlanVersionAdmin(admin.ModelAdmin):
    list_display = ["user", "date", "version", "shutdown_at", "reason", "created_at"]


@admin.register(ShutdownNotice)
class ShutdownNoticeAdmin(admin.ModelAdmin):
    list_display = ["user", "date", "offset_minutes", "plan_version", "shutdown_at", "sent_at"]


@admin.register(OvertimeReminder)
class OvertimeReminderAdmin(admin.ModelAdmin):
    """Bookkeeping: one row per request whose deciders were reminded before the shutdown."""

    list_display = ["request", "sent_at"]
    list_select_related = ["request__user"]


@admin.register(AwayDay)
class AwayDayAdmin(admin.ModelAdmin):
    """휴가 / 재택 days, shown as today's status in the directory."""

    list_display = ["date", "user", "kind"]
    list_filter = ["kind", "date"]
    search_fields = ["user__name", "user__email"]
    autocomplete_fields = ["user"]
    date_hierarchy = "date"
