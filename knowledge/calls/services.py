"""Writes of the call-data part: imports, topic mining, coverage, drafting manuals from topics."""

from __future__ import annotations

import logging
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.audit import AuditAction
from accounts.models import ClientCompany, Role, User
from accounts.permissions import can_manage_client
from accounts.services import audit_record, notify
from core.uploads import ImportRejected, RowError
from knowledge.manuals import services as knowledge_services
from knowledge.models import Article, ArticleStatus

from . import mining, privacy, topic_stats
from .importers.fields import FIELDS, FIELDS_BY_KEY, KST, detect_mapping
from .importers.files import FileInfo, FileRejected, check_size, inspect, preview
from .importers.pipeline import Outcome, run_import
from .models import (
    CallRecord,
    ImportJob,
    ImportMapping,
    ImportStatus,
    MiningRun,
    MiningStatus,
    Topic,
    TopicArticle,
    TopicRule,
)

log = logging.getLogger(__name__)
ERROR_SAMPLE = 200


def _require_manager(user: User, client: ClientCompany) -> None:
    if not can_manage_client(user, client):
        raise PermissionDenied(_("Only managers of %(client)s may do this.") % {"client": client.name})


def _media(*parts: str) -> Path:
    path = Path(settings.MEDIA_ROOT, "calls", *parts)
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


def _info(job: ImportJob) -> FileInfo:
    return FileInfo(
        kind=job.file_kind,
        encoding=job.encoding,
        delimiter=job.delimiter or ",",
        size=job.file_size,
        headers=list(job.headers),
        estimated_rows=job.rows_total,
    )


def _delete_upload(job: ImportJob) -> None:
    if job.file_path and job.file_path.startswith(str(Path(settings.MEDIA_ROOT))):
        Path(job.file_path).unlink(missing_ok=True)
    job.file_path = ""


# --- Leases: who runs a queued job, and noticing that its worker died ------------------------------
# Celery redelivers a task whose worker died (acks_late + reject_on_worker_lost). The redelivered
# task must run the job again if — and only if — nobody else still runs it. On PostgreSQL a session
# advisory lock says so exactly: the database drops it when the worker's connection dies. Elsewhere
# (the embedded mode, one worker) a heartbeat older than CALLS_WORK_STALE_SECONDS does.
IMPORT_LEASE, MINING_LEASE = 7101, 7102


@contextmanager
def _lease(kind: int, pk: int) -> Iterator[bool]:
    if connection.vendor != "postgresql":
        yield True
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", [kind, pk])
        held = cursor.fetchone()[0]
    try:
        yield held
    finally:
        if held:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [kind, pk])


def _stale(heartbeat: datetime | None, now: datetime) -> bool:
    return heartbeat is None or now - heartbeat > timedelta(seconds=settings.CALLS_WORK_STALE_SECONDS)


def _claim(obj: ImportJob | MiningRun, now: datetime) -> str:
    """Inside the row lock: "run" (QUEUED, or RUNNING whose worker is gone), "busy" or "finished".
    A job that has already been started CALLS_WORK_MAX_ATTEMPTS times is "exhausted": it killed
    its worker each time (out of memory on a huge file?) and is not tried again."""
    if obj.status == "queued" or (
        obj.status == "running" and (connection.vendor == "postgresql" or _stale(obj.heartbeat_at, now))
    ):
        if obj.attempts >= settings.CALLS_WORK_MAX_ATTEMPTS:
            return "exhausted"
        return "run"
    return "busy" if obj.status == "running" else "finished"


# --- Imports ------------------------------------------------------------------------------------
def import_upload(*, client: ClientCompany, by: User, upload: UploadedFile[Any]) -> ImportJob:
    """Store an uploaded export and read its header. Raises ValidationError when it cannot be read."""
    _require_manager(by, client)
    try:
        check_size(upload.size or 0)
    except FileRejected as exc:
        raise ValidationError({"file": str(exc)}) from None
    # The name on disk is ours alone: no part of the user's file name or extension reaches it.
    path = _media("uploads", uuid.uuid4().hex)
    with path.open("wb") as out:
        for chunk in upload.chunks():
            out.write(chunk)
    try:
        info = inspect(path, name=upload.name or "")
    except FileRejected as exc:
        path.unlink(missing_ok=True)
        raise ValidationError({"file": str(exc)}) from None
    return _job_create(client=client, by=by, path=path, name=upload.name or path.name, info=info)


def _job_create(
    *, client: ClientCompany, by: User | None, path: Path, name: str, info: FileInfo
) -> ImportJob:
    return ImportJob.objects.create(
        client=client,
        created_by=by,
        file_path=str(path),
        original_name=name[:255],
        file_size=info.size,
        file_kind=info.kind,
        encoding=info.encoding,
        delimiter=info.delimiter,
        headers=info.headers,
        mapping=suggest_mapping(client=client, headers=info.headers),
        rows_total=info.estimated_rows,
    )


def suggest_mapping(*, client: ClientCompany, headers: list[str]) -> dict[str, str]:
    """The client's saved mapping where its columns are in this file, else the alias match."""
    detected = detect_mapping(headers)
    saved = ImportMapping.objects.filter(client=client).values_list("mapping", flat=True).first() or {}
    kept = {k: h for k, h in saved.items() if h in headers and k in FIELDS_BY_KEY}
    if kept:
        used = set(kept.values())
        for key, header in detected.items():
            if key not in kept and header not in used:
                kept[key] = header
        return kept
    return detected


