"""gunicorn --preload loads Kiwi in the master and forks its workers: the shipped lexicon must still
parse in a forked worker. (A list given to Kiwi in one call runs on Kiwi's thread pool, which a forked
child does not have: the worker's first search froze it for good.)"""

from __future__ import annotations

import os
import signal
import sys

import pytest

from knowledge.search import lexicon, tokenizer


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork (a preforking server's platform)")
def test_the_shipped_lexicon_parses_in_a_worker_forked_after_kiwi_was_loaded():
    tokenizer.get_kiwi()  # the master, as config/wsgi.py does under --preload
    saved = lexicon._shipped
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid == 0:  # the worker: parse from scratch, killed by the alarm if Kiwi never answers
        signal.alarm(60)
        try:
            lexicon._shipped = None
            ok = lexicon.shipped().size > 1000
        except BaseException:
            ok = False
        os._exit(0 if ok else 1)
    _pid, status = os.waitpid(pid, 0)
    lexicon._shipped = saved
    assert os.WIFEXITED(status), f"the forked worker hung or died (status {status})"
    assert os.WEXITSTATUS(status) == 0
