"""Topic mining: the clustering itself, the figures stored per topic, coverage against the manual,
the mine_topics command, and the quality of the topics on generated data with known topics."""

from __future__ import annotations

import io
import json
from collections import Counter
from datetime import date, datetime
from unittest import mock

import pytest
from django.core.management import CommandError, call_command
from sklearn.metrics import adjusted_rand_score

from knowledge.calls import mining, samples, services
from knowledge.calls.models import CallRecord, MiningRun, MiningStatus, Topic
from knowledge.search.interface import rebuild
from tests.knowledge.factories import published_article

from .conftest import KST

OCTOBER = (date(2026, 10, 1), date(2026, 10, 30))


# --- The clustering -------------------------------------------------------------------------
SMALL = [
    "카드를 잃어버렸어요 분실 신고 해주세요",
    "카드 분실했어요 정지해 주세요",
    "지갑을 잃어버려서 카드 분실 신고하려고요",
    "분실 신고하고 재발급 받고 싶어요",
    "해외에서 결제가 안 돼요",
    "해외 결제 승인이 거절됐어요",
    "해외 직구 결제가 안 돼요",
    "해외 사용 설정 켜 주세요",
    "포인트 소멸 예정이라는데 어떻게 써요",
    "포인트 적립이 안 됐어요",
    "포인트 현금으로 전환하고 싶어요",
    "적립 포인트 사용 방법 알려주세요",
]


def test_a_small_fixture_is_split_into_its_three_topics():
    texts = SMALL * 5  # every phrasing five times: identical texts are clustered once, weighted
    model = mining.cluster(texts, max_topics=10)
    assert len(model.clusters) == 3
    groups = [{texts[i] for i in c.members} for c in model.clusters]
    assert {frozenset(g) for g in groups} == {
        frozenset(SMALL[0:4]),
        frozenset(SMALL[4:8]),
        frozenset(SMALL[8:12]),
    }
    labels = " ".join(c.label for c in model.clusters)
    assert "분실" in labels and "해외" in labels and "포인트" in labels
    # members cover every text once; the most central text comes first and is a member
    assert sorted(i for c in model.clusters for i in c.members) == list(range(len(texts)))
    for c in model.clusters:
        assert c.central[0] in c.members
    # a new text lands in the topic of its words
    loss = next(i for i, c in enumerate(model.clusters) if "분실" in c.label)
    assert model.predict(["카드를 분실했는데 어떻게 하나요"]) == [loss]


def test_texts_that_differ_only_by_numbers_are_one_text():
    overseas = ["해외 결제가 안 돼요 주문번호 {n}", "해외 결제 승인 거절 {n}번", "해외 직구 결제 안 됨 {n}"]
    points = ["포인트 적립이 안 됐어요 {n}원", "포인트 소멸 {n}점", "포인트 전환 {n}원"]
    texts = [t.format(n=n) for n in range(20) for t in overseas + points]
    model = mining.cluster(texts, max_topics=10)
    assert len(model.clusters) == 2
    assert sorted(len(c.members) for c in model.clusters) == [60, 60]
    # one distinct normalised text per phrasing
    assert sorted(len(c.central) for c in model.clusters) == [3, 3]


def test_texts_without_usable_words_are_left_out():
    model = mining.cluster(["네", "12345", "...", *SMALL * 3], max_topics=10)
    assert sorted(model.unassigned) == [0, 1, 2]
    assert sum(len(c.members) for c in model.clusters) == len(SMALL) * 3


def test_the_number_of_topics_is_bounded_by_the_data():
    # a handful of calls is never split into a crowd of phrasings; lots of calls allow four per topic
    assert mining.choose_k(20, 10, 20) == 3
    assert mining.choose_k(4, 3, 20) == 2
    assert mining.choose_k(3000, 2500, 20) == 78
    assert mining.choose_k(100_000, 5000, 20) == 80
    assert mining.choose_k(100_000, 5000, 8) == 32
    assert mining.cluster([]).clusters == []


def test_the_trend_prediction_puts_each_mined_call_in_its_own_topic():
    # After k-means and the merge each call goes to its nearest topic centre (on this messy export,
    # some 35 of 600 calls leave their k-means cluster's topic); predicting last period's calls
    # must use that same rule, or trends compare two different groupings.
    from .blind_exports import rows

    calls = rows("b", "bank", 600)
    texts = mining.with_notes([c["inquiry"] for c in calls], [c["resolution"] for c in calls])
    model = mining.cluster(texts)
    topic_of = {i: t for t, c in enumerate(model.clusters) for i in c.members}
    assert len(model.clusters) >= 3
    assert model.predict(texts) == [topic_of.get(i, -1) for i in range(len(texts))]


