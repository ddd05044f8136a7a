"""gunicorn --preload loads Kiwi in the master and forks its workers: the shipped lexicon must still
parse in a forked worker. (A list given to Kiwi in one call runs on Kiwi's thread pool, which a forked
child does not have: the worker's first search froze it for good.)"""

from __future__ import annotations

from knowledge.search import lexicon
from tests.forking import in_forked_child, needs_fork


@needs_fork
def test_the_shipped_lexicon_parses_in_a_worker_forked_after_kiwi_was_loaded(settings, tmp_path):
    settings.VAR_DIR = tmp_path  # no saved parse: the child has to read every phrase with Kiwi
    saved = lexicon._shipped

    def parse_from_scratch() -> bool:
        lexicon._shipped = None
        return lexicon.shipped().size > 1000 and any((tmp_path / "cache").glob("lexicon-*.json"))

    try:
        in_forked_child(parse_from_scratch)
    finally:
        lexicon._shipped = saved
