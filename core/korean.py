"""Korean text done once: particles after names, durations and the dates people read.

Particles. A sentence with a name in it needs 을/를, 이/가, 은/는, 과/와 or 으로/로 chosen by the
sound the name ends with. In code, `josa("지구 끝의 온실", "을")` → "지구 끝의 온실을". In a
translated string, where the name arrives later through %(name)s or {{ name }}, the Korean text
writes the pair in braces — "%(title)s{을/를} 빌렸습니다" — and `resolve_particles()` picks one
from the character before the braces once the sentence is complete. Web pages are resolved by
`core.middleware.KoreanParticlesMiddleware`; e-mails and exports call `resolve_particles` on their
text. Nobody reads both particles with one in brackets.

The sound of the last character: a Hangul syllable by its final consonant (받침); a digit or a
number by how it is read (1 일, 3 삼, 10 십, 100 백…); Latin letters by how a Korean reads them
(an abbreviation letter by letter — SSO 에스에스오, HTML 에이치티엠엘 — a word by its ending).
Closing quotes, brackets and HTML tags after a name are looked through: 『온실』을, “카드”를.
"""

from __future__ import annotations

import datetime as dt
import re

from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

# Each particle and its partner: (after a final consonant, after a vowel).
_PAIRS = {
    "을": ("을", "를"),
    "를": ("을", "를"),
    "이": ("이", "가"),
    "가": ("이", "가"),
    "은": ("은", "는"),
    "는": ("은", "는"),
    "과": ("과", "와"),
    "와": ("과", "와"),
    "으로": ("으로", "로"),
    "로": ("으로", "로"),
    "이나": ("이나", "나"),
    "나": ("이나", "나"),
    "이랑": ("이랑", "랑"),
    "랑": ("이랑", "랑"),
    "아": ("아", "야"),
    "야": ("아", "야"),
    "이에요": ("이에요", "예요"),
    "예요": ("이에요", "예요"),
}

_RIEUL = 8  # index of ㄹ among the final consonants
_NO_FINAL, _FINAL, _FINAL_RIEUL = "vowel", "final", "rieul"

# How digits end when read in Sino-Korean: 영 일 이 삼 사 오 육 칠 팔 구.
_DIGIT_SOUND = {
    "0": _FINAL,
    "1": _FINAL_RIEUL,
    "2": _NO_FINAL,
    "3": _FINAL,
    "4": _NO_FINAL,
    "5": _NO_FINAL,
    "6": _FINAL,
    "7": _FINAL_RIEUL,
    "8": _FINAL_RIEUL,
    "9": _NO_FINAL,
}
# Letter names: 엘, 엠, 엔, 알 end in a consonant; the others (에이, 비, 씨, 에스…) in a vowel.
_LETTER_SOUND = {"L": _FINAL_RIEUL, "M": _FINAL, "N": _FINAL, "R": _FINAL_RIEUL}
_CLOSERS = set("\"'”’』」》〉)]}›»」 ")  # looked through when finding the last sound
_MARKER = re.compile(
    r"\{(" + "|".join(sorted({f"{a}/{b}" for a, b in _PAIRS.values()}, key=len, reverse=True)) + r")\}"
)


def _sound_of(text: str) -> str | None:
    """The ending sound of `text` (vowel, final or rieul), or None when nothing tells."""
    i = len(text) - 1
    while i >= 0:
        ch = text[i]
        if ch == ">":  # an HTML tag closing a highlighted name: look before it
            start = text.rfind("<", 0, i)
            if start == -1:
                return None
            i = start - 1
            continue
        if ch in _CLOSERS:
            i -= 1
            continue
        break
    if i < 0:
        return None
    ch = text[i]
    if "가" <= ch <= "힣":
        final = (ord(ch) - 0xAC00) % 28
        if final == 0:
            return _NO_FINAL
        return _FINAL_RIEUL if final == _RIEUL else _FINAL
    if ch.isdigit() and ch.isascii():
        number = re.search(r"[0-9][0-9,]*$", text[: i + 1])
        assert number is not None  # text[i] is a digit
        digits = number.group().replace(",", "")
        stripped = digits.rstrip("0")
        zeros = len(digits) - len(stripped)
        if zeros and stripped:
            return _FINAL  # 십, 백, 천, 만
        return _DIGIT_SOUND[ch]
    if ch.isascii() and ch.isalpha():
        letters = re.search(r"[A-Za-z]+$", text[: i + 1])
        assert letters is not None  # text[i] is a letter
        word = letters.group()
        if word.isupper() or len(word) == 1:  # read letter by letter
            return _LETTER_SOUND.get(ch.upper(), _NO_FINAL)
        lower = word.lower()
        if lower.endswith(("l", "le")):
            return _FINAL_RIEUL
        if lower.endswith(("m", "n", "ng", "k", "t", "p", "b", "d", "g", "ck")):
            return _FINAL
        return _NO_FINAL
    return None


