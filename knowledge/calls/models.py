"""Models of the call-data part (call records, imports, mined topics), gathered with the others by
knowledge/models/__init__.py.

Customer identities never reach the database in clear text: a phone number or customer id from an
export is turned into `customer_key`, an HMAC with a secret salt (CALLS_CUSTOMER_KEY_SALT), on import.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.models import ClientCompany

__all__ = [
    "CallChannel",
    "CallRecord",
    "ImportJob",
    "ImportMapping",
    "ImportStatus",
    "MiningRun",
    "MiningStatus",
    "Topic",
    "TopicArticle",
    "TopicRule",
]


class CallChannel(models.TextChoices):
    CALL = "call", _("Call")
    CHAT = "chat", _("Chat")


class CallRecord(models.Model):
    """One answered call or chat of a client's customer, as exported by the client's call system."""

    client = models.ForeignKey(ClientCompany, on_delete=models.PROTECT, related_name="call_records")
    external_id = models.CharField(_("call id"), max_length=100)
    started_at = models.DateTimeField(_("started at"))
    duration_seconds = models.PositiveIntegerField(_("handle time (seconds)"), default=0)
    channel = models.CharField(
        _("channel"), max_length=8, choices=CallChannel.choices, default=CallChannel.CALL
    )
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="call_records",
        verbose_name=_("agent"),
    )
    # The agent as exported (employee number or e-mail) when no staff account matched it.
    agent_label = models.CharField(_("agent as exported"), max_length=120, blank=True)
    category = models.CharField(_("category"), max_length=200, blank=True)
    inquiry = models.TextField(_("inquiry"))
    resolution = models.TextField(_("resolution"), blank=True)
    transferred = models.BooleanField(_("transferred"), default=False)
    escalated = models.BooleanField(_("escalated"), default=False)
    repeat_contact = models.BooleanField(_("repeat contact"), default=False)
    # True when the export said whether the call was a repeat; otherwise it is computed from customer_key.
    repeat_flag_given = models.BooleanField(default=False)
    customer_key = models.CharField(_("customer key (hashed)"), max_length=64, blank=True)
    import_job = models.ForeignKey(
        "knowledge.ImportJob", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The manual article used on the call (an export's 적용 매뉴얼 column, or the topic's article):
    # its customers' words become the article's learned expressions.
    article = models.ForeignKey(
        "knowledge.Article", null=True, blank=True, on_delete=models.SET_NULL, related_name="call_records"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-started_at", "-id"]
        verbose_name = _("call record")
        verbose_name_plural = _("call records")
        constraints = [
            models.UniqueConstraint(fields=["client", "external_id"], name="calls_record_unique_external_id"),
            models.CheckConstraint(condition=~models.Q(external_id=""), name="calls_record_external_id_set"),
        ]
        indexes = [
            models.Index(fields=["client", "started_at"], name="calls_record_client_started"),
            models.Index(
                fields=["client", "customer_key", "started_at"], name="calls_record_customer_started"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.external_id} ({self.started_at:%Y-%m-%d %H:%M})"

    def get_absolute_url(self) -> str:
        return reverse("knowledge:calls_record", args=[self.pk])


class ImportStatus(models.TextChoices):
    UPLOADED = "uploaded", _("Waiting for the column mapping")
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Importing")
    DONE = "done", _("Imported")
    REJECTED = "rejected", _("Rejected: bad rows")
    FAILED = "failed", _("Failed")


class ImportJob(models.Model):
    """One uploaded file of call records and what became of it."""

    client = models.ForeignKey(ClientCompany, on_delete=models.CASCADE, related_name="call_imports")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The stored upload (under MEDIA_ROOT, never served). Deleted once the import has run: it holds
    # customers' phone numbers in clear text.
    file_path = models.CharField(max_length=500, blank=True)
    original_name = models.CharField(_("file"), max_length=255)
    file_size = models.PositiveBigIntegerField(default=0)
    file_kind = models.CharField(max_length=8)  # csv | xlsx
    encoding = models.CharField(max_length=16, blank=True)
    delimiter = models.CharField(max_length=2, blank=True)
    headers = models.JSONField(default=list, blank=True)
    mapping = models.JSONField(default=dict, blank=True)
    valid_only = models.BooleanField(_("import the valid rows only"), default=False)
    dry_run = models.BooleanField(default=False)
    status = models.CharField(max_length=16, choices=ImportStatus.choices, default=ImportStatus.UPLOADED)
    progress = models.FloatField(default=0.0)  # 0..1, of the file read so far
    rows_total = models.PositiveIntegerField(default=0)
    rows_processed = models.PositiveIntegerField(default=0)
    rows_created = models.PositiveIntegerField(default=0)
    rows_updated = models.PositiveIntegerField(default=0)
    rows_unchanged = models.PositiveIntegerField(default=0)
    rows_bad = models.PositiveIntegerField(default=0)
    # The first bad rows for the page; every bad row is in errors_file (CSV) for download.
    error_sample = models.JSONField(default=list, blank=True)
    errors_file = models.CharField(max_length=500, blank=True)
    message = models.TextField(blank=True)
    period_start = models.DateTimeField(null=True, blank=True)
    period_end = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # Queued or last sign of life of the worker running it; a stale one means the work was lost.
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("call import")
        verbose_name_plural = _("call imports")
        indexes = [models.Index(fields=["client", "-created_at"], name="calls_import_client_created")]

    def __str__(self) -> str:
        return f"{self.original_name} → {self.client}"

    def get_absolute_url(self) -> str:
        return reverse("knowledge:calls_job", args=[self.pk])

    @property
    def is_finished(self) -> bool:
        return self.status in (ImportStatus.DONE, ImportStatus.REJECTED, ImportStatus.FAILED)

    @property
    def percent(self) -> int:
        if self.status == ImportStatus.DONE:
            return 100
        return min(99, round(100 * self.progress))


class ImportMapping(models.Model):
    """The column mapping a manager saved for a client's exports: {field: header}."""

    client = models.OneToOneField(ClientCompany, on_delete=models.CASCADE, related_name="call_import_mapping")
    mapping = models.JSONField(default=dict)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("call import mapping")
        verbose_name_plural = _("call import mappings")

    def __str__(self) -> str:
        return f"{self.client} mapping"


class MiningStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Mining")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class MiningRun(models.Model):
    """Topic mining of one client's calls over one period. Running it again replaces its topics."""

    client = models.ForeignKey(ClientCompany, on_delete=models.CASCADE, related_name="mining_runs")
    period_start = models.DateField(_("from"))
    period_end = models.DateField(_("until"))
    status = models.CharField(max_length=16, choices=MiningStatus.choices, default=MiningStatus.QUEUED)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    record_count = models.PositiveIntegerField(default=0)
    previous_count = models.PositiveIntegerField(default=0)
    topic_count = models.PositiveIntegerField(default=0)
    covered_calls = models.PositiveIntegerField(default=0)
    coverage = models.FloatField(default=0.0)  # calls in covered topics / all calls, 0..1
    params = models.JSONField(default=dict, blank=True)
    message = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["-finished_at", "-id"]
        verbose_name = _("topic mining run")
        verbose_name_plural = _("topic mining runs")
        constraints = [
            models.UniqueConstraint(
                fields=["client", "period_start", "period_end"], name="calls_mining_unique_period"
            ),
            models.CheckConstraint(
                condition=models.Q(period_end__gte=models.F("period_start")), name="calls_mining_period_order"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.client} {self.period_start}–{self.period_end}"

    def get_absolute_url(self) -> str:
        return reverse("knowledge:calls_topics", args=[self.client.slug]) + f"?run={self.pk}"

    @property
    def coverage_percent(self) -> float:
        return round(self.coverage * 100, 1)


class Topic(models.Model):
    """A recurring inquiry topic found by mining: a cluster of calls and its figures."""

    run = models.ForeignKey(MiningRun, on_delete=models.CASCADE, related_name="topics")
    client = models.ForeignKey(ClientCompany, on_delete=models.CASCADE, related_name="+")
    rank = models.PositiveSmallIntegerField(default=0)
    label = models.CharField(_("topic"), max_length=200)
    # The label mining gave it, before a manager's name (TopicRule): what the next run matches.
    mined_label = models.CharField(max_length=200, blank=True)
    keywords = models.JSONField(default=list)
    size = models.PositiveIntegerField(_("calls"))
    share = models.FloatField(default=0.0)
    previous_size = models.PositiveIntegerField(null=True, blank=True)
    trend = models.FloatField(null=True, blank=True)  # relative change against the previous period
    representative_inquiries = models.JSONField(default=list)  # [{"id", "external_id", "text"}]
    common_resolutions = models.JSONField(default=list)  # [{"text", "count"}]
    avg_duration = models.FloatField(default=0.0)
    repeat_rate = models.FloatField(default=0.0)
    transfer_rate = models.FloatField(default=0.0)
    escalation_rate = models.FloatField(default=0.0)
    top_categories = models.JSONField(default=list)  # [{"name", "count"}]
    call_ids = models.JSONField(default=list)  # CallRecord ids, most central first
    covered_by = models.ForeignKey(
        "knowledge.Article", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    coverage_score = models.FloatField(default=0.0)

    class Meta:
        ordering = ["run", "rank"]
        verbose_name = _("topic")
        verbose_name_plural = _("topics")
        indexes = [models.Index(fields=["client", "run"], name="calls_topic_client_run")]

    def __str__(self) -> str:
        return self.label

    def get_absolute_url(self) -> str:
        return reverse("knowledge:calls_topic", args=[self.pk])

    @property
    def is_gap(self) -> bool:
        return self.covered_by_id is None

    @property
    def linked_by_manager(self) -> bool:
        """A manager linked the topic to an article that answers it (articles are prefetched on lists)."""
        return any(link.linked for link in self.articles.all())

    @property
    def share_percent(self) -> float:
        return round(self.share * 100, 1)

    @property
    def trend_percent(self) -> int | None:
        return None if self.trend is None else round(self.trend * 100)

    @property
    def trend_abs_percent(self) -> int | None:
        return None if self.trend is None else abs(round(self.trend * 100))


class TopicArticle(models.Model):
    """A manual article drafted from a topic. Survives a re-run of the mining (topic set null)."""

    topic = models.ForeignKey(
        Topic, null=True, blank=True, on_delete=models.SET_NULL, related_name="articles"
    )
    article = models.ForeignKey("knowledge.Article", on_delete=models.CASCADE, related_name="source_topics")
    client = models.ForeignKey(ClientCompany, on_delete=models.CASCADE, related_name="+")
    label = models.CharField(max_length=200)
    source_call_ids = models.JSONField(default=list)  # external ids of the calls linked in the draft
    # A manager linked an existing article (not drafted from the topic); the calls the link gave
    # the article, so that unlinking takes back exactly those and no import's own link.
    linked = models.BooleanField(default=False)
    linked_call_ids = models.JSONField(default=list, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("article drafted from a topic")
        verbose_name_plural = _("articles drafted from topics")
        constraints = [
            models.UniqueConstraint(fields=["topic", "article"], name="calls_topic_article_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.label} → {self.article_id}"


class TopicRule(models.Model):
    """A manager's correction of the mined topics of a client, applied by every later mining run:
    a topic (found by the noun phrase its mined label opens with) is renamed — to the name of
    another topic, which merges the two — or the calls of it that use a word are split off under
    their own name."""

    class Action(models.TextChoices):
        RENAME = "rename", _("Rename")
        SPLIT = "split", _("Split")

    client = models.ForeignKey(ClientCompany, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=200)  # the mined label's first noun phrase
    action = models.CharField(max_length=8, choices=Action.choices)
    name = models.CharField(_("name"), max_length=200)
    keyword = models.CharField(_("word"), max_length=60, blank=True)  # split only
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("topic rule")
        verbose_name_plural = _("topic rules")
        constraints = [
            models.UniqueConstraint(
                fields=["client", "key", "action", "keyword"], name="calls_topic_rule_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.key} → {self.name}"
