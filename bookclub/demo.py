"""Demo data for the book club: a library of Korean books, three months of picks with copies, loans,
a meeting, reviews and star votes, and the closed months' awards. Idempotent, and relative to today."""

from __future__ import annotations

import io
import random
from datetime import datetime, time, timedelta
from pathlib import Path

from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from accounts.models import User

from . import services
from .models import (
    LIBRARIAN_GROUP,
    Book,
    Comment,
    Copy,
    Loan,
    Meeting,
    MonthlyPick,
    Proposal,
    ProposalVote,
    Rating,
    Review,
    ReviewStatus,
    Rsvp,
    RsvpStatus,
)
from .months import current_month, next_month, previous_month

# (ISBN-13, title, authors, publisher, year, description). Check digits are valid.
BOOKS = [
    (
        "9791191048032",
        "지구 끝의 온실",
        "김초엽",
        "자이언트북스",
        2021,
        "더스트 폴 이후 멸망 직전의 세계, 식물과 사람이 서로를 살린 이야기. 함께 버티는 공동체에 대해 묻는다.",
    ),
    (
        "9791161737034",
        "불편한 편의점",
        "김호연",
        "나무옆의자",
        2021,
        "서울역 노숙인 출신 야간 알바 독고 씨와 편의점을 드나드는 사람들의 이야기. 말 한마디가 사람을 바꾼다.",
    ),
    (
        "9788936434267",
        "아몬드",
        "손원평",
        "창비",
        2017,
        "감정을 느끼지 못하는 소년 윤재가 곤이와 도라를 만나며 타인의 마음에 다가가는 성장소설.",
    ),
    (
        "9791165162207",
        "달러구트 꿈 백화점",
        "이미예",
        "팩토리나인",
        2020,
        "잠들어야만 입장할 수 있는 꿈 백화점에서 일하게 된 페니의 이야기.",
    ),
    (
        "9788936472290",
        "소년이 온다",
        "한강",
        "창비",
        2014,
        "1980년 5월 광주, 열다섯 살 동호와 그 곁의 사람들.",
    ),
    ("9788954682480", "작별하지 않는다", "한강", "문학동네", 2021, "제주 4·3을 마주하는 세 여성의 이야기."),
    (
        "9788936474805",
        "일의 기쁨과 슬픔",
        "장류진",
        "창비",
        2019,
        "판교 스타트업부터 카드사까지, 일하는 사람들의 오늘.",
    ),
    (
        "9788965290124",
        "비폭력대화",
        "마셜 B. 로젠버그",
        "한국NVC센터",
        2017,
        "관찰, 느낌, 욕구, 부탁. 갈등을 연결로 바꾸는 대화법. 상담 현장에서 바로 쓸 수 있는 책.",
    ),
    ("9788934989967", "어떻게 말해줘야 할까", "오은영", "김영사", 2020, "마음을 다치지 않게 말하는 법."),
    (
        "9788996913351",
        "미움받을 용기",
        "기시미 이치로, 고가 후미타케",
        "인플루엔셜",
        2014,
        "아들러 심리학으로 읽는 자유와 행복.",
    ),
    (
        "9791189632021",
        "우리가 빛의 속도로 갈 수 없다면",
        "김초엽",
        "허블",
        2019,
        "다정하고 단단한 SF 단편 일곱 편.",
    ),
    ("9788959896127", "트렌드 코리아 2026", "김난도 외", "미래의창", 2025, "다가올 한 해의 소비 트렌드."),
]

TONES = [
    ((45, 90, 136), (28, 58, 92)),
    ((181, 83, 47), (125, 49, 25)),
    ((63, 125, 92), (36, 82, 58)),
    ((138, 90, 158), (90, 53, 112)),
    ((201, 154, 46), (148, 105, 26)),
    ((59, 111, 122), (31, 72, 82)),
]