@pytest.mark.parametrize("kind,seed", [("mall", 2), ("telecom", 3)])
def test_a_subject_k_means_found_in_two_halves_is_one_topic(kind, seed):
    # Average linkage over small k-means clusters left these as two topics a manager would read as
    # one (취소 · 반품 환불 · 금액 / 반품 환불 · 취소 · 환불 금액: 7 topics for 5 subjects, 8 for 6);
    # compared as whole topics they are about 0.5 alike, near subjects about 0.24.
    calls = _generated(kind, 1500, seed=seed)
    model = mining.cluster(mining.with_notes([c.inquiry for c in calls], [c.resolution for c in calls]))
    subjects = {c.topic for c in calls}
    assert len(model.clusters) == len(subjects), [c.label for c in model.clusters]
    ari, purity = agreement(model, [c.topic for c in calls])
    assert ari >= 0.95 and purity >= 0.98


def test_clustering_is_deterministic():
    texts = [c.inquiry for c in _generated("mall", 400)]
    first = [c.members for c in mining.cluster(texts).clusters]
    assert first == [c.members for c in mining.cluster(texts).clusters]


# --- Topic quality on generated data with known topics ---------------------------------------
def _generated(kind: str, count: int, seed: int = 3) -> list[samples.SampleCall]:
    return list(
        samples.generate(
            kind=kind,
            count=count,
            start=datetime(2026, 9, 1, tzinfo=KST),
            end=datetime(2026, 9, 30, tzinfo=KST),
            seed=seed,
            details=True,
        )
    )


def quality(kind: str, count: int = 1500) -> tuple[float, float, int, int]:
    """(adjusted Rand index, purity, topics found, topics generated) for one kind of client, mined
    as the service mines an import: the inquiries with the agents' resolutions."""
    calls = _generated(kind, count)
    model = mining.cluster(mining.with_notes([c.inquiry for c in calls], [c.resolution for c in calls]))
    truth = [c.topic for c in calls]
    ari, purity = agreement(model, truth)
    return ari, purity, len(model.clusters), len(set(truth))


def agreement(model: mining.ClusterModel, truth: list) -> tuple[float, float]:
    """(adjusted Rand index, purity) of the mined topics against the true subject of each text."""
    predicted = [-1] * len(truth)
    for topic, cluster in enumerate(model.clusters):
        for i in cluster.members:
            predicted[i] = topic
    purity = sum(Counter(truth[i] for i in c.members).most_common(1)[0][1] for c in model.clusters)
    return adjusted_rand_score(truth, predicted), purity / len(truth)


@pytest.mark.parametrize("kind", ["card", "telecom", "mall", "insurance"])
def test_mined_topics_recover_the_generated_topics(kind):
    """Each generated topic has 4–6 phrasings (some sharing no word with the others), openers,
    closers and numbers. Mined topics must be pure (one generated topic each) and agree with the
    generated ones (ARI 0 = chance, 1 = the same grouping). Phrasings that share no word meet in the
    agents' resolutions; words every topic has (openers, 주문번호) are found and left out; topics
    opening with the same noun phrase are merged. Measured (3,000 calls each, bench/mine_topics.py
    --quality): ARI ≥ 0.96 and purity ≥ 0.94 for every kind."""
    ari, purity, found, generated = quality(kind)
    assert purity >= 0.9, (kind, ari, purity)
    assert ari >= 0.7, (kind, ari, purity)
    assert generated - 2 <= found <= 2 * generated


# Exports written blind by other people (tests/knowledge/calls/blind_exports/), 3,000 calls as in
# bench/mine_topics.py --quality. Before the resolutions were compared apart from the customers'
# words (and topic words mentioned in passing elsewhere stopped counting as boilerplate), "a" card
# mined to ARI 0.61 and "b" bank to one topic (ARI 0.0); "d", measured once after those rules were
# chosen, card 0.77. Before k-means over-split into phrasings, "c" card was 0.60 and "e"
# electricity 0.67 ("e" measured once before and once after). Bars just under the figures now.
BLIND_BARS = {
    ("a", "card"): (0.9, 0.95),
    ("b", "bank"): (0.65, 0.8),
    ("c", "card"): (0.6, 0.8),
    ("d", "card"): (0.9, 0.95),
    ("e", "electricity"): (0.8, 0.9),  # measured once, after k-means was set to over-split
    ("e", "hospital"): (0.7, 0.85),  # 0.42 / 0.67 with two phrasings per topic
    ("f", "appliance"): (0.7, 0.8),  # 0.45 / 0.59 with two phrasings per topic
    ("g", "civil_120"): (0.65, 0.8),  # measured once, after four phrasings per topic were chosen
    ("h", "apartment_mgmt"): (0.7, 0.85),  # measured once, after the nearest-centre pass: 0.56 before
}


