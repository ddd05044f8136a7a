"""One object of every kind the URLs take, owned by client A / team A / agent A.

The permission matrix asks each actor for the same objects: agent A owns them (their loan, their
overtime request, their suggestion), manager A manages agent A, agent B and manager B belong to
client B / team B, and the admin sees everything.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import time, timedelta

from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.utils import timezone

from tests.accounts.factories import (
    AdminFactory,
    ClientCompanyFactory,
    ManagerFactory,
    TeamFactory,
    UserFactory,
)
from wellbeing.timeutils import holiday_name

ACTORS = ("anon", "agent_a", "agent_b", "manager_b", "manager_a", "admin")


def png_bytes(size: tuple[int, int] = (40, 60)) -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 80, 40)).save(buffer, format="PNG")
    return buffer.getvalue()


@dataclass
class World:
    users: dict
    objects: dict

    def __getattr__(self, name):
        try:
            return self.__dict__["objects"][name]
        except KeyError:
            raise AttributeError(name) from None


def build_world() -> World:
    from accounts import services as account_services
    from bookclub.models import (
        LIBRARIAN_GROUP,
        Award,
        Hold,
        HoldStatus,
        Loan,
        MonthResult,
        Proposal,
    )
    from bookclub.months import current_month
    from knowledge.calls.models import CallRecord, ImportJob, ImportStatus, MiningRun, MiningStatus, Topic
    from knowledge.models import ArticleSuggestion, Attachment
    from knowledge.search.models import LearnedExpression, SearchLog, SynonymGroup
    from tests.bookclub.factories import BookFactory, CopyFactory, MeetingFactory, ReviewFactory
    from tests.knowledge.factories import DraftArticleFactory, published_article
    from wellbeing.models import (
        AbusiveCallReport,
        DayOff,
        Device,
        FlexibleScheduleRequest,
        ManagerDelegation,
        OvertimeRequest,
    )

    client_a = ClientCompanyFactory(slug="hanbit-card", name="한빛카드")
    client_b = ClientCompanyFactory(slug="nuri-telecom", name="누리텔레콤")
    manager_a = ManagerFactory(email="manager.a@dasan.test", name="박지현")
    manager_b = ManagerFactory(email="manager.b@dasan.test", name="최동욱")
    team_a = TeamFactory(name="상담1팀", manager=manager_a)
    team_b = TeamFactory(name="상담2팀", manager=manager_b)
    agent_a = UserFactory(email="agent.a@dasan.test", name="김민지", team=team_a, clients=[client_a])
    agent_b = UserFactory(email="agent.b@dasan.test", name="이서준", team=team_b, clients=[client_b])
    admin = AdminFactory(email="admin@dasan.test", name="관리자")
    Group.objects.get_or_create(name=LIBRARIAN_GROUP)
    users = {
        "agent_a": agent_a,
        "agent_b": agent_b,
        "manager_b": manager_b,
        "manager_a": manager_a,
        "admin": admin,
    }
    o: dict = {"client_a": client_a, "client_b": client_b, "team_a": team_a, "team_b": team_b}
    now = timezone.now()
    today = timezone.localdate()

    # --- accounts
    o["colleague"] = agent_b
    o["token"], _key = account_services.api_token_create(user=agent_a, name="CTI")

    # --- knowledge: manuals
    article = published_article(
        client=client_a, by=manager_a, title="해외 카드 분실", answer="분실 신고 안내"
    )
    o["article"] = article
    o["draft"] = DraftArticleFactory(client=client_a, created_by=agent_a, title="상담사 초안")
    o["suggestion"] = ArticleSuggestion.objects.create(
        article=article, author=agent_a, title=article.title, answer="고친 답변", note="오타"
    )
    o["attachment"] = Attachment.objects.create(
        article=article,
        file=ContentFile(b"%PDF-1.4 test", name="guide.pdf"),
        original_name="guide.pdf",
        content_type="application/pdf",
        size=13,
        uploaded_by=manager_a,
    )
    o["search_log"] = SearchLog.objects.create(user=agent_a, client=client_a, query="분실", result_count=1)
    o["synonym"] = SynonymGroup.objects.create(client=client_a, terms="분실, 잃어버림", created_by=manager_a)
    o["learned"] = LearnedExpression.objects.create(
        client=client_a, article=article, text="지갑", terms="지갑", source="calls", calls=3
    )

    # --- knowledge: call data
    o["call"] = CallRecord.objects.create(
        client=client_a, external_id="C-1", started_at=now - timedelta(days=1), inquiry="카드 분실"
    )
    errors_path = _media_file("calls/errors/matrix.csv", "line,column,problem\n2,inquiry,empty\n")
    o["job"] = ImportJob.objects.create(
        client=client_a,
        created_by=manager_a,
        original_name="calls.csv",
        file_kind="csv",
        status=ImportStatus.DONE,
        errors_file=errors_path,
    )
    run = MiningRun.objects.create(
        client=client_a,
        period_start=today - timedelta(days=30),
        period_end=today,
        status=MiningStatus.DONE,
        requested_by=manager_a,
    )
    o["run"] = run
    o["topic"] = Topic.objects.create(
        run=run,
        client=client_a,
        label="카드 분실",
        keywords=["분실", "카드"],
        size=1,
        call_ids=[o["call"].pk],
    )

    # --- reports: a built diagnosis of client A for last month
    from reports import services as report_services
    from reports.models import SnapshotTrigger

    last_day = today.replace(day=1) - timedelta(days=1)
    o["snapshot"] = report_services.snapshot_build_now(
        client=client_a,
        since=last_day.replace(day=1),
        until=last_day,
        by=manager_a,
        trigger=SnapshotTrigger.REQUEST,
    )

    # --- book club
    book = BookFactory(title="다산의 책", cover=ContentFile(png_bytes(), name="cover.png"))
    CopyFactory(book=book)
    CopyFactory(book=book)
    o["book"] = book
    loan_copy = CopyFactory(book=book)
    o["loan"] = Loan.objects.create(
        copy=loan_copy, book=book, borrower=agent_a, borrowed_at=now, due_date=today + timedelta(days=14)
    )
    loan_copy.status = "on_loan"
    loan_copy.save()
    other = BookFactory(title="대기 중인 책")
    o["held_book"] = other
    o["hold"] = Hold.objects.create(book=other, user=agent_a, status=HoldStatus.WAITING, created_at=now)
    month = current_month()
    o["proposal"] = Proposal.objects.create(
        month=(month + timedelta(days=40)).replace(day=1),
        title="제안 도서",
        reason="좋아요",
        proposer=agent_a,
    )
    o["meeting"] = MeetingFactory(month=month)
    o["review"] = ReviewFactory(author=agent_a, book=book)
    past = (month - timedelta(days=75)).replace(day=1)
    o["past_month"] = past.strftime("%Y-%m")
    old_review = ReviewFactory(author=agent_b, book=book, month=past)
    result = MonthResult.objects.create(month=past, closed_at=now, m=3, total_votes=0)
    Award.objects.create(result=result, place=1, review=old_review, prize="도서상품권")
    o["result"] = result

    # --- wellbeing
    # A working day (the matrix must not depend on the weekday it runs on): approving overtime on
    # a weekend or holiday asks for a start time the request does not have.
    workday = today
    while workday.weekday() >= 5 or holiday_name(workday):
        workday += timedelta(days=1)
    o["overtime"] = OvertimeRequest.objects.create(
        user=agent_a, date=workday, end_time=time(20, 0), reason="마감 업무", minutes=90
    )
    o["flexible"] = FlexibleScheduleRequest.objects.create(
        user=agent_a,
        kind="childcare",
        start_date=today + timedelta(days=7),
        end_date=today + timedelta(days=60),
        start_time=time(9, 0),
        end_time=time(16, 0),
        reason="어린이집 하원",
    )
    o["delegation"] = ManagerDelegation.objects.create(
        manager=manager_a, delegate=admin, start_date=today, end_date=today + timedelta(days=3)
    )
    o["day_off"] = DayOff.objects.create(date=today + timedelta(days=20), name="창립기념일")
    o["device"] = Device.objects.create(
        user=agent_a,
        name="상담 PC",
        token_hash="a" * 64,
        token_expires_at=now + timedelta(hours=24),
    )
    o["abuse"] = AbusiveCallReport.objects.create(user=agent_a, client=client_a, note="욕설")
    return World(users=users, objects=o)


def _media_file(relative: str, text: str) -> str:
    from pathlib import Path

    from django.conf import settings

    path = Path(settings.MEDIA_ROOT, relative)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return str(path)
