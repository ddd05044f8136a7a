"""Writes of the reports app: requesting, building and regenerating report snapshots."""

from __future__ import annotations

import logging
import time
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.audit import AuditAction
from accounts.models import ClientCompany, Role, User
from accounts.permissions import can_manage_client
from accounts.services import audit_record, notify
from core.dates import month_bounds, previous_month
from knowledge.calls.models import CallRecord

from . import figures as figures_module
from .models import FIGURES_SCHEMA, ReportSnapshot, SnapshotStatus, SnapshotTrigger
from .periods import MAX_DAYS, bounds

log = logging.getLogger(__name__)


def _require_manager(user: User | None, client: ClientCompany) -> None:
    if user is None or not can_manage_client(user, client):
        raise PermissionDenied(
            _("Only managers of %(client)s may build its reports.") % {"client": client.name}
        )


def validate_period(since: date, until: date) -> None:
    if until < since:
        raise ValidationError({"until": _("The end date is before the start date.")})
    if (until - since).days + 1 > MAX_DAYS:
        raise ValidationError({"until": _("A report covers at most %(days)s days.") % {"days": MAX_DAYS}})
    if since > timezone.localdate():
        raise ValidationError({"since": _("The period has not started yet.")})


def _queue(snapshot: ReportSnapshot) -> None:
    from .tasks import build_snapshot_task

    build_snapshot_task.delay_on_commit(snapshot.pk)


def snapshot_request(
    *,
    client: ClientCompany,
    since: date,
    until: date,
    by: User | None,
    trigger: str = SnapshotTrigger.REQUEST,
    check: bool = True,
) -> tuple[ReportSnapshot, bool]:
    """Ask for the report of a period. Returns (snapshot, queued).

    A period has one snapshot. When it exists it is returned as it is (a built report never changes
    by being asked for again: regenerating is a separate, explicit action); a failed one is queued
    again."""
    if check:
        _require_manager(by, client)
    validate_period(since, until)
    with transaction.atomic():
        try:
            with transaction.atomic():
                snapshot, created = ReportSnapshot.objects.get_or_create(
                    client=client,
                    period_start=since,
                    period_end=until,
                    defaults={"built_by": by, "trigger": trigger},
                )
        except IntegrityError:  # two requests at once: the other one created it
            snapshot, created = (
                ReportSnapshot.objects.get(client=client, period_start=since, period_end=until),
                False,
            )
        if created:
            _queue(snapshot)
            return snapshot, True
        snapshot = ReportSnapshot.objects.select_for_update().get(pk=snapshot.pk)
        if snapshot.status == SnapshotStatus.FAILED:
            snapshot.status = SnapshotStatus.QUEUED
            snapshot.progress = 0
            snapshot.message = ""
            snapshot.built_by = by or snapshot.built_by
            snapshot.save(update_fields=["status", "progress", "message", "built_by"])
            _queue(snapshot)
            return snapshot, True
    return snapshot, False


def snapshot_regenerate(*, snapshot: ReportSnapshot, by: User, reason: str = "") -> ReportSnapshot:
    """Recompute a built report from today's data: the explicit way a stored report changes. Audited."""
    _require_manager(by, snapshot.client)
    reason = (reason or "").strip()
    if len(reason) > 500:
        raise ValidationError({"reason": _("Keep the reason under 500 characters.")})
    with transaction.atomic(durable=True):
        snapshot = ReportSnapshot.objects.select_for_update().select_related("client").get(pk=snapshot.pk)
        if snapshot.is_building:
            raise ValidationError(_("This report is being built already."))
        totals = (snapshot.figures or {}).get("totals", {})
        audit_record(
            actor=by,
            action=AuditAction.SNAPSHOT_REGENERATE,
            target=snapshot,
            reason=reason,
            data={
                "client": snapshot.client.slug,
                "period": [snapshot.period_start.isoformat(), snapshot.period_end.isoformat()],
                "version": snapshot.version,
                "built_at": snapshot.built_at.isoformat() if snapshot.built_at else None,
                "calls": totals.get("calls"),
                "aht": totals.get("aht"),
            },
        )
        snapshot.status = SnapshotStatus.QUEUED
        snapshot.progress = 0
        snapshot.step = ""
        snapshot.message = ""
        snapshot.built_by = by
        snapshot.trigger = SnapshotTrigger.REQUEST
        snapshot.save(update_fields=["status", "progress", "step", "message", "built_by", "trigger"])
        _queue(snapshot)
    return snapshot


def managers_of(client: ClientCompany) -> QuerySet[User]:
    """Managers of the teams that serve a client, and managers assigned to it themselves."""
    return (
        User.objects.filter(role=Role.MANAGER, is_active=True)
        .filter(Q(managed_teams__members__assignments__client=client) | Q(assignments__client=client))
        .distinct()
        .order_by("email")
    )