@pytest.mark.parametrize("export,kind", list(BLIND_BARS), ids=[f"{e}-{k}" for e, k in BLIND_BARS])
def test_exports_written_by_others_are_mined_into_their_subjects(export, kind):
    from .blind_exports import rows

    calls = rows(export, kind)
    model = mining.cluster(mining.with_notes([c["inquiry"] for c in calls], [c["resolution"] for c in calls]))
    ari, purity = agreement(model, [c["subject"] for c in calls])
    bar_ari, bar_purity = BLIND_BARS[export, kind]
    assert ari >= bar_ari and purity >= bar_purity, (ari, purity, [c.label for c in model.clusters])


def test_a_client_with_more_subjects_than_the_manager_reads_gets_at_most_max_topics():
    """k-means looks for four phrasings per topic; the merge then joins the most alike subjects
    until no more than max_topics remain, and never splits one subject's calls."""
    subjects = [
        ("카드 분실", "분실 신고 접수"),
        ("비밀번호 변경", "비밀번호 재설정 안내"),
        ("주소 변경", "청구지 주소 변경 처리"),
        ("연회비 환불", "연회비 환불 접수"),
        ("해외 결제 차단", "해외 결제 차단 설정"),
        ("포인트 소멸", "포인트 소멸 일정 안내"),
        ("자동이체 계좌", "출금 계좌 변경 처리"),
        ("명세서 이메일", "이메일 명세서 신청"),
    ]
    inquiries, resolutions, truth = [], [], []
    for subject, (asked, done) in enumerate(subjects):
        for n in range(40):
            inquiries.append(f"{asked} 문의 {'급해요' if n % 3 else ''} {n}")
            resolutions.append(done + (" 완료" if n % 2 else ""))
            truth.append(subject)
    model = mining.cluster(mining.with_notes(inquiries, resolutions), max_topics=5)
    assert len(model.clusters) <= 5, [c.label for c in model.clusters]
    for subject in range(len(subjects)):
        topics = {t for t, c in enumerate(model.clusters) for i in c.members if truth[i] == subject}
        assert len(topics) == 1, (subjects[subject], [c.label for c in model.clusters])


def test_near_subjects_stay_apart_and_phrasings_of_one_meet_in_the_agents_words():
    """분실 and 재발급 share the customers' nouns (카드, 잃어버리다) but agents handle them apart;
    two phrasings of 해외 결제 share no customer word but the same handling. Three topics."""
    lost = [
        "카드 잃어버렸어요 정지해 주세요",
        "카드 분실했는데 막아 주세요",
        "지갑째 카드 잃어버림 사용 정지 요청",
    ]
    reissue = [
        "잃어버린 카드 새로 보내 주세요",
        "카드 새로 받고 싶어요 잃어버려서",
        "분실한 카드 재발급 요청",
    ]
    abroad = [
        "해외 직구 결제 거절",
        "외국 사이트 결제가 안 돼요",
        "여행 중인데 승인이 안 나요",
        "결제 막혔다고 함 해외",
    ]
    notes = {0: "분실 등록 사용 정지 처리", 1: "재발급 접수 배송 안내", 2: "해외 사용 설정 변경 안내"}
    inquiries, resolutions, truth = [], [], []
    for subject, texts in enumerate((lost, reissue, abroad)):
        for n in range(40):
            inquiries.append(f"{texts[n % len(texts)]} {n}")
            resolutions.append(notes[subject] + (" 완료" if n % 2 else " 고객 이해함"))
            truth.append(subject)
    model = mining.cluster(mining.with_notes(inquiries, resolutions), max_topics=8)
    assert agreement(model, truth)[0] == 1.0, [c.label for c in model.clusters]


