"""Search behaviour, written once and run against the backend of the database in use.

`SearchBackendBehaviour` is the shared mixin: the suite runs on SQLite (FTS5) and, in CI, again on
PostgreSQL (tsvector + GIN), so every behaviour below is held by both backends.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from knowledge.models import ArticleStatus, SearchDocument, SynonymGroup
from knowledge.search import interface
from knowledge.search.backends import get_backend
from knowledge.search.backends.postgres import PostgresBackend
from knowledge.search.backends.sqlite import SQLiteBackend
from knowledge.search.interface import index_articles, rebuild, remove_articles, search
from knowledge.search.query import Or, Term

from .helpers import indexed_article


def term_texts(expr) -> set[str]:
    if isinstance(expr, Term):
        return {expr.text}
    return {t for part in expr.parts for t in term_texts(part)}


def titles(result) -> list[str]:
    return [h.title for h in result.hits]


class SearchBackendBehaviour:
    @pytest.fixture(autouse=True)
    def _setup(self, org):
        self.org = org
        self.client_a, self.agent = org["client_a"], org["agent_a"]

    def find(self, query: str, **kw):
        return search(user=self.agent, client=self.client_a, query=query, **kw)

    def test_the_backend_matches_the_database(self):
        expected = {"sqlite": SQLiteBackend, "postgresql": PostgresBackend}[connection.vendor]
        assert isinstance(get_backend(), expected)

    def test_particles_and_endings_do_not_matter(self):
        indexed_article(self.client_a, "환불 요청 처리", answer="환불은 3영업일 안에 처리됩니다.")
        assert titles(self.find("환불해주세요")) == ["환불 요청 처리"]
        assert titles(self.find("환불을 받고 싶어요")) == ["환불 요청 처리"]

    def test_missing_and_extra_spaces(self):
        indexed_article(self.client_a, "카드 분실 신고", answer="분실 신고를 접수합니다.")
        indexed_article(self.client_a, "비밀번호 재설정", answer="앱에서 재설정합니다.")
        assert titles(self.find("카드분실신고")) == ["카드 분실 신고"]
        assert titles(self.find("비밀 번호")) == ["비밀번호 재설정"]

    def test_compounds_match_whole_or_split(self):
        indexed_article(self.client_a, "요금제 변경", answer="다음 달부터 적용됩니다.")
        assert titles(self.find("요금제")) == ["요금제 변경"]
        assert titles(self.find("요금 제")) == ["요금제 변경"]

    def test_the_last_word_is_a_prefix_while_typing(self):
        indexed_article(self.client_a, "소액결제 차단", answer="앱에서 차단합니다.")
        assert titles(self.find("소액결")) == ["소액결제 차단"]
        # A finished word (followed by a space) is not a prefix any more.
        assert titles(self.find("소액결 ")) == []

    @pytest.mark.parametrize("typed", ["카드분ㅅ", "카드분시", "ㅋㄷㅂㅅ", "ㅋㄷ 분실"])
    def test_half_built_syllables_and_initial_consonants(self, typed):
        indexed_article(self.client_a, "카드 분실 신고", answer="분실 신고를 접수합니다.")
        indexed_article(self.client_a, "카드 발급 안내", answer="발급은 5일 걸립니다.")
        assert titles(self.find(typed))[:1] == ["카드 분실 신고"]

    def test_one_jamo_typo_falls_back_to_the_closest_word(self):
        indexed_article(self.client_a, "해외 로밍 신청", answer="출국 전 앱에서 신청합니다.")
        result = self.find("로믱 신청")
        assert titles(result) == ["해외 로밍 신청"]
        assert result.fallback == "typo" and result.corrections == {"로믱": ["로밍"]}
        assert result.hits[0].score < 1.0

    def test_no_typo_fallback_when_the_exact_search_finds_enough(self):
        for i in range(3):
            indexed_article(self.client_a, f"로밍 안내 {i}", answer="로밍")
        indexed_article(self.client_a, "로망 이벤트", answer="이벤트")
        result = self.find("로밍")
        assert result.fallback == "" and "로망 이벤트" not in titles(result)

    def test_synonyms_apply_at_query_time(self):
        indexed_article(self.client_a, "회원 탈퇴 방법", answer="설정에서 탈퇴합니다.")
        assert titles(self.find("해지")) == []
        group = SynonymGroup.objects.create(terms="해지, 탈퇴, 해약")
        interface.synonyms_changed()
        assert titles(self.find("해지")) == ["회원 탈퇴 방법"]
        group.delete()
        interface.synonyms_changed()
        assert titles(self.find("해지")) == []

    def test_client_synonyms_stay_with_their_client(self):
        # (폰 → 휴대폰 ships in the colloquial lexicon for everyone: a client's own word here)
        indexed_article(self.org["client_b"], "휴대폰 분실", answer="분실 신고")
        SynonymGroup.objects.create(client=self.client_a, terms="갤폰, 휴대폰")
        interface.synonyms_changed()
        result = search(user=self.org["agent_b"], client=self.org["client_b"], query="갤폰")
        assert titles(result) == []

    def test_title_matches_rank_above_body_matches(self):
        indexed_article(self.client_a, "연회비 안내", answer="해지하시면 남은 기간만큼 돌려드립니다.")
        indexed_article(self.client_a, "카드 해지 절차", answer="해지 전 잔액을 확인합니다.")
        result = self.find("해지")
        assert titles(result) == ["카드 해지 절차", "연회비 안내"]
        assert result.hits[0].score == 1.0 and result.hits[1].score == 0.75

    def test_helpfulness_then_recency_break_ties(self, settings):
        old = indexed_article(
            self.client_a, "포인트 안내 A", answer="포인트", published_at=timezone.now() - timedelta(days=30)
        )
        new = indexed_article(self.client_a, "포인트 안내 B", answer="포인트", published_at=timezone.now())
        assert titles(self.find("포인트")) == ["포인트 안내 B", "포인트 안내 A"]
        settings.KNOWLEDGE_SEARCH_HELPFULNESS = "tests.knowledge.search.test_backends.helpful_old"
        HELPFUL[old.pk] = 0.9
        get_backend().index([old.pk, new.pk])
        assert titles(self.find("포인트")) == ["포인트 안내 A", "포인트 안내 B"]

    def test_agents_votes_lift_an_equally_relevant_article(self, django_capture_on_commit_callbacks):
        from knowledge.manuals import services as manual_services
        from tests.accounts.factories import UserFactory

        now = timezone.now()
        older = indexed_article(
            self.client_a, "마일리지 안내 A", answer="마일리지", published_at=now - timedelta(days=9)
        )
        indexed_article(self.client_a, "마일리지 안내 B", answer="마일리지", published_at=now)
        indexed_article(
            self.client_a, "마일리지 전환 기준", answer="마일리지 전환", published_at=now - timedelta(days=99)
        )
        # Without votes the newer of two equal articles comes first; a title match beats both.
        assert titles(self.find("마일리지 전환"))[:1] == ["마일리지 전환 기준"]
        assert titles(self.find("마일리지"))[:2] == ["마일리지 안내 B", "마일리지 안내 A"]
        voters = UserFactory.create_batch(3, clients=[self.client_a])
        with django_capture_on_commit_callbacks(execute=True):
            for voter in voters:
                manual_services.feedback_set(article=older, by=voter, helpful=True)
        assert SearchDocument.objects.get(pk=older.pk).helpfulness > 0.3
        assert titles(self.find("마일리지"))[:2] == ["마일리지 안내 A", "마일리지 안내 B"]
        # "Not helpful" votes take the lift away again.
        with django_capture_on_commit_callbacks(execute=True):
            for voter in voters:
                manual_services.feedback_set(article=older, by=voter, helpful=False)
        assert titles(self.find("마일리지"))[:2] == ["마일리지 안내 B", "마일리지 안내 A"]

    def test_words_missing_from_every_article_relax_the_query(self):
        indexed_article(self.client_a, "해외 카드 분실", answer="분실 신고")
        result = self.find("해외 카드 분실 긴급대책반")
        assert titles(result) == ["해외 카드 분실"] and result.fallback == "relaxed"
        assert result.hits[0].score < interface.GOOD_MATCH

    def test_only_published_articles_of_the_client_are_found(self):
        indexed_article(self.client_a, "분실 신고 게시됨", answer="분실")
        indexed_article(self.client_a, "분실 신고 초안", answer="분실", status=ArticleStatus.DRAFT)
        indexed_article(self.org["client_b"], "분실 신고 다른 고객사", answer="분실")
        assert titles(self.find("분실")) == ["분실 신고 게시됨"]

    def test_nobody_searches_a_client_they_cannot_see(self):
        indexed_article(self.org["client_b"], "누리 요금제", answer="요금제")
        result = search(user=self.agent, client=self.org["client_b"], query="요금제")
        assert result.hits == [] and result.count == 0

    def test_a_stale_index_row_never_shows_an_unpublished_article(self):
        article = indexed_article(self.client_a, "보류된 안내", answer="보류")
        type(article).objects.filter(pk=article.pk).update(status=ArticleStatus.ARCHIVED)
        assert titles(self.find("보류")) == []

    def test_index_and_remove_happen_on_commit(self, django_capture_on_commit_callbacks):
        article = indexed_article(self.client_a, "현금서비스 안내", answer="ATM")
        with django_capture_on_commit_callbacks(execute=True):
            remove_articles([article.pk])
            assert SearchDocument.objects.filter(pk=article.pk).exists()  # not before the commit
        assert titles(self.find("현금서비스")) == []
        with django_capture_on_commit_callbacks(execute=True):
            index_articles([article.pk])
        assert titles(self.find("현금서비스")) == ["현금서비스 안내"]

    def test_rebuild_restores_the_index(self):
        indexed_article(self.client_a, "명세서 재발송", answer="이메일로 보냅니다.")
        SearchDocument.objects.all().delete()
        assert titles(self.find("명세서")) == []
        assert rebuild(self.client_a) == 1
        assert titles(self.find("명세서")) == ["명세서 재발송"]

    @pytest.mark.parametrize(
        "hostile",
        [
            '"',
            "'",
            '카드" OR "',
            "카드 AND NOT",
            "NEAR(카드 분실)",
            "*",
            "카드:*",
            "a & b | !c",
            "\\",
            "');--",
            "{title}: x",
            "^",
            "ㅋ",
        ],
    )
    def test_query_syntax_in_user_input_is_harmless(self, hostile):
        indexed_article(self.client_a, "카드 분실", answer="분실")
        result = self.find(hostile)
        assert isinstance(result.hits, list)

    def test_snippets_are_escaped_and_marked(self):
        indexed_article(
            self.client_a, "스크립트 주의", answer="<script>alert(1)</script> 분실 신고를 받습니다."
        )
        hit = self.find("분실").hits[0]
        assert "<script>" not in hit.snippet and "&lt;script&gt;" in hit.snippet
        assert "<mark>분실</mark>" in hit.snippet
        assert hit.title_html == "스크립트 주의"

    def test_a_very_common_word_ranks_a_bounded_candidate_set_title_first(self, monkeypatch):
        for i in range(8):
            indexed_article(self.client_a, f"안내 {i}", answer="고객 응대 공통 문구")
        indexed_article(self.client_a, "고객 정보 변경", answer="정보 변경")
        monkeypatch.setattr(get_backend(), "candidates", 4)
        result = self.find("고객", limit=3)
        assert titles(result)[0] == "고객 정보 변경"
        assert result.count_capped and result.count == 4  # counted up to the candidate cap only

    # --- what an uncached search costs (statements) ------------------------------------------------
    def test_counts_are_per_expression_up_to_the_candidate_cap(self, monkeypatch):
        for i in range(5):
            indexed_article(self.client_a, f"분실 신고 {i}", answer="분실")
        indexed_article(self.client_a, "해외 결제", answer="해외")
        indexed_article(self.org["client_b"], "해외 분실", answer="해외 분실")  # another client's
        backend = get_backend()
        monkeypatch.setattr(backend, "candidates", 3)
        exprs = [Term("분실"), Term("해외"), Term("블록체인"), Or((Term("해외"), Term("분실")))]
        assert backend.counts(self.client_a.pk, exprs) == [3, 1, 0, 3]

    def test_typo_neighbours_of_several_words_are_those_of_each_word(self):
        indexed_article(self.client_a, "로밍 신청", answer="해외 로밍 요금 안내")
        backend = get_backend()
        words = ["로믱", "신쳥", "요긍", "블록체인"]
        each = {w: backend.near_terms(self.client_a.pk, w, 5) for w in words}
        assert each["로믱"] == ["로밍"] and each["신쳥"] == ["신청"] and each["블록체인"] == []
        assert backend.near_terms_of(self.client_a.pk, words, 5) == each
        assert backend.near_terms_of(self.client_a.pk, [], 5) == {}

    def test_a_search_asks_whether_its_words_are_known_once(self):
        indexed_article(self.client_a, "청약 철회", answer="가입 후 15일 안에 철회할 수 있습니다.")
        with CaptureQueriesContext(connection) as ctx:
            result = self.find("청약철휘 안내")
        assert titles(result) == ["청약 철회"]
        # Phrases, the typed words and the compound's splits share one look-up; the words near in
        # meaning (asked only when the strict phase leaves room) take one more, of their own.
        known = [
            sql
            for sql in (q["sql"] for q in ctx.captured_queries)
            if "knowledge_searchterm" in sql and re.search(r'\bterm"? IN \(', sql)
        ]
        assert 1 <= len(known) <= 2
        typed = ("'청약철휘'", "'안내'", "'청약'", "'철휘'")
        assert all(word in known[0] for word in typed)
        assert not any(word in later for later in known[1:] for word in typed)

    def test_slots_are_counted_in_one_statement_and_one_matching_nothing_leaves_the_fallbacks(
        self, monkeypatch
    ):
        indexed_article(self.client_a, "해외 카드 분실", answer="분실 신고")
        indexed_article(self.client_a, "카드 분실", answer="분실 신고")
        backend = get_backend()
        counted, matched = [], []
        counts, match = backend.counts, backend.match
        monkeypatch.setattr(backend, "counts", lambda c, exprs: counted.append(exprs) or counts(c, exprs))
        monkeypatch.setattr(
            backend, "match", lambda c, expr, **kw: matched.append(expr) or match(c, expr, **kw)
        )
        result = self.find("해외 카드 분실 블록체인 ")
        assert titles(result) == ["해외 카드 분실", "카드 분실"] and result.fallback == "relaxed"
        assert len(counted) == 1 and len(counted[0]) == 4
        after_counts = matched[1:]  # the strict phase ran first, with every word
        assert after_counts and all("블록체인" not in term_texts(e) for e in after_counts)

    # --- how customers talk (the shipped colloquial lexicon, typos inside compounds) --------------
    def test_callers_phrases_find_the_manuals_words_below_the_exact_ones(self):
        indexed_article(self.client_a, "카드 해지", answer="해지 전 남은 대금을 확인합니다.")
        indexed_article(self.client_a, "카드 정리 요령", answer="지갑 속 카드 정리 방법입니다.")
        indexed_article(self.client_a, "일시 정지", answer="최대 3개월 정지할 수 있습니다.")
        indexed_article(self.client_a, "인증번호 미수신", answer="인증번호 재전송을 안내합니다.")
        assert titles(self.find("이 카드 안 쓸 거예요"))[0] == "카드 해지"
        assert titles(self.find("당분간 안 쓰려고요"))[0] == "일시 정지"
        assert titles(self.find("숫자가 안 날아와요"))[0] == "인증번호 미수신"
        # the words typed count more than the lexicon's: 정리 is in an article's own title
        found = titles(self.find("카드 정리하려고요"))
        assert found.index("카드 정리 요령") < found.index("카드 해지")

    def test_a_life_event_finds_the_article_it_implies(self):
        indexed_article(self.client_a, "일시 정지", question="군 입대로 잠시 정지", answer="정지 안내")
        indexed_article(self.client_a, "요금제 변경", answer="요금제 변경 안내")
        assert titles(self.find("다음 달에 군대 가요"))[0] == "일시 정지"

    def test_everyday_words_in_a_long_sentence_do_not_push_the_answer_out(self):
        indexed_article(self.client_a, "환불 일정", answer="환불은 영업일 기준 3일 걸립니다.")
        for i in range(6):
            indexed_article(self.client_a, f"이번 달 안내 {i}", answer="이번 달 정말 많이 오는 문의입니다.")
        assert titles(self.find("이번 달에 정말 너무 답답한데 환불은 언제 되나요"))[0] == "환불 일정"

    def test_a_clients_colloquial_group_applies_to_that_client_only(self):
        indexed_article(self.client_a, "인터넷 장애 신고", answer="장애 접수")
        other = self.org["client_b"]
        indexed_article(other, "인터넷 장애 신고", answer="장애 접수")
        SynonymGroup.objects.create(
            client=self.client_a, kind="colloquial", terms="장애", phrases="집 인터넷 뻗었어요"
        )
        interface.synonyms_changed()
        assert titles(self.find("집 인터넷 뻗었어요 ㅠ"))[0] == "인터넷 장애 신고"
        assert search(user=self.org["agent_b"], client=other, query="뻗었어요 ㅠ").hits == []

    def test_a_typo_inside_a_compound_noun_is_corrected(self):
        indexed_article(self.client_a, "청약 철회", answer="가입 후 15일 안에 철회할 수 있습니다.")
        indexed_article(self.client_a, "긴급 출동 서비스", answer="견인과 배터리 충전")
        assert titles(self.find("청약철휘")) == ["청약 철회"]
        assert titles(self.find("긴급출돈")) == ["긴급 출동 서비스"]

    def test_a_key_pressed_twice_inside_a_compound_is_one_typo(self):
        # 첰크인: ㅋ pressed twice and ㅓ for ㅔ; the doubled key costs nothing, so 체크인 is one typo away.
        indexed_article(self.client_a, "온라인 체크인", answer="출발 24시간 전부터 앱에서 좌석을 고릅니다.")
        indexed_article(self.client_a, "온라인 결제", answer="이 경우 카드로 결제합니다.")
        assert titles(self.find("온라인첰크인")) == ["온라인 체크인"]
        assert titles(self.find("첰크인")) == ["온라인 체크인"]
        # Only the typed word's doubled key is forgiven: 경우 spells its ㅇㅇ, 겨울 is two jamo from it.
        assert "경우" not in get_backend().near_terms(self.client_a.pk, "겨울", 5)

    def test_a_word_cut_short_then_a_polite_ending_still_finds_its_word(self):
        indexed_article(self.client_a, "현금영수증 발급", answer="현금영수증은 앱에서 발급합니다.")
        assert titles(self.find("현금영수요")) == ["현금영수증 발급"]

    def test_a_word_cut_short_finds_nouns_the_manual_writes_apart(self):
        # Kiwi reads the cut word as 전 + 입신; the vocabulary reads it as 전입 + the start of 신청.
        indexed_article(self.client_a, "전입 신청", answer="이사 오시면 전입 신청 후 개통합니다.")
        indexed_article(self.client_a, "전출 정산", answer="이사 가시면 전출 정산을 합니다.")
        assert titles(self.find("전입신")) == ["전입 신청"]
        assert titles(self.find("전입신요")) == ["전입 신청"]  # then a stray polite ending

    def test_a_short_noun_kiwi_reads_as_a_particle_still_matches_whole(self):
        # 자가 검침 is read as 자 + 가 (a subject particle): 자가 is kept as an alternative.
        indexed_article(self.client_a, "자가검침 신청", answer="자가검침은 매월 앱으로 입력합니다.")
        indexed_article(self.client_a, "사용자 명의 변경", answer="검침일 전에 사용자를 바꿉니다.")
        assert titles(self.find("자가 검침"))[0] == "자가검침 신청"

    def test_a_typo_in_any_part_of_a_longer_compound_is_corrected(self):
        # No two-way split of 이체한도증엑 has a known side and a side one jamo from a known term.
        indexed_article(self.client_a, "이체 한도 증액", answer="1일 이체 한도는 보안매체에 따라 증액됩니다.")
        indexed_article(self.client_a, "이체 한도 조회", answer="남은 이체 한도를 앱에서 봅니다.")
        assert titles(self.find("이체한도증엑"))[0] == "이체 한도 증액"


HELPFUL: dict[int, float] = {}


def helpful_old(ids):
    return {i: HELPFUL.get(i, 0.0) for i in ids}


class TestSearchBackend(SearchBackendBehaviour):
    """The behaviour above on this run's database (SQLite locally, PostgreSQL in the CI's second run)."""


@pytest.mark.parametrize(
    ("votes", "expected"), [([], None), ([True], 0.207), ([True] * 20 + [False] * 2, 0.722), ([False], 0.0)]
)
def test_helpfulness_counts_many_votes_more_than_one(org, votes, expected):
    from knowledge.manuals.selectors import helpfulness_scores
    from knowledge.models import ArticleFeedback
    from tests.accounts.factories import UserFactory
    from tests.knowledge.factories import ArticleFactory

    article = ArticleFactory(client=org["client_a"])
    for helpful in votes:
        ArticleFeedback.objects.create(article=article, user=UserFactory(), helpful=helpful)
    score = helpfulness_scores([article.pk]).get(article.pk)
    assert score == pytest.approx(expected, abs=0.001) if expected is not None else score is None
