"""The Korean tokenizer used by topic mining.

Mining keeps its own choice of words (content morphemes, verb stems as 하다-forms, stopwords for
what every call says) but shares the Kiwi instance of `knowledge.search.tokenizer`: Kiwi costs about
450 MB and a second to load, so once per process.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from .privacy import strip_placeholders

# Content-bearing parts of speech: common/proper nouns, verb and adjective stems, roots, foreign words.
_KEEP = {"NNG", "NNP", "XR", "SL", "SH"}
_STEMS = {"VV", "VA", "VV-R", "VA-R", "VV-I", "VA-I"}
# Words every call has; they say nothing about the topic.
STOPWORDS = frozenset(
    [
        "고객",
        "고객님",
        "문의",
        "문의하다",
        "요청",
        "요청하다",
        "관련",
        "내용",
        "경우",
        "부분",
        "하다",
        "되다",
        "있다",
        "없다",
        "같다",
        "이다",
        "않다",
        "싶다",
        "주다",
        "보다",
        "알다",
        "가능",
        "가능하다",
        "여부",
        "안내",
        "건",
        "번",
        "때",
        "것",
        "수",
        "등",
        "좀",
        "그",
        "이",
        "저",
        "어떻다",
        "그렇다",
        "오늘",
        "어제",
        "지금",
        "혹시",
        "다시",
        "계속",
        "왜",
        "상담",
        "상담원",
        "전화",
        "연락",
        "말씀",
        "부탁",
        "부탁드리다",
        "감사",
        "네",
        # when, not what
        "이번",
        "달",
        "저번",
        "지난달",
        "요즘",
        # the specifics customers add ("주문번호 …", "3일에", "5만 원")
        "번호",
        "주문번호",
        "고객번호",
        "일",
        "월",
        "시",
        "원",
        "쯤",
        # openers and closers of a call, not its topic
        "수고",
        "안녕",
        "안녕하다",
        "급하다",
        "답답하다",
        "다르다",
        "빨리",
        "드리다",
        "처리",
        "확인",
        "어떻게",
        "궁금하다",
        "알리다",
        "알다",
    ]
)


def _kiwi():
    # The search service's instance: one Kiwi (about 450 MB) per process, not two.
    from knowledge.search.tokenizer import get_kiwi

    return get_kiwi()


def _content(tokens) -> list[str]:
    out: list[str] = []
    for t in tokens:
        tag = t.tag
        if tag in _KEEP:
            form = t.form.lower() if tag == "SL" else t.form
        elif tag in _STEMS:
            form = t.form + "다"
        else:
            continue
        if (len(form) < 2 and tag != "NNG") or form in STOPWORDS:
            continue
        out.append(form)
    return out


def tokenize(text: str) -> list[str]:
    """Content words of one text: 환불해주세요 → ['환불']. Masked personal data ([고객번호]) is no word."""
    return _content(_kiwi().tokenize(strip_placeholders(text)))


def tokenize_many(texts: Iterable[str]) -> Iterator[list[str]]:
    """Content words of many texts, in order, using Kiwi's worker threads where this process has them
    (one text per call in a process forked after Kiwi was loaded: see search.tokenizer.batch_ok)."""
    from knowledge.search.tokenizer import batch_ok

    kiwi = _kiwi()
    if not batch_ok():
        for text in texts:
            yield _content(kiwi.tokenize(strip_placeholders(text)))
        return
    for tokens in kiwi.tokenize(strip_placeholders(t) for t in texts):
        yield _content(tokens)