def test_a_small_group_of_phrasings_joins_the_topic_it_is_most_alike_unless_alike_none():
    """Groups 0-2 are big; 3 (2% of the calls) is most alike 1 and joins it; 4 (2%) is alike no
    topic (below ABSORB_SIMILARITY) and stays a subject of its own."""
    import numpy as np

    groups = np.array([0, 1, 2, 3, 4])
    sizes = np.array([40.0, 30.0, 26.0, 2.0, 2.0])
    sim = np.full((5, 5), 0.01)
    np.fill_diagonal(sim, 1.0)
    sim[3, 1] = sim[1, 3] = 0.3
    sim[3, 0] = sim[0, 3] = 0.1
    assert mining._absorb_small(groups, sim, sizes).tolist() == [0, 1, 2, 1, 4]
    # Nothing is small: nothing moves.
    assert mining._absorb_small(groups[:3], sim[:3, :3], sizes[:3]).tolist() == [0, 1, 2]


def test_a_topic_word_mentioned_in_passing_elsewhere_is_not_boilerplate():
    """안전점검 is what one topic is about and mentioned in passing in every other (겸사겸사 물어봄);
    고객님 is said evenly in all of them: only the greeting is left out."""
    import numpy as np
    from scipy.sparse import csr_matrix

    terms = np.array(["고객님", "안전점검", "이사", "요금", "해지"])
    rows, labels = [], []
    for topic in range(4):  # topic 0 is 안전점검; 1-3 are 이사, 요금, 해지
        for n in range(100):
            row = [0.0] * len(terms)
            row[0] = 1.0 if n % 3 else 0.0  # two calls in three, in every topic
            row[1 + topic] = 1.0  # the topic's own word
            row[1] = 1.0 if topic == 0 or n % 25 == 0 else 0.0  # 4% elsewhere: in passing
            rows.append(row)
            labels.append(topic)
    x = csr_matrix(np.array(rows))
    found = mining.boilerplate_terms(x, np.ones(len(rows)), np.array(labels), terms)
    assert found == frozenset({"고객님"})


def test_words_every_topic_has_never_name_a_topic():
    calls = _generated("telecom", 1500)
    model = mining.cluster(mining.with_notes([c.inquiry for c in calls], [c.resolution for c in calls]))
    assert "주문" in model.boilerplate  # from 주문번호 …, which customers add to any subject
    words = {w for c in model.clusters for w in c.label.replace(" · ", " ").split()}
    assert not words & {"주문", "가요", "부탁", "안녕", "수고", "답답"}, [c.label for c in model.clusters]
    assert not any(w.startswith(mining.NOTE) for w in words)  # resolutions group, never name


# --- The stored figures -------------------------------------------------------------------------
def _mine(client, by=None, period=OCTOBER) -> MiningRun:
    return services.mining_run_now(client=client, since=period[0], until=period[1], by=by)


def test_mining_stores_each_topic_with_its_figures(client_a, manager_a, card_calls):
    run = _mine(client_a, manager_a)
    assert run.status == MiningStatus.DONE
    assert run.record_count == 600 and run.previous_count == 300
    topics = list(run.topics.order_by("rank"))
    assert run.topic_count == len(topics) >= 6
    assert sum(t.size for t in topics) == 600
    assert [t.size for t in topics] == sorted((t.size for t in topics), reverse=True)
    by_pk = {c.pk: c for c in CallRecord.objects.filter(client=client_a)}
    for topic in topics:
        members = [by_pk[i] for i in topic.call_ids]
        assert topic.size == len(members) and topic.share == pytest.approx(topic.size / 600)
        assert topic.avg_duration == pytest.approx(sum(c.duration_seconds for c in members) / len(members))
        assert topic.transfer_rate == pytest.approx(sum(c.transferred for c in members) / len(members))
        assert topic.repeat_rate == pytest.approx(sum(c.repeat_contact for c in members) / len(members))
        assert topic.label and topic.keywords
        # representative inquiries are distinct texts of the topic's own calls
        texts = [r["text"] for r in topic.representative_inquiries]
        assert texts and len(texts) == len(set(texts))
        assert {r["id"] for r in topic.representative_inquiries} <= set(topic.call_ids)
        # the most common resolution is the one most of its calls got
        top = Counter(c.resolution for c in members).most_common(1)[0]
        assert topic.common_resolutions[0] == {"text": top[0], "count": top[1]}
        # every call of the topic is from October
        assert all(c.started_at.astimezone(KST).month == 10 for c in members)
        assert topic.previous_size is not None and topic.trend is not None
    assert sum(t.previous_size for t in topics) == pytest.approx(300, abs=len(topics))