# Reviews per pick: (agent number, title, body). Past months get star votes and awards.
REVIEWS = {
    "아몬드": [
        (
            2,
            "감정을 모르는 소년이 가르쳐 준 공감",
            "윤재는 감정을 느끼지 못하지만, 그래서 오히려 **상대의 말을 끝까지 듣는다**.\n\n"
            "하루에 수십 통의 전화를 받는 우리에게 '끝까지 듣기'는 쉽지 않다. "
            "곤이가 화를 낼 때 윤재가 보여 준 담담함은 무관심이 아니라 기다림이었다.\n\n"
            "> 누군가의 마음을 안다는 건, 그 사람이 되어 보는 게 아니라 곁에 있어 주는 것.\n\n"
            "다음 통화에서 고객이 언성을 높이면, 윤재처럼 한 번 더 기다려 보려고 한다.",
        ),
        (
            5,
            "곤이에게 필요했던 건 한 사람",
            "처음엔 곤이가 무서웠다. 읽다 보니 곤이가 가장 상처받은 사람이었다.\n\n"
            "- 곤이는 이해받고 싶었고\n- 윤재는 이해하는 법을 배우고 싶었다\n\n"
            "두 사람이 서로에게 '한 사람'이 되어 주는 과정이 좋았다.",
        ),
        (
            8,
            "우리 센터의 윤재들",
            "신입 상담사 시절, 매뉴얼대로만 말하던 내가 떠올랐다. 감정이 없어서가 아니라 무서워서였다.\n\n"
            "이 책은 *감정을 배우는 일*이 평생에 걸친 일이라고 말해 준다. 조금 안심이 됐다.",
        ),
        (
            11,
            "짧지만 오래 남는 책",
            "하루 만에 읽었는데 일주일 내내 생각났다. 엄마와 할멈의 빈자리가 윤재를 키운 방식이 슬프고도 따뜻했다.",
        ),
    ],
    "불편한 편의점": [
        (
            3,
            "독고 씨의 '괜찮아요'",
            "독고 씨는 말이 어눌하지만 **한 마디 한 마디에 진심**이 있다.\n\n"
            "진상 손님에게도 끝까지 예의를 지키는 장면에서 우리 일을 생각했다. "
            "예의는 약함이 아니라 단단함이라는 걸.\n\n"
            "> 삶이란 관계이고 관계는 소통이다.\n\n"
            "오늘도 콜을 받는 모든 동료에게 이 문장을 건네고 싶다.",
        ),
        (
            6,
            "참참참 세트가 먹고 싶어지는 책",
            "편의점이라는 작은 공간에 이렇게 많은 인생이 오간다니. 야간 알바, 사장님, 작가, 회사원…\n\n"
            "각자의 사정을 알고 나면 누구도 쉽게 미워할 수 없다. 상담 중 만나는 고객들도 그렇겠지.",
        ),
        (
            9,
            "불편함이 편안함이 되는 순간",
            "처음엔 제목처럼 모든 게 불편했다. 그런데 그 불편함이 사람을 붙잡아 두는 힘이었다.\n\n"
            "빠르고 편리한 것만 좋은 게 아니라는 걸, 가끔은 *천천히 가는 대화*가 필요하다는 걸 배웠다.",
        ),
        (
            12,
            "두 번 읽었습니다",
            "한 번은 이야기로, 한 번은 문장으로 읽었다. 특히 독고 씨가 기억을 되찾는 후반부는 눈물 없이 읽기 어렵다.",
        ),
        (
            14,
            "팀원들에게 추천했어요",
            "우리 팀 단톡방에 바로 추천했다. 무거운 주제를 가볍게, 가벼운 일상을 깊게 다루는 책.",
        ),
    ],
    "지구 끝의 온실": [
        (
            4,
            "모스바나가 퍼지듯, 다정함도 퍼진다",
            "멸망한 세계에서도 사람들은 **서로를 돌보는 쪽**을 택한다.\n\n"
            "레이첼과 지수의 관계는 복잡하지만, 결국 온실을 지킨 건 한 사람의 천재성이 아니라 "
            "여러 사람이 나눠 진 책임이었다.\n\n"
            "우리 센터도 그렇다. 한 명의 에이스보다 서로를 받쳐 주는 팀이 오래 간다.",
        ),
        (
            7,
            "SF인데 이렇게 따뜻해도 되나요",
            "김초엽 작가의 문장은 차분한데 마음이 뜨거워진다. 아영이 할머니들의 기억을 따라가는 장면이 특히 좋았다.",
        ),
        (
            10,
            "프림 빌리지의 규칙",
            "마을의 규칙이 인상적이었다. 떠날 사람은 떠나고, 남을 사람은 남되, 서로를 탓하지 않는 것.\n\n"
            "- 공동체는 강요가 아니라 선택\n- 돌봄은 의무가 아니라 약속\n\n"
            "11월 모임에서 이 이야기를 꼭 나누고 싶다.",
        ),
    ],
}

COMMENTS = [
    "저도 이 부분에서 한참 멈춰 있었어요.",
    "모임 때 이 얘기 꼭 해요!",
    "덕분에 다시 읽고 싶어졌어요 😊",
    "상담 현장 이야기와 연결한 게 정말 와닿네요.",
]

PROPOSALS = [
    (
        "어떻게 말해줘야 할까",
        "오은영",
        "9788934989967",
        "말 한마디의 온도를 다루는 책. 상담사에게 딱입니다.",
        13,
    ),
    ("비폭력대화", "마셜 B. 로젠버그", "9788965290124", "폭언 고객 응대 교육과 같이 읽으면 좋겠어요.", 1),
    (
        "일의 기쁨과 슬픔",
        "장류진",
        "9788936474805",
        "일하는 우리 이야기. 가볍게 읽히고 토론거리가 많아요.",
        15,
    ),
]


