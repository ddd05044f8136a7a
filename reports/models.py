"""Stored reports. A snapshot's figures are computed once, when it is built, and never change by
themselves: a later import shows as a notice on the report, and only an explicit regenerate
(a manager, audited) recomputes them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.models import ClientCompany

# The shape of `figures`; bump when it changes so old snapshots can be told apart.
FIGURES_SCHEMA = 1


class SnapshotStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Building")
    DONE = "done", _("Ready")
    FAILED = "failed", _("Failed")


class SnapshotTrigger(models.TextChoices):
    SCHEDULE = "schedule", _("Monthly schedule")
    REQUEST = "request", _("Requested")
    DEMO = "demo", _("Demo data")


class ReportSnapshot(models.Model):
    """The operations diagnosis (운영진단) of one client for one period, as built."""

    client = models.ForeignKey(
        ClientCompany, on_delete=models.CASCADE, related_name="report_snapshots", verbose_name=_("client")
    )
    period_start = models.DateField(_("from"))
    period_end = models.DateField(_("until"))
    status = models.CharField(
        _("status"), max_length=12, choices=SnapshotStatus.choices, default=SnapshotStatus.QUEUED
    )
    trigger = models.CharField(
        max_length=12, choices=SnapshotTrigger.choices, default=SnapshotTrigger.REQUEST
    )
    progress = models.FloatField(default=0.0)  # 0..1 while building
    step = models.CharField(max_length=40, blank=True)
    figures = models.JSONField(default=dict, blank=True)
    # The headline numbers, for lists that should not load every report's figures.
    summary = models.JSONField(default=dict, blank=True)
    schema = models.PositiveSmallIntegerField(default=FIGURES_SCHEMA)
    # 1 for the first build; each explicit regenerate adds one.
    version = models.PositiveIntegerField(_("version"), default=0)
    built_at = models.DateTimeField(_("built"), null=True, blank=True)
    built_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("built by"),
    )
    build_seconds = models.FloatField(default=0.0)
    message = models.TextField(blank=True)
    requested_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-period_start", "client__name"]
        verbose_name = _("report snapshot")
        verbose_name_plural = _("report snapshots")
        constraints = [
            models.UniqueConstraint(
                fields=["client", "period_start", "period_end"], name="reports_snapshot_unique_period"
            ),
            models.CheckConstraint(
                condition=models.Q(period_end__gte=models.F("period_start")),
                name="reports_snapshot_period_order",
            ),
        ]
        indexes = [models.Index(fields=["status", "-period_start"], name="reports_snapshot_status")]

    def __str__(self) -> str:
        return f"{self.client} {self.period_start}–{self.period_end}"

    def get_absolute_url(self) -> str:
        return reverse("reports:snapshot", args=[self.pk])

    @property
    def is_ready(self) -> bool:
        return self.status == SnapshotStatus.DONE and bool(self.figures)

    @property
    def is_building(self) -> bool:
        return self.status in (SnapshotStatus.QUEUED, SnapshotStatus.RUNNING)

    @property
    def percent(self) -> int:
        if self.status == SnapshotStatus.DONE:
            return 100
        return min(99, round(100 * self.progress))

    @property
    def is_month(self) -> bool:
        from core.dates import month_bounds

        return month_bounds(self.period_start) == (self.period_start, self.period_end)
