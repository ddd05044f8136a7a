"""What operations keeps: heartbeats of beat, the queues and the notice dispatcher, incidents the
admins were alerted about, and the last task failures."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Heartbeat(models.Model):
    """The last sign of life of one thing: `beat`, `queue:<name>`, `notices` (the dispatcher's last
    completed run). One row per name, overwritten: writing the same minute twice does no harm."""

    BEAT = "beat"
    NOTICES = "notices"

    name = models.CharField(max_length=64, unique=True)
    at = models.DateTimeField()
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("heartbeat")
        verbose_name_plural = _("heartbeats")

    def __str__(self) -> str:
        return f"{self.name} {self.at:%Y-%m-%d %H:%M:%S}"

    @staticmethod
    def queue_name(queue: str) -> str:
        return f"queue:{queue}"


class Incident(models.Model):
    """Something the watchdog found down or late. Open while `ended_at` is empty; the database allows
    one open incident per kind, so two watchdogs running at once alert the admins once."""

    kind = models.CharField(
        max_length=64
    )  # "beat", "notices", "queue:urgent", ...  (not `check`: Model.check)
    detail = models.TextField(blank=True)
    started_at = models.DateTimeField(default=timezone.now)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]
        verbose_name = _("incident")
        verbose_name_plural = _("incidents")
        constraints = [
            models.UniqueConstraint(
                fields=["kind"], condition=models.Q(ended_at__isnull=True), name="ops_incident_one_open"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.started_at:%Y-%m-%d %H:%M}"


class TaskError(models.Model):
    """A Celery task that raised: the status page's recent errors (kept for OPS_ERROR_RETENTION_DAYS)."""

    task = models.CharField(max_length=200)
    task_id = models.CharField(max_length=64, blank=True)
    error = models.TextField()
    at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("task error")
        verbose_name_plural = _("task errors")

    def __str__(self) -> str:
        return f"{self.task} {self.at:%Y-%m-%d %H:%M}"
