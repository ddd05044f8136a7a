from __future__ import annotations

from datetime import datetime

import factory

from core.dates import SEOUL
from knowledge.calls.models import CallRecord
from tests.accounts.factories import ClientCompanyFactory


def kst(*args) -> datetime:
    return datetime(*args, tzinfo=SEOUL)


class CallRecordFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CallRecord

    client = factory.SubFactory(ClientCompanyFactory)
    external_id = factory.Sequence(lambda n: f"T-{n:06d}")
    started_at = factory.LazyFunction(lambda: kst(2026, 11, 2, 10, 0))
    duration_seconds = 180
    channel = "call"
    category = "분실"
    inquiry = "카드를 잃어버렸어요"
    resolution = "분실 신고 접수"