def import_preview(job: ImportJob, limit: int = 8) -> list[list[Any]]:
    """The first rows, customer numbers masked (a preview is no place for them)."""
    if not job.file_path or not Path(job.file_path).exists():
        return []
    rows = preview(Path(job.file_path), _info(job), limit)
    customer = job.mapping.get("customer")
    if customer in job.headers:
        i = job.headers.index(customer)
        for row in rows:
            if i < len(row) and row[i] not in (None, ""):
                text = str(row[i])
                row[i] = text[:3] + "•" * max(len(text) - 5, 2) + text[-2:] if len(text) > 5 else "•••"
    return rows


def validate_mapping(mapping: dict[str, str], headers: list[str]) -> dict[str, str]:
    """Clean {field: header}; raises ValidationError naming each problem."""
    clean = {k: h for k, h in mapping.items() if k in FIELDS_BY_KEY and h}
    errors: dict[str, str] = {}
    for key, header in clean.items():
        if header not in headers:
            errors[key] = _("The file has no column “%(header)s”.") % {"header": header}
    for field in FIELDS:
        if field.required and field.key not in clean:
            errors[field.key] = _("Choose the column that holds “%(field)s”.") % {"field": field.label}
    seen: dict[str, str] = {}
    for key, header in clean.items():
        if header in seen:
            errors[key] = _("“%(header)s” is already used for “%(other)s”.") % {
                "header": header,
                "other": FIELDS_BY_KEY[seen[header]].label,
            }
        seen.setdefault(header, key)
    if errors:
        raise ValidationError(errors)
    return clean


def import_start(
    *, job: ImportJob, by: User, mapping: dict[str, str], valid_only: bool = False, save_mapping: bool = False
) -> ImportJob:
    """Confirm the mapping and queue the import (a Celery task)."""
    from .tasks import import_calls_task

    _require_manager(by, job.client)
    clean = validate_mapping(mapping, job.headers)
    with transaction.atomic(durable=True):
        job = ImportJob.objects.select_for_update().get(pk=job.pk)
        if job.status not in (ImportStatus.UPLOADED, ImportStatus.REJECTED) or not job.file_path:
            raise ValidationError(_("This import has already run. Upload the file again to import it again."))
        if save_mapping:
            ImportMapping.objects.update_or_create(
                client=job.client, defaults={"mapping": clean, "updated_by": by}
            )
        job.mapping = clean
        job.valid_only = valid_only
        job.status = ImportStatus.QUEUED
        job.progress = 0
        job.rows_processed = 0
        job.heartbeat_at = timezone.now()
        job.attempts = 0
        job.save(
            update_fields=[
                "mapping",
                "valid_only",
                "status",
                "progress",
                "rows_processed",
                "heartbeat_at",
                "attempts",
            ]
        )
        import_calls_task.delay_on_commit(job.pk)
    return job


def import_submit(
    *,
    client: ClientCompany,
    by: User,
    upload: UploadedFile[Any],
    mapping: dict[str, str] | None = None,
    valid_only: bool = False,
) -> ImportJob:
    """Upload, map and queue in one step (the API for telephony systems' nightly exports).

    The same checks as the web flow, before anything is kept: size, type from the content, the
    header row, the mapping (given, else the client's saved one, else the aliases). A file that
    fails them raises ImportRejected listing each problem with its line, and leaves nothing behind
    (no job, no stored file). Rows are checked by the task; their problems are on the job."""
    from .tasks import import_calls_task

    _require_manager(by, client)
    path = _media("uploads", uuid.uuid4().hex)
    try:
        check_size(upload.size or 0)
        with path.open("wb") as out:
            for chunk in upload.chunks():
                out.write(chunk)
        info = inspect(path, name=upload.name or "")
        # A given mapping wins; the fields it leaves out come from the saved mapping or the aliases.
        chosen = suggest_mapping(client=client, headers=info.headers)
        if mapping:
            taken = set(mapping.values())
            chosen = {k: h for k, h in chosen.items() if h not in taken} | mapping
        try:
            clean = validate_mapping(chosen, info.headers)
        except ValidationError as exc:
            raise ImportRejected(
                [
                    RowError(1, message, field=str(FIELDS_BY_KEY[key].label) if key in FIELDS_BY_KEY else key)
                    for key, messages in exc.message_dict.items()
                    for message in messages
                ]
            ) from None
        with transaction.atomic():
            job = _job_create(client=client, by=by, path=path, name=upload.name or path.name, info=info)
            job.mapping, job.valid_only, job.status = clean, valid_only, ImportStatus.QUEUED
            job.heartbeat_at = timezone.now()
            job.save(update_fields=["mapping", "valid_only", "status", "heartbeat_at"])
            import_calls_task.delay_on_commit(job.pk)
    except FileRejected as exc:
        path.unlink(missing_ok=True)
        raise ImportRejected([RowError(exc.line, str(exc), field="file")]) from None
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return job


def _record_errors(job: ImportJob, outcome: Outcome, path: Path) -> None:
    job.error_sample = [
        # a message quotes the bad cell, which may be a phone number in a wrongly mapped column
        {"line": e.line, "field": e.field, "message": privacy.mask(e.message)}
        for e in outcome.errors[:ERROR_SAMPLE]
    ]
    job.errors_file = str(path) if outcome.bad and path.exists() else ""


def import_execute(
    *,
    job_id: int,
    path: Path | None = None,
    on_progress: Callable[[float, int], object] | None = None,
    mine: bool = True,
) -> ImportJob:
    """Run a queued import (called by the Celery task, or by the CLI with its own file path).

    Safe to call again at any time: a finished import is left alone, one running in a live worker
    too, and one whose worker died is run again from the start (the upsert is all-or-nothing and
    changes nothing the second time). A successful import queues topic mining of the period it
    covers (unless mine=False)."""
    with _lease(IMPORT_LEASE, job_id) as held:
        if not held:
            return ImportJob.objects.get(pk=job_id)  # a live worker runs it right now
        return _import_run(job_id=job_id, path=path, on_progress=on_progress, mine=mine)


