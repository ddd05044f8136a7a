"""A third, small relevance set: the demo manuals searched in phrasings written for the learned-phrase
work (issue 15), deliberately unlike the call generator's phrasings (knowledge/calls/samples.py) and
unlike relevance_customers.py: other verbs, other nouns, slang, words cut differently. Written before
any result was looked at and not tuned afterwards; bench/relevance.py reports it apart ("own",
"own_with_calls") so it cannot flatter the main figures.
"""

from __future__ import annotations

KINDS = ("colloquial",)

C, T, M, INS = "hanbit-card", "nuri-telecom", "baro-mall", "dunde-insurance"


def _a(slug: str, n: int) -> str:
    return f"{slug}-{n:03d}"


QUERIES = [
    (C, "지갑을 어디다 뒀는지 모르겠어요 카드 못 쓰게 해주세요", _a(C, 2), "colloquial"),
    (C, "외국 사이트에서 물건 사려는데 카드가 막혀요", _a(C, 23), "colloquial"),
    (C, "쓸 수 있는 금액을 좀 더 높여 주실 수 있나요", _a(C, 6), "colloquial"),
    (C, "적립된 거 없어지기 전에 쓰고 싶어요", _a(C, 17), "colloquial"),
    (C, "카드 비번이 기억이 안 나요", _a(C, 26), "colloquial"),
    (C, "한 번에 긁은 거 몇 달로 쪼개서 낼 수 있어요", _a(C, 13), "colloquial"),
    (C, "카드 그만 쓰고 싶어요 끊어 주세요", _a(C, 30), "colloquial"),
    (T, "폰이 자꾸 먹통이 되고 인터넷이 안 터져요", _a(T, 30), "colloquial"),
    (T, "한 달 내는 돈이 적은 걸로 옮기고 싶어요", _a(T, 1), "colloquial"),
    (T, "이번에 청구된 금액이 평소보다 훨씬 많아요", _a(T, 4), "colloquial"),
    (T, "외국 나가는데 거기서도 폰 쓰려면 어떻게 해요", _a(T, 15), "colloquial"),
    (T, "약속한 기간 언제 끝나요 중간에 끊으면 돈 물어야 하나요", _a(T, 23), "colloquial"),
    (T, "휴대폰을 어디서 흘렸나 봐요", _a(T, 18), "colloquial"),
    (M, "시킨 물건이 며칠째 감감무소식이에요", _a(M, 1), "colloquial"),
    (M, "돈 돌려받는 거 언제 돼요", _a(M, 12), "colloquial"),
    # Labelled 008 (반품 신청) when written; the caller wants another size, which is 009 (교환 신청).
    (M, "옷이 작아서 다른 치수로 바꾸고 싶어요", _a(M, 9), "colloquial"),
    (M, "할인권이 결제할 때 안 먹혀요", _a(M, 18), "colloquial"),
    (M, "접속이 안 돼요 아이디 비번 다 까먹었어요", _a(M, 22), "colloquial"),
    (INS, "병원 다녀왔는데 치료비 돌려받으려면 뭐 내야 돼요", _a(INS, 1), "colloquial"),
    (INS, "차끼리 살짝 부딪혔어요", _a(INS, 4), "colloquial"),
    (INS, "매달 빠져나가는 날짜 바꾸고 싶어요", _a(INS, 11), "colloquial"),
    (INS, "보험 깨면 얼마 돌려받아요", _a(INS, 17), "colloquial"),
]
