from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import ClientCompany


class Category(models.Model):
    """A node in a client's category tree (e.g. 카드 > 분실·도난)."""

    client = models.ForeignKey(ClientCompany, on_delete=models.CASCADE, related_name="categories")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )
    name = models.CharField(_("name"), max_length=80)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["client", "position", "name"]
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        constraints = [
            models.UniqueConstraint(
                fields=["client", "parent", "name"], name="knowledge_category_unique_name"
            ),
            models.UniqueConstraint(
                fields=["client", "name"],
                condition=models.Q(parent__isnull=True),
                name="knowledge_category_unique_root",
            ),
        ]

    def __str__(self) -> str:
        return self.path

    @property
    def path(self) -> str:
        names: list[str] = []
        node: Category | None = self
        seen: set[int] = set()
        while node is not None and node.pk not in seen:
            seen.add(node.pk)
            names.append(node.name)
            node = node.parent
        return " > ".join(reversed(names))


class ArticleStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    REVIEW = "review", _("In review")
    PUBLISHED = "published", _("Published")
    ARCHIVED = "archived", _("Archived")


class ArticleQuerySet(models.QuerySet["Article"]):
    def published(self) -> ArticleQuerySet:
        return self.filter(status=ArticleStatus.PUBLISHED)


class Article(models.Model):
    """A consultation manual entry (상담 매뉴얼) for one client company.

    The text fields are Markdown; they reach pages only through knowledge.manuals.markdown.render().
    """

    client = models.ForeignKey(ClientCompany, on_delete=models.PROTECT, related_name="articles")
    category = models.ForeignKey(
        Category, null=True, blank=True, on_delete=models.SET_NULL, related_name="articles"
    )
    external_id = models.CharField(_("external id"), max_length=100, blank=True)
    title = models.CharField(_("title"), max_length=200)
    question = models.TextField(_("customer situation / question"), blank=True)
    answer = models.TextField(_("answer script"), blank=True)
    steps = models.TextField(_("steps"), blank=True)
    cautions = models.TextField(_("cautions / escalation"), blank=True)
    tags = models.CharField(_("tags"), max_length=500, blank=True, help_text=_("Comma separated"))
    status = models.CharField(
        _("status"), max_length=16, choices=ArticleStatus.choices, default=ArticleStatus.DRAFT
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="owned_articles",
        verbose_name=_("owner"),
        help_text=_("Reminded when the article is due for verification"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="created_articles",
    )
    related = models.ManyToManyField("self", blank=True, symmetrical=True, verbose_name=_("related articles"))
    # Bumped by every edit: a reviewer publishes the version they saw (optimistic check).
    edit_version = models.PositiveIntegerField(default=1, editable=False)
    verify_by = models.DateField(_("verify by"), null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["title"]
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        constraints = [
            models.UniqueConstraint(
                fields=["client", "external_id"],
                condition=~models.Q(external_id=""),
                name="knowledge_article_unique_external_id",
            ),
        ]
        indexes = [models.Index(fields=["client", "status"], name="kb_article_client_status")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("knowledge:article", args=[self.pk])

    @property
    def tag_list(self) -> list[str]:
        return [t.strip() for t in self.tags.split(",") if t.strip()]

    @property
    def is_published(self) -> bool:
        return self.status == ArticleStatus.PUBLISHED


# The fields a revision or a suggestion carries: the article's content.
CONTENT_FIELDS = ("title", "question", "answer", "steps", "cautions", "tags")


class RevisionKind(models.TextChoices):
    PUBLISH = "publish", _("Published")
    SUGGESTION = "suggestion", _("Suggestion accepted")
    RESTORE = "restore", _("Restored")
    IMPORT = "import", _("Imported")


class ArticleRevision(models.Model):
    """A snapshot of an article's content taken at every publish. Append-only."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField()
    kind = models.CharField(max_length=16, choices=RevisionKind.choices, default=RevisionKind.PUBLISH)
    title = models.CharField(_("title"), max_length=200)
    question = models.TextField(_("customer situation / question"), blank=True)
    answer = models.TextField(_("answer script"), blank=True)
    steps = models.TextField(_("steps"), blank=True)
    cautions = models.TextField(_("cautions / escalation"), blank=True)
    tags = models.CharField(_("tags"), max_length=500, blank=True)
    category_path = models.CharField(_("category"), max_length=500, blank=True)
    comment = models.TextField(_("reason"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["article", "-number"]
        verbose_name = _("revision")
        verbose_name_plural = _("revisions")
        constraints = [
            models.UniqueConstraint(fields=["article", "number"], name="knowledge_revision_unique_number")
        ]

    def __str__(self) -> str:
        return f"{self.article_id} r{self.number}"


class SuggestionStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", _("Rejected")


class ArticleSuggestion(models.Model):
    """An agent's proposed edit to a published article; the live text is unchanged until accepted."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="suggestions")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="article_suggestions"
    )
    base_revision = models.ForeignKey(
        ArticleRevision, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    title = models.CharField(_("title"), max_length=200)
    question = models.TextField(_("customer situation / question"), blank=True)
    answer = models.TextField(_("answer script"), blank=True)
    steps = models.TextField(_("steps"), blank=True)
    cautions = models.TextField(_("cautions / escalation"), blank=True)
    tags = models.CharField(_("tags"), max_length=500, blank=True)
    note = models.TextField(_("why this change"), blank=True)
    status = models.CharField(
        max_length=16, choices=SuggestionStatus.choices, default=SuggestionStatus.PENDING
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_comment = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("suggestion")
        verbose_name_plural = _("suggestions")
        indexes = [models.Index(fields=["status", "article"], name="kb_suggestion_status")]

    def __str__(self) -> str:
        return f"{self.article_id}: {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("knowledge:suggestion", args=[self.pk])


def _attachment_path(instance: Attachment, filename: str) -> str:
    # Stored under a random name: the original name is kept only in the database.
    return f"knowledge/attachments/{instance.article.client_id}/{uuid.uuid4().hex}"


class Attachment(models.Model):
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=_attachment_path, max_length=300)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.original_name

    def get_absolute_url(self) -> str:
        return reverse("knowledge:attachment", args=[self.pk])


class ArticleFeedback(models.Model):
    """도움이 됐어요 / 부족해요: one per person per article, changeable."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="feedback")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    helpful = models.BooleanField()
    comment = models.CharField(_("comment"), max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-updated_at"]
        verbose_name = _("feedback")
        verbose_name_plural = _("feedback")
        constraints = [
            models.UniqueConstraint(fields=["article", "user"], name="knowledge_feedback_one_per_user")
        ]

    def __str__(self) -> str:
        return f"{self.article_id} {self.user_id} {'+' if self.helpful else '-'}"


class VerificationReminder(models.Model):
    """One row per article and due date: the daily reminder task claims it before notifying."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="reminders")
    due_date = models.DateField()
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("verification reminder")
        verbose_name_plural = _("verification reminders")
        constraints = [
            models.UniqueConstraint(fields=["article", "due_date"], name="knowledge_reminder_once")
        ]

    def __str__(self) -> str:
        return f"{self.article_id} {self.due_date}"