def _import_run(
    *, job_id: int, path: Path | None, on_progress: Callable[[float, int], object] | None, mine: bool
) -> ImportJob:
    now = timezone.now()
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().select_related("client").get(pk=job_id)
        claim = _claim(job, now)
        if claim in ("busy", "finished"):
            return job  # a redelivered task: nothing to do twice
        if claim == "exhausted":
            job.status = ImportStatus.FAILED
            job.message = _("The import stopped %(n)s times before it finished; nothing was stored.") % {
                "n": job.attempts
            }
            job.finished_at = now
            if path is None:
                _delete_upload(job)
            job.save()
            transaction.on_commit(lambda: _notify_import(job))
            return job
        job.status = ImportStatus.RUNNING
        job.started_at = now
        job.heartbeat_at = now
        job.attempts += 1
        job.save(update_fields=["status", "started_at", "heartbeat_at", "attempts"])
    source = path or Path(job.file_path)

    def report(fraction: float, rows: int) -> None:
        ImportJob.objects.filter(pk=job.pk).update(
            progress=min(fraction, 0.99), rows_processed=rows, heartbeat_at=timezone.now()
        )
        if on_progress:
            on_progress(fraction, rows)

    errors_path = _media("errors", f"import-{job.pk}.csv")
    try:
        outcome = run_import(
            errors_path=errors_path,
            client=job.client,
            path=source,
            info=_info(job),
            mapping=job.mapping,
            valid_only=job.valid_only,
            dry_run=job.dry_run,
            job_id=job.pk,
            on_progress=report,
        )
    except FileRejected as exc:
        outcome, failure = None, str(exc)
    except Exception:
        log.exception("call import %s failed", job.pk)
        outcome, failure = (
            None,
            _("The import failed unexpectedly; nothing was stored. Try again or ask an admin."),
        )
    job.finished_at = timezone.now()
    if outcome is None:
        job.status = ImportStatus.FAILED
        job.message = failure
        if path is None:
            _delete_upload(job)
        job.save()
        _notify_import(job)
        return job
    job.rows_total = outcome.rows_total
    job.rows_processed = outcome.rows_total
    job.rows_bad = outcome.bad
    job.rows_created, job.rows_updated, job.rows_unchanged = (
        outcome.created,
        outcome.updated,
        outcome.unchanged,
    )
    job.period_start, job.period_end = outcome.period_start, outcome.period_end
    job.progress = 1.0
    _record_errors(job, outcome, errors_path)
    rejected = outcome.bad and not job.valid_only
    if rejected:
        job.status = ImportStatus.REJECTED
        job.message = _("%(bad)s of %(total)s rows are bad; nothing was stored.") % {
            "bad": outcome.bad,
            "total": outcome.rows_total,
        }
    else:
        job.status = ImportStatus.DONE
        job.message = ""
        if path is None:
            _delete_upload(job)
    job.save()
    if job.status == ImportStatus.DONE and not job.dry_run and "article" in (job.mapping or {}):
        # The export named the manual article of its calls: learn the customers' words for it.
        from knowledge.search.services import learned_from_calls

        learned_from_calls(client=job.client)
    if (
        mine
        and job.status == ImportStatus.DONE
        and not job.dry_run
        and outcome.valid
        and outcome.period_start
        and outcome.period_end
    ):
        # New calls change the topics of the period they cover: mine it again in the background.
        mining_request(
            client=job.client,
            since=outcome.period_start.astimezone(KST).date(),
            until=outcome.period_end.astimezone(KST).date(),
            by=job.created_by,
            check=False,
        )
    _notify_import(job)
    return job


def _notify_import(job: ImportJob) -> None:
    if job.created_by is None or job.dry_run:
        return
    if job.status == ImportStatus.DONE:
        verb = _("Call import done: %(created)s new, %(updated)s updated (%(client)s)") % {
            "created": job.rows_created,
            "updated": job.rows_updated,
            "client": job.client.name,
        }
    elif job.status == ImportStatus.REJECTED:
        verb = _("Call import rejected: %(bad)s bad rows (%(client)s)") % {
            "bad": job.rows_bad,
            "client": job.client.name,
        }
    else:
        verb = _("Call import failed (%(client)s)") % {"client": job.client.name}
    notify(job.created_by, verb, target=job, body=job.original_name, email=False)


def import_file(
    *,
    client: ClientCompany,
    path: Path,
    by: User | None = None,
    dry_run: bool = False,
    valid_only: bool = False,
    mapping: dict[str, str] | None = None,
    on_progress: Callable[[float, int], object] | None = None,
    mine: bool = True,
) -> ImportJob:
    """Import a file from disk (the CLI). The file stays where it is; the job records the result."""
    info = inspect(path)
    job = _job_create(client=client, by=by, path=path, name=path.name, info=info)
    clean = validate_mapping(mapping or job.mapping, info.headers)
    job.mapping, job.valid_only, job.dry_run, job.status = clean, valid_only, dry_run, ImportStatus.QUEUED
    job.file_path = ""  # not ours to delete
    job.save()
    return import_execute(job_id=job.pk, path=path, on_progress=on_progress, mine=mine)


