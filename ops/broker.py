"""Looking into the Celery broker without Celery: is it reachable, how many tasks wait in each queue
and since when. Redis (production) and the filesystem transport (embedded mode) are read directly,
with short timeouts, so a dead broker makes a page slow by at most a fraction of a second."""

from __future__ import annotations

import base64
import json
import logging
import os
import time
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

logger = logging.getLogger(__name__)
TIMEOUT_SECONDS = 0.5
# kombu's Redis transport keeps prioritised messages under "<queue>\x06\x16<priority>".
REDIS_PRIORITY_SEP = "\x06\x16"
REDIS_PRIORITY_STEPS = (0, 3, 6, 9)


@dataclass
class QueueState:
    name: str
    depth: int | None  # None: the broker could not be read
    oldest_age_seconds: float | None  # the oldest waiting task, when it carries its send time


class BrokerDown(Exception):
    pass


def _url() -> str:
    return settings.CELERY_BROKER_URL


def kind() -> str:
    url = _url()
    if url.startswith("filesystem://"):
        return "filesystem"
    if url.startswith(("redis://", "rediss://")):
        return "redis"
    return "other"


def _redis():
    import redis

    return redis.Redis.from_url(
        _url(), socket_connect_timeout=TIMEOUT_SECONDS, socket_timeout=TIMEOUT_SECONDS
    )


def _queue_folder() -> Path:
    return Path(str(settings.CELERY_BROKER_TRANSPORT_OPTIONS["data_folder_in"]))


def ping() -> None:
    """Raise BrokerDown unless the broker answers."""
    try:
        if kind() == "redis":
            _redis().ping()
        elif kind() == "filesystem":
            folder = _queue_folder()
            if not (folder.is_dir() and os.access(folder, os.W_OK)):
                raise BrokerDown(f"{folder} is not a writable folder")
        else:
            from config.celery import app

            with app.connection_for_write() as conn:
                conn.ensure_connection(max_retries=1, timeout=TIMEOUT_SECONDS)
    except BrokerDown:
        raise
    except Exception as exc:  # any client error means the same thing here: not reachable
        raise BrokerDown(str(exc) or type(exc).__name__) from exc


def _sent_at(payload: bytes | str) -> float | None:
    try:
        message = json.loads(payload)
        sent = message.get("headers", {}).get("dasan_sent_at")
        if sent is None and message.get("body"):  # protocol 1 carried it in the body
            body = json.loads(base64.b64decode(message["body"]))
            sent = body.get("dasan_sent_at") if isinstance(body, dict) else None
        return float(sent) if sent is not None else None
    except (ValueError, TypeError, AttributeError):
        return None


def queue_states(queues: tuple[str, ...]) -> list[QueueState]:
    """Depth and oldest waiting task of each queue; depth None for all when the broker is down."""
    now = time.time()
    try:
        if kind() == "redis":
            return _redis_states(queues, now)
        if kind() == "filesystem":
            return _filesystem_states(queues, now)
    except Exception as exc:  # a dead broker shows as "unknown", never as an error page
        logger.warning("could not read the broker's queues: %s", exc)
    return [QueueState(name=q, depth=None, oldest_age_seconds=None) for q in queues]


def _redis_states(queues, now: float) -> list[QueueState]:
    client = _redis()
    states = []
    for queue in queues:
        keys = [queue if p == 0 else f"{queue}{REDIS_PRIORITY_SEP}{p}" for p in REDIS_PRIORITY_STEPS]
        with client.pipeline() as pipe:
            for key in keys:
                pipe.llen(key)
            pipe.lindex(queue, -1)  # kombu pushes on the left and takes from the right: the oldest
            *sizes, oldest = pipe.execute()
        sent = _sent_at(oldest) if oldest else None
        states.append(
            QueueState(
                name=queue, depth=sum(sizes), oldest_age_seconds=max(0.0, now - sent) if sent else None
            )
        )
    return states


def _filesystem_states(queues, now: float) -> list[QueueState]:
    folder = _queue_folder()
    names = sorted(os.listdir(folder))  # "<monotonic ms>_<uuid>.<queue>.msg": oldest first
    states = []
    for queue in queues:
        mine = [n for n in names if n.partition(".")[2] == f"{queue}.msg"]
        age = None
        if mine:
            try:
                sent = _sent_at((folder / mine[0]).read_bytes())
            except OSError:  # taken by a worker meanwhile
                sent = None
            age = max(0.0, now - sent) if sent else None
        states.append(QueueState(name=queue, depth=len(mine), oldest_age_seconds=age))
    return states
