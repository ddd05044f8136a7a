"""The tokenizer shared by index and query: Kiwi morphemes, compounds, jamo and initial consonants."""

from __future__ import annotations

import threading

import pytest

from knowledge.search import tokenizer


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("환불해주세요", ["환불"]),
        ("카드를 잃어버렸어요", ["카드", "잃어버리"]),
        ("해지하고 싶어요", ["해지"]),
        ("분실했어요", ["분실"]),
        ("USIM 변경", ["usim", "변경"]),
    ],
)
def test_particles_and_endings_are_dropped(text, expected):
    assert [t.term for t in tokenizer.analyze(text)] == expected


def test_compounds_are_indexed_whole_and_split():
    assert set(tokenizer.index_terms("요금제")) >= {"요금", "제", "요금제"}
    terms = tokenizer.index_terms("카드분실신고")
    assert set(terms) >= {"카드", "분실", "신고", "카드분실신고", "카드분실", "분실신고"}


def test_a_prefix_kiwi_misreads_is_indexed_with_its_noun_but_never_alone():
    # Kiwi reads 오(誤) in 오배송 as an interjection and 구(舊) in 구주소 as an adnominal.
    assert "오배송" in tokenizer.index_terms("오배송 처리")
    assert "구주소" in tokenizer.index_terms("구주소로 배송된 경우")
    assert "오" not in tokenizer.index_terms("오배송 처리")
    assert [t.term for t in tokenizer.analyze("오배송 처리")] == ["배송", "처리"]
    # Written apart it is a word of its own, not a prefix (오 is 오다 here).
    assert "오배송" not in tokenizer.index_terms("배송 기사가 오 배송")
    assert "새폰" not in tokenizer.index_terms("새 폰을 샀어요")


def test_spacing_does_not_change_the_morphemes():
    assert {"비밀", "번호"} <= set(tokenizer.index_terms("비밀 번호"))
    assert {"비밀", "번호"} <= set(tokenizer.index_terms("비밀번호"))
    # Words separated by a space are not glued into a compound.
    assert "비밀번호" not in tokenizer.index_terms("비밀 번호")


def test_terms_hold_only_letters_and_digits():
    terms = tokenizer.index_terms("카드\" OR * NEAR(분실) '; DROP TABLE --")
    assert terms and all(t.isalnum() for t in terms)


def test_jamo_follows_keystrokes_and_chosung_takes_initials():
    assert tokenizer.jamo("분실") == "ㅂㅜㄴㅅㅣㄹ"
    assert tokenizer.jamo("닭") == "ㄷㅏㄹㄱ"  # a compound final is typed as two keys
    assert tokenizer.jamo("카드분ㅅ") == "ㅋㅏㄷㅡㅂㅜㄴㅅ"
    assert tokenizer.jamo("카드분ㅅ").startswith("ㅋㅏㄷㅡㅂㅜㄴㅅ") and tokenizer.jamo(
        "카드분실"
    ).startswith(tokenizer.jamo("카드분ㅅ"))
    assert tokenizer.chosung("카드분실") == "ㅋㄷㅂㅅ"
    assert tokenizer.is_chosung_word("ㅋㄷㅂㅅ") and not tokenizer.is_chosung_word("카드")


@pytest.mark.parametrize(
    ("word", "half"), [("카드분ㅅ", True), ("카드분시", True), ("카드분실", False), ("5g", False)]
)
def test_half_built_last_syllable(word, half):
    assert tokenizer.ends_half_built(word) is half


@pytest.mark.parametrize(
    ("a", "b", "near"),
    [
        ("ㅂㅜㄴㅅㅣㄹ", "ㅂㅜㄴㅅㅣㅎ", True),
        ("ㅂㅜㄴㅅㅣㄹ", "ㅂㅜㄴㅅㅣ", True),
        ("ㅂㅜㄴㅅㅣㄹ", "ㅂㅜㅅㄴㅣㄹ", True),
        ("ㅂㅜㄴㅅㅣㄹ", "ㅂㅗㄴㅅㅏㄹ", False),
    ],
)
def test_one_jamo_edit_distance(a, b, near):
    assert tokenizer.edit_distance_at_most_one(a, b) is near


def test_a_compound_is_read_as_known_nouns_but_one_fewest_parts_first():
    known = {"이체", "한도", "이체한도", "증액"}
    assert tokenizer.compound_splits("이체한도증엑", known) == [
        (["이체한도", "증엑"], 1),
        (["이체", "한도증엑"], 1),
        (["이체", "한도", "증엑"], 2),
    ]
    # every part known: nothing to correct; a one-syllable leftover is no noun of its own
    assert tokenizer.compound_splits("이체한도", known) == []
    assert tokenizer.compound_splits("이체한", known) == []


def test_kiwi_is_loaded_once_per_process_even_from_many_threads():
    seen = []
    threads = [threading.Thread(target=lambda: seen.append(id(tokenizer.get_kiwi()))) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(set(seen)) == 1


def test_wsgi_module_warms_kiwi_up(monkeypatch):
    import importlib
    import sys

    calls = []
    monkeypatch.setattr(tokenizer, "warm_up", lambda: calls.append(1))
    monkeypatch.delitem(sys.modules, "config.wsgi", raising=False)
    importlib.import_module("config.wsgi")
    assert calls == [1]


@pytest.mark.skipif(not hasattr(__import__("os"), "fork"), reason="fork() is POSIX only")
def test_kiwi_loaded_before_a_fork_works_in_the_worker():
    """gunicorn --preload loads Kiwi in the master and forks: the workers must use it as it is."""
    import multiprocessing

    tokenizer.warm_up()
    loaded = id(tokenizer.get_kiwi())
    with multiprocessing.get_context("fork").Pool(1) as pool:
        child_id, terms = pool.apply(_analyze_in_child, ("환불해주세요",))
    assert child_id == loaded  # the inherited instance, not a second load
    assert terms == ["환불"]


def _analyze_in_child(text):
    return id(tokenizer._kiwi), [t.term for t in tokenizer.analyze(text)]
