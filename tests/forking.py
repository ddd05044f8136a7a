"""Run a check in a child forked after Kiwi was loaded, as a preforking server's worker is."""

from __future__ import annotations

import os
import signal
import sys
from collections.abc import Callable

import pytest

needs_fork = pytest.mark.skipif(
    not hasattr(os, "fork"), reason="needs os.fork (a preforking server's platform)"
)


def in_forked_child(check: Callable[[], bool], *, timeout: int = 60) -> None:
    """Fork (Kiwi already loaded here, as in a gunicorn --preload master) and run `check` in the child,
    killed by an alarm if Kiwi never answers; fail unless it returned True in time."""
    from knowledge.search import tokenizer

    tokenizer.get_kiwi()
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid == 0:
        signal.alarm(timeout)
        try:
            ok = check()
        except BaseException:
            ok = False
        os._exit(0 if ok else 1)
    _pid, status = os.waitpid(pid, 0)
    assert os.WIFEXITED(status), f"the forked worker hung or died (status {status})"
    assert os.WEXITSTATUS(status) == 0, "the check failed in the forked worker"
