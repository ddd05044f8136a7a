"""A task that raises is kept as a TaskError for the status page's recent errors."""

from __future__ import annotations

import logging

from celery.signals import task_failure

logger = logging.getLogger(__name__)


@task_failure.connect(dispatch_uid="ops-task-error")
def _task_failed(sender=None, task_id=None, exception=None, **_kwargs):
    from . import services

    try:
        services.task_error_record(
            task=getattr(sender, "name", str(sender)), task_id=task_id or "", error=repr(exception)
        )
    except Exception:  # never let the bookkeeping of one failure cause another
        logger.exception("could not record the failure of task %s", task_id)
