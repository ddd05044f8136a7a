"""The Celery app. Periodic work is listed here, statically: exactly one beat process runs it."""

from __future__ import annotations

import os

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

# DjangoTask gives every task delay_on_commit(), so work is sent only once the data it needs is saved.
app = Celery("dasan", task_cls="celery.contrib.django.task:DjangoTask")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
# Autodiscovery imports `<app>.tasks` of each installed app only; task modules of sub-packages are
# named here, or a worker never learns them (tests/ops/test_worker_registry.py checks both lists).
app.autodiscover_tasks(["knowledge.calls"])


app.conf.beat_schedule = {
    # Manuals: remind owners of articles due for verification (idempotent per article + due date).
    "knowledge-verification-reminders": {
        "task": "knowledge.tasks.send_verification_reminders",
        "schedule": crontab(hour=8, minute=30),
    },
    # Book club: reminders, hold expiry and the month's close (each idempotent: a unique row per thing done).
    "bookclub-loan-reminders": {
        "task": "bookclub.tasks.send_loan_reminders",
        "schedule": crontab(minute=0, hour="9,14"),
    },
    "bookclub-expire-holds": {"task": "bookclub.tasks.expire_holds", "schedule": crontab(minute=5)},
    "bookclub-meeting-reminders": {
        "task": "bookclub.tasks.send_meeting_reminders",
        "schedule": crontab(minute=10),
    },
    "bookclub-close-months": {"task": "bookclub.tasks.close_months", "schedule": crontab(minute=15)},
    # Wellbeing: shutdown notices every minute. Each notice claims a unique row before it is sent, so
    # a late or repeated run sends nothing twice; still, run exactly one beat. Undecided requests
    # expire after their day.
    "wellbeing-dispatch-notices": {
        "task": "wellbeing.tasks.dispatch_notices",
        "schedule": crontab(minute="*"),
        "options": {"expires": 55},
    },
    # Reports: on the 1st, last month's operations diagnosis for every active client with calls in it
    # (one snapshot per client and month, claimed first: a repeated or late run builds nothing twice).
    "reports-monthly-diagnosis": {
        "task": "reports.tasks.build_monthly_reports",
        "schedule": crontab(minute=0, hour=6, day_of_month=1),
    },
    # Call data: re-send imports and mining whose task was lost (a second send is a no-op), and
    # delete uploaded exports (phone numbers in clear) never imported.
    "calls-recover-stalled": {"task": "knowledge.calls.recover_stalled", "schedule": crontab(minute="*/5")},
    "calls-purge-uploads": {"task": "knowledge.calls.purge_uploads", "schedule": crontab(minute=20)},
    "wellbeing-expire-requests": {
        "task": "wellbeing.tasks.expire_requests",
        "schedule": crontab(minute="5,35"),
    },
}
