"""Topic mining tokenizes many calls at once on Kiwi's thread pool; a process forked after Kiwi was
loaded (a Celery prefork child of a master that had loaded it) has no such pool, and the batch
would wait for ever. There it reads one call per Kiwi call, with the same words."""

from __future__ import annotations

from knowledge.calls import tokenizer
from knowledge.search import tokenizer as search_tokenizer
from tests.forking import in_forked_child, needs_fork

CALLS = ["카드를 잃어버렸어요 분실 신고 해주세요", "요금제 바꾸고 싶어요", "택배가 아직 안 왔어요"]


def test_many_calls_give_the_same_words_as_one_at_a_time_on_kiwis_threads():
    search_tokenizer.get_kiwi()
    assert search_tokenizer.batch_ok()  # the process that loaded Kiwi has its thread pool
    assert list(tokenizer.tokenize_many(CALLS)) == [tokenizer.tokenize(c) for c in CALLS]


@needs_fork
def test_many_calls_are_tokenized_in_a_child_forked_after_kiwi_was_loaded():
    expected = [tokenizer.tokenize(c) for c in CALLS]

    def tokenize_in_child() -> bool:
        assert not search_tokenizer.batch_ok()
        return list(tokenizer.tokenize_many(CALLS)) == expected

    in_forked_child(tokenize_in_child)
