"""Draft → in review → published → archived; revisions, restore, suggestions, notifications, audit."""

from __future__ import annotations

from unittest import mock

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from accounts.models import AuditEvent, Notification
from knowledge.manuals import services
from knowledge.models import (
    Article,
    ArticleRevision,
    ArticleStatus,
    ArticleSuggestion,
    RevisionKind,
    SuggestionStatus,
)
from tests.knowledge.factories import CategoryFactory

pytestmark = pytest.mark.django_db


def test_agent_proposes_an_article_that_goes_to_review_and_managers_are_told(org):
    article = services.article_create(
        client=org["client_a"],
        by=org["agent_a"],
        content={"title": "포인트 기부", "answer": "고객님, 포인트 기부 안내해 드리겠습니다."},
    )
    assert article.status == ArticleStatus.REVIEW
    assert article.created_by == org["agent_a"]
    assert Notification.objects.filter(recipient=org["manager_a"], verb__contains="포인트 기부").exists()
    assert not Notification.objects.filter(recipient=org["manager_b"]).exists()


def test_agent_cannot_propose_for_a_client_they_do_not_serve(org):
    with pytest.raises(PermissionDenied):
        services.article_create(
            client=org["client_b"], by=org["agent_a"], content={"title": "x", "answer": "y"}
        )
    assert not Article.objects.exists()


def test_publish_writes_a_revision_audit_and_notifies_the_author(org, django_capture_on_commit_callbacks):
    draft = services.article_create(
        client=org["client_a"],
        by=org["agent_a"],
        content={"title": "분실 카드 습득", "answer": "감사합니다."},
    )
    with (
        mock.patch("knowledge.search.interface.index_articles") as index,
        django_capture_on_commit_callbacks(execute=True),
    ):
        revision = services.article_publish(article=draft, by=org["manager_a"], comment="고객사 확인 완료")
    draft.refresh_from_db()
    assert draft.status == ArticleStatus.PUBLISHED and draft.published_at is not None
    assert (revision.number, revision.kind, revision.comment) == (1, RevisionKind.PUBLISH, "고객사 확인 완료")
    assert revision.created_by == org["manager_a"] and revision.answer == "감사합니다."
    index.assert_called_once_with([draft.pk])
    event = AuditEvent.objects.get(action="knowledge.article.publish")
    assert event.actor == org["manager_a"] and event.reason == "고객사 확인 완료"
    assert Notification.objects.filter(recipient=org["agent_a"], verb__contains="published").exists()


def test_publish_needs_a_comment_and_a_manager_of_the_client(org):
    draft = services.article_create_draft(
        client=org["client_a"], title="t", question="", answer="a", by=org["manager_a"]
    )
    with pytest.raises(ValidationError) as exc:
        services.article_publish(article=draft, by=org["manager_a"], comment="  ")
    assert "comment" in exc.value.message_dict
    for outsider in (org["agent_a"], org["manager_b"]):
        with pytest.raises(PermissionDenied):
            services.article_publish(article=draft, by=outsider, comment="ok")
    draft.refresh_from_db()
    assert draft.status == ArticleStatus.DRAFT and not draft.revisions.exists()


def test_reject_sends_a_review_item_back_with_the_reason(org):
    article = services.article_create(
        client=org["client_a"], by=org["agent_a"], content={"title": "초안", "answer": "답변"}
    )
    services.article_reject(article=article, by=org["manager_a"], comment="근거 자료를 붙여 주세요")
    article.refresh_from_db()
    assert article.status == ArticleStatus.DRAFT
    note = Notification.objects.get(recipient=org["agent_a"], verb__contains="sent back")
    assert note.body == "근거 자료를 붙여 주세요"
    with pytest.raises(ValidationError):
        services.article_reject(article=article, by=org["manager_a"], comment="again")


