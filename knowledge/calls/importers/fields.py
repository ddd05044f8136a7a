"""What the columns of a call export mean, and how each cell is read.

Headers are matched by Korean or English aliases after normalising (case, spaces, brackets:
"통화시간(초)" → "통화시간"). Values are parsed by small, fast functions that raise ValueError with a
message naming what was expected; the importer turns that into "line N: field: message".
"""

from __future__ import annotations

import hmac
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from django.utils.translation import gettext_lazy as _

from core.dates import SEOUL

KST = SEOUL  # the name the call importers use


@dataclass(frozen=True)
class Field:
    key: str
    label: Any  # a lazy translation
    aliases: tuple[str, ...]
    required: bool = False


FIELDS: tuple[Field, ...] = (
    Field(
        "external_id",
        _("Call id"),
        (
            "상담번호",
            "상담id",
            "상담아이디",
            "콜id",
            "콜번호",
            "통화id",
            "통화번호",
            "접수번호",
            "상담접수번호",
            "티켓번호",
            "callid",
            "call_id",
            "id",
            "externalid",
            "external_id",
            "ticket",
            "ticketid",
        ),
    ),
    Field(
        "started_at",
        _("Date and time"),
        (
            "상담일시",
            "통화일시",
            "접수일시",
            "인입일시",
            "상담시작일시",
            "시작일시",
            "상담시작시간",
            "통화시작시간",
            "일시",
            "startedat",
            "started_at",
            "datetime",
            "calltime",
            "starttime",
            "date",
            "상담일자",
            "통화일자",
            "날짜",
            "일자",
        ),
        required=True,
    ),
    Field("started_time", _("Time (separate column)"), ("상담시각", "통화시각", "시각", "접수시각", "time")),
    Field(
        "duration",
        _("Handle time"),
        (
            "통화시간",
            "상담시간",
            "처리시간",
            "소요시간",
            "통화길이",
            "응대시간",
            "duration",
            "handletime",
            "handle_time",
            "talktime",
            "durationsec",
            "seconds",
        ),
    ),
    Field("channel", _("Channel"), ("채널", "상담채널", "인입채널", "접수채널", "channel", "media")),
    Field(
        "agent",
        _("Agent (employee number or e-mail)"),
        (
            "상담원",
            "상담사",
            "상담원id",
            "상담사id",
            "상담원사번",
            "상담사사번",
            "사번",
            "상담원이메일",
            "agent",
            "agentid",
            "agent_id",
            "agentemail",
            "employeenumber",
            "employee_number",
        ),
    ),
    Field(
        "category",
        _("Category as exported"),
        ("상담유형", "상담분류", "문의유형", "문의분류", "유형", "분류", "카테고리", "category", "type"),
    ),
    Field(
        "inquiry",
        _("Inquiry"),
        (
            "문의내용",
            "상담내용",
            "고객문의",
            "문의사항",
            "문의",
            "요청내용",
            "내용",
            "inquiry",
            "question",
            "summary",
            "description",
        ),
        required=True,
    ),
    Field(
        "resolution",
        _("Resolution"),
        (
            "처리내용",
            "처리결과",
            "답변내용",
            "조치내용",
            "응대내용",
            "처리",
            "resolution",
            "answer",
            "result",
        ),
    ),
    Field(
        "transferred", _("Transferred"), ("이관여부", "이관", "호전환", "전환여부", "transferred", "transfer")
    ),
    Field(
        "escalated",
        _("Escalated"),
        ("에스컬레이션", "상위보고", "상급자연결", "민원여부", "escalated", "escalation"),
    ),
    Field(
        "repeat_contact",
        _("Repeat contact"),
        (
            "재문의",
            "재문의여부",
            "재인입",
            "재인입여부",
            "반복문의",
            "repeat",
            "repeatcontact",
            "repeat_contact",
        ),
    ),
    Field(
        "customer",
        _("Customer (phone or id, stored hashed)"),
        (
            "고객번호",
            "전화번호",
            "고객전화번호",
            "휴대폰번호",
            "휴대전화",
            "연락처",
            "발신번호",
            "고객id",
            "고객아이디",
            "customer",
            "customerid",
            "customer_id",
            "phone",
            "ani",
        ),
    ),
    Field(
        "client", _("Client (checked against the chosen client)"), ("고객사", "고객사명", "client", "company")
    ),
    Field(
        "article",
        _("Manual article used (external id or exact title)"),
        ("적용매뉴얼", "매뉴얼", "사용매뉴얼", "안내매뉴얼", "article", "manual", "articleid"),
    ),
)
FIELD_KEYS = tuple(f.key for f in FIELDS)
FIELDS_BY_KEY = {f.key: f for f in FIELDS}

_NORMALISE = re.compile(r"[\s\-_./·]+|\(.*?\)|\[.*?\]")


def normalise_header(header: str) -> str:
    return _NORMALISE.sub("", (header or "").strip().lower().lstrip("\ufeff"))


