from __future__ import annotations

from celery import shared_task

from . import services


@shared_task
def send_verification_reminders() -> int:
    """Daily: remind owners of articles due for verification (once per article and due date)."""
    return services.verification_reminders_send()