def test_archive_hides_from_agents_and_leaves_the_index(org, article_a):
    from knowledge.manuals import selectors

    with mock.patch("knowledge.search.interface.remove_articles") as remove:
        services.article_archive(article=article_a, by=org["manager_a"], comment="상품 단종")
    remove.assert_called_once_with([article_a.pk])
    assert not selectors.articles_for(org["agent_a"]).filter(pk=article_a.pk).exists()
    assert selectors.articles_for(org["manager_a"]).filter(pk=article_a.pk).exists()
    assert AuditEvent.objects.filter(action="knowledge.article.archive", reason="상품 단종").exists()


def test_editing_a_published_article_is_a_new_revision_with_a_reason(org, article_a):
    with pytest.raises(ValidationError):
        services.article_update(
            article=article_a, by=org["manager_a"], content={"answer": "새 답변"}, comment=""
        )
    article_a.refresh_from_db()
    assert article_a.answer != "새 답변"
    services.article_update(
        article=article_a, by=org["manager_a"], content={"answer": "새 답변"}, comment="표현 수정"
    )
    assert list(article_a.revisions.values_list("number", "answer")) == [
        (2, "새 답변"),
        (1, "고객님, 지금 바로 분실 신고를 접수해 드리겠습니다."),
    ]


def test_agents_cannot_edit_published_articles_directly(org, article_a):
    with pytest.raises(PermissionDenied):
        services.article_update(
            article=article_a, by=org["agent_a"], content={"answer": "몰래 수정"}, comment="x"
        )
    article_a.refresh_from_db()
    assert article_a.answer != "몰래 수정"


def test_restore_brings_back_old_content_as_a_new_revision(org, article_a):
    services.article_update(
        article=article_a, by=org["manager_a"], content={"answer": "잘못된 안내"}, comment="수정"
    )
    first = article_a.revisions.get(number=1)
    revision = services.revision_restore(
        article=article_a, revision=first, by=org["manager_a"], comment="오류 복구"
    )
    article_a.refresh_from_db()
    assert revision.number == 3 and revision.kind == RevisionKind.RESTORE
    assert article_a.answer == first.answer
    assert "1" in revision.comment and "오류 복구" in revision.comment
    assert AuditEvent.objects.filter(action="knowledge.article.restore").exists()
    assert ArticleRevision.objects.filter(article=article_a).count() == 3


def test_restore_refuses_a_revision_of_another_article(org, article_a):
    other = services.article_create_draft(
        client=org["client_a"], title="다른 글", question="", answer="a", by=org["manager_a"]
    )
    services.article_publish(article=other, by=org["manager_a"], comment="게시")
    with pytest.raises(ValidationError):
        services.revision_restore(
            article=article_a, revision=other.revisions.get(), by=org["manager_a"], comment="x"
        )


def test_suggestion_leaves_live_text_until_accepted(org, article_a):
    suggestion = services.suggestion_create(
        article=article_a,
        by=org["agent_a"],
        content={"answer": "더 나은 답변"},
        note="고객이 자주 되묻습니다",
    )
    article_a.refresh_from_db()
    assert article_a.answer == "고객님, 지금 바로 분실 신고를 접수해 드리겠습니다."
    assert suggestion.status == SuggestionStatus.PENDING and suggestion.base_revision.number == 1
    assert Notification.objects.filter(recipient=org["manager_a"], verb__contains="Change proposed").exists()

    revision = services.suggestion_accept(suggestion=suggestion, by=org["manager_a"], comment="좋은 제안")
    article_a.refresh_from_db()
    suggestion.refresh_from_db()
    assert article_a.answer == "더 나은 답변"
    assert revision.kind == RevisionKind.SUGGESTION and revision.number == 2
    assert suggestion.status == SuggestionStatus.ACCEPTED and suggestion.reviewed_by == org["manager_a"]
    assert Notification.objects.filter(
        recipient=org["agent_a"], verb__contains="suggestion was published"
    ).exists()
    with pytest.raises(ValidationError):
        services.suggestion_accept(suggestion=suggestion, by=org["manager_a"], comment="twice")
    assert article_a.revisions.count() == 2