_ALIASES = {normalise_header(a): f.key for f in FIELDS for a in f.aliases}


def detect_mapping(headers: list[str]) -> dict[str, str]:
    """{field: header} for the headers whose names are known aliases; the first match wins."""
    mapping: dict[str, str] = {}
    for header in headers:
        key = _ALIASES.get(normalise_header(header))
        if key and key not in mapping:
            mapping[key] = header
    # A lone "date" column is the start; with a separate time column it is the date part.
    return mapping


# --- Values -----------------------------------------------------------------------------------
_DATETIME = re.compile(
    r"""^\s*(?P<y>\d{4})\s*(?:[-./년]\s*)?(?P<m>\d{1,2})\s*(?:[-./월]\s*)?(?P<d>\d{1,2})\s*[.일]?
        (?:\s*(?:T|\s)\s*|\s*\([^)]*\)\s*)?
        (?:(?P<ap1>오전|오후|AM|PM|am|pm)\s*)?
        (?:(?P<H>\d{1,2})\s*(?:[:시]\s*)?(?P<M>\d{1,2})?\s*(?:[:분]\s*)?(?:(?P<S>\d{2})(?:\.\d+)?\s*초?)?)?
        \s*(?P<ap2>오전|오후|AM|PM|am|pm)?\s*(?:Z|[+-]\d{2}:?\d{2})?\s*$""",
    re.VERBOSE,
)
_TIME = re.compile(
    r"^\s*(?P<ap1>오전|오후|AM|PM|am|pm)?\s*(?P<H>\d{1,2})\s*[:시]?\s*(?P<M>\d{2})?\s*[:분]?\s*(?:(?P<S>\d{2})\s*초?)?\s*(?P<ap2>오전|오후|AM|PM|am|pm)?\s*$"
)
_PM = {"오후", "PM", "pm"}
_AM = {"오전", "AM", "am"}
_EXCEL_EPOCH = datetime(1899, 12, 30, tzinfo=KST)

DATE_HELP = "2026-10-03 14:05, 2026.10.03 14:05:22, 2026/10/03, 20261003 1405, 2026-10-03 오후 2:05"


def _hour(hour: int, ampm: str | None) -> int:
    if ampm in _PM and hour < 12:
        return hour + 12
    if ampm in _AM and hour == 12:
        return 0
    return hour


def _iso(text: str) -> datetime | None:
    """Fast path for the commonest export format, 2026-10-03 14:05[:22] (C-level parsing)."""
    if len(text) not in (16, 19) or text[4] != "-" or text[7] != "-" or text[10] not in " T":
        return None
    try:
        result = datetime.fromisoformat(text)
    except ValueError:
        return None
    return result.replace(tzinfo=KST)


def parse_datetime(value, time_value=None) -> datetime:
    """An aware datetime (Asia/Seoul unless the value carries its own zone)."""
    if isinstance(value, datetime):
        result = value if value.tzinfo else value.replace(tzinfo=KST)
    elif isinstance(value, date):
        result = datetime.combine(value, time(), tzinfo=KST)
    elif isinstance(value, int | float) and not isinstance(value, bool) and value >= 19000101:
        return parse_datetime(str(int(value)), time_value)  # 20261003 or 202610031405 typed as a number
    elif isinstance(value, int | float) and not isinstance(value, bool):
        if not 20000 <= value <= 80000:  # an Excel serial date (1954–2119)
            raise ValueError(_("'%(value)s' is not a date and time") % {"value": value})
        result = _EXCEL_EPOCH + timedelta(days=float(value))
    else:
        text = str(value or "").strip()
        if not text:
            raise ValueError(_("required"))
        iso = _iso(text)
        if iso is not None:
            if time_value not in (None, ""):
                t = parse_time(time_value)
                iso = iso.replace(hour=t.hour, minute=t.minute, second=t.second)
            return iso
        match = _DATETIME.match(text)
        if match is None:
            try:
                serial = float(text)
            except ValueError:
                raise ValueError(
                    _("'%(value)s' is not a date and time (e.g. %(examples)s)")
                    % {"value": text[:40], "examples": DATE_HELP}
                ) from None
            return parse_datetime(serial, time_value)
        g = match.groupdict()
        hour = int(g["H"] or 0)
        if g["H"] and not g["M"] and len(g["H"]) <= 2 and not (g["ap1"] or g["ap2"]):
            # "2026-10-03 14" alone is ambiguous; refuse rather than guess
            raise ValueError(
                _("'%(value)s' is not a date and time (e.g. %(examples)s)")
                % {"value": text[:40], "examples": DATE_HELP}
            )
        hour = _hour(hour, g["ap1"] or g["ap2"])
        try:
            result = datetime(
                int(g["y"]),
                int(g["m"]),
                int(g["d"]),
                hour,
                int(g["M"] or 0),
                int(g["S"] or 0),
                tzinfo=KST,
            )
        except ValueError:
            raise ValueError(_("'%(value)s' is not a valid date") % {"value": text[:40]}) from None
    if time_value not in (None, ""):
        t = parse_time(time_value)
        result = result.replace(hour=t.hour, minute=t.minute, second=t.second)
    return result


