"""The admin site has the call data, read-only, without the hashed customer key or server paths."""

from __future__ import annotations

from datetime import datetime
from http import HTTPStatus
from zoneinfo import ZoneInfo

import pytest
from django.contrib import admin
from django.urls import reverse

from knowledge.models import CallRecord, ImportJob, ImportMapping, MiningRun, Topic, TopicArticle

pytestmark = pytest.mark.django_db


def test_every_call_data_model_is_in_the_admin_and_read_only(rf, admin_user):
    request = rf.get("/admin/")
    request.user = admin_user
    for model in (CallRecord, ImportJob, ImportMapping, MiningRun, Topic, TopicArticle):
        model_admin = admin.site._registry[model]
        assert not model_admin.has_add_permission(request), model
        assert not model_admin.has_change_permission(request), model


def test_a_call_record_page_shows_the_masked_text_and_no_customer_key(as_user, admin_user, client_a):
    call = CallRecord.objects.create(
        client=client_a,
        external_id="ADM-1",
        started_at=datetime(2026, 10, 3, 10, tzinfo=ZoneInfo("Asia/Seoul")),
        inquiry="카드 분실 [고객번호]",
        customer_key="f" * 40,
    )
    c = as_user(admin_user)
    listing = c.get(reverse("admin:knowledge_callrecord_changelist"))
    assert listing.status_code == HTTPStatus.OK and "ADM-1" in listing.content.decode()
    page = c.get(reverse("admin:knowledge_callrecord_change", args=[call.pk])).content.decode()
    assert "카드 분실 [고객번호]" in page and "f" * 40 not in page
