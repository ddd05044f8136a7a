"""The browser journeys' worker (tests/e2e/worker.py) consumes every queue the Celery app defines,
so it keeps working when tasks are routed to named queues."""

from __future__ import annotations

from celery import Celery
from kombu import Queue

from tests.e2e.worker import queue_names


def test_without_named_queues_it_consumes_the_default_one():
    app = Celery("t", set_as_current=False)
    assert queue_names(app) == ["celery"]


def test_it_consumes_every_defined_and_routed_queue():
    app = Celery("t", set_as_current=False)
    app.conf.task_queues = (Queue("urgent"), Queue("bulk"))
    app.conf.task_routes = {"knowledge.calls.import": {"queue": "bulk"}, "reports.*": {"queue": "reports"}}
    assert queue_names(app) == ["urgent", "bulk", "reports"]
    assert queue_names(app, also=("bulk", "mail")) == ["urgent", "bulk", "reports", "mail"]


def test_the_projects_app_queues_are_all_consumed():
    from config import celery

    names = queue_names(celery.app, also=getattr(celery, "QUEUES", ()))
    assert {getattr(q, "name", q) for q in getattr(celery, "QUEUES", ())} <= set(names)
    app = celery.app
    defined = [q.name for q in (app.conf.task_queues or ())] or [app.conf.task_default_queue]
    assert set(defined) <= set(names)