def purge_stale_uploads() -> int:
    """Delete uploads never imported after CALLS_UPLOAD_RETENTION_HOURS (they hold phone numbers)."""
    cutoff = timezone.now() - timedelta(hours=settings.CALLS_UPLOAD_RETENTION_HOURS)
    count = 0
    for job in ImportJob.objects.filter(created_at__lt=cutoff).exclude(file_path=""):
        _delete_upload(job)
        job.save(update_fields=["file_path"])
        count += 1
    return count


def recover_stalled_work(*, now: datetime | None = None) -> dict[str, int]:
    """Send again the imports and mining runs whose task was lost: queued or running, and no sign
    of life for CALLS_WORK_STALE_SECONDS (a broker restart, a worker killed with its message). A
    task sent twice is harmless: the second finds the job taken or done."""
    from .tasks import import_calls_task, mine_topics_task

    cutoff = (now or timezone.now()) - timedelta(seconds=settings.CALLS_WORK_STALE_SECONDS)
    active = [ImportStatus.QUEUED, ImportStatus.RUNNING]
    jobs = list(
        ImportJob.objects.filter(status__in=active, heartbeat_at__lt=cutoff).values_list("pk", flat=True)
    )
    runs = list(
        MiningRun.objects.filter(
            status__in=[MiningStatus.QUEUED, MiningStatus.RUNNING], heartbeat_at__lt=cutoff
        ).values_list("pk", flat=True)
    )
    for pk in jobs:
        import_calls_task.delay(pk)
    for pk in runs:
        mine_topics_task.delay(pk)
    if jobs or runs:
        log.warning("re-sent stalled call imports %s and mining runs %s", jobs, runs)
    return {"imports": len(jobs), "mining": len(runs)}


# --- Personal data in rows stored before masking ---------------------------------------------------
def personal_data_mask_stored(*, dry_run: bool = False, batch: int = 2000) -> dict[str, int]:
    """Mask personal data in call records and topics stored before imports masked it (privacy.mask).

    Idempotent: masked text masks to itself, so a second run changes nothing. Works in batches by
    primary key, each in its own transaction, so a large table is not locked at once."""
    counts = {"call_records": 0, "topics": 0}
    last = 0
    while True:
        rows = list(
            CallRecord.objects.filter(pk__gt=last)
            .order_by("pk")
            .values_list("pk", "inquiry", "resolution")[:batch]
        )
        if not rows:
            break
        last = rows[-1][0]
        changed = [
            CallRecord(pk=pk, inquiry=privacy.mask(inquiry), resolution=privacy.mask(resolution))
            for pk, inquiry, resolution in rows
            if privacy.mask(inquiry) != inquiry or privacy.mask(resolution) != resolution
        ]
        counts["call_records"] += len(changed)
        if changed and not dry_run:
            with transaction.atomic():
                CallRecord.objects.bulk_update(changed, ["inquiry", "resolution"])
    for topic in Topic.objects.only("pk", "label", "representative_inquiries", "common_resolutions").iterator(
        chunk_size=batch
    ):
        label = privacy.mask(topic.label)
        examples = [{**e, "text": privacy.mask(e.get("text", ""))} for e in topic.representative_inquiries]
        resolutions = [{**r, "text": privacy.mask(r.get("text", ""))} for r in topic.common_resolutions]
        if (label, examples, resolutions) == (
            topic.label,
            topic.representative_inquiries,
            topic.common_resolutions,
        ):
            continue
        counts["topics"] += 1
        if not dry_run:
            topic.label, topic.representative_inquiries, topic.common_resolutions = (
                label,
                examples,
                resolutions,
            )
            topic.save(update_fields=["label", "representative_inquiries", "common_resolutions"])
    if not dry_run and any(counts.values()):
        audit_record(actor=None, action=AuditAction.CALLS_PERSONAL_DATA_MASKED, data=counts)
    return counts


# --- Topic mining -------------------------------------------------------------------------------
def default_period(client: ClientCompany) -> tuple[date, date]:
    """The 30 days up to the client's latest call."""
    latest = (
        CallRecord.objects.filter(client=client).order_by("-started_at").values_list("started_at", flat=True)
    )
    end = latest.first()
    until = end.astimezone(KST).date() if end else timezone.localdate()
    return until - timedelta(days=29), until


def _bounds(since: date, until: date) -> tuple[datetime, datetime]:
    return datetime.combine(since, time(), tzinfo=KST), datetime.combine(
        until + timedelta(days=1), time(), tzinfo=KST
    )


def mining_request(
    *, client: ClientCompany, since: date, until: date, by: User | None = None, check: bool = True
) -> MiningRun:
    """Queue topic mining for a client and period (one run per period; running again refreshes it)."""
    from .tasks import mine_topics_task

    if check:
        assert by is not None  # a checked request is a person's
        _require_manager(by, client)
    if until < since:
        raise ValidationError({"until": _("The end date is before the start date.")})
    if (until - since).days > 366:
        raise ValidationError({"until": _("Mine at most one year at a time.")})
    with transaction.atomic():
        run, _created = MiningRun.objects.select_for_update().get_or_create(
            client=client, period_start=since, period_end=until, defaults={"requested_by": by}
        )
        # A run stuck in RUNNING (its worker died and the task was lost) may be asked for again.
        if run.status != MiningStatus.RUNNING or _stale(run.heartbeat_at, timezone.now()):
            run.status = MiningStatus.QUEUED
            run.requested_by = by or run.requested_by
            run.heartbeat_at = timezone.now()
            run.attempts = 0
            run.save(update_fields=["status", "requested_by", "heartbeat_at", "attempts"])
            mine_topics_task.delay_on_commit(run.pk)
    return run


