"""The manual pages: who may use each URL, what they show, and bad input."""

from __future__ import annotations

from http import HTTPStatus

import pytest
from django.urls import reverse

from knowledge.manuals import services
from knowledge.models import Article, ArticleFeedback, ArticleStatus, ArticleSuggestion, SuggestionStatus
from tests.knowledge.factories import ArticleFactory, CategoryFactory

pytestmark = pytest.mark.django_db


# --- Who may read ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("agent_a", HTTPStatus.OK),
        ("manager_a", HTTPStatus.OK),
        ("admin_user", HTTPStatus.OK),
        ("agent_b", HTTPStatus.NOT_FOUND),
        ("manager_b", HTTPStatus.NOT_FOUND),
    ],
)
def test_article_page_follows_the_rule(as_user, org, article_a, who, expected):
    response = as_user(org[who]).get(article_a.get_absolute_url())
    assert response.status_code == expected


@pytest.mark.parametrize(
    "name", ["knowledge:article", "knowledge:history", "knowledge:edit", "knowledge:suggest"]
)
def test_anonymous_is_sent_to_login(client, article_a, name):
    response = client.get(reverse(name, args=[article_a.pk]))
    assert response.status_code == HTTPStatus.FOUND and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize(
    "name",
    ["knowledge:article", "knowledge:history", "knowledge:edit", "knowledge:suggest", "knowledge:diff"],
)
def test_agent_of_another_client_gets_404_everywhere(as_user, org, article_a, name):
    assert as_user(org["agent_b"]).get(reverse(name, args=[article_a.pk])).status_code == HTTPStatus.NOT_FOUND


def test_agents_do_not_see_drafts_or_review_items_of_others(as_user, org):
    draft = ArticleFactory(client=org["client_a"], status=ArticleStatus.DRAFT, title="초안 매뉴얼")
    review = ArticleFactory(client=org["client_a"], status=ArticleStatus.REVIEW, title="검토 매뉴얼")
    c = as_user(org["agent_a"])
    for article in (draft, review):
        assert c.get(article.get_absolute_url()).status_code == HTTPStatus.NOT_FOUND
    listing = c.get(reverse("knowledge:client", args=[org["client_a"].slug])).content.decode()
    assert "초안 매뉴얼" not in listing and "검토 매뉴얼" not in listing
    manager_view = as_user(org["manager_a"]).get(reverse("knowledge:client", args=[org["client_a"].slug]))
    assert "초안 매뉴얼" in manager_view.content.decode()


def test_client_page_of_an_unserved_client_is_404(as_user, org):
    assert (
        as_user(org["agent_a"]).get(reverse("knowledge:client", args=[org["client_b"].slug])).status_code
        == 404
    )
    assert as_user(org["manager_a"]).get(reverse("knowledge:client", args=["no-such"])).status_code == 404


def test_home_lists_only_visible_clients(as_user, org, article_a, article_b):
    response = as_user(org["manager_a"]).get(reverse("knowledge:home"))
    body = response.content.decode()
    assert "한빛카드" in body and "누리텔레콤" not in body
    admin = as_user(org["admin_user"]).get(reverse("knowledge:home")).content.decode()
    assert "한빛카드" in admin and "누리텔레콤" in admin


def test_agent_home_shows_their_suggestions_and_recent_updates(as_user, org, article_a):
    services.suggestion_create(article=article_a, by=org["agent_a"], content={"answer": "제안"})
    response = as_user(org["agent_a"]).get(reverse("knowledge:home"))
    assert [s.article for s in response.context["my_suggestions"]] == [article_a]
    assert response.context["recent"] == [article_a]
    assert not response.context["curator"]


