from __future__ import annotations

from celery import shared_task

from . import services


# Named as when this module was knowledge/tasks.py: beat and messages already queued use the name.
@shared_task(name="knowledge.tasks.send_verification_reminders")
def send_verification_reminders() -> int:
    """Daily: remind owners of articles due for verification (once per article and due date)."""
    return services.verification_reminders_send()
