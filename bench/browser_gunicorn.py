"""gunicorn settings of bench/browser_search.py: the product's own (config/gunicorn.py), plus one hook.

The hook lets the benchmark empty every cache a search could be answered from, in every worker,
between typed queries: SIGUSR2 to a worker clears its result cache and tokenizer caches and the
shared cache (the benchmark's own Redis database), as bench/search.py does before each timed call.
"""

import runpy
import signal
from pathlib import Path

globals().update(
    {
        name: value
        for name, value in runpy.run_path(
            str(Path(__file__).resolve().parents[1] / "config" / "gunicorn.py")
        ).items()
        if not name.startswith("_") and name.islower()
    }
)


def post_worker_init(worker):
    def clear(signum, frame):
        from django.core.cache import cache

        from knowledge.search import interface, tokenizer

        tokenizer._analyze_cached.cache_clear()
        tokenizer.split_noun.cache_clear()
        tokenizer.jamo.cache_clear()
        interface._results.clear()
        cache.clear()

    signal.signal(signal.SIGUSR2, clear)