def mining_run_now(*, client: ClientCompany, since: date, until: date, by: User | None = None) -> MiningRun:
    """Mine a period in this process (the CLI, the demo data): no queue involved."""
    if until < since:
        raise ValidationError({"until": _("The end date is before the start date.")})
    with transaction.atomic():
        run, _created = MiningRun.objects.select_for_update().get_or_create(
            client=client, period_start=since, period_end=until, defaults={"requested_by": by}
        )
        run.requested_by = by or run.requested_by
        run.status, run.attempts = MiningStatus.QUEUED, 0
        run.save(update_fields=["requested_by", "status", "attempts"])
    return mining_execute(run_id=run.pk)


def _search_user(run: MiningRun) -> User | None:
    """Whose eyes the coverage search uses: the requester, else an admin."""
    if run.requested_by and run.requested_by.is_active:
        return run.requested_by
    return (
        User.objects.filter(is_active=True).filter(role=Role.ADMIN).first()
        or User.objects.filter(is_active=True, is_superuser=True).first()
    )


def mining_execute(*, run_id: int) -> MiningRun:
    """Mine one queued run's period and store its topics (replacing earlier ones). Idempotent: a
    redelivered task finds the run done (or running in a live worker) and leaves it; a run whose
    worker died is mined again, and the old topics stay until the new ones replace them."""
    with _lease(MINING_LEASE, run_id) as held:
        if not held:
            return MiningRun.objects.get(pk=run_id)
        return _mining_run(run_id=run_id)


def _mining_run(*, run_id: int) -> MiningRun:
    now = timezone.now()
    with transaction.atomic():
        run = (
            MiningRun.objects.select_for_update(of=("self",))
            .select_related("client", "requested_by")
            .get(pk=run_id)
        )
        claim = _claim(run, now)
        if claim in ("busy", "finished"):
            return run
        if claim == "exhausted":
            run.status = MiningStatus.FAILED
            run.message = _("Mining stopped %(n)s times before it finished.") % {"n": run.attempts}
            run.finished_at = now
            run.save(update_fields=["status", "message", "finished_at"])
            return run
        run.status = MiningStatus.RUNNING
        run.started_at = now
        run.heartbeat_at = now
        run.attempts += 1
        run.save(update_fields=["status", "started_at", "heartbeat_at", "attempts"])
    try:
        topics, figures = _mine(run)
    except Exception as exc:
        log.exception("mining run %s failed", run.pk)
        run.status = MiningStatus.FAILED
        run.message = str(exc)[:500]
        run.finished_at = timezone.now()
        run.save(update_fields=["status", "message", "finished_at"])
        raise
    with transaction.atomic():
        run = MiningRun.objects.select_for_update().get(pk=run.pk)
        links = list(TopicArticle.objects.filter(topic__run=run))
        run.topics.all().delete()
        Topic.objects.bulk_create(topics)
        by_label = {t.label: t for t in run.topics.all()}
        for link in links:
            link.refresh_from_db()
            if link.topic_id is None and link.label in by_label:
                link.topic = by_label[link.label]
                link.save(update_fields=["topic"])
        for key, value in figures.items():
            setattr(run, key, value)
        run.status = MiningStatus.DONE
        run.message = ""
        run.finished_at = timezone.now()
        run.save()
    return run


def _mine(run: MiningRun) -> tuple[list[Topic], dict[str, Any]]:
    start, end = _bounds(run.period_start, run.period_end)
    rows = list(
        CallRecord.objects.filter(client=run.client, started_at__gte=start, started_at__lt=end)
        .order_by("started_at", "pk")
        .values_list(
            "pk",
            "external_id",
            "inquiry",
            "resolution",
            "category",
            "duration_seconds",
            "repeat_contact",
            "transferred",
            "escalated",
        )
    )
    n = len(rows)
    figures: dict[str, Any] = {
        "record_count": n,
        "topic_count": 0,
        "covered_calls": 0,
        "coverage": 0.0,
        "previous_count": 0,
    }
    if not n:
        return [], figures
    # The customers' words and what the agent did: phrasings of one subject that share no word
    # ("통화가 끊겨요" / "5G가 안 잡혀요") meet in their resolution; labels use the customers' words.
    texts = mining.with_notes([r[2] for r in rows], [r[3] for r in rows])
    model = mining.cluster(texts, max_topics=settings.CALLS_MINING_MAX_TOPICS)
    _apply_topic_rules(run.client, model, [r[2] for r in rows])
    # The previous period of the same length, for trends (a sample is enough for shares).
    days = (run.period_end - run.period_start).days + 1
    prev_start, prev_end = start - timedelta(days=days), start
    previous = CallRecord.objects.filter(
        client=run.client, started_at__gte=prev_start, started_at__lt=prev_end
    )
    prev_total = previous.count()
    earliest = (
        CallRecord.objects.filter(client=run.client)
        .order_by("started_at")
        .values_list("started_at", flat=True)
    )
    first_call = earliest.first()
    if prev_total and first_call is not None and first_call > prev_start + timedelta(days=1):
        prev_total = 0  # the data begins inside the previous period: a trend would mislead
    predicted = []
    if prev_total and model.clusters:
        sample = list(
            previous.order_by("?").values_list("inquiry", "resolution")[: settings.CALLS_MINING_TREND_SAMPLE]
        )
        predicted = model.predict(mining.with_notes([i for i, _r in sample], [r for _i, r in sample]))
    prev_counts = topic_stats.previous_sizes(
        predicted, clusters=len(model.clusters), previous_total=prev_total
    )
    figures["previous_count"] = prev_total
    measures = topic_stats.CallMeasures(
        durations=[r[5] for r in rows],
        repeats=[r[6] for r in rows],
        transfers=[r[7] for r in rows],
        escalations=[r[8] for r in rows],
    )
    searcher = _search_user(run)
    coverage = Coverage(client=run.client, user=searcher)
    topics: list[Topic] = []
    covered = 0
    for rank, cluster in enumerate(model.clusters):
        seen_text: set[str] = set()
        representative: list[dict[str, Any]] = []
        for i in cluster.central:
            text = rows[i][2].strip()
            if text not in seen_text:
                seen_text.add(text)
                representative.append({"id": rows[i][0], "external_id": rows[i][1], "text": text[:300]})
            if len(representative) >= 5:
                break
        resolutions = mining.common([rows[i][3] for i in cluster.members])
        if resolutions and resolutions[0][1] < 2:
            resolutions = [(rows[i][3].strip(), 1) for i in cluster.central[:3] if rows[i][3].strip()]
        categories = Counter(rows[i][4] for i in cluster.members if rows[i][4]).most_common(3)
        size = len(cluster.members)
        prev_size, trend = topic_stats.size_and_trend(size, prev_counts[rank], prev_total)
        topic = Topic(
            run=run,
            client=run.client,
            rank=rank,
            label=cluster.label[:200],
            mined_label=(cluster.mined or cluster.label)[:200],
            keywords=[k for k, _w in cluster.keywords],
            size=size,
            share=size / n,
            previous_size=prev_size,
            trend=trend,
            representative_inquiries=representative,
            common_resolutions=[{"text": t[:300], "count": c} for t, c in resolutions],
            **measures.of(cluster.members),
            top_categories=[{"name": name, "count": c} for name, c in categories],
            call_ids=[rows[i][0] for i in cluster.members],
        )
        article_id, score = coverage.match(
            keywords=cluster.keywords, question=representative[0]["text"] if representative else ""
        )
        topic.covered_by_id, topic.coverage_score = article_id, score
        if article_id:
            covered += size
        topics.append(topic)
    figures.update(
        topic_count=len(topics),
        covered_calls=covered,
        coverage=covered / n,
        params={
            "k": model.k,
            "silhouette": model.silhouette,
            "unassigned": len(model.unassigned),
            "coverage_min_score": settings.CALLS_COVERAGE_MIN_SCORE,
        },
    )
    return topics, figures


