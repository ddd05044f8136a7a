"""Celery tasks: thin wrappers over services, all idempotent (see the services for the unique rows)."""

from __future__ import annotations

from celery import shared_task

from . import services


@shared_task
def send_loan_reminders() -> int:
    return services.loan_reminders_send()


@shared_task
def expire_holds() -> int:
    return services.holds_expire()


@shared_task
def send_meeting_reminders() -> int:
    return services.meeting_reminders_send()


@shared_task
def close_months() -> list[str]:
    return [result.label for result in services.months_close_due()]
