"""Reads of the ops app: readiness, the watchdog's checks, the status page and the metrics' state.

Nothing here is personal: the status page counts notices per team, never per person."""

from __future__ import annotations

import threading
import time
import tomllib
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _

from config.celery import QUEUES

from . import broker
from .models import Heartbeat, Incident, TaskError

OK, DOWN, LATE, UNKNOWN = "ok", "down", "late", "unknown"


@lru_cache(maxsize=1)
def version() -> str:
    if settings.DASAN_VERSION:
        return str(settings.DASAN_VERSION)
    with open(Path(settings.BASE_DIR) / "pyproject.toml", "rb") as f:
        return str(tomllib.load(f)["project"]["version"])


# --- The broker check, remembered per process (a load balancer asks every few seconds) -------------
_broker_lock = threading.Lock()
_broker_checked: tuple[float, str] | None = None


def broker_state(*, fresh: bool = False) -> str:
    global _broker_checked
    with _broker_lock:
        if (
            not fresh
            and _broker_checked is not None
            and time.monotonic() - _broker_checked[0] < settings.OPS_BROKER_CHECK_SECONDS
        ):
            return _broker_checked[1]
    try:
        broker.ping()
        state = OK
    except broker.BrokerDown:
        state = DOWN
    with _broker_lock:
        _broker_checked = (time.monotonic(), state)
    return state


def forget_broker_state() -> None:
    global _broker_checked
    with _broker_lock:
        _broker_checked = None


# --- Heartbeats ----------------------------------------------------------------------------------
def _heartbeats(names: list[str]) -> dict[str, Heartbeat]:
    return {h.name: h for h in Heartbeat.objects.filter(name__in=names)}


def beat_state(now: datetime, beat: Heartbeat | None) -> str:
    if beat is None or (now - beat.at).total_seconds() > settings.OPS_BEAT_LATE_SECONDS:
        return LATE
    return OK


