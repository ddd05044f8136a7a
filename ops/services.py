"""Writes of the ops app: heartbeats, the watchdog's incidents and alerts, task errors."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Role, User
from accounts.services import notify

from . import selectors
from .models import Heartbeat, Incident, TaskError


def heartbeat_record(
    *, name: str, at: datetime | None = None, data: dict[str, Any] | None = None
) -> Heartbeat:
    """The last sign of life of `name`, overwritten: repeating a minute's write changes nothing."""
    beat, _created = Heartbeat.objects.update_or_create(
        name=name, defaults={"at": at or timezone.now(), "data": data or {}}
    )
    return beat


def beat_ticked(*, sent_at: datetime | None, worker: str = "") -> Heartbeat:
    """Beat's every-minute heartbeat task ran. `sent_at` is when beat sent it (when the message says),
    so a slow worker does not make beat look late."""
    now = timezone.now()
    return heartbeat_record(
        name=Heartbeat.BEAT,
        at=min(sent_at or now, now),
        data={"worker": worker, "ran_at": now.isoformat()},
    )


def queue_probed(*, queue: str, sent_at: datetime | None, worker: str = "") -> Heartbeat:
    """A worker took the probe sent through `queue`: the queue moves. Also marks the worker as seen."""
    now = timezone.now()
    waited = (now - sent_at).total_seconds() if sent_at else None
    if worker:
        heartbeat_record(name=f"worker:{worker}", at=now, data={"queue": queue})
    return heartbeat_record(
        name=Heartbeat.queue_name(queue), at=now, data={"worker": worker, "waited_seconds": waited}
    )


def notices_dispatched(*, at: datetime, next_due_at: datetime | None, sent: int) -> Heartbeat:
    """The notice dispatcher finished a run covering everything due up to `at`; the next notice
    falls due at `next_due_at` (None: nothing more today). /health/ready and the watchdog read it."""
    return heartbeat_record(
        name=Heartbeat.NOTICES,
        at=at,
        data={"next_due_at": next_due_at.isoformat() if next_due_at else None, "sent": sent},
    )


def watchdog_run(*, now: datetime | None = None) -> dict[str, Any]:
    """Alert the admins once when a check starts failing and once when it recovers.

    Runs every minute on each queue (config/celery.py), so one pool still alerts when the other
    stops. The open incident is unique per check in the database: concurrent runs alert once.
    """
    now = now or timezone.now()
    opened, closed = [], []
    for check in selectors.watch_checks(now=now):
        if check.failing:
            if _incident_open(kind=check.kind, detail=check.detail, now=now):
                opened.append(check.kind)
        elif _incident_close(kind=check.kind, now=now):
            closed.append(check.kind)
    return {"opened": opened, "closed": closed}


def _admins() -> list[User]:
    return list(User.objects.filter(Q(role=Role.ADMIN) | Q(is_superuser=True), is_active=True))


def _incident_open(*, kind: str, detail: str, now: datetime) -> bool:
    try:
        with transaction.atomic():
            Incident.objects.create(kind=kind, detail=detail, started_at=now)
            notify(
                _admins(),
                _("Operations alert: %(what)s") % {"what": selectors.check_label(kind)},
                url=reverse("ops:status"),
                body=detail,
            )
    except IntegrityError:
        return False  # already open: the admins were told
    return True


def _incident_close(*, kind: str, now: datetime) -> bool:
    with transaction.atomic():
        incident = Incident.objects.select_for_update().filter(kind=kind, ended_at__isnull=True).first()
        if incident is None:
            return False
        incident.ended_at = now
        incident.save(update_fields=["ended_at"])
        minutes = max(1, round((now - incident.started_at).total_seconds() / 60))
        notify(
            _admins(),
            _("Recovered: %(what)s") % {"what": selectors.check_label(kind)},
            url=reverse("ops:status"),
            body=_("Back to normal after %(minutes)s min.") % {"minutes": minutes},
        )
    return True


def task_error_record(*, task: str, task_id: str, error: str) -> TaskError:
    """A task raised. Old rows go, so the table stays small."""
    TaskError.objects.filter(
        at__lt=timezone.now() - timedelta(days=settings.OPS_ERROR_RETENTION_DAYS)
    ).delete()
    return TaskError.objects.create(task=task[:200], task_id=(task_id or "")[:64], error=error[:4000])
