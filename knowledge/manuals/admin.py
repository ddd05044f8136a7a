from __future__ import annotations

from django.contrib import admin

from .models import (
    Article,
    ArticleFeedback,
    ArticleRevision,
    ArticleSuggestion,
    Attachment,
    Category,
    VerificationReminder,
)


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["__str__", "client", "position"]
    list_filter = ["client"]
    search_fields = ["name"]


class AttachmentInline(admin.TabularInline):
    model = Attachment
    extra = 0
    readonly_fields = ["original_name", "content_type", "size", "uploaded_by", "created_at"]
    fields = tuple(readonly_fields)


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    # Publishing goes through the site (revisions, audit, search index); the admin only reads.
    list_display = ["title", "client", "category", "status", "verify_by", "updated_at"]
    list_filter = ["status", "client"]
    search_fields = ["title", "external_id", "tags"]
    readonly_fields = ["status", "published_at", "created_at", "updated_at"]
    raw_id_fields = ["owner", "created_by", "category"]
    filter_horizontal = ["related"]
    inlines = [AttachmentInline]

    def has_change_permission(self, request, obj=None) -> bool:
        return False  # edits bypassing revisions and the search index would go unrecorded


@admin.register(ArticleRevision)
class ArticleRevisionAdmin(admin.ModelAdmin):
    list_display = ["article", "number", "kind", "created_by", "created_at"]
    list_filter = ["kind"]
    search_fields = ["title", "comment"]

    def has_change_permission(self, request, obj=None) -> bool:
        return False  # revisions are append-only


@admin.register(ArticleSuggestion)
class ArticleSuggestionAdmin(admin.ModelAdmin):
    list_display = ["article", "author", "status", "created_at", "reviewed_by"]
    list_filter = ["status"]
    raw_id_fields = ["article", "author", "reviewed_by", "base_revision"]


@admin.register(ArticleFeedback)
class ArticleFeedbackAdmin(admin.ModelAdmin):
    list_display = ["article", "user", "helpful", "comment", "updated_at"]
    list_filter = ["helpful"]


@admin.register(VerificationReminder)
class VerificationReminderAdmin(admin.ModelAdmin):
    list_display = ["article", "due_date", "recipient", "sent_at"]
