from django.contrib import admin

from .models import Heartbeat, Incident, TaskError


@admin.register(Heartbeat)
class HeartbeatAdmin(admin.ModelAdmin):
    list_display = ["name", "at"]
    readonly_fields = ["name", "at", "data"]

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(Incident)
class IncidentAdmin(admin.ModelAdmin):
    list_display = ["kind", "started_at", "ended_at"]
    list_filter = ["kind"]
    readonly_fields = ["kind", "detail", "started_at", "ended_at"]

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(TaskError)
class TaskErrorAdmin(admin.ModelAdmin):
    list_display = ["task", "at"]
    search_fields = ["task", "error"]
    readonly_fields = ["task", "task_id", "error", "at"]

    def has_add_permission(self, request) -> bool:
        return False
