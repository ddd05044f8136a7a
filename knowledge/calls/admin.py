"""Django admin for the call data: read-mostly (imports and mining change it, never a form), with the
personal data already masked in the stored text and customers only as a hashed key."""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from knowledge.models import CallRecord, ImportJob, ImportMapping, MiningRun, Topic, TopicArticle


class ReadOnlyAdmin(admin.ModelAdmin):
    """Viewable and deletable (a customer's erasure request), never added or edited by hand."""

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(CallRecord)
class CallRecordAdmin(ReadOnlyAdmin):
    list_display = ["external_id", "client", "started_at", "channel", "category", "agent", "short_inquiry"]
    list_filter = ["client", "channel", "transferred", "escalated", "repeat_contact"]
    list_select_related = ["client", "agent"]
    search_fields = ["external_id", "category"]
    date_hierarchy = "started_at"
    exclude = ["customer_key"]  # an HMAC: meaningless to read, and no business of the admin page
    show_full_result_count = False  # millions of rows: no COUNT(*) per page

    @admin.display(description=_("inquiry"))
    def short_inquiry(self, obj: CallRecord) -> str:
        return obj.inquiry if len(obj.inquiry) <= 60 else obj.inquiry[:60] + "…"


@admin.register(ImportJob)
class ImportJobAdmin(ReadOnlyAdmin):
    list_display = [
        "original_name",
        "client",
        "status",
        "rows_total",
        "rows_created",
        "rows_updated",
        "rows_unchanged",
        "rows_bad",
        "created_by",
        "created_at",
    ]
    list_filter = ["status", "client"]
    list_select_related = ["client", "created_by"]
    search_fields = ["original_name"]
    exclude = ["file_path", "errors_file"]  # server paths, not for the page


@admin.register(ImportMapping)
class ImportMappingAdmin(ReadOnlyAdmin):
    list_display = ["client", "updated_by", "updated_at"]
    list_select_related = ["client", "updated_by"]


@admin.register(MiningRun)
class MiningRunAdmin(ReadOnlyAdmin):
    list_display = [
        "client",
        "period_start",
        "period_end",
        "status",
        "record_count",
        "topic_count",
        "coverage_percent",
        "finished_at",
    ]
    list_filter = ["status", "client"]
    list_select_related = ["client"]


@admin.register(Topic)
class TopicAdmin(ReadOnlyAdmin):
    list_display = ["label", "client", "run", "rank", "size", "share_percent", "covered_by"]
    list_filter = ["client"]
    list_select_related = ["client", "run", "covered_by"]
    search_fields = ["label"]
    exclude = ["call_ids"]  # thousands of ids


@admin.register(TopicArticle)
class TopicArticleAdmin(ReadOnlyAdmin):
    list_display = ["label", "article", "topic", "client", "created_by", "created_at"]
    list_select_related = ["article", "topic", "client", "created_by"]