class Coverage:
    """Does the client's published manual answer a topic? Candidates come from the search service;
    each is scored by the weighted share of the topic's keywords found in the article's words."""

    def __init__(self, *, client: ClientCompany, user: User | None) -> None:  # None: no searcher
        self.client = client
        self.user = user
        self.threshold = float(settings.CALLS_COVERAGE_MIN_SCORE)
        self._words: dict[int, set[str]] = {}

    def _article_words(self, ids: list[int]) -> None:
        from . import tokenizer

        missing = [i for i in ids if i not in self._words]
        articles = Article.objects.filter(
            pk__in=missing, client=self.client, status=ArticleStatus.PUBLISHED
        ).values_list("pk", "title", "question", "answer", "tags")
        for pk, title, question, answer, tags in articles:
            words = set(tokenizer.tokenize(" ".join([title, question, answer, tags.replace(",", " ")])))
            self._words[pk] = words | {w.removesuffix("다") for w in words}
        for i in missing:
            self._words.setdefault(i, set())

    def candidates(self, *, keywords: list[tuple[str, float]], question: str) -> list[int]:
        from knowledge.search.interface import search

        if self.user is None:
            return []
        words = [k for k, _w in keywords]
        queries = [" ".join(words[:2]), *words[:3], question[:80]]
        ids: list[int] = []
        for query in dict.fromkeys(q for q in queries if q.strip()):
            for hit in search(user=self.user, client=self.client, query=query, limit=5).hits:
                if hit.article_id not in ids:
                    ids.append(hit.article_id)
        return ids

    def score(self, article_id: int, keywords: list[tuple[str, float]]) -> float:
        self._article_words([article_id])
        words = self._words[article_id]
        total = sum(w for _k, w in keywords) or 1.0
        return sum(w for k, w in keywords if k in words or k.removesuffix("다") in words) / total

    def match(self, *, keywords: list[tuple[str, float]], question: str) -> tuple[int | None, float]:
        """(article id, score) of the best match at or over the threshold, else (None, best score)."""
        best: tuple[int | None, float] = (None, 0.0)
        ids = self.candidates(keywords=keywords, question=question)
        self._article_words(ids)
        for article_id in ids:
            score = self.score(article_id, keywords)
            if score > best[1]:
                best = (article_id, score)
        if best[1] < self.threshold:
            return None, best[1]
        return best


# --- Drafting a manual article from a topic -----------------------------------------------------
# Words mining keeps that say nothing as a tag (#얼마, #문의): a tag is for finding the article.
TAG_FILLERS = frozenset(
    [
        "얼마",
        "문의",
        "방법",
        "확인",
        "가능",
        "부탁",
        "때문",
        "정도",
        "경우",
        "어디",
        "언제",
        "무엇",
        "뭐",
        "거",
        "것",
        "수",
        "좀",
        "이거",
        "그거",
        "저거",
        "여기",
        "거기",
        "하나",
        "다음",
        "이번",
        "지금",
        "오늘",
        "어제",
        "내일",
        "요청",
        "관련",
        "처리",
        "안내",
        "말씀",
        "고객",
        "상담",
        "전화",
    ]
)


def _bullets(lines: list[str]) -> str:
    """A Markdown list (a blank line before it, so every renderer sees a list, not a paragraph)."""
    return "\n\n" + "\n".join(f"- {line}" for line in lines)


