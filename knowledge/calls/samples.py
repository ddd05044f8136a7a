"""Realistic generated call records: the demo data, the topic-quality test and the benchmarks share them.

Each client kind (card, telecom, mall, insurance) has recurring topics with several phrasings of the
same inquiry, shared openers and closers (so topics are not told apart by trivial words), typical
resolutions, handle times and transfer rates.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True)
class SampleTopic:
    key: str
    category: str
    phrasings: tuple[str, ...]
    resolutions: tuple[str, ...]
    minutes: float = 4.0
    transfer: float = 0.05


TOPICS: dict[str, tuple[SampleTopic, ...]] = {
    "card": (
        SampleTopic(
            "loss",
            "분실·도난",
            (
                "카드를 잃어버렸어요 분실신고 하고 싶어요",
                "지갑을 통째로 잃어버려서 카드 분실 신고 부탁드려요",
                "카드 분실했는데 정지해 주세요",
                "어제 카드를 도난당한 것 같아요 사용 정지 해주세요",
                "분실 신고하고 카드 재발급 받고 싶어요",
                "카드가 없어졌어요 누가 쓸까봐 걱정돼요 분실 처리해 주세요",
            ),
            (
                "분실 신고 접수 후 카드 사용 정지, 재발급 신청 안내",
                "분실 신고 접수 및 부정사용 여부 확인 안내",
            ),
            5.0,
            0.04,
        ),
        SampleTopic(
            "overseas",
            "해외 결제",
            (
                "해외에서 카드 결제가 안 돼요",
                "해외 직구 결제가 승인 거절됐어요",
                "외국 여행 중인데 카드 결제 거절이 떠요",
                "해외 사용 설정을 켜고 싶어요",
                "해외 결제 차단 해제해 주세요",
                "일본 여행 가는데 해외 결제 되게 해주세요",
            ),
            ("해외 결제 차단 설정 해제 안내", "해외 가맹점 승인 거절 사유 확인 후 해외 사용 등록"),
            4.5,
            0.06,
        ),
        SampleTopic(
            "limit",
            "한도",
            (
                "카드 한도를 올리고 싶어요",
                "이번 달 한도가 부족해요 한도 상향 가능한가요",
                "일시적으로 한도 증액 신청할게요",
                "한도 조회하고 한도 올려주세요",
                "사용 한도가 얼마 남았는지 궁금해요",
            ),
            ("한도 조회 후 일시 한도 상향 신청 접수", "소득 증빙 제출 시 한도 상향 심사 안내"),
            5.5,
            0.08,
        ),
        SampleTopic(
            "statement",
            "청구·결제",
            (
                "이번 달 청구서 금액이 이상해요",
                "명세서에 모르는 결제 내역이 있어요",
                "결제 대금이 너무 많이 나왔어요 내역 확인해 주세요",
                "청구 금액이 두 번 빠져나갔어요",
                "카드값 결제일 변경하고 싶어요",
            ),
            ("청구 내역 확인 후 가맹점 중복 승인 취소 안내", "결제일 변경 신청 접수"),
            6.0,
            0.10,
        ),
        SampleTopic(
            "points",
            "포인트",
            (
                "포인트가 소멸된다는데 어떻게 써요",
                "적립된 포인트 사용 방법 알려주세요",
                "포인트 현금으로 전환할 수 있나요",
                "포인트 소멸 예정 문자 받았어요",
                "포인트 적립이 안 됐어요",
            ),
            (
                "포인트 잔액 및 소멸 예정일 안내, 캐시백 전환 방법 안내",
                "포인트 적립 누락 확인 후 수기 적립 처리",
            ),
            3.5,
            0.03,
        ),
        SampleTopic(
            "password",
            "비밀번호",
            (
                "카드 비밀번호를 잊어버렸어요",
                "비밀번호 오류가 5회 넘어서 잠겼어요",
                "카드 비밀번호 변경하고 싶어요",
                "비밀번호 재설정 어떻게 하나요",
            ),
            ("본인 확인 후 비밀번호 재설정 ARS 안내", "비밀번호 오류 횟수 초기화 처리"),
            3.0,
            0.02,
        ),
        SampleTopic(
            "installment",
            "할부",
            (
                "무이자 할부 되는지 궁금해요",
                "일시불로 결제한 걸 할부로 바꾸고 싶어요",
                "할부 개월 수 변경 가능한가요",
                "할부 수수료가 얼마인가요",
            ),
            ("일시불 할부 전환 신청 접수 및 수수료율 안내", "무이자 할부 행사 가맹점 안내"),
            4.0,
            0.03,
        ),
        SampleTopic(
            "cancel",
            "해지",
            (
                "카드 해지하고 싶어요",
                "안 쓰는 카드 탈퇴하려고요",
                "연회비 때문에 카드 해지할게요",
                "카드 해지하면 남은 포인트는 어떻게 되나요",
            ),
            ("해지 방어 혜택 안내 후 해지 접수", "해지 시 포인트 소멸 및 연회비 환불 안내"),
            6.5,
            0.12,
        ),
    ),
    "telecom": (
        SampleTopic(
            "plan",
            "요금제",
            (
                "요금제 변경하고 싶어요",
                "더 싼 요금제로 바꿀 수 있나요",
                "데이터 무제한 요금제로 변경해 주세요",
                "제 요금제가 뭔지 알고 싶어요",
                "요금제 변경하면 위약금 있나요",
            ),
            ("사용 패턴 확인 후 적합한 요금제 안내 및 변경 접수", "요금제 변경 시 위약금 없음 안내"),
            5.0,
            0.04,
        ),
        SampleTopic(
            "bill",
            "요금·청구",
            (
                "이번 달 요금이 너무 많이 나왔어요",
                "청구 요금에 소액결제가 포함됐는데 모르는 거예요",
                "요금 명세서 확인하고 싶어요",
                "요금이 이중으로 청구됐어요",
                "부가서비스 요금이 왜 나가나요",
            ),
            ("청구 내역 상세 안내 및 미사용 부가서비스 해지", "소액결제 내역 확인 후 결제 차단 설정"),
            6.0,
            0.09,
        ),
        SampleTopic(
            "network",
            "통화품질",
            (
                "집에서 통화가 자꾸 끊겨요",
                "데이터가 너무 느려요",
                "5G가 안 잡히고 LTE로만 떠요",
                "인터넷 속도가 느리고 끊겨요",
                "신호가 약해서 전화가 안 돼요",
            ),
            ("기지국 점검 요청 접수 및 단말 설정 초기화 안내", "품질 측정 기사 방문 예약"),
            7.0,
            0.15,
        ),
        SampleTopic(
            "device",
            "단말기",
            (
                "휴대폰 액정이 깨졌는데 보험 처리 되나요",
                "폰 분실했어요 분실 신고 해주세요",
                "휴대폰 할부금이 얼마 남았는지 궁금해요",
                "기기 변경하고 싶어요",
            ),
            ("휴대폰 보험 청구 절차 안내", "단말 분실 정지 및 위치 찾기 서비스 안내"),
            5.5,
            0.08,
        ),
        SampleTopic(
            "roaming",
            "로밍",
            (
                "해외 로밍 신청하고 싶어요",
                "로밍 요금이 너무 많이 나왔어요",
                "해외에서 데이터 로밍 어떻게 켜요",
                "로밍 패스 가입하고 싶어요",
            ),
            ("로밍 패스 가입 안내 및 데이터 로밍 설정 방법 안내", "로밍 요금 상세 내역 안내"),
            4.5,
            0.05,
        ),
        SampleTopic(
            "contract",
            "약정·해지",
            (
                "약정이 언제 끝나는지 알고 싶어요",
                "해지하면 위약금이 얼마예요",
                "번호이동하려는데 위약금 확인해 주세요",
                "인터넷 해지하고 싶어요",
            ),
            ("약정 만료일 및 위약금 조회 안내", "해지 방어 혜택 안내 후 해지 접수"),
            6.0,
            0.11,
        ),
    ),
    "mall": (
        SampleTopic(
            "delivery",
            "배송",
            (
                "주문한 상품이 아직 안 왔어요",
                "배송 조회가 안 돼요",
                "택배가 언제 오는지 알려주세요",
                "배송이 너무 늦어요 어디쯤인가요",
                "배송 완료라고 뜨는데 물건을 못 받았어요",
            ),
            ("택배사 배송 조회 후 예상 도착일 안내", "미수령 건 택배사 확인 요청 접수"),
            4.0,
            0.06,
        ),
        SampleTopic(
            "refund",
            "환불",
            (
                "환불 언제 들어오나요",
                "반품했는데 환불이 안 됐어요",
                "주문 취소했는데 돈이 안 돌아왔어요",
                "환불 금액이 다르게 들어왔어요",
                "카드 결제 취소 확인해 주세요",
            ),
            ("반품 회수 확인 후 환불 처리 일정 안내", "카드사 취소 반영 기간 안내"),
            5.0,
            0.08,
        ),
        SampleTopic(
            "return",
            "교환·반품",
            (
                "사이즈가 안 맞아서 교환하고 싶어요",
                "상품이 불량이에요 반품할게요",
                "반품 신청 어떻게 해요",
                "교환 신청했는데 회수하러 안 와요",
            ),
            ("교환 신청 접수 및 회수 기사 방문 예약", "불량 사진 접수 후 무료 반품 처리"),
            5.5,
            0.07,
        ),
        SampleTopic(
            "coupon",
            "쿠폰·적립금",
            (
                "쿠폰이 적용이 안 돼요",
                "할인 쿠폰 어디서 받아요",
                "적립금이 사라졌어요",
                "쿠폰 사용 기간 연장 가능한가요",
            ),
            ("쿠폰 적용 조건 안내", "적립금 소멸 내역 확인 및 재지급 처리"),
            3.0,
            0.03,
        ),
        SampleTopic(
            "account",
            "회원·로그인",
            (
                "로그인이 안 돼요",
                "아이디를 잊어버렸어요",
                "비밀번호 찾기가 안 돼요",
                "회원 탈퇴하고 싶어요",
            ),
            ("본인 인증 후 아이디 찾기 및 비밀번호 재설정 안내", "회원 탈퇴 절차 안내"),
            3.5,
            0.02,
        ),
    ),
    "insurance": (
        SampleTopic(
            "claim",
            "보험금 청구",
            (
                "보험금 청구하고 싶어요",
                "병원비 보험금 청구 서류가 뭐예요",
                "실손 보험금 청구 어떻게 해요",
                "보험금 청구했는데 언제 지급돼요",
                "입원비 청구하려고요",
            ),
            ("청구 서류 안내 및 모바일 청구 방법 안내", "보험금 심사 진행 상황 안내"),
            6.0,
            0.07,
        ),
        SampleTopic(
            "accident",
            "자동차 사고",
            (
                "교통사고 났어요 사고 접수해 주세요",
                "주차장에서 접촉 사고가 났어요",
                "자동차 사고 처리 어떻게 해요",
                "긴급출동 서비스 불러주세요",
            ),
            ("사고 접수 및 보상 담당자 배정 안내", "긴급출동 요청 접수"),
            8.0,
            0.2,
        ),
        SampleTopic(
            "premium",
            "보험료",
            (
                "보험료가 왜 올랐나요",
                "보험료 납입일 변경하고 싶어요",
                "보험료 자동이체 계좌 바꿔주세요",
                "이번 달 보험료가 미납됐다고 왔어요",
            ),
            ("갱신 보험료 인상 사유 안내", "자동이체 계좌 변경 접수"),
            4.5,
            0.04,
        ),
        SampleTopic(
            "renewal",
            "갱신·해지",
            (
                "자동차 보험 갱신하려고요",
                "보험 해지하면 환급금 얼마예요",
                "만기 환급금 언제 받아요",
                "보험 해지하고 싶어요",
            ),
            ("갱신 견적 안내 및 갱신 접수", "해지 환급금 조회 안내"),
            6.5,
            0.1,
        ),
    ),
}
KIND_BY_CLIENT = {
    "hanbit-card": "card",
    "nuri-telecom": "telecom",
    "baro-mall": "mall",
    "dunde-insurance": "insurance",
}
OPENERS = ("", "", "", "안녕하세요 ", "저기요 ", "네 수고하십니다 ", "급한데요 ", "다름이 아니라 ")
CLOSERS = (
    "",
    "",
    "",
    " 확인 부탁드립니다",
    " 어떻게 해야 하나요?",
    " 빨리 처리해 주세요",
    " 가능한가요?",
    " 답답하네요",
)


# Specifics customers add (order numbers, amounts, dates): they make nearly every text distinct, as
# in real exports, without changing the topic. Used with generate(details=True).
DETAILS = (
    "",
    "",
    " 주문번호 {n}",
    " {amount}원 건이요",
    " {month}월 {day}일에요",
    " 어제 {hour}시쯤이요",
    " 고객번호 {n}",
    " {month}월부터 그래요",
)


@dataclass
class SampleCall:
    external_id: str
    started_at: datetime
    duration: int
    channel: str
    agent: str
    category: str
    inquiry: str
    resolution: str
    transferred: bool
    customer: str
    topic: str


def _phone(customer: int) -> str:
    return f"010-{1000 + customer // 10000 % 9000:04d}-{customer % 10000:04d}"


def generate(
    *,
    kind: str,
    count: int,
    start: datetime,
    end: datetime,
    agents: list[str] | None = None,
    seed: int = 1,
    prefix: str = "C",
    customers: int | None = None,
    details: bool = False,
) -> Iterator[SampleCall]:
    """`count` calls between start and end; topic popularity follows a skewed distribution."""
    rng = random.Random(seed)
    topics = TOPICS[kind]
    popularity = [1.0 / (i + 1) ** 0.8 for i in range(len(topics))]
    agents = agents or [f"A{i:04d}" for i in range(1, 11)]
    span = (end - start).total_seconds()
    customers = customers or max(10, count // 3)
    for n in range(count):
        topic = rng.choices(topics, weights=popularity)[0]
        text = rng.choice(OPENERS) + rng.choice(topic.phrasings) + rng.choice(CLOSERS)
        if details:
            text += rng.choice(DETAILS).format(
                n=rng.randrange(10**6, 10**7),
                amount=f"{rng.randrange(1, 500) * 1000:,}",
                month=rng.randrange(1, 13),
                day=rng.randrange(1, 29),
                hour=rng.randrange(9, 19),
            )
        started = start + timedelta(seconds=rng.random() * span)
        # office hours, mostly
        started = started.replace(hour=9 + int(rng.random() * 9), minute=rng.randrange(60))
        duration = max(30, int(rng.gauss(topic.minutes * 60, topic.minutes * 15)))
        yield SampleCall(
            external_id=f"{prefix}{n + 1:07d}",
            started_at=started,
            duration=duration,
            channel="chat" if rng.random() < 0.2 else "call",
            agent=rng.choice(agents),
            category=topic.category,
            inquiry=text.strip(),
            resolution=rng.choice(topic.resolutions),
            transferred=rng.random() < topic.transfer,
            customer=_phone(rng.randrange(customers)),
            topic=topic.key,
        )


CSV_HEADER = [
    "상담번호",
    "상담일시",
    "채널",
    "상담원",
    "상담유형",
    "문의내용",
    "처리내용",
    "통화시간",
    "이관여부",
    "전화번호",
]


def as_row(call: SampleCall) -> list[str]:
    minutes, seconds = divmod(call.duration, 60)
    return [
        call.external_id,
        call.started_at.strftime("%Y-%m-%d %H:%M:%S"),
        "채팅" if call.channel == "chat" else "전화",
        call.agent,
        call.category,
        call.inquiry,
        call.resolution,
        f"{minutes:02d}:{seconds:02d}",
        "Y" if call.transferred else "N",
        call.customer,
    ]