def test_trend_compares_with_the_previous_period(client_a, card_calls):
    # In the previous period "loss" calls were three times as frequent as now: its trend is down.
    from .conftest import store_calls

    extra = [
        c
        for c in samples.generate(
            kind="card",
            count=900,
            start=datetime(2026, 9, 1, tzinfo=KST),
            end=datetime(2026, 9, 29, tzinfo=KST),
            seed=9,
            prefix="SEPX-",
        )
        if c.topic == "loss"
    ]
    store_calls(client_a, extra)
    run = _mine(client_a)
    loss = max(run.topics.all(), key=lambda t: "분실" in t.label and t.size)
    assert loss.trend < -0.3
    assert loss.previous_size > loss.size


def test_no_trend_when_the_data_begins_inside_the_previous_period(client_a):
    from .conftest import store_calls

    store_calls(client_a, _generated("card", 200))  # September only
    run = _mine(client_a, period=(date(2026, 9, 10), date(2026, 9, 30)))  # previous: Aug 19 – Sep 9
    assert run.previous_count == 0
    assert all(t.trend is None and t.previous_size is None for t in run.topics.all())


def test_mining_again_replaces_the_topics_and_is_one_run_per_period(client_a, card_calls):
    first = _mine(client_a)
    ids = set(first.topics.values_list("pk", flat=True))
    second = _mine(client_a)
    assert second.pk == first.pk
    assert MiningRun.objects.filter(client=client_a).count() == 1
    assert not ids & set(second.topics.values_list("pk", flat=True))
    assert Topic.objects.filter(client=client_a).count() == second.topic_count


def test_an_empty_period_gives_an_empty_run(client_a, card_calls):
    run = _mine(client_a, period=(date(2025, 1, 1), date(2025, 1, 31)))
    assert run.status == MiningStatus.DONE and run.record_count == 0 and run.topic_count == 0


def test_a_failing_mining_is_recorded(client_a, card_calls):
    with mock.patch.object(mining, "cluster", side_effect=RuntimeError("boom")), pytest.raises(RuntimeError):
        _mine(client_a)
    run = MiningRun.objects.get(client=client_a)
    assert run.status == MiningStatus.FAILED and "boom" in run.message
    assert run.topics.count() == 0


def test_mining_only_reads_the_client_it_mines(client_a, client_b, card_calls):
    from .conftest import store_calls

    store_calls(client_b, _generated("telecom", 200))
    run = _mine(client_a)
    ids = {i for t in run.topics.all() for i in t.call_ids}
    assert set(CallRecord.objects.filter(pk__in=ids).values_list("client", flat=True)) == {client_a.pk}


# --- Coverage against the manual ------------------------------------------------------------
@pytest.fixture
def manual(org, client_a, manager_a):
    """The published manual of client_a: lost cards and overseas payments, nothing else."""
    articles = [
        published_article(
            client=client_a,
            by=manager_a,
            title="카드 분실 신고와 재발급",
            question="카드를 잃어버렸어요",
            answer="분실 신고를 접수하고 카드 사용을 정지합니다. 재발급을 신청해 드립니다.",
            tags="분실, 도난, 정지",
        ),
        published_article(
            client=client_a,
            by=manager_a,
            title="해외 결제 차단 해제",
            question="해외에서 카드 결제가 안 돼요",
            answer="해외 결제 차단 설정을 해제하고 해외 사용을 등록합니다. 승인 거절 사유를 확인합니다.",
            tags="해외, 결제, 승인",
        ),
    ]
    rebuild(client_a)
    return articles


def test_topics_the_manual_answers_are_covered_and_the_rest_are_gaps(client_a, manager_a, card_calls, manual):
    lost, overseas = manual
    run = _mine(client_a, manager_a)
    topics = list(run.topics.all())
    covered = [t for t in topics if t.covered_by_id]
    gaps = [t for t in topics if t.is_gap]
    assert {t.covered_by_id for t in covered} == {lost.pk, overseas.pk}
    for t in covered:
        expected = lost.pk if "분실" in t.label or "정지" in t.label else overseas.pk
        assert t.covered_by_id == expected, t.label
        assert t.coverage_score >= 0.5
    gap_words = " ".join(t.label for t in gaps)
    assert "포인트" in gap_words and "한도" in gap_words
    # coverage % = calls in covered topics / all calls
    assert run.covered_calls == sum(t.size for t in covered)
    assert run.coverage == pytest.approx(run.covered_calls / run.record_count)
    assert 0 < run.coverage < 1