def test_rejected_suggestion_changes_nothing_and_tells_the_author(org, article_a):
    suggestion = services.suggestion_create(
        article=article_a, by=org["agent_a"], content={"answer": "틀린 안내"}
    )
    services.suggestion_reject(suggestion=suggestion, by=org["manager_a"], comment="약관과 다릅니다")
    article_a.refresh_from_db()
    suggestion.refresh_from_db()
    assert article_a.answer != "틀린 안내" and article_a.revisions.count() == 1
    assert suggestion.status == SuggestionStatus.REJECTED
    assert (
        Notification.objects.get(recipient=org["agent_a"], verb__contains="not accepted").body
        == "약관과 다릅니다"
    )


def test_suggestion_rules(org, article_a, article_b):
    with pytest.raises(ValidationError):  # nothing changed
        services.suggestion_create(article=article_a, by=org["agent_a"], content={})
    with pytest.raises(PermissionDenied):  # another client's article
        services.suggestion_create(article=article_b, by=org["agent_a"], content={"answer": "x"})
    suggestion = services.suggestion_create(article=article_a, by=org["agent_a"], content={"answer": "x"})
    with pytest.raises(PermissionDenied):  # a manager of another team cannot decide
        services.suggestion_accept(suggestion=suggestion, by=org["manager_b"], comment="ok")
    with pytest.raises(PermissionDenied):  # nor can agents
        services.suggestion_accept(suggestion=suggestion, by=org["agent_a"], comment="ok")
    assert ArticleSuggestion.objects.get().status == SuggestionStatus.PENDING


def test_agent_edits_and_submits_their_own_draft_only(org):
    draft = services.article_create_draft(
        client=org["client_a"], title="내 초안", question="", answer="a", by=org["agent_a"]
    )
    services.article_update(article=draft, by=org["agent_a"], content={"answer": "고친 답"})
    services.article_submit(article=draft, by=org["agent_a"])
    draft.refresh_from_db()
    assert (draft.answer, draft.status) == ("고친 답", ArticleStatus.REVIEW)
    other = services.article_create_draft(
        client=org["client_a"], title="남의 초안", question="", answer="a", by=org["manager_a"]
    )
    with pytest.raises(PermissionDenied):
        services.article_update(article=other, by=org["agent_a"], content={"answer": "x"})


def test_category_from_another_client_is_refused(org):
    foreign = CategoryFactory(client=org["client_b"], name="요금")
    with pytest.raises(ValidationError) as exc:
        services.article_create_draft(
            client=org["client_a"], title="t", question="", answer="a", by=org["manager_a"], category=foreign
        )
    assert "category" in exc.value.message_dict
    assert not Article.objects.exists()


def test_category_paths_are_created_once(org):
    leaf = services.category_get_or_create(client=org["client_a"], path="카드 > 분실")
    again = services.category_get_or_create(client=org["client_a"], path=" 카드>분실 ")
    assert leaf == again and leaf.path == "카드 > 분실" and leaf.parent.name == "카드"
    with pytest.raises(ValidationError):
        services.category_get_or_create(client=org["client_a"], path="카드 >  > 분실")


def test_draft_delete_only_when_never_published(org, article_a):
    draft = services.article_create_draft(
        client=org["client_a"], title="지울 초안", question="", answer="a", by=org["manager_a"]
    )
    services.article_delete(article=draft, by=org["manager_a"])
    assert not Article.objects.filter(pk=draft.pk).exists()
    services.article_archive(article=article_a, by=org["manager_a"], comment="x")
    with pytest.raises(ValidationError):
        services.article_delete(article=article_a, by=org["manager_a"])


def test_browser_line_endings_do_not_count_as_changes(org, article_a):
    services.article_update(
        article=article_a, by=org["manager_a"], content={"steps": "1. 확인\n2. 접수"}, comment="절차"
    )
    suggestion = services.suggestion_create(
        article=article_a, by=org["agent_a"], content={"steps": "1. 확인\r\n2. 접수", "answer": "새 답변"}
    )
    assert suggestion.steps == "1. 확인\n2. 접수"
