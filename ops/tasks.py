"""Beat's heartbeat, the queue probes and the watchdog: thin tasks over ops.services.

All three are scheduled every minute in config/celery.py, sent with `expires` so a copy stuck
behind a long job is dropped rather than run late."""

from __future__ import annotations

from datetime import UTC, datetime

from celery import shared_task

from . import services


def _sent_at(request) -> datetime | None:
    # Stamped by config.celery._stamp_sent_at: a worker gives message headers as request attributes,
    # an eager call keeps them in request.headers.
    sent = getattr(request, "dasan_sent_at", None) or (getattr(request, "headers", None) or {}).get(
        "dasan_sent_at"
    )
    try:
        return datetime.fromtimestamp(float(sent), tz=UTC) if sent is not None else None
    except (TypeError, ValueError):
        return None


@shared_task(bind=True, ignore_result=True)
def heartbeat(self) -> None:
    """Beat is alive: it sent this minute's tick."""
    services.beat_ticked(sent_at=_sent_at(self.request), worker=self.request.hostname or "")


@shared_task(bind=True, ignore_result=True)
def probe(self, queue: str) -> None:
    """A worker takes tasks from `queue`."""
    services.queue_probed(queue=queue, sent_at=_sent_at(self.request), worker=self.request.hostname or "")


@shared_task(ignore_result=True)
def watchdog() -> dict:
    """Alert the admins when notices or a queue stop, and when they recover."""
    return services.watchdog_run()