def test_client_page_filters_by_category_and_status(as_user, org):
    card = CategoryFactory(client=org["client_a"], name="카드")
    lost = CategoryFactory(client=org["client_a"], name="분실", parent=card)
    ArticleFactory(client=org["client_a"], category=lost, title="분실 신고")
    ArticleFactory(client=org["client_a"], title="결제일 변경")
    ArticleFactory(client=org["client_a"], status=ArticleStatus.DRAFT, title="초안")
    c = as_user(org["manager_a"])
    url = reverse("knowledge:client", args=[org["client_a"].slug])
    titles = [a.title for a in c.get(url, {"category": card.pk}).context["page"]]
    assert titles == ["분실 신고"]  # a parent category includes its children
    titles = [a.title for a in c.get(url, {"status": "draft"}).context["page"]]
    assert titles == ["초안"]


def test_client_page_query_count(as_user, org, django_assert_max_num_queries):
    for i in range(30):
        ArticleFactory(
            client=org["client_a"], category=CategoryFactory(client=org["client_a"]), title=f"글 {i}"
        )
    c = as_user(org["manager_a"])
    url = reverse("knowledge:client", args=[org["client_a"].slug])
    c.get(url)
    with django_assert_max_num_queries(16):
        assert c.get(url).status_code == 200


def test_article_page_query_count(as_user, org, article_a, django_assert_max_num_queries):
    related = [ArticleFactory(client=org["client_a"]) for _ in range(5)]
    article_a.related.add(*related)
    c = as_user(org["agent_a"])
    c.get(article_a.get_absolute_url())
    with django_assert_max_num_queries(14):
        assert c.get(article_a.get_absolute_url()).status_code == 200


def test_article_page_shows_script_with_copy_button_and_sanitised_markdown(as_user, org):
    article = ArticleFactory(
        client=org["client_a"],
        answer="**고객님**, 안내해 드리겠습니다.<script>alert(1)</script><img src=x onerror=alert(2)>",
        steps="1. 본인 확인\n2. 분실 신고",
        cautions="[위험](javascript:alert(3))",
    )
    body = as_user(org["agent_a"]).get(article.get_absolute_url()).content.decode()
    assert "<strong>고객님</strong>" in body
    assert 'data-copy="#answer-script"' in body
    assert "<script>alert" not in body and "onerror" not in body and "javascript:" not in body
    assert "본인 확인" in body


def test_related_articles_of_other_clients_or_unpublished_are_not_shown(as_user, org, article_a):
    visible = ArticleFactory(client=org["client_a"], title="관련 공개 글")
    hidden = ArticleFactory(client=org["client_a"], title="관련 초안 글", status=ArticleStatus.DRAFT)
    article_a.related.add(visible, hidden)
    body = as_user(org["agent_a"]).get(article_a.get_absolute_url()).content.decode()
    assert "관련 공개 글" in body and "관련 초안 글" not in body


# --- Writing -----------------------------------------------------------------------------------
def test_agent_proposes_an_article_through_the_form(as_user, org):
    c = as_user(org["agent_a"])
    url = reverse("knowledge:create", args=[org["client_a"].slug])
    response = c.post(
        url, {"title": "포인트 기부", "answer": "고객님, 포인트 기부는 ...", "tags": "포인트, 기부"}
    )
    article = Article.objects.get()
    assert response["Location"] == article.get_absolute_url()
    assert article.status == ArticleStatus.REVIEW and article.tags == "포인트, 기부"


def test_create_form_reports_missing_answer_and_stores_nothing(as_user, org):
    response = as_user(org["manager_a"]).post(
        reverse("knowledge:create", args=[org["client_a"].slug]), {"title": "제목만"}
    )
    assert response.status_code == 200
    assert "answer" in response.context["form"].errors
    assert not Article.objects.exists()


def test_create_for_another_client_is_refused(as_user, org):
    response = as_user(org["agent_a"]).post(
        reverse("knowledge:create", args=[org["client_b"].slug]), {"title": "x", "answer": "y"}
    )
    assert response.status_code == 404
    assert not Article.objects.exists()


