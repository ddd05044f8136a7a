"""Learned customer phrases: short phrases customers say on an article's calls ("숫자가 안 날아와요")
are learned with the words, kept only when specific to the article, and a customer's sentence that
matches one ranks the article above one that merely shares a word."""

from __future__ import annotations

import pytest
from django.test import TestCase

from knowledge.calls.models import CallRecord
from knowledge.models import LearnedExpression
from knowledge.search import services as search_services
from knowledge.search.interface import search
from knowledge.search.phrases import phrases

from .helpers import indexed_article

pytestmark = pytest.mark.django_db

QUERY = "화면이 안 켜져요"


def terms(text: str) -> set[str]:
    return {p.term for p in phrases(text)}


def test_phrases_keep_order_and_negation_and_skip_filler_and_compounds():
    assert terms("숫자가 안 날아와요") == {"숫자안날아오"}
    assert terms("문자가 오지 않아요") == {"문자안오"}  # a negation after the verb, too
    assert "숫자날아오" in terms("숫자가 날아와요") and "숫자안날아오" not in terms("숫자가 날아와요")
    assert terms("당분간 안 쓰려고요") == {"당분간안쓰"}
    # 좀, 하다, 이번: filler between the words does not break the phrase and is not part of it
    assert "한도늘리" in terms("한도를 좀 늘려 주세요")
    # one written word is a compound, which the index has as a word already
    assert terms("분실신고") == set()
    # a phrase does not run across a sentence
    assert "카드분실" not in terms("카드요. 분실 신고는 했어요")
    assert {p.surface for p in phrases("숫자가 안 날아와요")} == {"숫자가 안 날아와"}


def test_the_conversation_around_a_request_is_never_part_of_a_phrase():
    # greetings, 다름이 아니라, 급한데요, 확인 부탁드립니다, 답답하네요, 궁금해서요: on every call
    said = {
        "안녕하세요 보험금 청구하려고요 확인 부탁드립니다": {"보험금청구"},
        "수고하십니다 보험금 청구하고 싶어요": {"보험금청구"},
        "급한데요 보험금 청구했는데 언제 지급돼요 답답하네요": {"보험금청구"},
        "저기요 병원비 보험금 청구 서류가 뭐예요 궁금해서요": {"병원비보험금", "보험금청구", "청구서류"},
    }
    for text, wanted in said.items():
        got = {p.surface for p in phrases(text)}
        assert wanted <= terms(text), (text, got)
        assert not any(
            word in surface for surface in got for word in ("안녕", "수고", "급한데", "부탁", "답답", "궁금")
        ), (text, got)


def _calls(client, article, texts, prefix):
    CallRecord.objects.bulk_create(
        CallRecord(
            client=client,
            external_id=f"{prefix}-{i}",
            started_at="2026-10-01T10:00:00+09:00",
            inquiry=text,
            article=article,
        )
        for i, text in enumerate(texts)
    )


@pytest.fixture
def world(client_a):
    otp = indexed_article(
        client_a,
        "OTP 배터리 교체",
        answer="OTP 기기의 배터리가 다 되면 영업점에서 새 기기로 교체해 드립니다.",
    )
    app_screen = indexed_article(
        client_a, "앱 화면 오류", answer="앱 화면이 깨지거나 멈추면 앱을 지우고 다시 설치하도록 안내합니다."
    )
    # Customers describe a dead OTP device by its screen; app users speak of the screen too.
    _calls(
        client_a,
        otp,
        [
            f"{lead} 화면이 안 켜져요 확인 부탁드립니다"
            for lead in ("OTP", "이체하려는데", "아침부터", "보안기기")
        ]
        + ["화면이 안 켜져서 이체를 못 해요 확인 부탁드립니다", "OTP 기기 화면이 안 켜져요"],
        "V",
    )
    _calls(
        client_a,
        app_screen,
        [
            "앱 화면이 깨져 보여요 확인 부탁드립니다",
            "앱 화면이 하얗게 멈췄어요",
            "화면이 멈춰서 앱이 안 넘어가요",
        ]
        * 2,
        "N",
    )
    # The rest of the client's calls, none linked: the everyday "확인 부탁드립니다" is in them all.
    _calls(
        client_a,
        None,
        [
            f"{subject} 확인 부탁드립니다"
            for subject in ("요금 납부일", "주소 변경", "포인트 조회", "한도 상향")
        ]
        * 10,
        "O",
    )
    with TestCase.captureOnCommitCallbacks(execute=True):
        search_services.learned_from_calls(client=client_a)
    return otp, app_screen


def learned(article) -> dict[str, LearnedExpression]:
    return {e.text: e for e in LearnedExpression.objects.filter(article=article, removed_at__isnull=True)}


def test_a_phrase_specific_to_an_article_is_learned_and_filler_is_not(world):
    otp, app_screen = world
    mine = learned(otp)
    phrase = mine["화면이 안 켜"]
    assert (phrase.terms, phrase.calls, phrase.source) == ("화면안켜", 6, "calls")
    # weighted by calls × specificity: every call using it is this article's
    assert phrase.weight == pytest.approx(6.0)
    # 화면 is said on both articles' calls: not specific, not learned as a word for either
    assert "화면" not in mine and "화면" not in learned(app_screen)
    # everyday filler present across the client's calls is learned for nobody, as word or phrase
    everything = {e.text for e in LearnedExpression.objects.all()}
    assert not {t for t in everything if "부탁" in t or "확인" in t}


def test_a_sentence_matching_a_phrase_outranks_a_shared_word(world, agent_a, manager_a):
    otp, app_screen = world
    hits = [h.title for h in search(user=agent_a, client=otp.client, query=QUERY).hits]
    assert hits[0] == otp.title
    # the phrase without its negation is another phrase: it does not bring the article up
    hits = [h.title for h in search(user=agent_a, client=otp.client, query="화면이 켜져요").hits]
    assert hits[0] == app_screen.title
    # without the phrase, the article whose title holds the shared word 화면 comes first
    phrase = LearnedExpression.objects.get(article=otp, terms="화면안켜")
    with TestCase.captureOnCommitCallbacks(execute=True):
        search_services.learned_expression_remove(by=manager_a, expression=phrase)
    hits = [h.title for h in search(user=agent_a, client=otp.client, query=QUERY).hits]
    assert hits[0] == app_screen.title


def test_a_phrase_is_learned_per_client(world, client_b, agent_b):
    from knowledge.models import SearchTerm

    indexed_article(client_b, "OTP 배터리 교체", answer="OTP 기기의 배터리가 다 되면 교체해 드립니다.")
    assert not LearnedExpression.objects.filter(client=client_b).exists()
    assert not SearchTerm.objects.filter(client=client_b, term="화면안켜").exists()
    assert SearchTerm.objects.filter(client=world[0].client, term="화면안켜").exists()
    assert search(user=agent_b, client=client_b, query=QUERY).count == 0