def parse_time(value) -> time:
    if isinstance(value, datetime):
        return value.time()
    if isinstance(value, time):
        return value
    if isinstance(value, timedelta):
        seconds = int(value.total_seconds())
        return time(seconds // 3600 % 24, seconds // 60 % 60, seconds % 60)
    text = str(value).strip()
    match = _TIME.match(text)
    if match is None:
        raise ValueError(_("'%(value)s' is not a time of day") % {"value": text[:40]})
    g = match.groupdict()
    try:
        return time(_hour(int(g["H"]), g["ap1"] or g["ap2"]), int(g["M"] or 0), int(g["S"] or 0))
    except ValueError:
        raise ValueError(_("'%(value)s' is not a time of day") % {"value": text[:40]}) from None


_DURATION_CLOCK = re.compile(r"^(?:(\d+):)?(\d{1,3}):(\d{2})(?:\.\d+)?$")
_DURATION_KO = re.compile(r"^(?:(\d+)\s*시간)?\s*(?:(\d+)\s*분)?\s*(?:(\d+)\s*초)?$")
MAX_DURATION = 24 * 3600


def parse_duration(value) -> int:
    """Seconds, from 185 / 185.0 / 3:05 / 00:03:05 / 3분 5초 (Excel time cells too)."""
    if value is None or value == "":
        return 0
    if isinstance(value, timedelta):
        seconds = int(value.total_seconds())
    elif isinstance(value, time):
        seconds = value.hour * 3600 + value.minute * 60 + value.second
    elif isinstance(value, int | float) and not isinstance(value, bool):
        seconds = round(value)
    else:
        text = str(value).strip()
        if not text:
            return 0
        if text.isdigit():
            seconds = int(text)
        elif len(text) == 5 and text[2] == ":" and text[:2].isdigit() and text[3:].isdigit():
            if int(text[3:]) >= 60:
                raise ValueError(_("'%(value)s' is not a duration") % {"value": text})
            seconds = int(text[:2]) * 60 + int(text[3:])  # mm:ss, the commonest
        elif m := _DURATION_CLOCK.match(text):
            h, mi, s = m.groups()
            if int(s) >= 60:
                raise ValueError(_("'%(value)s' is not a duration") % {"value": text[:40]})
            seconds = int(h or 0) * 3600 + int(mi) * 60 + int(s)
        elif (m := _DURATION_KO.match(text)) and any(m.groups()):
            h, mi, s = m.groups()
            seconds = int(h or 0) * 3600 + int(mi or 0) * 60 + int(s or 0)
        else:
            try:
                seconds = round(float(text.removesuffix("초")))
            except ValueError:
                raise ValueError(
                    _("'%(value)s' is not a duration (seconds, mm:ss or hh:mm:ss)") % {"value": text[:40]}
                ) from None
    if seconds < 0 or seconds > MAX_DURATION:
        raise ValueError(_("%(value)s seconds is out of range (0 to 24 hours)") % {"value": seconds})
    return seconds


_TRUE = {"y", "yes", "true", "1", "o", "예", "네", "있음", "이관", "재문의", "t", "v", "●", "○"}
_FALSE = {"n", "no", "false", "0", "x", "아니오", "아니요", "없음", "-", "f", ""}


def parse_flag(value) -> bool | None:
    """True/False from Y/N, 예/아니오, O/X, 1/0, true/false; None when the cell is empty."""
    if value is None:
        return None
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text == "":
        return None
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ValueError(_("'%(value)s' is not yes/no (Y/N, 예/아니오, 1/0)") % {"value": str(value)[:40]})


_CHAT = {"chat", "채팅", "톡", "카톡", "카카오톡", "메신저", "웹채팅", "챗봇", "talk", "messenger"}
_CALL = {"call", "전화", "콜", "통화", "인바운드", "아웃바운드", "ib", "ob", "phone", "voice", "유선", ""}


def parse_channel(value) -> str:
    text = str(value or "").strip().lower().replace(" ", "")
    if text in _CALL:
        return "call"
    if text in _CHAT:
        return "chat"
    raise ValueError(_("'%(value)s' is not a channel (전화 or 채팅)") % {"value": str(value)[:40]})


_DIGITS = re.compile(r"\D+")


def customer_key(value, salt: bytes) -> str:
    """An HMAC of the customer's phone number or id, so repeat contacts can be found without it."""
    text = str(value or "").strip()
    if not text:
        return ""
    digits = _DIGITS.sub("", text)
    normalised = digits if len(digits) >= 7 and len(digits) >= len(text) * 0.6 else text.lower()
    return hmac.digest(salt, normalised.encode(), "sha256").hex()[:40]


def utc_naive(value: datetime) -> datetime:
    return value.astimezone(UTC).replace(tzinfo=None)