def test_a_draft_or_another_clients_article_does_not_cover(
    org, client_a, client_b, manager_a, manager_b, card_calls
):
    from tests.knowledge.factories import DraftArticleFactory

    DraftArticleFactory(client=client_a, title="카드 분실 신고", answer="분실 신고 접수 후 정지")
    published_article(client=client_b, by=manager_b, title="카드 분실 신고", answer="분실 신고 접수 후 정지")
    rebuild()
    run = _mine(client_a, manager_a)
    assert run.covered_calls == 0 and run.coverage == 0
    assert all(t.is_gap for t in run.topics.all())


# --- After an import, on demand, and from the shell ------------------------------------------
def test_an_import_mines_the_period_it_covers(
    org, client_a, manager_a, export, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        job = services.import_file(client=client_a, path=export(), by=manager_a)
    run = MiningRun.objects.get(client=client_a)
    assert (run.period_start, run.period_end) == (date(2026, 10, 3), date(2026, 10, 4))
    assert run.status == MiningStatus.DONE and run.record_count == job.rows_created == 3


def test_a_rejected_dry_run_or_unmined_import_mines_nothing(
    client_a, export, django_capture_on_commit_callbacks
):
    from .conftest import rows_fixture
    from .test_import import BAD_ROWS

    with django_capture_on_commit_callbacks(execute=True):
        services.import_file(client=client_a, path=export([*rows_fixture(), BAD_ROWS[0][0]]))
        services.import_file(client=client_a, path=export(), dry_run=True)
        services.import_file(client=client_a, path=export(), mine=False)
    assert not MiningRun.objects.exists()


def test_mining_on_demand_needs_a_manager_of_the_client(
    org, client_a, agent_a, manager_b, manager_a, card_calls, django_capture_on_commit_callbacks
):
    from django.core.exceptions import PermissionDenied, ValidationError

    for user in (agent_a, manager_b):
        with pytest.raises(PermissionDenied):
            services.mining_request(client=client_a, since=OCTOBER[0], until=OCTOBER[1], by=user)
    with pytest.raises(ValidationError):
        services.mining_request(client=client_a, since=OCTOBER[1], until=OCTOBER[0], by=manager_a)
    assert not MiningRun.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        run = services.mining_request(client=client_a, since=OCTOBER[0], until=OCTOBER[1], by=manager_a)
    run.refresh_from_db()
    assert run.status == MiningStatus.DONE and run.topic_count > 0  # the eager Celery task ran


def test_mine_topics_command_writes_the_json_format(client_a, card_calls, manual, admin_user, tmp_path):
    out_file = tmp_path / "topics.json"
    out = io.StringIO()
    call_command(
        "mine_topics",
        "--client",
        client_a.slug,
        "--since",
        "2026-10-01",
        "--until",
        "2026-10-30",
        "--json",
        str(out_file),
        stdout=out,
    )
    payload = json.loads(out_file.read_text(encoding="utf-8"))
    run = MiningRun.objects.get(client=client_a)
    assert len(payload["topics"]) == run.topic_count
    external = set(CallRecord.objects.filter(client=client_a).values_list("external_id", flat=True))
    seen: set[str] = set()
    for entry, topic in zip(payload["topics"], run.topics.order_by("rank"), strict=True):
        assert {"label", "size", "call_ids", "covered_by"} <= set(entry)
        assert entry["label"] == topic.label and entry["size"] == topic.size == len(entry["call_ids"])
        assert set(entry["call_ids"]) <= external and all(i.startswith("OCT-") for i in entry["call_ids"])
        assert entry["covered_by"] == topic.covered_by_id
        assert entry["covered_by"] is None or isinstance(entry["covered_by"], int)
        seen |= set(entry["call_ids"])
    assert len(seen) == 600
    assert any(e["covered_by"] for e in payload["topics"]) and any(
        e["covered_by"] is None for e in payload["topics"]
    )
    assert "600 calls" in out.getvalue() and "[gap]" in out.getvalue()


def test_mine_topics_command_rejects_bad_input(client_a, card_calls):
    with pytest.raises(CommandError, match="no client company"):
        call_command("mine_topics", "--client", "nope")
    with pytest.raises(CommandError, match="not a date"):
        call_command("mine_topics", "--client", client_a.slug, "--since", "2026-13-01")
    with pytest.raises(CommandError, match="before the start"):
        call_command(
            "mine_topics", "--client", client_a.slug, "--since", "2026-10-30", "--until", "2026-10-01"
        )
    assert not MiningRun.objects.exists()
