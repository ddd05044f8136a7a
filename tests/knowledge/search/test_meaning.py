"""Words near in meaning (knowledge/search/meaning.py): a caller's word the manual never uses still
finds the article holding the word nearest it in Kiwi's embeddings, below one holding the word."""

from __future__ import annotations

import pytest

from knowledge.search import meaning
from knowledge.search.interface import search
from tests.forking import in_forked_child, needs_fork

from .helpers import indexed_article


def titles(agent, client, text: str) -> list[str]:
    return [h.title for h in search(user=agent, client=client, query=text).hits]


def test_a_word_has_neighbours_in_meaning_and_a_form_of_several_readings_too():
    near = meaning.nearest("통장이 걷기")
    assert "계좌" in dict(near["통장"])
    assert all(meaning.MIN_SIMILARITY <= s < 1 for _t, s in near["통장"])
    assert near["걷"]  # 걷 is both a regular and an irregular verb to Kiwi: asked by its id
    assert meaning.nearest("") == {}
    assert "요" not in meaning.nearest("통장이요")  # endings and particles have none


@pytest.fixture
def tv(client_a):
    rows = [
        ("애니메이션 전문 채널 추가", "어린이용 애니메이션 채널을 월 3,300원에 추가합니다."),
        ("스포츠 채널 추가", "야구와 축구 중계 채널을 추가합니다."),
        ("요금 납부 방법", "요금은 자동이체나 카드로 냅니다."),
        ("인터넷 속도 저하", "공유기를 다시 켜고 속도를 측정합니다."),
    ]
    return [indexed_article(client_a, title, answer=answer) for title, answer in rows]


def test_a_callers_word_finds_the_article_holding_its_nearest_word(tv, agent_a, client_a, monkeypatch):
    # 만화 is in no article; 애니메이션 is its neighbour in meaning.
    assert titles(agent_a, client_a, "우리 애가 만화를 너무 좋아해요")[:1] == ["애니메이션 전문 채널 추가"]
    monkeypatch.setattr(meaning, "nearest", lambda text: {})
    monkeypatch.setattr(meaning, "nearest_word", lambda word: ())
    assert "애니메이션 전문 채널 추가" not in titles(agent_a, client_a, "애가 만화를 너무 좋아해요")[:1]


def test_the_word_typed_counts_more_than_one_near_it(agent_a, client_a):
    indexed_article(client_a, "애니메이션 다시보기", answer="지난 애니메이션을 다시 봅니다.")
    indexed_article(client_a, "만화 다시보기", answer="지난 만화를 다시 봅니다.")
    indexed_article(client_a, "요금 납부 방법", answer="요금은 자동이체나 카드로 냅니다.")
    assert titles(agent_a, client_a, "우리 애가 만화를 좋아해요")[:2] == [
        "만화 다시보기",
        "애니메이션 다시보기",
    ]


def test_only_words_the_clients_manuals_use_are_added(tv, agent_a, client_a, client_b):
    # Another client's manual holding 애니메이션 does not make it a word of client A's search.
    indexed_article(client_b, "애니메이션 무료 체험", answer="애니메이션을 한 달 무료로 봅니다.")
    hits = search(user=agent_a, client=client_a, query="만화 좋아하는 애").hits
    assert {h.title for h in hits} <= {a.title for a in tv}


@needs_fork
def test_neighbours_are_found_in_a_worker_forked_after_the_warm_up():
    meaning.warm_up()  # in the master, as config/wsgi.py does before gunicorn forks

    def ask_in_child() -> bool:
        meaning.neighbours.cache_clear()
        return "계좌" in dict(meaning.nearest("통장")["통장"])

    in_forked_child(ask_in_child)


def test_a_word_the_model_barely_saw_has_no_neighbours():
    # An untrained vector's "neighbours" are random words at one similarity (세뱃돈 → 가모, 추신 …).
    assert meaning.nearest_word("세뱃돈") == ()
    assert "임대인" in dict(meaning.nearest_word("집주인"))
    assert meaning.nearest_word("집주인한테 줄 돈") == ()  # one word at a time


@pytest.fixture
def lease(client_a):
    return [
        indexed_article(client_a, "전세자금대출 신청", answer="임대인 계좌로 대출금을 지급합니다."),
        indexed_article(client_a, "요금 납부 방법", answer="요금은 자동이체나 카드로 냅니다."),
    ]


def test_one_word_the_manuals_lack_finds_the_article_holding_its_nearest_word(lease, agent_a, client_a):
    assert titles(agent_a, client_a, "집주인") == ["전세자금대출 신청"]
    assert titles(agent_a, client_a, "세뱃돈") == []  # nothing near it: nothing rather than noise


def test_a_compound_kiwi_reads_apart_in_a_sentence_still_has_its_neighbours(lease, agent_a, client_a):
    # In this sentence Kiwi reads 집주인한테 as 집 + 주인; the index keeps 집주인 whole.
    assert "집주인" not in meaning.nearest("신혼집 구했는데 집주인한테 줄 돈이 모자라서요")
    assert titles(agent_a, client_a, "신혼집 구했는데 집주인한테 줄 돈이 모자라서요")[:1] == [
        "전세자금대출 신청"
    ]
