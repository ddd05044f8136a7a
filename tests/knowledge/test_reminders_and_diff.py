"""The daily verification reminder (idempotent) and the diff helper."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import Notification
from knowledge.manuals import services, tasks
from knowledge.manuals.diff import diff_text
from knowledge.models import ArticleStatus, VerificationReminder
from tests.knowledge.factories import ArticleFactory


@pytest.mark.django_db
def test_reminders_go_once_per_article_and_due_date(org):
    today = timezone.localdate()
    due = ArticleFactory(client=org["client_a"], owner=org["manager_a"], verify_by=today - timedelta(days=1))
    ArticleFactory(client=org["client_a"], owner=org["manager_a"], verify_by=today + timedelta(days=5))
    ArticleFactory(
        client=org["client_a"], owner=org["manager_a"], verify_by=today, status=ArticleStatus.ARCHIVED
    )
    assert tasks.send_verification_reminders.delay().get() == 1
    assert tasks.send_verification_reminders.delay().get() == 0  # a second run notifies nobody again
    assert Notification.objects.filter(recipient=org["manager_a"]).count() == 1
    assert VerificationReminder.objects.get().article == due

    # A new due date (after the owner set the next check) is a new reminder.
    due.verify_by = today
    due.save()
    assert services.verification_reminders_send(today=today) == 1
    assert Notification.objects.filter(recipient=org["manager_a"]).count() == 2


@pytest.mark.django_db
def test_reminder_without_owner_goes_to_the_author(org):
    ArticleFactory(client=org["client_a"], created_by=org["agent_a"], verify_by=timezone.localdate())
    assert services.verification_reminders_send() == 1
    assert Notification.objects.filter(recipient=org["agent_a"], verb__contains="verify").exists()


def test_diff_marks_changed_characters_and_escapes():
    rows = diff_text(
        "고객님, 바로 접수해 드리겠습니다.\n같은 줄",
        "고객님, 지금 접수해 드리겠습니다.\n같은 줄\n<b>새 줄</b>",
    )
    assert [r.kind for r in rows] == ["changed", "same", "added"]
    assert "<del>바로</del>" in rows[0].left and "<ins>지금</ins>" in rows[0].right
    assert rows[2].right == "<ins>&lt;b&gt;새 줄&lt;/b&gt;</ins>"


def test_diff_of_removed_lines():
    rows = diff_text("하나\n둘\n셋", "하나")
    assert [r.kind for r in rows] == ["same", "removed", "removed"]
