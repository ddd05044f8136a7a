from django.contrib import admin

from .models import ReportSnapshot


@admin.register(ReportSnapshot)
class ReportSnapshotAdmin(admin.ModelAdmin):
    list_display = ["client", "period_start", "period_end", "status", "version", "built_at", "built_by"]
    list_filter = ["status", "trigger"]
    search_fields = ["client__name", "client__slug"]
    date_hierarchy = "period_start"
    # Figures change only by an explicit, audited regenerate (the report page), never by hand.
    readonly_fields = [
        "client",
        "period_start",
        "period_end",
        "status",
        "trigger",
        "progress",
        "step",
        "figures",
        "summary",
        "schema",
        "version",
        "built_at",
        "built_by",
        "build_seconds",
        "message",
        "requested_at",
    ]

    def has_add_permission(self, request) -> bool:
        return False
