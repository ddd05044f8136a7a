"""Personal data in the free text of call records, masked before a row is stored (개인정보보호법).

`mask(text)` is a pure function: phone numbers keep their first and last group (010-****-5678);
resident registration, card, account, customer/member/order numbers and e-mail addresses become a
tag ([주민등록번호], [카드번호], [계좌번호], [고객번호], [회원번호], [주문번호], [계약번호], [이메일],
and [번호] for any other run of ten or more digits). Dates, times, amounts (35,000원), quantities
and short numbers stay as they are. Everything downstream — topic examples and labels, drafts,
reports, exports, the API — reads the stored text, so none of them can show what was masked.
"""

from __future__ import annotations

import re

TAGS = (
    "주민등록번호",
    "카드번호",
    "계좌번호",
    "고객번호",
    "회원번호",
    "주문번호",
    "계약번호",
    "이메일",
    "번호",
)
# The tags as they appear in masked text (mining skips them: they are not what a call is about).
PLACEHOLDER = re.compile(r"\[(?:" + "|".join(TAGS) + r")\]|\*{4}")

_D = "[0-9]"
_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")

# A label, then the number it introduces: 고객번호 5686635, 회원번호: A-123456, 주문 번호는 12345678.
_LABELS = {
    "고객": "고객번호",
    "회원": "회원번호",
    "카드회원": "회원번호",
    "멤버십": "회원번호",
    "가입자": "회원번호",
    "주문": "주문번호",
    "계약": "계약번호",
    "증권": "계약번호",
    "계좌": "계좌번호",
    "카드": "카드번호",
}
_LABELLED = re.compile(
    r"(?P<label>" + "|".join(sorted(_LABELS, key=len, reverse=True)) + r")\s?"
    r"(?:번호|아이디|ID|Id|id|No\.?|no\.?)\s*"
    r"(?:[:：=]\s*|(?:은|는|이|가|를|을)\s*)?"
    # the identifier: optional letters, then at least four digits in groups joined by - (or a
    # space before a group of three or more digits)
    r"(?P<id>[A-Za-z]{0,4}-?" + _D + r"{2,}(?:-" + _D + r"+|\s" + _D + r"{3,})*)"
    r"(?![0-9])"
)
_RRN = re.compile(
    r"(?<![0-9])" + _D + r"{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12][0-9]|3[01])\s?-?\s?[1-8]" + _D + r"{6}(?![0-9])"
)
_CARD = re.compile(
    r"(?<![0-9-])(?:[0-9]{4}([ -]?)[0-9]{4}\1[0-9]{4}\1[0-9]{4}|3[47][0-9]{2}([ -]?)[0-9]{6}\2[0-9]{5})(?![0-9])"
)
_MOBILE = re.compile(r"(?:\+82[ -]?0?|(?<![0-9+])0)(1[016789])([ .-]?)([0-9]{3,4})\2([0-9]{4})(?![0-9])")
_LANDLINE = re.compile(
    r"(?<![0-9-])(0(?:2|[3-6][1-5]|70|50[0-9]?))([ .)-])\s?([0-9]{3,4})[ .-]([0-9]{4})(?![0-9])"
)
# Bank accounts: digit groups joined by hyphens, 10 to 16 digits in all (a date has 8).
_ACCOUNT = re.compile(r"(?<![0-9-])[0-9]{2,6}(?:-[0-9]{2,7}){2,3}(?![0-9-])")
_LONG = re.compile(r"(?<![0-9,.])[0-9]{10,}(?![0-9,.]|\s?원)")
# Every pattern below holds an @ or a run of four digits: text without one (most calls, and
# amounts like 35,000원) is returned as it is after one scan.
_TRIGGER = re.compile(r"@|[0-9]{4}")


def _labelled(match: re.Match) -> str:
    digits = sum(ch.isdigit() for ch in match["id"])
    if digits < 4:
        return match[0]  # 회원번호 3자리 is not a number worth hiding; short codes stay
    return f"[{_LABELS[match['label']]}]"


def _mobile(match: re.Match) -> str:
    return f"0{match[1]}-****-{match[4]}"


def _landline(match: re.Match) -> str:
    return f"{match[1]}-****-{match[4]}"


def _account(match: re.Match) -> str:
    digits = sum(ch.isdigit() for ch in match[0])
    return "[계좌번호]" if 10 <= digits <= 16 else match[0]


def mask(text: str) -> str:
    """The text with personal data masked; the same text again gives the same result (idempotent)."""
    if not text or not _TRIGGER.search(text):
        return text
    if "@" in text:
        text = _EMAIL.sub("[이메일]", text)
    text = _LABELLED.sub(_labelled, text)
    text = _RRN.sub("[주민등록번호]", text)
    text = _CARD.sub("[카드번호]", text)
    text = _MOBILE.sub(_mobile, text)
    text = _LANDLINE.sub(_landline, text)
    text = _ACCOUNT.sub(_account, text)
    return _LONG.sub("[번호]", text)


_TAG = re.compile(r"\s*\[(?:" + "|".join(TAGS) + r")\]")


def without_tags(text: str) -> str:
    """Masked text without its tags, for a manual draft ("…확인 부탁드립니다 [고객번호]" → "…확인
    부탁드립니다"): a manual describes the situation, not one customer's numbers."""
    return _TAG.sub("", mask(text)).strip()


def strip_placeholders(text: str) -> str:
    """Masked text without its tags, for word statistics (a tag is not what a call is about)."""
    return PLACEHOLDER.sub(" ", text)