def _cover_png(title: str, authors: str, tone: int) -> bytes | None:
    """Draw a simple cover with the title in Korean, if a CJK font is installed; None otherwise."""
    from PIL import Image, ImageDraw, ImageFont

    fonts = [
        Path("/usr/share/fonts/opentype/noto/NotoSerifCJK-Bold.ttc"),
        Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc"),
    ]
    font_path = next((p for p in fonts if p.exists()), None)
    if font_path is None:
        return None
    width, height = 400, 600
    top, bottom = TONES[tone % len(TONES)]
    image = Image.new("RGB", (width, height))
    draw = ImageDraw.Draw(image)
    for y in range(height):
        t = y / height
        draw.line(
            [(0, y), (width, y)], fill=tuple(int(a + (b - a) * t) for a, b in zip(top, bottom, strict=True))
        )
    draw.rectangle([(28, 28), (width - 28, height - 28)], outline=(255, 255, 255, 90), width=2)
    title_font = ImageFont.truetype(str(font_path), 44, index=1)
    author_font = ImageFont.truetype(str(font_path), 22, index=1)
    lines, line = [], ""
    for word in title.split():
        trial = f"{line} {word}".strip()
        if draw.textlength(trial, font=title_font) > width - 100 and line:
            lines.append(line)
            line = word
        else:
            line = trial
    lines.append(line)
    y = 110
    for text in lines:
        draw.text((52, y), text, font=title_font, fill=(255, 255, 255))
        y += 60
    draw.line([(52, y + 16), (130, y + 16)], fill=(255, 230, 170), width=3)
    draw.text((52, height - 110), authors, font=author_font, fill=(245, 240, 230))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def _at(day, hour: int, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def seed(stdout=None) -> None:
    rng = random.Random(20261122)
    agents = {
        int(u.email.split("@")[0].removeprefix("agent")): u
        for u in User.objects.filter(email__startswith="agent")
    }
    admin = User.objects.filter(email="admin@dasan.example").first()
    if not agents or admin is None:
        return
    with transaction.atomic():
        librarians, _ = Group.objects.get_or_create(name=LIBRARIAN_GROUP)
        librarians.user_set.add(agents[3])

        books = {}
        for tone, (isbn, title, authors, publisher, year, description) in enumerate(BOOKS):
            book, _created = Book.objects.get_or_create(
                isbn13=isbn,
                defaults={
                    "title": title,
                    "authors": authors,
                    "publisher": publisher,
                    "year": year,
                    "description": description,
                },
            )
            if not book.cover:
                png = _cover_png(title, authors, tone)
                if png:
                    book.cover.save(f"{isbn}.png", ContentFile(png), save=True)
            books[title] = book
            if not Copy.objects.filter(book=book).exists():
                services.copies_add(book=book, count=2)

    this = current_month()
    last = previous_month(this)
    before = previous_month(last)
    plan = [
        (before, "아몬드", 6, "감정을 배운다는 것. 고객의 마음을 읽는 일을 하는 우리에게 권합니다."),
        (last, "불편한 편의점", 8, "진상 손님도, 지친 알바도 결국 사람. 응대의 본질을 생각하게 하는 소설."),
        (this, "지구 끝의 온실", 10, "함께 버티는 공동체 이야기. 서로를 돌보는 팀에 대해 이야기해 봐요."),
    ]
    for month, title, copies, why in plan:
        if not MonthlyPick.objects.filter(month=month).exists():
            services.pick_confirm(by=admin, month=month, book=books[title], copies=copies, why=why)

    if Review.objects.filter(title=REVIEWS["아몬드"][0][1]).exists():
        return  # the activity below was seeded already
    now = timezone.now()
    today = timezone.localdate()
    with transaction.atomic():
        # Reviews, comments and votes for each pick's month. Past months' votes are written directly
        # (their windows are over); this month's go through the service, like a member's click.
        for month, title, _copies, _why in plan:
            for i, (agent_no, review_title, body) in enumerate(REVIEWS[title]):
                author = agents[agent_no]
                published = _at(month + timedelta(days=min(3 + i * 4, 24)), 12 + i, 10)
                if month == this:
                    published = min(published, now - timedelta(hours=6 - i))
                review = Review.objects.create(
                    author=author,
                    book=books[title],
                    month=month,
                    title=review_title,
                    body=body,
                    status=ReviewStatus.PUBLISHED,
                    published_at=published,
                )
                Review.objects.filter(pk=review.pk).update(created_at=published)
                voters = [u for n, u in agents.items() if n != agent_no]
                rng.shuffle(voters)
                quality = [4.6, 4.1, 3.7, 4.3, 3.4][i % 5]
                for voter in voters[: rng.randint(5, 12) if month != this else rng.randint(2, 5)]:
                    stars = max(1, min(5, round(rng.gauss(quality, 0.7))))
                    if month == this:
                        services.rating_set(review=review, voter=voter, stars=stars)
                    else:
                        Rating.objects.create(review=review, voter=voter, author=author, stars=stars)
                for c in range(rng.randint(0, 2)):
                    Comment.objects.create(
                        review=review, author=voters[-1 - c], body=COMMENTS[(i + c) % len(COMMENTS)]
                    )
        services.review_create(
            author=agents[1],
            book=books["지구 끝의 온실"],
            title="(초안) 온실 속의 우리 팀",
            body="아직 다 읽지 못했지만, 모스바나가 퍼지는 장면에서 떠오른 생각을 적어 둔다…",
            publish=False,
        )

        # Loans: this month's book is popular; one of last month's copies is overdue.
        for n in (1, 2, 5, 7, 9, 12, 15):
            services.loan_borrow(
                book=books["지구 끝의 온실"], borrower=agents[n], now=now - timedelta(days=n % 6)
            )
        overdue = services.loan_borrow(
            book=books["불편한 편의점"], borrower=agents[4], now=now - timedelta(days=20)
        )
        Loan.objects.filter(pk=overdue.pk).update(due_date=today - timedelta(days=6))
        services.loan_borrow(book=books["비폭력대화"], borrower=agents[6], by=agents[3])
        services.loan_borrow(book=books["비폭력대화"], borrower=agents[8], by=agents[3])
        services.hold_place(book=books["비폭력대화"], user=agents[1])

        # Meetings: past ones with notes, this month's coming up in a few days.
        for month, title, _copies, _why in plan:
            starts = (
                _at(today + timedelta(days=3), 19) if month == this else _at(month + timedelta(days=24), 19)
            )
            meeting, _created = Meeting.objects.get_or_create(
                month=month,
                defaults={
                    "title": f"{month.month}월 북토크 · 『{title}』",
                    "starts_at": starts,
                    "place": "본사 7층 라운지 (재택 근무자는 화상 참여)",
                    "video_url": "https://meet.dasan.example/bookclub",
                    "capacity": 16,
                    "questions": {
                        "아몬드": "윤재가 감정을 배워 가는 과정에서 가장 인상 깊은 장면은?\n곤이를 대하는 윤재의 태도에서 상담에 적용할 점은?\n'공감'과 '동정'은 어떻게 다를까요?",
                        "불편한 편의점": "독고 씨의 말투가 손님들을 바꾼 이유는 무엇일까요?\n우리가 만난 '진상 고객'에게도 사정이 있었을까요?\n불편하지만 좋은 서비스란 어떤 것일까요?",
                        "지구 끝의 온실": "프림 빌리지가 오래 버틸 수 있었던 이유는?\n레이첼과 지수의 관계를 어떻게 보셨나요?\n우리 팀의 '온실'은 무엇일까요?",
                    }[title],
                    "notes": ""
                    if month == this
                    else "## 오늘 나눈 이야기\n- 12명이 참석했고, 재택 근무자 4명이 화상으로 함께했습니다.\n"
                    "- 가장 많이 나온 키워드: **경청**, **기다림**, **곁에 있기**\n\n"
                    "> 다음 달에도 많이 와 주세요!",
                },
            )
            rsvp_plan = [1, 2, 3, 5, 7, 9, 10, 12] if month == this else [2, 3, 4, 5, 6, 8, 9, 11, 12, 14]
            for k, n in enumerate(rsvp_plan):
                status = RsvpStatus.MAYBE if k % 4 == 3 else RsvpStatus.GOING
                Rsvp.objects.get_or_create(meeting=meeting, user=agents[n], defaults={"status": status})
            if month != this:
                Meeting.objects.filter(pk=meeting.pk).update(reminder_sent_at=starts - timedelta(days=1))

        # Proposals for next month, with votes.
        coming = next_month(this)
        for title, authors, isbn, reason, proposer in PROPOSALS:
            proposal = Proposal.objects.create(
                month=coming,
                title=title,
                authors=authors,
                isbn13=isbn,
                reason=reason,
                proposer=agents[proposer],
                book=Book.objects.filter(isbn13=isbn).first(),
            )
            for n in rng.sample(sorted(agents), rng.randint(3, 9)):
                ProposalVote.objects.get_or_create(proposal=proposal, voter=agents[n])

    # Close the months whose vote has ended: frozen ranking and awards, as the beat task would.
    services.months_close_due(now=now)
    if stdout is not None:
        stdout.write(f"    book club: {Book.objects.count()} books, {Review.objects.count()} reviews")
