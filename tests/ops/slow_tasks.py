"""A stand-in for a long call import, loaded only by the workers tests/ops/test_queues.py starts
(`--include tests.ops.slow_tasks`): it holds the bulk worker's one slot for as long as it is told."""

from __future__ import annotations

import time
from pathlib import Path

from celery import shared_task


@shared_task(name="tests.ops.long_import")
def long_import(marker: str, seconds: float) -> None:
    Path(marker).write_text(f"started {time.time()}\n")
    time.sleep(seconds)
    with Path(marker).open("a") as f:
        f.write(f"finished {time.time()}\n")
