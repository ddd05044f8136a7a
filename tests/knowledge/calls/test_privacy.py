"""Personal data in call texts is masked before it is stored: one test per pattern, the Korean ways
people write them, and no false positives on dates, amounts, quantities and times."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from knowledge.calls.privacy import mask, without_tags

MASKED = [
    # phone numbers: the first and last group stay, so an agent can still say "끝자리 5678"
    ("mobile with hyphens", "010-1234-5678로 연락 주세요", "010-****-5678로 연락 주세요"),
    ("mobile with spaces", "번호는 010 1234 5678 이에요", "번호는 010-****-5678 이에요"),
    ("mobile with dots", "010.9876.5432", "010-****-5432"),
    ("mobile written together", "01012345678로 문자 주세요", "010-****-5678로 문자 주세요"),
    ("old mobile prefix", "011-234-5678", "011-****-5678"),
    ("international", "+82 10-1234-5678 입니다", "010-****-5678 입니다"),
    ("Seoul landline", "집 전화 02-123-4567", "집 전화 02-****-4567"),
    ("regional landline", "031-1234-5678 사무실", "031-****-5678 사무실"),
    ("landline with a bracket", "02)1234-5678", "02-****-5678"),
    # customer / member / order numbers named as such
    ("customer number", "확인 부탁드립니다 고객번호 5686635", "확인 부탁드립니다 [고객번호]"),
    ("customer number, spaced", "고객 번호는 568 6635 입니다", "[고객번호] 입니다"),
    ("customer number with a particle", "고객번호가 5686635인데요", "[고객번호]인데요"),
    ("member number with a colon", "회원번호:A123456 조회요", "[회원번호] 조회요"),
    ("member number, full-width colon", "회원번호： 1234-5678", "[회원번호]"),
    ("member id", "회원ID 20931177", "[회원번호]"),
    ("order number", "환불해 주세요 주문번호 1234567", "환불해 주세요 [주문번호]"),
    ("policy number", "증권번호 2026-001234 해지", "[계약번호] 해지"),
    # cards, accounts, resident registration numbers
    ("card with hyphens", "카드 1234-5678-9012-3456 정지해 주세요", "카드 [카드번호] 정지해 주세요"),
    ("card with spaces", "4518 1234 5678 9012", "[카드번호]"),
    ("card written together", "1234567890123456", "[카드번호]"),
    ("amex", "3712-345678-12345", "[카드번호]"),
    ("account number", "국민 123456-01-234567 로 입금", "국민 [계좌번호] 로 입금"),
    ("account named", "계좌번호 110234567890 입니다", "[계좌번호] 입니다"),
    ("account 3-3-6", "신한 110-234-567890", "신한 [계좌번호]"),
    ("resident number", "주민번호 900101-1234567 불러드려요", "주민번호 [주민등록번호] 불러드려요"),
    ("resident number together", "9001012234567", "[주민등록번호]"),
    ("resident number, spaced hyphen", "900101 - 2234567", "[주민등록번호]"),
    # e-mail and any other long number
    ("e-mail", "메일은 hong.gildong+card@example.co.kr 입니다", "메일은 [이메일] 입니다"),
    ("long bare number", "운송장 6123456789012 조회", "운송장 [번호] 조회"),
]

KEPT = [
    ("date", "2026-10-03 14:05에 결제했어요"),
    ("dotted date", "2026.10.03 결제"),
    ("date as digits", "20261003 건이요"),
    ("Korean date", "10월 3일에요"),
    ("amount", "35,000원 결제했는데 두 번 나갔어요"),
    ("big amount", "1,200,000원 한도요"),
    ("amount without commas", "35000원이요"),
    ("huge amount without commas", "1200000000원 대출"),
    ("quantity", "3개 주문했는데 2개만 왔어요"),
    ("order quantity", "주문 수량 12개"),
    ("time", "어제 14시쯤, 오후 2:30에"),
    ("instalment", "412,000원 결제, 3개월 할부"),
    ("company number", "1588-1234로 전화했어요"),
    ("short code", "인증번호 1234 안 와요"),
    ("member count", "회원 3명"),
    ("percent and points", "포인트 5,000점 10% 적립"),
    ("version and model", "갤럭시 S24 512GB"),
]


@pytest.mark.parametrize(("case", "text", "expected"), MASKED, ids=[c[0] for c in MASKED])
def test_each_kind_of_personal_data_is_masked(case, text, expected):
    assert mask(text) == expected


@pytest.mark.parametrize(("case", "text"), KEPT, ids=[c[0] for c in KEPT])
def test_ordinary_numbers_are_left_alone(case, text):
    assert mask(text) == text


@pytest.mark.parametrize(("case", "text", "expected"), MASKED, ids=[c[0] for c in MASKED])
def test_masking_twice_changes_nothing(case, text, expected):
    assert mask(mask(text)) == expected


@pytest.mark.django_db
def test_an_import_stores_only_masked_text(client_a, export):
    from knowledge.calls import services
    from knowledge.calls.models import CallRecord

    from .conftest import rows_fixture

    rows = rows_fixture()
    rows[0][3] = "카드 분실했어요 확인 부탁드립니다 고객번호 5686635 연락처 010-9876-5432"
    rows[1][4] = "hong@example.com 으로 안내 메일 발송"
    job = services.import_file(client=client_a, path=export(rows))
    assert job.rows_created == 3
    first = CallRecord.objects.get(external_id="C-1")
    assert first.inquiry == "카드 분실했어요 확인 부탁드립니다 [고객번호] 연락처 010-****-5432"
    assert CallRecord.objects.get(external_id="C-2").resolution == "[이메일] 으로 안내 메일 발송"
    # the same file again: nothing changes (the stored text is compared masked)
    again = services.import_file(client=client_a, path=export(rows))
    assert (again.rows_created, again.rows_updated, again.rows_unchanged) == (0, 0, 3)


@pytest.mark.django_db
def test_the_command_masks_rows_imported_before(client_a):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from knowledge.calls.models import CallRecord, MiningRun, Topic

    old = CallRecord.objects.create(
        client=client_a,
        external_id="OLD-1",
        started_at=datetime(2026, 9, 1, 10, tzinfo=ZoneInfo("Asia/Seoul")),
        inquiry="확인 부탁드립니다 고객번호 5686635",
        resolution="010-1234-5678 로 회신",
    )
    run = MiningRun.objects.create(client=client_a, period_start="2026-09-01", period_end="2026-09-30")
    topic = Topic.objects.create(
        run=run,
        client=client_a,
        label="분실 · 신고",
        size=1,
        representative_inquiries=[{"id": old.pk, "external_id": "OLD-1", "text": old.inquiry}],
        common_resolutions=[{"text": old.resolution, "count": 1}],
    )
    call_command("mask_call_records", "--dry-run", stdout=(out := __import__("io").StringIO()))
    assert "1 call record" in out.getvalue()
    old.refresh_from_db()
    assert "5686635" in old.inquiry  # a dry run changes nothing
    call_command("mask_call_records", stdout=out)
    old.refresh_from_db()
    topic.refresh_from_db()
    assert old.inquiry == "확인 부탁드립니다 [고객번호]" and old.resolution == "010-****-5678 로 회신"
    assert topic.representative_inquiries[0]["text"] == "확인 부탁드립니다 [고객번호]"
    assert topic.common_resolutions[0]["text"] == "010-****-5678 로 회신"


def test_drafts_leave_the_tags_out():
    assert without_tags("확인 부탁드립니다 고객번호 5686635") == "확인 부탁드립니다"
    assert without_tags("[이메일] 으로 보냈고 010-1234-5678 로 연락") == "으로 보냈고 010-****-5678 로 연락"
