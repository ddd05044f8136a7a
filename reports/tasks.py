"""Celery tasks of the reports app: thin wrappers that take ids and call a service."""

from __future__ import annotations

from celery import shared_task

from . import services


@shared_task(name="reports.build_snapshot")
def build_snapshot_task(snapshot_id: int) -> str:
    return services.snapshot_build(snapshot_id=snapshot_id).status


@shared_task(name="reports.tasks.build_monthly_reports")
def build_monthly_reports() -> int:
    return len(services.monthly_reports_build())