def _notify_built(snapshot: ReportSnapshot) -> None:
    period = f"{snapshot.period_start:%Y-%m-%d} – {snapshot.period_end:%Y-%m-%d}"
    if snapshot.status == SnapshotStatus.DONE:
        verb = _("Operations diagnosis ready: %(client)s, %(period)s") % {
            "client": snapshot.client.name,
            "period": period,
        }
    else:
        verb = _("Operations diagnosis failed: %(client)s, %(period)s") % {
            "client": snapshot.client.name,
            "period": period,
        }
    if snapshot.trigger == SnapshotTrigger.SCHEDULE:
        recipients = list(managers_of(snapshot.client))
    elif snapshot.trigger == SnapshotTrigger.REQUEST and snapshot.built_by:
        recipients = [snapshot.built_by]
    else:
        recipients = []
    if recipients:
        calls = (snapshot.figures or {}).get("totals", {}).get("calls", 0)
        body = (
            _("%(calls)s calls") % {"calls": f"{calls:,}"} if snapshot.status == SnapshotStatus.DONE else ""
        )
        notify(
            recipients, verb, target=snapshot, body=body, email=snapshot.trigger == SnapshotTrigger.SCHEDULE
        )


def summary_of(figures: dict[str, Any]) -> dict[str, Any]:
    coverage = figures["mining"]["coverage"]
    return {
        "calls": figures["totals"]["calls"],
        "aht": figures["totals"]["aht"],
        "coverage": coverage["rate"] if coverage else None,
        "findings": len(figures["findings"]),
    }


def snapshot_build(*, snapshot_id: int) -> ReportSnapshot:
    """Build a queued snapshot (the Celery task). A redelivered task finds it built and does nothing."""
    with transaction.atomic():
        snapshot = (
            ReportSnapshot.objects.select_for_update(of=("self",))
            .select_related("client", "built_by")
            .get(pk=snapshot_id)
        )
        if snapshot.status != SnapshotStatus.QUEUED:
            return snapshot
        snapshot.status = SnapshotStatus.RUNNING
        snapshot.progress = 0
        snapshot.save(update_fields=["status", "progress"])

    def on_step(name: str, fraction: float) -> None:
        ReportSnapshot.objects.filter(pk=snapshot.pk).update(step=name, progress=fraction)

    started = time.monotonic()
    try:
        result = figures_module.compute(
            client=snapshot.client, since=snapshot.period_start, until=snapshot.period_end, on_step=on_step
        )
    except Exception:
        log.exception("report snapshot %s failed", snapshot.pk)
        snapshot.status = SnapshotStatus.FAILED
        snapshot.message = _("Building the report failed. Try again, or ask an admin to look at the logs.")
        snapshot.save(update_fields=["status", "message"])
        _notify_built(snapshot)
        return snapshot
    with transaction.atomic():
        snapshot = (
            ReportSnapshot.objects.select_for_update(of=("self",))
            .select_related("client", "built_by")
            .get(pk=snapshot.pk)
        )
        snapshot.figures = result
        snapshot.summary = summary_of(result)
        snapshot.schema = FIGURES_SCHEMA
        snapshot.status = SnapshotStatus.DONE
        snapshot.progress = 1.0
        snapshot.step = ""
        snapshot.version += 1
        snapshot.built_at = timezone.now()
        snapshot.build_seconds = round(time.monotonic() - started, 3)
        snapshot.save()
        _notify_built(snapshot)
    return snapshot


def snapshot_build_now(
    *,
    client: ClientCompany,
    since: date,
    until: date,
    by: User | None = None,
    trigger: str = SnapshotTrigger.DEMO,
) -> ReportSnapshot:
    """Build in this process (demo data, the benchmark): no queue. An existing report is kept."""
    validate_period(since, until)
    snapshot, created = ReportSnapshot.objects.get_or_create(
        client=client, period_start=since, period_end=until, defaults={"built_by": by, "trigger": trigger}
    )
    if snapshot.status in (SnapshotStatus.QUEUED, SnapshotStatus.FAILED) or created:
        if snapshot.status == SnapshotStatus.FAILED:
            ReportSnapshot.objects.filter(pk=snapshot.pk).update(status=SnapshotStatus.QUEUED)
        return snapshot_build(snapshot_id=snapshot.pk)
    return snapshot


def monthly_reports_build(*, today: date | None = None) -> list[ReportSnapshot]:
    """Beat, on the 1st: last month's report for every active client that had calls in it.

    Idempotent: the snapshot row (unique per client and period) is claimed first, so a second or late
    run queues nothing twice; a run after downtime still builds the month that was missed."""
    today = today or timezone.localdate()
    since, until = month_bounds(previous_month(today))
    start, end = bounds(since, until)
    with_calls = CallRecord.objects.filter(started_at__gte=start, started_at__lt=end).values("client_id")
    queued = []
    for client in ClientCompany.objects.filter(active=True, pk__in=with_calls).order_by("name"):
        snapshot, created = snapshot_request(
            client=client, since=since, until=until, by=None, trigger=SnapshotTrigger.SCHEDULE, check=False
        )
        if created:
            queued.append(snapshot)
    return queued