def notices_state(now: datetime, notices: Heartbeat | None) -> tuple[str, str]:
    """LATE when the dispatcher has not finished a run for OPS_NOTICE_LATE_SECONDS (a due notice may be
    waiting), or when the notice its last run saw coming has been due that long and no run sent it."""
    limit = settings.OPS_NOTICE_LATE_SECONDS
    if notices is None:
        return LATE, str(_("The notice dispatcher has never run."))
    since = (now - notices.at).total_seconds()
    next_due = _next_due(notices)
    if next_due is not None and (now - next_due).total_seconds() > limit:
        return LATE, str(
            _("A notice due at %(due)s has not been sent; the dispatcher last ran at %(last)s.")
            % {"due": _hm(next_due), "last": _hm(notices.at)}
        )
    if since > limit:
        return LATE, str(
            _("The notice dispatcher last ran at %(last)s (%(minutes)s min ago).")
            % {"last": _hm(notices.at), "minutes": int(since // 60)}
        )
    return OK, ""


def _next_due(notices: Heartbeat | None) -> datetime | None:
    return parse_datetime(notices.data.get("next_due_at") or "") if notices else None


def _hm(when: datetime) -> str:
    return timezone.localtime(when).strftime("%H:%M")


# --- /health/ready ---------------------------------------------------------------------------------
def readiness(*, now: datetime | None = None) -> tuple[bool, dict[str, str]]:
    """What a load balancer needs: is each dependency up, are beat and the notices on time. Cheap:
    one query, one cache read, the broker check remembered for OPS_BROKER_CHECK_SECONDS."""
    now = now or timezone.now()
    out = {"database": OK, "cache": OK, "broker": OK, "beat": OK, "notices": OK}
    try:
        beats = _heartbeats([Heartbeat.BEAT, Heartbeat.NOTICES])
    except Exception:  # (any database error: the database is what is down)
        out["database"] = DOWN
        out["beat"] = out["notices"] = UNKNOWN
        beats = None
    try:
        cache.get("ops:ready")
    except Exception:
        out["cache"] = DOWN
    out["broker"] = broker_state()
    if beats is not None:
        out["beat"] = beat_state(now, beats.get(Heartbeat.BEAT))
        out["notices"] = notices_state(now, beats.get(Heartbeat.NOTICES))[0]
    ok = all(value == OK for value in out.values())
    out["version"] = version()
    return ok, out


# --- The watchdog's checks ---------------------------------------------------------------------------
@dataclass
class Check:
    kind: str
    failing: bool
    detail: str = ""


def check_label(kind: str) -> str:
    if kind == Heartbeat.NOTICES:
        return str(_("shutdown notice dispatch"))
    if kind.startswith("queue:"):
        return str(_("the %(queue)s queue's workers") % {"queue": kind.partition(":")[2]})
    return kind


def watch_checks(*, now: datetime) -> list[Check]:
    """A missed minute of notice dispatch; a queue whose probe nobody took for its stale time."""
    names = [Heartbeat.NOTICES, *(Heartbeat.queue_name(q) for q in QUEUES)]
    beats = _heartbeats(names)
    checks = []
    if Heartbeat.NOTICES in beats:  # a fresh install has not dispatched yet: nothing to compare with
        state, detail = notices_state(now, beats[Heartbeat.NOTICES])
        checks.append(Check(Heartbeat.NOTICES, state == LATE, detail))
    for queue in QUEUES:
        probe = beats.get(Heartbeat.queue_name(queue))
        if probe is None:
            continue  # never probed yet (a fresh install): nothing to compare with
        stale = settings.OPS_QUEUE_STALE_SECONDS.get(queue, settings.OPS_BEAT_LATE_SECONDS)
        since = (now - probe.at).total_seconds()
        checks.append(
            Check(
                Heartbeat.queue_name(queue),
                since > stale,
                str(
                    _("No worker has taken a task from the %(queue)s queue since %(last)s (%(minutes)s min).")
                    % {"queue": queue, "last": _hm(probe.at), "minutes": int(since // 60)}
                ),
            )
        )
    return checks


# --- The status page --------------------------------------------------------------------------------
@dataclass
class TeamNotices:
    team: str
    due: int = 0
    sent: int = 0
    late: int = 0
    failed: int = 0


@dataclass
class QueueRow:
    name: str
    depth: int | None
    oldest_age_seconds: float | None
    probe: Heartbeat | None
    stale_seconds: int
    healthy: bool = True


@dataclass
class Status:
    now: datetime
    ready: dict[str, str]
    ready_ok: bool
    queues: list[QueueRow]
    workers: list[Heartbeat]
    beat: Heartbeat | None
    beat_state: str
    notices: Heartbeat | None
    notices_state: str
    notices_detail: str
    notices_by_team: list[TeamNotices]
    notices_total: TeamNotices
    imports: list[Any] = field(default_factory=list)
    mining_runs: list[Any] = field(default_factory=list)
    incidents: list[Incident] = field(default_factory=list)
    task_errors: list[TaskError] = field(default_factory=list)
    database_bytes: int | None = None
    database_vendor: str = ""
    next_notice_at: datetime | None = None
    broker_kind: str = ""


def status(*, now: datetime | None = None) -> Status:
    """Everything the admins' status page shows (admins only: the view checks)."""
    from knowledge.calls.models import ImportJob, MiningRun

    now = now or timezone.now()
    ready_ok, ready = readiness(now=now)
    beats = {h.name: h for h in Heartbeat.objects.all()}
    queues = []
    for q in broker.queue_states(QUEUES):
        probe = beats.get(Heartbeat.queue_name(q.name))
        stale = settings.OPS_QUEUE_STALE_SECONDS.get(q.name, settings.OPS_BEAT_LATE_SECONDS)
        healthy = probe is not None and (now - probe.at).total_seconds() <= stale
        queues.append(QueueRow(q.name, q.depth, q.oldest_age_seconds, probe, stale, healthy))
    workers = sorted(
        (h for name, h in beats.items() if name.startswith("worker:") and now - h.at < timedelta(hours=1)),
        key=lambda h: h.name,
    )
    notices_st, notices_detail = notices_state(now, beats.get(Heartbeat.NOTICES))
    by_team = notices_by_team(now=now)
    total = TeamNotices(
        team=str(_("All teams")),
        due=sum(t.due for t in by_team),
        sent=sum(t.sent for t in by_team),
        late=sum(t.late for t in by_team),
        failed=sum(t.failed for t in by_team),
    )
    return Status(
        now=now,
        ready=ready,
        ready_ok=ready_ok,
        queues=queues,
        workers=workers,
        beat=beats.get(Heartbeat.BEAT),
        beat_state=beat_state(now, beats.get(Heartbeat.BEAT)),
        notices=beats.get(Heartbeat.NOTICES),
        notices_state=notices_st,
        notices_detail=notices_detail,
        notices_by_team=by_team,
        notices_total=total,
        imports=list(ImportJob.objects.select_related("client").order_by("-created_at", "-id")[:6]),
        mining_runs=list(MiningRun.objects.select_related("client").order_by("-created_at", "-id")[:6]),
        incidents=list(Incident.objects.all()[:8]),
        task_errors=list(TaskError.objects.all()[:8]),
        database_bytes=database_size(),
        database_vendor=connection.vendor,
        next_notice_at=_next_due(beats.get(Heartbeat.NOTICES)),
        broker_kind=broker.kind(),
    )


def notices_by_team(*, now: datetime) -> list[TeamNotices]:
    """Today's shutdown notices per team: due (their time has come), sent, late (sent more than
    OPS_NOTICE_LATE_SECONDS after their time), failed (due longer than that and never sent)."""
    from accounts.models import Team
    from wellbeing import selectors as wb
    from wellbeing import timeutils as tu
    from wellbeing.models import ShutdownNotice

    today = now.astimezone(tu.SEOUL).date()
    limit = timedelta(seconds=settings.OPS_NOTICE_LATE_SECONDS)
    people = list(wb.plan_subjects())
    team_of = {u.pk: u.team_id for u in people}
    names: dict[int | None, str] = dict(Team.objects.values_list("pk", "name"))
    rows: dict[int | None, TeamNotices] = {}

    def row(team_id: int | None) -> TeamNotices:
        if team_id not in rows:
            rows[team_id] = TeamNotices(team=names.get(team_id) or str(_("No team")))
        return rows[team_id]

    sent = defaultdict(list)  # (user, offset) -> sent notices today
    for n in ShutdownNotice.objects.filter(date=today).only(
        "user_id", "offset_minutes", "shutdown_at", "sent_at"
    ):
        sent[(n.user_id, n.offset_minutes)].append(n)
        r = row(team_of.get(n.user_id))
        r.sent += 1
        if n.sent_at - (n.shutdown_at - timedelta(minutes=n.offset_minutes)) > limit:
            r.late += 1
    for plan in wb.shutdown_plans(users=people, dates=[today]).values():
        if plan.shutdown_at is None:
            continue
        for offset in (*plan.notice_offsets, 0):
            due_at = plan.shutdown_at - timedelta(minutes=offset)
            if due_at > now:
                continue
            r = row(team_of.get(plan.user_id))
            r.due += 1
            done = any(n.shutdown_at == plan.shutdown_at for n in sent.get((plan.user_id, offset), ()))
            if not done and now - due_at > limit:
                r.failed += 1
    return sorted(rows.values(), key=lambda r: r.team)


def database_size() -> int | None:
    try:
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("SELECT pg_database_size(current_database())")
                return int(cursor.fetchone()[0])
            if connection.vendor == "sqlite":
                cursor.execute("PRAGMA page_count")
                pages = cursor.fetchone()[0]
                cursor.execute("PRAGMA page_size")
                return int(pages * cursor.fetchone()[0])
    except Exception:  # (a size we cannot read is shown as unknown)
        return None
    return None


# --- /metrics state ----------------------------------------------------------------------------------
def metrics_snapshot(*, now: datetime | None = None) -> dict[str, Any]:
    from knowledge.calls.models import ImportJob, ImportStatus
    from wellbeing import timeutils as tu
    from wellbeing.models import ShutdownNotice

    now = now or timezone.now()
    limit = timedelta(seconds=settings.OPS_NOTICE_LATE_SECONDS)
    today = now.astimezone(tu.SEOUL).date()
    sent = late = 0
    for shutdown_at, offset, sent_at in ShutdownNotice.objects.filter(date=today).values_list(
        "shutdown_at", "offset_minutes", "sent_at"
    ):
        sent += 1
        late += sent_at - (shutdown_at - timedelta(minutes=offset)) > limit
    last = (
        ImportJob.objects.filter(
            status=ImportStatus.DONE, started_at__isnull=False, finished_at__isnull=False
        )
        .order_by("-finished_at")
        .values_list("rows_processed", "started_at", "finished_at")
        .first()
    )
    rate = None
    if last and last[1] and last[2]:  # both set: filtered above
        seconds = (last[2] - last[1]).total_seconds()
        rate = round(last[0] / seconds, 1) if seconds > 0 else None
    return {
        "queues": broker.queue_states(QUEUES),
        "heartbeats": {
            h.name: max(0.0, (now - h.at).total_seconds())
            for h in Heartbeat.objects.exclude(name__startswith="worker:")
        },
        "sent": sent,
        "late": late,
        "import_rows_per_second": rate,
        "incidents_open": Incident.objects.filter(ended_at__isnull=True).count(),
    }
