"""Celery tasks of the call-data part: thin wrappers that take ids and call a service."""

from __future__ import annotations

from celery import shared_task

from . import services


@shared_task(name="knowledge.calls.import")
def import_calls_task(job_id: int) -> str:
    return services.import_execute(job_id=job_id).status


@shared_task(name="knowledge.calls.mine")
def mine_topics_task(run_id: int) -> str:
    return services.mining_execute(run_id=run_id).status


@shared_task(name="knowledge.calls.purge_uploads")
def purge_uploads_task() -> int:
    return services.purge_stale_uploads()


@shared_task(name="knowledge.calls.recover_stalled")
def recover_stalled_task() -> dict:
    return services.recover_stalled_work()


@shared_task(name="knowledge.calls.learn")
def learn_from_calls_task(client_id: int) -> int:
    return services.learn_from_calls(client_id=client_id)
