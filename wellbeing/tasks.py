"""Celery tasks: thin wrappers over services. Scheduled from config/celery.py (one beat only)."""

from __future__ import annotations

from celery import shared_task

from . import services


@shared_task
def dispatch_notices() -> dict:
    """Every minute: send due shutdown notices and reminders. Duplicate or late runs send nothing twice."""
    return services.notices_dispatch()


@shared_task
def expire_requests() -> int:
    """Requests left undecided past their day expire."""
    return services.overtime_expire_stale()