def draft_tags(keywords: list[str], limit: int = 5) -> list[str]:
    """Noun keywords worth searching for: no verbs (…다), fillers, one-letter words or numbers."""
    tags = []
    for word in keywords:
        word = word.strip()
        if word.endswith("다") or word in TAG_FILLERS or len(word) < 2 or word.isdigit():
            continue
        if word not in tags:
            tags.append(word)
    return tags[:limit]


# --- A manager's corrections of the topics ---------------------------------------------------------
def topic_key(label: str) -> str:
    """What identifies a mined topic from one run to the next: its label's first noun phrase."""
    return label.split(" · ")[0].strip()[:200]


def _apply_topic_rules(client: ClientCompany, model: mining.ClusterModel, inquiries: list[str]) -> None:
    """Apply the client's TopicRules to freshly mined clusters: splits first (calls of a topic that
    use a word go to a topic of their own), then names; clusters with the same name are one topic."""
    rules = list(TopicRule.objects.filter(client=client))
    if not rules:
        return
    clusters = list(model.clusters)
    original = list(clusters)
    for cluster in clusters:
        cluster.mined = cluster.label
    for rule in (r for r in rules if r.action == TopicRule.Action.SPLIT):
        for cluster in list(clusters):
            if topic_key(cluster.mined) != rule.key:
                continue
            chosen = {i for i in cluster.members if rule.keyword in inquiries[i]}
            if not chosen or len(chosen) == len(cluster.members):
                continue
            part = mining.Cluster(
                label=rule.name,
                keywords=cluster.keywords,
                members=[i for i in cluster.members if i in chosen],
                central=[i for i in cluster.central if i in chosen],
            )
            part.mined = cluster.mined
            cluster.members = [i for i in cluster.members if i not in chosen]
            cluster.central = [i for i in cluster.central if i not in chosen]
            clusters.append(part)
    names = {r.key: r.name for r in rules if r.action == TopicRule.Action.RENAME}
    by_label: dict[str, mining.Cluster] = {}
    into: dict[int, mining.Cluster] = {}
    for cluster in clusters:
        if cluster.label == cluster.mined:
            cluster.label = names.get(topic_key(cluster.mined), cluster.label)
        same = by_label.setdefault(cluster.label, cluster)
        into[id(cluster)] = same
        if same is not cluster:  # a rename onto another topic's name merges the two
            same.members += cluster.members
            same.central += cluster.central
    model.clusters = sorted(by_label.values(), key=lambda c: -len(c.members))
    # The trend's prediction maps each mined topic's centre to a topic: follow it to its new one.
    position = {id(c): i for i, c in enumerate(model.clusters)}
    model.order = [position[id(into[id(original[t])])] if t >= 0 else -1 for t in model.order]


_RULE_ACTIONS: dict[str, AuditAction] = {
    TopicRule.Action.RENAME: AuditAction.CALLS_TOPIC_RENAME,
    TopicRule.Action.SPLIT: AuditAction.CALLS_TOPIC_SPLIT,
}


def _rule(*, topic: Topic, by: User, action: str, name: str, keyword: str = "") -> TopicRule:
    _require_manager(by, topic.client)
    name = " ".join(name.split())[:200]
    keyword = " ".join(keyword.split())[:60]
    if not name:
        raise ValidationError({"name": _("Enter a name for the topic.")})
    if action == TopicRule.Action.SPLIT and not keyword:
        raise ValidationError({"keyword": _("Enter the word the calls to split off use.")})
    rule, _created = TopicRule.objects.update_or_create(
        client=topic.client,
        key=topic_key(topic.mined_label or topic.label),
        action=action,
        keyword=keyword,
        defaults={"name": name, "created_by": by},
    )
    audit_record(
        actor=by,
        action=_RULE_ACTIONS[action],
        target=topic,
        data={"topic": topic.label, "name": name, "keyword": keyword},
    )
    return rule


def topic_rename(*, topic: Topic, name: str, by: User) -> Topic:
    """Name a topic as managers call it; later mining runs give the same topic the same name.
    Renaming it to the name of another topic of the run merges the two (the run is mined again)."""
    with transaction.atomic(durable=True):
        _rule(topic=topic, by=by, action=TopicRule.Action.RENAME, name=name)
        merges = topic.run.topics.exclude(pk=topic.pk).filter(label=" ".join(name.split())).exists()
        Topic.objects.filter(pk=topic.pk).update(label=" ".join(name.split())[:200])
        TopicArticle.objects.filter(topic=topic).update(label=" ".join(name.split())[:200])
        if merges:
            _mine_again(topic.run, by)
    topic.refresh_from_db()
    return topic


def topic_merge(*, topic: Topic, into: Topic, by: User) -> None:
    """Merge a topic into another of the same run: it takes the other's name from now on."""
    if into.run_id != topic.run_id or into.pk == topic.pk:
        raise ValidationError({"into": _("Choose another topic of the same run.")})
    with transaction.atomic(durable=True):
        _rule(topic=topic, by=by, action=TopicRule.Action.RENAME, name=into.label)
        _mine_again(topic.run, by)


def topic_split(*, topic: Topic, keyword: str, name: str, by: User) -> None:
    """Split off the calls of a topic that use `keyword` into a topic named `name`, now and in
    later runs."""
    with transaction.atomic(durable=True):
        _rule(topic=topic, by=by, action=TopicRule.Action.SPLIT, name=name, keyword=keyword)
        _mine_again(topic.run, by)


def _mine_again(run: MiningRun, by: User) -> None:
    mining_request(client=run.client, since=run.period_start, until=run.period_end, by=by)