def test_manager_edit_of_published_article_requires_a_reason(as_user, org, article_a):
    c = as_user(org["manager_a"])
    url = reverse("knowledge:edit", args=[article_a.pk])
    data = {"title": article_a.title, "answer": "바뀐 답변", "comment": ""}
    response = c.post(url, data)
    assert response.status_code == 200 and "comment" in response.context["form"].errors
    article_a.refresh_from_db()
    assert article_a.answer != "바뀐 답변"
    c.post(url, {**data, "comment": "약관 개정 반영"})
    article_a.refresh_from_db()
    assert article_a.answer == "바뀐 답변" and article_a.revisions.count() == 2


def test_agent_edit_of_published_article_goes_to_suggestion(as_user, org, article_a):
    c = as_user(org["agent_a"])
    response = c.get(reverse("knowledge:edit", args=[article_a.pk]))
    assert response["Location"] == reverse("knowledge:suggest", args=[article_a.pk])
    response = c.post(
        reverse("knowledge:suggest", args=[article_a.pk]),
        {"title": article_a.title, "answer": "제안 답변", "note": "최신 약관"},
    )
    suggestion = ArticleSuggestion.objects.get()
    assert response["Location"] == suggestion.get_absolute_url()
    article_a.refresh_from_db()
    assert article_a.answer != "제안 답변"


def test_manager_of_another_team_cannot_edit_or_publish(as_user, org, article_a):
    c = as_user(org["manager_b"])
    assert (
        c.post(
            reverse("knowledge:edit", args=[article_a.pk]), {"title": "x", "answer": "y", "comment": "z"}
        ).status_code
        == 404
    )
    assert (
        c.post(reverse("knowledge:action", args=[article_a.pk, "archive"]), {"comment": "z"}).status_code
        == 404
    )
    article_a.refresh_from_db()
    assert article_a.status == ArticleStatus.PUBLISHED and article_a.title == "해외에서 카드 분실 신고"


def test_agent_cannot_publish_or_archive(as_user, org, article_a):
    c = as_user(org["agent_a"])
    assert (
        c.post(reverse("knowledge:action", args=[article_a.pk, "archive"]), {"comment": "z"}).status_code
        == 403
    )
    proposal = services.article_create(
        client=org["client_a"], by=org["agent_a"], content={"title": "t", "answer": "a"}
    )
    assert (
        c.post(reverse("knowledge:action", args=[proposal.pk, "publish"]), {"comment": "z"}).status_code
        == 403
    )
    proposal.refresh_from_db()
    assert proposal.status == ArticleStatus.REVIEW


def test_publish_without_comment_shows_an_error(as_user, org):
    proposal = services.article_create(
        client=org["client_a"], by=org["agent_a"], content={"title": "t", "answer": "a"}
    )
    c = as_user(org["manager_a"])
    response = c.post(
        reverse("knowledge:action", args=[proposal.pk, "publish"]), {"comment": ""}, follow=True
    )
    assert "Say why" in response.content.decode()
    proposal.refresh_from_db()
    assert proposal.status == ArticleStatus.REVIEW
    c.post(
        reverse("knowledge:action", args=[proposal.pk, "publish"]),
        {"comment": "확인", "version": proposal.edit_version},  # the version on the page (issue 18)
    )
    proposal.refresh_from_db()
    assert proposal.status == ArticleStatus.PUBLISHED


def test_unknown_action_is_404(as_user, org, article_a):
    assert (
        as_user(org["manager_a"])
        .post(reverse("knowledge:action", args=[article_a.pk, "explode"]))
        .status_code
        == 404
    )


# --- Review, suggestions, history, diff --------------------------------------------------------
def test_review_queue_is_for_managers_of_the_client(as_user, org, article_a):
    services.suggestion_create(article=article_a, by=org["agent_a"], content={"answer": "제안"})
    assert as_user(org["agent_a"]).get(reverse("knowledge:review")).status_code == 403
    assert len(as_user(org["manager_b"]).get(reverse("knowledge:review")).context["suggestions"]) == 0
    assert len(as_user(org["manager_a"]).get(reverse("knowledge:review")).context["suggestions"]) == 1