def _pick(sound: str | None, pair: tuple[str, str]) -> str:
    after_final, after_vowel = pair
    if sound is None:
        return after_final  # nothing to go by: the form that reads as written after most names
    if after_final == "으로":
        return after_vowel if sound in (_NO_FINAL, _FINAL_RIEUL) else after_final
    return after_vowel if sound == _NO_FINAL else after_final


def josa(word: object, particle: str) -> str:
    """`word` followed by the right form of `particle` (either form, or "을/를", may be given)."""
    text = str(word)
    key = particle.split("/")[0]
    pair = _PAIRS.get(key)
    if pair is None:
        raise ValueError(f"unknown particle: {particle!r}")
    return text + _pick(_sound_of(text), pair)


def resolve_particles(text: str) -> str:
    """Replace every {을/를}-style pair in a finished sentence by the form the sound before it needs."""
    if "{" not in text:
        return text
    out: list[str] = []
    last = 0
    for match in _MARKER.finditer(text):
        out.append(text[last : match.start()])
        pair = _PAIRS[match.group(1).split("/")[0]]
        out.append(_pick(_sound_of("".join(out)[-200:]), pair))
        last = match.end()
    if not out:
        return text
    out.append(text[last:])
    return "".join(out)


MARKER_BYTES = re.compile(_MARKER.pattern.encode())


def format_duration(seconds: float | int | None, *, unit: str = "second") -> str:
    """A length of time as people say it: "1시간 30분", "5분 11초", "45초" (English: "1 h 30 min").

    `unit` is the smallest unit shown: "second" (handle times) or "minute" (hours of work).
    Zero parts are left out; the smallest unit is rounded.
    """
    total = round((seconds or 0) / (60 if unit == "minute" else 1))
    if unit == "minute":
        hours, minutes, secs = total // 60, total % 60, 0
    else:
        hours, rest = divmod(total, 3600)
        minutes, secs = divmod(rest, 60)
    parts = []
    if hours:
        parts.append(_("%(n)s h") % {"n": f"{hours:,}"})
    if minutes:
        parts.append(_("%(n)s min") % {"n": minutes})
    if secs:
        parts.append(_("%(n)s s") % {"n": secs})
    if not parts:
        return _("%(n)s min") % {"n": 0} if unit == "minute" else _("%(n)s s") % {"n": 0}
    return " ".join(parts)


def format_minutes(minutes: float | int | None) -> str:
    """Minutes of work as "7시간 30분" (overtime, weekly hours)."""
    return format_duration((minutes or 0) * 60, unit="minute")


def format_day(value: dt.date | dt.datetime | None) -> str:
    """A day as people read it: "12월 7일 (월)" / "Dec 7 (Mon)". Datetimes in the local time zone."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        from django.utils import timezone

        value = timezone.localtime(value) if timezone.is_aware(value) else value
    return formats.date_format(value, pgettext("a day people read", "M j (D)"))


_INITIALS = "ㄱㄲㄴㄷㄸㄹㅁㅂㅃㅅㅆㅇㅈㅉㅊㅋㅌㅍㅎ"


def initials(text: str) -> str:
    """The initial consonants of the Hangul syllables in `text` (김민지 → ㄱㅁㅈ); other letters are dropped."""
    return "".join(_INITIALS[(ord(ch) - 0xAC00) // 588] for ch in text if "가" <= ch <= "힣")


def is_initials_query(text: str) -> bool:
    """Whether someone typed initial consonants only (ㄱㅁㅈ), the way Korean directories are searched."""
    text = text.replace(" ", "")
    return bool(text) and all(ch in _INITIALS for ch in text)