def _link_topic_calls(topic: Topic, article: Article) -> list[int]:
    """The topic's calls are about this article (unless an import already said which): their
    customers' words become its learned expressions, after commit. Returns the calls linked now."""
    free = CallRecord.objects.filter(pk__in=topic.call_ids, client=topic.client, article__isnull=True)
    linked = list(free.values_list("pk", flat=True))
    CallRecord.objects.filter(pk__in=linked).update(article=article)
    _learn_later(topic.client)
    return linked


def _learn_later(client: ClientCompany) -> None:
    """Relearn the client's expressions on the bulk queue after commit: it reads every linked call
    with Kiwi, which is too slow for the manager's request on a large client."""
    from .tasks import learn_from_calls_task

    learn_from_calls_task.delay_on_commit(client.pk)


def learn_from_calls(*, client_id: int) -> int:
    """The task's use case: relearn one client's expressions from its linked calls."""
    from knowledge.search.services import learned_from_calls

    client = ClientCompany.objects.filter(pk=client_id).first()
    return 0 if client is None else learned_from_calls(client=client)


def topic_link_article(*, topic: Topic, article: Article, by: User) -> TopicArticle:
    """A manager says an existing article answers a topic: its calls are linked to it."""
    _require_manager(by, topic.client)
    if article.client_id != topic.client_id:
        raise ValidationError({"article": _("Choose an article of this client.")})
    with transaction.atomic():
        link, _created = TopicArticle.objects.select_for_update().get_or_create(
            topic=topic,
            article=article,
            defaults={"client": topic.client, "label": topic.label, "created_by": by, "linked": True},
        )
        calls = _link_topic_calls(topic, article)
        link.linked_call_ids = list(dict.fromkeys([*link.linked_call_ids, *calls]))
        link.save(update_fields=["linked_call_ids"])
        audit_record(
            actor=by,
            action=AuditAction.CALLS_TOPIC_LINKED,
            target=article,
            data={"topic": topic.pk, "label": topic.label, "calls": len(calls)},
        )
    return link


def topic_unlink_article(*, topic: Topic, article: Article, by: User) -> int:
    """A manager takes back a link made by topic_link_article: the calls it gave the article are
    free again (an import's own links stay), and what was learned from them goes on the next
    learning run, after commit. A draft written from the topic is not unlinked. Returns the calls."""
    _require_manager(by, topic.client)
    with transaction.atomic():
        link = (
            TopicArticle.objects.select_for_update().filter(topic=topic, article=article, linked=True).first()
        )
        if link is None:
            raise ValidationError({"article": _("This topic is not linked to that article.")})
        freed = CallRecord.objects.filter(
            pk__in=link.linked_call_ids, client=topic.client, article=article
        ).update(article=None)
        link.delete()
        audit_record(
            actor=by,
            action=AuditAction.CALLS_TOPIC_UNLINKED,
            target=article,
            data={"topic": topic.pk, "label": topic.label, "calls": freed},
        )
        _learn_later(topic.client)
    return freed


def topic_create_draft(*, topic: Topic, by: User) -> Article:
    """A draft article prefilled from a topic; the same topic drafted twice gives the same draft.

    The customer's situation holds what customers ask (masked again, in case), the answer what
    agents answered; the source calls are not copied into the text agents read: they stay linked
    (TopicArticle) and the article page lists them to curators under their own heading."""
    _require_manager(by, topic.client)
    with transaction.atomic(durable=True):
        topic = Topic.objects.select_for_update().select_related("run", "client").get(pk=topic.pk)
        existing = TopicArticle.objects.filter(topic=topic, linked=False).select_related("article").first()
        if existing is not None:
            return existing.article
        examples = [privacy.without_tags(e["text"]) for e in topic.representative_inquiries[:3]]
        question = examples[0] if examples else topic.label
        if len(examples) > 1:
            question += "\n\n**" + _("Other ways customers ask") + "**" + _bullets(examples[1:])
        resolutions = [privacy.without_tags(r["text"]) for r in topic.common_resolutions]
        answer = resolutions[0] if resolutions else ""
        if len(resolutions) > 1:
            answer += "\n\n**" + _("Other resolutions agents gave") + "**" + _bullets(resolutions[1:])
        source_ids = list(
            dict.fromkeys([r["id"] for r in topic.representative_inquiries] + topic.call_ids[:10])
        )[:10]
        calls = dict(CallRecord.objects.filter(pk__in=source_ids).values_list("pk", "external_id"))
        ordered = [(pk, calls[pk]) for pk in source_ids if pk in calls]
        source = _("Drafted from the topic “%(label)s”: %(size)s calls, %(start)s – %(end)s.") % {
            "label": topic.label,
            "size": topic.size,
            "start": topic.run.period_start,
            "end": topic.run.period_end,
        }
        subject = " ".join(topic.label.split(" · ")[:2]) or topic.label
        title = _("%(topic)s inquiries") % {"topic": subject}
        article = knowledge_services.article_create_draft(
            client=topic.client,
            title=title,
            question=question,
            answer=answer,
            by=by,
            tags=", ".join(draft_tags(topic.keywords)),
            source_note=source,
        )
        TopicArticle.objects.create(
            topic=topic,
            article=article,
            client=topic.client,
            label=topic.label,
            source_call_ids=[ext for _pk, ext in ordered],
            created_by=by,
            linked_call_ids=_link_topic_calls(topic, article),
        )
        audit_record(
            actor=by,
            action=AuditAction.CALLS_TOPIC_DRAFTED,
            target=article,
            data={"topic": topic.pk, "label": topic.label, "calls": topic.size},
        )
    return article
