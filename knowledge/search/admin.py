from __future__ import annotations

from django.contrib import admin

from knowledge.models import SearchLog, SynonymGroup


@admin.register(SynonymGroup)
class SynonymGroupAdmin(admin.ModelAdmin):
    list_display = ["terms", "client", "created_by", "updated_at"]
    list_filter = ["client"]
    search_fields = ["terms"]
    raw_id_fields = ["created_by"]

    def save_model(self, request, obj, form, change):
        obj.created_by = obj.created_by or request.user
        super().save_model(request, obj, form, change)


@admin.register(SearchLog)
class SearchLogAdmin(admin.ModelAdmin):
    list_display = ["created_at", "client", "user", "query", "result_count", "took_ms", "opened_article"]
    list_filter = ["client", "fallback"]
    search_fields = ["query"]
    raw_id_fields = ["user", "opened_article"]
    date_hierarchy = "created_at"