@pytest.mark.parametrize(
    ("who", "expected"),
    [("agent_a", 200), ("manager_a", 200), ("admin_user", 200), ("agent_b", 404), ("manager_b", 404)],
)
def test_suggestion_page_visibility(as_user, org, article_a, who, expected):
    suggestion = services.suggestion_create(article=article_a, by=org["agent_a"], content={"answer": "제안"})
    assert as_user(org[who]).get(suggestion.get_absolute_url()).status_code == expected


def test_another_agent_of_the_same_client_cannot_read_a_suggestion(as_user, org, article_a):
    from tests.accounts.factories import UserFactory

    colleague = UserFactory(team=org["team_a"], clients=[org["client_a"]])
    suggestion = services.suggestion_create(article=article_a, by=org["agent_a"], content={"answer": "제안"})
    assert as_user(colleague).get(suggestion.get_absolute_url()).status_code == 404


def test_manager_accepts_a_suggestion_from_its_page(as_user, org, article_a):
    suggestion = services.suggestion_create(
        article=article_a, by=org["agent_a"], content={"answer": "제안 답변"}
    )
    c = as_user(org["manager_a"])
    page = c.get(suggestion.get_absolute_url())
    assert "<ins>" in page.content.decode()
    response = c.post(suggestion.get_absolute_url(), {"decision": "accept", "comment": ""})
    assert response.status_code == 200 and "comment" in response.context["form"].errors
    c.post(suggestion.get_absolute_url(), {"decision": "accept", "comment": "반영"})
    suggestion.refresh_from_db()
    article_a.refresh_from_db()
    assert suggestion.status == SuggestionStatus.ACCEPTED and article_a.answer == "제안 답변"


def test_author_cannot_decide_their_own_suggestion(as_user, org, article_a):
    suggestion = services.suggestion_create(article=article_a, by=org["agent_a"], content={"answer": "제안"})
    response = as_user(org["agent_a"]).post(
        suggestion.get_absolute_url(), {"decision": "accept", "comment": "나"}
    )
    assert response.status_code == 403
    suggestion.refresh_from_db()
    assert suggestion.status == SuggestionStatus.PENDING


def test_history_diff_and_restore(as_user, org, article_a):
    services.article_update(
        article=article_a,
        by=org["manager_a"],
        content={"answer": "고객님, 지금 분실 신고를 도와드리겠습니다.\n추가 안내"},
        comment="문장 다듬기",
    )
    c = as_user(org["agent_a"])
    history = c.get(reverse("knowledge:history", args=[article_a.pk])).content.decode()
    assert "문장 다듬기" in history and "r2" in history
    assert "Restore" not in history  # agents read history but cannot restore
    side = c.get(reverse("knowledge:diff", args=[article_a.pk]), {"a": 1, "b": 2}).content.decode()
    assert "<del>바로 </del>" in side and "<ins>추가 안내</ins>" in side
    inline = c.get(reverse("knowledge:diff", args=[article_a.pk]), {"a": 2, "b": 1, "mode": "inline"})
    assert inline.context["old"].number == 1 and inline.context["mode"] == "inline"
    assert c.get(reverse("knowledge:diff", args=[article_a.pk]), {"a": 1, "b": 9}).status_code == 404

    assert c.post(reverse("knowledge:restore", args=[article_a.pk, 1]), {"comment": "x"}).status_code == 403
    m = as_user(org["manager_a"])
    m.post(reverse("knowledge:restore", args=[article_a.pk, 1]), {"comment": ""})
    assert article_a.revisions.count() == 2  # no reason, no restore
    m.post(reverse("knowledge:restore", args=[article_a.pk, 1]), {"comment": "이전 문구가 정확"})
    article_a.refresh_from_db()
    assert (
        article_a.revisions.count() == 3
        and article_a.answer == "고객님, 지금 바로 분실 신고를 접수해 드리겠습니다."
    )


