"""The Celery app. Periodic work is listed here, statically: exactly one beat process runs it."""

from __future__ import annotations

import os
import time

from celery import Celery
from celery.schedules import crontab
from celery.signals import before_task_publish
from kombu import Queue

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

# DjangoTask gives every task delay_on_commit(), so work is sent only once the data it needs is saved.
app = Celery("dasan", task_cls="celery.contrib.django.task:DjangoTask")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
# Autodiscovery imports `<app>.tasks` of each installed app only; task modules of sub-packages are
# named here, or a worker never learns them (tests/ops/test_worker_registry.py checks both lists).
app.autodiscover_tasks(["knowledge.manuals", "knowledge.calls"])

# --- Queues by urgency -------------------------------------------------------------------------
# Two queues, so a million-row import never holds the minute's shutdown notices behind it. Each has
# its own worker pool (Procfile: worker_urgent, worker_bulk); scale them independently. Other code
# (the e2e worker harness, the status page, /metrics) reads the names from here.
URGENT = "urgent"  # shutdown notices, notifications and e-mails: anything a person waits for
BULK = "bulk"  # imports, mining, reports, index rebuilds: work measured in minutes
QUEUES = (URGENT, BULK)

# Every task the code defines, by name (tests/ops/test_queues.py fails for a task missing here).
# A task sent without a route goes to BULK: a forgotten heavy task must not delay the notices.
TASK_QUEUES = {
    # urgent: people are waiting for these
    "wellbeing.tasks.dispatch_notices": URGENT,
    "wellbeing.tasks.expire_requests": URGENT,
    "accounts.tasks.send_notification_emails": URGENT,
    "knowledge.tasks.send_verification_reminders": URGENT,
    "bookclub.tasks.send_loan_reminders": URGENT,
    "bookclub.tasks.expire_holds": URGENT,
    "bookclub.tasks.send_meeting_reminders": URGENT,
    "ops.tasks.heartbeat": URGENT,
    # bulk: long work, or work nobody is waiting on this minute
    "knowledge.calls.import": BULK,
    "knowledge.calls.mine": BULK,
    "knowledge.calls.purge_uploads": BULK,
    "knowledge.calls.recover_stalled": BULK,
    "knowledge.calls.learn": BULK,
    "reports.build_snapshot": BULK,
    "reports.tasks.build_monthly_reports": BULK,
    "bookclub.tasks.close_months": BULK,
    # sent to a queue named in the call: the probe of every queue, and the watchdog on both
    "ops.tasks.probe": BULK,
    "ops.tasks.watchdog": URGENT,
}

app.conf.task_queues = [Queue(name, routing_key=name) for name in QUEUES]
app.conf.task_default_queue = BULK
app.conf.task_default_routing_key = BULK
app.conf.task_routes = {name: {"queue": queue, "routing_key": queue} for name, queue in TASK_QUEUES.items()}


@before_task_publish.connect(dispatch_uid="dasan-sent-at")
def _stamp_sent_at(headers=None, **_kwargs):
    # When the message was sent: the status page and /metrics read the oldest waiting task's age,
    # and the heartbeat tells beat's tick from the worker's delay.
    if headers is not None:
        headers.setdefault("dasan_sent_at", time.time())


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
    # Watching the watchers: beat's heartbeat (run on the urgent queue), a probe through each queue,
    # and the watchdog on both queues, so either pool alerts the admins when the other stops.
    "ops-heartbeat": {
        "task": "ops.tasks.heartbeat",
        "schedule": crontab(minute="*"),
        "options": {"expires": 55},
    },
    **{
        f"ops-probe-{queue}": {
            "task": "ops.tasks.probe",
            "schedule": crontab(minute="*"),
            "args": (queue,),
            "options": {"queue": queue, "routing_key": queue, "expires": 55},
        }
        for queue in QUEUES
    },
    **{
        f"ops-watchdog-{queue}": {
            "task": "ops.tasks.watchdog",
            "schedule": crontab(minute="*"),
            "options": {"queue": queue, "routing_key": queue, "expires": 55},
        }
        for queue in QUEUES
    },
    "wellbeing-expire-requests": {
        "task": "wellbeing.tasks.expire_requests",
        "schedule": crontab(minute="5,35"),
    },
}