def test_diff_escapes_html_in_content(as_user, org, article_a):
    services.article_update(
        article=article_a, by=org["manager_a"], content={"answer": "<b>굵게</b>"}, comment="x"
    )
    body = as_user(org["manager_a"]).get(reverse("knowledge:diff", args=[article_a.pk])).content.decode()
    assert "&lt;b&gt;" in body and "<b>굵게" not in body


# --- Feedback ----------------------------------------------------------------------------------
def test_feedback_is_one_per_person_and_changeable(as_user, org, article_a):
    c = as_user(org["agent_a"])
    url = reverse("knowledge:feedback", args=[article_a.pk])
    c.post(url, {"helpful": "1"})
    c.post(url, {"helpful": "0", "comment": "해외 긴급 연락처가 없어요"})
    feedback = ArticleFeedback.objects.get()
    assert (feedback.helpful, feedback.comment) == (False, "해외 긴급 연락처가 없어요")


def test_feedback_bad_input_and_other_clients(as_user, org, article_a):
    c = as_user(org["agent_a"])
    c.post(reverse("knowledge:feedback", args=[article_a.pk]), {"helpful": "maybe"})
    c.post(reverse("knowledge:feedback", args=[article_a.pk]), {"helpful": "1", "comment": "가" * 501})
    assert not ArticleFeedback.objects.exists()
    assert (
        as_user(org["agent_b"])
        .post(reverse("knowledge:feedback", args=[article_a.pk]), {"helpful": "1"})
        .status_code
        == 404
    )
    assert not ArticleFeedback.objects.exists()


def test_feedback_counts_are_shown_to_managers_only(as_user, org, article_a):
    services.feedback_set(article=article_a, by=org["agent_a"], helpful=False, comment="부족합니다")
    manager_page = as_user(org["manager_a"]).get(article_a.get_absolute_url())
    assert manager_page.context["counts"] == {"helpful": 0, "unhelpful": 1}
    agent_page = as_user(org["agent_a"]).get(article_a.get_absolute_url())
    assert "counts" not in agent_page.context
    report = reverse("knowledge:feedback_report", args=[org["client_a"].slug])
    assert "부족합니다" in as_user(org["manager_a"]).get(report).content.decode()
    assert as_user(org["agent_a"]).get(report).status_code == 403
    assert as_user(org["manager_b"]).get(report).status_code == 404


# --- Verification ------------------------------------------------------------------------------
def test_verify_sets_the_next_date(as_user, org, article_a):
    c = as_user(org["manager_a"])
    c.post(reverse("knowledge:verify", args=[article_a.pk]), {"verify_by": "2001-01-01"})
    c.post(reverse("knowledge:verify", args=[article_a.pk]), {"verify_by": "not a date"})
    article_a.refresh_from_db()
    assert article_a.verify_by is None
    c.post(reverse("knowledge:verify", args=[article_a.pk]), {"verify_by": "2099-01-01"})
    article_a.refresh_from_db()
    assert str(article_a.verify_by) == "2099-01-01"
    assert (
        as_user(org["agent_a"])
        .post(reverse("knowledge:verify", args=[article_a.pk]), {"verify_by": "2099-02-01"})
        .status_code
        == 403
    )


# --- Dashboard ---------------------------------------------------------------------------------
def test_dashboard_widgets(as_user, org, article_a):
    agent_home = as_user(org["agent_a"]).get(reverse("home")).content.decode()
    assert "해외에서 카드 분실 신고" in agent_home
    services.suggestion_create(article=article_a, by=org["agent_a"], content={"answer": "제안"})
    response = as_user(org["manager_a"]).get(reverse("home"))
    widget = next(w for w in response.context["widgets"] if w.template == "knowledge/widgets/manager.html")
    assert widget.context["queue_count"] == 1
